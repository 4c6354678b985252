/**
 * Safety before exceljs sees a byte. A 50 KB .xlsx can inflate to gigabytes and exceljs then
 * runs out of memory in a way no try/catch can stop; a merge or validation range of a million
 * cells makes it loop for minutes. So every upload is first checked here, in memory (no temp
 * files), with caps on every dimension: file size, zip entries, declared and actual inflated
 * sizes (headers that lie are caught: inflation stops one byte past the declared size, as
 * yauzl's `validateEntrySizes` would), XML declarations, sheets, cells
 * and ranges. Whatever is wrong is explained in Vietnamese the uploader can act on.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import type { ValidationIssue } from '../model';
import { META_SHEET } from './layout';

export interface InspectLimits {
  /** Upload size limit (default 5 MB). */
  maxBytes: number;
  maxEntries: number;
  /** Sum of inflated sizes of all entries. */
  maxTotalInflated: number;
  maxEntryInflated: number;
  /** Inflated/compressed ratio allowed for entries larger than 1 MB inflated. */
  maxRatio: number;
  maxSheets: number;
  /** Cells (`<c>` elements) over all worksheets. */
  maxCells: number;
  /** Cells covered by merge and data-validation ranges per worksheet (exceljs expands them one by one). */
  maxRangeCells: number;
}

export const DEFAULT_LIMITS: InspectLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxEntries: 500,
  // A filled form inflates to well under 1 MB (form 2 with 500 rows: ~300 KB); 30× headroom.
  maxTotalInflated: 32 * 1024 * 1024,
  maxEntryInflated: 24 * 1024 * 1024,
  maxRatio: 200,
  maxSheets: 20,
  maxCells: 50_000,
  maxRangeCells: 200_000,
};

export type Inspection = { ok: true; sheetNames: string[] } | { ok: false; issue: ValidationIssue };

const refuse = (code: string, message: string): Inspection => ({ ok: false, issue: { code, severity: 'error', message } });

