/**
 * The draft report document ("DỰ THẢO" báo cáo sơ kết / tổng kết) as .docx, in the layout of
 * Party documents, from the consolidated report and its briefing.
 */
import { Document, Packer, Paragraph } from 'docx';
import type { ConsolidatedReport } from '../consolidation/report';
import type { Briefing } from './model';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface DraftReportInput {
  report: ConsolidatedReport;
  briefing: Briefing;
}

/** Writes the draft report (.docx bytes). */
export async function writeDraftReport(input: DraftReportInput): Promise<Buffer> {
  // Placeholder until the document lands: the title only.
  const doc = new Document({ sections: [{ children: [new Paragraph({ text: `DỰ THẢO — ${input.report.form.title} — ${input.report.periodLabel}` })] }] });
  return Packer.toBuffer(doc);
}

/** "Dự thảo báo cáo - <form> - <kỳ>.docx". */
export function draftReportFileName(report: Pick<ConsolidatedReport, 'form' | 'periodLabel'>): string {
  return `Dự thảo báo cáo - ${report.form.name} - ${report.periodLabel}.docx`.replace(/[\\/:*?"<>|]/g, '-');
}
