/**
 * Reads a calendar import file (CSV or XLSX): a header row with the columns Ngày, Loại, Tên (any
 * order; English date, kind, name also accepted), then one day per row. Every bad row is
 * reported with its row number and a Vietnamese reason; nothing here writes.
 *
 * Ngày: yyyy-mm-dd, dd/mm/yyyy or an Excel date cell. Loại: "nghỉ" (a weekday off) or "làm bù"
 * (a Saturday or Sunday worked). The .xlsx goes through the same zip-bomb guard as unit imports.
 */
import { foldVietnamese } from '../format-vi';
import { parseCsv } from '../units/parse-units';
import { readXlsxRows } from '../units/read-xlsx-rows';
import type { CalendarDay } from './calendar';
import { CALENDAR_LIMITS, checkCalendarDay, formatCalendarDate, parseCalendarDate, parseCalendarKind, type CalendarIssue } from './check-calendar';

/** A calendar file is a few dozen rows: 1 MB is generous and keeps parsing cheap. */
export const MAX_CALENDAR_FILE_BYTES = 1024 * 1024;

type Column = 'date' | 'kind' | 'name';
const HEADERS: Record<string, Column> = { ngay: 'date', date: 'date', loai: 'kind', 'loai ngay': 'kind', kind: 'kind', ten: 'name', 'ten ngay': 'name', name: 'name', 'ghi chu': 'name' };
const LABELS: Record<Column, string> = { date: 'Ngày', kind: 'Loại', name: 'Tên' };

const fold = (text: string) => foldVietnamese(text).replace(/[^a-z0-9]+/g, ' ').trim();

export interface ParsedCalendarFile {
  days: CalendarDay[];
  issues: CalendarIssue[];
}

/** The rows of a .csv or .xlsx, or a whole-file issue. */
async function readRows(bytes: Buffer, fileName: string): Promise<{ rows: string[][] } | { issue: CalendarIssue }> {
  if (bytes.length > MAX_CALENDAR_FILE_BYTES) return { issue: { code: 'CALENDAR_FILE_TOO_LARGE', message: 'Tệp lịch quá lớn (tối đa 1 MB).' } };
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return { rows: parseCsv(bytes.toString('utf8')) };
  if (lower.endsWith('.xlsx')) {
    const read = await readXlsxRows(bytes);
    return 'issue' in read ? { issue: { code: 'CALENDAR_FILE_UNREADABLE', message: read.issue.message } } : read;
  }
  return { issue: { code: 'CALENDAR_FILE_TYPE', message: 'Chỉ nhận tệp .csv hoặc .xlsx.' } };
}

/** Parses and checks every row; `issues` lists every problem (row numbers as in Excel, header = 1). */
export async function parseCalendarFile(bytes: Buffer, fileName: string): Promise<ParsedCalendarFile> {
  const read = await readRows(bytes, fileName);
  if ('issue' in read) return { days: [], issues: [read.issue] };
  const [header, ...body] = read.rows;
  const columns = new Map<Column, number>();
  (header ?? []).forEach((cell, i) => {
    const column = HEADERS[fold(cell)];
    if (column && !columns.has(column)) columns.set(column, i);
  });
  const missing = (['date', 'kind', 'name'] as Column[]).filter((c) => !columns.has(c));
  if (missing.length > 0) return { days: [], issues: [{ code: 'CALENDAR_COLUMNS_MISSING', row: 1, message: `Thiếu cột ${missing.map((c) => LABELS[c]).join(', ')} ở dòng tiêu đề (cần: Ngày, Loại, Tên).` }] };
  const filled = body.map((cells, i) => ({ cells, row: i + 2 })).filter(({ cells }) => cells.some((c) => c.trim() !== ''));
  if (filled.length > CALENDAR_LIMITS.maxDays) return { days: [], issues: [{ code: 'CALENDAR_TOO_LARGE', message: `Tệp có ${filled.length} dòng, tối đa ${CALENDAR_LIMITS.maxDays}.` }] };

  const days: CalendarDay[] = [];
  const issues: CalendarIssue[] = [];
  const rowOf = new Map<string, number>();
  const cell = (cells: string[], c: Column) => (cells[columns.get(c)!] ?? '').trim();
  for (const { cells, row } of filled) {
    const rawDate = cell(cells, 'date');
    const date = parseCalendarDate(rawDate);
    const kind = parseCalendarKind(cell(cells, 'kind'));
    const name = cell(cells, 'name');
    if (!date) issues.push({ code: 'CALENDAR_DATE_INVALID', row, message: rawDate ? 'Ngày không hợp lệ: ghi dạng yyyy-mm-dd hoặc dd/mm/yyyy (năm 2000–2100).' : 'Thiếu ngày.' });
    if (!kind) issues.push({ code: 'CALENDAR_KIND_INVALID', row, message: 'Loại phải là "nghỉ" hoặc "làm bù".' });
    if (!date || !kind) continue;
    const earlier = rowOf.get(date);
    if (earlier) {
      issues.push({ code: 'CALENDAR_DUPLICATE_DATE', row, message: `Ngày ${formatCalendarDate(date)} đã có ở dòng ${earlier}.` });
      continue;
    }
    rowOf.set(date, row);
    const day = { date, kind, name };
    const problems = checkCalendarDay(day);
    issues.push(...problems.map((p) => ({ ...p, row })));
    if (problems.length === 0) days.push(day);
  }
  return { days, issues };
}