const SAVE_AS = 'Hãy mở biểu mẫu trong Excel hoặc LibreOffice và lưu lại dưới dạng "Sổ làm việc Excel (*.xlsx)".';
const MB = (n: number) => `${(n / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;

/** Refusal messages by code (stable codes for machines, Vietnamese for people). */
export const FILE_MESSAGES = {
  FILE_EMPTY: 'Tệp rỗng (0 byte). Hãy chọn lại đúng tệp biểu mẫu đã điền rồi nộp lại.',
  FILE_OLE:
    'Tệp là định dạng Excel cũ (.xls) hoặc đã đặt mật khẩu mở tệp. Hệ thống chỉ nhận tệp .xlsx không có mật khẩu: mở tệp, bỏ mật khẩu (nếu có) và chọn Lưu thành "Sổ làm việc Excel (*.xlsx)".',
  FILE_MACRO_ENABLED: 'Tệp là sổ làm việc có macro (.xlsm). Hệ thống không nhận tệp có macro. ' + SAVE_AS,
  FILE_ODS: 'Tệp ở định dạng LibreOffice (.ods). ' + SAVE_AS,
  FILE_CORRUPT: 'Tệp bị hỏng hoặc tải lên chưa hết nên không mở được. Hãy mở lại biểu mẫu trên máy, kiểm tra rồi lưu và nộp lại.',
  FILE_PATH_UNSAFE: 'Tệp chứa thành phần có tên không hợp lệ (đường dẫn ra ngoài thư mục) nên bị từ chối vì lý do an toàn. ' + SAVE_AS,
  FILE_XML_DOCTYPE: 'Tệp chứa khai báo DOCTYPE/ENTITY không được phép trong tệp Excel, nên bị từ chối vì lý do an toàn. ' + SAVE_AS,
  FILE_NOT_OUR_FORM:
    'Tệp không phải biểu mẫu do hệ thống phát hành (không tìm thấy phần thông tin nhận dạng biểu mẫu). Hãy tải biểu mẫu từ đường dẫn nộp báo cáo của đơn vị, điền số liệu vào đó rồi nộp lại.',
} as const;

function sniffNonZip(bytes: Buffer): Inspection {
  const head = bytes.subarray(0, 16);
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x);
  const notSheet = (what: string) =>
    refuse('FILE_NOT_SPREADSHEET', `Tệp không phải bảng tính Excel (.xlsx) mà là ${what}. Hãy nộp đúng tệp biểu mẫu .xlsx đã điền (đổi đuôi tệp không làm thay đổi định dạng).`);
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return refuse('FILE_OLE', FILE_MESSAGES.FILE_OLE);
  if (starts(0x25, 0x50, 0x44, 0x46)) return notSheet('tệp PDF');
  if (starts(0x89, 0x50, 0x4e, 0x47) || starts(0xff, 0xd8, 0xff) || starts(0x47, 0x49, 0x46, 0x38) || starts(0x42, 0x4d) || (starts(0x52, 0x49, 0x46, 0x46) && bytes.subarray(8, 12).toString('latin1') === 'WEBP')) {
    return notSheet('một tệp ảnh');
  }
  if (starts(0x50, 0x4b)) return refuse('FILE_CORRUPT', FILE_MESSAGES.FILE_CORRUPT);
  const text = bytes.subarray(0, 2048).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || /<(table|head|body|meta)\b/.test(text.slice(0, 512))) return notSheet('một trang web (HTML)');
  if (text.startsWith('<?xml') || text.startsWith('<')) return notSheet('một tệp XML');
  if (text.startsWith('{\\rtf')) return notSheet('một văn bản RTF');
  const sample = bytes.subarray(0, 4096);
  const printable = [...sample].filter((b) => b === 9 || b === 10 || b === 13 || b >= 32).length;
  if (printable / Math.max(1, sample.length) > 0.95) return notSheet(/[,;\t]/.test(text) ? 'một tệp văn bản/CSV' : 'một tệp văn bản');
  return notSheet('một loại tệp khác');
}

interface ZipEntryInfo {
  name: string;
  compressed: number;
  inflated: number;
  entry: yauzl.Entry;
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) => (err || !zip ? reject(err) : resolve(zip)));
  });
}

function listEntries(zip: yauzl.ZipFile, maxEntries: number): Promise<ZipEntryInfo[] | 'too-many'> {
  return new Promise((resolve, reject) => {
    const out: ZipEntryInfo[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      const utf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
      const name = Buffer.isBuffer(raw) ? raw.toString(utf8 ? 'utf8' : 'latin1') : String(raw);
      out.push({ name, compressed: entry.compressedSize, inflated: entry.uncompressedSize, entry });
      if (out.length > maxEntries) {
        zip.close();
        resolve('too-many');
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', reject);
    zip.readEntry();
  });
}

class ZipDataError extends Error {
  constructor(readonly kind: 'bomb' | 'corrupt') {
    super(kind);
  }
}

/**
 * Inflates one entry synchronously from the upload's bytes, never past its declared size: a
 * header that lies about the size stops at declared + 1 byte (zlib `maxOutputLength`) and is
 * refused, as is a CRC mismatch. yauzl has already validated the central directory; a
 * synchronous inflate of a whole form takes ~3 ms where per-entry streams cost ~30 ms.
 */
function inflateEntry(bytes: Buffer, entry: yauzl.Entry): Buffer {
  const off = entry.relativeOffsetOfLocalHeader;
  if (off + 30 > bytes.length || bytes.readUInt32LE(off) !== 0x04034b50) throw new ZipDataError('corrupt');
  if (entry.generalPurposeBitFlag & 0x1) throw new ZipDataError('corrupt');
  const start = off + 30 + bytes.readUInt16LE(off + 26) + bytes.readUInt16LE(off + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new ZipDataError('corrupt');
  const raw = bytes.subarray(start, end);
  let data: Buffer;
  if (entry.compressionMethod === 0) data = raw;
  else if (entry.compressionMethod === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
    } catch (err) {
      throw new ZipDataError((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'bomb' : 'corrupt');
    }
  } else throw new ZipDataError('corrupt');
  if (data.length !== entry.uncompressedSize) throw new ZipDataError(data.length > entry.uncompressedSize ? 'bomb' : 'corrupt');
  if (typeof crc32 === 'function' && crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new ZipDataError('corrupt');
  return data;
}

const UNSAFE_NAME = /(^|[\\/])\.\.([\\/]|$)|^[\\/]|^[a-zA-Z]:|\0/;

/** Sum of cells covered by `A1:B2`-style references in a space-separated list. */
function rangeArea(refs: string): number {
  let total = 0;
  for (const ref of refs.trim().split(/\s+/)) {
    const m = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/i.exec(ref);
    if (!m) continue;
    const col = (s: string) => [...s.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    const c1 = col(m[1]!);
    const r1 = Number(m[2]);
    const c2 = m[3] ? col(m[3]) : c1;
    const r2 = m[4] ? Number(m[4]) : r1;
    total += (Math.abs(c2 - c1) + 1) * (Math.abs(r2 - r1) + 1);
  }
  return total;
}

/** Occurrences of an ASCII needle in a buffer (native search, no UTF-8 decoding of the whole part). */
function countOccurrences(data: Buffer, needle: string): number {
  let n = 0;
  for (let i = data.indexOf(needle, 0, 'latin1'); i !== -1; i = data.indexOf(needle, i + needle.length, 'latin1')) n++;
  return n;
}

/** The values of `attr="…"` on elements whose tag contains `tag`, read with native searches. */
function attributeValues(data: Buffer, tag: string, attr: string): string[] {
  const out: string[] = [];
  const needle = `${attr}="`;
  for (let i = data.indexOf(tag, 0, 'latin1'); i !== -1; i = data.indexOf(tag, i + tag.length, 'latin1')) {
    const end = data.indexOf('>', i, 'latin1');
    if (end === -1) break;
    const open = data.subarray(i, end).toString('latin1');
    const at = open.indexOf(needle);
    if (at !== -1) out.push(open.slice(at + needle.length, open.indexOf('"', at + needle.length)));
  }
  return out;
}

