/**
 * Daily reminders for one form: every active unit without an accepted report is emailed its own
 * upload link on its reminder days (working days before/after its deadline), at most once per
 * (unit, form, period, day) thanks to the OnceLedger; on a day after a deadline, a digest of
 * the late units goes to Ban Tổ chức (recipients.organisationCommittee).
 *
 * This run only works out who is due (from the calendar, then one read of the period's
 * submissions) and hands each unit's reminder to the `ReminderQueue`; the worker
 * (`send-unit-reminder.ts`) sends them one unit at a time, so 10,000 units neither exceed a
 * Lambda's 15 minutes nor SES's sending rate. The digest (one email) is sent here.
 *
 * Periods considered: the open one and the one before it, because the day after the deadline
 * can already fall after the consolidation moment that closes the period.
 */
import type { FormCatalog } from '../forms/catalog';
import { formAppliesTo } from '../forms/layout';
import type { Unit } from '../model';
import { formForPeriod, type FormLookup } from './form-lookup';
import { deadlineFor, formatLocalDate, localInstant, openPeriod, parsePeriod, shiftPeriod, toLocalDate } from '../periods';
import type { Clock, Mailer, OnceLedger, ReminderDelivery, ReminderQueue, SubmissionRepository, UnitRepository, UnitReminder } from '../ports';
import { composeLateDigestEmail, reminderDays, type ReminderKind } from '../consolidation/reminders';

export { REMINDER_LINK_GRACE_DAYS } from './send-unit-reminder';

export interface RemindDeps {
  forms: Pick<FormCatalog, 'require'> & Pick<FormLookup, 'get' | 'forPeriod'>;
  units: UnitRepository;
  submissions: SubmissionRepository;
  ledger: OnceLedger;
  mailer: Mailer;
  clock: Clock;
  /** Where each unit's reminder goes to be sent (SQS in AWS, the worker in-process locally). */
  queue: ReminderQueue;
  mail: { from: string };
}

export interface RemindInput {
  formId: string;
  /** Only this period (default: the open period and the one before it). */
  period?: string;
}

export interface ReminderOutcome {
  unitCode: string;
  unitName: string;
  period: string;
  kind: ReminderKind;
  to: string[];
  /** `queued`: handed to the reminder queue (AWS); the other values: the in-process worker's outcome (local). */
  status: ReminderDelivery | 'no-email';
}

export interface RemindResult {
  formId: string;
  /** The local day (Asia/Ho_Chi_Minh) the run acted for. */
  date: string;
  reminders: ReminderOutcome[];
  digests: Array<{ period: string; to: string[]; lateUnits: string[]; status: 'sent' | 'already-sent' | 'no-recipients' }>;
}

/** The late digest's ledger keys start with this (the remind function may write only these and its schedule markers). */
export const LATE_DIGEST_KEY_PREFIX = 'late-digest#';

