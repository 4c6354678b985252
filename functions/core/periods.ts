/**
 * Periods (kỳ báo cáo), cut-offs, deadlines and working days, Decree 09/2019/NĐ-CP pattern.
 * Period ids: month `2019-02`, quarter `2019-Q1`, half `2019-H1`, year `2019`.
 * All calendar arithmetic is in Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving), so a
 * fixed offset is exact.
 */
import { InvalidInputError } from './errors';
import type { FormDefinition } from './forms/definition';
import type { UnitType } from './model';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 3600_000;

export type PeriodType = FormDefinition['periodType'];

export interface Period {
  id: string;
  type: PeriodType;
  year: number;
  /** Month 1–12, quarter 1–4, half 1–2, or 1 for a year. */
  index: number;
}

/** A calendar day in Asia/Ho_Chi_Minh. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const PATTERNS: Array<[PeriodType, RegExp]> = [
  ['month', /^(\d{4})-(0[1-9]|1[0-2])$/],
  ['quarter', /^(\d{4})-Q([1-4])$/],
  ['half', /^(\d{4})-H([12])$/],
  ['year', /^(\d{4})$/],
];

/** Parses a period id; throws `InvalidInputError` (PERIOD_INVALID) with a Vietnamese message. */
export function parsePeriod(id: string, expectedType?: PeriodType): Period {
  for (const [type, re] of PATTERNS) {
    const m = re.exec(id);
    if (m) {
      const period = { id, type, year: Number(m[1]), index: type === 'year' ? 1 : Number(m[2]) };
      if (expectedType && type !== expectedType) {
        throw new InvalidInputError('PERIOD_WRONG_TYPE', `Kỳ báo cáo "${id}" không đúng loại kỳ của biểu mẫu (${PERIOD_TYPE_LABELS[expectedType]}).`);
      }
      return period;
    }
  }
  throw new InvalidInputError('PERIOD_INVALID', `Kỳ báo cáo "${id}" không hợp lệ. Ví dụ: 2019-02 (tháng), 2019-Q1 (quý), 2019-H1 (6 tháng), 2019 (năm).`);
}

export const PERIOD_TYPE_LABELS: Record<PeriodType, string> = { month: 'tháng', quarter: 'quý', half: '6 tháng', year: 'năm' };

/** The period as people say it: "Tháng 2 năm 2019", "Quý I năm 2019", "6 tháng đầu năm 2019", "9 tháng năm 2019", "Năm 2019". */
export function periodLabel(id: string): string {
  const p = parsePeriod(id);
  switch (p.type) {
    case 'month':
      return `Tháng ${p.index} năm ${p.year}`;
    case 'quarter':
      return [`Quý I năm ${p.year}`, `6 tháng đầu năm ${p.year}`, `9 tháng năm ${p.year}`, `Năm ${p.year}`][p.index - 1]!;
    case 'half':
      return p.index === 1 ? `6 tháng đầu năm ${p.year}` : `Năm ${p.year}`;
    case 'year':
      return `Năm ${p.year}`;
  }
}

/** The last month of a period (1–12). */
function lastMonth(p: Period): number {
  switch (p.type) {
    case 'month':
      return p.index;
    case 'quarter':
      return p.index * 3;
    case 'half':
      return p.index * 6;
    case 'year':
      return 12;
  }
}

function monthsIn(p: Period): number {
  return { month: 1, quarter: 3, half: 6, year: 12 }[p.type];
}

function addMonths(year: number, month: number, delta: number): { year: number; month: number } {
  const zero = year * 12 + (month - 1) + delta;
  return { year: Math.floor(zero / 12), month: (zero % 12) + 1 };
}

/** Data cut-off (thời gian chốt số liệu): from the 15th of the month before the period to the 14th of its last month. */
export function cutOff(id: string): { from: LocalDate; to: LocalDate } {
  const p = parsePeriod(id);
  const last = lastMonth(p);
  const first = addMonths(p.year, last, -monthsIn(p));
  return { from: { ...first, day: 15 }, to: { year: p.year, month: last, day: 14 } };
}

/** The period of a given type that follows `id` (or precedes it with `delta` < 0). */
export function shiftPeriod(id: string, delta: number): string {
  const p = parsePeriod(id);
  const perYear = { month: 12, quarter: 4, half: 2, year: 1 }[p.type];
  const zero = p.year * perYear + (p.index - 1) + delta;
  const year = Math.floor(zero / perYear);
  const index = (zero % perYear) + 1;
  return formatPeriod(p.type, year, index);
}

export function formatPeriod(type: PeriodType, year: number, index: number): string {
  switch (type) {
    case 'month':
      return `${year}-${String(index).padStart(2, '0')}`;
    case 'quarter':
      return `${year}-Q${index}`;
    case 'half':
      return `${year}-H${index}`;
    case 'year':
      return `${year}`;
  }
}

/** The period of `type` whose last month is the month of `date` or the next such. */
export function periodEndingOnOrAfter(type: PeriodType, date: LocalDate): string {
  const perYear = { month: 12, quarter: 4, half: 2, year: 1 }[type];
  const index = Math.ceil(date.month / (12 / perYear));
  return formatPeriod(type, date.year, index);
}

// ---- calendar in Asia/Ho_Chi_Minh ----

