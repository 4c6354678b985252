/**
 * Builds the leadership briefing of a consolidated report from the form's history: the summary
 * sentences, the units needing attention and the charts (as data). Every number comes from the
 * report (its totals, ratios and unit lines) or from snapshots counted the same way, so the
 * briefing says what the workbook says.
 */
import { formatNumber, formatPercent } from '../consolidation/email';
import type { ConsolidatedReport, UnitLine } from '../consolidation/report';
import { computeRatio } from '../consolidation/totals';
import type { AttentionRules, BriefingChart, Ratio } from '../forms/definition';
import { formatViDate } from '../format-vi';
import { shiftPeriod } from '../periods';
import { snapshotOf } from './history';
import type { AttentionItem, AttentionReason, Briefing, ChartSpec, PeriodSnapshot } from './model';
import { resolveBriefing, type BriefingFigure } from './resolve-briefing';

export interface BuildBriefingInput {
  report: ConsolidatedReport;
  /** Earlier periods, oldest first, not including the report's own period (at most 7). */
  earlier: readonly PeriodSnapshot[];
}

/** The briefing of `report` (see model.ts). */
export function buildBriefing(input: BuildBriefingInput): Briefing {
  const { report } = input;
  const resolved = resolveBriefing(report.form);
  const history = [...input.earlier, snapshotOf(report)];
  const attention = attentionList(report, input.earlier, resolved.attention);
  return {
    summary: summarySentences(report, resolved.highlights, attention.length),
    attention,
    emailLimit: resolved.attention.emailLimit,
    charts: chartSpecs(report, history, resolved.charts),
    history,
  };
}

// ---- numbers as people read them ----

/** A threshold or target as written in a rule: 0.1 → "10%", 0.125 → "12,5%". */
function formatThreshold(v: number): string {
  return formatPercent(v).replace(/,0%$/, '%');
}

/** "tăng 56", "giảm 4", "không đổi". */
function changeWords(current: number, previous: number, format: (v: number) => string = formatNumber): string {
  const diff = current - previous;
  if (diff === 0) return 'không đổi';
  return `${diff > 0 ? 'tăng' : 'giảm'} ${format(Math.abs(diff))}`;
}

const sumOf = (totals: Record<string, number>, keys: readonly string[]) => keys.reduce((s, k) => s + (totals[k] ?? 0), 0);
const hasAny = (totals: Record<string, number>, keys: readonly string[]) => keys.some((k) => k in totals);

// ---- summary: "are we on target?" ----

function summarySentences(report: ConsolidatedReport, highlights: readonly BriefingFigure[], attentionCount: number): string[] {
  const out: string[] = [];
  if (report.unitsExpected === 0) out.push('Kỳ này chưa có đơn vị nào phải báo cáo.');
  else {
    const late = report.units.filter((l) => l.accepted && l.late).length;
    const missing = report.unitsExpected - report.unitsReported;
    out.push(
      `${report.unitsReported}/${report.unitsExpected} đơn vị đã báo cáo` +
        (late > 0 ? ` (${late} đơn vị nộp muộn)` : '') +
        (missing > 0 ? `; ${missing} đơn vị chưa báo cáo.` : '.'),
    );
  }

  // Ratios with a target first; the first gets a sentence, the rest share one (3–5 sentences in all).
  const ratios = report.ratios.filter((r) => r.value !== undefined).sort((a, b) => Number(b.ratio.targetMin !== undefined) - Number(a.ratio.targetMin !== undefined));
  const phrases = ratios.map((r) => {
    let s = `${r.ratio.label} đạt ${formatPercent(r.value)}`;
    if (r.ratio.targetMin !== undefined) s += ` (mục tiêu ≥ ${formatThreshold(r.ratio.targetMin)}): ${r.meetsTarget ? 'đạt mục tiêu' : 'chưa đạt mục tiêu'}`;
    if (r.previous !== undefined) s += ` (${report.previousPeriodLabel}: ${formatPercent(r.previous)})`;
    return s;
  });
  if (phrases[0]) out.push(`${phrases[0]}.`);
  if (phrases.length > 1) out.push(`${phrases.slice(1).join('; ')}.`);

  const figures = highlights.filter((h) => h.key in report.totals).map((h) => {
    const current = report.totals[h.key]!;
    const previous = report.previousTotals[h.key];
    return `${h.label}: ${formatNumber(current)}` + (previous === undefined ? '' : ` (${changeWords(current, previous)} so với kỳ trước)`);
  });
  if (figures.length > 0) out.push(`${figures.join('; ')}.`);
  else if (report.unitsReported === 0 && report.unitsExpected > 0) out.push('Chưa có số liệu tổng hợp.');

  out.push(attentionCount > 0 ? `${attentionCount} đơn vị cần đôn đốc.` : 'Không có đơn vị nào cần đôn đốc.');
  return out;
}

