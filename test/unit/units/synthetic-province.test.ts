import { parseUnitsFile } from '../../../functions/core/units/parse-units';
import { MAX_SYNTHETIC_UNITS, generateSyntheticProvince, localPrefixes, writeUnitsCsv, writeUnitsWorkbook } from '../../../functions/core/units/synthetic-province';
import { UNIT_TYPES_2019, createUnitTypeRegistry, type UnitTypeInfo } from '../../../functions/core/units/unit-types';

// A deployment after the 2025 reorganisation: communes as a type, districts kept for old data only.
const TYPES_2025: UnitTypeInfo[] = [
  ...UNIT_TYPES_2019.map((t) => (t.code === 'huyen' ? { ...t, legacy: true } : t)),
  { code: 'dang-uy-xa', name: 'Đảng ủy xã, phường, đặc khu', plural: 'Đảng ủy xã, phường, đặc khu', order: 6 },
];

describe('synthetic province', () => {
  describe('10,000 units', () => {
    const units = generateSyntheticProvince(TYPES_2025, 10_000);

    it('has unique codes, names and emails', () => {
      expect(units).toHaveLength(10_000);
      expect(new Set(units.map((u) => u.code)).size).toBe(10_000);
      expect(new Set(units.map((u) => u.name)).size).toBe(10_000);
      expect(new Set(units.flatMap((u) => u.emails)).size).toBe(10_000);
      expect(units.every((u) => u.emails.every((e) => e.endsWith('.example')))).toBe(true);
    });

    it('names each unit after its type, uses only offered types, and makes most units communes', () => {
      const byType = new Map<string, string[]>();
      for (const u of units) byType.set(u.type, [...(byType.get(u.type) ?? []), u.name]);
      expect([...byType.keys()].sort()).toEqual(['ban-dang', 'dang-uy-truc-thuoc', 'dang-uy-xa', 'mttq-doan-the', 'so-nganh']);
      expect(byType.get('dang-uy-xa')!.length).toBeGreaterThan(8_900);
      expect(byType.get('dang-uy-xa')!.every((n) => /^Đảng ủy (xã|phường|đặc khu) \S+ \S+, (tỉnh|thành phố) /.test(n))).toBe(true);
      expect(byType.get('so-nganh')!.every((n) => /^(Sở|Thanh tra|Văn phòng Ủy ban nhân dân) .*(tỉnh|thành phố) /.test(n))).toBe(true);
      expect(byType.get('ban-dang')).toContain('Ban Tổ chức Tỉnh ủy Quảng Ninh');
      expect(byType.get('ban-dang')).toContain('Văn phòng Thành ủy Hồ Chí Minh');
      expect(byType.get('mttq-doan-the')).toContain('Hội Nông dân tỉnh Nghệ An');
    });

    it('writes an .xlsx that units import reads as is, every row valid', async () => {
      const bytes = await writeUnitsWorkbook(units);
      expect(bytes.length).toBeLessThan(5 * 1024 * 1024);
      const parsed = await parseUnitsFile(bytes, 'units.xlsx', { unitTypes: createUnitTypeRegistry(TYPES_2025) });
      expect(parsed.issues).toEqual([]);
      expect(parsed.rows.map(({ code, name, type, emails, active }) => ({ code, name, type, emails, active }))).toEqual(units);
    }, 60_000);

    it('writes a CSV that units import reads as is', async () => {
      const parsed = await parseUnitsFile(Buffer.from(writeUnitsCsv(units.slice(0, 500)), 'utf8'), 'units.csv', { unitTypes: createUnitTypeRegistry(TYPES_2025) });
      expect(parsed.issues).toEqual([]);
      expect(parsed.rows.map(({ code, name, type, emails, active }) => ({ code, name, type, emails, active }))).toEqual(units.slice(0, 500));
    });
  });

  describe('a small count', () => {
    it('is one province with its provincial bodies first, then local committees of the 2019 structure', () => {
      const units = generateSyntheticProvince(UNIT_TYPES_2019, 50);
      const types = new Set(units.map((u) => u.type));
      expect(types).toEqual(new Set(UNIT_TYPES_2019.map((t) => t.code)));
      expect(units.every((u) => u.emails[0]!.endsWith('@thanhphohanoi.example'))).toBe(true);
      expect(units.filter((u) => u.type === 'huyen').map((u) => u.name.split(' ')[0])).toContain('Thị');
    });

    it('is the same for the same registry and count (a benchmark rebuilds the same province)', () => {
      expect(generateSyntheticProvince(UNIT_TYPES_2019, 300)).toEqual(generateSyntheticProvince(UNIT_TYPES_2019, 300));
    });
  });

  describe('bounds', () => {
    it.each([0, -1, 1.5, MAX_SYNTHETIC_UNITS + 1])('refuses %p units', (count) => {
      expect(() => generateSyntheticProvince(UNIT_TYPES_2019, count)).toThrow(RangeError);
    });
  });

  describe('local prefixes from a type name', () => {
    it.each([
      ['Huyện ủy, thị ủy, thành ủy', ['Huyện ủy', 'Thị ủy', 'Thành ủy']],
      ['Đảng ủy xã, phường, đặc khu', ['Đảng ủy xã', 'Đảng ủy phường', 'Đảng ủy đặc khu']],
    ])('%s', (name, prefixes) => {
      expect(localPrefixes(name)).toEqual(prefixes);
    });
  });
});
