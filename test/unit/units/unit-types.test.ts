import ExcelJS from 'exceljs';
import { buildConsolidatedReport } from '../../../functions/core/consolidation/report';
import { writeConsolidatedWorkbook } from '../../../functions/core/consolidation/workbook';
import { checkFormDefinition } from '../../../functions/core/forms/check-definition';
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import type { Unit } from '../../../functions/core/model';
import { checkUnitRecords } from '../../../functions/core/units/parse-units';
import { createUnitTypeRegistry, parseUnitTypes, UNIT_TYPES_2019, type UnitTypeInfo } from '../../../functions/core/units/unit-types';
import { addUnit } from '../../../functions/core/usecases/manage-units';
import { addUnitType, editUnitType, loadUnitTypeRegistry, removeUnitType } from '../../../functions/core/usecases/manage-unit-types';
import { SAMPLE_PROVINCE_2025, UNIT_TYPES_2025 } from '../../../infra/local/sample-province';
import { FakeClock, InMemoryUnitRepository, InMemoryUnitTypeStore } from '../../support/in-memory';
import { loadForm } from '../consolidation/fixtures';

const unit = (code: string, type: string, active = true): Unit => ({ code, name: `Đơn vị ${code}`, type, emails: [], active, keyVersion: 1 });

describe('unit type registry', () => {
  const registry = createUnitTypeRegistry([
    { code: 'xa', name: 'Đảng ủy xã', plural: 'Đảng ủy xã, phường', order: 2 },
    { code: 'so', name: 'Sở', plural: 'Sở, ban, ngành', order: 1 },
    { code: 'cu', name: 'Huyện ủy', plural: 'Huyện ủy (cũ)', order: 9, legacy: true },
  ]);

  it('lists types by order and offers every type but the legacy ones for new units', () => {
    expect(registry.list().map((t) => t.code)).toEqual(['so', 'xa', 'cu']);
    expect(registry.offered().map((t) => t.code)).toEqual(['so', 'xa']);
  });

  it('labels an unknown type (old data) with its code and orders it after every known type', () => {
    expect(registry.label('xa')).toBe('Đảng ủy xã, phường');
    expect(registry.label('huyen')).toBe('huyen');
    expect(['huyen', 'xa', 'cu', 'so'].sort(registry.compare)).toEqual(['so', 'xa', 'cu', 'huyen']);
  });

  it('refuses a stored list that is too long, has a bad code or a duplicate', () => {
    const many = Array.from({ length: 51 }, (_, i): UnitTypeInfo => ({ code: `t${i}`, name: 'T', plural: 'T', order: i }));
    expect(() => parseUnitTypes(many)).toThrow(/tối đa 50/);
    expect(() => parseUnitTypes([{ code: 'Sở Y tế', name: 'x', plural: 'x', order: 1 }])).toThrow(/không hợp lệ/);
    expect(() => parseUnitTypes([UNIT_TYPES_2019[0], UNIT_TYPES_2019[0]])).toThrow(/trùng/);
    expect(() => parseUnitTypes([{ code: 'a', name: 'x'.repeat(201), plural: 'x', order: 1 }])).toThrow(/200/);
  });
});

describe('form definitions and the registry', () => {
  const raw = () => JSON.parse(JSON.stringify(loadForm('sap-xep-bo-may'))) as Record<string, unknown>;
  const onlyToday = createUnitTypeRegistry(UNIT_TYPES_2025.filter((t) => t.code !== 'huyen'));

  it('refuses a type the registry does not know, naming where it is (DEF_UNKNOWN_UNIT_TYPE)', () => {
    const { problems } = checkFormDefinition(raw(), { unitTypes: onlyToday });

    const unknown = problems.filter((p) => p.code === 'DEF_UNKNOWN_UNIT_TYPE');
    expect(unknown.map((p) => p.path)).toEqual(['deadlines.byUnitType.huyen', 'sections[3] (D).unitTypes[0]']);
    expect(unknown[0]?.message).toMatch(/Loại đơn vị "huyen" không có trong danh sách loại đơn vị/);
  });

  it('accepts the seed forms under the 2019 types and under the 2025 types (which keep huyen as legacy)', () => {
    expect(checkFormDefinition(raw(), { unitTypes: createUnitTypeRegistry() }).problems).toEqual([]);
    expect(checkFormDefinition(raw(), { unitTypes: createUnitTypeRegistry(UNIT_TYPES_2025) }).problems).toEqual([]);
  });

  it('is refused by a catalog built with a registry lacking one of its types', () => {
    expect(() => createFormCatalog([loadForm('sap-xep-bo-may')], { unitTypes: onlyToday })).toThrow(/DEF_UNKNOWN_UNIT_TYPE/);
  });
});

