/**
 * A form resolved against the province calendar: its `holidays` become the calendar's holidays
 * plus its own, and its `workingDays` the calendar's compensatory working days plus its own, so
 * every working-day computation (periods.ts, reminders) reads one list from the form as before.
 * A form's own day wins over the calendar's for the same date (a form that does not work the
 * province's làm bù Saturday lists it in its `holidays`). The stored definition is never changed:
 * resolution happens when a catalog is built.
 */
import type { FormDefinition } from '../forms/definition';
import type { ProvinceCalendar } from './calendar';

/** Resolved form → the definition it was resolved from (what was published: exports and `forms show` print that). */
const PRISTINE = new WeakMap<FormDefinition, FormDefinition>();

/** The definition as published: a resolved form's original (without the province calendar's days), else the form itself. */
export function pristineDefinition(form: FormDefinition): FormDefinition {
  return PRISTINE.get(form) ?? form;
}

export function resolveFormCalendar(form: FormDefinition, calendar: ProvinceCalendar): FormDefinition {
  if (calendar.days.length === 0) return form;
  const ownHolidays = new Set(form.holidays);
  const ownWorking = new Set(form.workingDays ?? []);
  const holidays = new Set(form.holidays);
  const workingDays = new Set(form.workingDays ?? []);
  for (const day of calendar.days) {
    if (ownHolidays.has(day.date) || ownWorking.has(day.date)) continue;
    (day.kind === 'holiday' ? holidays : workingDays).add(day.date);
  }
  const resolved = { ...form, holidays: [...holidays].sort(), workingDays: [...workingDays].sort() };
  PRISTINE.set(resolved, pristineDefinition(form));
  return resolved;
}
