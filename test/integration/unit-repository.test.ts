/**
 * DynamoUnitRepository against the embedded DynamoDB API (dynalite), over the real wire protocol.
 */
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import type { Unit } from '../../functions/core/model';

// jest 30 ignores the project-level testTimeout; the shared machine can be slow.
jest.setTimeout(120_000);

const unit = (code: string, extra: Partial<Unit> = {}): Unit => ({
  code, name: `Đơn vị ${code}`, type: 'so-nganh', emails: [`${code.toLowerCase()}@example.vn`], active: true, keyVersion: 1, ...extra,
});

describe('DynamoUnitRepository on the embedded DynamoDB API', () => {
  let emulators: Emulators;
  let repo: DynamoUnitRepository;

  beforeEach(async () => {
    emulators = await startEmulators();
    const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
    repo = new DynamoUnitRepository({ client, tableName: emulators.tableName });
  });
  afterEach(async () => {
    await emulators.stop();
  });

  describe('putMany and list', () => {
    it('stores more units than one batch holds and lists them in code order', async () => {
      const units = Array.from({ length: 60 }, (_, i) => unit(`U-${String(60 - i).padStart(2, '0')}`));

      await repo.putMany(units);
      const listed = await repo.list();

      expect(listed).toHaveLength(60);
      expect(listed[0]?.code).toBe('U-01');
      expect(listed[59]?.code).toBe('U-60');
      expect(listed[0]).toEqual(unit('U-01'));
    });

    it('hides inactive units unless asked for them', async () => {
      await repo.putMany([unit('A'), unit('B', { active: false })]);

      expect((await repo.list()).map((u) => u.code)).toEqual(['A']);
      expect((await repo.list({ includeInactive: true })).map((u) => u.code)).toEqual(['A', 'B']);
    });

    it('writes nothing when one unit is malformed', async () => {
      expect.assertions(2);
      await expect(repo.putMany([unit('A'), unit('B', { type: 'xa' as Unit['type'] })])).rejects.toMatchObject({ code: 'UNIT_INVALID' });
      expect(await repo.list({ includeInactive: true })).toEqual([]);
    });

    it('replaces a unit on re-import', async () => {
      await repo.putMany([unit('A')]);
      await repo.putMany([unit('A', { name: 'Sở Nội vụ', emails: [] })]);

      expect(await repo.get('A')).toMatchObject({ name: 'Sở Nội vụ', emails: [] });
    });
  });

  describe('get', () => {
    it('returns undefined for an unknown code', async () => {
      await expect(repo.get('NOPE')).resolves.toBeUndefined();
    });
  });

  describe('bumpKeyVersion', () => {
    it('increments the key version atomically, once per call', async () => {
      await repo.putMany([unit('A')]);

      const results = await Promise.all([repo.bumpKeyVersion('A'), repo.bumpKeyVersion('A'), repo.bumpKeyVersion('A')]);

      expect(results.sort()).toEqual([2, 3, 4]);
      expect((await repo.get('A'))?.keyVersion).toBe(4);
    });

    it('refuses an unknown unit without creating it', async () => {
      expect.assertions(2);
      await expect(repo.bumpKeyVersion('NOPE')).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND', statusCode: 404 });
      expect(await repo.get('NOPE')).toBeUndefined();
    });
  });
});