describe('managing unit types', () => {
  const setup = () => ({ unitTypeStore: new InMemoryUnitTypeStore(), units: new InMemoryUnitRepository(), clock: new FakeClock(new Date('2025-07-02T01:00:00Z')) });

  it('starts from the 2019 types, adds one after the last with the name as plural, and reads it back', async () => {
    const deps = setup();

    const { after } = await addUnitType(deps, { code: 'dang-uy-xa', name: 'Đảng ủy xã, phường, đặc khu' });
    const registry = await loadUnitTypeRegistry(deps.unitTypeStore);

    expect(after).toEqual({ code: 'dang-uy-xa', name: 'Đảng ủy xã, phường, đặc khu', plural: 'Đảng ủy xã, phường, đặc khu', order: 6 });
    expect(registry.list().map((t) => t.code)).toEqual([...UNIT_TYPES_2019.map((t) => t.code), 'dang-uy-xa']);
  });

  it('refuses a taken code, a bad code and an over-long name, in Vietnamese', async () => {
    expect.assertions(3);
    const deps = setup();
    await expect(addUnitType(deps, { code: 'so-nganh', name: 'Sở' })).rejects.toMatchObject({ code: 'UNIT_TYPE_EXISTS' });
    await expect(addUnitType(deps, { code: 'Xã', name: 'Xã' })).rejects.toMatchObject({ code: 'UNIT_TYPE_CODE_INVALID', message: expect.stringMatching(/chỉ gồm chữ thường/) });
    await expect(addUnitType(deps, { code: 'xa', name: 'x'.repeat(201) })).rejects.toMatchObject({ code: 'UNIT_TYPE_INVALID', message: expect.stringMatching(/tên \(--name\) phải có từ 1 đến 200 ký tự/) });
  });

  it('refuses to remove a type an active unit has, or a form names; removes it once neither holds', async () => {
    expect.assertions(4);
    const deps = setup();
    await addUnitType(deps, { code: 'dang-uy-xa', name: 'Đảng ủy xã' });
    await deps.units.putMany([unit('X-AN', 'dang-uy-xa')]);
    const forms = [loadForm('sap-xep-bo-may')];

    await expect(removeUnitType({ ...deps, forms }, 'dang-uy-xa')).rejects.toMatchObject({ code: 'UNIT_TYPE_IN_USE', message: expect.stringMatching(/còn 1 đơn vị đang hoạt động.*X-AN/) });
    await expect(removeUnitType({ ...deps, forms }, 'huyen')).rejects.toMatchObject({ code: 'UNIT_TYPE_IN_USE', message: expect.stringMatching(/biểu mẫu sap-xep-bo-may/) });

    await deps.units.putMany([unit('X-AN', 'dang-uy-xa', false)]);
    await removeUnitType({ ...deps, forms }, 'dang-uy-xa');
    expect((await loadUnitTypeRegistry(deps.unitTypeStore)).has('dang-uy-xa')).toBe(false);
    // The inactive unit keeps its type: shown by code.
    expect((await loadUnitTypeRegistry(deps.unitTypeStore)).label('dang-uy-xa')).toBe('dang-uy-xa');
  });

  it('marks a type legacy: still accepted by the import, no longer offered for a new unit', async () => {
    expect.assertions(3);
    const deps = setup();
    const { after } = await editUnitType(deps, 'huyen', { legacy: true, plural: 'Huyện ủy (trước 01/7/2025)' });
    const unitTypes = await loadUnitTypeRegistry(deps.unitTypeStore);

    expect(after).toMatchObject({ legacy: true, plural: 'Huyện ủy (trước 01/7/2025)', order: 4 });
    expect(checkUnitRecords([['code', 'name', 'type'], ['H-A', 'Huyện ủy A', 'huyen']], { unitTypes }).issues).toEqual([]);
    await expect(addUnit({ units: deps.units, unitTypes }, { code: 'H-B', name: 'Huyện ủy B', type: 'huyen', emails: '', active: true })).rejects.toMatchObject({ code: 'UNIT_INPUT_INVALID' });
  });

  it('refuses a change based on a list someone else changed meanwhile', async () => {
    expect.assertions(1);
    const deps = setup();
    await deps.unitTypeStore.write(UNIT_TYPES_2019.map((t) => ({ ...t })), 0, 'x');
    await expect(deps.unitTypeStore.write(UNIT_TYPES_2019.map((t) => ({ ...t })), 0, 'y')).rejects.toMatchObject({ code: 'UNIT_TYPES_CHANGED' });
  });
});

