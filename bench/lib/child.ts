/**
 * Runs a measurement in a fresh `node` process, so its peak RSS and its module-loading cost are
 * its own (not the harness's, not the seeding's). Child entries under bench/children/ are
 * bundled once per run with esbuild and run with plain node (no tsx loader in the process).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { rootPath } from './paths';

const built = new Map<string, Promise<string>>();

/** Bundles `bench/children/<name>.ts` into `<outDir>/children/<name>.cjs` (once per run). */
export function buildChild(name: string, outDir: string): Promise<string> {
  let pending = built.get(name);
  if (!pending) {
    const outfile = join(outDir, 'children', `${name}.cjs`);
    mkdirSync(join(outDir, 'children'), { recursive: true });
    pending = build({
      entryPoints: [rootPath('bench', 'children', `${name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // No inline source map: parsing one would inflate the child's RSS, which is being measured.
      sourcemap: false,
      logLevel: 'error',
      // The emulators are never started in a child; keep their CommonJS packages out if referenced.
      external: ['dynalite', 's3rver'],
    }).then(() => outfile);
    built.set(name, pending);
  }
  return pending;
}

export interface ChildResult<T> {
  output: T;
  stderr: string;
}

/**
 * Runs `node [nodeArgs] file [args]` with `input` as JSON in BENCH_INPUT; the child prints one JSON
 * object on its last stdout line. Rejects with the child's stderr when it exits non-zero.
 */
export function runNode<T>(file: string, input: unknown, options: { nodeArgs?: string[]; args?: string[]; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ChildResult<T>> {
  return new Promise((resolve, reject) => {
    // `npm run bench -- --profile` writes a V8 CPU profile per child (bench/tools/top-profile.cjs reads them).
    const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
    const child = spawn(process.execPath, [...profile, ...(options.nodeArgs ?? []), file, ...(options.args ?? [])], {
      // NODE_NO_WARNINGS: the SDK's Node-version notice would bury a real error in stderr.
      env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env, BENCH_INPUT: JSON.stringify(input) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`${basename(file)} exited ${code ?? signal}: ${stderr.trim().slice(-2000)}`));
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ output: JSON.parse(last) as T, stderr });
      } catch {
        reject(new Error(`${basename(file)} printed no JSON result: ${stdout.slice(-500)} ${stderr.slice(-500)}`));
      }
    });
  });
}

/** Inside a child: the parent's input. */
export function childInput<T>(): T {
  return JSON.parse(process.env.BENCH_INPUT ?? '{}') as T;
}

/** Inside a child: prints the result as the last stdout line. */
export function childOutput(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Peak resident set size of this process so far, in MB (getrusage ru_maxrss). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
