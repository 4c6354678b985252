/**
 * The console-foundation stores (operators registry, sign-in tokens, sessions, rate counters,
 * audit log) as a contract: the same assertions, through the same use cases, run against the
 * DynamoDB adapters on dynalite (real wire protocol) and against the in-memory fakes the unit
 * tests use, so the fakes cannot drift from the adapters.
 */
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { DynamoAuditLog } from '../../functions/adapters/dynamo-audit-log';
import { DynamoOperatorRegistry } from '../../functions/adapters/dynamo-operator-registry';
import { DynamoSignInStore } from '../../functions/adapters/dynamo-sign-in-store';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addOperator, createOperatorSignInLink, removeOperator } from '../../functions/core/operators/manage';
import { getSession, hashSecret, peekSignIn, redeemSignIn, requestSignIn } from '../../functions/core/operators/sign-in';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { FakeClock, FakeTimer, InMemoryAuditLog, InMemoryOperatorRegistry, InMemorySignInStore, RecordingMailer } from '../support/in-memory';

jest.setTimeout(120_000);

type Stores = Pick<ReturnType<typeof withStores>, 'operators' | 'audit' | 'store'>;

function withStores(stores: { operators: DynamoOperatorRegistry | InMemoryOperatorRegistry; audit: DynamoAuditLog | InMemoryAuditLog; store: DynamoSignInStore | InMemorySignInStore }, clock: FakeClock) {
  const { store } = stores;
  return { ...stores, clock, mailer: new RecordingMailer(), signInTokens: store, sessions: store, rateLimiter: store, timer: new FakeTimer(), portalUrl: 'http://localhost:3000', mail: { from: 'tonghop@x.vn' } };
}

let emulators: Emulators | undefined;
let client: DynamoDBDocumentClient | undefined;

beforeAll(async () => {
  emulators = await startEmulators();
  client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
});
afterAll(async () => {
  client?.destroy();
  await emulators?.stop();
});

const implementations: Array<[string, () => Stores]> = [
  [
    'DynamoDB (dynalite)',
    () => {
      const options = { client: client!, tableName: emulators!.tableName };
      return { operators: new DynamoOperatorRegistry(options), audit: new DynamoAuditLog(options), store: new DynamoSignInStore(options) };
    },
  ],
  ['in-memory fakes', () => ({ operators: new InMemoryOperatorRegistry(), audit: new InMemoryAuditLog(), store: new InMemorySignInStore() })],
];

