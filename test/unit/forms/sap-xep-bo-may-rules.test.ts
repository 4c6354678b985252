/**
 * Every rule of form 1 (DOMAIN.md) has a passing (boundary) and a failing case, through the real
 * path: generate → fill → validate. Errors must point at the right cell.
 */
import type { FormValues, UnitType, ValidationIssue } from '../../../functions/core/model';
import { cellOf, clone, num, sample, upload } from './harness';

const FORM = 'sap-xep-bo-may';
const codesOf = (issues: ValidationIssue[]) => issues.map((i) => i.code);

interface Case {
  name: string;
  unitType?: UnitType;
  mutate: (v: FormValues) => void;
}
interface Failing extends Case {
  code: string;
  severity: 'error' | 'warning';
  field: string;
  message?: RegExp;
}

const failing: Failing[] = [
  { name: '01 ≠ 02+03+04+05 (trước)', code: 'RULE_TONG_DAU_MOI', severity: 'error', field: '01.truoc', mutate: (v) => (v.fields['01.truoc'] = num(v, '01.truoc') + 1), message: /Trước sắp xếp/ },
  { name: '01 ≠ 02+03+04+05 (hiện tại)', code: 'RULE_TONG_DAU_MOI', severity: 'error', field: '01.hien_tai', mutate: (v) => (v.fields['01.hien_tai'] = num(v, '01.hien_tai') + 2) },
  { name: '16 ≠ 12+13+14+15', code: 'RULE_TONG_TINH_GIAN', severity: 'error', field: '16.so_nguoi', mutate: (v) => (v.fields['16.so_nguoi'] = num(v, '16.so_nguoi') + 1) },
  { name: '22: đã ban hành > phải ban hành', code: 'RULE_DA_BAN_HANH', severity: 'error', field: '22.da', mutate: (v) => (v.fields['22.da'] = num(v, '22.phai') + 1), message: /^Mã số 22/ },
  { name: '23: đã ban hành > phải ban hành', code: 'RULE_DA_BAN_HANH', severity: 'error', field: '23.da', mutate: (v) => (v.fields['23.da'] = num(v, '23.phai') + 1) },
  { name: '24: tổng ≠ hoàn thành + đang + chưa', code: 'RULE_NHIEM_VU', severity: 'error', field: '24.tong', mutate: (v) => (v.fields['24.tong'] = num(v, '24.tong') + 3) },
  { name: '21.so_xa > 18.hien_tai', code: 'RULE_BI_THU_CHU_TICH', severity: 'error', field: '21.so_xa', mutate: (v) => (v.fields['21.so_xa'] = num(v, '18.hien_tai') + 1) },
  { name: 'a numeric field of an applicable row left blank', code: 'REQUIRED', severity: 'error', field: '05.hien_tai', mutate: (v) => delete v.fields['05.hien_tai'] },
  { name: 'section D field left blank by a huyện', code: 'REQUIRED', severity: 'error', field: '19.truoc', mutate: (v) => delete v.fields['19.truoc'] },
  { name: 'Kết quả nổi bật (25) left blank', code: 'REQUIRED', severity: 'error', field: '25.noi_dung', mutate: (v) => delete v.fields['25.noi_dung'] },
  { name: 'người lập biểu left blank', code: 'REQUIRED', severity: 'error', field: 'header.nguoi_lap', mutate: (v) => delete v.fields['header.nguoi_lap'] },
  {
    name: '03: hiện tại > trước (grew after reorganising)',
    code: 'RULE_TANG_SAU_SAP_XEP',
    severity: 'warning',
    field: '03.hien_tai',
    mutate: (v) => {
      const grow = num(v, '03.truoc') + 1 - num(v, '03.hien_tai');
      v.fields['03.hien_tai'] = num(v, '03.truoc') + 1;
      v.fields['01.hien_tai'] = num(v, '01.hien_tai') + grow;
    },
  },
  { name: '18: hiện tại > trước', code: 'RULE_TANG_SAU_SAP_XEP', severity: 'warning', field: '18.hien_tai', mutate: (v) => (v.fields['18.hien_tai'] = num(v, '18.truoc') + 1) },
  { name: '10: có mặt > được giao', code: 'RULE_VUOT_BIEN_CHE', severity: 'warning', field: '10.co_mat', mutate: (v) => (v.fields['10.co_mat'] = num(v, '10.duoc_giao') + 1) },
  { name: '11: có mặt > được giao', code: 'RULE_VUOT_BIEN_CHE', severity: 'warning', field: '11.co_mat', mutate: (v) => (v.fields['11.co_mat'] = num(v, '11.duoc_giao') + 5) },
  {
    name: '09: được giao > giao năm 2015',
    code: 'RULE_GIAO_TANG_SO_2015',
    severity: 'warning',
    field: '09.duoc_giao',
    mutate: (v) => {
      v.fields['09.duoc_giao'] = num(v, '09.giao_2015') + 1;
    },
  },
  {
    name: '06.hien_tai > 01.hien_tai',
    code: 'RULE_CAP_TRUONG',
    severity: 'warning',
    field: '06.hien_tai',
    mutate: (v) => {
      v.fields['06.hien_tai'] = num(v, '01.hien_tai') + 1;
      v.fields['06.truoc'] = num(v, '06.hien_tai');
    },
  },
];

