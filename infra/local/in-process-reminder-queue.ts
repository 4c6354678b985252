/**
 * The local reminder queue: hands each reminder straight to the same worker use case the SQS
 * worker Lambda runs (`sendUnitReminder`), one unit after another, and reports each outcome, so
 * the CLI and the local schedule print who was emailed. A failed send is reported as `failed`
 * (its claim already released); the daily run then fails and the local schedule's retry sends
 * only those, as SQS's redelivery does in AWS.
 */
import type { ReminderDelivery, ReminderQueue, UnitReminder } from '../../functions/core/ports';
import { sendUnitReminder, type SendUnitReminderDeps } from '../../functions/core/usecases/send-unit-reminder';

export function inProcessReminderQueue(deps: SendUnitReminderDeps, options: { onError?: (reminder: UnitReminder, error: unknown) => void } = {}): ReminderQueue {
  return {
    async enqueue(reminders) {
      const deliveries: ReminderDelivery[] = [];
      for (const reminder of reminders) {
        try {
          deliveries.push(await sendUnitReminder(deps, reminder));
        } catch (err) {
          options.onError?.(reminder, err);
          deliveries.push('failed');
        }
      }
      return deliveries;
    },
  };
}
