/**
 * The consolidation floor, in a fresh process: the bare exceljs streaming writer writing the
 * same number of cells (numbers and strings) as the consolidated workbook, into memory (the
 * consolidation also keeps its workbook in memory to attach it to the email).
 */
import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { childInput, childOutput, peakRssMb } from '../lib/child';

interface Input {
  numbers: number;
  strings: number;
  columns: number;
}

async function main(): Promise<void> {
  const { numbers, strings, columns } = childInput<Input>();
  const total = numbers + strings;
  const start = performance.now();
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink });
  const sheet = workbook.addWorksheet('Floor');
  let written = 0;
  let stringsLeft = strings;
  for (let r = 0; written < total; r++) {
    const row: Array<string | number> = [];
    for (let c = 0; c < columns && written < total; c++, written++) {
      // Spread the strings over the rows, one per row first (unit names), as a report does.
      if (stringsLeft > 0 && (c === 0 || stringsLeft >= total - written)) {
        row.push(`Đơn vị số ${r} — ${c}`);
        stringsLeft--;
      } else row.push(r * columns + c);
    }
    sheet.addRow(row).commit();
  }
  sheet.commit();
  await workbook.commit();
  const ms = performance.now() - start;
  childOutput({ ms, bytes: Buffer.concat(chunks).length, cells: written, rssMb: peakRssMb() });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
