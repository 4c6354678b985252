/**
 * The local stand-in for EventBridge Scheduler: two croner jobs, the same as the CDK schedules —
 * every SCHEDULE_TICK_MINUTES in Asia/Ho_Chi_Minh, consolidation and reminders each invoke their
 * handler with `{ walk: true }`, and the handler refreshes the catalog and runs what is due for
 * every form it lists (run-due-schedules.ts). A form published while `npm start` runs is picked
 * up at the next tick; nothing here knows the forms.
 *
 * A failed walk (some form failed) is logged and retried twice with backoff, like the Lambda's
 * asynchronous retries; the forms that already ran are skipped by their once-ledger markers.
 * There is no dead-letter queue locally. croner's `protect` keeps a slow walk from overlapping
 * the next tick of the same job.
 */
import { Cron } from 'croner';
import { TIME_ZONE } from '../../functions/core/periods';
import type { Log } from '../../functions/core/log';
import { SCHEDULE_TICK_MINUTES } from '../../functions/core/usecases/run-due-schedules';

/** What a schedule sends: a walk over the catalog, or one form (tests, `runNow`). */
export type ScheduleEvent = { walk: true } | { formId: string };

export interface ScheduleTargets {
  consolidate(event: ScheduleEvent): Promise<unknown>;
  remind(event: ScheduleEvent): Promise<unknown>;
}

export type ScheduleKind = keyof ScheduleTargets;

export interface LocalSchedule {
  name: string;
  kind: ScheduleKind;
  /** Cron expression (minute hour day month weekday), Asia/Ho_Chi_Minh. */
  cron: string;
  nextRun(): Date | null;
}

export interface LocalSchedules {
  list(): LocalSchedule[];
  /** Runs one job now, with the same retries (tests, the CLI): the walk, or only `formId`. */
  runNow(kind: ScheduleKind, formId?: string): Promise<void>;
  stop(): void;
}

/** croner's expression of the AWS schedules' `cron(0/15 * * * ? *)`. */
export const LOCAL_SCHEDULE_CRON = `*/${SCHEDULE_TICK_MINUTES} * * * *`;

/** Starts the two walking jobs (consolidation, reminders). */
export function startSchedules(targets: ScheduleTargets, log: Log, options: { retries?: number; backoffMs?: number } = {}): LocalSchedules {
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 30_000;
  const stoppers = new Set<() => void>();

  const run = async (kind: ScheduleKind, event: ScheduleEvent) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await targets[kind](event);
        log.info(`schedule ${kind} ran`, { ...event, result: result as Record<string, unknown> });
        return;
      } catch (err) {
        if (attempt >= retries) {
          log.error(`schedule ${kind} failed`, { ...event, attempts: attempt + 1, error: err as Error });
          return;
        }
        log.warn(`schedule ${kind} failed, retrying`, { ...event, attempt: attempt + 1, error: err as Error });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoffMs * 2 ** attempt);
          stoppers.add(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  };

  const jobs = (['consolidate', 'remind'] as const).map((kind) => {
    const cron = new Cron(LOCAL_SCHEDULE_CRON, { timezone: TIME_ZONE, protect: true }, () => run(kind, { walk: true }));
    const schedule: LocalSchedule = { name: `${kind}-walk`, kind, cron: LOCAL_SCHEDULE_CRON, nextRun: () => cron.nextRun() };
    return { schedule, cron };
  });

  return {
    list: () => jobs.map((j) => j.schedule),
    runNow: (kind, formId) => run(kind, formId === undefined ? { walk: true } : { formId }),
    stop() {
      for (const j of jobs) j.cron.stop();
      for (const s of stoppers) s();
      stoppers.clear();
    },
  };
}
