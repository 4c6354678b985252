/**
 * The form's history for the briefing: for each of the up to 7 periods before the report's own,
 * the province totals and each unit's standing, computed the way the consolidation counts them.
 */
import type { FormCatalog } from '../forms/catalog';
import type { ReviewStore, SubmissionRepository, UnitRepository } from '../ports';
import type { ConsolidatedReport } from '../consolidation/report';
import type { PeriodSnapshot } from './model';

export interface HistoryDeps {
  forms: Pick<FormCatalog, 'require'> & Partial<Pick<FormCatalog, 'forPeriod'>>;
  units: Pick<UnitRepository, 'list'>;
  submissions: Pick<SubmissionRepository, 'listLatestAccepted'>;
  reviews: Pick<ReviewStore, 'listByFormPeriod'>;
}

/** Earlier periods' snapshots, oldest first (periods before the form existed are left out). */
export async function loadEarlierPeriods(deps: HistoryDeps, report: ConsolidatedReport, count = 7): Promise<PeriodSnapshot[]> {
  // Placeholder until the briefing core lands.
  void deps;
  void report;
  void count;
  return [];
}
