/**
 * Reads a unit registry file (CSV or XLSX) into checked rows, collecting every bad row with its
 * row number and a Vietnamese reason instead of stopping at the first. Nothing here writes:
 * `importUnits` decides, all or nothing.
 *
 * Columns (header row, any order, English keys or Vietnamese names): code, name, type, emails,
 * active. `emails` may hold several addresses separated by `;` or `,`. `active` is blank/có/x/1/
 * true (active) or không/0/false (inactive). CSV: UTF-8 (with or without BOM), comma or
 * semicolon separated (Excel in a Vietnamese locale writes semicolons), RFC 4180 quoting.
 */
import { UNIT_CODE_PATTERN, type UnitType } from '../model';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from './unit-types';
import { readXlsxRows } from './read-xlsx-rows';
import { foldVietnamese } from '../format-vi';

export type UnitColumn = 'code' | 'name' | 'type' | 'emails' | 'active';

/** One row that passed every check. `row` is the row number as the user sees it (header = 1). */
export interface UnitRow {
  row: number;
  code: string;
  name: string;
  type: UnitType;
  emails: string[];
  active: boolean;
}

/** A problem in the file: stable `code` for machines, Vietnamese `message` naming the row. */
export interface UnitImportIssue {
  code: string;
  /** Row number as shown in Excel (header = 1); absent for whole-file problems. */
  row?: number;
  column?: UnitColumn;
  message: string;
}

export interface ParsedUnits {
  rows: UnitRow[];
  issues: UnitImportIssue[];
}

