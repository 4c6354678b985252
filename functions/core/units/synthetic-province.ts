/**
 * A synthetic registry of reporting units, for scale tests and benchmarks: realistic Vietnamese
 * names for each unit type of the deployment's registry, unique codes and emails, written in the
 * format `units import` reads (columns code, name, type, emails, active). Deterministic for a seed,
 * so a benchmark can rebuild the same province.
 *
 * The shape is the design point of the product at national scale: about 300 units a province
 * (10,000 units spread round-robin over the 34 provinces, 50 units one province), a handful of provincial bodies per province (Party boards, departments, Front
 * and mass organisations, directly subordinate Party committees) and the rest local committees
 * (the type that is neither of those: communes where the registry has them, districts in the 2019
 * structure). Emails are on the reserved `.example` top-level domain: nothing generated can reach
 * a real mailbox.
 */
import ExcelJS from 'exceljs';
import { foldVietnamese } from '../format-vi';
import type { UnitTypeInfo } from './unit-types';

/** Largest province the generator writes (the import and the consolidation are sized for 10,000; twice that is the stress case). */
export const MAX_SYNTHETIC_UNITS = 20_000;

export interface SyntheticUnit {
  code: string;
  name: string;
  type: string;
  emails: string[];
  active: boolean;
}

export const PROVINCES = [
  'Thành phố Hà Nội', 'Thành phố Huế', 'Lai Châu', 'Điện Biên', 'Sơn La', 'Lạng Sơn', 'Quảng Ninh', 'Thanh Hóa', 'Nghệ An', 'Hà Tĩnh', 'Cao Bằng',
  'Tuyên Quang', 'Lào Cai', 'Thái Nguyên', 'Phú Thọ', 'Bắc Ninh', 'Hưng Yên', 'Thành phố Hải Phòng', 'Ninh Bình', 'Quảng Trị', 'Thành phố Đà Nẵng',
  'Quảng Ngãi', 'Gia Lai', 'Khánh Hòa', 'Lâm Đồng', 'Đắk Lắk', 'Thành phố Hồ Chí Minh', 'Đồng Nai', 'Tây Ninh', 'Thành phố Cần Thơ',
  'Vĩnh Long', 'Đồng Tháp', 'Cà Mau', 'An Giang',
] as const;

/** Provincial bodies by the 2019 type codes; other types get names built from their own name. */
const PROVINCIAL_BODIES: Record<string, { names: readonly string[]; suffix: (province: string) => string }> = {
  'ban-dang': {
    names: ['Văn phòng', 'Ban Tổ chức', 'Ban Tuyên giáo và Dân vận', 'Ban Nội chính', 'Ủy ban Kiểm tra', 'Ban Chính sách, chiến lược'],
    suffix: (p) => (p.startsWith('Thành phố ') ? ` Thành ủy ${p.slice('Thành phố '.length)}` : ` Tỉnh ủy ${p}`),
  },
  'so-nganh': {
    names: [
      'Sở Nội vụ', 'Sở Tài chính', 'Sở Y tế', 'Sở Giáo dục và Đào tạo', 'Sở Xây dựng', 'Sở Công Thương', 'Sở Nông nghiệp và Môi trường',
      'Sở Khoa học và Công nghệ', 'Sở Văn hóa, Thể thao và Du lịch', 'Sở Tư pháp', 'Sở Dân tộc và Tôn giáo', 'Thanh tra',
      'Văn phòng Ủy ban nhân dân',
    ],
    suffix: (p) => ` ${p.startsWith('Thành phố') ? p.replace('Thành phố', 'thành phố') : `tỉnh ${p}`}`,
  },
  'mttq-doan-the': {
    names: ['Ủy ban Mặt trận Tổ quốc Việt Nam', 'Hội Liên hiệp Phụ nữ', 'Hội Nông dân', 'Hội Cựu chiến binh', 'Đoàn Thanh niên Cộng sản Hồ Chí Minh', 'Liên đoàn Lao động'],
    suffix: (p) => ` ${p.startsWith('Thành phố') ? p.replace('Thành phố', 'thành phố') : `tỉnh ${p}`}`,
  },
  'dang-uy-truc-thuoc': {
    names: ['Đảng ủy các cơ quan Đảng', 'Đảng ủy Ủy ban nhân dân', 'Đảng ủy Công an', 'Đảng ủy Quân sự', 'Đảng ủy Bộ đội Biên phòng'],
    suffix: (p) => ` ${p.startsWith('Thành phố') ? p.replace('Thành phố', 'thành phố') : `tỉnh ${p}`}`,
  },
};

