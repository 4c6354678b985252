/**
 * The reminder worker Lambda's handler: SQS messages, each one unit's reminder (`UnitReminder`,
 * queued by the daily run). Each goes through `sendUnitReminder`; a message whose send threw (or
 * whose body is not a reminder) is reported in `batchItemFailures`, so SQS redelivers only that
 * one and, after the queue's receive count, moves it to the reminders dead-letter queue.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { FormCatalog } from '../core/forms/catalog';
import { readyCatalog } from '../core/forms/live-catalog';
import type { Log } from '../core/log';
import type { UnitReminder } from '../core/ports';
import { sendUnitReminder, type SendUnitReminderDeps } from '../core/usecases/send-unit-reminder';

export const UnitReminderSchema = z.object({
  formId: z.string().check(z.minLength(1), z.maxLength(100)),
  period: z.string().check(z.minLength(1), z.maxLength(20)),
  unitCode: z.string().check(z.minLength(1), z.maxLength(100)),
  date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  kind: z.enum(['before', 'after']),
  lastUploadRejected: z.boolean(),
}) satisfies z.ZodMiniType<UnitReminder>;

export interface RemindUnitHandlerDeps extends Omit<SendUnitReminderDeps, 'forms'> {
  forms: FormCatalog | Promise<FormCatalog>;
  log: Log;
}

export function createRemindUnitHandler(deps: RemindUnitHandlerDeps) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const useCaseDeps: SendUnitReminderDeps = { ...deps, forms: await readyCatalog(deps.forms) };
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let reminder: UnitReminder | undefined;
      try {
        reminder = UnitReminderSchema.parse(JSON.parse(record.body));
        const outcome = await sendUnitReminder(useCaseDeps, reminder);
        // Unit codes only: emails and links stay out of the logs.
        deps.log.info('reminder', { formId: reminder.formId, period: reminder.period, unit: reminder.unitCode, date: reminder.date, outcome });
      } catch (err) {
        deps.log.error('reminder failed', { messageId: record.messageId, unit: reminder?.unitCode, receiveCount: record.attributes.ApproximateReceiveCount, error: err instanceof Error ? err.message : String(err) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
}
