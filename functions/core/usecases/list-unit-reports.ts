/**
 * What a unit has to report and where it stands: per form, the open period (and the previous
 * one while it has no accepted submission), with the unit's deadline and a status; plus the
 * unit's upload history. Statuses follow the words the province uses: chưa nộp, đang xử lý,
 * đã nộp, bị từ chối, nộp muộn, trả lại (Ban Tổ chức sent the accepted version back, with its comment).
 */
import type { FormDefinition } from '../forms/definition';
import type { Submission, Unit } from '../model';
import { deadlineFor, openPeriod, periodLabel, shiftPeriod } from '../periods';
import type { Clock, PeriodLockStore, ReviewStore, SubmissionRepository } from '../ports';
import { liveException, periodLockStatus } from '../review/locks';
import { effectiveReviewState, type ReviewRecord, type ReviewState } from '../review/model';
import { currentForms, formForPeriod, type FormLookup } from './form-lookup';

/**
 * - `not_submitted` chưa nộp: nothing accepted, deadline ahead (or nothing uploaded yet);
 * - `processing` đang xử lý: the latest upload is still being checked;
 * - `accepted` đã nộp: an accepted report received by the deadline;
 * - `rejected` bị từ chối: uploads so far were all refused;
 * - `late` nộp muộn: the accepted report came after the deadline, or the deadline passed with
 *   nothing accepted (late reports are still accepted);
 * - `returned` trả lại: Ban Tổ chức returned the latest accepted version for correction.
 */
export const REPORT_STATUSES = ['not_submitted', 'processing', 'accepted', 'rejected', 'late', 'returned'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  not_submitted: 'chưa nộp',
  processing: 'đang xử lý',
  accepted: 'đã nộp',
  rejected: 'bị từ chối',
  late: 'nộp muộn',
  returned: 'trả lại',
};

/** The review of a report's accepted version as the unit sees it: the state, and the comment when returned. */
export interface UnitReview {
  state: ReviewState;
  /** The return's comment (only for `tra-lai`: a withdrawal's reason is internal). */
  comment?: string;
  at: string;
}

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
  /** The accepted version's review, once Ban Tổ chức approved or returned it. */
  review?: UnitReview;
  /** The period is locked for this unit (no exception): uploads are refused (PERIOD_LOCKED). */
  locked?: { since?: string };
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
  /** This version's review, when it was approved or returned (and is still the one the review is about). */
  review?: UnitReview;
}

export interface ListUnitReportsDeps {
  catalog: FormLookup;
  submissions: SubmissionRepository;
  reviews: Pick<ReviewStore, 'get'>;
  locks: Pick<PeriodLockStore, 'getLockState'>;
  clock: Clock;
}

/** Distinct (form, period) pairs read for reviews on one page: the history's periods are few. */
const MAX_REVIEW_READS = 20;

/** How many past uploads the page lists. */
export const HISTORY_LIMIT = 50;

export async function listUnitReports(deps: ListUnitReportsDeps, unit: Unit): Promise<{ reports: UnitReport[]; history: SubmissionSummary[] }> {
  const now = deps.clock.now();
  const all = await deps.submissions.listByUnit(unit.code);
  const reviews = await readReviews(deps, unit, all);
  const reviewOf = (formId: string, period: string) => reviews.get(`${formId}#${period}`);
  const forms = currentForms(deps.catalog);
  const reports: UnitReport[] = [];
  for (const latest of forms) {
    const open = openPeriod(latest, now);
    const previous = shiftPeriod(open, -1);
    const ofPeriod = (period: string) => all.filter((s) => s.formId === latest.id && s.period === period);
    const ofPrevious = ofPeriod(previous);
    // Each period gets the version that applies to it (a new version may start with the open period).
    const previousForm = formForPeriod(deps.catalog, latest.id, previous);
    if (previousForm && !ofPrevious.some((s) => s.status === 'accepted')) {
      reports.push(reportFor(previousForm, unit, previous, ofPrevious, now, reviewOf(latest.id, previous)));
    }
    const openForm = formForPeriod(deps.catalog, latest.id, open);
    if (openForm) reports.push(reportFor(openForm, unit, open, ofPeriod(open), now, reviewOf(latest.id, open)));
  }
  reports.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.formId.localeCompare(b.formId));
  await Promise.all(reports.map(async (r) => {
    const form = forms.find((f) => f.id === r.formId)!;
    const state = await deps.locks.getLockState(r.formId, r.period);
    const status = periodLockStatus(form, r.period, state, now);
    if (status.locked && !liveException(state, unit.code, now)) r.locked = status.since ? { since: status.since.toISOString() } : {};
  }));
  const names = new Map(forms.map((f) => [f.id, f.name]));
  const history = all.slice(0, HISTORY_LIMIT).map((s) => summarise(s, names.get(s.formId) ?? s.formId, reviewOf(s.formId, s.period)));
  return { reports, history };
}

/** The review records of the (form, period) pairs the unit has accepted versions in, by `<form>#<period>`. */
async function readReviews(deps: ListUnitReportsDeps, unit: Unit, all: Submission[]): Promise<Map<string, ReviewRecord>> {
  const pairs = [...new Set(all.filter((s) => s.status === 'accepted').map((s) => `${s.formId}#${s.period}`))].slice(0, MAX_REVIEW_READS);
  const records = await Promise.all(pairs.map((p) => {
    const [formId, period] = p.split('#') as [string, string];
    return deps.reviews.get(formId, period, unit.code);
  }));
  return new Map(records.filter((r): r is ReviewRecord => r !== undefined).map((r) => [`${r.formId}#${r.period}`, r]));
}

/** What the unit sees of a review of `uploadId`: approved or returned (with the comment); nothing while awaiting review. */
function unitReview(record: ReviewRecord | undefined, uploadId: string): UnitReview | undefined {
  const state = effectiveReviewState(record, uploadId);
  if (!record || state === 'cho-duyet') return undefined;
  return { state, ...(state === 'tra-lai' && record.comment ? { comment: record.comment } : {}), at: record.at };
}

/** `submissions` are one (form, period) of the unit, newest first (as `listByUnit` returns them). */
function reportFor(form: FormDefinition, unit: Unit, period: string, submissions: Submission[], now: Date, record?: ReviewRecord): UnitReport {
  const deadline = deadlineFor(form, unit.type, period);
  const accepted = submissions.find((s) => s.status === 'accepted');
  const latest = submissions[0];
  const overdue = !accepted && now.getTime() > deadline.getTime();
  const review = accepted && unitReview(record, accepted.uploadId);
  let status: ReportStatus;
  if (latest?.status === 'pending') status = 'processing';
  else if (review?.state === 'tra-lai') status = 'returned';
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
    ...(review ? { review } : {}),
  };
}

/** Ingest records lateness; older records without the flag are judged by their receipt time. */
function isLate(s: Submission, deadline: Date): boolean {
  return s.late ?? new Date(s.receivedAt).getTime() > deadline.getTime();
}

function summarise(s: Submission, formName: string, record: ReviewRecord | undefined): SubmissionSummary {
  // The review of this version; else, for an earlier version, the return it got (kept on the record).
  const earlier = record?.returns?.findLast((r) => r.uploadId === s.uploadId);
  const review =
    s.status !== 'accepted' ? undefined
    : record?.uploadId === s.uploadId ? unitReview(record, s.uploadId)
    : earlier ? { state: 'tra-lai' as const, comment: earlier.comment, at: earlier.at }
    : undefined;
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
    ...(review ? { review } : {}),
  };
}

function safeLabel(period: string): string {
  try {
    return periodLabel(period);
  } catch {
    return period;
  }
}
