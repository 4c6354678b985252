/**
 * Issue 16, "CLI start": wall time of `node bin/tonghop.cjs …` as an operator runs it, each a new
 * process, median of RUNS after WARMUP.
 * - `cli_units_list_ms`: `units list` against a running local stack (infra/local/runtime.ts on a
 *   temp data dir with 50 units: the CLI finds the live runtime's endpoints in runtime.json and
 *   reads the units from its DynamoDB). Budget ≤ 500 ms.
 * - `cli_help_ms`: `tonghop --help` (no storage, no AWS SDK).
 * - `node_start_ms`: `node -e 0`, the floor every command pays.
 * The note says whether the bin ran the compiled build (dist/cli, `npm run build:cli`) or, the
 * build being stale or missing, the TypeScript sources through tsx.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { silentLog } from '../../infra/local/compose';
import type { BenchContext, MeasureGroup, MetricRow } from '../lib/result';
import { BUDGETS } from '../lib/result';
import { rootPath } from '../lib/paths';
import { syntheticUnits } from '../lib/stack';
import { median, round, spread, timeMs } from '../lib/stats';

const WARMUP = 2;
const RUNS = 9;
const run = promisify(execFile);

/** Which code the bin runs: the same check as bin/tonghop.cjs. */
function binRuns(): string {
  try {
    const info = JSON.parse(readFileSync(rootPath('dist', 'cli', 'build-info.json'), 'utf8')) as { sources: Record<string, [number, number]> };
    const stale = Object.entries(info.sources).some(([rel, [size, mtimeMs]]) => {
      const stat = statSync(rootPath(rel), { throwIfNoEntry: false });
      return !stat || stat.size !== size || stat.mtimeMs !== mtimeMs;
    });
    return stale ? 'sources through tsx (dist/cli stale: npm run build:cli)' : 'dist/cli build';
  } catch {
    return 'sources through tsx (no dist/cli: npm run build:cli)';
  }
}

async function timeRuns(args: string[], env: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const ms = await timeMs(() => run(process.execPath, args, { cwd: rootPath(), env: { ...process.env, ...env } }));
    if (i >= WARMUP) times.push(ms);
  }
  return times;
}

export const cliGroup: MeasureGroup = {
  name: 'cli',
  metrics: ['cli_units_list_ms', 'cli_help_ms', 'node_start_ms'],
  async run(ctx: BenchContext): Promise<MetricRow[]> {
    const bin = rootPath('bin', 'tonghop.cjs');
    const runs = binRuns();
    ctx.log(`cli: the bin runs the ${runs}`);
    const floor = await timeRuns(['-e', '0'], {});
    const help = await timeRuns([bin, '--help'], {});

    const { startLocalRuntime } = await import('../../infra/local/runtime');
    const dataDir = mkdtempSync(join(ctx.outDir, 'cli-'));
    const runtime = await startLocalRuntime({ port: 0, host: '127.0.0.1', dataDir, log: silentLog, seed: false });
    let list: number[];
    try {
      await runtime.deps.units.putMany(syntheticUnits(50, 'CLI'));
      const { stdout } = await run(process.execPath, [bin, 'units', 'list', '--json'], { cwd: rootPath(), env: { ...process.env, TONGHOP_DATA_DIR: dataDir } });
      const listed = (JSON.parse(stdout) as unknown[]).length;
      if (listed < 50) throw new Error(`units list printed ${listed} units, expected the 50 seeded`);
      list = await timeRuns([bin, 'units', 'list'], { TONGHOP_DATA_DIR: dataDir });
    } finally {
      await runtime.stop();
    }
    const nodeStart = round(median(floor));
    return [
      { metric: 'node_start_ms', value: nodeStart, unit: 'ms', note: spread(floor) },
      { metric: 'cli_help_ms', value: round(median(help)), unit: 'ms', floor: { metric: 'node_start_ms', value: nodeStart }, note: `${spread(help)}; ${runs}` },
      { metric: 'cli_units_list_ms', value: round(median(list)), unit: 'ms', budget: BUDGETS.cli_units_list_ms!.budget, note: `50 units, running stack; ${spread(list)}; ${runs}` },
    ];
  },
};