/**
 * The instant moved by the UTC+7 offset, so that its UTC fields read the wall clock in
 * Asia/Ho_Chi_Minh (for formatting, and for Excel, whose dates have no time zone).
 */
export function toLocalWallClock(instant: Date): Date {
  return new Date(instant.getTime() + OFFSET_MS);
}

export function toLocalDate(instant: Date): LocalDate {
  const d = toLocalWallClock(instant);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function formatLocalDate(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** The instant of a local date and `HH:MM` in Asia/Ho_Chi_Minh. */
export function localInstant(d: LocalDate, time = '00:00'): Date {
  const [h, m] = time.split(':').map(Number);
  return new Date(Date.UTC(d.year, d.month - 1, d.day, h ?? 0, m ?? 0) - OFFSET_MS);
}

function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Clamps a day number to the month's length (day 31 in February → 28/29). */
function dayInMonth(year: number, month: number, day: number): LocalDate {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(day, days) };
}

/**
 * The days that change the weekly pattern: `holidays` (a weekday off) and `workingDays` (a
 * Saturday or Sunday worked, "làm bù"). A form is one: the catalog resolves each form against
 * the province calendar (calendar/resolve-calendar.ts), so `form.holidays` and `form.workingDays`
 * hold the calendar's days plus the form's own. A bare list means holidays only.
 */
export type WorkingCalendar = readonly string[] | { readonly holidays: readonly string[]; readonly workingDays?: readonly string[] };

/** A working day: Monday–Friday unless a holiday, or a Saturday/Sunday listed as a working day. */
export function isWorkingDay(d: LocalDate, calendar: WorkingCalendar): boolean {
  const iso = formatLocalDate(d);
  const holidays = isHolidayList(calendar) ? calendar : calendar.holidays;
  if (holidays.includes(iso)) return false;
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  if (weekday !== 0 && weekday !== 6) return true;
  return !isHolidayList(calendar) && (calendar.workingDays ?? []).includes(iso);
}

function isHolidayList(calendar: WorkingCalendar): calendar is readonly string[] {
  return Array.isArray(calendar);
}

/** `d` itself if it is a working day, else the next working day. */
export function nextWorkingDay(d: LocalDate, calendar: WorkingCalendar): LocalDate {
  let cur = d;
  while (!isWorkingDay(cur, calendar)) cur = addDays(cur, 1);
  return cur;
}

/** Moves `n` working days forward (n > 0) or back (n < 0) from `d`. */
export function addWorkingDays(d: LocalDate, n: number, calendar: WorkingCalendar): LocalDate {
  let cur = d;
  let left = Math.abs(n);
  const step = n >= 0 ? 1 : -1;
  while (left > 0) {
    cur = addDays(cur, step);
    if (isWorkingDay(cur, calendar)) left -= 1;
  }
  return cur;
}

/** A unit's deadline (hạn nộp) for a form and period: configured day of the last month, moved to the next working day. */
export function deadlineFor(form: FormDefinition, unitType: UnitType, periodId: string): Date {
  const p = parsePeriod(periodId, form.periodType);
  // Own keys only: a type code such as `constructor` must not read Object.prototype.
  const rule = (Object.hasOwn(form.deadlines.byUnitType, unitType) ? form.deadlines.byUnitType[unitType] : undefined) ?? form.deadlines.default;
  const day = nextWorkingDay(dayInMonth(p.year, lastMonth(p), rule.day), form);
  return localInstant(day, rule.time);
}

/**
 * When the consolidated report goes to leadership: the configured day of the last month, but
 * never before the working day after the latest deadline; moved to a working day.
 */
export function consolidationAt(form: FormDefinition, periodId: string): Date {
  const p = parsePeriod(periodId, form.periodType);
  const configured = dayInMonth(p.year, lastMonth(p), form.consolidation.day);
  const deadlines = [form.deadlines.default, ...Object.values(form.deadlines.byUnitType)].filter((x) => x !== undefined);
  let latest = configured;
  for (const rule of deadlines) {
    const dl = nextWorkingDay(dayInMonth(p.year, lastMonth(p), rule.day), form);
    const after = addWorkingDays(dl, 1, form);
    if (formatLocalDate(after) > formatLocalDate(latest)) latest = after;
  }
  return localInstant(nextWorkingDay(latest, form), form.consolidation.time);
}

/** The period whose consolidation falls on the local day of `now`, if any (drives the scheduled walk, run-due-schedules.ts). */
export function periodConsolidatedOn(form: FormDefinition, now: Date): string | undefined {
  const today = formatLocalDate(toLocalDate(now));
  const candidate = periodEndingOnOrAfter(form.periodType, toLocalDate(now));
  for (const id of [shiftPeriod(candidate, -1), candidate]) {
    if (formatLocalDate(toLocalDate(consolidationAt(form, id))) === today) return id;
  }
  return undefined;
}

/** The period units are currently reporting on: the first whose consolidation is still ahead of `now`. */
export function openPeriod(form: FormDefinition, now: Date): string {
  let id = shiftPeriod(periodEndingOnOrAfter(form.periodType, toLocalDate(now)), -1);
  while (consolidationAt(form, id).getTime() <= now.getTime()) id = shiftPeriod(id, 1);
  return id;
}