// ---- units needing attention ----

const SEVERITY: Record<AttentionReason['code'], number> = { 'not-reported': 0, returned: 1, 'late-streak': 2, 'below-target': 3, 'share-above': 4, changed: 5 };

function attentionList(report: ConsolidatedReport, earlier: readonly PeriodSnapshot[], rules: AttentionRules): AttentionItem[] {
  // Only the period right before counts for a change, and only consecutive periods for a streak.
  const byPeriod = new Map(earlier.map((s) => [s.period, s]));
  const previous = byPeriod.get(report.previousPeriod);
  const ranked = report.units.map((line, order) => ({ order, item: { unit: line.unit, reasons: reasonsFor(report, line, byPeriod, previous, rules) } }));
  const urgent = (i: AttentionItem) => i.reasons.some((r) => r.code === 'not-reported' || r.code === 'returned');
  return ranked
    .filter((r) => r.item.reasons.length > 0)
    .sort((a, b) => Number(urgent(b.item)) - Number(urgent(a.item)) || b.item.reasons.length - a.item.reasons.length || a.order - b.order)
    .map((r) => r.item);
}

function reasonsFor(report: ConsolidatedReport, line: UnitLine, byPeriod: ReadonlyMap<string, PeriodSnapshot>, previous: PeriodSnapshot | undefined, rules: AttentionRules): AttentionReason[] {
  const reasons: AttentionReason[] = [];
  const code = line.unit.code;
  // Past the deadline with no accepted version (`late` means exactly that for a unit without one).
  if (!line.received && line.late) {
    const why = line.status === 'rejected' ? 'bản nộp bị từ chối, ' : line.status === 'pending' ? 'đang xử lý bản nộp, ' : '';
    reasons.push({ code: 'not-reported', text: `Chưa báo cáo (${why}hạn nộp ${formatViDate(line.deadline)})` });
  }
  if (rules.returned && line.excluded === 'returned') reasons.push({ code: 'returned', text: 'Báo cáo bị trả lại, chưa được tính vào số liệu tổng hợp' });

  if (rules.lateInARow > 0 && (line.late || line.excluded === 'returned')) {
    let streak = 1;
    for (let k = 1; ; k++) {
      const status = byPeriod.get(shiftPeriod(report.period, -k))?.unitStatus[code];
      if (status === undefined || status === 'on-time') break;
      streak += 1;
    }
    // A single period only matters when the rule asks for it (1) and "chưa báo cáo" does not already say it.
    if (streak >= rules.lateInARow && (streak > 1 || line.received)) {
      reasons.push({ code: 'late-streak', text: streak > 1 ? `Nộp muộn hoặc không báo cáo ${streak} kỳ liên tiếp` : 'Nộp muộn kỳ này' });
    }
  }

  if (line.accepted) {
    if (rules.belowTarget) {
      for (const ratio of report.form.ratios) {
        if (ratio.targetMin === undefined) continue;
        const value = computeRatio(ratio, line.totals);
        if (value !== undefined && value < ratio.targetMin) {
          reasons.push({ code: 'below-target', text: `${ratio.label} đạt ${formatPercent(value)}, dưới mục tiêu ≥ ${formatThreshold(ratio.targetMin)}` });
        }
      }
    }
    for (const rule of rules.shares) {
      const denominator = sumOf(line.totals, rule.denominator);
      if (!hasAny(line.totals, rule.denominator) || !hasAny(line.totals, rule.numerator) || denominator <= 0) continue;
      const numerator = sumOf(line.totals, rule.numerator);
      const share = numerator / denominator;
      if (share > rule.above) {
        reasons.push({ code: 'share-above', text: `${rule.label}: ${formatNumber(numerator)}/${formatNumber(denominator)} (${formatPercent(share)}), trên ngưỡng ${formatThreshold(rule.above)}` });
      }
    }
    const before = previous?.unitTotals[code];
    for (const rule of rules.changes) {
      const was = before?.[rule.key];
      const now = line.totals[rule.key];
      if (was === undefined || now === undefined || was <= 0 || was < rule.minPrevious) continue;
      const change = (now - was) / was;
      if (Math.abs(change) > rule.above) {
        reasons.push({ code: 'changed', text: `${rule.label} ${change > 0 ? 'tăng' : 'giảm'} ${formatPercent(Math.abs(change))} so với kỳ trước (${formatNumber(was)} → ${formatNumber(now)})` });
      }
    }
  }
  return reasons.sort((a, b) => SEVERITY[a.code] - SEVERITY[b.code]);
}

