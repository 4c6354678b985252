/**
 * Sample provinces for local runs and demos, with typical (not real) names and contact
 * addresses at the reserved `example.vn` domain. Seeded once, on the first start of an empty
 * data dir; `TONGHOP_SAMPLE` chooses which:
 * - `2019` (default): 50 units across the five unit types of the 2019 structure (district
 *   committees between the province and the communes). Nothing is saved as unit types: the
 *   default registry is the 2019 one.
 * - `2025`: today's two-tier structure: provincial agencies, Party agencies, mass organisations,
 *   subordinate Party committees and 100 commune-level Party committees (xã, phường, đặc khu),
 *   with its own unit types saved (`UNIT_TYPES_2025`).
 */
import { foldVietnamese } from '../../functions/core/format-vi';
import type { Unit, UnitType } from '../../functions/core/model';
import type { UnitRepository, UnitTypeStore } from '../../functions/core/ports';
import { addOperator, type ManageOperatorsDeps } from '../../functions/core/operators/manage';
import type { UnitTypeInfo } from '../../functions/core/units/unit-types';

/** The sample a first start seeds (`TONGHOP_SAMPLE`). */
export const SAMPLE_NAMES = ['2019', '2025'] as const;
export type SampleName = (typeof SAMPLE_NAMES)[number];

type SampleEntry = [code: string, name: string, extraMailbox?: string];

const SAMPLE_2019: Record<UnitType, SampleEntry[]> = {
  'ban-dang': [
    ['VP-TU', 'Văn phòng Tỉnh ủy', 'tonghop'],
    ['BTC-TU', 'Ban Tổ chức Tỉnh ủy', 'tccb'],
    ['BTG-TU', 'Ban Tuyên giáo Tỉnh ủy'],
    ['BDV-TU', 'Ban Dân vận Tỉnh ủy'],
    ['UBKT-TU', 'Ủy ban Kiểm tra Tỉnh ủy'],
    ['BNC-TU', 'Ban Nội chính Tỉnh ủy'],
    ['TCT', 'Trường Chính trị tỉnh'],
  ],
  'so-nganh': [
    ['SO-NV', 'Sở Nội vụ', 'tccb'],
    ['SO-TC', 'Sở Tài chính'],
    ['SO-KHDT', 'Sở Kế hoạch và Đầu tư'],
    ['SO-YT', 'Sở Y tế', 'tccb'],
    ['SO-GDDT', 'Sở Giáo dục và Đào tạo', 'tccb'],
    ['SO-NNPTNT', 'Sở Nông nghiệp và Phát triển nông thôn'],
    ['SO-XD', 'Sở Xây dựng'],
    ['SO-TP', 'Sở Tư pháp'],
    ['SO-CT', 'Sở Công Thương'],
    ['SO-GTVT', 'Sở Giao thông vận tải'],
    ['SO-TNMT', 'Sở Tài nguyên và Môi trường'],
    ['SO-LDTBXH', 'Sở Lao động - Thương binh và Xã hội'],
    ['SO-VHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'],
    ['SO-KHCN', 'Sở Khoa học và Công nghệ'],
    ['SO-TTTT', 'Sở Thông tin và Truyền thông'],
    ['SO-NGV', 'Sở Ngoại vụ'],
    ['TT-TINH', 'Thanh tra tỉnh'],
    ['VP-UBND', 'Văn phòng Ủy ban nhân dân tỉnh'],
    ['VP-DDBQH', 'Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh'],
    ['BDT', 'Ban Dân tộc tỉnh'],
    ['BQL-KKT', 'Ban Quản lý Khu kinh tế tỉnh'],
    ['DAI-PTTH', 'Đài Phát thanh và Truyền hình tỉnh'],
  ],
  'mttq-doan-the': [
    ['MTTQ', 'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh'],
    ['HLHPN', 'Hội Liên hiệp Phụ nữ tỉnh'],
    ['TINH-DOAN', 'Tỉnh đoàn'],
    ['HND', 'Hội Nông dân tỉnh'],
    ['HCCB', 'Hội Cựu chiến binh tỉnh'],
    ['LDLD', 'Liên đoàn Lao động tỉnh'],
  ],
  huyen: [
    ['TP-BINHMINH', 'Thành ủy Bình Minh', 'tochuc'],
    ['TX-SONGCAU', 'Thị ủy Sông Cầu'],
    ['TX-AN-NHON', 'Thị ủy An Nhơn'],
    ['H-DONGHAI', 'Huyện ủy Đông Hải'],
    ['H-TAYSON', 'Huyện ủy Tây Sơn'],
    ['H-PHUMY', 'Huyện ủy Phù Mỹ'],
    ['H-HOAIAN', 'Huyện ủy Hoài Ân'],
    ['H-VINHTHANH', 'Huyện ủy Vĩnh Thạnh'],
    ['H-TUYPHUOC', 'Huyện ủy Tuy Phước', 'tochuc'],
    ['H-VANCANH', 'Huyện ủy Vân Canh'],
    ['H-DAKLONG', 'Huyện ủy Đắk Long'],
  ],
  'dang-uy-truc-thuoc': [
    ['DU-KCQ', 'Đảng ủy Khối các cơ quan tỉnh'],
    ['DU-KDN', 'Đảng ủy Khối Doanh nghiệp tỉnh'],
    ['DU-QS', 'Đảng ủy Quân sự tỉnh'],
    ['DU-CA', 'Đảng ủy Công an tỉnh'],
  ],
};

