/**
 * DynamoOnceLedger against dynalite over the real DynamoDB wire protocol: a key is claimed
 * exactly once even under concurrent claims, release lets a retry claim again, list filters by prefix.
 */
import { DynamoOnceLedger } from '../../functions/adapters/dynamo-once-ledger';
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { FakeClock } from '../support/in-memory';

// The project-level testTimeout is not applied by jest 30 (a global option); a loaded 2-core machine needs more than 5 s.
jest.setTimeout(120_000);

describe('DynamoOnceLedger', () => {
  let emulators: Emulators;
  let ledger: DynamoOnceLedger;
  const clock = new FakeClock(new Date('2026-03-18T00:30:00Z'));

  beforeAll(async () => {
    emulators = await startEmulators();
    const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
    ledger = new DynamoOnceLedger({ client, tableName: emulators.tableName, clock });
  });
  afterAll(async () => {
    await emulators?.stop();
  });

  describe('claim', () => {
    it('lets exactly one of ten concurrent callers claim a key', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => ledger.claim('email#sap-xep-bo-may#2026-Q1', { to: 3 })));
      expect(results.filter(Boolean)).toHaveLength(1);
      await expect(ledger.claim('email#sap-xep-bo-may#2026-Q1')).resolves.toBe(false);
    });

    it('lets a retry claim again after release', async () => {
      await expect(ledger.claim('remind#x#U01')).resolves.toBe(true);
      await ledger.release('remind#x#U01');
      await expect(ledger.claim('remind#x#U01')).resolves.toBe(true);
    });

    it('treats releasing an unclaimed key as done', async () => {
      await expect(ledger.release('never-claimed')).resolves.toBeUndefined();
    });
  });

  describe('list', () => {
    it('returns the claims under a prefix, newest first, with their attributes', async () => {
      clock.set('2026-03-18T01:00:00Z');
      await ledger.claim('report#bien-che-thang#2026-02#a', { messageId: '<1@x>', recipients: 2 });
      clock.set('2026-03-18T02:00:00Z');
      await ledger.claim('report#bien-che-thang#2026-02#b', { messageId: '<2@x>', recipients: 4 });
      await ledger.claim('report#bien-che-thang#2026-03#c');

      const listed = await ledger.list('report#bien-che-thang#2026-02');

      expect(listed).toEqual([
        { key: 'report#bien-che-thang#2026-02#b', claimedAt: '2026-03-18T02:00:00.000Z', attributes: { messageId: '<2@x>', recipients: 4 } },
        { key: 'report#bien-che-thang#2026-02#a', claimedAt: '2026-03-18T01:00:00.000Z', attributes: { messageId: '<1@x>', recipients: 2 } },
      ]);
    });

    it('lists every claim for an empty prefix', async () => {
      const all = await ledger.list('');
      expect(all.map((c) => c.key)).toEqual(expect.arrayContaining(['email#sap-xep-bo-may#2026-Q1', 'report#bien-che-thang#2026-03#c']));
    });
  });
});
