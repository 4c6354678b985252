/**
 * Draws the briefing's charts as PNG: Apache ECharts renders each chart to SVG on the server (no
 * canvas, no browser), resvg (WebAssembly, no native binary) rasterises it with the bundled
 * DejaVu Sans, which covers every Vietnamese letter.
 *
 * How a chart looks is decided here, once, for every place it is shown (email, workbook, draft
 * report): 640 px wide (drawn at 2×, 1,280 px, so it stays sharp on a phone), text of 13 px or
 * more, one colour per series role in every chart, Vietnamese number formats ("1.234",
 * "10,2%"), no figure drawn where there is none (`null` is a gap, never 0). Percent charts take
 * fractions (0.102 is 10,2%), like the form's ratios and their `targetMin`.
 *
 * Inputs are bounded so one odd form cannot make a huge picture: at most {@link MAX_CHARTS}
 * charts per call, {@link MAX_CATEGORIES} categories per chart (the rest summed up in one "…"
 * category), {@link MAX_SERIES} series, and capped text lengths.
 */
import * as fs from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, type GridComponentOption, type LegendComponentOption, type TitleComponentOption } from 'echarts/components';
import { LabelLayout } from 'echarts/features';
import { SVGRenderer } from 'echarts/renderers';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import type { ChartRenderer, ChartSpec, RenderedChart } from '../core/briefing/model';
import { locateChartAssets, type ChartAssetPaths } from './chart-assets';
import { readFontMetrics, type FontMetrics } from './ttf-metrics';


export interface ChartRendererOptions {
  /** Where `index_bg.wasm` and the fonts are (the Lambda bundle's copy); default: beside the bundle, else node_modules. */
  assetsDir?: string;
}

/** At most this many charts are drawn per call (the rest are left out). */
export const MAX_CHARTS = 12;
/** At most this many categories per chart; beyond, the last one reads "… và N mục khác". */
export const MAX_CATEGORIES = 60;
/** At most this many series per chart. */
export const MAX_SERIES = 10;
/** Logical width of every chart; the PNG is {@link PIXEL_RATIO} times wider. */
export const CHART_WIDTH = 640;
export const PIXEL_RATIO = 2;

type Role = NonNullable<ChartSpec['series'][number]['role']>;

/**
 * One colour per role, the same in every chart. Chosen to stay apart for colour-blind readers
 * (blue / amber / red differ in lightness as well as hue) and calm on a white page.
 */
export const ROLE_COLOURS: Record<Role, string> = {
  done: '#1f6fb2',
  late: '#e8a317',
  missing: '#c0392b',
  progress: '#8fbde6',
  neutral: '#3e5c76',
  target: '#222222',
};
/** Series without a role (or `neutral`) in the same chart take these, in order, so lines stay apart. */
const NEUTRAL_SEQUENCE = ['#3e5c76', '#009e73', '#cc79a7', '#56b4e9', '#8c6d31', '#7b5ea7', '#6b6b6b', '#000000', '#d55e00', '#0072b2'];
/** Text on a coloured bar: dark on the light colours, white on the dark ones. */
const LABEL_ON: Record<string, string> = { '#e8a317': '#1a1a1a', '#8fbde6': '#1a1a1a' };

const FONT_FAMILY = 'DejaVu Sans';
const TEXT = '#1f2933';
const MUTED = '#52606d';
const GRID_LINE = '#e4e7eb';
const PAD = 16;
const TITLE_SIZE = 17;
const SUBTITLE_SIZE = 13;
const LABEL_SIZE = 13;
const LEGEND_SIZE = 13;
/** Widest category label column of a horizontal bar chart before labels wrap. */
const LABEL_COLUMN = 200;
const MAX_LABEL_LINES = 3;
const TEXT_CAPS = { title: 140, subtitle: 220, category: 90, series: 60 } as const;

