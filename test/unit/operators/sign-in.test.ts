/**
 * Passwordless sign-in and sessions (functions/core/operators/sign-in.ts) against the in-memory
 * ports: what an operator (or someone probing the sign-in form) would notice.
 */
import type { AppError } from '../../../functions/core/errors';
import { consoleReturnPath, type Operator } from '../../../functions/core/operators/model';
import { endSession, getSession, hashSecret, maskEmail, peekSignIn, redeemSignIn, requestSignIn, SESSION_IDLE_MS, SIGN_IN_ANSWER_FLOOR_MS, SIGN_IN_REQUESTED_MESSAGE, type SignInDeps } from '../../../functions/core/operators/sign-in';
import { removeOperator } from '../../../functions/core/operators/manage';
import { FakeClock, FakeTimer, InMemoryAuditLog, InMemoryOperatorRegistry, InMemorySignInStore, RecordingMailer } from '../../support/in-memory';

const T0 = '2026-03-18T02:00:00.000Z';
const op = (email: string, role: Operator['role'] = 'operator', active = true): Operator => ({ email, name: `Cán bộ ${email}`, role, active, createdAt: T0, updatedAt: T0 });

function setup() {
  const clock = new FakeClock(new Date(T0));
  const store = new InMemorySignInStore();
  const operators = new InMemoryOperatorRegistry([op('quantri@tinhuy.example.vn', 'admin'), op('canbo@tinhuy.example.vn'), op('nghi@tinhuy.example.vn', 'operator', false)]);
  const mailer = new RecordingMailer();
  const audit = new InMemoryAuditLog();
  const timer = new FakeTimer();
  const deps: SignInDeps = { operators, signInTokens: store, sessions: store, rateLimiter: store, mailer, audit, clock, timer, portalUrl: 'http://localhost:3000', mail: { from: 'tonghop@tinhuy.example.vn' } };
  return { deps, clock, timer, store, operators, mailer, audit };
}

/** The token in the emailed link. */
function tokenFrom(mailer: RecordingMailer): string {
  const m = /\/quan-tri\/sign-in\/([A-Za-z0-9_-]+)/.exec(mailer.sent.at(-1)?.text ?? '');
  if (!m?.[1]) throw new Error('no sign-in link in the email');
  return m[1];
}

async function signedIn(s: ReturnType<typeof setup>, email = 'canbo@tinhuy.example.vn') {
  await requestSignIn(s.deps, { email, ip: '203.0.113.7' });
  return redeemSignIn(s.deps, tokenFrom(s.mailer));
}

describe('requestSignIn', () => {
  describe('an active operator', () => {
    it('emails a one-time link in Vietnamese and stores only the token hash', async () => {
      const s = setup();
      const result = await requestSignIn(s.deps, { email: '  CanBo@TinhUy.Example.VN ', ip: '203.0.113.7' });
      expect(result.message).toBe(SIGN_IN_REQUESTED_MESSAGE);
      expect(s.mailer.sent).toHaveLength(1);
      expect(s.mailer.sent[0]?.to).toEqual(['canbo@tinhuy.example.vn']);
      expect(s.mailer.sent[0]?.text).toContain('15 phút');
      const token = tokenFrom(s.mailer);
      expect([...s.store.tokens.keys()]).toEqual([hashSecret(token)]);
      expect(JSON.stringify([...s.store.tokens.values()])).not.toContain(token);
    });
  });

  describe('an address that is not an active operator', () => {
    it.each(['khongco@tinhuy.example.vn', 'nghi@tinhuy.example.vn'])('gives the same answer and sends no email to %s', async (email) => {
      const s = setup();
      const known = await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' });
      const unknown = await requestSignIn(s.deps, { email, ip: '203.0.113.8' });
      expect(unknown).toEqual(known);
      expect(s.mailer.sent).toHaveLength(1);
      expect(s.store.tokens.size).toBe(1);
    });
  });

  describe('timing', () => {
    it('answers an unknown address only after the same floor as a registered one (the delay is applied on both paths)', async () => {
      const s = setup();
      await requestSignIn(s.deps, { email: 'khongco@tinhuy.example.vn', ip: '203.0.113.8' });
      await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' });
      expect(s.timer.sleeps).toEqual([SIGN_IN_ANSWER_FLOOR_MS, SIGN_IN_ANSWER_FLOOR_MS]);
      expect(s.mailer.sent.map((m) => m.to)).toEqual([['canbo@tinhuy.example.vn']]);
    });

    it('waits only for what is left of the floor after a slow email, and not at all once past it', async () => {
      const s = setup();
      const send = s.mailer.send.bind(s.mailer);
      let mailMs = 300;
      s.mailer.send = async (m) => {
        s.timer.advance(mailMs);
        return send(m);
      };
      await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' });
      mailMs = SIGN_IN_ANSWER_FLOOR_MS + 500;
      await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' });
      expect(s.timer.sleeps).toEqual([SIGN_IN_ANSWER_FLOOR_MS - 300]);
      expect(s.mailer.sent).toHaveLength(2);
    });

    it('keeps the floor when sending the email fails', async () => {
      expect.assertions(2);
      const s = setup();
      s.mailer.send = async () => {
        throw new Error('SES down');
      };
      await expect(requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' })).rejects.toThrow('SES down');
      expect(s.timer.sleeps).toEqual([SIGN_IN_ANSWER_FLOOR_MS]);
    });
  });

  describe('rate limit', () => {
    it('refuses the sixth request for one address within 15 minutes, from any IP, and allows it again in the next window', async () => {
      expect.assertions(3);
      const s = setup();
      for (let i = 0; i < 5; i++) await requestSignIn(s.deps, { email: 'khongco@tinhuy.example.vn', ip: `198.51.100.${i}` });
      await expect(requestSignIn(s.deps, { email: 'khongco@tinhuy.example.vn', ip: '198.51.100.99' })).rejects.toMatchObject({ code: 'SIGNIN_RATE_LIMITED', statusCode: 429 });
      s.clock.advance(15 * 60_000);
      await expect(requestSignIn(s.deps, { email: 'khongco@tinhuy.example.vn', ip: '198.51.100.99' })).resolves.toEqual({ message: SIGN_IN_REQUESTED_MESSAGE });
      expect(s.mailer.sent).toHaveLength(0);
    });

    it('refuses the sixth request from one IP whatever the address', async () => {
      const s = setup();
      for (let i = 0; i < 5; i++) await requestSignIn(s.deps, { email: `a${i}@example.vn`, ip: '198.51.100.1' });
      await expect(requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '198.51.100.1' })).rejects.toMatchObject({ code: 'SIGNIN_RATE_LIMITED' });
      expect(s.mailer.sent).toHaveLength(0);
    });
  });

  it('rejects a malformed address without echoing it', async () => {
    const s = setup();
    const err = (await requestSignIn(s.deps, { email: '<script>x'.repeat(50), ip: '1.1.1.1' }).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('OPERATOR_EMAIL_INVALID');
    expect(err.message).not.toContain('<script>');
  });
});