describe.each(implementations)('operators stores: %s', (_name, stores) => {
  let deps: ReturnType<typeof withStores>;
  const clock = new FakeClock(new Date('2026-03-18T02:00:00Z'));

  beforeAll(async () => {
    deps = withStores(stores(), clock);
    await addOperator(deps, { email: 'admin@x.vn', name: 'Quản trị', role: 'admin', actor: 'cli:test' });
    await addOperator(deps, { email: 'op@x.vn', name: 'Vận hành', role: 'operator', actor: 'cli:test' });
  });

  describe('registry', () => {
    it('refuses a second active operator with the same address (conditional put)', async () => {
      expect.assertions(1);
      await expect(deps.operators.add({ email: 'op@x.vn', name: 'X', role: 'viewer', active: true, createdAt: 'a', updatedAt: 'a' })).rejects.toMatchObject({ code: 'OPERATOR_EXISTS' });
    });

    it('refuses removing the last admin, then deactivates an operator', async () => {
      expect.assertions(2);
      await expect(removeOperator(deps, { email: 'admin@x.vn', actor: 'cli:test' })).rejects.toMatchObject({ code: 'LAST_ADMIN' });
      await removeOperator(deps, { email: 'op@x.vn', actor: 'cli:test' });
      await addOperator(deps, { email: 'op@x.vn', name: 'Vận hành', role: 'operator', actor: 'cli:test' });
      expect((await deps.operators.list()).map((o) => [o.email, o.active])).toEqual([['admin@x.vn', true], ['op@x.vn', true]]);
    });

    it('refuses a deactivation based on a stale read', async () => {
      expect.assertions(1);
      await expect(deps.operators.deactivate('op@x.vn', { updatedAt: '1999-01-01T00:00:00.000Z' }, clock.now().toISOString())).rejects.toMatchObject({ code: 'OPERATOR_CHANGED' });
    });
  });

  describe('sign-in tokens', () => {
    it('redeem a link once; a reused one is SIGNIN_USED and an expired one SIGNIN_EXPIRED', async () => {
      expect.assertions(3);
      const { url } = await createOperatorSignInLink(deps, { email: 'admin@x.vn', actor: 'cli:test' });
      const token = url.split('/').at(-1) ?? '';
      await redeemSignIn(deps, token);
      await expect(redeemSignIn(deps, token)).rejects.toMatchObject({ code: 'SIGNIN_USED' });

      const second = await createOperatorSignInLink(deps, { email: 'admin@x.vn', actor: 'cli:test' });
      clock.advance(15 * 60_000);
      await expect(redeemSignIn(deps, second.url.split('/').at(-1) ?? '')).rejects.toMatchObject({ code: 'SIGNIN_EXPIRED' });
      await expect(redeemSignIn(deps, 'B'.repeat(43))).rejects.toMatchObject({ code: 'SIGNIN_INVALID' });
    });

    it('peek a link without spending it, and tell used and expired links apart as redeem does', async () => {
      expect.assertions(5);
      const { url } = await createOperatorSignInLink(deps, { email: 'admin@x.vn', actor: 'cli:test' });
      const token = url.split('/').at(-1) ?? '';
      await expect(peekSignIn(deps, token)).resolves.toMatchObject({ maskedEmail: 'ad•••@x.vn' });
      await expect(peekSignIn(deps, token)).resolves.toMatchObject({ maskedEmail: 'ad•••@x.vn' });
      await redeemSignIn(deps, token);
      await expect(peekSignIn(deps, token)).rejects.toMatchObject({ code: 'SIGNIN_USED' });
      const second = await createOperatorSignInLink(deps, { email: 'admin@x.vn', actor: 'cli:test' });
      clock.advance(15 * 60_000);
      await expect(peekSignIn(deps, second.url.split('/').at(-1) ?? '')).rejects.toMatchObject({ code: 'SIGNIN_EXPIRED' });
      await expect(peekSignIn(deps, 'C'.repeat(43))).rejects.toMatchObject({ code: 'SIGNIN_INVALID' });
    });

    it('keep the console page a sign-in returns to (next) and hand it back on redemption', async () => {
      const next = '/quan-tri/bao-cao/tai/sap-xep-bo-may/2019-Q1/20190318T003000-0123abcd.xlsx';
      await requestSignIn(deps, { email: 'op@x.vn', ip: '198.51.100.20', next });
      const token = /\/quan-tri\/sign-in\/([A-Za-z0-9_-]{43})/.exec(deps.mailer.sent.at(-1)?.text ?? '')?.[1] ?? '';
      expect((await redeemSignIn(deps, token)).next).toBe(next);
    });

    it('lets exactly one of five concurrent redemptions of a link win', async () => {
      const { url } = await createOperatorSignInLink(deps, { email: 'admin@x.vn', actor: 'cli:test' });
      const token = url.split('/').at(-1) ?? '';
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => redeemSignIn(deps, token)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });
  });

  describe('rate counters', () => {
    it('count atomically: of ten concurrent requests for one address, five pass', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => requestSignIn(deps, { email: 'ai-do@x.vn', ip: `192.0.2.${i}` })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    });
  });

  describe('sessions', () => {
    it('slide, then expire after 8 idle hours; a removed operator is refused', async () => {
      expect.assertions(3);
      const { url } = await createOperatorSignInLink(deps, { email: 'op@x.vn', actor: 'cli:test' });
      const { sessionId } = await redeemSignIn(deps, url.split('/').at(-1) ?? '');
      clock.advance(4 * 3_600_000);
      await expect(getSession(deps, sessionId)).resolves.toMatchObject({ email: 'op@x.vn', role: 'operator' });
      clock.advance(8 * 3_600_000);
      await expect(getSession(deps, sessionId)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });

      const again = await createOperatorSignInLink(deps, { email: 'op@x.vn', actor: 'cli:test' });
      const second = await redeemSignIn(deps, again.url.split('/').at(-1) ?? '');
      await removeOperator(deps, { email: 'op@x.vn', actor: 'cli:test' });
      await expect(getSession(deps, second.sessionId)).rejects.toMatchObject({ code: 'SESSION_INVALID' });
    });
  });

  describe('audit log', () => {
    it('lists a day range newest first, with no token in any entry', async () => {
      const at = (iso: string) => ({ at: iso, actor: 'cli:test', action: 'test.entry', target: iso });
      await deps.audit.record(at('2026-04-01T23:59:59.000Z'));
      await deps.audit.record(at('2026-04-02T00:00:00.000Z'));
      await deps.audit.record(at('2026-04-03T10:00:00.000Z'));
      const listed = await deps.audit.list({ from: new Date('2026-04-01T12:00:00Z'), to: new Date('2026-04-03T10:00:00Z'), limit: 10 });
      expect(listed.map((e) => e.target)).toEqual(['2026-04-02T00:00:00.000Z', '2026-04-01T23:59:59.000Z']);
      const all = await deps.audit.list({ from: new Date('2026-03-18T00:00:00Z'), to: new Date('2026-03-20T00:00:00Z'), limit: 100 });
      expect(all.map((e) => e.action)).toEqual(expect.arrayContaining(['operator.add', 'operator.remove', 'operator.link', 'signin.redeem']));
      expect(await deps.audit.list({ from: new Date('2026-03-18T00:00:00Z'), to: new Date('2026-03-20T00:00:00Z'), limit: 2 })).toHaveLength(2);
      const decade = await deps.audit.list({ from: new Date('2016-01-01T00:00:00Z'), to: new Date('2026-04-04T00:00:00Z'), limit: 1 });
      expect(decade.map((e) => e.target)).toEqual(['2026-04-03T10:00:00.000Z']);
    });
  });
});

