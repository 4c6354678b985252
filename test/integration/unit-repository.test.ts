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
      await expect(repo.putMany([unit('A'), unit('B', { type: 'Xã mới!' as Unit['type'] })])).rejects.toMatchObject({ code: 'UNIT_INVALID' });
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

  describe('add', () => {
    it('stores a new unit and refuses a second one with the same code (409 UNIT_EXISTS), keeping the first', async () => {
      expect.assertions(2);
      await repo.add(unit('A', { name: 'Sở Nội vụ' }));

      await expect(repo.add(unit('A', { name: 'Ghi đè' }))).rejects.toMatchObject({ code: 'UNIT_EXISTS', statusCode: 409 });
      expect(await repo.get('A')).toEqual(unit('A', { name: 'Sở Nội vụ' }));
    });
  });

  describe('update', () => {
    it('changes name, type, emails and active when the unit is still as the operator saw it, keeping its key version', async () => {
      await repo.putMany([unit('A')]);
      await repo.bumpKeyVersion('A');
      const before = (await repo.get('A'))!;

      await repo.update({ code: 'A', name: 'Sở Tài chính', type: 'huyen', emails: ['a@example.vn', 'b@example.vn'], active: false }, before);

      expect(await repo.get('A')).toEqual({ code: 'A', name: 'Sở Tài chính', type: 'huyen', emails: ['a@example.vn', 'b@example.vn'], active: false, keyVersion: 2 });
    });

    it('refuses a stale edit (409 UNIT_CHANGED) when another operator changed the emails in between, and keeps theirs', async () => {
      expect.assertions(2);
      await repo.putMany([unit('A')]);
      const seen = (await repo.get('A'))!;
      await repo.update({ ...seen, emails: ['moi@example.vn'] }, seen);

      await expect(repo.update({ ...seen, name: 'Tên cũ sửa lại' }, seen)).rejects.toMatchObject({ code: 'UNIT_CHANGED', statusCode: 409 });
      expect(await repo.get('A')).toMatchObject({ name: 'Đơn vị A', emails: ['moi@example.vn'] });
    });

    it('accepts an edit of a unit with no emails (an empty list compares equal)', async () => {
      await repo.putMany([unit('A', { emails: [] })]);
      const seen = (await repo.get('A'))!;

      await repo.update({ ...seen, emails: ['x@example.vn'] }, seen);

      expect((await repo.get('A'))?.emails).toEqual(['x@example.vn']);
    });

    it('refuses an edit of an unknown unit without creating it (404)', async () => {
      expect.assertions(2);
      await expect(repo.update({ code: 'NOPE', name: 'X', type: 'huyen', emails: [], active: true }, { name: 'X', type: 'huyen', emails: [], active: true })).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND', statusCode: 404 });
      expect(await repo.get('NOPE')).toBeUndefined();
    });
  });
});
