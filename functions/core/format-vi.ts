/**
 * Dates as Vietnamese readers write them — dd/mm/yyyy, "07:30 ngày 18/03/2019" — in
 * Asia/Ho_Chi_Minh. Every text for people (emails, workbooks, forms, CLI output) formats dates
 * here; ISO yyyy-mm-dd stays for keys, file names and machine-readable output.
 */
import { toLocalDate, toLocalWallClock, type LocalDate } from './periods';

const pad = (n: number) => String(n).padStart(2, '0');

/** "18/03/2019", from a local calendar day, an ISO day "2019-03-18" or an instant (its local day). */
export function formatViDate(day: LocalDate | string | Date): string {
  const d = day instanceof Date ? toLocalDate(day) : typeof day === 'string' ? parseIsoDay(day) : day;
  return `${pad(d.day)}/${pad(d.month)}/${d.year}`;
}

/** "07:30", the wall-clock time in Asia/Ho_Chi_Minh. */
export function formatLocalTime(instant: Date): string {
  const l = toLocalWallClock(instant);
  return `${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}`;
}

/** "07:30 ngày 18/03/2019" in Asia/Ho_Chi_Minh. */
export function formatLocalDateTime(instant: Date): string {
  return `${formatLocalTime(instant)} ngày ${formatViDate(instant)}`;
}

/** "18/03/2019 07:30" in Asia/Ho_Chi_Minh: the compact form for tables (CLI listings). */
export function formatViDateTime(instant: Date): string {
  return `${formatViDate(instant)} ${formatLocalTime(instant)}`;
}

/**
 * Vietnamese text without its accents, lower case ("Sở Y tế" → "so y te", "Đảng" → "dang"):
 * how people type names without a Vietnamese keyboard, for matching and searching.
 */
export function foldVietnamese(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

function parseIsoDay(iso: string): LocalDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`not a yyyy-mm-dd day: ${iso.slice(0, 40)}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}
