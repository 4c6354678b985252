/**
 * The scheduled walk: one schedule per kind (consolidation, reminders) fires every
 * SCHEDULE_TICK_MINUTES and runs, for every form the catalog lists (a retired form is not
 * listed), what is due. Publishing a form therefore needs no deploy, and retiring one stops its
 * runs at the next tick.
 *
 * What is due:
 * - consolidation: today (Asia/Ho_Chi_Minh) is a period's consolidation day
 *   (`periodConsolidatedOn`) and the local time has reached the form's `consolidation.time`;
 *   once per (form, period).
 * - reminders: the local time has reached the form's `reminders.time`; once per (form, local
 *   day) — that day's run covers every period it looks at (`sendReminders`).
 *
 * "Once" is a OnceLedger marker (`schedule#consolidation#<form>#<period>`,
 * `schedule#reminders#<form>#<date>`) claimed only after the run succeeded, so later ticks and
 * retries skip it, and a run that failed (or a tick missed in an outage) is caught up by the
 * next tick the same day. The emails themselves stay exactly-once on their own keys (per
 * content for consolidations, per unit and day for reminders, per day for the late digest), so
 * two overlapping walks cannot send twice either. The marker only keeps a late report arriving
 * after the run from sending a second, updated consolidation the same day from the schedule:
 * operators send updates from the console or `consolidate --send`.
 *
 * One form's failure does not stop the others: it is logged and reported in the result, and the
 * walk throws at the end (`ScheduledRunsFailedError`) so the Scheduler's retry policy applies —
 * a retry reruns only the forms that have no marker yet.
 */
import { AppError } from '../errors';
import type { FormCatalog } from '../forms/catalog';
import type { FormDefinition } from '../forms/definition';
import type { Log } from '../log';
import { formatLocalDate, periodConsolidatedOn, toLocalDate, toLocalWallClock } from '../periods';
import type { OnceLedger } from '../ports';
import { consolidateReport, type ConsolidateDeps } from './consolidate-report';
import { reminderTime, sendReminders, type RemindDeps } from './send-reminders';

/** How often each kind's schedule fires (EventBridge Scheduler in AWS, croner locally). */
export const SCHEDULE_TICK_MINUTES = 15;

/** The schedule expression's minutes field: every SCHEDULE_TICK_MINUTES from the hour. */
export const SCHEDULE_TICK_MINUTE_FIELD = `0/${SCHEDULE_TICK_MINUTES}`;

export type ScheduleKind = 'consolidation' | 'reminders';

/** OnceLedger key prefixes of the walk's markers (the stack limits each function's writes to its own). */
export const SCHEDULE_MARKER_PREFIX: Record<ScheduleKind, string> = {
  consolidation: 'schedule#consolidation#',
  reminders: 'schedule#reminders#',
};

export const consolidationMarker = (formId: string, period: string): string => `${SCHEDULE_MARKER_PREFIX.consolidation}${formId}#${period}`;
export const remindersMarker = (formId: string, date: string): string => `${SCHEDULE_MARKER_PREFIX.reminders}${formId}#${date}`;

export interface FormRunOutcome {
  formId: string;
  /**
   * `not-due`: no consolidation day today; `not-yet`: before the form's time; `done-earlier`: an
   * earlier tick (or retry) already ran it; `ran`: run now; `failed`: run now and failed.
   */
  status: 'not-due' | 'not-yet' | 'done-earlier' | 'ran' | 'failed';
  /** The consolidated period (consolidation) or the local day (reminders). */
  period?: string;
  date?: string;
  /** What the run did, for the log (counts and statuses only: no addresses, no links). */
  summary?: Record<string, string | number>;
  /** The failure's name and code (its message goes to the log, not the result). */
  error?: string;
}

export interface WalkResult {
  kind: ScheduleKind;
  /** The tick's instant (ISO). */
  at: string;
  forms: FormRunOutcome[];
}

/** At least one form's run failed in a walk; the others ran. A retry reruns only the failed ones. */
export class ScheduledRunsFailedError extends AppError {
  constructor(readonly result: WalkResult, causes: unknown[]) {
    const failed = result.forms.filter((f) => f.status === 'failed').map((f) => f.formId);
    super('SCHEDULED_RUN_FAILED', `Scheduled ${result.kind} failed for ${failed.length} form(s): ${failed.join(', ')}`, { cause: new AggregateError(causes) });
  }
}

/** Minutes since local midnight (Asia/Ho_Chi_Minh). */
function localMinutes(now: Date): number {
  const wall = toLocalWallClock(now);
  return wall.getUTCHours() * 60 + wall.getUTCMinutes();
}

/**
 * Whether the local time of `now` has reached `hhmm`. The day's last tick reaches every later
 * time too: a form set to 23:50 runs at 23:45 rather than at no tick at all.
 */
