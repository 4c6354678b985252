/**
 * The operator console's routes through the API handler (sign-in pages, session cookie, CSRF,
 * roles, `/api/admin/`), on the portal's in-memory world plus the console's in-memory stores:
 * what an operator, or someone attacking the console from another site, would notice.
 */
import { generateForm } from '../../../functions/core/forms';
import type { Log } from '../../../functions/core/log';
import type { Operator } from '../../../functions/core/operators/model';
import { SESSION_IDLE_MS, SIGN_IN_REQUESTED_MESSAGE, SIGN_IN_TOKEN_TTL_MS } from '../../../functions/core/operators/sign-in';
import { createApiHandler } from '../../../functions/handlers/api';
import { InMemoryAuditLog, InMemoryOnceLedger, InMemoryOperatorRegistry, InMemorySignInStore, RecordingMailer } from '../../support/in-memory';
import { httpEvent } from './http-event';
import { sampleValues } from '../../support/forms';
import { loadForm, submit } from '../consolidation/fixtures';
import { createWorld, HU_TH, NOW, SO_NV, submission } from './world';

const op = (email: string, role: Operator['role']): Operator => ({ email, name: `Cán bộ ${role}`, role, active: true, createdAt: NOW, updatedAt: NOW });
const ADMIN = 'quantri@tinhuy.example.vn';
const VIEWER = 'lanhdao@tinhuy.example.vn';
const OPERATOR = 'canbo@tinhuy.example.vn';

function setup(portalUrl = 'https://baocao.example.vn') {
  const world = createWorld();
  const store = new InMemorySignInStore();
  const operators = new InMemoryOperatorRegistry([op(ADMIN, 'admin'), op(VIEWER, 'viewer'), op(OPERATOR, 'operator')]);
  const mailer = new RecordingMailer();
  const audit = new InMemoryAuditLog();
  const lines: string[] = [];
  const record = (level: string) => (message: string, ...extra: Array<Record<string, unknown>>) => void lines.push(`${level} ${message} ${JSON.stringify(extra)}`);
  const logger: Log = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const signIn = { operators, signInTokens: store, sessions: store, rateLimiter: store, mailer, audit, clock: world.clock, portalUrl, mail: { from: 'tonghop@tinhuy.example.vn' } };
  const handler = createApiHandler({ ...world, config: { ...world.config, portalUrl }, generateForm, logger, console: { signIn, audit, consolidation: { files: world.files, ledger: new InMemoryOnceLedger(world.clock), mailer, mail: { from: 'tonghop@tinhuy.example.vn' } } } });
  const call = async (method: string, path: string, options: { headers?: Record<string, string>; body?: string; cookie?: string; query?: string; sourceIp?: string } = {}) => {
    const event = httpEvent(method, path, { headers: options.headers, body: options.body });
    if (options.cookie) event.cookies = [options.cookie];
    if (options.query) event.rawQueryString = options.query;
    if (options.sourceIp) event.requestContext.http.sourceIp = options.sourceIp;
    const res = await handler(event);
    return { ...res, json: () => JSON.parse(res.body ?? '') as Record<string, unknown> };
  };
  const origin = new URL(portalUrl).origin;
  /** The token of the last emailed sign-in link. */
  const lastToken = () => {
    const m = /\/quan-tri\/sign-in\/([A-Za-z0-9_-]+)/.exec(mailer.sent.at(-1)?.text ?? '');
    if (!m?.[1]) throw new Error('no sign-in link in the email');
    return m[1];
  };
  /** Signs `email` in through the routes; the cookie as the browser would send it back, and the CSRF token. */
  const signedIn = async (email = ADMIN) => {
    await call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email }) });
    const res = await call('GET', `/quan-tri/sign-in/${lastToken()}`);
    const cookie = res.cookies![0]!.split(';')[0]!;
    const me = await call('GET', '/api/admin/me', { cookie });
    return { cookie, csrf: me.json()['csrfToken'] as string };
  };
  return { world, store, operators, mailer, audit, lines, call, origin, lastToken, signedIn };
}

