/**
 * The consolidated report (báo cáo tổng hợp) as data: every figure the workbook and the email
 * show, computed once from the ports' data and nothing else, so the workbook, the email and the
 * content hash cannot disagree. Everything is driven by the form definition (sections, rows,
 * columns, computed columns, ratios, tables): there is no form-specific code here.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_DECIMALS, type Column, type ComputedColumn, type FormDefinition, type Ratio, type Section, type Table } from '../forms/definition';
import { numberFormatOf } from '../forms/number-formats';
import type { FieldValue, FormValues, Submission, Unit, UnitType } from '../model';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from '../units/unit-types';
import { formAppliesTo } from '../forms/layout';
import { deadlineFor, periodLabel, shiftPeriod } from '../periods';
import type { AcceptedValues } from '../ports';
import { effectiveReviewState, type ReviewRecord, type ReviewState } from '../review/model';
import { computeRatio, computeTotals, decimalPlaces, isSummed, rowCountKey } from './totals';

/** Bumped when the workbook or email layout changes, so stored workbooks of an older layout are not reused. */
export const REPORT_LAYOUT_VERSION = 4;

/** Where a unit stands for the period. */
export type UnitReportStatus = 'accepted' | 'rejected' | 'pending' | 'missing';

export const UNIT_STATUS_LABELS: Record<UnitReportStatus, string> = {
  accepted: 'Đã báo cáo',
  rejected: 'Chưa báo cáo (bản nộp bị từ chối)',
  pending: 'Chưa báo cáo (đang xử lý bản nộp)',
  missing: 'Chưa báo cáo',
};

/**
 * Where a unit stands from its uploads of the period: an accepted version counts whatever came
 * after it; otherwise an upload still being processed may yet count; otherwise refused ones.
 */
export function unitReportStatus(hasAccepted: boolean, uploads: ReadonlyArray<Pick<Submission, 'status'>>): UnitReportStatus {
  if (hasAccepted) return 'accepted';
  if (uploads.some((s) => s.status === 'pending')) return 'pending';
  return uploads.length > 0 ? 'rejected' : 'missing';
}

/** Display order of units in every list: by unit type (the registry's order, unknown types last), then code. */
export function compareUnitsForDisplay(unitTypes: UnitTypeRegistry): (a: Pick<Unit, 'type' | 'code'>, b: Pick<Unit, 'type' | 'code'>) => number {
  return (a, b) => unitTypes.compare(a.type, b.type) || a.code.localeCompare(b.code);
}

/** An accepted version is "nộp muộn" when ingest marked it late or it arrived after the unit's deadline. */
export function acceptedLate(accepted: { late?: boolean; receivedAt: string }, deadline: Date): boolean {
  return accepted.late === true || Date.parse(accepted.receivedAt) > deadline.getTime();
}

/** The words the workbook and email use for a unit without an accepted report: never 0. */
export const NOT_REPORTED = 'chưa báo cáo';
export const LATE = 'nộp muộn';

export interface UnitLine {
  unit: Unit;
  status: UnitReportStatus;
  /** The unit's deadline for this form and period. */
  deadline: Date;
  /** The latest accepted submission and its values, when it counts (see `excluded`). */
  accepted?: AcceptedValues;
  /** The review state of the unit's latest accepted version, when it has one. */
  review?: ReviewState;
  /**
   * Why the unit's latest accepted version does not count: returned ("trả lại"), or awaiting
   * review when the form counts approved reports only. Its receipt details stay in `received`.
   */
  excluded?: 'returned' | 'unreviewed';
  /** The latest accepted version, counted or not (receipt time, version, warnings). */
  received?: AcceptedValues;
  /** Submitted after the deadline (accepted), or past the deadline with no accepted report. */
  late: boolean;
  /** Every upload for the period, any status. */
  uploads: number;
  /** This unit's own sums (`01.truoc`, `don_vi.co_mat`, `don_vi.__rows` …); empty when not reported. */
  totals: Record<string, number>;
}

