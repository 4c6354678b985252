/**
 * Reads and validates one uploaded workbook. Order: safety inspection (no parsing before it),
 * one exceljs load, metadata (form, version, unit, period, structure), cells found through the
 * recorded anchors (a renamed sheet, restyled cells or moved rows still read correctly), values
 * parsed the Vietnamese way, then every rule recomputed. Never throws for a bad file: the result
 * says `accepted: false` with coded, located, Vietnamese issues.
 */
import ExcelJS from 'exceljs';
import type { Worksheet } from 'exceljs';
import type { FieldValue, FormValues, TableRow, ValidationIssue, ValidationResult } from '../model';
import { parsePeriod } from '../periods';
import type { FormCatalog } from './catalog';
import { quoteText, readDate, readNumber, readText, roundDecimal, toRawCell, normalizeText, uniqueTextKey, type RawCell } from './cell-values';
import { DEFAULT_DECIMALS, type FieldType, type FormDefinition } from './definition';
import { inspectFile, FILE_MESSAGES, type InspectLimits } from './inspect-file';
import { a1, columnLetter, defaultMin, layoutForm, MAX_SCANNED_ROWS, META_SHEET, type FieldCell, type FormLayout, type FormStructure } from './layout';
import { readMetadata, type FormMetadata } from './metadata';
import { compare, evaluateRules, formatNumberVi, ruleCode } from './rules';

export interface ValidateUploadOptions {
  catalog: FormCatalog;
  /** Upload size limit in bytes (default 5 MB). */
  maxBytes?: number;
  /** Other safety caps (tests and tools). */
  limits?: Partial<InspectLimits>;
  /**
   * Values of the unit's previous accepted report, for the baseline rule (`truoc` must not move).
   * Called with the upload's form, unit and period; the caller decides which earlier report counts.
   */
  previousValues?: (formId: string, unitCode: string, period: string) => Promise<FormValues | undefined>;
}

/** The sheet name of the feedback workbook's issue list (skipped when a fixed file comes back). */
export const FEEDBACK_SHEET = 'Lỗi cần sửa';

/** Nodes the reader never needs: skipping them keeps exceljs fast and its memory small. */
const IGNORED_NODES = ['dataValidations', 'conditionalFormatting', 'mergeCells', 'hyperlinks', 'drawing', 'legacyDrawing', 'picture', 'extLst', 'headerFooter', 'pageSetup', 'printOptions', 'pageMargins', 'rowBreaks', 'colBreaks', 'tableParts', 'autoFilter'];

const empty = (): FormValues => ({ fields: {}, tables: {} });

function refused(issue: ValidationIssue, extra: Partial<ValidationResult> = {}): ValidationResult {
  return { accepted: false, values: empty(), errors: [issue], warnings: [], ...extra };
}

const fileError = (code: string, message: string): ValidationIssue => ({ code, severity: 'error', message });

/** Validates an uploaded workbook. Never throws for bad input. */
export async function validateUpload(bytes: Buffer, options: ValidateUploadOptions): Promise<ValidationResult> {
  const inspection = await inspectFile(bytes, { ...options.limits, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) });
  if (!inspection.ok) return refused(inspection.issue);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer, { ignoreNodes: IGNORED_NODES } as Parameters<typeof wb.xlsx.load>[1]);
  } catch {
    return refused(fileError('FILE_CORRUPT', FILE_MESSAGES.FILE_CORRUPT));
  }
  // A workbook shaped in a way nobody foresaw must still get an answer, not an exception; but a
  // failing `previousValues` (the caller's storage) is the caller's error and propagates.
  let callbackError: unknown;
  const previousValues = options.previousValues;
  const guarded: ValidateUploadOptions = previousValues
    ? {
        ...options,
        previousValues: async (...args) => {
          try {
            return await previousValues(...args);
          } catch (err) {
            callbackError = err;
            throw err;
          }
        },
      }
    : options;
  try {
    return await readWorkbook(wb, guarded);
  } catch (err) {
    if (callbackError !== undefined && err === callbackError) throw err;
    return refused(fileError('FILE_UNREADABLE', 'Không đọc được nội dung biểu mẫu trong tệp. Hãy tải lại biểu mẫu gốc từ đường dẫn nộp báo cáo, nhập lại số liệu và nộp.'));
  }
}

