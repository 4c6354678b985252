/** Counts the cells of an .xlsx with exceljs's streaming reader (numbers vs strings), for the consolidation floor. */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';

export interface CellCount {
  numbers: number;
  strings: number;
  /** Widest row seen. */
  columns: number;
  sheets: number;
}

export async function countCells(bytes: Buffer): Promise<CellCount> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit' });
  const count: CellCount = { numbers: 0, strings: 0, columns: 0, sheets: 0 };
  for await (const sheet of reader) {
    count.sheets++;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (typeof cell.value === 'number') count.numbers++;
        else count.strings++;
      });
      count.columns = Math.max(count.columns, row.cellCount);
    }
  }
  return count;
}