export interface TypeTotals {
  type: UnitType;
  label: string;
  unitsExpected: number;
  unitsReported: number;
  totals: Record<string, number>;
}

/** How many units (section fields) or table rows chose each option of a choice column. */
export interface ChoiceTally {
  key: string;
  /** Mã số, or the table key. */
  code: string;
  label: string;
  /** Every option in the definition's order, with its count (0 included), then values no longer in the list. */
  counts: Array<[choice: string, count: number]>;
  /** What is counted: units (a section field) or rows (a table column). */
  of: 'units' | 'rows';
}

export interface RatioLine {
  ratio: Ratio;
  value?: number;
  previous?: number;
  /** True/false when the ratio has a target and a value; undefined otherwise. */
  meetsTarget?: boolean;
}

export interface ConsolidatedReport {
  form: FormDefinition;
  period: string;
  periodLabel: string;
  previousPeriod: string;
  previousPeriodLabel: string;
  generatedAt: Date;
  /** Units in display order: by unit type (domain order), then code. */
  units: UnitLine[];
  unitsExpected: number;
  unitsReported: number;
  /** Units with an accepted version, by the review state of their latest one. */
  reviewCounts: Record<ReviewState, number>;
  previousUnitsReported: number;
  totals: Record<string, number>;
  /** Previous period's province totals (from its latest accepted values); empty when nobody reported. */
  previousTotals: Record<string, number>;
  /** By unit type, in the registry's order; types not in the registry (old data) last, labelled by code. */
  byType: TypeTotals[];
  /** The registry the report was built with (the workbook's type labels). */
  unitTypes: UnitTypeRegistry;
  ratios: RatioLine[];
  /** Choice columns tallied over the counted reports. */
  choices: ChoiceTally[];
  /** sha256 over the layout version, the expected units and each reporting unit's values (not over when the report was made). */
  contentHash: string;
  /** Per reporting unit, a short hash of its values: lets an update email name what changed. */
  unitDigests: Record<string, string>;
}

export interface BuildReportInput {
  form: FormDefinition;
  period: string;
  /** The registry, inactive units included: inactive units appear only when they reported. */
  units: readonly Unit[];
  latest: readonly AcceptedValues[];
  /** Every submission of the period (for "rejected"/"pending" and the upload count). */
  submissions: readonly Submission[];
  previousLatest: readonly AcceptedValues[];
  /** The period's review records (default none: every accepted version is awaiting review). */
  reviews?: readonly ReviewRecord[];
  previousReviews?: readonly ReviewRecord[];
  now: Date;
  /** The deployment's unit types: labels and order of the "by unit type" totals (default: the 2019 types). */
  unitTypes?: UnitTypeRegistry;
}

/**
 * The latest accepted versions that count under the form's policy: never a returned one; an
 * unreviewed one only when `includeUnreviewed` (the default).
 */
export function countedVersions(form: FormDefinition, latest: readonly AcceptedValues[], reviews: readonly ReviewRecord[]): { counted: AcceptedValues[]; state: Map<string, ReviewState> } {
  const byUnit = new Map(reviews.map((r) => [r.unitCode, r]));
  const state = new Map<string, ReviewState>();
  const counted: AcceptedValues[] = [];
  for (const a of latest) {
    const s = effectiveReviewState(byUnit.get(a.unitCode), a.uploadId);
    state.set(a.unitCode, s);
    if (s === 'da-duyet' || (s === 'cho-duyet' && form.consolidation.includeUnreviewed)) counted.push(a);
  }
  return { counted, state };
}