/** Validates an already-loaded workbook (used after `validateUpload`'s safety checks). */
export async function readWorkbook(wb: ExcelJS.Workbook, options: ValidateUploadOptions): Promise<ValidationResult> {
  const metaRead = readMetadata(wb);
  if (!metaRead.ok) {
    if (metaRead.reason === 'missing') return refused(fileError('FILE_NOT_OUR_FORM', FILE_MESSAGES.FILE_NOT_OUR_FORM));
    return refused(
      fileError(
        'FORM_METADATA_INVALID',
        'Phần thông tin nhận dạng ẩn của biểu mẫu đã bị sửa hoặc hỏng, nên không xác định được biểu mẫu. Hãy tải lại biểu mẫu gốc từ đường dẫn nộp báo cáo, nhập lại số liệu và nộp.',
      ),
    );
  }
  const meta = metaRead.meta;
  const ident = { formId: meta.formId, version: meta.version, unit: meta.unitCode, period: meta.period };
  const form = options.catalog.get(meta.formId, meta.version);
  if (!form) {
    const known = options.catalog.get(meta.formId);
    return refused(
      known
        ? fileError('FORM_VERSION_UNKNOWN', `Biểu mẫu "${known.name}" phiên bản ${meta.version} không còn được hỗ trợ. Hãy tải biểu mẫu mới từ đường dẫn nộp báo cáo.`)
        : fileError('FORM_UNKNOWN', `Hệ thống không có biểu mẫu "${quoteText(meta.formId)}". Hãy tải biểu mẫu từ đường dẫn nộp báo cáo của đơn vị.`),
      ident,
    );
  }
  try {
    parsePeriod(meta.period, form.periodType);
  } catch {
    return refused(fileError('FORM_METADATA_INVALID', `Kỳ báo cáo ghi trong biểu mẫu ("${quoteText(meta.period)}") không hợp lệ. Hãy tải lại biểu mẫu gốc.`), ident);
  }
  const layout = layoutForm(form, meta.unitType);
  const mismatch = structureMismatch(layout, meta.structure);
  if (mismatch) {
    return refused(
      fileError('FORM_STRUCTURE_MISMATCH', `Cấu trúc biểu mẫu trong tệp không khớp với biểu mẫu "${form.name}" phiên bản ${form.version} (${mismatch}). Hãy tải lại biểu mẫu từ đường dẫn nộp báo cáo.`),
      ident,
    );
  }
  const ws = findMainSheet(wb, meta.structure);
  if (!ws) {
    return refused(fileError('SHEET_NOT_FOUND', 'Không tìm thấy trang tính chứa bảng số liệu (có thể đã bị xóa). Hãy tải lại biểu mẫu gốc, nhập lại số liệu và nộp.'), ident);
  }
  const reader = new SheetReader(ws, form, layout, meta);
  reader.checkColumns();
  reader.readFields();
  reader.readTables();
  // With moved columns or lost rows the values are unreliable: report the structure, not rule noise.
  if (!reader.errors.some((e) => e.code.startsWith('STRUCTURE_'))) await reader.applyRules(options.previousValues);
  const { errors, warnings, values } = reader;
  return { accepted: errors.length === 0, ...ident, values, errors, warnings };
}

/** `SUM(C10:C509)` (any case, `$` allowed) over exactly the table's rows in that column. */
function isIntactSum(value: unknown, col: number, first: number, last: number): boolean {
  const formula = typeof value === 'object' && value !== null && 'formula' in value ? String((value as { formula: unknown }).formula) : '';
  const letter = columnLetter(col);
  const m = /^=?SUM\(\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)\)$/i.exec(formula.replace(/\s+/g, ''));
  return !!m && m[1]!.toUpperCase() === letter && m[3]!.toUpperCase() === letter && Number(m[2]) === first && Number(m[4]) === last;
}

