/** Form 2: the repeating table of subordinate bodies (1–500 rows), unique names, recomputed totals, within-row warning. */
import ExcelJS from 'exceljs';
import { validateUpload } from '../../../functions/core/forms';
import type { FormValues, TableRow } from '../../../functions/core/model';
import { blankForm, getCatalog, sample, upload } from './harness';
import { fillForm } from '../../support/forms';

const FORM = 'bien-che-thang';
const FIRST_ROW = 10;
const TOTALS_ROW = 510;
const withRows = (base: FormValues, rows: TableRow[]): FormValues => ({ fields: base.fields, tables: { don_vi: rows } });
const row = (name: string, duoc_giao: number, co_mat: number, so_nghi = 0, ghi_chu: string | null = null): TableRow => ({ ten_don_vi: name, duoc_giao, co_mat, so_nghi, ghi_chu });

async function edit(bytes: Buffer, f: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  f(wb.getWorksheet('Báo cáo')!);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('bien-che-thang', () => {
  describe('accepts', () => {
    it('a table of subordinate bodies, values keyed by column, blank optional cells as null', async () => {
      const values = await sample(FORM, 'so-nganh', 2);
      const { result } = await upload(FORM, 'so-nganh', values);
      expect(result.errors).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.values.tables.don_vi).toEqual(values.tables.don_vi);
      expect(result.values.fields['header.nguoi_lap']).toBe(values.fields['header.nguoi_lap']);
    });

    it('the full 500 rows', async () => {
      const base = await sample(FORM, 'huyen');
      const rows = Array.from({ length: 500 }, (_, i) => row(`Xã số ${i + 1}`, 20, 18, 1));
      const { result } = await upload(FORM, 'huyen', withRows(base, rows));
      expect(result.errors).toEqual([]);
      expect(result.values.tables.don_vi).toHaveLength(500);
    });

    it('skips blank rows left between filled ones', async () => {
      const base = await sample(FORM, 'huyen');
      const bytes = await fillForm(await blankForm(FORM, 'huyen'), withRows(base, [row('Phòng A', 5, 5)]), {
        cells: { B14: 'Phòng B', C14: 7, D14: 6, E14: 0 },
      });
      const result = await validateUpload(bytes, { catalog: await getCatalog() });
      expect(result.errors).toEqual([]);
      expect(result.values.tables.don_vi!.map((r) => r.ten_don_vi)).toEqual(['Phòng A', 'Phòng B']);
    });

    it('numbers typed as Vietnamese text, even though Excel’s cached SUM skipped them', async () => {
      const base = await sample(FORM, 'huyen');
      const rows = [row('Bệnh viện tỉnh', 1234, 1200), row('Trung tâm Y tế', 2000, 1999, 3)];
      const { result } = await upload(FORM, 'huyen', withRows(base, rows), { numbersAsText: true });
      expect(result.errors).toEqual([]);
      expect(result.values.tables.don_vi!.map((r) => r.duoc_giao)).toEqual([1234, 2000]);
    });
  });

  describe('refuses or warns', () => {
    it('refuses a table with no row', async () => {
      const base = await sample(FORM, 'huyen');
      const { result } = await upload(FORM, 'huyen', withRows(base, []));
      expect(result.accepted).toBe(false);
      expect(result.errors).toEqual([expect.objectContaining({ code: 'TABLE_EMPTY', cell: `B${FIRST_ROW}`, field: 'don_vi' })]);
    });

    it('refuses the same tên đơn vị twice (case and spaces ignored), pointing at the second', async () => {
      const base = await sample(FORM, 'huyen');
      const { result } = await upload(FORM, 'huyen', withRows(base, [row('Phòng Nội vụ', 5, 5), row('Văn phòng', 4, 4), row('phòng  nội vụ', 3, 3)]));
      expect(result.errors).toEqual([expect.objectContaining({ code: 'TABLE_DUPLICATE', cell: `B${FIRST_ROW + 2}`, field: 'don_vi.ten_don_vi', message: expect.stringContaining(`B${FIRST_ROW}`) })]);
    });

    it('refuses a used row with a required cell blank', async () => {
      const base = await sample(FORM, 'huyen');
      const { result } = await upload(FORM, 'huyen', withRows(base, [row('Phòng A', 5, 5), { ...row('Phòng B', 5, 5), co_mat: null }]));
      expect(result.errors).toEqual([expect.objectContaining({ code: 'REQUIRED', cell: `D${FIRST_ROW + 1}`, field: 'don_vi.co_mat' })]);
    });

    it('warns, but accepts, when có mặt exceeds được giao in a row', async () => {
      const base = await sample(FORM, 'huyen');
      const { result } = await upload(FORM, 'huyen', withRows(base, [row('Phòng A', 5, 5), row('Phòng B', 5, 7)]));
      expect(result.accepted).toBe(true);
      expect(result.warnings).toEqual([expect.objectContaining({ code: 'RULE_VUOT_BIEN_CHE', severity: 'warning', cell: `D${FIRST_ROW + 1}`, message: expect.stringMatching(/\(7\).*\(5\)/) })]);
    });

    it('recomputes the totals row and refuses a typed total that disagrees', async () => {
      const base = await sample(FORM, 'huyen');
      const good = await upload(FORM, 'huyen', withRows(base, [row('Phòng A', 5, 5), row('Phòng B', 6, 4)]), { cells: { C510: 11 } });
      expect(good.result.errors).toEqual([]);
      const { result } = await upload(FORM, 'huyen', withRows(base, [row('Phòng A', 5, 5), row('Phòng B', 6, 4)]), { cells: { C510: 12 } });
      expect(result.errors).toEqual([expect.objectContaining({ code: 'TABLE_TOTAL_MISMATCH', cell: `C${TOTALS_ROW}`, message: expect.stringContaining('tổng các dòng là 11') })]);
    });

    it('refuses more than 500 rows (a row inserted to make room)', async () => {
      const base = await sample(FORM, 'huyen');
      const full = await fillForm(await blankForm(FORM, 'huyen'), withRows(base, Array.from({ length: 500 }, (_, i) => row(`Xã ${i + 1}`, 3, 3))));
      const bytes = await edit(full, (ws) => {
        ws.spliceRows(TOTALS_ROW, 0, ['', 'Xã 501', 3, 3, 0]);
      });
      const result = await validateUpload(bytes, { catalog: await getCatalog() });
      expect(result.errors).toEqual([expect.objectContaining({ code: 'TABLE_TOO_MANY_ROWS', cell: `B${TOTALS_ROW}` })]);
    });
  });
});
