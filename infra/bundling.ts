/**
 * The esbuild settings every Lambda bundle is built with, shared by the CDK stack
 * (`NodejsFunction` bundling) and the benchmark (`bundleEntry`), so the size the benchmark
 * measures is the size that is deployed.
 *
 * Choices, and why:
 * - The AWS SDK v3 is bundled (`externalModules: []`) instead of taken from the Lambda runtime:
 *   the version we test against is the version that runs, and esbuild tree-shakes the clients
 *   down to the commands we use (the runtime's SDK is a moving target and is not smaller to load).
 * - CommonJS output: several dependencies (exceljs, yauzl) are CommonJS and use `require` of
 *   Node built-ins, which an ESM bundle would need a `createRequire` banner for.
 * - Minified with an external source map without `sourcesContent`: the map only has to turn
 *   stack traces back into file:line (`NODE_OPTIONS=--enable-source-maps`), not carry sources.
 * - `mainFields: ['module', 'main']`: prefer the ES module builds that AWS SDK v3 (and smithy)
 *   ship; esbuild tree-shakes those, not the CommonJS ones (ingest: 2.13 MB → 1.80 MB).
 * - `charset: utf8` keeps the Vietnamese messages as UTF-8 instead of `\uXXXX` escapes (smaller).
 * - Form definitions (`templates/*.json`) are copied beside the bundle; the code reads them from
 *   `TONGHOP_TEMPLATES_DIR=/var/task/templates` ({@link LAMBDA_TEMPLATES_DIR}).
 * - The functions that draw the briefing's charts also get `briefing-assets/` (resvg's
 *   WebAssembly module and the DejaVu Sans fonts, ≈ 3.9 MB unzipped): esbuild cannot inline a
 *   .wasm or a font, and only the functions that consolidate need them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import { Charset, OutputFormat, SourceMapMode, type BundlingOptions, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CHART_ASSETS_DIR_NAME, installedChartAssets } from '../functions/adapters/chart-assets';

/** Repository root (this file lives in `<root>/infra`). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
/** The form definitions copied into every bundle. */
export const TEMPLATES_SOURCE_DIR = path.join(PROJECT_ROOT, 'templates');
/** Where the form definitions are inside the deployed function (`/var/task` is the code root). */
export const LAMBDA_TEMPLATES_DIR = '/var/task/templates';
/** esbuild target matching the Lambda runtime (nodejs22.x). */
export const NODE_TARGET = 'node22';

/** The esbuild options both builds share (esbuild API names). */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: NODE_TARGET,
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  charset: 'utf8',
  legalComments: 'none',
  mainFields: ['module', 'main'],
  /** Nothing external: the pinned AWS SDK v3 goes into the bundle too. */
  external: [],
} as const satisfies BuildOptions;

/**
 * A shell-neutral command (runs with `node`, so it works wherever the CDK CLI runs) that copies
 * `templates/*.json` into `<outputDir>/templates`.
 */
export function copyTemplatesCommand(outputDir: string, sourceDir: string = TEMPLATES_SOURCE_DIR): string {
  const script =
    "const fs=require('fs'),p=require('path');const [s,d]=process.argv.slice(1);" +
    "fs.mkdirSync(d,{recursive:true});" +
    "for(const f of fs.readdirSync(s))if(f.endsWith('.json'))fs.copyFileSync(p.join(s,f),p.join(d,f));";
  return `node -e "${script}" "${sourceDir}" "${path.join(outputDir, 'templates')}"`;
}

/**
 * A shell-neutral command that copies files (absolute paths) into `<outputDir>/<dirName>`.
 */
export function copyFilesCommand(files: readonly string[], outputDir: string, dirName: string): string {
  const script = "const fs=require('fs'),p=require('path');const [d,...f]=process.argv.slice(1);fs.mkdirSync(d,{recursive:true});for(const s of f)fs.copyFileSync(s,p.join(d,p.basename(s)));";
  return `node -e "${script}" "${path.join(outputDir, dirName)}" ${files.map((f) => `"${f}"`).join(' ')}`;
}