describe('console sign-in', () => {
  it('serves a Vietnamese sign-in page with an email form posting to the sign-in API', async () => {
    const s = setup();
    const res = await s.call('GET', '/quan-tri/sign-in');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="vi">');
    expect(res.body).toContain('Đăng nhập');
    expect(res.body).toMatch(/<form method="post" action="\/quan-tri\/api\/sign-in">/);
    expect(res.body).toContain('type="email"');
    expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });

  it('answers an unknown address exactly as a registered one (202, same body) and emails nobody', async () => {
    const s = setup();
    const known = await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const unknown = await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: 'khongco@tinhuy.example.vn' }) });
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(unknown.json()).toEqual({ message: SIGN_IN_REQUESTED_MESSAGE });
    expect(s.mailer.sent.map((m) => m.to)).toEqual([[ADMIN]]);
  });

  it('audits the request and the opened session with the operator as actor (never the token)', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    await s.call('GET', `/quan-tri/sign-in/${s.lastToken()}`);
    expect(s.audit.entries).toEqual([expect.objectContaining({ actor: ADMIN, action: 'signin.request' }), expect.objectContaining({ actor: ADMIN, action: 'signin.redeem' })]);
    expect(JSON.stringify(s.audit.entries)).not.toContain(s.lastToken());
  });

  it('refuses a sign-in request posted from another site\'s page (403 CSRF_REFUSED) and emails nobody', async () => {
    const s = setup();
    const res = await s.call('POST', '/quan-tri/api/sign-in', { headers: { origin: 'https://evil.example.com', 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(ADMIN)}` });
    expect(res.statusCode).toBe(403);
    expect(s.mailer.sent).toEqual([]);
    const same = await s.call('POST', '/quan-tri/api/sign-in', { headers: { origin: s.origin }, body: JSON.stringify({ email: ADMIN }) });
    expect(same.statusCode).toBe(202);
  });

  it('accepts the sign-in form posted from its own page, where the browser sends Origin: null (Referrer-Policy: no-referrer) with Sec-Fetch-Site: same-origin', async () => {
    const s = setup();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const res = await s.call('POST', '/quan-tri/api/sign-in', { headers: { ...form, origin: 'null', 'sec-fetch-site': 'same-origin' }, body: `email=${encodeURIComponent(ADMIN)}` });
    expect(res.statusCode).toBe(202);
    expect(s.mailer.sent.map((m) => m.to)).toEqual([[ADMIN]]);
    const forged = await s.call('POST', '/quan-tri/api/sign-in', { headers: { ...form, origin: 'null', 'sec-fetch-site': 'cross-site' }, body: `email=${encodeURIComponent(ADMIN)}` });
    expect(forged.statusCode).toBe(403);
    expect(s.mailer.sent).toHaveLength(1);
  });

  it('answers the page\'s form post (urlencoded) with a Vietnamese page', async () => {
    const s = setup();
    const res = await s.call('POST', '/quan-tri/api/sign-in', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(ADMIN)}` });
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Kiểm tra hộp thư');
    expect(s.mailer.sent).toHaveLength(1);
  });

  it('counts requests by the client IP API Gateway saw', async () => {
    const s = setup();
    for (let i = 0; i < 5; i += 1) await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: `x${i}@tinhuy.example.vn` }), sourceIp: '203.0.113.9' });
    const limited = await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }), sourceIp: '203.0.113.9' });
    const other = await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }), sourceIp: '203.0.113.10' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()['code']).toBe('SIGNIN_RATE_LIMITED');
    expect(other.statusCode).toBe(202);
  });

  it('opens a session from the emailed link: a __Host- cookie (HttpOnly, SameSite=Strict, Secure, Path=/) and 303 to the console', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const res = await s.call('GET', `/quan-tri/sign-in/${s.lastToken()}`);
    expect(res.statusCode).toBe(303);
    expect(res.headers['location']).toBe('/quan-tri/');
    expect(res.cookies).toHaveLength(1);
    const attrs = res.cookies![0]!.split('; ');
    expect(attrs[0]).toMatch(/^__Host-tonghop-phien=[A-Za-z0-9_-]{43}$/);
    expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure']));
    expect(attrs.some((a) => a.startsWith('Domain'))).toBe(false);
  });

  it('opened from webmail (Sec-Fetch-Site: cross-site), sets the cookie and moves on from a page of its own (a cross-site redirect would not carry the Strict cookie)', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const res = await s.call('GET', `/quan-tri/sign-in/${s.lastToken()}`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.statusCode).toBe(200);
    expect(res.cookies![0]).toMatch(/^__Host-tonghop-phien=[A-Za-z0-9_-]{43}; /);
    expect(res.body).toContain('<meta http-equiv="refresh" content="0;url=/quan-tri/">');
    expect(res.body).toContain('<a href="/quan-tri/">Vào trang quản trị</a>');
    expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });

  it('uses a plain cookie name without Secure on an http portal (local)', async () => {
    const s = setup('http://localhost:3000');
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const res = await s.call('GET', `/quan-tri/sign-in/${s.lastToken()}`);
    expect(res.cookies![0]).toMatch(/^tonghop-phien=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  });

  it('refuses a link used twice with a Vietnamese page and the stable code, and sets no cookie', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const token = s.lastToken();
    await s.call('GET', `/quan-tri/sign-in/${token}`);
    const again = await s.call('GET', `/quan-tri/sign-in/${token}`);
    expect(again.statusCode).toBe(401);
    expect(again.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(again.body).toContain('đã được dùng');
    expect(again.body).toContain('SIGNIN_USED');
    expect(again.cookies).toBeUndefined();
  });

  it('refuses an expired link (after 15 minutes) with SIGNIN_EXPIRED', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    s.world.clock.advance(SIGN_IN_TOKEN_TTL_MS + 1000);
    const res = await s.call('GET', `/quan-tri/sign-in/${s.lastToken()}`);
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('SIGNIN_EXPIRED');
    expect(res.body).toContain('hết hạn');
  });

  it('answers an unknown console page with a Vietnamese HTML page (404), and unknown console JSON with JSON', async () => {
    const s = setup();
    const page = await s.call('GET', '/quan-tri/khong-co');
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Trang quản trị');
    expect(page.body).toContain('ROUTE_NOT_FOUND');
    const api = await s.call('GET', '/quan-tri/api/khong-co');
    expect(api.json()['code']).toBe('ROUTE_NOT_FOUND');
  });

  it('does not spend the link on a HEAD (link checkers, mail scanners)', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const head = await s.call('HEAD', `/quan-tri/sign-in/${s.lastToken()}`);
    expect(head.cookies).toBeUndefined();
    const res = await s.call('GET', `/quan-tri/sign-in/${s.lastToken()}`);
    expect(res.statusCode).toBe(303);
  });

  it('never logs a sign-in token, even when the link is refused', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const token = s.lastToken();
    s.world.clock.advance(SIGN_IN_TOKEN_TTL_MS + 1000);
    await s.call('GET', `/quan-tri/sign-in/${token}`);
    await s.call('POST', `/quan-tri/sign-in/${token}`); // 405, logged by the error mapper
    expect(s.lines.join('\n')).not.toContain(token);
    expect(s.lines.some((l) => l.includes('/quan-tri/sign-in/[token:'))).toBe(true);
  });

  it('signs out: the session ends (audited), the cookie is cleared, and the next request answers 401', async () => {
    const s = setup();
    const { cookie, csrf } = await s.signedIn();
    const res = await s.call('POST', '/quan-tri/api/sign-out', { cookie, headers: { origin: s.origin, 'x-csrf-token': csrf } });
    expect(res.statusCode).toBe(200);
    expect(res.cookies![0]).toMatch(/^__Host-tonghop-phien=; .*Max-Age=0$/);
    expect(s.audit.entries.at(-1)).toMatchObject({ actor: ADMIN, action: 'signin.end' });
    expect((await s.call('GET', '/api/admin/me', { cookie })).statusCode).toBe(401);
  });
});