/** Builds the consolidated report from the latest accepted values of every unit. */
export function buildConsolidatedReport(input: BuildReportInput): ConsolidatedReport {
  const { form, period, now } = input;
  const receivedByUnit = new Map(input.latest.map((a) => [a.unitCode, a]));
  const { counted, state: reviewOf } = countedVersions(form, input.latest, input.reviews ?? []);
  const latestByUnit = new Map(counted.map((a) => [a.unitCode, a]));
  const uploadsByUnit = new Map<string, Submission[]>();
  for (const s of input.submissions) {
    const ofUnit = uploadsByUnit.get(s.unitCode);
    if (ofUnit) ofUnit.push(s);
    else uploadsByUnit.set(s.unitCode, [s]);
  }

  const included = input.units.filter((u) => (u.active && formAppliesTo(form, u.type)) || receivedByUnit.has(u.code));
  const unitTypes = input.unitTypes ?? DEFAULT_UNIT_TYPES;
  const ordered = [...included].sort(compareUnitsForDisplay(unitTypes));
  const lines: UnitLine[] = ordered.map((unit) => {
    const deadline = deadlineFor(form, unit.type, period);
    const accepted = latestByUnit.get(unit.code);
    const received = receivedByUnit.get(unit.code);
    const review = reviewOf.get(unit.code);
    const uploads = uploadsByUnit.get(unit.code) ?? [];
    const status = unitReportStatus(received !== undefined, uploads);
    const late = received ? acceptedLate(received, deadline) : now.getTime() > deadline.getTime();
    const excluded = received && !accepted ? (review === 'tra-lai' ? 'returned' : 'unreviewed') : undefined;
    return {
      unit, status, deadline, accepted, late, uploads: uploads.length, totals: accepted ? computeTotals(form, [accepted.values]) : {},
      ...(received ? { received, review } : {}), ...(excluded ? { excluded } : {}),
    } satisfies UnitLine;
  });

  const reported = lines.filter((l) => l.accepted);
  const totals = computeTotals(form, reported.map((l) => l.accepted!.values));
  const previousCounted = countedVersions(form, input.previousLatest, input.previousReviews ?? []).counted;
  const previousTotals = computeTotals(form, previousCounted.map((a) => a.values));
  const reviewCounts: Record<ReviewState, number> = { 'cho-duyet': 0, 'da-duyet': 0, 'tra-lai': 0 };
  for (const s of reviewOf.values()) reviewCounts[s] += 1;
  const byType: TypeTotals[] = [...new Set(lines.map((l) => l.unit.type))].map((type) => {
    const ofType = lines.filter((l) => l.unit.type === type);
    return {
      type,
      label: unitTypes.label(type),
      unitsExpected: ofType.length,
      unitsReported: ofType.filter((l) => l.accepted).length,
      totals: computeTotals(form, ofType.filter((l) => l.accepted).map((l) => l.accepted!.values)),
    };
  });

  const ratios = form.ratios.map((ratio): RatioLine => {
    const value = computeRatio(ratio, totals);
    return {
      ratio,
      value,
      previous: computeRatio(ratio, previousTotals),
      meetsTarget: ratio.targetMin !== undefined && value !== undefined ? value >= ratio.targetMin : undefined,
    };
  });

  const choices = tallyChoices(form, reported.map((l) => l.accepted!.values));

  const unitDigests: Record<string, string> = {};
  for (const l of reported) unitDigests[l.unit.code] = sha256(canonicalJson(l.accepted!.values)).slice(0, 12);
  const contentHash = sha256(
    canonicalJson({
      layout: REPORT_LAYOUT_VERSION,
      form: [form.id, form.version],
      period,
      expected: lines.map((l) => [l.unit.code, l.unit.name, l.unit.type]),
      values: unitDigests,
      // The status sheet shows each unit's review: a new approval is a new workbook.
      reviews: lines.filter((l) => l.review).map((l) => [l.unit.code, l.received!.uploadId, l.review]),
    }),
  );

  const previousPeriod = shiftPeriod(period, -1);
  return {
    form,
    period,
    periodLabel: periodLabel(period),
    previousPeriod,
    previousPeriodLabel: periodLabel(previousPeriod),
    generatedAt: now,
    units: lines,
    unitsExpected: lines.length,
    unitsReported: reported.length,
    reviewCounts,
    previousUnitsReported: previousCounted.length,
    totals,
    previousTotals,
    byType,
    unitTypes,
    ratios,
    choices,
    contentHash,
    unitDigests,
  };
}

