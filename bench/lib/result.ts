/**
 * The shape every measurement returns, and how a run is judged. A metric is measured next to
 * its floor in the same run (these machines are noisy), so most budgets are ratios.
 */

/** A budget: either the metric divided by its floor, or the metric itself, must stay at or under `limit`. */
export type Budget = { kind: 'ratio'; limit: number } | { kind: 'max'; limit: number; unit: string };

/** The budgets of issue 8, by metric, with the floor each ratio is taken against. */
export const BUDGETS: Record<string, { budget: Budget; floor?: string }> = {
  ingest_ms_p50: { budget: { kind: 'ratio', limit: 1.5 }, floor: 'exceljs_load_ms_p50' },
  consolidate_1000_ms: { budget: { kind: 'ratio', limit: 2 }, floor: 'stream_write_ms' },
  consolidate_1000_rss_mb: { budget: { kind: 'max', limit: 256, unit: 'MB' } },
  generate_60_ms: { budget: { kind: 'max', limit: 3000, unit: 'ms' } },
  ingest_bundle_bytes: { budget: { kind: 'max', limit: 2_000_000, unit: 'B' } },
  ingest_init_ms: { budget: { kind: 'ratio', limit: 1.2 }, floor: 'floor_init_ms' },
  concurrent_60_s: { budget: { kind: 'max', limit: 15, unit: 's' } },
  /** Issue 12: the console's status grid for 1,000 units. */
  status_1000_ms_p50: { budget: { kind: 'max', limit: 300, unit: 'ms' } },
  /** Issue 15: the consolidation email with its charts, as sent (raw MIME). */
  email_with_charts_bytes: { budget: { kind: 'max', limit: 2 * 1024 * 1024, unit: 'B' } },
  /** Issue 15: every chart of one consolidation, in a cold process. */
  charts_ms: { budget: { kind: 'max', limit: 1500, unit: 'ms' } },
  charts_peak_extra_mb: { budget: { kind: 'max', limit: 100, unit: 'MB' } },
  /** Issue 16: consolidation at 10,000 units (the national design point). */
  consolidate_10000_ms: { budget: { kind: 'ratio', limit: 2 }, floor: 'stream_write_10000_ms' },
  consolidate_10000_rss_mb: { budget: { kind: 'max', limit: 512, unit: 'MB' } },
  /** Issue 16: SDK calls (DynamoDB and S3) per accepted upload, none proportional to the number of units. */
  ingest_storage_calls: { budget: { kind: 'max', limit: 6, unit: 'calls' } },
  /** Issue 16: ingest_ms_p50 with 10,000 units reported in the period ÷ with 50. */
  ingest_scale_ratio: { budget: { kind: 'max', limit: 1.2, unit: '×' } },
  /** Issue 16: `node bin/tonghop.cjs units list` against a running local stack, a new process each. */
  cli_units_list_ms: { budget: { kind: 'max', limit: 500, unit: 'ms' } },
};

export interface MetricRow {
  metric: string;
  /** Measured value, or undefined when not available (see `na`). */
  value?: number;
  unit: string;
  /** The floor the metric is compared with, by name (also reported as its own metric). */
  floor?: { metric: string; value?: number };
  budget?: Budget;
  /** Why the metric could not be measured yet ("n/a (reason)"). */
  na?: string;
  /** The measurement crashed: the run exits non-zero. */
  error?: string;
  /** The run broke a condition of the budget other than the number (e.g. uploads lost): FAIL whatever the value. */
  invalid?: string;
  /** Extra facts worth printing (sample count, spread, lost uploads …). */
  note?: string;
}

export type Status = 'PASS' | 'FAIL' | 'n/a' | 'ERROR' | '';

export function ratioOf(row: MetricRow): number | undefined {
  if (row.value === undefined || row.floor?.value === undefined || row.floor.value <= 0) return undefined;
  return row.value / row.floor.value;
}

/** PASS/FAIL against the budget; '' for informational metrics (floors). */
export function statusOf(row: MetricRow): Status {
  if (row.error) return 'ERROR';
  if (row.na || row.value === undefined) return row.budget ? 'n/a' : '';
  if (!row.budget) return '';
  if (row.invalid) return 'FAIL';
  if (row.budget.kind === 'max') return row.value <= row.budget.limit ? 'PASS' : 'FAIL';
  const ratio = ratioOf(row);
  if (ratio === undefined) return 'n/a';
  return ratio <= row.budget.limit ? 'PASS' : 'FAIL';
}

/** A group of metrics measured together (they share setup: emulators, a bundle, a file). */
export interface MeasureGroup {
  name: string;
  /** Metric names this group produces, for `--only`. */
  metrics: string[];
  run(ctx: BenchContext): Promise<MetricRow[]>;
}

export interface BenchContext {
  /** Scratch folder for this run (bundles, data dirs, reports), under bench/out/. */
  outDir: string;
  /** Progress lines go to stderr so `--json` keeps stdout clean. */
  log(message: string): void;
}

/** Thrown by a measurement when the code it measures has not landed yet: printed as "n/a (reason)". */
export class NotAvailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotAvailableError';
  }
}
