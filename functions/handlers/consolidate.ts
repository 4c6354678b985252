/**
 * The consolidation Lambda's handler, invoked daily per form by EventBridge Scheduler with
 * `{ formId, period?, send? }`. Without a period it acts only on a period's consolidation day
 * (`periodConsolidatedOn`), so one daily schedule per form is enough; retries are safe because
 * the email is sent once per content (OnceLedger).
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { InvalidInputError } from '../core/errors';
import type { Log } from '../core/log';
import type { FormCatalog } from '../core/forms/catalog';
import { readyCatalog } from '../core/forms/live-catalog';
import { consolidateScheduled, type ConsolidateDeps } from '../core/usecases/consolidate-report';

export const ConsolidateEventSchema = z.object({
  formId: z.string().check(z.minLength(1)),
  period: z.optional(z.string()),
  send: z.optional(z.boolean()),
});
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
  return middy<unknown, ConsolidateHandlerResult>().handler(async (event) => {
    const parsed = ConsolidateEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidInputError('EVENT_INVALID', `Consolidation event must be { formId, period?, send? }: ${z.prettifyError(parsed.error)}`);
    const result = await consolidateScheduled({ ...deps, forms: await readyCatalog(deps.forms) }, parsed.data);
    if (result.status === 'not-due') {
      deps.log.info('no consolidation due today', { formId: result.formId });
      return { status: 'not-due', formId: result.formId };
    }
    const out = {
      status: 'done' as const,
      formId: result.formId,
      period: result.period,
      key: result.key,
      unitsReported: result.unitsReported,
      unitsExpected: result.unitsExpected,
      email: result.email.status,
    };
    deps.log.info('consolidated', { ...out, reused: result.reused, contentHash: result.contentHash });
    return out;
  });
}