/** Two-syllable place names ("Tân Phú", "Hòa Bình"): 40 × 40 per province is more than any province has. */
const FIRST = ['Tân', 'Hòa', 'Phú', 'An', 'Bình', 'Thạnh', 'Long', 'Vĩnh', 'Đông', 'Tây', 'Nam', 'Bắc', 'Trung', 'Hưng', 'Thuận', 'Phước', 'Mỹ', 'Quang', 'Xuân', 'Thanh',
  'Hiệp', 'Thái', 'Minh', 'Đức', 'Kim', 'Ngọc', 'Lộc', 'Hải', 'Sơn', 'Lâm', 'Tiên', 'Cẩm', 'Gia', 'Yên', 'Hồng', 'Trường', 'Quảng', 'Định', 'Châu', 'Hương'] as const;
const SECOND = ['Phú', 'Bình', 'An', 'Lợi', 'Thành', 'Hưng', 'Lộc', 'Hòa', 'Thịnh', 'Xuân', 'Sơn', 'Hải', 'Trung', 'Tiến', 'Phong', 'Mỹ', 'Điền', 'Khánh', 'Hiệp', 'Thuận',
  'Đông', 'Tây', 'Nam', 'Bắc', 'Long', 'Phước', 'Quý', 'Vinh', 'Lâm', 'Hà', 'Giang', 'Tân', 'Thạch', 'Cường', 'Yên', 'Đức', 'Thủy', 'Ninh', 'Lạc', 'Hội'] as const;

/** Provincial bodies per province for each 2019 type (weights); local committees take the rest. */
const WEIGHTS: Record<string, number> = { 'ban-dang': 6, 'so-nganh': 13, 'mttq-doan-the': 6, 'dang-uy-truc-thuoc': 5 };

/** "Huyện ủy, thị ủy, thành ủy" → ["Huyện ủy", "Thị ủy", "Thành ủy"]; "Đảng ủy xã, phường, đặc khu" → ["Đảng ủy xã", "Đảng ủy phường", "Đảng ủy đặc khu"]. */
export function localPrefixes(typeName: string): string[] {
  const parts = typeName.split(/,|\bvà\b/).map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return [typeName];
  const head = parts[0]!;
  const words = head.split(/\s+/);
  return parts.map((p, i) => {
    if (i === 0) return head;
    // "phường" after "Đảng ủy xã" takes "Đảng ủy" before it; "thị ủy" after "Huyện ủy" stands alone.
    if (!/ủy|ban|hội|đoàn/i.test(p) && words.length > 1) return `${words.slice(0, -1).join(' ')} ${p}`;
    return p.charAt(0).toLocaleUpperCase('vi') + p.slice(1);
  });
}

function codePrefix(type: string): string {
  return type.split('-').map((w) => w.charAt(0).toUpperCase()).join('').slice(0, 6) || 'DV';
}

function slug(text: string): string {
  return foldVietnamese(text).replace(/[^a-z0-9]+/g, '');
}

/**
 * `count` units over the offered (non-legacy) types of the registry. Codes `<type initials>-<n>`
 * (e.g. `SN-00012`) and one email per unit, all unique; the first provinces' bodies come first.
 */
