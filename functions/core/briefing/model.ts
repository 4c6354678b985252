/**
 * The leadership briefing as data: what Thường trực Tỉnh ủy reads first. It is computed from the
 * consolidated report and the form's history, driven by the form definition's `briefing` (or its
 * defaults), and nothing else — the email, the workbook, the console and the draft report all
 * show the same briefing, so they cannot disagree with each other or with the workbook's figures.
 */
import type { Unit } from '../model';

/** Where a unit stood in one period. */
export type UnitPeriodStatus = 'on-time' | 'late' | 'missing' | 'returned';

/** One period of the form's history, as it counted (returned reports never count). */
export interface PeriodSnapshot {
  period: string;
  /** "Quý I năm 2026" … */
  label: string;
  /** Province totals of the counted latest accepted values (keys as in the report's `totals`). */
  totals: Record<string, number>;
  unitsExpected: number;
  unitsReported: number;
  /** Per unit code: where the unit stood (units the form did not apply to are absent). */
  unitStatus: Record<string, UnitPeriodStatus>;
  /** Per reporting unit code: its own totals (for a unit's change against its previous period). */
  unitTotals: Record<string, Record<string, number>>;
}

/** Why a unit needs attention: a stable code (machines, tests) and a Vietnamese sentence. */
export interface AttentionReason {
  code: 'not-reported' | 'late-streak' | 'returned' | 'below-target' | 'share-above' | 'changed';
  text: string;
}

/** A unit in "Đơn vị cần đôn đốc", with every reason that applies (most serious first). */
export interface AttentionItem {
  unit: Unit;
  reasons: AttentionReason[];
}

/** How a chart's numbers are printed: counts ("1.234") or percentages ("10,2%"). */
export type ChartValueFormat = 'number' | 'percent';

/**
 * One chart as data, ready to draw: the renderer turns it into a picture and knows nothing of
 * forms. Series colours come from `role` (the same role is the same colour in every chart).
 */
export interface ChartSpec {
  /** Stable id: the email's Content-ID and the picture's file name (`[a-z0-9-]+`). */
  id: string;
  /** `bar-stacked`: horizontal stacked bars per category; `bar-target`: one bar per category with its target marked; `line`: series over periods. */
  kind: 'bar-stacked' | 'bar-target' | 'line';
  title: string;
  subtitle?: string;
  /** Category labels: unit types, ratio labels or period labels (oldest first). */
  categories: string[];
  series: Array<{
    name: string;
    /** null: no figure (a period nobody reported, a ratio without a denominator) — never drawn as 0. */
    data: Array<number | null>;
    role?: 'done' | 'late' | 'missing' | 'progress' | 'neutral' | 'target';
  }>;
  format: ChartValueFormat;
  /** `bar-target` only: the target of each category (null: none). */
  targets?: Array<number | null>;
  /** A one-paragraph text of what the chart shows (alt text, the plain-text email, the document). */
  alt: string;
}

/** A chart drawn as a PNG. */
export interface RenderedChart {
  id: string;
  title: string;
  alt: string;
  png: Buffer;
  /** Pixel size of the PNG (drawn at 2× for sharp phones; shown at half). */
  width: number;
  height: number;
}

/** Draws charts as PNG pictures (ECharts' server-side SVG rasterised by resvg in WebAssembly). */
export interface ChartRenderer {
  render(charts: readonly ChartSpec[]): Promise<RenderedChart[]>;
}

/** The briefing of one consolidated report. */
export interface Briefing {
  /** Three to five sentences answering "are we on target?" (the email's first screen, the document's opening). */
  summary: string[];
  /** Every unit needing attention, most reasons / most serious first. */
  attention: AttentionItem[];
  /** How many the email lists before "và N đơn vị khác". */
  emailLimit: number;
  charts: ChartSpec[];
  /** The history used: oldest first, the report's own period last. */
  history: PeriodSnapshot[];
}
