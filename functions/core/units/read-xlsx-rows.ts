/**
 * Reads the first worksheet of a small .xlsx as rows of cell text. A tiny .xlsx can inflate to
 * gigabytes and exceljs would then run out of memory beyond any catch, so every zip entry is
 * first inflated through yauzl (which checks the declared sizes) under a byte cap.
 */
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import type { UnitImportIssue } from './parse-units';

/** A registry of ~50–500 units is far below these. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_INFLATED_BYTES = 50 * 1024 * 1024;
const MAX_ENTRIES = 500;

const unreadable = (message: string): { issue: UnitImportIssue } => ({ issue: { code: 'UNITS_FILE_UNREADABLE', message } });

/** Resolves when the archive inflates within the caps; rejects otherwise. */
function checkZip(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      let entries = 0;
      let inflated = 0;
      const fail = (e: Error) => {
        zip.close();
        reject(e);
      };
      zip.on('error', fail);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        entries += 1;
        if (entries > MAX_ENTRIES || inflated + entry.uncompressedSize > MAX_INFLATED_BYTES) return fail(new Error('archive too large'));
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(e ?? new Error('unreadable entry'));
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (inflated > MAX_INFLATED_BYTES) {
              stream.destroy();
              fail(new Error('archive too large'));
            }
          });
          stream.on('error', fail);
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // A date cell: Excel dates have no time zone and exceljs reads them as UTC midnight.
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'hyperlink' in v && typeof v.text === 'string') return v.text;
  return cell.text ?? '';
}

/** The first worksheet's rows (row 1 first), each as the text of its cells, or an issue. */
export async function readXlsxRows(bytes: Buffer): Promise<{ rows: string[][] } | { issue: UnitImportIssue }> {
  if (bytes.length > MAX_FILE_BYTES) return unreadable('Tệp Excel quá lớn cho một danh sách đơn vị (tối đa 5 MB).');
  try {
    await checkZip(bytes);
  } catch {
    return unreadable('Không đọc được tệp Excel (.xlsx): tệp hỏng, không phải .xlsx hoặc quá lớn khi giải nén.');
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return unreadable('Không đọc được tệp Excel (.xlsx). Hãy lưu lại bằng Excel hoặc LibreOffice dưới dạng .xlsx.');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return unreadable('Tệp Excel không có trang tính nào.');
  const rows: string[][] = [];
  const width = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r += 1) {
    const row = sheet.getRow(r);
    rows.push(Array.from({ length: width }, (_, c) => cellText(row.getCell(c + 1))));
  }
  return { rows };
}
