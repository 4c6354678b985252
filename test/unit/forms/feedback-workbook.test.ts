/** The annotated workbook: the uploader's own file, bad cells coloured with notes, an issue list first, and re-uploadable once fixed. */
import ExcelJS from 'exceljs';
import { buildFeedbackWorkbook, FEEDBACK_SHEET, validateUpload } from '../../../functions/core/forms';
import { textFields } from '../../../functions/core/consolidation/report';
import type { ValidationResult } from '../../../functions/core/model';
// Reading the quote prefix back needs exceljs taught the attribute, as the writers are.
import '../../../functions/core/spreadsheet-text';
import type { TextStyle } from '../../../functions/core/spreadsheet-text';
import { fillForm } from '../../support/forms';
import { longIssues } from '../../support/spreadsheet-text';
import { blankForm, cellOf, clone, getCatalog, sample } from './harness';

const FORM = 'sap-xep-bo-may';

async function load(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}
const noteOf = (cell: ExcelJS.Cell) => {
  const n = cell.note as unknown;
  return typeof n === 'string' ? n : ((n as { texts?: Array<{ text: string }> })?.texts ?? []).map((t) => t.text).join('');
};

describe('buildFeedbackWorkbook', () => {
  it('marks errors red and warnings amber with Vietnamese notes, lists issues first with links, and the fixed file is accepted', async () => {
    const catalog = await getCatalog();
    const good = await sample(FORM, 'huyen', 9);
    const bad = clone(good);
    bad.fields['16.so_nguoi'] = (good.fields['16.so_nguoi'] as number) + 1; // error
    bad.fields['10.co_mat'] = (good.fields['10.duoc_giao'] as number) + 2; // warning
    const upload = await fillForm(await blankForm(FORM, 'huyen'), bad);
    const result = await validateUpload(upload, { catalog });
    expect(result.accepted).toBe(false);

    const feedback = await buildFeedbackWorkbook(upload, result);
    const wb = await load(feedback);
    expect(wb.worksheets[0]!.name).toBe(FEEDBACK_SHEET);
    const ws = wb.getWorksheet('Báo cáo')!;
    const errCell = ws.getCell(await cellOf(FORM, 'huyen', '16.so_nguoi'));
    const warnCell = ws.getCell(await cellOf(FORM, 'huyen', '10.co_mat'));
    expect((errCell.fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
    expect((warnCell.fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFEB9C');
    expect(noteOf(errCell)).toMatch(/^\[Lỗi\] Mã số 16/);
    expect(noteOf(warnCell)).toMatch(/^\[Cảnh báo\] Mã số 10/);

    const list = wb.getWorksheet(FEEDBACK_SHEET)!;
    expect(String(list.getCell('A1').value)).toContain('1 lỗi cần sửa, 1 cảnh báo');
    const links: string[] = [];
    list.eachRow((row) => {
      const v = row.getCell(3).value as { formula?: string } | null;
      if (v && typeof v === 'object' && v.formula) links.push(v.formula);
    });
    expect(links).toEqual([`HYPERLINK("#'Báo cáo'!${errCell.address}","${errCell.address}")`, `HYPERLINK("#'Báo cáo'!${warnCell.address}","${warnCell.address}")`]);

    // The uploader fixes the error in the feedback file itself and uploads it again.
    const fixed = await load(feedback);
    fixed.getWorksheet('Báo cáo')!.getCell(errCell.address).value = good.fields['16.so_nguoi'] as number;
    const reupload = Buffer.from(await fixed.xlsx.writeBuffer());
    const again = await validateUpload(reupload, { catalog });
    expect(again.errors).toEqual([]);
    expect(again.accepted).toBe(true);
    expect(again.warnings).toEqual([expect.objectContaining({ code: 'RULE_VUOT_BIEN_CHE', cell: warnCell.address })]);

    // A second feedback round replaces the first: one issue list, stale notes cleared.
    const second = await load(await buildFeedbackWorkbook(reupload, again));
    expect(second.worksheets.filter((w) => w.name === FEEDBACK_SHEET)).toHaveLength(1);
    expect(noteOf(second.getWorksheet('Báo cáo')!.getCell(errCell.address))).toBe('');
    expect(String(second.getWorksheet(FEEDBACK_SHEET)!.getCell('A1').value)).toContain('đã được chấp nhận');
  });

  it('refuses to annotate a file that cannot be opened', async () => {
    expect.assertions(1);
    await expect(buildFeedbackWorkbook(Buffer.from('not a workbook'), { accepted: false, values: { fields: {}, tables: {} }, errors: [], warnings: [] })).rejects.toMatchObject({ code: 'FEEDBACK_UNAVAILABLE' });
  });
});

describe('the "Lỗi cần sửa" sheet', () => {
  describe('printing', () => {
    it('is set up for one A4 page width, header row repeated, messages wrapped in rows tall enough for them', async () => {
      const form = 'sap-xep-bo-may';
      const bytes = await fillForm(await blankForm(form, 'huyen'), await sample(form, 'huyen', 3));
      const cells = await Promise.all(['16.so_nguoi', '10.co_mat', '10.duoc_giao', '24.tong'].map((k) => cellOf(form, 'huyen', k)));
      const issues = longIssues(cells);
      const result: ValidationResult = { accepted: false, values: { fields: {}, tables: {} }, errors: issues.filter((i) => i.severity === 'error'), warnings: issues.filter((i) => i.severity === 'warning') };

      const list = (await load(await buildFeedbackWorkbook(bytes, result))).getWorksheet(FEEDBACK_SHEET)!;

      expect(list.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '4:4', printArea: 'A1:D8' });
      const widths = [1, 2, 3, 4].map((c) => list.getColumn(c).width ?? 9);
      expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(95); // A4 portrait at 100 %
      for (let r = 5; r <= 8; r++) {
        const message = list.getRow(r).getCell(4);
        expect(String(message.value).length).toBeGreaterThan(250);
        expect(message.alignment).toMatchObject({ wrapText: true, vertical: 'top' });
        // ~62 characters a line at this width: a 300-character message needs 5+ lines of 15.75 pt.
        expect(list.getRow(r).height).toBeGreaterThanOrEqual(Math.ceil(String(message.value).length / widths[3]!) * 15);
      }
    });
  });

  describe('formula-looking text', () => {
    it("keeps a unit's narrative answer that starts like a formula a quoted string cell in the returned file", async () => {
      const catalog = await getCatalog();
      const form = 'sap-xep-bo-may';
      const values = await sample(form, 'huyen', 4);
      const [narrative] = textFields(catalog.require(form));
      values.fields[narrative!.key] = '=HYPERLINK("http://attacker.example","Bấm vào đây")';
      values.fields['16.so_nguoi'] = (values.fields['16.so_nguoi'] as number) + 1; // an error, so there is feedback to give
      const bytes = await fillForm(await blankForm(form, 'huyen'), values);
      const result = await validateUpload(bytes, { catalog });

      const wb = await load(await buildFeedbackWorkbook(bytes, result));

      const cell = wb.getWorksheet('Báo cáo')!.getCell(await cellOf(form, 'huyen', narrative!.key));
      expect([cell.type, cell.value, (cell.style as TextStyle).quotePrefix]).toEqual([ExcelJS.ValueType.String, values.fields[narrative!.key], true]);
    });
  });
});
