/**
 * Formula-looking text from units (narrative answers, names) in the consolidated workbook: a
 * string cell with Excel's quote prefix, so re-editing it in Excel or LibreOffice keeps it text.
 */
import ExcelJS from 'exceljs';
// Reading the quote prefix back needs exceljs taught the attribute, as the writers are.
import '../../../functions/core/spreadsheet-text';
import type { TextStyle } from '../../../functions/core/spreadsheet-text';
import { FORMULA_TEXTS, workbookWithFormulaText } from '../../support/spreadsheet-text';

function cellsOf(wb: ExcelJS.Workbook, sheet: string): ExcelJS.Cell[] {
  const out: ExcelJS.Cell[] = [];
  wb.getWorksheet(sheet)!.eachRow((row) => row.eachCell((c) => out.push(c)));
  return out;
}

describe('writeConsolidatedWorkbook', () => {
  describe('formula-looking text from units', () => {
    it('writes each as a string cell with the quote prefix on "Ý kiến", "Chi tiết đơn vị" and "Dữ liệu"', async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await workbookWithFormulaText()) as unknown as ExcelJS.Buffer);

      const opinions = cellsOf(wb, 'Ý kiến');
      for (const text of FORMULA_TEXTS) {
        // XML turns a raw carriage return into a line feed: "\rX" comes back as "\nX".
        const cell = opinions.find((c) => c.value === text.replace(/\r/g, '\n'));
        expect([text, cell?.type, (cell?.style as TextStyle | undefined)?.quotePrefix]).toEqual([text, ExcelJS.ValueType.String, true]);
      }
      for (const sheet of ['Chi tiết đơn vị', 'Dữ liệu', 'Tình hình nộp']) {
        const names = cellsOf(wb, sheet).filter((c) => c.value === '@SUM(A1)');
        expect([sheet, names.length > 0, names.every((c) => c.type === ExcelJS.ValueType.String && (c.style as TextStyle).quotePrefix === true)]).toEqual([sheet, true, true]);
      }
      // No formula anywhere but the ones we write ourselves (none in this workbook).
      expect(wb.worksheets.flatMap((ws) => cellsOf(wb, ws.name)).filter((c) => c.type === ExcelJS.ValueType.Formula)).toEqual([]);
    });

    it('leaves numbers, negative changes included, as plain numbers and ordinary text unquoted', async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await workbookWithFormulaText()) as unknown as ExcelJS.Buffer);

      const summary = cellsOf(wb, 'Tổng hợp');
      const negatives = summary.filter((c) => typeof c.value === 'number' && c.value < 0);
      expect(negatives.length).toBeGreaterThan(0);
      expect(negatives.every((c) => c.type === ExcelJS.ValueType.Number && !(c.style as TextStyle).quotePrefix)).toBe(true);
      const title = summary.find((c) => typeof c.value === 'string' && c.value.startsWith('BÁO CÁO TỔNG HỢP'))!;
      expect((title.style as TextStyle).quotePrefix).toBeUndefined();
    });
  });
});
