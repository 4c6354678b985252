/**
 * The province's totals for one (form, period), computed where they are read: the sum of every
 * unit's latest accepted values, from the latest-accepted pointers (one paginated Query of one
 * partition). Nothing is stored, so ingest never does work proportional to the number of units,
 * and there is no second copy that could drift from the pointers: the totals are exact whenever
 * the pointers are, and each pointer only moves forward (see functions/adapters/README.md).
 */
import { computeTotals } from '../consolidation/totals';
import type { FormDefinition } from '../forms/definition';
import type { SubmissionRepository } from '../ports';

/** Province totals for one (form, period). */
export interface Aggregate {
  formId: string;
  period: string;
  /** Units with an accepted report for the period. */
  unitsReported: number;
  /** Field key → sum over the units (`computeTotals`). */
  totals: Record<string, number>;
}

export async function readPeriodAggregate(
  submissions: Pick<SubmissionRepository, 'listLatestAccepted'>, form: FormDefinition, period: string,
): Promise<Aggregate> {
  const latest = await submissions.listLatestAccepted(form.id, period);
  return { formId: form.id, period, unitsReported: latest.length, totals: computeTotals(form, latest.map((l) => l.values)) };
}