const decodeXmlName = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");

/** What else an inspection requires of the workbook. */
export interface InspectOptions {
  /** A sheet the workbook must have (default: the form metadata sheet of a generated form); null: none. */
  requiredSheet?: string | null;
}

/**
 * Checks an upload before any spreadsheet parsing. Resolves to `ok` with the sheet names, or to
 * a refusal with a stable code and a Vietnamese message. Never throws for bad input.
 */
export async function inspectFile(bytes: Buffer, limits: Partial<InspectLimits> = {}, options: InspectOptions = {}): Promise<Inspection> {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  if (bytes.length === 0) return refuse('FILE_EMPTY', FILE_MESSAGES.FILE_EMPTY);
  if (bytes.length > lim.maxBytes) {
    return refuse('FILE_TOO_LARGE', `Tệp quá lớn (${MB(bytes.length)}); giới hạn là ${MB(lim.maxBytes)}. Biểu mẫu đã điền thường chỉ vài trăm KB: hãy xóa ảnh hoặc trang tính thừa rồi nộp lại.`);
  }
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
  if (!isZip) return sniffNonZip(bytes);

  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bytes);
  } catch {
    return refuse('FILE_CORRUPT', FILE_MESSAGES.FILE_CORRUPT);
  }
  try {
    const listed = await listEntries(zip, lim.maxEntries);
    if (listed === 'too-many') return refuse('FILE_TOO_MANY_PARTS', `Tệp có quá nhiều thành phần (hơn ${lim.maxEntries}); đây không phải biểu mẫu báo cáo. ` + SAVE_AS);
    const entries = listed;
    const names = new Set<string>();
    let declared = 0;
    for (const e of entries) {
      if (UNSAFE_NAME.test(e.name)) return refuse('FILE_PATH_UNSAFE', FILE_MESSAGES.FILE_PATH_UNSAFE);
      if (names.has(e.name)) return refuse('FILE_CORRUPT', FILE_MESSAGES.FILE_CORRUPT);
      names.add(e.name);
      declared += e.inflated;
      const tooBig = e.inflated > lim.maxEntryInflated || declared > lim.maxTotalInflated;
      const ratio = e.inflated > 1024 * 1024 && e.inflated / Math.max(1, e.compressed) > lim.maxRatio;
      if (tooBig || ratio) return bomb(lim);
    }
    if (names.has('mimetype') || names.has('content.xml')) {
      const mime = entries.find((e) => e.name === 'mimetype');
      let text = '';
      try {
        text = mime && mime.inflated < 200 ? inflateEntry(bytes, mime.entry).toString('latin1') : '';
      } catch {
        return refuse('FILE_CORRUPT', FILE_MESSAGES.FILE_CORRUPT);
      }
      if (text.includes('opendocument.spreadsheet')) return refuse('FILE_ODS', FILE_MESSAGES.FILE_ODS);
      if (text.includes('opendocument')) return refuse('FILE_OTHER_DOCUMENT', 'Tệp là văn bản OpenDocument (.odt/.odp), không phải bảng tính. Hãy nộp tệp biểu mẫu Excel (.xlsx) đã điền.');
    }
    if (names.has('xl/vbaProject.bin')) return refuse('FILE_MACRO_ENABLED', FILE_MESSAGES.FILE_MACRO_ENABLED);
    if (names.has('word/document.xml')) return refuse('FILE_OTHER_DOCUMENT', 'Tệp là văn bản Word (.docx), không phải bảng tính. Hãy nộp tệp biểu mẫu Excel (.xlsx) đã điền.');
    if (names.has('ppt/presentation.xml')) return refuse('FILE_OTHER_DOCUMENT', 'Tệp là bản trình chiếu PowerPoint (.pptx), không phải bảng tính. Hãy nộp tệp biểu mẫu Excel (.xlsx) đã điền.');
    if (!names.has('xl/workbook.xml') || !names.has('[Content_Types].xml')) {
      return refuse('FILE_NOT_SPREADSHEET', 'Tệp là một tệp nén (.zip) chứ không phải bảng tính Excel (.xlsx). Hãy nộp đúng tệp biểu mẫu .xlsx đã điền.');
    }

    // Inflate every part with a running cap; XML parts are kept (as bytes) for the checks below.
    let total = 0;
    const xml = new Map<string, Buffer>();
    for (const e of entries) {
      if (e.name.endsWith('/')) continue;
      let data: Buffer;
      try {
        data = inflateEntry(bytes, e.entry);
      } catch (err) {
        if (err instanceof ZipDataError && err.kind === 'bomb') return bomb(lim);
        return refuse('FILE_CORRUPT', FILE_MESSAGES.FILE_CORRUPT);
      }
      total += data.length;
      if (total > lim.maxTotalInflated) return bomb(lim);
      if (/\.(xml|rels|vml)$/i.test(e.name)) xml.set(e.name, data);
    }
    // XML is case-sensitive: these exact byte sequences are the only way to declare a DTD or entity.
    for (const data of xml.values()) {
      if (data.indexOf('<!DOCTYPE', 0, 'latin1') !== -1 || data.indexOf('<!ENTITY', 0, 'latin1') !== -1) return refuse('FILE_XML_DOCTYPE', FILE_MESSAGES.FILE_XML_DOCTYPE);
    }
    const contentTypes = xml.get('[Content_Types].xml')?.toString('utf8') ?? '';
    if (/macroEnabled/i.test(contentTypes)) return refuse('FILE_MACRO_ENABLED', FILE_MESSAGES.FILE_MACRO_ENABLED);
    const workbook = xml.get('xl/workbook.xml')?.toString('utf8') ?? '';
    const sheetNames = [...workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"/g)].map((m) => decodeXmlName(m[1]!));
    if (sheetNames.length > lim.maxSheets) {
      return refuse('FILE_TOO_MANY_SHEETS', `Tệp có ${sheetNames.length} trang tính, vượt giới hạn ${lim.maxSheets}. Biểu mẫu chỉ có một trang: hãy nộp đúng tệp biểu mẫu đã điền.`);
    }
    let cells = 0;
    for (const [name, data] of xml) {
      if (!/^xl\/worksheets\/[^/]+\.xml$/.test(name)) continue;
      cells += countOccurrences(data, '<c ') + countOccurrences(data, '<x:c ');
      let area = 0;
      for (const ref of attributeValues(data, 'mergeCell ', 'ref')) area += rangeArea(ref);
      for (const ref of attributeValues(data, 'dataValidation ', 'sqref')) area += rangeArea(ref);
      if (area > lim.maxRangeCells) {
        return refuse('FILE_RANGE_TOO_LARGE', 'Tệp có vùng ô gộp hoặc vùng kiểm tra dữ liệu quá lớn (ví dụ áp cho cả cột), không phải của biểu mẫu. Hãy điền lại vào biểu mẫu gốc rồi nộp.');
      }
    }
    if (cells > lim.maxCells) {
      return refuse('FILE_TOO_MANY_CELLS', `Tệp có quá nhiều ô dữ liệu (${cells.toLocaleString('vi-VN')}), vượt xa biểu mẫu báo cáo. Hãy xóa các trang tính hoặc vùng dữ liệu thừa rồi nộp lại.`);
    }
    const required = options.requiredSheet === undefined ? META_SHEET : options.requiredSheet;
    if (required !== null && !sheetNames.includes(required)) return refuse('FILE_NOT_OUR_FORM', FILE_MESSAGES.FILE_NOT_OUR_FORM);
    return { ok: true, sheetNames };
  } catch {
    return refuse('FILE_CORRUPT', FILE_MESSAGES.FILE_CORRUPT);
  } finally {
    zip.close();
  }
}

function bomb(lim: InspectLimits): Inspection {
  return refuse(
    'FILE_INFLATES_TOO_MUCH',
    `Tệp khi giải nén lớn bất thường (vượt ${MB(lim.maxTotalInflated)}) hoặc khai báo kích thước sai, nên bị từ chối để bảo vệ hệ thống. Hãy mở biểu mẫu, xóa dữ liệu thừa và lưu lại dưới dạng .xlsx rồi nộp.`,
  );
}
