/**
 * The unit types over the real wire protocol: `DynamoUnitTypeStore` against the embedded
 * DynamoDB API (conditional writes), and `tonghop unit-types list|add|edit|remove` on a local
 * data dir, each change in the audit log, the catalog built with the saved types.
 */
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { DynamoUnitTypeStore } from '../../functions/adapters/dynamo-unit-type-store';
import { UNIT_TYPES_2019 } from '../../functions/core/units/unit-types';
import { command as unitTypes } from '../../infra/cli/commands/unit-types';
import { command as units } from '../../infra/cli/commands/units';
import { withLocalDeps } from '../../infra/cli/context';
import { silentLog } from '../../infra/local/compose';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { runCli as run, seedDataDir, tempDataDir } from '../support/cli';
import { unitOf } from '../unit/ingest/support';

jest.setTimeout(180_000);

describe('DynamoUnitTypeStore on the embedded DynamoDB API', () => {
  let emulators: Emulators;
  let store: DynamoUnitTypeStore;
  beforeEach(async () => {
    emulators = await startEmulators();
    const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
    store = new DynamoUnitTypeStore({ client, tableName: emulators.tableName });
  });
  afterEach(async () => {
    await emulators.stop();
  });

  it('reads nothing before the first save, then the saved list; refuses a write based on a stale revision', async () => {
    expect.assertions(5);
    expect(await store.read()).toBeUndefined();

    const first = await store.write(UNIT_TYPES_2019.map((t) => ({ ...t })), 0, '2025-07-01T00:00:00.000Z');
    const second = await store.write([...UNIT_TYPES_2019, { code: 'dang-uy-xa', name: 'Đảng ủy xã', plural: 'Đảng ủy xã, phường, đặc khu', order: 6 }], first, '2025-07-02T00:00:00.000Z');

    expect([first, second]).toEqual([1, 2]);
    expect((await store.read())?.types.at(-1)).toEqual({ code: 'dang-uy-xa', name: 'Đảng ủy xã', plural: 'Đảng ủy xã, phường, đặc khu', order: 6 });
    await expect(store.write(UNIT_TYPES_2019.map((t) => ({ ...t })), first, 'x')).rejects.toMatchObject({ code: 'UNIT_TYPES_CHANGED' });
    await expect(store.write(UNIT_TYPES_2019.map((t) => ({ ...t })), 0, 'x')).rejects.toMatchObject({ code: 'UNIT_TYPES_CHANGED' });
  });
});

describe('tonghop unit-types (local target)', () => {
  let temp: ReturnType<typeof tempDataDir> | undefined;

  beforeAll(async () => {
    temp = tempDataDir();
    await seedDataDir(temp.dir, async (deps) => {
      await deps.units.putMany([unitOf('SO-YTE', 'so-nganh', 'Sở Y tế')]);
    });
  });
  afterAll(() => temp?.remove());

  it('lists the 2019 types until something is saved, then adds, edits and removes one, each audited', async () => {
    const listed = await run(unitTypes, ['list', '--json']);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.out) as Array<{ code: string }>).map((t) => t.code)).toEqual(UNIT_TYPES_2019.map((t) => t.code));

    const added = await run(unitTypes, ['add', 'dang-uy-xa', '--name', 'Đảng ủy xã, phường, đặc khu', '--order', '6']);
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toContain('Đã thêm loại đơn vị dang-uy-xa');
    expect((await run(unitTypes, ['add', 'dang-uy-xa', '--name', 'Lần nữa'])).code).toBe(1);
    expect((await run(unitTypes, ['add', 'Xã Mới', '--name', 'X'])).code).toBe(1);
    expect((await run(unitTypes, ['add', 'xa-moi'])).code).toBe(2);

    // A unit of the new type can now be imported; the type then cannot be removed.
    const file = `${temp!.dir}/don-vi.csv`;
    writeFileSync(file, 'code,name,type,emails\nX-AN,Đảng ủy xã An,dang-uy-xa,vanthu@xan.example.vn\n');
    expect((await run(units, ['import', file])).code).toBe(0);
    const refused = await run(unitTypes, ['remove', 'dang-uy-xa']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Không xóa được loại đơn vị "dang-uy-xa": còn 1 đơn vị đang hoạt động thuộc loại này \(X-AN\)/);
    // A type a seed form names cannot be removed either; it can be kept as legacy.
    expect((await run(unitTypes, ['remove', 'huyen'])).err).toMatch(/biểu mẫu .*sap-xep-bo-may/);
    expect((await run(unitTypes, ['edit', 'huyen', '--legacy', '--plural', 'Huyện ủy (trước 01/7/2025)'])).code).toBe(0);
    expect((await run(unitTypes, ['add', 'tam', '--name', 'Tạm'])).code).toBe(0);
    expect((await run(unitTypes, ['remove', 'tam'])).code).toBe(0);

    const table = await run(unitTypes, ['list']);
    expect(table.out).toMatch(/huyen\s+4\s+0\s+Huyện ủy \(trước 01\/7\/2025\) — Huyện ủy, thị ủy, thành ủy \(loại cũ, không dùng cho đơn vị mới\)/);
    expect(table.out).toMatch(/dang-uy-xa\s+6\s+1\s+Đảng ủy xã, phường, đặc khu/);
    expect(table.out).not.toContain('tam ');

    const { entries, catalogTypes } = await withLocalDeps(
      async (deps) => ({
        entries: await deps.audit.list({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000), limit: 200 }),
        catalogTypes: (await deps.catalog).unitTypes,
      }),
      { log: silentLog },
    );
    const actions = entries.filter((e) => e.action.startsWith('unit-types.')).map((e) => [e.action, e.target]);
    expect(actions).toEqual(expect.arrayContaining([['unit-types.add', 'dang-uy-xa'], ['unit-types.edit', 'huyen'], ['unit-types.add', 'tam'], ['unit-types.remove', 'tam']]));
    expect(entries.find((e) => e.action === 'unit-types.edit')).toMatchObject({ actor: `cli:${userInfo().username}`, before: { legacy: false }, after: { legacy: true, plural: 'Huyện ủy (trước 01/7/2025)' } });
    // The catalog is built with the saved types.
    expect(catalogTypes.label('dang-uy-xa')).toBe('Đảng ủy xã, phường, đặc khu');
    expect(catalogTypes.offered().map((t) => t.code)).not.toContain('huyen');
  });
});