describe('peekSignIn', () => {
  it('shows whose link it is, masked, without spending it: a second look still works, and the link then redeems once', async () => {
    expect.assertions(4);
    const s = setup();
    await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' });
    const token = tokenFrom(s.mailer);
    await expect(peekSignIn(s.deps, token)).resolves.toEqual({ maskedEmail: 'ca•••@tinhuy.example.vn', expiresAt: '2026-03-18T02:15:00.000Z' });
    await expect(peekSignIn(s.deps, token)).resolves.toMatchObject({ maskedEmail: 'ca•••@tinhuy.example.vn' });
    await expect(redeemSignIn(s.deps, token)).resolves.toMatchObject({ email: 'canbo@tinhuy.example.vn' });
    await expect(peekSignIn(s.deps, token)).rejects.toMatchObject({ code: 'SIGNIN_USED', statusCode: 401 });
  });

  it('refuses an expired link, an unknown one, and that of an operator removed since', async () => {
    expect.assertions(3);
    const s = setup();
    await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' });
    const token = tokenFrom(s.mailer);
    await removeOperator({ operators: s.operators, audit: s.audit, clock: s.clock }, { email: 'canbo@tinhuy.example.vn', actor: 'cli:test' });
    await expect(peekSignIn(s.deps, token)).rejects.toMatchObject({ code: 'SIGNIN_INVALID' });
    s.clock.advance(15 * 60_000);
    await expect(peekSignIn(s.deps, token)).rejects.toMatchObject({ code: 'SIGNIN_EXPIRED' });
    await expect(peekSignIn(s.deps, 'A'.repeat(43))).rejects.toMatchObject({ code: 'SIGNIN_INVALID' });
  });

  it.each([
    ['canbo@tinhuy.example.vn', 'ca•••@tinhuy.example.vn'],
    ['an@x.vn', 'a•••@x.vn'],
    ['nguyenvanan.btc@tinhuy.vn', 'ng•••@tinhuy.vn'],
  ])('masks %s as %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});

describe('redeemSignIn', () => {
  it('opens a session with the operator role, a CSRF token and 8 h idle / 12 h absolute expiry', async () => {
    const s = setup();
    const session = await signedIn(s);
    expect(session).toMatchObject({ email: 'canbo@tinhuy.example.vn', role: 'operator', idleExpiresAt: '2026-03-18T10:00:00.000Z', absoluteExpiresAt: '2026-03-18T14:00:00.000Z' });
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.store.sessions.has(session.sessionId)).toBe(false);
    expect(s.store.sessions.has(hashSecret(session.sessionId))).toBe(true);
  });

  it('refuses a reused link (SIGNIN_USED, 401)', async () => {
    expect.assertions(1);
    const s = setup();
    await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' });
    const token = tokenFrom(s.mailer);
    await redeemSignIn(s.deps, token);
    await expect(redeemSignIn(s.deps, token)).rejects.toMatchObject({ code: 'SIGNIN_USED', statusCode: 401 });
  });

  it('refuses a link older than 15 minutes (SIGNIN_EXPIRED)', async () => {
    expect.assertions(1);
    const s = setup();
    await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7' });
    s.clock.advance(15 * 60_000);
    await expect(redeemSignIn(s.deps, tokenFrom(s.mailer))).rejects.toMatchObject({ code: 'SIGNIN_EXPIRED', statusCode: 401 });
  });

  it.each(['A'.repeat(43), 'not a token', ''])('refuses an unknown token %p (SIGNIN_INVALID)', async (token) => {
    expect.assertions(1);
    await expect(redeemSignIn(setup().deps, token)).rejects.toMatchObject({ code: 'SIGNIN_INVALID', statusCode: 401 });
  });
});

describe('a sign-in that returns to a console page (next)', () => {
  it('keeps the console path with the token and hands it back when the link is redeemed', async () => {
    const s = setup();
    const next = '/quan-tri/bao-cao/tai/sap-xep-bo-may/2019-Q1/20190318T003000-0123abcd.xlsx';
    await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7', next });
    expect([...s.store.tokens.values()][0]).toMatchObject({ next });
    const opened = await redeemSignIn(s.deps, tokenFrom(s.mailer));
    expect(opened.next).toBe(next);
  });

  it.each([
    ['another site', 'https://evil.example/quan-tri/'],
    ['a protocol-relative address', '//evil.example/quan-tri/'],
    ['a path outside the console', '/u/abc'],
    ['a doubled slash inside', '/quan-tri//evil.example'],
    ['a dot-dot segment', '/quan-tri/../u/abc'],
    ['a backslash', '/quan-tri/\\evil.example'],
    ['an over-long path', `/quan-tri/${'a'.repeat(600)}`],
  ])('drops %s and opens the console root instead', async (_case, next) => {
    const s = setup();
    await requestSignIn(s.deps, { email: 'canbo@tinhuy.example.vn', ip: '203.0.113.7', next });
    expect([...s.store.tokens.values()][0]).not.toHaveProperty('next');
    expect((await redeemSignIn(s.deps, tokenFrom(s.mailer))).next).toBeUndefined();
    expect(consoleReturnPath(next)).toBeUndefined();
  });

  it('accepts a console page with its query', () => {
    expect(consoleReturnPath('/quan-tri/bao-cao?form=sap-xep-bo-may&period=2019-Q1')).toBe('/quan-tri/bao-cao?form=sap-xep-bo-may&period=2019-Q1');
  });
});

describe('getSession', () => {
  it('slides the idle expiry on use, up to the absolute one', async () => {
    const s = setup();
    const { sessionId } = await signedIn(s);
    s.clock.advance(7 * 3_600_000);
    expect((await getSession(s.deps, sessionId)).idleExpiresAt).toBe('2026-03-18T14:00:00.000Z');
  });

  it('refuses a session idle for 8 hours (SESSION_EXPIRED)', async () => {
    expect.assertions(1);
    const s = setup();
    const { sessionId } = await signedIn(s);
    s.clock.advance(SESSION_IDLE_MS);
    await expect(getSession(s.deps, sessionId)).rejects.toMatchObject({ code: 'SESSION_EXPIRED', statusCode: 401 });
  });

  it('refuses a session 12 hours after sign-in even when used all along', async () => {
    expect.assertions(2);
    const s = setup();
    const { sessionId } = await signedIn(s);
    for (let h = 0; h < 11; h++) {
      s.clock.advance(3_600_000);
      await getSession(s.deps, sessionId);
    }
    s.clock.advance(3_600_000 - 1);
    await expect(getSession(s.deps, sessionId)).resolves.toMatchObject({ email: 'canbo@tinhuy.example.vn' });
    s.clock.advance(1);
    await expect(getSession(s.deps, sessionId)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('refuses the session of an operator removed since sign-in', async () => {
    expect.assertions(2);
    const s = setup();
    const { sessionId } = await signedIn(s);
    await removeOperator({ operators: s.operators, audit: s.audit, clock: s.clock }, { email: 'canbo@tinhuy.example.vn', actor: 'cli:test' });
    await expect(getSession(s.deps, sessionId)).rejects.toMatchObject({ code: 'SESSION_INVALID', statusCode: 401 });
    expect(s.store.sessions.get(hashSecret(sessionId))?.revokedAt).toBeDefined();
  });

  it('refuses a session after sign-out', async () => {
    expect.assertions(1);
    const s = setup();
    const { sessionId } = await signedIn(s);
    await endSession(s.deps, sessionId);
    await expect(getSession(s.deps, sessionId)).rejects.toMatchObject({ code: 'SESSION_INVALID' });
  });
});
