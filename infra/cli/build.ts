/**
 * Builds the `tonghop` CLI into `dist/cli/` (git-ignored) so `bin/tonghop.cjs` runs compiled
 * JavaScript instead of compiling TypeScript at every run. `npm ci` runs it (the root package's
 * `prepare` script); `npm run build:cli` runs it by hand.
 *
 * Choices, and why:
 * - ES modules with code splitting: `infra/cli/main.ts` loads each command with `import()`, and
 *   esbuild turns every such import into its own chunk, so `tonghop --help` loads the small entry
 *   and `tonghop forms check` loads the form code, never the AWS SDK. (esbuild splits only ESM
 *   output; CommonJS would put every command, and the SDK, into one file parsed at every run.)
 *   A banner gives the bundle a real `require` (exceljs, yauzl … call `require('fs')`).
 * - `__dirname` in our own sources (the form definitions in `templates/`, the units import
 *   template) means the source file's folder: each use is rewritten to that folder, reached from
 *   the chunk's own location, so the paths resolve exactly as under tsx.
 * - External: the emulators (dynalite with its native LevelDB binding, s3rver), loaded only by
 *   `start` and the tests' seeding; they stay plain `require`s resolved from node_modules.
 * - Node 20 target (the CLI runs on the operator's machine, `engines.node >= 20`), not minified
 *   so a stack trace still names our functions; the settings that make the Lambda bundles small
 *   (`mainFields`, `charset`, `legalComments`) are those of `ESBUILD_OPTIONS` (infra/bundling.ts),
 *   repeated here so the install does not load the CDK library to read them.
 * - Freshness: `build-info.json` records every source file the bundle was built from with its
 *   size and modification time. `bin/tonghop.cjs` compares them (a few hundred `stat`s, ≈ 2 ms)
 *   and runs the TypeScript sources through tsx when any differs, so an edited source never runs
 *   as the old build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';

/** Repository root (this file lives in `<root>/infra/cli`). */
const ROOT = path.resolve(__dirname, '..', '..');
/** Where the build goes; `bin/tonghop.cjs` looks for it here. */
export const CLI_DIST_DIR = path.join(ROOT, 'dist', 'cli');
/** The record of the sources the build was made from (read by `bin/tonghop.cjs`). */
export const BUILD_INFO_FILE = 'build-info.json';
/** The packages left out of the bundle (required at run time from node_modules). */
export const CLI_EXTERNAL = ['dynalite', 's3rver', 'esbuild', 'tsx'];

/** Which npm packages each output file bundles (the whitespace-minified chunks keep no module comments). */
export const PACKAGES_FILE = 'packages.json';

function packagesByChunk(outputs: Metafile['outputs'], outDir: string): Record<string, string[]> {
  const byChunk: Record<string, string[]> = {};
  for (const [file, output] of Object.entries(outputs)) {
    const names = new Set<string>();
    for (const input of Object.keys(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (match) names.add(match[1]!);
    }
    byChunk[path.relative(outDir, path.resolve(ROOT, file))] = [...names].sort();
  }
  return byChunk;
}

/** What `build-info.json` holds: source path (relative to the root) → [size, mtimeMs]. */
export interface CliBuildInfo {
  version: 1;
  entry: string;
  sources: Record<string, [number, number]>;
}

/** Shared with the Lambda bundles (infra/bundling.ts) without loading the CDK library. */
const SHARED: Pick<BuildOptions, 'charset' | 'legalComments' | 'mainFields'> = { charset: 'utf8', legalComments: 'none', mainFields: ['module', 'main'] };

/**
 * `__dirname` in one of our sources → that source's folder, computed from the output chunk's
 * folder (all chunks are written flat into {@link CLI_DIST_DIR}).
 */
function sourceDirnamePlugin(outDir: string): Plugin {
  return {
    name: 'tonghop-source-dirname',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await fs.promises.readFile(args.path, 'utf8');
        if (!/\b__dirname\b/.test(source)) return undefined;
        const rel = path.relative(outDir, path.dirname(args.path)).split(path.sep).join('/');
        return { contents: source.replace(/\b__dirname\b/g, `__tonghopSourceDir(${JSON.stringify(rel)})`), loader: 'ts' };
      });
    },
  };
}

/** Builds the CLI into `outDir`; returns the build record. */
export async function buildCli(outDir: string = CLI_DIST_DIR): Promise<CliBuildInfo> {
  const esbuild = await import('esbuild');
  // Stat the candidates before reading them: a file saved while esbuild runs then fails the check.
  const startedAt = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = await esbuild.build({
    ...SHARED,
    absWorkingDir: ROOT,
    entryPoints: { main: path.join(ROOT, 'infra', 'cli', 'main.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: false,
    external: CLI_EXTERNAL,
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: [
        "import { createRequire as __tonghopCreateRequire } from 'node:module';",
        "import { fileURLToPath as __tonghopFileURLToPath } from 'node:url';",
        "import { join as __tonghopJoin } from 'node:path';",
        'const require = __tonghopCreateRequire(import.meta.url);',
        'const __tonghopSourceDir = (rel) => __tonghopJoin(__tonghopFileURLToPath(new URL(".", import.meta.url)), rel);',
      ].join('\n'),
    },
    plugins: [sourceDirnamePlugin(outDir)],
  });
  const sources: CliBuildInfo['sources'] = {};
  for (const input of Object.keys(result.metafile?.inputs ?? {})) {
    if (input.startsWith('node_modules/') || input.includes('/node_modules/')) continue;
    const stat = fs.statSync(path.join(ROOT, input));
    // Saved during the build: record an impossible time, so the bin never trusts this build.
    sources[input] = [stat.size, stat.mtimeMs > startedAt ? -1 : stat.mtimeMs];
  }
  const info: CliBuildInfo = { version: 1, entry: 'main.mjs', sources };
  fs.writeFileSync(path.join(outDir, BUILD_INFO_FILE), JSON.stringify(info) + '\n');
  fs.writeFileSync(path.join(outDir, PACKAGES_FILE), JSON.stringify(packagesByChunk(result.metafile?.outputs ?? {}, outDir), null, 1) + '\n');
  return info;
}

/** esbuild is a devDependency: an install without them (`npm ci --omit=dev`) keeps the tsx path. */
function esbuildInstalled(): boolean {
  try {
    require.resolve('esbuild');
    return true;
  } catch {
    return false;
  }
}

if (require.main === module && !esbuildInstalled()) {
  console.log('tonghop CLI: esbuild chưa được cài (cài đặt không có devDependencies), CLI chạy mã TypeScript qua tsx.');
} else if (require.main === module) {
  const started = Date.now();
  buildCli().then(
    (info) => {
      const bytes = fs.readdirSync(CLI_DIST_DIR).reduce((sum, f) => sum + fs.statSync(path.join(CLI_DIST_DIR, f)).size, 0);
      console.log(`tonghop CLI: dist/cli (${Object.keys(info.sources).length} tệp nguồn, ${(bytes / 1e6).toFixed(1)} MB, ${Date.now() - started} ms)`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