// ---- charts as data ----

function chartSpecs(report: ConsolidatedReport, history: readonly PeriodSnapshot[], charts: readonly BriefingChart[]): ChartSpec[] {
  const specs: ChartSpec[] = [];
  for (const chart of charts) {
    switch (chart.kind) {
      case 'completeness':
        specs.push(completenessChart(report, chart.title));
        break;
      case 'targets': {
        const spec = targetsChart(report, chart.ratios, chart.title);
        if (spec) specs.push(spec);
        break;
      }
      case 'trend': {
        const window = history.slice(-chart.periods);
        // A trend needs two periods with figures: one point is not a trend (the summary compares with the previous period).
        if (window.filter((s) => s.unitsReported > 0).length < 2) break;
        const ratios = chart.ratios.map((k) => report.form.ratios.find((r) => r.key === k)).filter((r): r is Ratio => r !== undefined);
        const both = ratios.length > 0 && chart.fields.length > 0;
        if (ratios.length > 0) specs.push(ratioTrendChart(window, ratios, both ? `${chart.title} — các tỷ lệ` : chart.title));
        if (chart.fields.length > 0) specs.push(fieldTrendChart(window, chart.fields, both ? `${chart.title} — các số liệu chính` : chart.title));
        break;
      }
      case 'breakdown':
        specs.push(breakdownChart(report, chart.title, chart.parts));
        break;
    }
  }
  // Ids name pictures and Content-IDs: a second chart of the same kind gets "-2", "-3" …
  const seen = new Map<string, number>();
  return specs.map((s) => {
    const n = (seen.get(s.id) ?? 0) + 1;
    seen.set(s.id, n);
    return n === 1 ? s : { ...s, id: `${s.id}-${n}` };
  });
}

function completenessChart(report: ConsolidatedReport, title = 'Tình hình nộp báo cáo theo loại đơn vị'): ChartSpec {
  const rows = report.byType.map((t) => {
    const lines = report.units.filter((l) => l.unit.type === t.type);
    const late = lines.filter((l) => l.accepted && l.late).length;
    return { label: t.label, onTime: t.unitsReported - late, late, missing: t.unitsExpected - t.unitsReported };
  });
  const total = (k: 'onTime' | 'late' | 'missing') => rows.reduce((s, r) => s + r[k], 0);
  return {
    id: 'completeness',
    kind: 'bar-stacked',
    title,
    subtitle: report.periodLabel,
    categories: rows.map((r) => r.label),
    series: [
      { name: 'Đã nộp', data: rows.map((r) => r.onTime), role: 'done' },
      { name: 'Nộp muộn', data: rows.map((r) => r.late), role: 'late' },
      { name: 'Chưa nộp', data: rows.map((r) => r.missing), role: 'missing' },
    ],
    format: 'number',
    alt:
      `${report.periodLabel}: ${formatNumber(report.unitsExpected)} đơn vị phải báo cáo; ${formatNumber(total('onTime'))} đã nộp đúng hạn, ${formatNumber(total('late'))} nộp muộn, ${formatNumber(total('missing'))} chưa nộp.` +
      (rows.length > 0 ? ` Theo loại đơn vị: ${rows.map((r) => `${r.label} ${r.onTime} đúng hạn, ${r.late} muộn, ${r.missing} chưa nộp`).join('; ')}.` : ''),
  };
}

