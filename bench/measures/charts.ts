/**
 * Issue 15, the leadership briefing's charts:
 * - `charts_ms`, `charts_peak_extra_mb`: every chart of one consolidation
 *   (bench/fixtures/briefing-charts.ts) drawn in a fresh child process — WebAssembly start-up,
 *   fonts and all five charts — and the peak RSS above the process's RSS before the first chart.
 * - `consolidate_bundle_bytes` / `consolidate_bundle_no_charts_bytes`: functions/lambda/consolidate.ts
 *   built with the deployed settings, and again with the renderer replaced by a no-op (what the
 *   bundle would be without charts); `chart_assets_bytes`: the files copied beside it.
 * - `consolidate_cold_start_ms` / `consolidate_cold_start_no_charts_ms`: `require` of each bundle in
 *   fresh processes (median), plus for the one with charts the first chart drawn in a fresh
 *   process from a bundle of the renderer alone (the consolidate entry does not expose it) —
 *   what a cold Lambda pays before its first consolidation's charts.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { buildChild, runNode } from '../lib/child';
import { rootPath } from '../lib/paths';
import type { BenchContext, MeasureGroup, MetricRow } from '../lib/result';
import { median, round, spread } from '../lib/stats';
import { LAMBDA_ENV } from './bundle';

const RUNS = 5;

interface ChartsOutput {
  ms: number;
  warmMs: number;
  rssBeforeMb: number;
  peakMb: number;
  charts: number;
  pngBytes: number;
}

/** Replaces the ECharts renderer with a renderer that draws nothing. */
const noCharts: Plugin = {
  name: 'no-charts',
  setup(build) {
    build.onResolve({ filter: /echarts-chart-renderer$/ }, () => ({ path: 'no-charts', namespace: 'no-charts' }));
    build.onLoad({ filter: /.*/, namespace: 'no-charts' }, () => ({ contents: 'export function createChartRenderer() { return { render: () => Promise.resolve([]) }; }', loader: 'js' }));
  },
};

export const chartsGroup: MeasureGroup = {
  name: 'charts',
  metrics: ['charts_ms', 'charts_peak_extra_mb', 'consolidate_bundle_bytes', 'consolidate_bundle_no_charts_bytes', 'chart_assets_bytes', 'consolidate_cold_start_ms', 'consolidate_cold_start_no_charts_ms'],
  async run(ctx: BenchContext): Promise<MetricRow[]> {
    const { bundleEntry, ESBUILD_OPTIONS, chartAssetFiles } = await import('../../infra/bundling');
    const { build } = await import('esbuild');

    ctx.log('charts: building functions/lambda/consolidate.ts with and without the renderer');
    const withDir = join(ctx.outDir, 'bundles', 'consolidate');
    const withoutDir = join(ctx.outDir, 'bundles', 'consolidate-no-charts');
    const rendererDir = join(ctx.outDir, 'bundles', 'chart-renderer');
    for (const dir of [withDir, withoutDir, rendererDir]) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    const withCharts = await bundleEntry(rootPath('functions', 'lambda', 'consolidate.ts'), withDir, { chartAssets: true });
    const withoutFile = join(withoutDir, 'consolidate.js');
    await build({ ...ESBUILD_OPTIONS, external: [], mainFields: [...ESBUILD_OPTIONS.mainFields], entryPoints: [rootPath('functions', 'lambda', 'consolidate.ts')], outfile: withoutFile, absWorkingDir: rootPath(), plugins: [noCharts], logLevel: 'silent' });
    const withoutBytes = statSync(withoutFile).size;
    const renderer = await bundleEntry(rootPath('test', 'fixtures', 'bundles', 'chart-render-entry.ts'), rendererDir, { chartAssets: true });
    const assetsBytes = chartAssetFiles().reduce((n, f) => n + statSync(f).size, 0);
    const chartInputs = Object.values(withCharts.metafile.outputs)
      .flatMap((o) => Object.entries(o.inputs))
      .filter(([input]) => /node_modules\/(echarts|zrender|tslib|@resvg)\/|echarts-chart-renderer|ttf-metrics|chart-assets/.test(input))
      .reduce((n, [, v]) => n + v.bytesInOutput, 0);

    ctx.log(`charts: ${RUNS} fresh processes drawing all charts`);
    const child = await buildChild('charts', ctx.outDir);
    const runs: ChartsOutput[] = [];
    for (let i = 0; i < RUNS; i++) runs.push((await runNode<ChartsOutput>(child, {})).output);

    ctx.log(`charts: cold starts, ${RUNS} fresh processes each`);
    const probe = rootPath('bench', 'fixtures', 'require-probe.cjs');
    const renderProbe = rootPath('bench', 'fixtures', 'render-probe.cjs');
    const requireWith: number[] = [];
    const requireWithout: number[] = [];
    const firstRender: number[] = [];
    await runNode(probe, {}, { env: LAMBDA_ENV, args: [withCharts.outfile] });
    for (let i = 0; i < RUNS; i++) {
      requireWith.push((await runNode<{ ms: number }>(probe, {}, { env: LAMBDA_ENV, args: [withCharts.outfile] })).output.ms);
      requireWithout.push((await runNode<{ ms: number }>(probe, {}, { env: LAMBDA_ENV, args: [withoutFile] })).output.ms);
      firstRender.push((await runNode<{ requireMs: number; renderMs: number }>(renderProbe, {}, { args: [renderer.outfile] })).output.renderMs);
    }
    const first = runs[0]!;
    const extra = runs.map((r) => r.peakMb - r.rssBeforeMb);
    return [
      {
        metric: 'charts_ms',
        value: round(median(runs.map((r) => r.ms))),
        unit: 'ms',
        note: `${first.charts} charts, cold process (WebAssembly start, fonts, every chart), median of ${RUNS} (${runs.map((r) => Math.round(r.ms)).join(', ')} ms); the same charts again in the warm process ${Math.round(median(runs.map((r) => r.warmMs)))} ms; ${Math.round(first.pngBytes / 1024)} KB of PNG`,
      },
      { metric: 'charts_peak_extra_mb', value: round(Math.max(...extra)), unit: 'MB', note: `peak RSS minus RSS before the first chart (before: ${Math.round(first.rssBeforeMb)} MB), worst of ${RUNS}` },
      { metric: 'consolidate_bundle_bytes', value: withCharts.bytes, unit: 'B', note: `the renderer's code in it: ${Math.round(chartInputs / 1024)} KB (echarts, zrender, resvg-wasm glue, ours)` },
      { metric: 'consolidate_bundle_no_charts_bytes', value: withoutBytes, unit: 'B', note: `+${Math.round((withCharts.bytes - withoutBytes) / 1024)} KB with charts` },
      { metric: 'chart_assets_bytes', value: assetsBytes, unit: 'B', note: 'briefing-assets/: index_bg.wasm + DejaVuSans.ttf + DejaVuSans-Bold.ttf, beside the consolidate and api bundles' },
      {
        metric: 'consolidate_cold_start_ms',
        value: round(median(requireWith) + median(firstRender)),
        unit: 'ms',
        note: `require ${round(median(requireWith))} ms (${spread(requireWith)}) + first chart ${round(median(firstRender))} ms (${spread(firstRender)})`,
      },
      { metric: 'consolidate_cold_start_no_charts_ms', value: round(median(requireWithout)), unit: 'ms', note: `require only; ${spread(requireWithout)}` },
    ];
  },
};
