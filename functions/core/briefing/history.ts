/**
 * The form's history for the briefing: for each of the up to 7 periods before the report's own,
 * the province totals and each unit's standing, computed the way the consolidation counts them
 * (`countedVersions`: returned reports never count; unreviewed ones per the form's policy).
 */
import type { FormCatalog } from '../forms/catalog';
import { formAppliesTo } from '../forms/layout';
import type { FormDefinition } from '../forms/definition';
import type { Unit } from '../model';
import { deadlineFor, periodLabel, shiftPeriod } from '../periods';
import type { AcceptedValues, ReviewStore, SubmissionRepository, UnitRepository } from '../ports';
import { effectiveReviewState, type ReviewRecord } from '../review/model';
import { acceptedLate, countedVersions, type ConsolidatedReport } from '../consolidation/report';
import { computeTotals } from '../consolidation/totals';
import type { PeriodSnapshot, UnitPeriodStatus } from './model';

export interface HistoryDeps {
  forms: Pick<FormCatalog, 'require'> & Partial<Pick<FormCatalog, 'forPeriod'>>;
  units: Pick<UnitRepository, 'list'>;
  submissions: Pick<SubmissionRepository, 'listLatestAccepted'>;
  reviews: Pick<ReviewStore, 'listByFormPeriod'>;
}

/**
 * Earlier periods' snapshots, oldest first. Periods before the form existed (the catalog has no
 * version for them) end the walk back, and leading periods nobody reported for (before the
 * province used the system) are left out; a period nobody reported for between two that were
 * reported stays, so a trend shows the gap instead of hiding it.
 */
export async function loadEarlierPeriods(deps: HistoryDeps, report: ConsolidatedReport, count = 7): Promise<PeriodSnapshot[]> {
  const periods: Array<{ period: string; form: FormDefinition }> = [];
  for (let k = 1; k <= count; k++) {
    const period = shiftPeriod(report.period, -k);
    // Without effective periods (a plain catalog) the report's version reads every period.
    const form = deps.forms.forPeriod ? deps.forms.forPeriod(report.form.id, period, { includeRetired: true }) : report.form;
    if (!form) break;
    periods.push({ period, form });
  }
  if (periods.length === 0) return [];
  const [units, loaded] = await Promise.all([
    deps.units.list({ includeInactive: true }),
    Promise.all(
      periods.map(async ({ period, form }) => {
        const [latest, reviews] = await Promise.all([deps.submissions.listLatestAccepted(form.id, period), deps.reviews.listByFormPeriod(form.id, period)]);
        return { period, form, latest, reviews };
      }),
    ),
  ]);
  const oldestFirst = [...loaded].reverse();
  const first = oldestFirst.findIndex((p) => p.latest.length > 0);
  if (first === -1) return [];
  return oldestFirst.slice(first).map((p) => snapshotOfPeriod(p.form, p.period, units, p.latest, p.reviews));
}

/** One earlier period as the consolidation would have counted it (with today's unit registry). */
export function snapshotOfPeriod(form: FormDefinition, period: string, units: readonly Unit[], latest: readonly AcceptedValues[], reviews: readonly ReviewRecord[]): PeriodSnapshot {
  const { counted } = countedVersions(form, latest, reviews);
  const countedByUnit = new Map(counted.map((a) => [a.unitCode, a]));
  const latestByUnit = new Map(latest.map((a) => [a.unitCode, a]));
  const reviewByUnit = new Map(reviews.map((r) => [r.unitCode, r]));
  const unitStatus: Record<string, UnitPeriodStatus> = {};
  const unitTotals: Record<string, Record<string, number>> = {};
  for (const unit of units) {
    const received = latestByUnit.get(unit.code);
    if (!received && !(unit.active && formAppliesTo(form, unit.type))) continue;
    if (!received) unitStatus[unit.code] = 'missing';
    else if (effectiveReviewState(reviewByUnit.get(unit.code), received.uploadId) === 'tra-lai') unitStatus[unit.code] = 'returned';
    else unitStatus[unit.code] = acceptedLate(received, deadlineFor(form, unit.type, period)) ? 'late' : 'on-time';
    const ofUnit = countedByUnit.get(unit.code);
    if (ofUnit) unitTotals[unit.code] = computeTotals(form, [ofUnit.values]);
  }
  return {
    period,
    label: periodLabel(period),
    totals: computeTotals(form, counted.map((a) => a.values)),
    unitsExpected: Object.keys(unitStatus).length,
    unitsReported: counted.length,
    unitStatus,
    unitTotals,
  };
}

/** The report's own period as a snapshot (the same figures as the workbook). */
export function snapshotOf(report: ConsolidatedReport): PeriodSnapshot {
  const unitStatus: Record<string, UnitPeriodStatus> = {};
  const unitTotals: Record<string, Record<string, number>> = {};
  for (const l of report.units) {
    if (l.excluded === 'returned') unitStatus[l.unit.code] = 'returned';
    else if (l.received) unitStatus[l.unit.code] = l.late ? 'late' : 'on-time';
    else unitStatus[l.unit.code] = 'missing';
    if (l.accepted) unitTotals[l.unit.code] = l.totals;
  }
  return {
    period: report.period,
    label: report.periodLabel,
    totals: report.totals,
    unitsExpected: report.unitsExpected,
    unitsReported: report.unitsReported,
    unitStatus,
    unitTotals,
  };
}
