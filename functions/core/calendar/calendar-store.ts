/**
 * Where the province calendar is kept so it can change without a deploy: one saved calendar with
 * a revision number. Nothing saved means the shipped calendar (vietnam.ts) applies.
 */
import type { CalendarDay } from './calendar';

/** The calendar as saved, with who saved it last. */
export interface SavedCalendar {
  days: CalendarDay[];
  /** 1 for the first save, +1 for each later one. */
  revision: number;
  /** ISO instant of the last save. */
  updatedAt: string;
  /** Who saved it last (an operator's email or `cli:<user>`). */
  updatedBy: string;
}

/** Port: the saved province calendar (DynamoDB item `CONFIG#calendar` in the deployed stack). */
export interface CalendarStore {
  /** The saved calendar, or undefined when none was ever saved. */
  get(): Promise<SavedCalendar | undefined>;
  /**
   * Saves `days` as the next revision, only if the stored revision is still `expectedRevision`
   * (0: nothing saved yet). Throws `ConflictError` (CALENDAR_CHANGED) when someone saved meanwhile.
   */
  save(days: readonly CalendarDay[], expectedRevision: number, by: { at: string; actor: string }): Promise<SavedCalendar>;
}