/** Queues today's reminders and sends the late digests; throws after the loop if any failed (a retry resends only those). */
export async function sendReminders(deps: RemindDeps, input: RemindInput): Promise<RemindResult> {
  const current = deps.forms.require(input.formId);
  const now = deps.clock.now();
  const today = formatLocalDate(toLocalDate(now));
  const periods = input.period ? [parsePeriod(input.period, current.periodType).id] : (() => {
    const open = openPeriod(current, now);
    return [shiftPeriod(open, -1), open];
  })();
  const active = (await deps.units.list()).filter((u) => u.active);
  const result: RemindResult = { formId: current.id, date: today, reminders: [], digests: [] };
  const failures: unknown[] = [];

  for (const period of periods) {
    // The version that applies to the period; none for a retired form (no more reminders) or a
    // period before its first version applies.
    const form = formForPeriod(deps.forms, current.id, period);
    if (!form) continue;
    const units = active.filter((u) => formAppliesTo(form, u.type));
    // Today's reminder day of each unit, from the calendar alone: on most days nobody is due and
    // the period's submissions are not read at all.
    const dueToday = units.flatMap((unit) => {
      const day = reminderDays(form, unit.type, period).find((d) => d.date === today);
      return day ? [{ unit, day }] : [];
    });
    if (dueToday.length === 0) continue;
    const digestDue = dueToday.some(({ day }) => day.kind === 'after');
    const [latest, submissions] = await Promise.all([deps.submissions.listLatestAccepted(form.id, period), deps.submissions.listByFormPeriod(form.id, period)]);
    const reported = new Set(latest.map((a) => a.unitCode));
    const lastUpload = new Map<string, string>();
    for (const s of submissions) lastUpload.set(s.unitCode, s.status); // ordered by upload: the last wins
    const rejected = (u: Unit) => lastUpload.get(u.code) === 'rejected' || lastUpload.get(u.code) === 'failed';

    const toQueue: Array<{ reminder: UnitReminder; outcome: ReminderOutcome }> = [];
    for (const { unit, day } of dueToday) {
      if (reported.has(unit.code)) continue;
      const outcome: ReminderOutcome = { unitCode: unit.code, unitName: unit.name, period, kind: day.kind, to: unit.emails, status: 'no-email' };
      result.reminders.push(outcome);
      if (unit.emails.length === 0) continue;
      toQueue.push({ outcome, reminder: { formId: form.id, period, unitCode: unit.code, date: today, kind: day.kind, lastUploadRejected: rejected(unit) } });
    }
    if (toQueue.length > 0) {
      const deliveries = await deps.queue.enqueue(toQueue.map((q) => q.reminder));
      toQueue.forEach((q, i) => {
        q.outcome.status = deliveries[i] ?? 'failed';
        if (q.outcome.status === 'failed') failures.push(new Error(`reminder to ${q.reminder.unitCode} failed`));
      });
    }

    if (!digestDue) continue;
    const late = units
      .filter((u) => !reported.has(u.code))
      .map((unit) => ({ unit, deadline: deadlineFor(form, unit.type, period), lastUploadRejected: rejected(unit) }))
      .filter((l) => l.deadline.getTime() < now.getTime());
    if (late.length === 0) continue;
    const to = form.recipients.organisationCommittee;
    const digest = { period, to, lateUnits: late.map((l) => l.unit.code), status: 'sent' as RemindResult['digests'][number]['status'] };
    result.digests.push(digest);
    if (to.length === 0) {
      digest.status = 'no-recipients';
      continue;
    }
    const key = `${LATE_DIGEST_KEY_PREFIX}${form.id}#${period}#${today}`;
    if (!(await deps.ledger.claim(key, { lateUnits: late.length }))) {
      digest.status = 'already-sent';
      continue;
    }
    try {
      const body = composeLateDigestEmail({ form, period, now, late, expected: units.length });
      await deps.mailer.send({ from: deps.mail.from, to, ...body, headers: { 'X-Tonghop-Idempotency-Key': key } });
    } catch (err) {
      await deps.ledger.release(key);
      failures.push(err);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} reminder email(s) failed for ${current.id} on ${today}; a retry sends only those`);
  return result;
}

/**
 * When a form's reminder run acts on a local day (HH:MM, Asia/Ho_Chi_Minh): its `reminders.time`.
 * The scheduled walk (run-due-schedules.ts) runs it at the first tick at or after this time, and
 * `remind --date` acts as of this time. There is no per-form stagger any more: the walk runs the
 * forms one after another, and the reminder worker's concurrency paces the sending.
 */
export function reminderTime(form: { reminders: { time: string } }): string {
  return form.reminders.time;
}

/** The instant the reminder run acts as on a given local day (the form's reminder time). */
export function reminderRunAt(form: { reminders: { time: string } }, date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return localInstant({ year: y!, month: m!, day: d! }, reminderTime(form));
}
