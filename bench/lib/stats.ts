/** Small timing helpers: medians, not means, because a shared 2-core machine has long tails. */
import { performance } from 'node:perf_hooks';

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Milliseconds taken by `fn`. */
export async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** "p50 12.3 (p10 11.0 – p90 15.2, n=25)" — the spread beside a median. */
export function spread(values: number[], unit = 'ms'): string {
  return `p10 ${round(percentile(values, 10))} – p90 ${round(percentile(values, 90))} ${unit}, n=${values.length}`;
}
