/**
 * The draft report document of a (form, period) on request (CLI `reports draft`, the console's
 * download): the same report and briefing the consolidation builds, written as .docx.
 */
import { draftReportFileName, writeDraftReport } from '../briefing/draft-report';
import type { ChartRenderer } from '../briefing/model';
import { briefingFor, buildReportFor, type ConsolidateDeps } from './consolidate-report';

export type DraftReportDeps = Pick<ConsolidateDeps, 'forms' | 'units' | 'submissions' | 'reviews' | 'clock'> & { charts?: ChartRenderer };

export interface DraftReportResult {
  fileName: string;
  docx: Buffer;
  unitsReported: number;
  unitsExpected: number;
}

/** Builds the draft report of a form and period (with the briefing's charts when `deps.charts` is given). */
export async function draftReportFor(deps: DraftReportDeps, input: { formId: string; period: string }): Promise<DraftReportResult> {
  const report = await buildReportFor(deps, input);
  const briefing = await briefingFor(deps, report);
  // The briefing's charts, drawn when a renderer is at hand (the appendix "Biểu đồ").
  const charts = deps.charts && briefing.charts.length > 0 ? await deps.charts.render(briefing.charts) : undefined;
  const docx = await writeDraftReport({ report, briefing, ...(charts ? { charts } : {}) });
  return { fileName: draftReportFileName(report), docx, unitsReported: report.unitsReported, unitsExpected: report.unitsExpected };
}
