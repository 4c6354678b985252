/**
 * The reminder worker: emails ONE unit its reminder (one queue message), so the daily run only
 * works out who is due and the sending is spread over as many short invocations as the SES
 * sending rate allows. The once-ledger key (unit, form, period, day) is claimed only right
 * before the send, after everything that could fail first (unit, key, email body), and released
 * if the send fails, so the queue's retry sends it and a failure never leaves a unit claimed but
 * not reminded. A message for another day than today is dropped: a "due tomorrow" email must not
 * arrive the day after; so is one for a unit whose report was accepted since the run queued it.
 */
import type { FormCatalog } from '../forms/catalog';
import { signLinkToken } from '../links';
import { deadlineFor, formatLocalDate, toLocalDate } from '../periods';
import type { Clock, Mailer, OnceLedger, SecretSource, SubmissionRepository, UnitRepository, UnitReminder } from '../ports';
import { composeReminderEmail } from '../consolidation/reminders';

/** Upload links in reminders stay valid 30 days past the deadline (late reports are accepted). */
export const REMINDER_LINK_GRACE_DAYS = 30;

export interface SendUnitReminderDeps {
  forms: Pick<FormCatalog, 'require'> & Partial<Pick<FormCatalog, 'forPeriod'>>;
  units: Pick<UnitRepository, 'get'>;
  submissions: Pick<SubmissionRepository, 'listByUnit'>;
  ledger: OnceLedger;
  mailer: Mailer;
  clock: Clock;
  secrets: SecretSource;
  /** Public portal origin; a unit's link is `<portalUrl>/u/<token>`. */
  portalUrl: string;
  mail: { from: string };
}

/** `skipped`: the unit is gone, inactive, has no email or has reported since, or the message is for another day. */
export type UnitReminderOutcome = 'sent' | 'already-sent' | 'skipped';

/** The once-ledger key of a unit's reminder for a day (also the email's idempotency header). */
export const reminderKey = (r: Pick<UnitReminder, 'formId' | 'period' | 'unitCode' | 'date'>) => `reminder#${r.formId}#${r.period}#${r.unitCode}#${r.date}`;

/** Sends one unit's reminder; throws when the send fails (the claim released: a retry sends it). */
export async function sendUnitReminder(deps: SendUnitReminderDeps, reminder: UnitReminder): Promise<UnitReminderOutcome> {
  const now = deps.clock.now();
  if (reminder.date !== formatLocalDate(toLocalDate(now))) return 'skipped';
  // The version for the period; a form retired since the run queued it sends nothing.
  const form = deps.forms.forPeriod ? deps.forms.forPeriod(reminder.formId, reminder.period) : deps.forms.require(reminder.formId);
  if (!form) return 'skipped';
  const unit = await deps.units.get(reminder.unitCode);
  if (!unit || !unit.active || unit.emails.length === 0) return 'skipped';
  // The run queued it minutes ago; a report accepted since then makes the reminder wrong.
  const uploads = await deps.submissions.listByUnit(unit.code, { formId: reminder.formId, period: reminder.period });
  if (uploads.some((s) => s.status === 'accepted')) return 'skipped';
  const { current: signingKey } = await deps.secrets.getLinkKeys();
  const deadline = deadlineFor(form, unit.type, reminder.period);
  const linkExpiresAt = new Date(deadline.getTime() + REMINDER_LINK_GRACE_DAYS * 86_400_000);
  const token = signLinkToken(signingKey, { u: unit.code, v: unit.keyVersion, exp: Math.floor(linkExpiresAt.getTime() / 1000) });
  const body = composeReminderEmail({
    form, unit, period: reminder.period, deadline, kind: reminder.kind, link: `${deps.portalUrl.replace(/\/+$/, '')}/u/${token}`, linkExpiresAt, lastUploadRejected: reminder.lastUploadRejected,
  });
  const key = reminderKey(reminder);
  if (!(await deps.ledger.claim(key, { kind: reminder.kind, to: unit.emails.join(',') }))) return 'already-sent';
  try {
    await deps.mailer.send({ from: deps.mail.from, to: unit.emails, ...body, headers: { 'X-Tonghop-Idempotency-Key': key } });
  } catch (err) {
    await deps.ledger.release(key);
    throw err;
  }
  return 'sent';
}