export function reachedTime(now: Date, hhmm: string): boolean {
  const [h, m] = hhmm.split(':').map(Number);
  const minutes = localMinutes(now);
  return minutes >= h! * 60 + m! || minutes >= 24 * 60 - SCHEDULE_TICK_MINUTES;
}

interface Due {
  /** The marker claimed once the run succeeded. */
  marker: string;
  period?: string;
  date?: string;
  run(): Promise<Record<string, string | number>>;
}

interface WalkDeps {
  forms: Pick<FormCatalog, 'list'>;
  ledger: OnceLedger;
  clock: { now(): Date };
  log: Log;
}

async function walk(kind: ScheduleKind, deps: WalkDeps, plan: (form: FormDefinition, now: Date) => Due | FormRunOutcome['status']): Promise<WalkResult> {
  const now = deps.clock.now();
  const result: WalkResult = { kind, at: now.toISOString(), forms: [] };
  const causes: unknown[] = [];
  // One form after another: consolidations are CPU-bound (one build at a time keeps memory flat),
  // and reminders only queue messages (the worker's concurrency paces the sending).
  for (const form of deps.forms.list()) {
    let due: Due | FormRunOutcome['status'];
    try {
      due = plan(form, now);
    } catch (err) {
      causes.push(err);
      result.forms.push({ formId: form.id, status: 'failed', error: errorName(err) });
      deps.log.error(`scheduled ${kind} failed`, { formId: form.id, error: err as Error });
      continue;
    }
    if (typeof due === 'string') {
      result.forms.push({ formId: form.id, status: due });
      continue;
    }
    const where = { formId: form.id, ...(due.period ? { period: due.period } : {}), ...(due.date ? { date: due.date } : {}) };
    try {
      if ((await deps.ledger.list(due.marker)).some((e) => e.key === due.marker)) {
        result.forms.push({ ...where, status: 'done-earlier' });
        continue;
      }
      const summary = await due.run();
      // Lost to a concurrent walk that finished first: the emails were still sent once (their own keys).
      await deps.ledger.claim(due.marker, { ...summary, ranAt: now.toISOString() });
      result.forms.push({ ...where, status: 'ran', summary });
      deps.log.info(`scheduled ${kind} ran`, { ...where, ...summary });
    } catch (err) {
      causes.push(err);
      result.forms.push({ ...where, status: 'failed', error: errorName(err) });
      deps.log.error(`scheduled ${kind} failed`, { ...where, error: err as Error });
    }
  }
  if (causes.length > 0) throw new ScheduledRunsFailedError(result, causes);
  return result;
}

function errorName(err: unknown): string {
  if (err instanceof AppError) return `${err.name}:${err.code}`;
  return err instanceof Error ? err.name : 'Error';
}

export interface DueConsolidationsDeps extends Omit<ConsolidateDeps, 'forms'> {
  forms: Pick<FormCatalog, 'list' | 'require' | 'get'> & Partial<Pick<FormCatalog, 'forPeriod' | 'retirement'>>;
  log: Log;
}

/** One consolidation tick: consolidates and emails every listed form whose consolidation is due and not yet run. */
export function runDueConsolidations(deps: DueConsolidationsDeps): Promise<WalkResult> {
  return walk('consolidation', deps, (form, now) => {
    const period = periodConsolidatedOn(form, now);
    if (!period) return 'not-due';
    // Today is the consolidation day, so its moment (consolidationAt) is consolidation.time today.
    if (!reachedTime(now, form.consolidation.time)) return 'not-yet';
    return {
      marker: consolidationMarker(form.id, period),
      period,
      run: async () => {
        const r = await consolidateReport(deps, { formId: form.id, period, send: true });
        return { key: r.key, unitsReported: r.unitsReported, unitsExpected: r.unitsExpected, email: r.email.status };
      },
    };
  });
}

export interface DueRemindersDeps extends Omit<RemindDeps, 'forms'> {
  forms: Pick<FormCatalog, 'list' | 'require' | 'get'> & Partial<Pick<FormCatalog, 'forPeriod' | 'retirement'>>;
  log: Log;
}

/** One reminder tick: runs the day's reminders of every listed form whose reminder time has come and that has not run today. */
export function runDueReminders(deps: DueRemindersDeps): Promise<WalkResult> {
  return walk('reminders', deps, (form, now) => {
    if (!reachedTime(now, reminderTime(form))) return 'not-yet';
    const date = formatLocalDate(toLocalDate(now));
    return {
      marker: remindersMarker(form.id, date),
      date,
      run: async () => {
        const r = await sendReminders(deps, { formId: form.id });
        const count = (status: string) => r.reminders.filter((x) => x.status === status).length;
        return { queued: count('queued'), sent: count('sent'), reminders: r.reminders.length, digests: r.digests.filter((d) => d.status === 'sent').length };
      },
    };
  });
}