const REQUIRED: UnitColumn[] = ['code', 'name', 'type'];
const HEADER_ALIASES: Record<string, UnitColumn> = {
  code: 'code', 'ma': 'code', 'ma don vi': 'code',
  name: 'name', 'ten': 'name', 'ten don vi': 'name',
  type: 'type', 'loai': 'type', 'loai don vi': 'type',
  emails: 'emails', email: 'emails', 'thu dien tu': 'emails', 'email lien he': 'emails',
  active: 'active', 'hoat dong': 'active', 'dang hoat dong': 'active', 'con hoat dong': 'active',
};
const CODE = UNIT_CODE_PATTERN;
// Deliberately plain: one @, no spaces, a dot in the domain. Delivery proves the rest.
const EMAIL = /^[^\s@<>(),;:"[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const TRUE_WORDS = new Set(['', 'x', '1', 'true', 'yes', 'co', 'dang hoat dong', 'hoat dong']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'khong', 'ngung', 'ngung hoat dong', 'khong hoat dong']);

/** Lower-case ASCII fold for matching headers and yes/no words ("Mã đơn vị" → "ma don vi"). */
function fold(text: string): string {
  return foldVietnamese(text)
    .replace(/\(.*?\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** What a type cell may say: the code, the name or the plural label of a registry type (any case, with or without diacritics). */
function typeMatcher(unitTypes: UnitTypeRegistry, allowTypes: readonly string[]): (raw: string) => UnitType | undefined {
  const byWord = new Map<string, UnitType>();
  for (const t of unitTypes.list()) for (const word of [t.code, t.name, t.plural]) if (!byWord.has(fold(word))) byWord.set(fold(word), t.code);
  for (const code of allowTypes) if (!byWord.has(fold(code))) byWord.set(fold(code), code);
  return (raw) => byWord.get(fold(raw));
}

/** What the rows are checked against. */
export interface CheckUnitsOptions {
  /** The deployment's unit types (default: the 2019 types). */
  unitTypes?: UnitTypeRegistry;
  /** Codes accepted besides the registry's (an edited unit keeps a type that left the registry). */
  allowTypes?: readonly string[];
}

const bounded = (text: string) => (text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** Parses CSV text into records (RFC 4180: quoted fields may hold separators, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const separator = countOutsideQuotes(firstLine, ';') > countOutsideQuotes(firstLine, ',') ? ';' : ',';
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === separator) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function countOutsideQuotes(line: string, ch: string): number {
  let n = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === ch && !quoted) n += 1;
  }
  return n;
}

/** Checks records (first = header) and returns the good rows and every issue found. */
export function checkUnitRecords(records: string[][], options: CheckUnitsOptions = {}): ParsedUnits {
  const unitTypes = options.unitTypes ?? DEFAULT_UNIT_TYPES;
  const typeOf = typeMatcher(unitTypes, options.allowTypes ?? []);
  const choices = unitTypes.list().map((t) => t.code).join(', ');
  const issues: UnitImportIssue[] = [];
  const header = records[0];
  if (!header || header.every((h) => h.trim() === '')) {
    return { rows: [], issues: [{ code: 'UNITS_FILE_EMPTY', message: 'Tệp không có dữ liệu. Dòng đầu tiên phải là tiêu đề: code, name, type, emails, active.' }] };
  }
  const columns = new Map<UnitColumn, number>();
  header.forEach((h, index) => {
    const col = HEADER_ALIASES[fold(h)];
    if (col && !columns.has(col)) columns.set(col, index);
  });
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    return {
      rows: [],
      issues: [{ code: 'UNITS_HEADER_MISSING', row: 1, message: `Dòng 1 (tiêu đề): thiếu cột ${missing.join(', ')}. Các cột cần có: code, name, type, emails, active.` }],
    };
  }

  const rows: UnitRow[] = [];
  const firstRowOfCode = new Map<string, number>();
  records.slice(1).forEach((record, i) => {
    const rowNumber = i + 2;
    const cell = (col: UnitColumn) => {
      const index = columns.get(col);
      return index === undefined ? '' : (record[index] ?? '').trim();
    };
    if (record.every((v) => v.trim() === '')) return;
    const problem = (code: string, column: UnitColumn, message: string) => {
      issues.push({ code, row: rowNumber, column, message: `Dòng ${rowNumber}: ${message}` });
    };
    const before = issues.length;

    const code = cell('code');
    if (code === '') problem('UNIT_CODE_MISSING', 'code', 'thiếu mã đơn vị (cột code).');
    else if (!CODE.test(code)) problem('UNIT_CODE_INVALID', 'code', `mã đơn vị "${code}" không hợp lệ: chỉ dùng chữ cái không dấu, chữ số, "-" hoặc "_", tối đa 40 ký tự (ví dụ SO-NV).`);
    else {
      const key = code.toUpperCase();
      const first = firstRowOfCode.get(key);
      if (first !== undefined) problem('UNIT_CODE_DUPLICATE', 'code', `mã đơn vị "${code}" bị trùng với dòng ${first}.`);
      else firstRowOfCode.set(key, rowNumber);
    }

    const name = cell('name').replace(/\s+/g, ' ');
    if (name === '') problem('UNIT_NAME_MISSING', 'name', 'thiếu tên đơn vị (cột name).');
    else if (name.length > 200) problem('UNIT_NAME_TOO_LONG', 'name', 'tên đơn vị dài quá 200 ký tự.');

    const rawType = cell('type');
    const type = typeOf(rawType);
    if (rawType === '') problem('UNIT_TYPE_MISSING', 'type', `thiếu loại đơn vị (cột type). Chọn một trong: ${choices}.`);
    else if (!type) problem('UNIT_TYPE_INVALID', 'type', `loại đơn vị "${bounded(rawType)}" không hợp lệ: không có trong danh sách loại đơn vị. Chọn một trong: ${choices}.`);

    const emails: string[] = [];
    for (const part of cell('emails').split(/[;,\s]+/)) {
      const email = part.replace(/^mailto:/i, '').trim();
      if (email === '') continue;
      if (!EMAIL.test(email)) problem('UNIT_EMAIL_INVALID', 'emails', `địa chỉ email "${email}" không hợp lệ.`);
      else if (!emails.includes(email.toLowerCase())) emails.push(email.toLowerCase());
    }

    const rawActive = cell('active');
    const activeWord = fold(rawActive);
    let active = true;
    if (FALSE_WORDS.has(activeWord)) active = false;
    else if (!TRUE_WORDS.has(activeWord)) problem('UNIT_ACTIVE_INVALID', 'active', `giá trị "${rawActive}" ở cột active không hợp lệ: để trống hoặc ghi "có" (đang hoạt động), "không" (ngừng).`);

    if (issues.length === before && type) rows.push({ row: rowNumber, code, name, type, emails, active });
  });

  if (rows.length === 0 && issues.length === 0) {
    issues.push({ code: 'UNITS_FILE_EMPTY', message: 'Tệp chỉ có dòng tiêu đề, không có đơn vị nào.' });
  }
  return { rows, issues };
}

/** Reads a .csv or .xlsx registry file (chosen by name, then by content). */
export async function parseUnitsFile(bytes: Buffer, fileName: string, options: CheckUnitsOptions = {}): Promise<ParsedUnits> {
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
  if (/\.xlsx$/i.test(fileName) || isZip) {
    const read = await readXlsxRows(bytes);
    if ('issue' in read) return { rows: [], issues: [read.issue] };
    return checkUnitRecords(read.rows, options);
  }
  if (!/\.csv$/i.test(fileName) && !/\.txt$/i.test(fileName)) {
    return { rows: [], issues: [{ code: 'UNITS_FILE_TYPE', message: `Tệp "${fileName}" không phải .csv hoặc .xlsx.` }] };
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD')) {
    return { rows: [], issues: [{ code: 'UNITS_FILE_ENCODING', message: 'Tệp CSV không phải UTF-8. Trong Excel hãy lưu bằng "CSV UTF-8 (Comma delimited)".' }] };
  }
  return checkUnitRecords(parseCsv(text), options);
}
