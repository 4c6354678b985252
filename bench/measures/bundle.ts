/**
 * Cold start: the ingest Lambda bundle's size and its `require` time in fresh node processes,
 * next to a floor bundle (exceljs + the SDK clients, bench/fixtures/floor-entry.ts) built with
 * the same esbuild settings (infra/bundling.ts `bundleEntry`).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { runNode } from '../lib/child';
import { rootPath } from '../lib/paths';
import type { BenchContext, MeasureGroup, MetricRow } from '../lib/result';
import { median, round, spread } from '../lib/stats';

const RUNS = 10;

/** What the ingest entry needs to parse its config at module scope; every endpoint points at nothing. */
export const LAMBDA_ENV: Record<string, string> = {
  TONGHOP_TABLE: 'bench-table',
  TONGHOP_BUCKET: 'bench-bucket',
  TONGHOP_PORTAL_URL: 'http://127.0.0.1:9',
  TONGHOP_MAIL_FROM: 'bench@example.invalid',
  TONGHOP_LINK_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  TONGHOP_TEMPLATES_DIR: rootPath('templates'),
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'BENCH',
  AWS_SECRET_ACCESS_KEY: 'BENCH',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_LAMBDA_FUNCTION_NAME: 'bench-ingest',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  POWERTOOLS_SERVICE_NAME: 'tonghop-bench',
};

interface Built {
  outfile: string;
  bytes: number;
  /** The largest inputs in the bundle (esbuild metafile), for the story behind the size. */
  top: Array<{ input: string; bytes: number }>;
}

type BundleEntry = (entry: string, outdir: string) => Promise<{ outfile: string; bytes: number; metafile: Metafile }>;

async function buildInto(bundleEntry: BundleEntry, entry: string, outdir: string): Promise<Built> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { outfile, bytes, metafile } = await bundleEntry(entry, outdir);
  writeFileSync(join(outdir, 'metafile.json'), JSON.stringify(metafile));
  const inputs = Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).map(([input, v]) => ({ input, bytes: v.bytesInOutput })));
  // Group by package (node_modules/<pkg>) so the top list reads as "what weighs".
  const byPackage = new Map<string, number>();
  for (const { input, bytes: b } of inputs) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? m[1]! : input;
    byPackage.set(key, (byPackage.get(key) ?? 0) + b);
  }
  const top = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([input, b]) => ({ input, bytes: b }));
  return { outfile, bytes, top };
}

const describeTop = (built: Built) => built.top.map((t) => `${t.input} ${Math.round(t.bytes / 1024)} KB`).join(', ');

interface ProbeOutput {
  ms: number;
  hasHandler: boolean;
  network: string[];
}

/** One fresh `node` process that requires `file` (bench/fixtures/require-probe.cjs). */
async function probe(file: string): Promise<ProbeOutput> {
  const { output } = await runNode<ProbeOutput>(rootPath('bench', 'fixtures', 'require-probe.cjs'), {}, { env: LAMBDA_ENV, timeoutMs: 60_000, args: [file] });
  return output;
}

export const bundleGroup: MeasureGroup = {
  name: 'bundle',
  metrics: ['ingest_bundle_bytes', 'ingest_init_ms', 'floor_init_ms'],
  async run(ctx: BenchContext): Promise<MetricRow[]> {
    const { bundleEntry } = await import('../../infra/bundling');
    ctx.log('bundle: building the floor bundle with infra/bundling.ts bundleEntry');
    const floor = await buildInto(bundleEntry, rootPath('bench', 'fixtures', 'floor-entry.ts'), join(ctx.outDir, 'bundles', 'floor'));

    let ingest: Built | undefined;
    let na: string | undefined;
    const ingestEntry = rootPath('functions', 'lambda', 'ingest.ts');
    if (!existsSync(ingestEntry)) na = 'functions/lambda/ingest.ts not in the tree yet';
    else {
      ctx.log('bundle: building functions/lambda/ingest.ts');
      ingest = await buildInto(bundleEntry, ingestEntry, join(ctx.outDir, 'bundles', 'ingest'));
    }

    // Warm the page cache for both files, then alternate fresh processes so drift hits both equally.
    const floorTimes: number[] = [];
    const ingestTimes: number[] = [];
    const network = new Set<string>();
    let handlerExported = true;
    const run = probe;
    await run(floor.outfile);
    if (ingest) await run(ingest.outfile);
    ctx.log(`bundle: ${RUNS} fresh processes each`);
    for (let i = 0; i < RUNS; i++) {
      floorTimes.push((await run(floor.outfile)).ms);
      if (ingest) {
        const out = await run(ingest.outfile);
        ingestTimes.push(out.ms);
        out.network.forEach((n) => network.add(n));
        handlerExported &&= out.hasHandler;
      }
    }
    const floorInit = median(floorTimes);
    const notes: string[] = [];
    if (ingest && network.size > 0) notes.push(`NETWORK AT INIT: ${[...network].join(', ')}`);
    if (ingest && !handlerExported) notes.push('bundle exports no `handler`');
    return [
      {
        metric: 'ingest_bundle_bytes',
        value: ingest?.bytes,
        unit: 'B',
        na,
        note: `floor bundle ${floor.bytes} B (${describeTop(floor)})${ingest ? `; ingest: ${describeTop(ingest)}` : ''}`,
      },
      {
        metric: 'ingest_init_ms',
        value: ingest ? round(median(ingestTimes)) : undefined,
        unit: 'ms',
        na,
        note: ingest ? [`${spread(ingestTimes)}`, ...notes].join('; ') : undefined,
      },
      { metric: 'floor_init_ms', value: round(floorInit), unit: 'ms', note: spread(floorTimes) },
    ];
  },
};