describe('unit import against the registry', () => {
  it('accepts a type by code, name or plural label of the registry, and refuses one not in it', () => {
    const unitTypes = createUnitTypeRegistry(UNIT_TYPES_2025);
    const parsed = checkUnitRecords(
      [['code', 'name', 'type'], ['X-A', 'Đảng ủy xã A', 'dang-uy-xa'], ['X-B', 'Đảng ủy xã B', 'Đảng ủy xã, phường, đặc khu'], ['Q', 'Quận ủy Q', 'quan']],
      { unitTypes },
    );

    expect(parsed.rows.map((r) => r.type)).toEqual(['dang-uy-xa', 'dang-uy-xa']);
    expect(parsed.issues).toEqual([expect.objectContaining({ code: 'UNIT_TYPE_INVALID', row: 4, message: expect.stringContaining('loại đơn vị "quan" không hợp lệ: không có trong danh sách loại đơn vị') })]);
  });
});

describe('consolidated workbook by unit type', () => {
  it('follows the registry order and labels, and counts a unit of a type outside the registry under its code', async () => {
    const form = loadForm('bien-che-thang');
    const unitTypes = createUnitTypeRegistry(UNIT_TYPES_2025);
    const units = [unit('X-A', 'dang-uy-xa'), unit('SO-A', 'so-nganh'), unit('OLD', 'quan-cu'), unit('BD', 'ban-dang')];
    const values = (n: number) => ({ fields: { 'header.nguoi_lap': 'A' }, tables: { don_vi: [{ ten_don_vi: 'Phòng A', duoc_giao: n, co_mat: n, so_nghi: 0 }] } });
    const latest = units.map((u, i) => ({ unitCode: u.code, uploadId: `up-${i}`, receivedAt: '2025-08-10T01:00:00Z', late: false, values: values(10 * (i + 1)), warnings: [] }));

    const report = buildConsolidatedReport({ form, period: '2025-08', units, latest, submissions: [], previousLatest: [], now: new Date('2025-08-18T01:00:00Z'), unitTypes });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeConsolidatedWorkbook(report)) as unknown as ExcelJS.Buffer);
    const rows: unknown[][] = [];
    wb.getWorksheet('Theo loại đơn vị')!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    const header = rows.find((r) => r[0] === 'Mã số')!;

    expect(header.slice(3)).toEqual(['Các ban đảng, Văn phòng Tỉnh ủy', 'Sở, ban, ngành', 'Đảng ủy xã, phường, đặc khu', 'quan-cu', 'Toàn tỉnh']);
    expect(rows.find((r) => r[1] === 'Số đơn vị đã báo cáo')!.slice(3)).toEqual(['1/1', '1/1', '1/1', '1/1', '4/4']);
  });
});

describe('the 2025 sample province', () => {
  it('has about 130 units: the provincial bodies and 100 commune committees, every one valid under the 2025 types', () => {
    const unitTypes = createUnitTypeRegistry(UNIT_TYPES_2025);
    const communes = SAMPLE_PROVINCE_2025.filter((u) => u.type === 'dang-uy-xa');
    const records = [['code', 'name', 'type', 'emails'], ...SAMPLE_PROVINCE_2025.map((u) => [u.code, u.name, u.type, u.emails.join(';')])];

    expect(communes).toHaveLength(100);
    expect(communes.filter((u) => u.name.startsWith('Đảng ủy phường'))).toHaveLength(20);
    expect(communes.filter((u) => u.name.startsWith('Đảng ủy đặc khu'))).toHaveLength(2);
    expect(SAMPLE_PROVINCE_2025.some((u) => u.type === 'huyen')).toBe(false);
    expect(checkUnitRecords(records, { unitTypes }).issues).toEqual([]);
    expect(SAMPLE_PROVINCE_2025.flatMap((u) => u.emails).every((e) => e.endsWith('.example.vn'))).toBe(true);
  });
});