// ---- form-driven layout helpers (shared by the workbook and the email) ----

/** A column shown for a section: a field column or a computed one (giảm = trước − hiện tại). */
export type SectionColumn = { kind: 'field'; column: Column } | { kind: 'computed'; column: ComputedColumn };

/** Numeric sections (those with at least one summed column), in form order. */
export function numericSections(form: FormDefinition): Section[] {
  return form.sections.filter((s) => s.columns.some(isSummedColumn));
}

/** The columns a numeric section shows: its summed columns, then its computed columns. */
export function sectionColumns(section: Section): SectionColumn[] {
  return [
    ...section.columns.filter(isSummedColumn).map((column): SectionColumn => ({ kind: 'field', column })),
    ...section.computed.map((column): SectionColumn => ({ kind: 'computed', column })),
  ];
}

export function isSummedColumn(col: Pick<Column, 'type' | 'consolidate'>): boolean {
  return isSummed(col.type, col.consolidate);
}

/** Narrative columns compiled per unit on the "Ý kiến" sheet: text columns unless `consolidate` is "none". */
export function isTextColumn(col: Pick<Column, 'type' | 'consolidate'>): boolean {
  return col.type === 'text' && (col.consolidate ?? 'text') === 'text';
}

/**
 * Other values listed per unit ("Thông tin theo đơn vị"): choice and date columns by default,
 * and any non-text column with `consolidate: "text"` (e.g. a percentage that must not be summed).
 */
export function isListedColumn(col: Pick<Column, 'type' | 'consolidate'>): boolean {
  if (col.type === 'text') return false;
  if (col.consolidate) return col.consolidate === 'text';
  return col.type === 'choice' || col.type === 'date';
}

/** Section fields listed per unit (choices, dates …): key, Mã số, label and column, in form order. */
export function listedFields(form: FormDefinition): Array<{ key: string; code: string; label: string; column: Column }> {
  const out: Array<{ key: string; code: string; label: string; column: Column }> = [];
  for (const section of form.sections) {
    for (const row of section.rows) {
      for (const col of section.columns) {
        if (row.columns.includes(col.key) && isListedColumn(col)) out.push({ key: `${row.code}.${col.key}`, code: row.code, label: `${row.label} — ${col.label}`, column: col });
      }
    }
  }
  return out;
}

/** Tallies every choice column: section fields over units, table columns over rows. */
export function tallyChoices(form: FormDefinition, values: readonly FormValues[]): ChoiceTally[] {
  const tally = (options: readonly string[], seen: Array<FieldValue | null | undefined>): ChoiceTally['counts'] => {
    const counts = new Map<string, number>(options.map((o) => [o, 0]));
    for (const v of seen) if (typeof v === 'string' && v !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts];
  };
  const out: ChoiceTally[] = [];
  for (const section of form.sections) {
    for (const row of section.rows) {
      for (const col of section.columns) {
        if (col.type !== 'choice' || !row.columns.includes(col.key)) continue;
        const key = `${row.code}.${col.key}`;
        out.push({ key, code: row.code, label: `${row.label} — ${col.label}`, counts: tally(col.choices ?? [], values.map((v) => v.fields[key])), of: 'units' });
      }
    }
  }
  for (const table of form.tables) {
    for (const col of table.columns) {
      if (col.type !== 'choice') continue;
      const seen = values.flatMap((v) => (v.tables[table.key] ?? []).map((r) => r[col.key]));
      out.push({ key: `${table.key}.${col.key}`, code: table.key, label: `${table.label} — ${col.label}`, counts: tally(col.choices ?? [], seen), of: 'rows' });
    }
  }
  return out;
}

/** The Excel number format of a summed figure: decimals keep their places, everything else `#,##0`. */
export function figureFormat(form: FormDefinition, key: string): string {
  const places = decimalPlaces(form).get(key);
  return places === undefined ? '#,##0' : numberFormatOf('decimal', places) ?? '#,##0';
}