/** Vietnamese number formats: "1.234", "12,5"; percentages from fractions: "10,2%". */
const integerFormat = /* @__PURE__ */ new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const decimalFormat = /* @__PURE__ */ new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
export function formatChartValue(value: number, format: ChartSpec['format']): string {
  if (format === 'percent') return `${decimalFormat.format(value * 100)}%`;
  return Number.isInteger(value) ? integerFormat.format(value) : decimalFormat.format(value);
}

// ── Assets, loaded once per process ─────────────────────────────────────────────────────────

interface Fonts {
  buffers: Uint8Array[];
  regular: FontMetrics;
  bold: FontMetrics;
}

let wasmReady: Promise<void> | undefined;
let fonts: Fonts | undefined;

/**
 * resvg's `initWasm` throws when called twice in a process: every renderer shares one promise.
 *
 * WebAssembly is compiled by V8's baseline compiler only (`--liftoff-only`, read when a module is
 * compiled): V8 otherwise also recompiles resvg's 2.5 MB module with its optimising compiler in
 * the background, which for the five charts of a consolidation cost ≈ 70 MB more peak memory and
 * ≈ 0.35 s more on a cold start than it saved in drawing (BENCHMARKS.md, issue 15). The Lambdas
 * that draw charts compile no other WebAssembly on their hot path.
 */
function initResvgOnce(wasmPath: string): Promise<void> {
  if (!wasmReady) setFlagsFromString('--liftoff-only');
  wasmReady ??= fs.promises.readFile(wasmPath).then((wasm) => initWasm(wasm));
  // A failed start (unreadable file) may be retried by the next render.
  wasmReady.catch(() => (wasmReady = undefined));
  return wasmReady;
}

/**
 * The fonts (for resvg) and their metrics (for ECharts' layout), once per process. ECharts'
 * text measuring is process-wide (`setPlatformAPI`), so the first fonts loaded are the ones.
 */
function loadFontsOnce(assets: Pick<ChartAssetPaths, 'regular' | 'bold'>): Fonts {
  if (fonts) return fonts;
  // Registered here, not at module scope: a module without side effects is left out of the
  // bundles of the functions that compose no chart renderer (esbuild drops it unused).
  echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, LabelLayout, SVGRenderer]);
  const regular = fs.readFileSync(assets.regular);
  const bold = fs.readFileSync(assets.bold);
  const loaded: Fonts = { buffers: [regular, bold], regular: readFontMetrics(regular), bold: readFontMetrics(bold) };
  echarts.setPlatformAPI({
    measureText: (text: string, font?: string) => {
      const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
      return { width: (/\bbold\b|\b[6-9]00\b/.test(font ?? '') ? loaded.bold : loaded.regular).measure(text ?? '', size) };
    },
  });
  fonts = loaded;
  return loaded;
}

// ── The renderer ────────────────────────────────────────────────────────────────────────────

/** The renderer; the WebAssembly module and fonts load once per process, at the first render. */
export function createChartRenderer(options: ChartRendererOptions = {}): ChartRenderer {
  let assets: ChartAssetPaths | undefined;
  return {
    async render(charts: readonly ChartSpec[]): Promise<RenderedChart[]> {
      if (charts.length === 0) return [];
      assets ??= locateChartAssets(options.assetsDir, __dirname);
      await initResvgOnce(assets.wasm);
      const loaded = loadFontsOnce(assets);
      const rendered: RenderedChart[] = [];
      for (const raw of charts.slice(0, MAX_CHARTS)) {
        const spec = boundSpec(raw);
        const resvg = new Resvg(drawSvg(spec, loaded), {
          font: { fontBuffers: loaded.buffers, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY, loadSystemFonts: false },
          fitTo: { mode: 'zoom', value: PIXEL_RATIO },
          background: '#ffffff',
        });
        try {
          const image = resvg.render();
          try {
            rendered.push({ id: spec.id, title: spec.title, alt: spec.alt, png: Buffer.from(image.asPng()), width: image.width, height: image.height });
          } finally {
            image.free();
          }
        } finally {
          resvg.free();
        }
      }
      return rendered;
    },
  };
}

