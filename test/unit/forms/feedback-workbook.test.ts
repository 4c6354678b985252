/** The annotated workbook: the uploader's own file, bad cells coloured with notes, an issue list first, and re-uploadable once fixed. */
import ExcelJS from 'exceljs';
import { buildFeedbackWorkbook, FEEDBACK_SHEET, validateUpload } from '../../../functions/core/forms';
import { fillForm } from '../../support/forms';
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