function structureMismatch(layout: FormLayout, s: FormStructure): string | undefined {
  const expected = new Set(layout.fields.map((f) => f.key));
  const recorded = Object.keys(s.fields);
  const missing = [...expected].filter((k) => !(k in s.fields));
  const extra = recorded.filter((k) => !expected.has(k));
  if (missing.length) return `thiếu ô ${missing.slice(0, 3).join(', ')}`;
  if (extra.length) return `thừa ô ${extra.slice(0, 3).join(', ')}`;
  const tables = new Set(layout.tables.map((t) => t.key));
  if (s.tables.length !== tables.size || s.tables.some((t) => !tables.has(t.key))) return 'bảng kê khác';
  for (const key of recorded) if (!s.anchors[s.fields[key]![0]]) return `ô ${key} không có mốc`;
  return undefined;
}

/** The value at (row, col) without exceljs' address parsing (`findCell` decodes an A1 string per call). */
function valueAt(ws: Worksheet, row: number, col: number): unknown {
  const r = ws.findRow(row) as unknown as { findCell(c: number): { value: unknown } | undefined } | undefined;
  return r?.findCell(col)?.value;
}

function cellText(ws: Worksheet, row: number, col: number): string {
  const raw = toRawCell(valueAt(ws, row, col));
  return raw.kind === 'text' || raw.kind === 'number' ? normalizeText(String(raw.value)) : '';
}

/** A cell's text as an anchor: typed text or number, never a formula's result. */
function anchorText(ws: Worksheet, row: number, col: number): string {
  const raw = toRawCell(valueAt(ws, row, col));
  return (raw.kind === 'text' || raw.kind === 'number') && !raw.fromFormula ? normalizeText(String(raw.value)) : '';
}

/** The sheet by its recorded name, else the sheet where most Mã số anchors sit where recorded (renamed sheet). */
function findMainSheet(wb: ExcelJS.Workbook, s: FormStructure): Worksheet | undefined {
  const candidates = wb.worksheets.filter((w) => w.name !== META_SHEET && w.name !== FEEDBACK_SHEET);
  const byName = candidates.find((w) => w.name === s.sheet);
  if (byName) return byName;
  let best: { ws: Worksheet; score: number } | undefined;
  const probes = [...s.anchors, ...s.tables.map((t) => t.headerAnchor)];
  for (const ws of candidates) {
    const score = probes.filter(([c, r, text]) => cellText(ws, r, c) === text).length;
    if (score > 0 && (!best || score > best.score)) best = { ws, score };
  }
  return best?.ws;
}

interface ValueSpec {
  type: FieldType;
  min?: number;
  max?: number;
  maxLength?: number;
  decimals?: number;
  choices?: string[];
}

const TYPE_WORDS: Record<FieldType, string> = { whole: 'số nguyên', money: 'số tiền (đồng)', decimal: 'số', text: 'chữ', date: 'ngày', choice: 'một giá trị trong danh sách' };

