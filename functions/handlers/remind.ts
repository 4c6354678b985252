/**
 * The daily reminder run's handler, invoked per form (at the form's reminder time) by
 * EventBridge Scheduler with `{ formId }`: queues each due unit's reminder (sent by the worker,
 * remind-unit.ts) and sends the late digest. Each unit is reminded at most once per day
 * (OnceLedger), so a retry after a partial failure sends only what did not go out.
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { InvalidInputError } from '../core/errors';
import type { Log } from '../core/log';
import type { FormCatalog } from '../core/forms/catalog';
import { readyCatalog } from '../core/forms/live-catalog';
import { sendReminders, type RemindDeps } from '../core/usecases/send-reminders';

export const RemindEventSchema = z.object({ formId: z.string().check(z.minLength(1)), period: z.optional(z.string()) });
export type RemindEvent = z.infer<typeof RemindEventSchema>;

export interface RemindHandlerDeps extends Omit<RemindDeps, 'forms'> {
  forms: FormCatalog | Promise<FormCatalog>;
  log: Log;
}

export function createRemindHandler(deps: RemindHandlerDeps) {
  return middy<unknown, { formId: string; date: string; queued: number; sent: number; skipped: number; digests: number }>().handler(async (event) => {
    const parsed = RemindEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidInputError('EVENT_INVALID', `Reminder event must be { formId, period? }: ${z.prettifyError(parsed.error)}`);
    const result = await sendReminders({ ...deps, forms: await readyCatalog(deps.forms) }, parsed.data);
    const sent = result.reminders.filter((r) => r.status === 'sent').length;
    const queued = result.reminders.filter((r) => r.status === 'queued').length;
    const summary = { formId: result.formId, date: result.date, queued, sent, skipped: result.reminders.length - sent - queued, digests: result.digests.filter((d) => d.status === 'sent').length };
    // Unit codes only: emails and links stay out of the logs.
    deps.log.info('reminders', { ...summary, units: result.reminders.map((r) => `${r.unitCode}:${r.status}`) });
    return summary;
  });
}
