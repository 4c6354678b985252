/**
 * The local reminder queue: hands each reminder straight to the same worker use case the SQS
 * worker Lambda runs (`sendUnitReminder`), one unit after another, and reports each outcome, so
 * the CLI and the local schedule print who was emailed. A failed send is reported as `failed`
 * (its claim already released) and logged; the daily run then fails and the local schedule's
 * retry sends only those, as SQS's redelivery does in AWS.
 */
import type { FormCatalog } from '../../functions/core/forms/catalog';
import type { Log } from '../../functions/core/log';
import type { ReminderDelivery, ReminderQueue } from '../../functions/core/ports';
import { sendUnitReminder, type SendUnitReminderDeps } from '../../functions/core/usecases/send-unit-reminder';

export type InProcessReminderDeps = Omit<SendUnitReminderDeps, 'forms'> & {
  /** The catalog, or its loading promise (awaited on the first reminder). */
  forms: Pick<FormCatalog, 'require'> | Promise<Pick<FormCatalog, 'require'>>;
  log?: Pick<Log, 'warn'>;
};

export function inProcessReminderQueue(deps: InProcessReminderDeps): ReminderQueue {
  return {
    async enqueue(reminders) {
      const worker: SendUnitReminderDeps = { ...deps, forms: await deps.forms };
      const deliveries: ReminderDelivery[] = [];
      for (const reminder of reminders) {
        try {
          deliveries.push(await sendUnitReminder(worker, reminder));
        } catch (err) {
          deps.log?.warn('reminder failed', { unit: reminder.unitCode, formId: reminder.formId, error: err as Error });
          deliveries.push('failed');
        }
      }
      return deliveries;
    },
  };
}
