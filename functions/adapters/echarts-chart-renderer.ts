/**
 * Draws the briefing's charts as PNG: Apache ECharts renders each chart to SVG on the server (no
 * canvas, no browser), resvg (WebAssembly, no native binary) rasterises it with the bundled
 * DejaVu Sans, which covers every Vietnamese letter.
 */
import type { ChartRenderer } from '../core/briefing/model';

export interface ChartRendererOptions {
  /** Where `index_bg.wasm` and the fonts are (the Lambda bundle's copy); default: node_modules. */
  assetsDir?: string;
}

/** The renderer; the WebAssembly module and fonts load once per process, at the first render. */
export function createChartRenderer(options: ChartRendererOptions = {}): ChartRenderer {
  void options;
  // Placeholder until the renderer lands.
  return { render: () => Promise.resolve([]) };
}
