/**
 * The upload sweeper's handler, invoked every `SWEEP_RATE_MINUTES` by a schedule. It sends back
 * to the ingest queue every recent upload that has no final status past its lease (a lost S3
 * notification, or deliveries that all crashed) and publishes two metrics the stack alarms on:
 * `StalledUploads` (uploads it found stalled this run) and `OldestPendingSeconds`.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { MetricsPublisher } from '../adapters/emf-metrics';
import type { FormCatalog } from '../core/forms/catalog';
import { readyCatalog } from '../core/forms/live-catalog';
import type { Log } from '../core/log';
import { currentForms } from '../core/usecases/form-lookup';
import { RECENT_UPLOADS, sweepStalledUploads, type SweepStalledUploadsDeps } from '../core/usecases/sweep-stalled-uploads';

/** How often the schedule runs the sweeper. */
export const SWEEP_RATE_MINUTES = 10;
/**
 * An upload gets this long to be finished by its own event before the sweeper sends it again:
 * longer than the ingest queue's visibility timeout (6 min), so SQS's own redelivery of a
 * timed-out receive comes first.
 */
export const SWEEP_LEASE_MS = 10 * 60_000;
/** The metrics the sweeper publishes (namespace and names the stack's alarm reads). */
export const SWEEP_METRICS = { namespace: 'tonghop', stalled: 'StalledUploads', oldestPending: 'OldestPendingSeconds', dimension: 'FunctionName' } as const;

export interface SweepHandlerDeps extends Omit<SweepStalledUploadsDeps, 'forms'> {
  /** The catalog, or its loading promise (a CommonJS Lambda bundle cannot await at module scope). */
  forms: FormCatalog | Promise<FormCatalog>;
  metrics: MetricsPublisher;
  log: Log;
}

export interface SweepSummary {
  scanned: number;
  stalled: number;
  requeued: number;
  oldestPendingSeconds: number;
}

export function createSweepHandler(deps: SweepHandlerDeps) {
  return middy<unknown, SweepSummary, Error, Context>().handler(async (_event, context) => {
    const forms = currentForms(await readyCatalog(deps.forms));
    const { keys, ...summary } = await sweepStalledUploads({ ...deps, forms }, { ...RECENT_UPLOADS, leaseMs: SWEEP_LEASE_MS });
    deps.metrics.publish(
      { [SWEEP_METRICS.stalled]: { value: summary.stalled, unit: 'Count' }, [SWEEP_METRICS.oldestPending]: { value: summary.oldestPendingSeconds, unit: 'Seconds' } },
      { [SWEEP_METRICS.dimension]: context.functionName },
    );
    // Keys name form, period, unit and upload id only: nothing a unit wrote.
    if (summary.stalled > 0) deps.log.warn('uploads without a final status were sent to ingest again', { ...summary, keys });
    else deps.log.info('upload sweep', summary);
    return summary;
  });
}
