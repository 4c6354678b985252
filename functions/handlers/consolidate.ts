/**
 * The consolidation Lambda's handler. EventBridge Scheduler invokes it every 15 minutes with
 * `{ walk: true }` (or `{}`): it refreshes the catalog and consolidates every listed form whose
 * consolidation is due and not yet done (`runDueConsolidations`), throwing at the end if any
 * form failed so the Scheduler retries (the forms already done are skipped). `{ formId,
 * period?, send? }` runs one form as before (the CLI, tests): without a period it acts only on
 * a period's consolidation day (`periodConsolidatedOn`); the email is sent once per content
 * (OnceLedger).
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { InvalidInputError } from '../core/errors';
import type { Log } from '../core/log';
import type { FormCatalog } from '../core/forms/catalog';
import { readyCatalog } from '../core/forms/live-catalog';
import { consolidateScheduled, type ConsolidateDeps } from '../core/usecases/consolidate-report';
import { runDueConsolidations, type WalkResult } from '../core/usecases/run-due-schedules';

const SingleFormSchema = z.object({
  formId: z.string().check(z.minLength(1)),
  period: z.optional(z.string()),
  send: z.optional(z.boolean()),
});
// Strict: a stray `period` without `formId` is a mistake, not a walk.
const WalkSchema = z.strictObject({ walk: z.optional(z.literal(true)) });
export const ConsolidateEventSchema = z.union([SingleFormSchema, WalkSchema]);
export type ConsolidateEvent = z.infer<typeof ConsolidateEventSchema>;

export interface ConsolidateHandlerDeps extends Omit<ConsolidateDeps, 'forms'> {
  /** The catalog, or its loading promise (a CommonJS bundle cannot await at module scope). */
  forms: FormCatalog | Promise<FormCatalog>;
  log: Log;
}

export interface ConsolidateHandlerResult {
  status: 'not-due' | 'done';
  formId: string;
  period?: string;
  key?: string;
  unitsReported?: number;
  unitsExpected?: number;
  email?: string;
}

export function createConsolidateHandler(deps: ConsolidateHandlerDeps) {
  return middy<unknown, ConsolidateHandlerResult | WalkResult>().handler(async (event) => {
    const parsed = ConsolidateEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidInputError('EVENT_INVALID', `Consolidation event must be { formId, period?, send? } or { walk: true }: ${z.prettifyError(parsed.error)}`);
    const forms = await readyCatalog(deps.forms);
    if (!('formId' in parsed.data)) return runDueConsolidations({ ...deps, forms });
    const result = await consolidateScheduled({ ...deps, forms }, parsed.data);
    if (result.status === 'not-due') {
      deps.log.info('no consolidation due today', { formId: result.formId });
      return { status: 'not-due', formId: result.formId };
    }
    const { formId, period, key, unitsReported, unitsExpected } = result;
    const out = { status: 'done' as const, formId, period, key, unitsReported, unitsExpected, email: result.email.status };
    deps.log.info('consolidated', { ...out, reused: result.reused, contentHash: result.contentHash });
    return out;
  });
}
