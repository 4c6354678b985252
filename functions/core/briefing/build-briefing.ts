/**
 * Builds the leadership briefing of a consolidated report from the form's history: the summary
 * sentences, the units needing attention and the charts (as data).
 */
import type { ConsolidatedReport } from '../consolidation/report';
import type { Briefing, PeriodSnapshot } from './model';

export interface BuildBriefingInput {
  report: ConsolidatedReport;
  /** Earlier periods, oldest first, not including the report's own period (at most 7). */
  earlier: readonly PeriodSnapshot[];
}

/** The briefing of `report` (see model.ts). */
export function buildBriefing(input: BuildBriefingInput): Briefing {
  // Placeholder until the briefing core lands (summary, attention, charts).
  void input;
  return { summary: [], attention: [], emailLimit: 10, charts: [], history: [] };
}
