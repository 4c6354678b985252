/**
 * Checks calendar days before they are saved (from the CLI, an import file or a stored item):
 * a real date, a known kind, a bounded Vietnamese name, a compensatory working day only on a
 * Saturday or Sunday. Every problem is a stable code and a Vietnamese message.
 */
import { foldVietnamese } from '../format-vi';
import type { CalendarDay, CalendarDayKind } from './calendar';

/**
 * Bounds of a saved calendar: a handful of days per year (Vietnam has about 11 public holidays,
 * plus swaps), so 1,000 days is decades of history and keeps the one stored item far under
 * DynamoDB's 400 KB item limit.
 */
export const CALENDAR_LIMITS = { maxDays: 1_000, maxNameLength: 200, minYear: 2000, maxYear: 2100 } as const;

export const CALENDAR_KIND_LABELS: Record<CalendarDayKind, string> = { holiday: 'nghỉ', working: 'làm bù' };

/** A problem with one day: stable code, Vietnamese message (which names the day, never echoes unbounded input). */
export interface CalendarIssue {
  code: string;
  message: string;
  /** Row of an import file as the user sees it (header = 1). */
  row?: number;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const VI_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];

/** `yyyy-mm-dd` of a real day in the supported years (also accepts dd/mm/yyyy), or undefined. */
export function parseCalendarDate(text: string): string | undefined {
  const t = text.trim();
  let y: number, m: number, d: number;
  const iso = ISO_DAY.exec(t);
  const vi = VI_DAY.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (vi) [y, m, d] = [Number(vi[3]), Number(vi[2]), Number(vi[1])];
  else return undefined;
  if (y < CALENDAR_LIMITS.minYear || y > CALENDAR_LIMITS.maxYear) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, of a yyyy-mm-dd day. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** "thứ Bảy", of a yyyy-mm-dd day. */
export function weekdayName(date: string): string {
  return WEEKDAYS[weekdayOf(date)]!;
}

const isWeekend = (date: string) => weekdayOf(date) === 0 || weekdayOf(date) === 6;

/** `holiday` or `working` from what people write: nghỉ, nghỉ lễ, làm bù, lam-bu, holiday, working. */
export function parseCalendarKind(text: string): CalendarDayKind | undefined {
  const t = foldVietnamese(text).replace(/[^a-z]+/g, ' ').trim();
  if (['nghi', 'nghi le', 'nghi tet', 'nghi bu', 'ngay nghi', 'holiday'].includes(t)) return 'holiday';
  if (['lam bu', 'di lam bu', 'ngay lam bu', 'lam viec', 'working'].includes(t)) return 'working';
  return undefined;
}

const dd = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/**
 * Problems that refuse a day (bad name, a working day on a weekday). A holiday on a weekend is
 * not refused — see `calendarDayWarning`.
 */
export function checkCalendarDay(day: { date: string; kind: CalendarDayKind; name: string }): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const name = day.name.trim();
  if (name.length === 0) issues.push({ code: 'CALENDAR_NAME_MISSING', message: `Ngày ${dd(day.date)}: thiếu tên ngày (ví dụ "Tết Nguyên đán", "Làm bù ngày 02/01").` });
  if (name.length > CALENDAR_LIMITS.maxNameLength) issues.push({ code: 'CALENDAR_NAME_TOO_LONG', message: `Ngày ${dd(day.date)}: tên dài ${name.length} ký tự, tối đa ${CALENDAR_LIMITS.maxNameLength}.` });
  if (/[\u0000-\u001f\u007f]/.test(name)) issues.push({ code: 'CALENDAR_NAME_INVALID', message: `Ngày ${dd(day.date)}: tên có ký tự điều khiển (xuống dòng, tab…).` });
  if (day.kind === 'working' && !isWeekend(day.date)) {
    issues.push({ code: 'CALENDAR_WORKING_ON_WEEKDAY', message: `Ngày ${dd(day.date)} là ${weekdayName(day.date)}, vốn là ngày làm việc: ngày làm bù phải là thứ Bảy hoặc Chủ nhật.` });
  }
  return issues;
}

/** A warning for a day that is kept but changes nothing: a holiday on a Saturday or Sunday. */
export function calendarDayWarning(day: Pick<CalendarDay, 'date' | 'kind'>): string | undefined {
  if (day.kind !== 'holiday' || !isWeekend(day.date)) return undefined;
  return `Cảnh báo: ngày ${dd(day.date)} là ${weekdayName(day.date)}, vốn đã là ngày nghỉ; ngày lễ trùng ngày nghỉ hằng tuần được nghỉ bù vào ngày làm việc kế tiếp — hãy thêm ngày nghỉ bù đó.`;
}

/** Problems of a whole calendar: every day's, duplicates, and the size bound. */
export function checkCalendar(days: readonly CalendarDay[]): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  if (days.length > CALENDAR_LIMITS.maxDays) issues.push({ code: 'CALENDAR_TOO_LARGE', message: `Lịch có ${days.length} ngày, tối đa ${CALENDAR_LIMITS.maxDays}: hãy xóa bớt các năm đã qua.` });
  const seen = new Set<string>();
  for (const day of days) {
    if (parseCalendarDate(day.date) !== day.date) {
      issues.push({ code: 'CALENDAR_DATE_INVALID', message: 'Có ngày không hợp lệ trong lịch (cần dạng yyyy-mm-dd).' });
      continue;
    }
    if (seen.has(day.date)) issues.push({ code: 'CALENDAR_DUPLICATE_DATE', message: `Ngày ${dd(day.date)} có hai lần trong lịch.` });
    seen.add(day.date);
    issues.push(...checkCalendarDay(day));
  }
  return issues;
}

/** "01/01/2027", the day as Vietnamese readers write it. */
export function formatCalendarDate(date: string): string {
  return dd(date);
}
