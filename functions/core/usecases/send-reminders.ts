/**
 * Daily reminders for one form: every active unit without an accepted report is emailed its own
 * upload link on its reminder days (working days before/after its deadline), at most once per
 * (unit, form, period, day) thanks to the OnceLedger; on a day after a deadline, a digest of
 * the late units goes to Ban Tổ chức (recipients.organisationCommittee).
 *
 * Periods considered: the open one and the one before it, because the day after the deadline
 * can already fall after the consolidation moment that closes the period.
 */
import type { FormCatalog } from '../forms/catalog';
import { signLinkToken } from '../links';
import type { Unit } from '../model';
import { deadlineFor, formatLocalDate, localInstant, openPeriod, parsePeriod, shiftPeriod, toLocalDate } from '../periods';
import type { Clock, LinkKey, Mailer, OnceLedger, SecretSource, SubmissionRepository, UnitRepository } from '../ports';
import { composeLateDigestEmail, composeReminderEmail, reminderDays, type ReminderKind } from '../consolidation/reminders';

/** Upload links in reminders stay valid 30 days past the deadline (late reports are accepted). */
export const REMINDER_LINK_GRACE_DAYS = 30;

export interface RemindDeps {
  forms: Pick<FormCatalog, 'require'>;
  units: UnitRepository;
  submissions: SubmissionRepository;
  ledger: OnceLedger;
  mailer: Mailer;
  clock: Clock;
  secrets: SecretSource;
  /** Public portal origin; a unit's link is `<portalUrl>/u/<token>`. */
  portalUrl: string;
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
  status: 'sent' | 'already-sent' | 'no-email' | 'failed';
  error?: string;
}

export interface RemindResult {
  formId: string;
  /** The local day (Asia/Ho_Chi_Minh) the run acted for. */
  date: string;
  reminders: ReminderOutcome[];
  digests: Array<{ period: string; to: string[]; lateUnits: string[]; status: 'sent' | 'already-sent' | 'no-recipients' }>;
}

/** Sends today's reminders and late digests; throws after the loop if any send failed (a retry resends only those). */
export async function sendReminders(deps: RemindDeps, input: RemindInput): Promise<RemindResult> {
  const form = deps.forms.require(input.formId);
  const now = deps.clock.now();
  const today = formatLocalDate(toLocalDate(now));
  const periods = input.period ? [parsePeriod(input.period, form.periodType).id] : (() => {
    const open = openPeriod(form, now);
    return [shiftPeriod(open, -1), open];
  })();
  const units = (await deps.units.list()).filter((u) => u.active);
  const result: RemindResult = { formId: form.id, date: today, reminders: [], digests: [] };
  const failures: unknown[] = [];
  let signingKey: LinkKey | undefined;

  for (const period of periods) {
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

    for (const { unit, day } of dueToday) {
      if (reported.has(unit.code)) continue;
      const outcome: ReminderOutcome = { unitCode: unit.code, unitName: unit.name, period, kind: day.kind, to: unit.emails, status: 'sent' };
      result.reminders.push(outcome);
      if (unit.emails.length === 0) {
        outcome.status = 'no-email';
        continue;
      }
      const key = `reminder#${form.id}#${period}#${unit.code}#${today}`;
      if (!(await deps.ledger.claim(key, { kind: day.kind, to: unit.emails.join(',') }))) {
        outcome.status = 'already-sent';
        continue;
      }
      try {
        signingKey ??= (await deps.secrets.getLinkKeys()).current;
        const deadline = deadlineFor(form, unit.type, period);
        const linkExpiresAt = new Date(deadline.getTime() + REMINDER_LINK_GRACE_DAYS * 86_400_000);
        const token = signLinkToken(signingKey, { u: unit.code, v: unit.keyVersion, exp: Math.floor(linkExpiresAt.getTime() / 1000) });
        const body = composeReminderEmail({
          form, unit, period, deadline, kind: day.kind, link: `${deps.portalUrl.replace(/\/+$/, '')}/u/${token}`, linkExpiresAt, lastUploadRejected: rejected(unit),
        });
        await deps.mailer.send({ from: deps.mail.from, to: unit.emails, ...body, headers: { 'X-Tonghop-Idempotency-Key': key } });
      } catch (err) {
        await deps.ledger.release(key);
        outcome.status = 'failed';
        outcome.error = err instanceof Error ? err.message : String(err);
        failures.push(err);
      }
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
    const key = `late-digest#${form.id}#${period}#${today}`;
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
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} reminder email(s) failed for ${form.id} on ${today}; a retry sends only those`);
  return result;
}

/** The instant the reminder run acts as on a given local day (the form's reminder time). */
export function reminderRunAt(form: { reminders: { time: string } }, date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return localInstant({ year: y!, month: m!, day: d! }, form.reminders.time);
}
