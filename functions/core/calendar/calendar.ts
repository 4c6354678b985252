/**
 * The province calendar (lịch làm việc): public holidays and compensatory working days
 * (Vietnam moves a working day to a Saturday to bridge a holiday), one calendar for all forms.
 * Deadlines, reminders and consolidation days use it; a form may add its own extra holidays.
 */

export type CalendarDayKind = 'holiday' | 'working';

export interface CalendarDay {
  /** yyyy-mm-dd, Asia/Ho_Chi_Minh. */
  date: string;
  /** `holiday`: no work on a weekday; `working`: a Saturday or Sunday worked instead (làm bù). */
  kind: CalendarDayKind;
  /** Vietnamese name, e.g. "Tết Nguyên đán", "Làm bù cho ngày 02/5". */
  name: string;
}

export interface ProvinceCalendar {
  days: readonly CalendarDay[];
}

export const EMPTY_CALENDAR: ProvinceCalendar = { days: [] };