describe('sap-xep-bo-may rules', () => {
  describe('accepts', () => {
    it.each<UnitType>(['huyen', 'so-nganh', 'ban-dang', 'mttq-doan-the', 'dang-uy-truc-thuoc'])('a consistent report from a %s unit with no issue', async (type) => {
      const values = await sample(FORM, type, 5);
      const { result } = await upload(FORM, type, values);
      expect(result.errors).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.accepted).toBe(true);
      expect(result.values.fields).toEqual(values.fields);
    });

    it('reads section D only for huyện (other unit types have no such cells)', async () => {
      const { result } = await upload(FORM, 'so-nganh', await sample(FORM, 'so-nganh'));
      expect(Object.keys(result.values.fields).filter((k) => /^(18|19|20|21)\./.test(k))).toEqual([]);
      const huyen = await upload(FORM, 'huyen', await sample(FORM, 'huyen'));
      expect(Object.keys(huyen.result.values.fields).filter((k) => /^(18|19|20|21)\./.test(k)).sort()).toEqual(['18.hien_tai', '18.truoc', '19.hien_tai', '19.truoc', '20.hien_tai', '20.truoc', '21.so_xa']);
    });

    const boundaries: Array<[string, string, (v: FormValues) => void]> = [
      ['đã ban hành = phải ban hành', 'RULE_DA_BAN_HANH', (v) => (v.fields['22.da'] = num(v, '22.phai'))],
      ['21.so_xa = 18.hien_tai', 'RULE_BI_THU_CHU_TICH', (v) => (v.fields['21.so_xa'] = num(v, '18.hien_tai'))],
      ['có mặt = được giao', 'RULE_VUOT_BIEN_CHE', (v) => (v.fields['10.co_mat'] = num(v, '10.duoc_giao'))],
      ['được giao = giao 2015', 'RULE_GIAO_TANG_SO_2015', (v) => (v.fields['09.duoc_giao'] = num(v, '09.giao_2015'))],
      ['hiện tại = trước', 'RULE_TANG_SAU_SAP_XEP', (v) => (v.fields['07.hien_tai'] = num(v, '07.truoc'))],
      ['06.hien_tai = 01.hien_tai', 'RULE_CAP_TRUONG', (v) => ((v.fields['06.hien_tai'] = num(v, '01.hien_tai')), (v.fields['06.truoc'] = num(v, '01.hien_tai')))],
      ['zeros everywhere in C (0 = 0+0+0+0)', 'RULE_TONG_TINH_GIAN', (v) => ['12', '13', '14', '15', '16'].forEach((r) => (v.fields[`${r}.so_nguoi`] = 0))],
      ['optional texts 26 and 27 blank', 'REQUIRED', (v) => (delete v.fields['26.noi_dung'], delete v.fields['27.noi_dung'])],
    ];
    it.each(boundaries)('the boundary case %s without %s', async (_name, code, mutate) => {
      const values = clone(await sample(FORM, 'huyen', 21));
      mutate(values);
      const { result } = await upload(FORM, 'huyen', values);
      expect(codesOf([...result.errors, ...result.warnings])).not.toContain(code);
      expect(result.accepted).toBe(true);
    });
  });

  describe('refuses or warns', () => {
    it.each(failing)('$name → $code at the right cell', async ({ mutate, code, severity, field, message, unitType = 'huyen' }) => {
      const values = clone(await sample(FORM, unitType, 21));
      mutate(values);
      const { result } = await upload(FORM, unitType, values);
      const issues = severity === 'error' ? result.errors : result.warnings;
      const issue = issues.find((i) => i.code === code && i.field === field);
      expect(issue).toEqual(expect.objectContaining({ severity, sheet: 'Báo cáo', cell: await cellOf(FORM, unitType, field), field }));
      if (message) expect(issue!.message).toMatch(message);
      expect(result.accepted).toBe(severity === 'warning' ? result.errors.length === 0 : false);
      if (severity === 'warning') expect(result.errors).toEqual([]);
    });

    it('reports a blank required value once, not again through every rule that uses it', async () => {
      const values = clone(await sample(FORM, 'huyen', 21));
      delete values.fields['03.truoc'];
      const { result } = await upload(FORM, 'huyen', values);
      expect(codesOf(result.errors)).toEqual(['REQUIRED']);
    });
  });

  describe('baseline (trước sắp xếp must not move between reports)', () => {
    it('warns at the moved cell with both values when the previous report differs', async () => {
      const values = await sample(FORM, 'huyen', 21);
      const previous = clone(values);
      previous.fields['02.truoc'] = num(values, '02.truoc') + 4;
      const calls: unknown[][] = [];
      const { result } = await upload(FORM, 'huyen', values, {}, { previousValues: async (...args) => (calls.push(args), previous) });
      expect(calls).toEqual([['sap-xep-bo-may', 'TEST-HUYEN', '2026-Q1']]);
      expect(result.accepted).toBe(true);
      expect(result.warnings).toEqual([
        expect.objectContaining({ code: 'RULE_MOC_TRUOC_SAP_XEP', field: '02.truoc', cell: await cellOf(FORM, 'huyen', '02.truoc'), message: expect.stringContaining(`(${num(previous, '02.truoc')})`) }),
      ]);
    });

    it('is silent when the previous report has the same baseline, or there is none', async () => {
      const values = await sample(FORM, 'huyen', 21);
      const same = await upload(FORM, 'huyen', values, {}, { previousValues: async () => clone(values) });
      const none = await upload(FORM, 'huyen', values, {}, { previousValues: async () => undefined });
      expect(same.result.warnings).toEqual([]);
      expect(none.result.warnings).toEqual([]);
    });
  });
});
