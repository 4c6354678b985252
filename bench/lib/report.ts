/** Prints a run: a human table, or one JSON object on the last stdout line (`--json`). */
import type { MachineInfo } from './machine';
import type { MetricRow } from './result';
import { ratioOf, statusOf } from './result';
import { round } from './stats';

export interface BenchReport {
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  versions: Record<string, string>;
  rows: MetricRow[];
}

function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined) return '';
  if (unit === 'B') return `${value.toLocaleString('en-US')} B`;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${unit}`;
}

function formatBudget(row: MetricRow): string {
  if (!row.budget) return '';
  return row.budget.kind === 'ratio' ? `ratio ≤ ${row.budget.limit}` : `≤ ${row.budget.limit.toLocaleString('en-US')} ${row.budget.unit}`;
}

export function renderTable(report: BenchReport): string {
  const header = ['metric', 'value', 'floor', 'ratio', 'budget', 'status'];
  const lines: string[][] = [header];
  const notes: string[] = [];
  for (const row of report.rows) {
    const status = statusOf(row);
    const ratio = ratioOf(row);
    const value = row.error ? 'ERROR' : row.na ? `n/a (${row.na})` : formatValue(row.value, row.unit);
    const floor = row.floor ? `${row.floor.metric} ${formatValue(row.floor.value, row.unit)}`.trim() : '';
    lines.push([row.metric, value, floor, ratio === undefined ? '' : round(ratio, 2).toFixed(2), formatBudget(row), status]);
    if (row.error) notes.push(`${row.metric}: ${row.error}`);
    if (row.invalid) notes.push(`${row.metric}: FAIL because ${row.invalid}`);
    if (row.note) notes.push(`${row.metric}: ${row.note}`);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => [...l[i]!].length)));
  const pad = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
  const { machine } = report;
  const out = [
    `tonghop bench — ${report.startedAt} — ${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, load average ${machine.loadAverage.start} → ${machine.loadAverage.end ?? '?'}${(machine.loadAverage.end ?? 0) > machine.cores ? ' (busy machine: absolute times are inflated, ratios less so)' : ''}`,
    `versions: ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
    pad(lines[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.slice(1).map(pad),
    '',
    ...notes.map((n) => `  · ${n}`),
    '',
    `${summary(report.rows)} in ${report.durationS} s`,
  ];
  return out.join('\n');
}

export function summary(rows: MetricRow[]): string {
  const counts = { PASS: 0, FAIL: 0, 'n/a': 0, ERROR: 0 };
  for (const row of rows) {
    const s = statusOf(row);
    if (s !== '') counts[s]++;
  }
  return `budgets: ${counts.PASS} pass, ${counts.FAIL} fail, ${counts['n/a']} n/a, ${counts.ERROR} error`;
}

/** The machine-readable report: metrics by name, and each budget with its verdict. */
export function renderJson(report: BenchReport): string {
  const metrics: Record<string, number | null> = {};
  const budgets: Array<Record<string, unknown>> = [];
  const unavailable: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const invalid: Record<string, string> = {};
  for (const row of report.rows) {
    metrics[row.metric] = row.value ?? null;
    if (row.na) unavailable[row.metric] = row.na;
    if (row.error) errors[row.metric] = row.error;
    if (row.invalid) invalid[row.metric] = row.invalid;
    if (row.budget) {
      const ratio = ratioOf(row);
      budgets.push({
        metric: row.metric,
        value: row.value ?? null,
        floor: row.floor?.metric ?? null,
        floorValue: row.floor?.value ?? null,
        ratio: ratio === undefined ? null : round(ratio, 3),
        budget: row.budget,
        status: statusOf(row),
      });
    }
  }
  const notes = Object.fromEntries(report.rows.filter((r) => r.note).map((r) => [r.metric, r.note]));
  return JSON.stringify({ startedAt: report.startedAt, durationS: report.durationS, machine: report.machine, versions: report.versions, metrics, budgets, unavailable, errors, invalid, notes });
}