describe('console sessions', () => {
  it('GET /api/admin/me answers who is signed in and the CSRF token', async () => {
    const s = setup();
    const { cookie } = await s.signedIn();
    const me = await s.call('GET', '/api/admin/me', { cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ email: ADMIN, name: 'Cán bộ admin', role: 'admin', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('answers 401 { code, message } in Vietnamese without a session, and for an expired one', async () => {
    const s = setup();
    const none = await s.call('GET', '/api/admin/me');
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ code: 'SESSION_INVALID', message: expect.stringContaining('đăng nhập') });
    const { cookie } = await s.signedIn();
    s.world.clock.advance(SESSION_IDLE_MS + 1000);
    const expired = await s.call('GET', '/api/admin/status/sap-xep-bo-may/2019-Q1', { cookie });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()['code']).toBe('SESSION_EXPIRED');
  });

  it('sends the browser to sign-in (303) from the console root without a session, and greets the operator with one', async () => {
    const s = setup();
    const anonymous = await s.call('GET', '/quan-tri/');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers['location']).toBe('/quan-tri/sign-in');
    const { cookie } = await s.signedIn();
    const page = await s.call('GET', '/quan-tri/', { cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cán bộ admin');
    expect(page.body).toContain(ADMIN);
  });

  it('answers the console root with "Tình hình nộp báo cáo" of the open period, filtered by the page\'s GET query', async () => {
    const s = setup();
    await s.world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' }));
    const { cookie } = await s.signedIn(VIEWER);
    expect((await s.call('GET', '/quan-tri/', { cookie })).body).toContain('Tình hình nộp báo cáo');
    const page = await s.call('GET', '/quan-tri/', { cookie, query: 'form=sap-xep-bo-may' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-form-id="sap-xep-bo-may" data-period="2019-Q1"');
    expect(page.body).toContain('<tr data-code="SO-NV">');
    expect(page.body).toContain('<tr data-code="HU-TH">');

    const filtered = await s.call('GET', '/quan-tri/', { cookie, query: 'form=sap-xep-bo-may&period=2019-Q1&status=chua-nop&search=thach+ha' });
    expect(filtered.body).toContain('<tr data-code="HU-TH">');
    expect(filtered.body).not.toContain('<tr data-code="SO-NV">');
    // Any recent period can be chosen: the previous quarter is offered and shown.
    expect(page.body).toContain('<option value="2018-Q4">');
    expect((await s.call('GET', '/quan-tri/', { cookie, query: 'form=sap-xep-bo-may&period=2018-Q4' })).body).toContain('data-period="2018-Q4"');
  });

  it('shows a form\'s open period when the asked period belongs to another form, and refuses a bad filter with a Vietnamese page', async () => {
    const s = setup();
    const { cookie } = await s.signedIn();
    const switched = await s.call('GET', '/quan-tri/', { cookie, query: 'form=bien-che-thang&period=2019-Q1' });
    expect(switched.statusCode).toBe(200);
    expect(switched.body).toMatch(/data-form-id="bien-che-thang" data-period="2019-\d{2}"/);
    expect(switched.body).toContain('không thuộc biểu mẫu này');
    const bad = await s.call('GET', '/quan-tri/', { cookie, query: 'status=%3Cscript%3E' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^text\/html/);
    expect(bad.body).toContain('STATUS_FILTER_INVALID');
    expect(bad.body).not.toContain('<script>');
  });

  it('serves the console script as a versioned asset', async () => {
    const s = setup();
    const res = await s.call('GET', '/assets/console.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.body).toContain('/api/admin/status/');
  });

  describe('a state-changing request', () => {
    it.each([
      ['from another site', (o: string, csrf: string) => ({ origin: 'https://evil.example.com', 'x-csrf-token': csrf })],
      ['without Origin', (_o: string, csrf: string) => ({ 'x-csrf-token': csrf })],
      ['with Origin: null from another site', (_o: string, csrf: string) => ({ origin: 'null', 'sec-fetch-site': 'cross-site', 'x-csrf-token': csrf })],
      ['without the CSRF token', (o: string) => ({ origin: o })],
      ['with a wrong CSRF token', (o: string, csrf: string) => ({ origin: o, 'x-csrf-token': `${csrf.slice(0, -1)}A` === csrf ? `${csrf.slice(0, -1)}B` : `${csrf.slice(0, -1)}A` })],
    ])('is refused (403 CSRF_REFUSED) %s, and changes nothing', async (_label, headers) => {
      const s = setup();
      const { cookie, csrf } = await s.signedIn();
      const before = s.audit.entries.length;
      const res = await s.call('POST', '/quan-tri/api/sign-out', { cookie, headers: headers(s.origin, csrf) });
      expect(res.statusCode).toBe(403);
      expect(res.json()['code']).toBe('CSRF_REFUSED');
      expect(s.audit.entries).toHaveLength(before);
      expect((await s.call('GET', '/api/admin/me', { cookie })).statusCode).toBe(200);
    });
  });
});

describe('console JSON', () => {
  it('GET /api/admin/status/<form>/<period> answers the grid of every unit', async () => {
    const s = setup();
    await s.world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' }));
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', '/api/admin/status/sap-xep-bo-may/2019-Q1', { cookie });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { formId: string; period: string; units: Array<{ code: string; status: string }> };
    expect(body).toMatchObject({ formId: 'sap-xep-bo-may', period: '2019-Q1' });
    expect(body.units.map((u) => [u.code, u.status]).sort()).toEqual([[HU_TH.code, 'chua-nop'], [SO_NV.code, 'da-nop']]);
  });

  it('GET /api/admin/units/<code>/submissions answers every version, newest first', async () => {
    const s = setup();
    const older = submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', receivedAt: '2019-02-20T02:00:00.000Z', status: 'rejected' });
    const newer = submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', receivedAt: '2019-02-21T02:00:00.000Z' });
    await s.world.submissions.createIfAbsent(older);
    await s.world.submissions.createIfAbsent(newer);
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', '/api/admin/units/SO-NV/submissions', { cookie, query: 'form=sap-xep-bo-may&period=2019-Q1' });
    expect(res.statusCode).toBe(200);
    expect((res.json()['submissions'] as Array<{ uploadId: string }>).map((v) => v.uploadId)).toEqual([newer.uploadId, older.uploadId]);
    expect((await s.call('GET', '/api/admin/units/KHONG-CO/submissions', { cookie })).statusCode).toBe(404);
    const long = await s.call('GET', `/api/admin/units/${'X'.repeat(65)}/submissions`, { cookie });
    expect([long.statusCode, long.json()['code']]).toEqual([400, 'PARAM_INVALID']);
    const badQuery = await s.call('GET', '/api/admin/units/SO-NV/submissions', { cookie, query: `period=${'9'.repeat(65)}` });
    expect([badQuery.statusCode, badQuery.json()['code']]).toEqual([400, 'PARAM_INVALID']);
  });

  it('GET /api/admin/diff/<A>/<B> answers what the unit changed between two versions', async () => {
    const s = setup();
    const sap = loadForm('sap-xep-bo-may');
    const values = sampleValues(sap, 'so-nganh', 2);
    const a = await submit(s.world.submissions, { unitCode: 'SO-NV', formId: sap.id, period: '2019-Q1', receivedAt: '2019-02-20T01:00:00Z', values });
    const changed = structuredClone(values);
    changed.fields['09.co_mat'] = (values.fields['09.co_mat'] as number) + 1;
    const b = await submit(s.world.submissions, { unitCode: 'SO-NV', formId: sap.id, period: '2019-Q1', receivedAt: '2019-02-21T01:00:00Z', values: changed });
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', `/api/admin/diff/${a.uploadId}/${b.uploadId}`, { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.json()['changes']).toEqual([expect.objectContaining({ field: '09.co_mat', code: '09', column: 'Có mặt', before: values.fields['09.co_mat'], after: changed.fields['09.co_mat'] })]);
    expect((await s.call('GET', `/api/admin/diff/${a.uploadId}/${b.uploadId}`)).statusCode).toBe(401);
  });

  it('GET /api/admin/audit answers the entries of a bounded, validated range', async () => {
    const s = setup();
    const { cookie } = await s.signedIn();
    const res = await s.call('GET', '/api/admin/audit', { cookie, query: 'from=2019-03-01&to=2019-03-01' });
    expect(res.statusCode).toBe(200);
    expect((res.json()['entries'] as Array<{ action: string }>).map((e) => e.action).sort()).toEqual(['signin.redeem', 'signin.request']);
    for (const q of ['from=2019-02-30', 'from=01/03/2019', 'from=2017-01-01&to=2019-03-01', 'from=2019-03-02&to=2019-03-01']) {
      const bad = await s.call('GET', '/api/admin/audit', { cookie, query: q });
      expect([q, bad.statusCode, bad.json()['code']]).toEqual([q, 400, 'AUDIT_RANGE_INVALID']);
    }
  });
});

describe('POST /api/admin/consolidations', () => {
  const build = { formId: 'sap-xep-bo-may', period: '2019-Q1', send: false };
  const post = async (s: ReturnType<typeof setup>, email: string, body: unknown) => {
    const { cookie, csrf } = await s.signedIn(email);
    return s.call('POST', '/api/admin/consolidations', { cookie, headers: { origin: s.origin, 'x-csrf-token': csrf }, body: JSON.stringify(body) });
  };

  it('builds the workbook for an operator, answers a fresh download link, and audits it with the operator as actor', async () => {
    const s = setup();
    await s.world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' }));
    const res = await post(s, OPERATOR, build);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ formId: 'sap-xep-bo-may', period: '2019-Q1', email: { status: 'not-requested' }, downloadUrl: expect.any(String) });
    expect(body).not.toHaveProperty('workbook');
    expect(s.audit.entries.at(-1)).toMatchObject({ actor: OPERATOR, action: 'consolidation.build', target: 'sap-xep-bo-may/2019-Q1' });
  });

  it('sends it when asked, audited as consolidation.send', async () => {
    const s = setup();
    const res = await post(s, ADMIN, { ...build, send: true });
    expect(res.statusCode).toBe(200);
    expect(s.audit.entries.at(-1)).toMatchObject({ actor: ADMIN, action: 'consolidation.send', target: 'sap-xep-bo-may/2019-Q1', after: { email: (res.json()['email'] as { status: string }).status } });
  });

  it('refuses a viewer (403 ROLE_FORBIDDEN) and builds nothing', async () => {
    const s = setup();
    const res = await post(s, VIEWER, build);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 'ROLE_FORBIDDEN', message: expect.stringContaining('chỉ có quyền xem') });
    expect(s.audit.entries.map((e) => e.action)).not.toContain('consolidation.build');
    expect(await s.world.files.list('reports/')).toEqual([]);
  });

  it.each([
    ['send missing', { formId: 'sap-xep-bo-may', period: '2019-Q1' }],
    ['send not a boolean', { ...build, send: 'yes' }],
    ['an over-long form id', { ...build, formId: 'x'.repeat(65) }],
  ])('refuses a body with %s (400 BODY_INVALID)', async (_case, body) => {
    const s = setup();
    const res = await post(s, OPERATOR, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()['code']).toBe('BODY_INVALID');
  });
});
