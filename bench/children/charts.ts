/**
 * All charts of one consolidation drawn in a fresh process (so the WebAssembly start-up, the
 * fonts and the first chart are counted, as in a cold Lambda): prints the time and the peak RSS
 * above the process's RSS before the first chart.
 */
import { performance } from 'node:perf_hooks';
import { createChartRenderer } from '../../functions/adapters/echarts-chart-renderer';
import { BRIEFING_CHARTS } from '../fixtures/briefing-charts';
import { childOutput, peakRssMb } from '../lib/child';

async function main(): Promise<void> {
  const renderer = createChartRenderer();
  const rssBeforeMb = process.memoryUsage().rss / (1024 * 1024);
  const start = performance.now();
  const charts = await renderer.render(BRIEFING_CHARTS);
  const ms = performance.now() - start;
  // A second consolidation in the same (warm) process.
  const warmStart = performance.now();
  await renderer.render(BRIEFING_CHARTS);
  const warmMs = performance.now() - warmStart;
  childOutput({ ms, warmMs, rssBeforeMb, peakMb: peakRssMb(), charts: charts.length, pngBytes: charts.reduce((n, c) => n + c.png.length, 0) });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