/** The format of a section column (a computed column keeps the finest places of its operands). */
export function sectionColumnFormat(section: Section, col: SectionColumn): string {
  const operands = col.kind === 'field' ? [col.column] : [...col.column.add, ...col.column.sub].map((k) => section.columns.find((c) => c.key === k)).filter((c) => c !== undefined);
  const places = operands.filter((c) => c.type === 'decimal').map((c) => c.decimals ?? DEFAULT_DECIMALS);
  return places.length === 0 ? '#,##0' : numberFormatOf('decimal', Math.max(...places)) ?? '#,##0';
}

/**
 * The value of a section column for a row from totals: a field's sum, or a computed column
 * over sums (only when every operand is present: a missing figure is not 0).
 */
export function sectionValue(rowCode: string, rowColumns: readonly string[], col: SectionColumn, totals: Record<string, number>): number | undefined {
  if (!sectionColumnApplies(rowColumns, col)) return undefined;
  if (col.kind === 'field') return totals[`${rowCode}.${col.column.key}`];
  if (![...col.column.add, ...col.column.sub].every((k) => `${rowCode}.${k}` in totals)) return undefined;
  const sum = (ks: readonly string[]) => ks.reduce((s, k) => s + (totals[`${rowCode}.${k}`] ?? 0), 0);
  return sum(col.column.add) - sum(col.column.sub);
}

/** Whether a row has a section column: it has the field, or every operand of the computed column. */
export function sectionColumnApplies(rowColumns: readonly string[], col: SectionColumn): boolean {
  if (col.kind === 'field') return rowColumns.includes(col.column.key);
  return [...col.column.add, ...col.column.sub].every((k) => rowColumns.includes(k));
}

/** Narrative fields (e.g. Mã số 25–27): key and label, in form order. */
export function textFields(form: FormDefinition): Array<{ key: string; code: string; label: string }> {
  const out: Array<{ key: string; code: string; label: string }> = [];
  for (const section of form.sections) {
    for (const row of section.rows) {
      for (const colKey of row.columns) {
        const col = section.columns.find((c) => c.key === colKey);
        if (col && isTextColumn(col)) {
          out.push({ key: `${row.code}.${colKey}`, code: row.code, label: section.columns.filter(isTextColumn).length > 1 ? `${row.label} — ${col.label}` : row.label });
        }
      }
    }
  }
  return out;
}

/** The figures a table contributes to totals: its row count, then its summed columns. */
export function tableFigures(table: Table): Array<{ key: string; label: string }> {
  return [
    { key: rowCountKey(table.key), label: `Số ${table.label.toLocaleLowerCase('vi')}` },
    ...table.columns.filter(isSummedColumn).map((c) => ({ key: `${table.key}.${c.key}`, label: c.label })),
  ];
}

/** Every per-unit figure key in display order (for "Chi tiết đơn vị" and "Dữ liệu"). */
export function figureKeys(form: FormDefinition): Array<{ key: string; code: string; rowLabel: string; columnLabel: string }> {
  const out: Array<{ key: string; code: string; rowLabel: string; columnLabel: string }> = [];
  for (const section of numericSections(form)) {
    for (const row of section.rows) {
      for (const col of section.columns.filter(isSummedColumn)) {
        if (row.columns.includes(col.key)) out.push({ key: `${row.code}.${col.key}`, code: row.code, rowLabel: row.label, columnLabel: col.label });
      }
    }
  }
  for (const table of form.tables) {
    for (const f of tableFigures(table)) out.push({ key: f.key, code: table.key, rowLabel: table.label, columnLabel: f.label });
  }
  return out;
}

/** Text of a table cell / field for display (numbers as numbers, the rest as strings). */
export function textOf(values: FormValues, key: string): string | undefined {
  const v = values.fields[key];
  return typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** JSON with object keys sorted, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