/**
 * One chart as SVG text (640 px wide, its height from its content). Exposed for tests, which
 * read the SVG's texts and colours; the renderer rasterises exactly this.
 */
export function chartSvg(spec: ChartSpec, assetsDir?: string): string {
  return drawSvg(boundSpec(spec), loadFontsOnce(locateChartAssets(assetsDir, __dirname)));
}

function drawSvg(spec: ChartSpec, metrics: Fonts): string {
  const { option, height } = chartOption(spec, metrics);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

// ── Bounding the input ──────────────────────────────────────────────────────────────────────

const cap = (text: string, max: number): string => {
  const chars = Array.from(text.normalize('NFC').replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
};
const finiteOrNull = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The spec with its sizes capped and its data aligned to its categories (non-numbers as gaps). */
export function boundSpec(spec: ChartSpec): ChartSpec {
  const total = spec.categories.length;
  const over = total > MAX_CATEGORIES;
  const kept = over ? MAX_CATEGORIES - 1 : total;
  // A trend keeps its latest periods; the others keep their first categories.
  const from = over && spec.kind === 'line' ? total - kept : 0;
  const pick = <T>(values: readonly T[] | undefined, fill: T): T[] => {
    const slice = Array.from({ length: kept }, (_, i) => values?.[from + i] ?? fill);
    return over ? (spec.kind === 'line' ? [fill, ...slice] : [...slice, fill]) : slice;
  };
  const rest = `… và ${integerFormat.format(total - kept)} mục khác`;
  const categories = pick(spec.categories.map((c) => cap(String(c), TEXT_CAPS.category)), '');
  if (over) categories[spec.kind === 'line' ? 0 : categories.length - 1] = rest;
  return {
    id: spec.id,
    kind: spec.kind,
    title: cap(spec.title, TEXT_CAPS.title),
    subtitle: spec.subtitle === undefined ? undefined : cap(spec.subtitle, TEXT_CAPS.subtitle),
    categories,
    series: spec.series.slice(0, MAX_SERIES).map((s) => ({ name: cap(s.name, TEXT_CAPS.series), role: s.role, data: pick(s.data.map(finiteOrNull), null) })),
    format: spec.format === 'percent' ? 'percent' : 'number',
    targets: spec.targets === undefined ? undefined : pick(spec.targets.map(finiteOrNull), null),
    alt: spec.alt,
  };
}

// ── Layout and options ──────────────────────────────────────────────────────────────────────

type Option = echarts.ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption>;

/**
 * Splits text into lines no wider than `width` (by words; a word wider than a line by letters),
 * balanced: as many lines as needed, each about as long ("Các ban đảng, / văn phòng Tỉnh ủy"
 * rather than "Các ban đảng, văn phòng Tỉnh / ủy"). Past `maxLines` the last line ends in "…".
 */
export function wrapText(text: string, width: number, size: number, metrics: FontMetrics, maxLines = Infinity): string[] {
  const greedy = greedyWrap(text, width, size, metrics);
  if (greedy.length > maxLines) {
    const kept = greedy.slice(0, maxLines);
    let last = `${kept[maxLines - 1]}…`;
    while (metrics.measure(last, size) > width && last.length > 2) last = `${Array.from(last).slice(0, -2).join('')}…`;
    kept[maxLines - 1] = last;
    return kept;
  }
  if (greedy.length < 2) return greedy;
  // The narrowest width that still needs no more lines.
  let low = 0;
  let high = width;
  for (let i = 0; i < 8; i++) {
    const mid = (low + high) / 2;
    if (greedyWrap(text, mid, size, metrics).length <= greedy.length) high = mid;
    else low = mid;
  }
  return greedyWrap(text, high, size, metrics);
}

function greedyWrap(text: string, width: number, size: number, metrics: FontMetrics): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (metrics.measure(candidate, size) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    while (metrics.measure(rest, size) > width && Array.from(rest).length > 1) {
      const chars = Array.from(rest);
      let n = chars.length - 1;
      while (n > 1 && metrics.measure(chars.slice(0, n).join(''), size) > width) n--;
      lines.push(chars.slice(0, n).join(''));
      rest = chars.slice(n).join('');
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
}

/** A legend entry; a drawn icon (target line, marker) names its colour. */
interface LegendItem {
  name: string;
  icon?: string;
  itemStyle?: { color: string; borderWidth: number };
}

interface SeriesLook {
  name: string;
  role: Role;
  colour: string;
  data: Array<number | null>;
}

/** Each series' colour: its role's, and for neutral series the next colour of the neutral sequence. */
function seriesLooks(spec: ChartSpec): SeriesLook[] {
  let neutral = 0;
  return spec.series.map((s) => {
    const role = s.role ?? 'neutral';
    const colour = role === 'neutral' ? NEUTRAL_SEQUENCE[neutral++ % NEUTRAL_SEQUENCE.length]! : ROLE_COLOURS[role];
    return { name: s.name, role, colour, data: s.data };
  });
}

/** Round axis maxima (× 10^k) and the number of ticks that divides each evenly. */
const NICE_STEPS: ReadonlyArray<readonly [number, number]> = [
  [1, 5],
  [1.2, 6],
  [1.5, 3],
  [2, 4],
  [2.5, 5],
  [3, 6],
  [4, 4],
  [5, 5],
  [6, 6],
  [8, 4],
  [10, 5],
];

/** A round axis maximum at or above `value`, and a tick interval dividing it (whole numbers for counts). */
export function niceScale(value: number, integers: boolean): { max: number; interval: number } {
  if (!(value > 0)) return integers ? { max: 5, interval: 1 } : { max: 1, interval: 0.2 };
  if (integers && value <= 5) return { max: 5, interval: 1 };
  const power = 10 ** Math.floor(Math.log10(value));
  for (const [step, ticks] of NICE_STEPS) {
    const max = Number((step * power).toPrecision(12));
    const interval = Number((max / ticks).toPrecision(12));
    if (max >= value * (1 - 1e-9) && (!integers || Number.isInteger(interval))) return { max, interval };
  }
  return { max: 10 * power, interval: 2 * power };
}

/** Title, subtitle and legend on top; returns the y where the plot may start. */
function header(spec: ChartSpec, metrics: Fonts, legendItems: LegendItem[]): { option: Option; top: number } {
  const inner = CHART_WIDTH - 2 * PAD;
  const titleLines = wrapText(spec.title, inner, TITLE_SIZE, metrics.bold, 3);
  const subtitleLines = spec.subtitle ? wrapText(spec.subtitle, inner, SUBTITLE_SIZE, metrics.regular, 3) : [];
  const titleHeight = titleLines.length * 23 + (subtitleLines.length ? 4 + subtitleLines.length * 18 : 0);
  const title: TitleComponentOption = {
    text: titleLines.join('\n'),
    subtext: subtitleLines.join('\n'),
    left: PAD,
    top: PAD - 4,
    padding: 0,
    itemGap: 4,
    textStyle: { fontFamily: FONT_FAMILY, fontSize: TITLE_SIZE, fontWeight: 'bold', color: TEXT, lineHeight: 23 },
    subtextStyle: { fontFamily: FONT_FAMILY, fontSize: SUBTITLE_SIZE, color: MUTED, lineHeight: 18 },
  };
  let y = PAD - 4 + titleHeight + 12;
  const legendRows = legendLayoutRows(legendItems.map((i) => i.name), metrics.regular, inner);
  const legend: LegendComponentOption = {
    show: legendItems.length > 0,
    data: legendItems,
    left: PAD,
    top: y,
    width: inner,
    padding: 0,
    itemGap: LEGEND_GAP,
    itemWidth: LEGEND_ICON_WIDTH,
    itemHeight: 12,
    textStyle: { fontFamily: FONT_FAMILY, fontSize: LEGEND_SIZE, color: TEXT },
    selectedMode: false,
  };
  if (legendItems.length > 0) y += legendRows * 22 + 6;
  return { option: { title, legend }, top: y + 6 };
}

const LEGEND_GAP = 18;
/** Helper series that only carry labels (never in the legend). */
const TOTAL_SERIES = '__total';
const NO_DATA_SERIES = '__no-data';
/** Legend icons: a target line (dashed) and a target marker (a short upright bar). */
const DASH_ICON = 'path://M0,5h5v2h-5zM7,5h5v2h-5zM14,5h5v2h-5z';
const MARKER_ICON = 'path://M0,0h3v16h-3z';
const LEGEND_ICON_WIDTH = 18;

/** How many rows ECharts' legend takes in `width` (items flow left to right and wrap). */
function legendLayoutRows(names: string[], metrics: FontMetrics, width: number): number {
  let rows = 1;
  let x = 0;
  for (const name of names) {
    const item = LEGEND_ICON_WIDTH + 5 + metrics.measure(name, LEGEND_SIZE);
    if (x > 0 && x + item > width) {
      rows++;
      x = 0;
    }
    x += item + LEGEND_GAP;
  }
  return rows;
}

const textStyle = { fontFamily: FONT_FAMILY, fontSize: LABEL_SIZE, color: TEXT };

/** The ECharts option of one (bounded) chart and the height it needs. */
function chartOption(spec: ChartSpec, metrics: Fonts): { option: Option; height: number } {
  return spec.kind === 'line' ? lineOption(spec, metrics) : horizontalBarOption(spec, metrics);
}

/** `bar-stacked` and `bar-target`: one row per category, labels wrapped in a left column. */
function horizontalBarOption(spec: ChartSpec, metrics: Fonts): { option: Option; height: number } {
  const looks = seriesLooks(spec);
  const format = (v: number) => formatChartValue(v, spec.format);
  const labels = spec.categories.map((c) => wrapText(c, LABEL_COLUMN, LABEL_SIZE, metrics.regular, MAX_LABEL_LINES));
  const labelWidth = Math.min(LABEL_COLUMN, Math.max(40, ...labels.flat().map((l) => metrics.regular.measure(l, LABEL_SIZE))));
  const rowHeights = labels.map((l) => Math.max(34, l.length * 17 + 14));
  const rowHeight = Math.max(...rowHeights, 34);
  const plotHeight = rowHeight * Math.max(1, spec.categories.length);
  const stacked = spec.kind === 'bar-stacked';
  const targets = spec.kind === 'bar-target' ? (spec.targets ?? []) : [];

  // Value axis: from 0 to a round maximum over every figure (stacked: the category totals).
  const totals = spec.categories.map((_, i) => {
    const values = looks.map((s) => s.data[i]).filter((v): v is number => v !== null);
    return values.length === 0 ? null : stacked ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
  });
  const highest = Math.max(0, ...totals.filter((v): v is number => v !== null), ...targets.filter((v): v is number => v !== null));
  // A target's marker and its label need room inside the plot, not on its edge.
  const integers = spec.format === 'number' && looks.every((s) => s.data.every((v) => v === null || Number.isInteger(v)));
  let scale = niceScale(targets.some((t) => t === highest) ? highest * 1.1 : highest, integers);
  // A negative figure (a ratio that went the wrong way: staff grew since 2015) gets its bar to the left of 0, not a bar hidden at 0.
  const lowest = stacked ? 0 : Math.min(0, ...looks.flatMap((s) => s.data.filter((v): v is number => v !== null)));
  let axisMin = 0;
  if (lowest < 0) {
    const { interval } = niceScale((scale.max - lowest) / 1.2, integers);
    axisMin = Math.floor(lowest / interval) * interval;
    scale = { max: Math.max(interval, Math.ceil(scale.max / interval) * interval), interval };
  }

  const endLabelWidth = Math.max(0, ...totals.filter((v): v is number => v !== null).map((v) => metrics.bold.measure(format(v), LABEL_SIZE)));
  const left = PAD + labelWidth + 10;
  const right = PAD + Math.ceil(endLabelWidth) + 12;
  const plotWidth = CHART_WIDTH - left - right;

  const series: Array<BarSeriesOption | LineSeriesOption> = [];
  const legendItems: LegendItem[] = [];
  if (stacked) {
    for (const look of looks) {
      legendItems.push({ name: look.name });
      series.push({
        type: 'bar',
        name: look.name,
        stack: 'total',
        barMaxWidth: 26,
        data: look.data,
        itemStyle: { color: look.colour, borderColor: '#ffffff', borderWidth: 1 },
        label: {
          show: true,
          position: 'inside',
          ...textStyle,
          color: LABEL_ON[look.colour] ?? '#ffffff',
          // Only where the number fits inside its part of the bar.
          formatter: (p) => {
            const v = typeof p.value === 'number' ? p.value : null;
            if (v === null || v === 0) return '';
            const text = format(v);
            return (Math.abs(v) / (scale.max - axisMin)) * plotWidth >= metrics.regular.measure(text, LABEL_SIZE) + 8 ? text : '';
          },
        },
      });
    }
    // The category's total at the end of its bar: a zero-length bar carrying the label.
    series.push({
      type: 'bar',
      name: TOTAL_SERIES,
      stack: 'total',
      data: totals.map((t) => (t === null ? null : 0)),
      itemStyle: { color: 'transparent' },
      label: { show: true, position: 'right', ...textStyle, fontWeight: 'bold', formatter: (p) => (totals[p.dataIndex] === null ? '' : format(totals[p.dataIndex]!)) },
    });
  } else {
    const [main, ...others] = looks;
    if (main) {
      const below = main.data.map((v, i) => v !== null && targets[i] !== null && targets[i] !== undefined && v < targets[i]!);
      legendItems.push({ name: main.name });
      if (below.some(Boolean)) legendItems.push({ name: 'Chưa đạt mục tiêu' });
      series.push({
        type: 'bar',
        name: main.name,
        stack: 'value',
        barMaxWidth: 26,
        data: main.data.map((v, i) => {
          if (v === null) return null;
          const colour = below[i] ? ROLE_COLOURS.late : main.colour;
          // The figure inside the bar's end where it fits, outside where the target marker would cross it.
          const px = (x: number) => ((x - axisMin) / (scale.max - axisMin)) * plotWidth;
          const textWidth = metrics.bold.measure(format(v), LABEL_SIZE);
          const target = targets[i];
          const markerIn = (from: number, to: number) => target !== null && target !== undefined && px(target) >= from - 3 && px(target) <= to + 3;
          // A negative figure's bar runs left of 0: its number sits beyond the bar's end, on the left.
          if (v < 0) return { value: v, itemStyle: { color: colour }, label: { position: 'left' as const } };
          const fits = px(v) - px(0) >= textWidth + 14;
          const inside = fits && (!markerIn(px(v) - textWidth - 8, px(v)) || markerIn(px(v), px(v) + textWidth + 8));
          return { value: v, itemStyle: { color: colour }, label: inside ? { position: 'insideRight' as const, color: LABEL_ON[colour] ?? '#ffffff' } : {} };
        }),
        itemStyle: { color: main.colour },
        label: { show: true, position: 'right', ...textStyle, fontWeight: 'bold', formatter: (p) => (typeof p.value === 'number' ? format(p.value) : '') },
      });
      // No bar where there is no figure, but say so, rather than leave the row looking like 0.
      if (main.data.some((v) => v === null)) {
        series.push({
          type: 'bar',
          name: NO_DATA_SERIES,
          stack: 'value',
          data: main.data.map((v) => (v === null ? 0 : null)),
          itemStyle: { color: 'transparent' },
          label: { show: true, position: 'right', fontFamily: FONT_FAMILY, fontSize: 12, fontStyle: 'italic', color: MUTED, formatter: () => 'chưa có số liệu' },
        });
      }
      // Legend entry only: the colour of a bar below its target.
      if (below.some(Boolean)) series.push({ type: 'bar', name: 'Chưa đạt mục tiêu', stack: 'value', data: [], itemStyle: { color: ROLE_COLOURS.late } });
    }
    for (const look of others) {
      legendItems.push({ name: look.name });
      series.push({ type: 'bar', name: look.name, barMaxWidth: 26, data: look.data, itemStyle: { color: look.colour }, label: { show: true, position: 'right', ...textStyle, formatter: (p) => (typeof p.value === 'number' ? format(p.value) : '') } });
    }
    if (targets.some((t) => t !== null)) {
      legendItems.push({ name: 'Mục tiêu', icon: MARKER_ICON, itemStyle: { color: ROLE_COLOURS.target, borderWidth: 0 } });
      series.push({
        type: 'line',
        name: 'Mục tiêu',
        data: targets,
        symbol: 'rect',
        symbolSize: [3, Math.min(rowHeight - 4, 34)],
        itemStyle: { color: ROLE_COLOURS.target },
        lineStyle: { opacity: 0 },
        connectNulls: false,
        z: 5,
        label: {
          show: true,
          position: 'top',
          distance: 2,
          fontFamily: FONT_FAMILY,
          fontSize: 12,
          color: MUTED,
          formatter: (p) => (typeof p.value === 'number' ? `mục tiêu ${format(p.value)}` : ''),
        },
      });
    }
  }

  const head = header(spec, metrics, legendItems);
  const xAxisHeight = 30;
  const height = Math.ceil(head.top + plotHeight + xAxisHeight + PAD);
  const grid: GridComponentOption = { left, right, top: head.top, height: plotHeight };
  const option: Option = {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    ...head.option,
    grid,
    yAxis: {
      type: 'category',
      inverse: true,
      data: labels.map((l) => l.join('\n')),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#9aa5b1' } },
      axisLabel: { ...textStyle, lineHeight: 17, margin: 10 },
    },
    xAxis: {
      type: 'value',
      min: axisMin,
      max: scale.max,
      interval: scale.interval,
      axisLabel: { ...textStyle, color: MUTED, formatter: (v: number) => format(v) },
      splitLine: { lineStyle: { color: GRID_LINE } },
    },
    series,
  };
  return { option, height };
}

/** `line`: periods along the bottom, one line per series, each point labelled; gaps where a figure is missing. */
function lineOption(spec: ChartSpec, metrics: Fonts): { option: Option; height: number } {
  const looks = seriesLooks(spec);
  const format = (v: number) => formatChartValue(v, spec.format);
  const values = looks.flatMap((s) => s.data).filter((v): v is number => v !== null);
  const integers = spec.format === 'number' && values.every((v) => Number.isInteger(v));
  const axis = lineAxis(values, spec.format, integers);
  const ticks = Math.round((axis.max - axis.min) / axis.interval);
  const axisLabelWidth = Math.max(...Array.from({ length: ticks + 1 }, (_, i) => metrics.regular.measure(format(axis.min + i * axis.interval), LABEL_SIZE)));
  const left = PAD + Math.ceil(axisLabelWidth) + 10;
  const right = PAD + 4;
  const slot = (CHART_WIDTH - left - right) / Math.max(1, spec.categories.length);
  // Eight periods share about 70 px each: their labels step down to 12 px before they wrap further.
  const periodSize = slot < 80 ? 12 : LABEL_SIZE;
  const labels = spec.categories.map((c) => wrapText(c, Math.max(44, slot - 8), periodSize, metrics.regular, MAX_LABEL_LINES));
  const labelLines = Math.max(1, ...labels.map((l) => l.length));

  const legendItems = looks.map((s) => (s.role === 'target' ? { name: s.name, icon: DASH_ICON, itemStyle: { color: s.colour, borderWidth: 0 } } : { name: s.name }));
  const head = header(spec, metrics, legendItems);
  const top = head.top + 14; // room for the labels above the highest points
  const plotHeight = 250;
  const height = Math.ceil(top + plotHeight + 10 + labelLines * 17 + PAD);
  // Where two lines run close, the upper one's figures go above it and the lower one's below.
  const labelled = looks.filter((l) => l.role !== 'target');
  const below = (look: SeriesLook, i: number): boolean => {
    const v = look.data[i];
    const others = labelled.filter((l) => l !== look).map((l) => l.data[i]).filter((o): o is number => o !== null && o !== undefined);
    return v !== null && v !== undefined && others.length > 0 && others.every((o) => o > v);
  };
  const series: LineSeriesOption[] = looks.map((look) => {
    const target = look.role === 'target';
    return {
      type: 'line',
      name: look.name,
      data: look.data.map((v, i) => (v === null ? null : { value: v, label: { position: below(look, i) ? 'bottom' : 'top' } })),
      connectNulls: false,
      symbol: target ? 'none' : 'circle',
      symbolSize: 8,
      showAllSymbol: true,
      lineStyle: { color: look.colour, width: target ? 2 : 3, type: target ? 'dashed' : 'solid' },
      itemStyle: { color: look.colour, borderColor: '#ffffff', borderWidth: 1.5 },
      label: {
        show: !target,
        position: 'top',
        distance: 6,
        ...textStyle,
        fontWeight: 'bold',
        color: look.colour,
        // A white halo keeps a figure readable where it crosses a line or a grid line.
        textBorderColor: '#ffffff',
        textBorderWidth: 3,
        formatter: (p) => (typeof p.value === 'number' ? format(p.value) : ''),
      },
      labelLayout: { hideOverlap: true },
      z: target ? 1 : 3,
    };
  });
  const option: Option = {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    ...head.option,
    grid: { left, right, top, height: plotHeight },
    xAxis: {
      type: 'category',
      data: labels.map((l) => l.join('\n')),
      boundaryGap: true,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#9aa5b1' } },
      axisLabel: { ...textStyle, fontSize: periodSize, lineHeight: 17, interval: 0, margin: 10 },
    },
    yAxis: {
      type: 'value',
      min: axis.min,
      max: axis.max,
      interval: axis.interval,
      axisLabel: { ...textStyle, color: MUTED, formatter: (v: number) => format(v) },
      splitLine: { lineStyle: { color: GRID_LINE } },
    },
    series,
  };
  return { option, height };
}

/**
 * The value axis of a trend. Ratios start at 0 (or below, to reach a negative one). Totals that stay far from 0 (a staff count of
 * 12,000 falling by 500) start at a round number below the lowest figure, or the change would be
 * a flat line; a line, unlike a bar, does not claim its length from 0.
 */
function lineAxis(values: number[], format: ChartSpec['format'], integers: boolean): { min: number; max: number; interval: number } {
  const high = Math.max(0, ...values);
  const low = Math.min(high, ...values);
  if (low < 0) {
    // Below 0 (a ratio that went the wrong way): the axis reaches the lowest figure instead of cutting it off.
    const { interval } = niceScale((high - low) * 1.1, integers);
    const min = Math.floor(low / interval) * interval;
    return { min, max: Math.max(min + interval, Math.ceil(high / interval) * interval), interval };
  }
  if (format === 'percent' || low <= high * 0.5) {
    const scale = niceScale(high * 1.08, integers);
    return { min: 0, ...scale };
  }
  const { interval } = niceScale(Math.max(high - low, high * 0.02) * 1.3, integers);
  const min = Math.max(0, Math.floor(low / interval - 0.3) * interval);
  const max = Math.ceil(high / interval + 0.3) * interval;
  return { min, max, interval };
}