/** `SO-NV` → `sonv.example.vn`. */
const domainOf = (code: string) => `${code.toLowerCase().replace(/[^a-z0-9]/g, '')}.example.vn`;

const unitsOf = (sample: Record<UnitType, SampleEntry[]>): Unit[] =>
  Object.entries(sample).flatMap(([type, entries]) =>
    entries.map(([code, name, extra]) => ({
      code,
      name,
      type,
      emails: [`vanthu@${domainOf(code)}`, ...(extra ? [`${extra}@${domainOf(code)}`] : [])],
      active: true,
      keyVersion: 1,
    })),
  );

/** The 2019 sample province's units (code order is the registry's order). */
export const SAMPLE_PROVINCE: readonly Unit[] = unitsOf(SAMPLE_2019);

/**
 * The unit types of a province since 1 July 2025. Codes whose meaning did not change keep their
 * 2019 code (so forms that name them, e.g. the 16th deadline of `dang-uy-truc-thuoc`, keep
 * applying); `huyen` stays as a legacy type: old periods' units and the seed forms name it, but
 * no new unit takes it.
 */
export const UNIT_TYPES_2025: readonly UnitTypeInfo[] = [
  { code: 'ban-dang', name: 'Ban đảng, Văn phòng Tỉnh ủy', plural: 'Các ban đảng, Văn phòng Tỉnh ủy', order: 1 },
  { code: 'so-nganh', name: 'Sở, ban, ngành', plural: 'Sở, ban, ngành', order: 2 },
  { code: 'mttq-doan-the', name: 'MTTQ, đoàn thể', plural: 'MTTQ và các đoàn thể', order: 3 },
  { code: 'dang-uy-truc-thuoc', name: 'Đảng ủy trực thuộc', plural: 'Đảng ủy trực thuộc', order: 4 },
  { code: 'dang-uy-xa', name: 'Đảng ủy xã, phường, đặc khu', plural: 'Đảng ủy xã, phường, đặc khu', order: 5 },
  { code: 'huyen', name: 'Huyện ủy, thị ủy, thành ủy (trước 01/7/2025)', plural: 'Huyện ủy, thị ủy, thành ủy (trước 01/7/2025)', order: 90, legacy: true },
];

/** Commune names: two syllables from these lists (typical, not a real province's list). */
const FIRST = ['An', 'Bình', 'Hòa', 'Tân', 'Phú', 'Thạnh', 'Vĩnh', 'Long', 'Đông', 'Tây', 'Nam', 'Bắc', 'Hưng', 'Thuận', 'Mỹ', 'Phước', 'Quang', 'Trung', 'Hải', 'Sơn'];
const SECOND = ['Lợi', 'Thành', 'Phong', 'Xuân', 'Lộc', 'Tiến', 'Minh', 'Khánh', 'Điền', 'Nghĩa'];

/** `Tân Phong` → `TANPHONG`. */
const asciiCode = (name: string) => foldVietnamese(name).toUpperCase().replace(/[^A-Z0-9]/g, '');

/** 100 commune-level Party committees: 78 xã, 20 phường, 2 đặc khu, each name used once. */
function communes(): SampleEntry[] {
  const names: string[] = [];
  for (let i = 0; names.length < 100; i += 1) {
    // A stride through the 200 pairs, so neighbouring entries do not share their first syllable.
    const k = (i * 7) % (FIRST.length * SECOND.length);
    names.push(`${FIRST[k % FIRST.length]} ${SECOND[Math.floor(k / FIRST.length)]}`);
  }
  return names.map((name, i): SampleEntry => {
    if (i < 2) return [`DK-${asciiCode(name)}`, `Đảng ủy đặc khu ${name}`, 'tochuc'];
    if (i < 22) return [`P-${asciiCode(name)}`, `Đảng ủy phường ${name}`];
    return [`X-${asciiCode(name)}`, `Đảng ủy xã ${name}`];
  });
}

