/**
 * `npm run bench` — measures ingest, consolidation, form generation, cold start and a deadline
 * rush, each next to its floor in the same run, and prints PASS/FAIL per budget (BENCHMARKS.md).
 *
 *   npm run bench                      human table
 *   npm run bench -- --json            one JSON object on the last stdout line
 *   npm run bench -- --only ingest_ms_p50[,generate_60_ms]   one or more metrics (or group names)
 *   npm run bench -- --profile         also write a CPU profile of every child process to
 *                                      bench/out/<run>/profiles (for the in-process groups, run
 *                                      `node --cpu-prof --import tsx bench/run.ts --only …`)
 *
 * Exit code 0 even when a budget fails (it is a report); 1 when a measurement crashes.
 * Only loopback traffic: every server it talks to is started here, on 127.0.0.1.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { currentLoad, machineInfo, packageVersions } from './lib/machine';
import { renderJson, renderTable } from './lib/report';
import type { BenchContext, MeasureGroup, MetricRow } from './lib/result';
import { BUDGETS, NotAvailableError } from './lib/result';
import { ROOT, rootPath } from './lib/paths';
import { bundleGroup } from './measures/bundle';
import { chartsGroup } from './measures/charts';
import { cliGroup } from './measures/cli';
import { concurrentGroup } from './measures/concurrent';
import { consolidate10000Group, consolidateGroup } from './measures/consolidate';
import { generateGroup } from './measures/generate';
import { ingestGroup } from './measures/ingest';
import { statusGroup } from './measures/status';

const GROUPS: MeasureGroup[] = [ingestGroup, consolidateGroup, consolidate10000Group, generateGroup, bundleGroup, concurrentGroup, statusGroup, chartsGroup, cliGroup];

/** A bad command line: printed as one line, exit code 2. */
class UsageError extends Error {}

interface Args {
  json: boolean;
  profile: boolean;
  only?: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') args.json = true;
    else if (a === '--profile') args.profile = true;
    else if (a === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) args.only = a.slice('--only='.length).split(',').filter(Boolean);
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npm run bench [-- --json] [-- --profile] [-- --only <metric|group>[,…]]\nmetrics: ${GROUPS.flatMap((g) => g.metrics).join(', ')}\ngroups: ${GROUPS.map((g) => g.name).join(', ')}\n`);
      process.exit(0);
    } else throw new UsageError(`unknown argument ${a} (try --help)`);
  }
  return args;
}

function selectGroups(only: string[] | undefined): MeasureGroup[] {
  if (!only) return GROUPS;
  const known = new Set(GROUPS.flatMap((g) => [g.name, ...g.metrics]));
  const unknown = only.filter((o) => !known.has(o));
  if (unknown.length > 0) throw new UsageError(`unknown metric ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return GROUPS.filter((g) => only.includes(g.name) || g.metrics.some((m) => only.includes(m)));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const groups = selectGroups(args.only);
  const startedAt = new Date();
  const machine = machineInfo();
  const outDir = join(rootPath('bench', 'out'), startedAt.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(outDir, { recursive: true });
  if (args.profile) {
    process.env.BENCH_CPU_PROF_DIR = join(outDir, 'profiles');
    mkdirSync(process.env.BENCH_CPU_PROF_DIR, { recursive: true });
  }
  const ctx: BenchContext = { outDir, log: (m) => process.stderr.write(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${m}\n`) };

  const rows: MetricRow[] = [];
  let crashed = false;
  for (const group of groups) {
    ctx.log(`── ${group.name}`);
    try {
      rows.push(...(await group.run(ctx)));
    } catch (err) {
      const na = err instanceof NotAvailableError;
      if (!na) {
        crashed = true;
        ctx.log(`${group.name} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
      const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      rows.push(...group.metrics.map((metric): MetricRow => ({ metric, unit: '', ...(na ? { na: reason } : { error: reason }) })));
    }
  }
  // Budgets and floors come from one table (lib/result.ts), not from each measurement.
  const values = new Map(rows.map((r) => [r.metric, r.value]));
  for (const row of rows) {
    const spec = BUDGETS[row.metric];
    if (!spec) continue;
    row.budget = spec.budget;
    if (spec.floor) row.floor = { metric: spec.floor, value: values.get(spec.floor) };
  }
  const report = {
    startedAt: startedAt.toISOString(),
    durationS: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    machine: { ...machine, loadAverage: { ...machine.loadAverage, end: currentLoad() } },
    versions: packageVersions(ROOT),
    rows,
  };
  process.stdout.write(`${args.json ? renderJson(report) : renderTable(report)}\n`);
  return crashed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof UsageError ? `bench: ${err.message}` : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