/** The chart renderer's files (resvg's .wasm, DejaVu Sans regular and bold) as installed. */
export function chartAssetFiles(): string[] {
  return Object.values(installedChartAssets());
}

/** CDK command hooks: after esbuild, copy the form definitions (and, when asked, the chart assets) into the asset. */
export function commandHooks(options: { chartAssets?: boolean } = {}): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => [
      copyTemplatesCommand(outputDir),
      ...(options.chartAssets ? [copyFilesCommand(chartAssetFiles(), outputDir, CHART_ASSETS_DIR_NAME)] : []),
    ],
  };
}

/** The hooks of a function that draws no chart. */
export const COMMAND_HOOKS: ICommandHooks = commandHooks();

/**
 * `NodejsFunction` bundling options: the same esbuild settings, always local esbuild (no Docker),
 * plus the templates copy, and the chart assets for a function that draws charts.
 */
export function cdkBundlingOptions(options: { chartAssets?: boolean } = {}): BundlingOptions {
  return {
    forceDockerBundling: false,
    minify: ESBUILD_OPTIONS.minify,
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: ESBUILD_OPTIONS.sourcesContent,
    target: ESBUILD_OPTIONS.target,
    format: OutputFormat.CJS,
    charset: Charset.UTF8,
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    externalModules: [...ESBUILD_OPTIONS.external],
    esbuildArgs: { '--legal-comments': ESBUILD_OPTIONS.legalComments },
    commandHooks: commandHooks(options),
  };
}

export interface BundleResult {
  /** Absolute path of the written JavaScript bundle. */
  outfile: string;
  /** Size of the bundle in bytes (the `.js`, without its source map or the templates). */
  bytes: number;
  /** esbuild's metafile: which inputs ended up in the bundle, and their sizes. */
  metafile: Metafile;
}

/**
 * Builds one Lambda entry with the deployed settings, outside CDK (for the benchmark and for
 * checking what a bundle contains). Writes `<outdir>/<entry basename>.js` and its `.js.map`, and
 * copies the form definitions to `<outdir>/templates` (and with `chartAssets` the chart
 * renderer's files to `<outdir>/briefing-assets`), like the deployed asset.
 */
export async function bundleEntry(entry: string, outdir: string, options: { chartAssets?: boolean } = {}): Promise<BundleResult> {
  const { build } = await import('esbuild');
  const absoluteEntry = path.resolve(PROJECT_ROOT, entry);
  const outfile = path.join(path.resolve(outdir), `${path.basename(absoluteEntry).replace(/\.[cm]?[jt]s$/, '')}.js`);
  const result = await build({
    ...ESBUILD_OPTIONS,
    external: [...ESBUILD_OPTIONS.external],
    mainFields: [...ESBUILD_OPTIONS.mainFields],
    entryPoints: [absoluteEntry],
    outfile,
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  copyTemplates(TEMPLATES_SOURCE_DIR, path.join(path.dirname(outfile), 'templates'));
  if (options.chartAssets) copyChartAssets(path.join(path.dirname(outfile), CHART_ASSETS_DIR_NAME));
  return { outfile, bytes: fs.statSync(outfile).size, metafile: result.metafile };
}

function copyChartAssets(targetDir: string): void {
  fs.mkdirSync(targetDir, { recursive: true });
  for (const file of chartAssetFiles()) fs.copyFileSync(file, path.join(targetDir, path.basename(file)));
}

function copyTemplates(sourceDir: string, targetDir: string): void {
  fs.mkdirSync(targetDir, { recursive: true });
  for (const file of fs.readdirSync(sourceDir)) {
    if (file.endsWith('.json')) fs.copyFileSync(path.join(sourceDir, file), path.join(targetDir, file));
  }
}
