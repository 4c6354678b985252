/**
 * What a unit has to report and where it stands: per form, the open period (and the previous
 * one while it has no accepted submission), with the unit's deadline and a status; plus the
 * unit's upload history. Statuses follow the words the province uses: chưa nộp, đang xử lý,
 * đã nộp, bị từ chối, nộp muộn.
 */
import type { FormDefinition } from '../forms/definition';
import type { Submission, Unit } from '../model';
import { deadlineFor, openPeriod, periodLabel, shiftPeriod } from '../periods';
import type { Clock, SubmissionRepository } from '../ports';
import { currentForms, type FormLookup } from './form-lookup';

/**
 * - `not_submitted` chưa nộp: nothing accepted, deadline ahead (or nothing uploaded yet);
 * - `processing` đang xử lý: the latest upload is still being checked;
 * - `accepted` đã nộp: an accepted report received by the deadline;
 * - `rejected` bị từ chối: uploads so far were all refused;
 * - `late` nộp muộn: the accepted report came after the deadline, or the deadline passed with
 *   nothing accepted (late reports are still accepted).
 */
export const REPORT_STATUSES = ['not_submitted', 'processing', 'accepted', 'rejected', 'late'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  not_submitted: 'chưa nộp',
  processing: 'đang xử lý',
  accepted: 'đã nộp',
  rejected: 'bị từ chối',
  late: 'nộp muộn',
};

export interface UnitReport {
  formId: string;
  formName: string;
  period: string;
  /** The period as people say it ("Quý I năm 2019"). */
  periodLabel: string;
  /** The unit's deadline (ISO instant). */
  deadline: string;
  status: ReportStatus;
  /** True once the deadline has passed without an accepted report. */
  overdue: boolean;
  /** The accepted submission that counts (latest accepted), if any. */
  accepted?: { uploadId: string; receivedAt: string; version?: number; late: boolean };
}

export interface SubmissionSummary {
  uploadId: string;
  formId: string;
  formName: string;
  period: string;
  periodLabel: string;
  version?: number;
  status: Submission['status'];
  receivedAt: string;
  fileName?: string;
  late: boolean;
  errorCount: number;
  warningCount: number;
  hasFeedback: boolean;
}

export interface ListUnitReportsDeps {
  catalog: FormLookup;
  submissions: SubmissionRepository;
  clock: Clock;
}

/** How many past uploads the page lists. */
export const HISTORY_LIMIT = 50;

export async function listUnitReports(deps: ListUnitReportsDeps, unit: Unit): Promise<{ reports: UnitReport[]; history: SubmissionSummary[] }> {
  const now = deps.clock.now();
  const all = await deps.submissions.listByUnit(unit.code);
  const forms = currentForms(deps.catalog);
  const reports: UnitReport[] = [];
  for (const form of forms) {
    const open = openPeriod(form, now);
    const previous = shiftPeriod(open, -1);
    const ofPeriod = (period: string) => all.filter((s) => s.formId === form.id && s.period === period);
    const ofPrevious = ofPeriod(previous);
    if (!ofPrevious.some((s) => s.status === 'accepted')) {
      reports.push(reportFor(form, unit, previous, ofPrevious, now));
    }
    reports.push(reportFor(form, unit, open, ofPeriod(open), now));
  }
  reports.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.formId.localeCompare(b.formId));
  const names = new Map(forms.map((f) => [f.id, f.name]));
  const history = all.slice(0, HISTORY_LIMIT).map((s) => summarise(s, names.get(s.formId) ?? s.formId));
  return { reports, history };
}

/** `submissions` are one (form, period) of the unit, newest first (as `listByUnit` returns them). */
function reportFor(form: FormDefinition, unit: Unit, period: string, submissions: Submission[], now: Date): UnitReport {
  const deadline = deadlineFor(form, unit.type, period);
  const accepted = submissions.find((s) => s.status === 'accepted');
  const latest = submissions[0];
  const overdue = !accepted && now.getTime() > deadline.getTime();
  let status: ReportStatus;
  if (latest?.status === 'pending') status = 'processing';
  else if (accepted) status = isLate(accepted, deadline) ? 'late' : 'accepted';
  else if (latest) status = 'rejected';
  else status = overdue ? 'late' : 'not_submitted';
  return {
    formId: form.id,
    formName: form.name,
    period,
    periodLabel: periodLabel(period),
    deadline: deadline.toISOString(),
    status,
    overdue,
    accepted: accepted && { uploadId: accepted.uploadId, receivedAt: accepted.receivedAt, version: accepted.version, late: isLate(accepted, deadline) },
  };
}

/** Ingest records lateness; older records without the flag are judged by their receipt time. */
function isLate(s: Submission, deadline: Date): boolean {
  return s.late ?? new Date(s.receivedAt).getTime() > deadline.getTime();
}

function summarise(s: Submission, formName: string): SubmissionSummary {
  return {
    uploadId: s.uploadId,
    formId: s.formId,
    formName,
    period: s.period,
    periodLabel: safeLabel(s.period),
    version: s.version,
    status: s.status,
    receivedAt: s.receivedAt,
    fileName: s.fileName,
    late: s.late ?? false,
    errorCount: s.errors.length,
    warningCount: s.warnings.length,
    hasFeedback: s.feedbackKey !== undefined,
  };
}

function safeLabel(period: string): string {
  try {
    return periodLabel(period);
  } catch {
    return period;
  }
}
