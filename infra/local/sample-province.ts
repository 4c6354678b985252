/**
 * A sample province for local runs and demos: 50 units across the five unit types of the
 * domain brief, with typical (not real) names and contact addresses at the reserved
 * `example.vn` domain. Seeded once, on the first start of an empty data dir.
 */
import type { Unit, UnitType } from '../../functions/core/model';
import type { UnitRepository } from '../../functions/core/ports';
import { addOperator, type ManageOperatorsDeps } from '../../functions/core/operators/manage';

type SampleEntry = [code: string, name: string, extraMailbox?: string];

const SAMPLE: Record<UnitType, SampleEntry[]> = {
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

/** The sample province's units (code order is the registry's order). */
export const SAMPLE_PROVINCE: readonly Unit[] = Object.entries(SAMPLE).flatMap(([type, entries]) =>
  entries.map(([code, name, extra]) => ({
    code,
    name,
    type: type as UnitType,
    emails: [`vanthu@${domainOf(code)}`, ...(extra ? [`${extra}@${domainOf(code)}`] : [])],
    active: true,
    keyVersion: 1,
  })),
);

/**
 * Seeds the sample province into an empty registry. Returns whether it did: a registry that
 * already holds any unit (seeded earlier, or imported by the user) is left untouched.
 */
export async function seedSampleProvince(units: UnitRepository): Promise<boolean> {
  const existing = await units.list({ includeInactive: true });
  if (existing.length > 0) return false;
  await units.putMany(SAMPLE_PROVINCE.map((u) => ({ ...u, emails: [...u.emails] })));
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
