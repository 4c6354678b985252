/**
 * The files the chart renderer loads at run time: resvg's WebAssembly module and the DejaVu Sans
 * fonts (regular and bold; DejaVu covers every Vietnamese letter). esbuild cannot inline them, so
 * the deployment copies them beside the bundle of each function that draws charts
 * (`<bundle>/briefing-assets/`, infra/bundling.ts); elsewhere (tests, the local runtime, the
 * CLI) they are read from node_modules. Kept apart from the renderer so the CDK app can name the
 * files without loading ECharts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder beside a Lambda bundle that holds the chart assets. */
export const CHART_ASSETS_DIR_NAME = 'briefing-assets';

/** Each asset: its file name in the assets folder and the package path it comes from. */
export const CHART_ASSET_FILES = {
  wasm: { file: 'index_bg.wasm', from: '@resvg/resvg-wasm/index_bg.wasm' },
  regular: { file: 'DejaVuSans.ttf', from: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf' },
  bold: { file: 'DejaVuSans-Bold.ttf', from: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf' },
} as const;

export type ChartAssetName = keyof typeof CHART_ASSET_FILES;

/** Absolute paths of the three assets. */
export type ChartAssetPaths = Record<ChartAssetName, string>;

/** Thrown when the renderer's files cannot be found: a deployment without them cannot draw. */
export class ChartAssetsMissingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChartAssetsMissingError';
  }
}

const NAMES = Object.keys(CHART_ASSET_FILES) as ChartAssetName[];

/** The assets in one folder, by their file names. */
export function chartAssetsIn(dir: string): ChartAssetPaths {
  return Object.fromEntries(NAMES.map((name) => [name, path.join(dir, CHART_ASSET_FILES[name].file)])) as ChartAssetPaths;
}

/** The assets as installed in node_modules (where the deployment copies them from). */
export function installedChartAssets(): ChartAssetPaths {
  return Object.fromEntries(NAMES.map((name) => [name, require.resolve(CHART_ASSET_FILES[name].from)])) as ChartAssetPaths;
}

/**
 * Where the assets are: `assetsDir` when given; else the `briefing-assets` folder beside the
 * running bundle (`bundleDir`, the Lambda's `/var/task`) when it exists; else node_modules.
 */
export function locateChartAssets(assetsDir: string | undefined, bundleDir: string): ChartAssetPaths {
  const beside = path.join(bundleDir, CHART_ASSETS_DIR_NAME);
  let found: ChartAssetPaths;
  try {
    found = assetsDir !== undefined ? chartAssetsIn(assetsDir) : fs.existsSync(beside) ? chartAssetsIn(beside) : installedChartAssets();
  } catch (cause) {
    throw new ChartAssetsMissingError(`Chart assets not found beside the bundle (${beside}) nor in node_modules`, { cause });
  }
  const missing = NAMES.filter((name) => !fs.existsSync(found[name]));
  if (missing.length > 0) throw new ChartAssetsMissingError(`Chart assets missing: ${missing.map((name) => found[name]).join(', ')}`);
  return found;
}
