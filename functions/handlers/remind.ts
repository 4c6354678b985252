/**
 * The reminder run's handler. EventBridge Scheduler invokes it every 15 minutes with
 * `{ walk: true }` (or `{}`): it refreshes the catalog and runs the day's reminders of every
 * listed form whose reminder time has come and that has not run today (`runDueReminders`),
 * throwing at the end if any form failed so the Scheduler retries (the forms already done are
 * skipped). `{ formId, period? }` runs one form at once (the CLI, tests). Each due unit's
 * reminder is queued (sent by the worker, remind-unit.ts) and the late digest sent; each unit
 * is reminded at most once per day (OnceLedger), so a retry sends only what did not go out.
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { InvalidInputError } from '../core/errors';
import type { Log } from '../core/log';
import type { FormCatalog } from '../core/forms/catalog';
import { readyCatalog } from '../core/forms/live-catalog';
import { runDueReminders, type WalkResult } from '../core/usecases/run-due-schedules';
import { sendReminders, type RemindDeps } from '../core/usecases/send-reminders';

const SingleFormSchema = z.object({ formId: z.string().check(z.minLength(1)), period: z.optional(z.string()) });
// Strict: a stray `period` without `formId` is a mistake, not a walk.
const WalkSchema = z.strictObject({ walk: z.optional(z.literal(true)) });
export const RemindEventSchema = z.union([SingleFormSchema, WalkSchema]);
export type RemindEvent = z.infer<typeof RemindEventSchema>;

export interface RemindHandlerDeps extends Omit<RemindDeps, 'forms'> {
  forms: FormCatalog | Promise<FormCatalog>;
  log: Log;
}

export interface RemindSummary { formId: string; date: string; queued: number; sent: number; skipped: number; digests: number }

export function createRemindHandler(deps: RemindHandlerDeps) {
  return middy<unknown, RemindSummary | WalkResult>().handler(async (event) => {
    const parsed = RemindEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidInputError('EVENT_INVALID', `Reminder event must be { formId, period? } or { walk: true }: ${z.prettifyError(parsed.error)}`);
    const forms = await readyCatalog(deps.forms);
    if (!('formId' in parsed.data)) return runDueReminders({ ...deps, forms });
    const result = await sendReminders({ ...deps, forms }, parsed.data);
    const sent = result.reminders.filter((r) => r.status === 'sent').length;
    const queued = result.reminders.filter((r) => r.status === 'queued').length;
    const summary = { formId: result.formId, date: result.date, queued, sent, skipped: result.reminders.length - sent - queued, digests: result.digests.filter((d) => d.status === 'sent').length };
    // Unit codes only: emails and links stay out of the logs.
    deps.log.info('reminders', { ...summary, units: result.reminders.map((r) => `${r.unitCode}:${r.status}`) });
    return summary;
  });
}