const SAMPLE_2025: Record<UnitType, SampleEntry[]> = {
  'ban-dang': [
    ['VP-TU', 'Văn phòng Tỉnh ủy', 'tonghop'],
    ['BTC-TU', 'Ban Tổ chức Tỉnh ủy', 'tccb'],
    ['BTGDV-TU', 'Ban Tuyên giáo và Dân vận Tỉnh ủy'],
    ['UBKT-TU', 'Ủy ban Kiểm tra Tỉnh ủy'],
    ['BNC-TU', 'Ban Nội chính Tỉnh ủy'],
    ['TCT', 'Trường Chính trị tỉnh'],
  ],
  'so-nganh': [
    ['SO-NV', 'Sở Nội vụ', 'tccb'],
    ['SO-TC', 'Sở Tài chính'],
    ['SO-XD', 'Sở Xây dựng'],
    ['SO-NNMT', 'Sở Nông nghiệp và Môi trường'],
    ['SO-CT', 'Sở Công Thương'],
    ['SO-YT', 'Sở Y tế', 'tccb'],
    ['SO-GDDT', 'Sở Giáo dục và Đào tạo', 'tccb'],
    ['SO-KHCN', 'Sở Khoa học và Công nghệ'],
    ['SO-VHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'],
    ['SO-TP', 'Sở Tư pháp'],
    ['SO-DTTG', 'Sở Dân tộc và Tôn giáo'],
    ['TT-TINH', 'Thanh tra tỉnh'],
    ['VP-UBND', 'Văn phòng Ủy ban nhân dân tỉnh'],
    ['VP-DDBQH', 'Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh'],
    ['BQL-KKT', 'Ban Quản lý Khu kinh tế tỉnh'],
    ['BAO-PTTH', 'Báo và Phát thanh, Truyền hình tỉnh'],
  ],
  'mttq-doan-the': [
    ['MTTQ', 'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh'],
    ['HLHPN', 'Hội Liên hiệp Phụ nữ tỉnh'],
    ['TINH-DOAN', 'Tỉnh đoàn'],
    ['HND', 'Hội Nông dân tỉnh'],
    ['HCCB', 'Hội Cựu chiến binh tỉnh'],
    ['LDLD', 'Liên đoàn Lao động tỉnh'],
  ],
  'dang-uy-truc-thuoc': [
    ['DU-CQD', 'Đảng ủy các cơ quan Đảng tỉnh'],
    ['DU-UBND', 'Đảng ủy Ủy ban nhân dân tỉnh'],
    ['DU-QS', 'Đảng ủy Quân sự tỉnh'],
    ['DU-CA', 'Đảng ủy Công an tỉnh'],
  ],
  'dang-uy-xa': communes(),
};

/** The 2025 sample province's units (about 130: 32 provincial bodies and 100 commune committees). */
export const SAMPLE_PROVINCE_2025: readonly Unit[] = unitsOf(SAMPLE_2025);

/** What each sample seeds: its units, and its unit types (none for 2019: the default registry). */
export const SAMPLES: Readonly<Record<SampleName, { units: readonly Unit[]; unitTypes?: readonly UnitTypeInfo[] }>> = {
  '2019': { units: SAMPLE_PROVINCE },
  '2025': { units: SAMPLE_PROVINCE_2025, unitTypes: UNIT_TYPES_2025 },
};

/**
 * Seeds a sample province into an empty registry. Returns whether it did: a registry that
 * already holds any unit (seeded earlier, or imported by the user) is left untouched.
 */
export async function seedSampleProvince(units: UnitRepository, sample: SampleName = '2019'): Promise<boolean> {
  const existing = await units.list({ includeInactive: true });
  if (existing.length > 0) return false;
  await units.putMany(SAMPLES[sample].units.map((u) => ({ ...u, emails: [...u.emails] })));
  return true;
}

/**
 * Saves the sample's unit types on a first start: only when it has its own (2025), nothing is
 * saved yet and the unit registry is still empty (a data dir already in use keeps its types).
 * Runs before the catalog loads, since the forms are checked against the types.
 */
export async function seedSampleUnitTypes(deps: { unitTypeStore: UnitTypeStore; units: Pick<UnitRepository, 'list'>; now: Date }, sample: SampleName): Promise<boolean> {
  const types = SAMPLES[sample].unitTypes;
  if (!types) return false;
  if ((await deps.unitTypeStore.read()) !== undefined) return false;
  if ((await deps.units.list({ includeInactive: true })).length > 0) return false;
  await deps.unitTypeStore.write(types.map((t) => ({ ...t })), 0, deps.now.toISOString());
  return true;
}

/** The sample admin `npm start` registers on first start, so the console can be signed in to locally. */
export const SAMPLE_ADMIN = { email: 'quantri@tinhuy.example.vn', name: 'Quản trị viên (mẫu)', role: 'admin' } as const;

/**
 * Registers `SAMPLE_ADMIN` into an empty operators registry (first start only: a registry with
 * anyone in it, even only removed operators, is left untouched). Returns the email of an active
 * admin to sign in as, if there is one.
 */
export async function seedSampleAdmin(deps: ManageOperatorsDeps): Promise<{ seeded: boolean; adminEmail?: string }> {
  const existing = await deps.operators.list();
  if (existing.length === 0) {
    const added = await addOperator(deps, { ...SAMPLE_ADMIN, actor: 'npm start' });
    return { seeded: true, adminEmail: added.email };
  }
  return { seeded: false, adminEmail: existing.find((o) => o.active && o.role === 'admin')?.email };
}
