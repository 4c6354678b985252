import ExcelJS from 'exceljs';
import { buildConsolidatedReport } from '../../../functions/core/consolidation/report';
import { parseReportKey, reportKey } from '../../../functions/core/consolidation/report-key';
import { writeConsolidatedWorkbook } from '../../../functions/core/consolidation/workbook';
import { parseFormDefinition } from '../../../functions/core/forms/definition';
import { subjectSlug } from '../../../infra/local/outbox-mailer';
import { makeUnits } from './fixtures';

// A form no code knows about: consolidation must follow its definition alone.
const form = parseFormDefinition({
  id: 'dao-tao-nam',
  version: 1,
  name: 'Đào tạo, bồi dưỡng',
  title: 'BÁO CÁO KẾT QUẢ ĐÀO TẠO, BỒI DƯỠNG CÁN BỘ',
  periodType: 'year',
  sections: [
    {
      key: 'A',
      label: 'A. Đào tạo',
      columns: [
        { key: 'ke_hoach', label: 'Kế hoạch', type: 'whole' },
        { key: 'thuc_hien', label: 'Thực hiện', type: 'whole' },
      ],
      computed: [{ key: 'con_lai', label: 'Còn lại', add: ['ke_hoach'], sub: ['thuc_hien'] }],
      rows: [{ code: '1', label: 'Lý luận chính trị', columns: ['ke_hoach', 'thuc_hien'] }],
    },
  ],
  tables: [
    {
      key: 'lop',
      label: 'Lớp học',
      maxRows: 50,
      columns: [
        { key: 'ten', label: 'Tên lớp', type: 'text', consolidate: 'none' },
        { key: 'hoc_vien', label: 'Học viên', type: 'whole' },
      ],
    },
  ],
  ratios: [{ key: 'ty_le', label: 'Tỷ lệ hoàn thành', numerator: { add: ['1.thuc_hien'] }, denominator: ['1.ke_hoach'], targetMin: 0.9 }],
  deadlines: { default: { day: 15 } },
  consolidation: { day: 18, time: '07:30' },
  recipients: { leadership: ['a@example.vn'] },
});

describe('form-driven consolidation', () => {
  describe('a form defined only in JSON', () => {
    it('gets its rows, computed column, ratio and table sheet without any code change', async () => {
      const [u1, u2] = makeUnits(2);
      const latest = [
        { unitCode: u1!.code, uploadId: 'a', receivedAt: '2019-12-10T01:00:00Z', late: false, values: { fields: { '1.ke_hoach': 40, '1.thuc_hien': 30 }, tables: { lop: [{ ten: 'Lớp A', hoc_vien: 25 }] } }, warnings: [] },
        { unitCode: u2!.code, uploadId: 'b', receivedAt: '2019-12-11T01:00:00Z', late: false, values: { fields: { '1.ke_hoach': 60, '1.thuc_hien': 60 }, tables: { lop: [{ ten: 'Lớp B', hoc_vien: 10 }, { ten: 'Lớp C', hoc_vien: 5 }] } }, warnings: [] },
      ];
      const report = buildConsolidatedReport({ form, period: '2019', units: [u1!, u2!], latest, submissions: [], previousLatest: [], now: new Date('2019-12-18T00:30:00Z') });

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await writeConsolidatedWorkbook(report)) as unknown as ExcelJS.Buffer);

      expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Theo loại đơn vị', 'Chi tiết đơn vị', 'Lớp học', 'Tình hình nộp', 'Cảnh báo', 'Dữ liệu']);
      const summary: unknown[][] = [];
      wb.getWorksheet('Tổng hợp')!.eachRow((r) => summary.push((r.values as unknown[]).slice(1)));
      expect(summary.find((r) => r[0] === '1')!.slice(2, 5)).toEqual([100, 90, 10]);
      expect(summary.find((r) => r[1] === 'Tỷ lệ hoàn thành')![2]).toBeCloseTo(0.9);
      expect(summary.find((r) => r[1] === 'Số lớp học')![2]).toBe(3);
      expect(summary.find((r) => r[1] === 'Học viên')![2]).toBe(40);
      expect(wb.getWorksheet('Lớp học')!.rowCount).toBe(4 + 3 + 1);
    });
  });
});

describe('report keys', () => {
  it('round-trip form, period, time and the hash prefix', () => {
    const key = reportKey('sap-xep-bo-may', '2019-Q1', new Date('2019-03-19T00:30:05.123Z'), 'abcdef0123456789');
    expect(key).toBe('reports/sap-xep-bo-may/2019-Q1/20190319T003005-abcdef01.xlsx');
    expect(parseReportKey(key)).toEqual({ formId: 'sap-xep-bo-may', period: '2019-Q1', createdAt: new Date('2019-03-19T00:30:05Z'), hash8: 'abcdef01' });
    expect(parseReportKey('reports/sap-xep-bo-may/2019-Q1/notes.txt')).toBeUndefined();
  });
});

describe('outbox file names', () => {
  it('are ASCII slugs of the Vietnamese subject', () => {
    expect(subjectSlug('[Bản cập nhật] Tổng hợp Đào tạo — Quý I năm 2019 — 3/4 đơn vị')).toBe('ban-cap-nhat-tong-hop-dao-tao-quy-i-nam-2019-3-4-don-vi');
  });
});