class SheetReader {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];
  readonly values: FormValues = { fields: {}, tables: {} };
  /** Where each field was read from (A1), for rule findings. */
  private readonly cells = new Map<string, string>();
  private readonly anchorRows: Array<number | undefined>;
  private readonly byKey: Map<string, FieldCell>;
  private columnIndex = new Map<number, Map<string, number[]>>();

  constructor(
    private readonly ws: Worksheet,
    private readonly form: FormDefinition,
    private readonly layout: FormLayout,
    private readonly meta: FormMetadata,
  ) {
    this.byKey = new Map(layout.fields.map((f) => [f.key, f]));
    this.anchorRows = this.mapAnchors();
  }

  private issue(severity: 'error' | 'warning', code: string, message: string, cell?: string, field?: string) {
    const item: ValidationIssue = { code, severity, message, sheet: this.ws.name, ...(cell ? { cell } : {}), ...(field ? { field } : {}) };
    (severity === 'error' ? this.errors : this.warnings).push(item);
  }

  /**
   * Rows (bounded scan) where a column holds a given text. Formula results are skipped: anchors
   * are typed text, and a table's running number (STT, a formula in column A) would otherwise
   * read 1, 2, 3 … and collide with a Mã số "1" or "2" of a section above it.
   */
  private rowsWithText(col: number, text: string): number[] {
    let index = this.columnIndex.get(col);
    if (!index) {
      index = new Map();
      const last = Math.min(this.ws.rowCount, MAX_SCANNED_ROWS);
      for (let r = 1; r <= last; r++) {
        const t = anchorText(this.ws, r, col);
        if (!t) continue;
        const list = index.get(t) ?? [];
        list.push(r);
        index.set(t, list);
      }
      this.columnIndex.set(col, index);
    }
    return index.get(text) ?? [];
  }

  /** Each anchor's current row: where recorded, else where its text now is (rows inserted or deleted); undefined when it cannot be mapped. */
  private mapAnchors(): Array<number | undefined> {
    // Always through the column index: a Mã số copied onto a second row is ambiguous even when
    // the original still sits where it was recorded.
    return this.meta.structure.anchors.map(([col, , text]) => {
      const found = this.rowsWithText(col, text);
      return found.length === 1 ? found[0] : undefined;
    });
  }

  private where(f: FieldCell, cell: string): string {
    return f.rowCode ? `Ô ${cell} (mã số ${f.rowCode}, cột "${this.columnLabel(f)}")` : `Ô ${cell} (${f.label})`;
  }

  private columnLabel(f: FieldCell): string {
    for (const s of this.layout.sections) {
      const c = s.columns.find((x) => x.key === f.columnKey);
      if (c && s.rows.some((r) => r.row.code === f.rowCode)) return c.label;
    }
    return f.columnKey ?? '';
  }

  /** Column headers must be where they were drawn; an inserted or deleted column would shift every value silently. */
  checkColumns(): void {
    const reported = new Set<number>();
    for (const [anchor, col, text] of this.meta.structure.columnChecks ?? []) {
      const row = this.anchorRows[anchor];
      if (row === undefined || reported.has(anchor) || cellText(this.ws, row, col) === normalizeText(text)) continue;
      reported.add(anchor);
      const section = this.meta.structure.anchors[anchor]![2];
      const letter = columnLetter(col);
      this.issue(
        'error',
        'STRUCTURE_COLUMN_MOVED',
        `Phần "${quoteText(section)}": cột "${quoteText(text)}" không còn ở cột ${letter} (dòng ${row}). Có thể đã chèn, xóa hoặc đổi tên cột. Hãy tải lại biểu mẫu gốc và nhập lại số liệu, không chèn hay xóa cột.`,
        a1(row, col),
      );
    }
  }

  readFields(): void {
    const unmapped = new Set<number>();
    for (const [key, [anchorIndex, col]] of Object.entries(this.meta.structure.fields)) {
      const f = this.byKey.get(key)!;
      const row = this.anchorRows[anchorIndex];
      if (row === undefined) {
        if (!unmapped.has(anchorIndex)) {
          unmapped.add(anchorIndex);
          const [acol, arow, text] = this.meta.structure.anchors[anchorIndex]!;
          const count = this.rowsWithText(acol, text).length;
          const what = f.rowCode ? `dòng có mã số ${quoteText(text)}` : `dòng "${quoteText(text)}"`;
          const why = count > 1 ? `xuất hiện ${count} lần ở cột ${columnLetter(acol)}, không biết dòng nào đúng` : `không còn ở cột ${columnLetter(acol)} (trước đây ở dòng ${arow})`;
          this.issue(
            'error',
            'STRUCTURE_ROW_NOT_FOUND',
            `Không tìm thấy ${what}: ${why}. Có thể dòng đã bị xóa, chèn thêm hoặc mã số bị sửa. Hãy tải lại biểu mẫu gốc và nhập lại số liệu, không chèn hay xóa dòng.`,
            a1(arow, acol),
            key,
          );
        }
        continue;
      }
      const cell = a1(row, col);
      this.cells.set(key, cell);
      const value = this.readValue(toRawCell(valueAt(this.ws, row, col)), cell, key, f.required, f, () => this.where(f, cell));
      if (value !== undefined) this.values.fields[key] = value;
    }
  }

  /** Parses one cell by type; reports problems; returns the value or undefined (blank or invalid). */
  private readValue(raw: RawCell, cell: string, key: string, required: boolean, spec: ValueSpec, where: string | (() => string)): FieldValue | undefined {
    // Fast path first: no allocation for the common, valid cell.
    if (raw.kind === 'number' && (spec.type === 'whole' || spec.type === 'money') && Number.isSafeInteger(raw.value) && raw.value >= (spec.min ?? -Infinity) && raw.value <= (spec.max ?? Infinity)) return raw.value;
    const err = (code: string, message: string) => this.issue('error', code, `${typeof where === 'string' ? where : where()}: ${message}`, cell, key);
    if (raw.kind === 'error') {
      err('CELL_ERROR', `công thức bị lỗi (${raw.value}). Hãy nhập số liệu trực tiếp.`);
      return undefined;
    }
    if (raw.kind === 'formula-no-value') {
      err('FORMULA_NO_VALUE', 'có công thức nhưng tệp chưa lưu kết quả tính. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi nộp, hoặc nhập số trực tiếp.');
      return undefined;
    }
    const blank = () => {
      if (required) err('REQUIRED', spec.type === 'text' ? 'chưa nhập nội dung (bắt buộc).' : `chưa nhập ${TYPE_WORDS[spec.type]}. Ô bắt buộc: nếu không có thì ghi 0, không để trống.`);
      return undefined;
    };
    switch (spec.type) {
      case 'whole':
      case 'money':
      case 'decimal': {
        const parsed = readNumber(raw);
        if (!parsed.ok) {
          if (parsed.reason === 'blank') return blank();
          const shown = raw.kind === 'text' ? quoteText(raw.value.trim()) : '';
          if (parsed.reason === 'ambiguous') {
            err('NUMBER_AMBIGUOUS', `"${shown}" không rõ là số nguyên có dấu phẩy ngăn cách hàng nghìn hay số thập phân. Hãy nhập số không có dấu ngăn cách (ví dụ 1234), hoặc dùng dấu chấm ngăn cách hàng nghìn (1.234).`);
          } else err('NOT_A_NUMBER', `"${shown}" không phải là ${TYPE_WORDS[spec.type]}. Chỉ nhập chữ số, ví dụ 1.234 hoặc 1234.`);
          return undefined;
        }
        const n = spec.type === 'decimal' ? roundDecimal(parsed.value, spec.decimals ?? DEFAULT_DECIMALS) : parsed.value;
        if ((spec.type === 'whole' || spec.type === 'money') && !Number.isInteger(n)) {
          err('NOT_WHOLE', `${formatNumberVi(n)} không phải số nguyên. Chỉ nhập số nguyên${spec.type === 'money' ? ' (đồng)' : ''}.`);
          return undefined;
        }
        if (spec.min !== undefined && n < spec.min) {
          err('BELOW_MIN', `${formatNumberVi(n)} nhỏ hơn ${formatNumberVi(spec.min)}.${spec.min === 0 ? ' Số liệu không được âm.' : ''}`);
          return undefined;
        }
        if (spec.max !== undefined && n > spec.max) {
          err('ABOVE_MAX', `${formatNumberVi(n)} lớn hơn mức tối đa ${formatNumberVi(spec.max)}.`);
          return undefined;
        }
        if (!Number.isSafeInteger(Math.round(n))) {
          err('NUMBER_TOO_LARGE', `${formatNumberVi(n)} quá lớn.`);
          return undefined;
        }
        return n;
      }
      case 'text': {
        const t = readText(raw);
        if (t === undefined) return blank();
        if (spec.maxLength !== undefined && t.length > spec.maxLength) {
          err('TEXT_TOO_LONG', `nội dung dài ${t.length.toLocaleString('vi-VN')} ký tự, vượt giới hạn ${spec.maxLength.toLocaleString('vi-VN')} ký tự. Hãy rút gọn.`);
          return undefined;
        }
        return t;
      }
      case 'date': {
        const d = readDate(raw);
        if (!d.ok) {
          if (d.reason === 'blank') return blank();
          err('NOT_A_DATE', 'không phải ngày hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2026.');
          return undefined;
        }
        return d.value;
      }
      case 'choice': {
        const t = readText(raw);
        if (t === undefined) return blank();
        const choice = (spec.choices ?? []).find((c) => c.toLocaleLowerCase('vi-VN') === t.toLocaleLowerCase('vi-VN'));
        if (!choice) {
          err('NOT_IN_LIST', `"${quoteText(t)}" không có trong danh sách (${(spec.choices ?? []).join(', ')}).`);
          return undefined;
        }
        return choice;
      }
    }
  }

  readTables(): void {
    for (const t of this.layout.tables) {
      const recorded = this.meta.structure.tables.find((x) => x.key === t.key)!;
      const [hc, hr, htext] = recorded.headerAnchor;
      const [tc, tr, ttext] = recorded.totalsAnchor;
      const headerRow = cellText(this.ws, hr, hc) === htext ? hr : this.rowsWithText(hc, htext)[0];
      const totalsCandidates = cellText(this.ws, tr, tc) === ttext ? [tr] : this.rowsWithText(tc, ttext).filter((r) => headerRow !== undefined && r > headerRow);
      const totalsRow = totalsCandidates[0];
      if (headerRow === undefined || totalsRow === undefined) {
        this.issue(
          'error',
          'STRUCTURE_ROW_NOT_FOUND',
          `Không tìm thấy ${headerRow === undefined ? `dòng tiêu đề của bảng "${t.label}" (cột "${quoteText(htext)}", trước đây ở dòng ${hr})` : `dòng "${quoteText(ttext)}" của bảng "${t.label}" (trước đây ở dòng ${tr})`}. Có thể dòng đã bị xóa hoặc sửa. Hãy tải lại biểu mẫu gốc và nhập lại số liệu.`,
          a1(headerRow === undefined ? hr : tr, headerRow === undefined ? hc : tc),
          t.key,
        );
        continue;
      }
      const firstRow = headerRow + 1;
      const rows: TableRow[] = [];
      const seen = new Map<string, string>();
      let usedCount = 0;
      const cols = t.columns.map((c) => recorded.columns[c.key] ?? c.col);
      const keys = t.columns.map((c) => `${t.key}.${c.key}`);
      const specs: ValueSpec[] = t.columns.map((c) => ({
        type: c.type,
        min: c.column.min ?? defaultMin(c.type),
        max: c.column.max,
        maxLength: c.column.maxLength,
        decimals: c.column.decimals,
        choices: c.column.choices,
      }));
      for (let r = firstRow; r < totalsRow; r++) {
        const raws = cols.map((col) => toRawCell(valueAt(this.ws, r, col)));
        if (raws.every((x) => x.kind === 'blank')) continue;
        usedCount++;
        if (usedCount > t.maxRows) {
          this.issue('error', 'TABLE_TOO_MANY_ROWS', `Bảng "${t.label}" có nhiều hơn ${t.maxRows} dòng (dòng ${r} trở đi). Mỗi báo cáo tối đa ${t.maxRows} đơn vị.`, a1(r, t.columns[0]!.col), t.key);
          break;
        }
        const row: TableRow = {};
        for (let i = 0; i < t.columns.length; i++) {
          const c = t.columns[i]!;
          const raw = raws[i]!;
          const cell = a1(r, cols[i]!);
          const value = raw.kind === 'blank' && !c.required ? undefined : this.readValue(raw, cell, keys[i]!, c.required, specs[i]!, () => `Ô ${cell} (bảng "${t.label}", dòng ${r - firstRow + 1}, cột "${c.label}")`);
          row[c.key] = value ?? null;
          if (c.unique && typeof value === 'string') {
            const norm = uniqueTextKey(value);
            const first = seen.get(norm);
            if (first) {
              this.issue('error', 'TABLE_DUPLICATE', `Ô ${cell}: "${quoteText(value)}" trùng với ô ${first}. Mỗi ${c.label.toLowerCase()} chỉ ghi một dòng.`, cell, keys[i]);
            } else seen.set(norm, cell);
          }
        }
        for (const rule of t.table.rules) {
          const vals = [...rule.left, ...rule.right].map((k) => row[k]);
          if (!vals.every((v) => typeof v === 'number')) continue;
          const l = rule.left.reduce((s, k) => s + (row[k] as number), 0);
          const rr = rule.right.reduce((s, k) => s + (row[k] as number), 0);
          if (compare(rule.op, l, rr)) continue;
          const cell = a1(r, recorded.columns[rule.left[0]!] ?? 0);
          const msg = rule.message.replace('{leftValue}', formatNumberVi(l)).replace('{rightValue}', formatNumberVi(rr));
          this.issue(rule.severity, ruleCode(rule.id), `Ô ${cell} (dòng ${r - firstRow + 1}${typeof row[t.columns[0]!.key] === 'string' ? `, ${quoteText(row[t.columns[0]!.key] as string)}` : ''}): ${msg}`, cell, `${t.key}.${rule.left[0]}`);
        }
        rows.push(row);
      }
      if (usedCount < t.table.minRows) {
        this.issue('error', 'TABLE_EMPTY', `Bảng "${t.label}" chưa có dòng nào. Cần ít nhất ${t.table.minRows} dòng.`, a1(firstRow, t.columns[0]!.col), t.key);
      }
      this.checkTotals(t, recorded.columns, firstRow, totalsRow, rows);
      this.values.tables[t.key] = rows;
    }
  }

  /** The totals row is recomputed; a number there that disagrees is an error, unless Excel's SUM merely skipped numbers typed as text. */
  private checkTotals(t: FormLayout['tables'][number], columns: Record<string, number>, firstRow: number, totalsRow: number, rows: TableRow[]) {
    for (const key of t.table.totals) {
      const col = columns[key];
      if (col === undefined) continue;
      const expected = rows.reduce((s, row) => s + (typeof row[key] === 'number' ? (row[key] as number) : 0), 0);
      const cellValue = valueAt(this.ws, totalsRow, col);
      const raw = toRawCell(cellValue);
      const n = readNumber(raw);
      if (!n.ok) continue;
      if (compare('eq', n.value, expected)) continue;
      // An intact SUM over exactly the table's rows is only Excel's display of the total: its cached
      // value may be stale (a tool that does not recalculate) or skip numbers typed as text. We
      // trust our own sum then; a typed or altered total that disagrees is an error.
      if (raw.kind === 'number' && raw.fromFormula && isIntactSum(cellValue, col, firstRow, totalsRow - 1)) continue;
      const label = t.columns.find((c) => c.key === key)?.label ?? key;
      const cell = a1(totalsRow, col);
      this.issue('error', 'TABLE_TOTAL_MISMATCH', `Ô ${cell} (dòng Tổng cộng, cột "${label}"): ghi ${formatNumberVi(n.value)} nhưng tổng các dòng là ${formatNumberVi(expected)}.`, cell, `${t.key}.${key}`);
    }
  }

  async applyRules(previousValues: ValidateUploadOptions['previousValues']): Promise<void> {
    const applicable = new Set(this.layout.fields.map((f) => f.key));
    const hasBaseline = this.form.rules.some((r) => r.kind === 'baseline');
    const previous = hasBaseline && previousValues ? await previousValues(this.form.id, this.meta.unitCode, this.meta.period) : undefined;
    const labels = new Map<string, string>();
    for (const s of this.form.sections) for (const c of s.columns) if (!labels.has(c.key)) labels.set(c.key, c.label);
    // `{col}` is named by the label of the rule's own row's section (two sections may share a key).
    const columnLabel = (k: string, field?: string) => {
      const f = field === undefined ? undefined : this.byKey.get(field);
      return f?.columnKey === k ? this.columnLabel(f) : (labels.get(k) ?? k);
    };
    const findings = evaluateRules({ form: this.form, applicable, values: this.values, previous, columnLabel });
    for (const f of findings) this.issue(f.severity, ruleCode(f.ruleId), f.message, this.cells.get(f.field), f.field);
  }
}