function targetsChart(report: ConsolidatedReport, keys: readonly string[] | undefined, title = 'Các tỷ lệ so với mục tiêu'): ChartSpec | undefined {
  const lines = keys ? keys.map((k) => report.ratios.find((r) => r.ratio.key === k)).filter((r) => r !== undefined) : report.ratios.filter((r) => r.ratio.targetMin !== undefined);
  if (lines.length === 0) return undefined;
  return {
    id: 'targets',
    kind: 'bar-target',
    title,
    subtitle: report.periodLabel,
    categories: lines.map((l) => l.ratio.label),
    series: [{ name: 'Kết quả', data: lines.map((l) => l.value ?? null), role: 'progress' }],
    targets: lines.map((l) => l.ratio.targetMin ?? null),
    format: 'percent',
    alt: `${report.periodLabel}: ${lines
      .map((l) => `${l.ratio.label} ${l.value === undefined ? 'chưa có số liệu' : formatPercent(l.value)}${l.ratio.targetMin === undefined ? '' : ` (mục tiêu ≥ ${formatThreshold(l.ratio.targetMin)})`}`)
      .join('; ')}.`,
  };
}

/** "Quý I năm 2018 – Quý I năm 2019", or the one period. */
function spanOf(window: readonly PeriodSnapshot[]): string {
  const first = window[0]!.label;
  const last = window[window.length - 1]!.label;
  return first === last ? first : `${first} – ${last}`;
}

/** "Quý I năm 2019 10,2%, Quý II năm 2019 chưa có số liệu, …" */
function seriesAlt(name: string, window: readonly PeriodSnapshot[], data: ReadonlyArray<number | null>, format: (v: number) => string): string {
  return `${name}: ${window.map((s, i) => `${s.label} ${data[i] === null || data[i] === undefined ? 'chưa có số liệu' : format(data[i])}`).join(', ')}`;
}

function ratioTrendChart(window: readonly PeriodSnapshot[], ratios: readonly Ratio[], title = 'Diễn biến các tỷ lệ qua các kỳ'): ChartSpec {
  const series = ratios.map((ratio) => ({ name: ratio.label, data: window.map((s) => (s.unitsReported === 0 ? null : computeRatio(ratio, s.totals) ?? null)) }));
  return {
    id: 'trend-ratios',
    kind: 'line',
    title,
    subtitle: spanOf(window),
    categories: window.map((s) => s.label),
    series,
    format: 'percent',
    alt: `${series.map((s) => seriesAlt(s.name, window, s.data, formatPercent)).join('. ')}.`,
  };
}

function fieldTrendChart(window: readonly PeriodSnapshot[], fields: readonly BriefingFigure[], title = 'Diễn biến các số liệu chính qua các kỳ'): ChartSpec {
  const series = fields.map((f) => ({ name: f.label, data: window.map((s) => (s.unitsReported === 0 ? null : s.totals[f.key] ?? null)) }));
  return {
    id: 'trend-fields',
    kind: 'line',
    title,
    subtitle: spanOf(window),
    categories: window.map((s) => s.label),
    series,
    format: 'number',
    alt: `${series.map((s) => seriesAlt(s.name, window, s.data, formatNumber)).join('. ')}.`,
  };
}

function breakdownChart(report: ConsolidatedReport, title: string, parts: readonly BriefingFigure[]): ChartSpec {
  // The first part is the progress made; the last what is left; any between takes the palette's next colour.
  const role = (i: number): ChartSpec['series'][number]['role'] => (i === 0 ? 'progress' : i === parts.length - 1 ? 'neutral' : undefined);
  const series = parts.map((p, i) => {
    const r = role(i);
    return { name: p.label, data: report.byType.map((t) => t.totals[p.key] ?? null), ...(r ? { role: r } : {}) };
  });
  return {
    id: 'breakdown',
    kind: 'bar-stacked',
    title,
    subtitle: report.periodLabel,
    categories: report.byType.map((t) => t.label),
    series,
    format: 'number',
    alt:
      `${title}, ${report.periodLabel}, toàn tỉnh: ${parts.map((p) => `${p.label} ${formatNumber(report.totals[p.key])}`).join(', ')}.` +
      (report.byType.length > 0 ? ` Theo loại đơn vị: ${report.byType.map((t) => `${t.label}: ${parts.map((p) => `${p.label.toLocaleLowerCase('vi')} ${formatNumber(t.totals[p.key])}`).join(', ')}`).join('; ')}.` : ''),
  };
}
