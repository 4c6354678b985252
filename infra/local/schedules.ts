/**
 * The local stand-in for EventBridge Scheduler: for every form, two daily croner jobs in
 * Asia/Ho_Chi_Minh, the same as the CDK schedules: consolidation at the form's consolidation
 * time (`{ formId }`: the handler decides whether a period is due today) and reminders at the
 * form's reminder time plus its stagger (`reminderTime`) (`{ formId }`). A failed run is logged and retried twice with backoff,
 * like the Scheduler's retry policy; there is no dead-letter queue locally.
 */
import { Cron } from 'croner';
import type { FormDefinition } from '../../functions/core/forms/definition';
import { TIME_ZONE } from '../../functions/core/periods';
import type { Log } from '../../functions/core/log';
import { reminderTime } from '../../functions/core/usecases/send-reminders';

export interface ScheduleTargets {
  consolidate(event: { formId: string }): Promise<unknown>;
  remind(event: { formId: string }): Promise<unknown>;
}

export interface LocalSchedule {
  name: string;
  formId: string;
  kind: 'consolidate' | 'remind';
  /** Cron expression (minute hour * * *), Asia/Ho_Chi_Minh. */
  cron: string;
  nextRun(): Date | null;
}

export interface LocalSchedules {
  list(): LocalSchedule[];
  /** Runs one job now, with the same retries (for tests and `--run-now`). */
  runNow(kind: LocalSchedule['kind'], formId: string): Promise<void>;
  stop(): void;
}

const cronAt = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return `${m} ${h} * * *`;
};

/** Starts a daily consolidation and reminder job per form. */
export function startSchedules(forms: readonly FormDefinition[], targets: ScheduleTargets, log: Log, options: { retries?: number; backoffMs?: number } = {}): LocalSchedules {
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 30_000;
  const jobs: Array<{ schedule: LocalSchedule; cron: Cron }> = [];
  const stoppers = new Set<() => void>();

  const run = async (kind: LocalSchedule['kind'], formId: string) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await targets[kind]({ formId });
        log.info(`schedule ${kind} ran`, { formId, result: result as Record<string, unknown> });
        return;
      } catch (err) {
        if (attempt >= retries) {
          log.error(`schedule ${kind} failed`, { formId, attempts: attempt + 1, error: err as Error });
          return;
        }
        log.warn(`schedule ${kind} failed, retrying`, { formId, attempt: attempt + 1, error: err as Error });
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

  for (const form of forms) {
    for (const [kind, time] of [['consolidate', form.consolidation.time], ['remind', reminderTime(form)]] as const) {
      const expression = cronAt(time);
      const cron = new Cron(expression, { timezone: TIME_ZONE, protect: true }, () => run(kind, form.id));
      jobs.push({ schedule: { name: `${kind}-${form.id}`, formId: form.id, kind, cron: expression, nextRun: () => cron.nextRun() }, cron });
    }
  }

  return {
    list: () => jobs.map((j) => j.schedule),
    runNow: (kind, formId) => run(kind, formId),
    stop() {
      for (const j of jobs) j.cron.stop();
      for (const s of stoppers) s();
      stoppers.clear();
    },
  };
}