describe('DynamoSignInStore items', () => {
  it('carry the table\'s ttl a day past their expiry, keyed by the token hash (never the token)', async () => {
    const clock = new FakeClock(new Date('2026-03-18T02:00:00Z'));
    const options = { client: client!, tableName: emulators!.tableName };
    const deps = withStores({ operators: new DynamoOperatorRegistry(options), audit: new DynamoAuditLog(options), store: new DynamoSignInStore(options) }, clock);
    const { url } = await createOperatorSignInLink(deps, { email: 'admin@x.vn', actor: 'cli:test' });
    const token = url.split('/').at(-1) ?? '';
    const { Item } = await client!.send(new GetCommand({ TableName: emulators!.tableName, Key: { pk: `SIGNIN#${hashSecret(token)}`, sk: 'SIGNIN' } }));
    expect(Item?.ttl).toBe(Date.parse('2026-03-18T02:15:00Z') / 1000 + 86_400);
    expect(JSON.stringify(Item)).not.toContain(token);
  });
});

describe('DynamoOperatorRegistry', () => {
  it('lets only one of two admins removing each other at the same moment succeed', async () => {
    const clock = new FakeClock(new Date('2026-05-01T00:00:00Z'));
    const options = { client: client!, tableName: `${emulators!.tableName}` };
    const operators = new DynamoOperatorRegistry(options);
    const deps = { operators, audit: new DynamoAuditLog(options), clock };
    await addOperator(deps, { email: 'race-a@x.vn', name: 'A', role: 'admin', actor: 'cli:test' });
    await addOperator(deps, { email: 'race-b@x.vn', name: 'B', role: 'admin', actor: 'cli:test' });
    // The table's other admins (earlier tests) are removed through the registry first.
    for (const o of await operators.list()) if (o.active && o.role === 'admin' && !o.email.startsWith('race-')) await operators.deactivate(o.email, o, clock.now().toISOString());
    const a = (await operators.get('race-a@x.vn'))!;
    const b = (await operators.get('race-b@x.vn'))!;

    const results = await Promise.allSettled([operators.deactivate(a.email, a, '2026-05-01T00:00:01Z'), operators.deactivate(b.email, b, '2026-05-01T00:00:01Z')]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'LAST_ADMIN' } });
    expect((await operators.list()).filter((o) => o.active && o.role === 'admin')).toHaveLength(1);
  });
});
