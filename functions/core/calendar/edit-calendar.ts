/**
 * Reading and changing the province calendar: the saved one, or the shipped one until a first
 * change is saved (which then starts from the shipped days, so adding one day keeps the rest).
 * Every change is one conditional write on the revision it read: two operators editing at once
 * cannot silently undo each other.
 */
import { InvalidInputError, NotFoundError } from '../errors';
import type { CalendarDay, CalendarDayKind, ProvinceCalendar } from './calendar';
import type { CalendarStore } from './calendar-store';
import { calendarDayWarning, checkCalendar, checkCalendarDay, formatCalendarDate, type CalendarIssue } from './check-calendar';
import { VIETNAM_CALENDAR_DAYS } from './vietnam';

/** The calendar in effect and where it comes from. */
export interface CurrentCalendar {
  days: CalendarDay[];
  /** 0 when nothing is saved (the shipped calendar applies). */
  revision: number;
  source: 'saved' | 'shipped';
  updatedAt?: string;
  updatedBy?: string;
}

const byDate = (a: CalendarDay, b: CalendarDay) => a.date.localeCompare(b.date);

/** The calendar in effect: the saved one, or the shipped one when nothing is saved. */
export async function currentCalendar(store: Pick<CalendarStore, 'get'>): Promise<CurrentCalendar> {
  const saved = await store.get();
  if (!saved) return { days: [...VIETNAM_CALENDAR_DAYS].sort(byDate), revision: 0, source: 'shipped' };
  return { days: [...saved.days].sort(byDate), revision: saved.revision, source: 'saved', updatedAt: saved.updatedAt, updatedBy: saved.updatedBy };
}

/**
 * The province calendar for a form catalog (`createFormCatalog(defs, { calendar })`, and the
 * live catalog's `loadCalendar`): the saved days, or the shipped ones.
 */
export async function loadCalendar(store: Pick<CalendarStore, 'get'>): Promise<ProvinceCalendar> {
  const { days } = await currentCalendar(store);
  return { days };
}

/** A refused change: every problem, nothing saved. */
export class CalendarInvalidError extends InvalidInputError {
  readonly issues: CalendarIssue[];
  constructor(issues: CalendarIssue[], what = 'Không lưu lịch làm việc') {
    super('CALENDAR_INVALID', `${what}: ${issues.length} lỗi, chưa ghi gì.\n${issues.map((i) => (i.row ? `Dòng ${i.row}: ${i.message}` : i.message)).join('\n')}`);
    this.issues = issues;
  }
}

export interface CalendarEditDeps {
  calendar: CalendarStore;
  clock: { now(): Date };
}

export interface CalendarChange {
  /** The day before the change (absent: none on that date). */
  before?: CalendarDay;
  after?: CalendarDay;
  revision: number;
  warnings: string[];
}

async function saveChecked(deps: CalendarEditDeps, days: CalendarDay[], expectedRevision: number, actor: string): Promise<number> {
  const issues = checkCalendar(days);
  if (issues.length > 0) throw new CalendarInvalidError(issues);
  const saved = await deps.calendar.save(days.sort(byDate), expectedRevision, { at: deps.clock.now().toISOString(), actor });
  return saved.revision;
}

/** Adds a day, or replaces the day already on that date. */
export async function addCalendarDay(deps: CalendarEditDeps, input: { date: string; kind: CalendarDayKind; name: string; actor: string }): Promise<CalendarChange> {
  const day: CalendarDay = { date: input.date, kind: input.kind, name: input.name.trim() };
  const issues = checkCalendarDay(day);
  if (issues.length > 0) throw new CalendarInvalidError(issues, `Không thêm ngày ${formatCalendarDate(day.date)}`);
  const current = await currentCalendar(deps.calendar);
  const before = current.days.find((d) => d.date === day.date);
  const days = [...current.days.filter((d) => d.date !== day.date), day];
  const revision = await saveChecked(deps, days, current.revision, input.actor);
  const warning = calendarDayWarning(day);
  return { before, after: day, revision, warnings: warning ? [warning] : [] };
}

/** Removes the day on `date`; `NotFoundError` (CALENDAR_DAY_NOT_FOUND) when there is none. */
export async function removeCalendarDay(deps: CalendarEditDeps, input: { date: string; actor: string }): Promise<CalendarChange> {
  const current = await currentCalendar(deps.calendar);
  const before = current.days.find((d) => d.date === input.date);
  if (!before) throw new NotFoundError('CALENDAR_DAY_NOT_FOUND', `Lịch làm việc không có ngày ${formatCalendarDate(input.date)}.`);
  const revision = await saveChecked(deps, current.days.filter((d) => d.date !== input.date), current.revision, input.actor);
  return { before, revision, warnings: [] };
}

export interface CalendarImportResult {
  added: string[];
  replaced: string[];
  unchanged: string[];
  /** Days dropped because `replace` was asked and the file does not list them. */
  removed: string[];
  total: number;
  revision: number;
  warnings: string[];
}

/**
 * Saves the file's days, all or nothing (the caller parsed and checked them): each replaces the
 * day on its date; with `replace`, days the file does not list are removed.
 */
export async function importCalendarDays(deps: CalendarEditDeps, input: { days: CalendarDay[]; replace: boolean; actor: string }): Promise<CalendarImportResult> {
  const current = await currentCalendar(deps.calendar);
  const existing = new Map(current.days.map((d) => [d.date, d]));
  const incoming = new Map(input.days.map((d) => [d.date, d]));
  const result: CalendarImportResult = { added: [], replaced: [], unchanged: [], removed: [], total: input.days.length, revision: current.revision, warnings: [] };
  for (const day of input.days) {
    const before = existing.get(day.date);
    if (!before) result.added.push(day.date);
    else if (before.kind === day.kind && before.name === day.name) result.unchanged.push(day.date);
    else result.replaced.push(day.date);
    const warning = calendarDayWarning(day);
    if (warning) result.warnings.push(warning);
  }
  const kept = current.days.filter((d) => !incoming.has(d.date));
  if (input.replace) result.removed.push(...kept.map((d) => d.date));
  const days = [...(input.replace ? [] : kept), ...input.days];
  const changed = result.added.length + result.replaced.length + result.removed.length > 0;
  if (changed) result.revision = await saveChecked(deps, days, current.revision, input.actor);
  return result;
}