export function generateSyntheticProvince(types: readonly UnitTypeInfo[], count: number): SyntheticUnit[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SYNTHETIC_UNITS) throw new RangeError(`count must be 1–${MAX_SYNTHETIC_UNITS}`);
  const offered = types.filter((t) => !t.legacy);
  if (offered.length === 0) throw new RangeError('the registry offers no unit type');
  const provincial = offered.filter((t) => WEIGHTS[t.code] !== undefined);
  const local = offered.filter((t) => WEIGHTS[t.code] === undefined);
  // Without a local type (a registry of provincial bodies only), the bodies repeat under numbers.
  // About 300 units a province (the national design point: 10,000 over 34), so a small count is one province.
  const provinces = PROVINCES.slice(0, Math.min(PROVINCES.length, Math.ceil(count / 300)));
  const perProvince = Math.ceil(count / provinces.length);
  const units: SyntheticUnit[] = [];
  const width = String(count).length < 5 ? 5 : String(count).length;
  const names = new Set<string>();
  const push = (type: UnitTypeInfo, name: string, province: string) => {
    let unique = name;
    for (let i = 2; names.has(unique); i++) unique = `${name} (${i})`;
    names.add(unique);
    const code = `${codePrefix(type.code)}-${String(units.length + 1).padStart(width, '0')}`;
    units.push({ code, name: unique, type: type.code, emails: [`${code.toLowerCase()}@${slug(province)}.example`], active: true });
  };
  for (let k = 0; units.length < count; k++) {
    for (let p = 0; p < provinces.length && units.length < count; p++) {
      const province = provinces[p]!;
      // Row k of province p: first the provincial bodies (by weight), then local committees.
      let slot = k;
      let placed = false;
      for (const t of provincial) {
        const body = PROVINCIAL_BODIES[t.code]!;
        const n = Math.min(WEIGHTS[t.code]!, body.names.length);
        if (slot < n) {
          push(t, `${body.names[slot]}${body.suffix(province)}`, province);
          placed = true;
          break;
        }
        slot -= n;
      }
      if (placed) continue;
      if (k >= perProvince && local.length > 0) continue;
      if (local.length === 0) {
        const t = provincial[slot % provincial.length]!;
        const body = PROVINCIAL_BODIES[t.code]!;
        push(t, `${body.names[slot % body.names.length]}${body.suffix(province)}`, province);
        continue;
      }
      const t = local[slot % local.length]!;
      const prefixes = localPrefixes(t.name);
      const place = Math.floor(slot / local.length);
      const placeName = `${FIRST[place % FIRST.length]} ${SECOND[Math.floor(place / FIRST.length) % SECOND.length]}`;
      const where = province.startsWith('Thành phố') ? province.replace('Thành phố', 'thành phố') : `tỉnh ${province}`;
      push(t, `${prefixes[place % prefixes.length]} ${placeName}, ${where}`, province);
    }
  }
  return units;
}

/** The units as `units import` reads them: sheet "Đơn vị", header code, name, type, emails, active. */
export async function writeUnitsWorkbook(units: readonly SyntheticUnit[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Đơn vị', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: 'code', key: 'code', width: 14 },
    { header: 'name', key: 'name', width: 60 },
    { header: 'type', key: 'type', width: 22 },
    { header: 'emails', key: 'emails', width: 36 },
    { header: 'active', key: 'active', width: 8 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const u of units) ws.addRow({ code: u.code, name: u.name, type: u.type, emails: u.emails.join('; '), active: u.active ? 'x' : '0' });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The same as CSV (UTF-8 with BOM, so Excel reads the diacritics; RFC 4180 quoting). */
export function writeUnitsCsv(units: readonly SyntheticUnit[]): string {
  const q = (v: string) => (/[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = units.map((u) => [u.code, u.name, u.type, u.emails.join('; '), u.active ? 'x' : '0'].map(q).join(','));
  return `\uFEFFcode,name,type,emails,active\r\n${lines.join('\r\n')}\r\n`;
}
