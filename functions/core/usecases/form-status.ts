/**
 * "Tình hình nộp báo cáo": where every unit stands for a form and period — one row per unit
 * that is expected to report (active, and the form has something for its type), with its
 * deadline, status, versions and last upload — and the counts by status and by unit type.
 *
 * Three reads whatever the number of units: the unit registry, ONE listing of the period's
 * submissions, projected to what the grid reads (`listSummariesByFormPeriod`), and ONE listing of
 * the period's reviews (`listByFormPeriod`); everything else is computed here. The status rule is the
 * consolidation's (`unitReportStatus`), so the grid and the consolidated report never disagree
 * on who has reported: an accepted version counts whatever came after it.
 */
import { InvalidInputError } from '../errors';
import { acceptedLate, compareUnitsForDisplay, unitReportStatus, type UnitReportStatus } from '../consolidation/report';
import { formAppliesTo } from '../forms/layout';
import { foldVietnamese } from '../format-vi';
import type { SubmissionStatus, Unit, UnitType } from '../model';
import { deadlineFor, openPeriod, periodLabel } from '../periods';
import type { Clock, ReviewStore, SubmissionRepository, SubmissionSummary, UnitRepository } from '../ports';
import { effectiveReviewState, REVIEW_STATES, type ReviewRecord, type ReviewState } from '../review/model';
import { unitTypesOf, type FormLookup } from './form-lookup';
import type { UnitTypeRegistry } from '../units/unit-types';
import { requireReportable } from './reportable-period';

/** A unit's filing status for the period (URL- and JSON-friendly ids). */
export const FILING_STATUSES = ['chua-nop', 'dang-xu-ly', 'da-nop', 'bi-tu-choi'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

/** How people read each status; "nộp muộn" is `da-nop` with `late`. */
export const FILING_STATUS_LABELS: Record<FilingStatus, string> = {
  'chua-nop': 'chưa nộp',
  'dang-xu-ly': 'đang xử lý',
  'da-nop': 'đã nộp',
  'bi-tu-choi': 'bị từ chối',
};

/** The status filter also takes `nop-muon`: submitted, but after the deadline. */
export const STATUS_FILTERS = [...FILING_STATUSES, 'nop-muon'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

const FROM_REPORT_STATUS: Record<UnitReportStatus, FilingStatus> = {
  missing: 'chua-nop',
  pending: 'dang-xu-ly',
  accepted: 'da-nop',
  rejected: 'bi-tu-choi',
};

/** Longest period id looked at ("2026-Q1" is 7): longer input is refused without being echoed. */
const MAX_PERIOD_LENGTH = 16;

/** Longest search text accepted (a unit name is far shorter). */
export const MAX_SEARCH_LENGTH = 100;

export interface FormStatusDeps {
  forms: FormLookup;
  units: Pick<UnitRepository, 'list'>;
  submissions: Pick<SubmissionRepository, 'listSummariesByFormPeriod'>;
  /** The review of each unit's latest accepted version ("Duyệt" column and filter). */
  reviews: Pick<ReviewStore, 'listByFormPeriod'>;
  clock: Clock;
}

export interface FormStatusInput {
  formId: string;
  /** Default: the period units are reporting on now (`openPeriod`). */
  period?: string;
  /** Filters on the rows (the counts always cover every expected unit). */
  type?: string;
  status?: string;
  /** Part of the unit's name or code; case and Vietnamese accents are ignored. */
  search?: string;
  /** Review state of the latest accepted version (rows without one never match). */
  review?: string;
}

/** The review of a row's counting version: its state and, when someone set it, who, when and the comment. */
export interface RowReview {
  state: ReviewState;
  actor?: string;
  at?: string;
  comment?: string;
}

export interface UnitStatusRow {
  code: string;
  name: string;
  type: UnitType;
  /** The unit's deadline (ISO instant). */
  deadline: string;
  status: FilingStatus;
  /** `da-nop` with the counting version received after the deadline: "nộp muộn". */
  late: boolean;
  /** No accepted version and the deadline has passed ("quá hạn"). */
  overdue: boolean;
  /** `da-nop`, but the last upload was refused (rejected or failed): the earlier accepted version still counts. */
  lastRejected: boolean;
  /** Status of the last upload, when there is one. */
  lastUploadStatus?: SubmissionStatus;
  /** Every upload for the period, any status. */
  versions: number;
  lastUploadAt?: string;
  latestUploadId?: string;
  /** The version that counts (the latest accepted one), with its number and warnings count. */
  acceptedUploadId?: string;
  acceptedVersion?: number;
  warnings?: number;
  /** The review of `acceptedUploadId` (absent without an accepted version). */
  review?: RowReview;
}

export interface StatusCounts {
  total: number;
  byStatus: Record<FilingStatus, number>;
  /** Of `da-nop`, those submitted after the deadline. */
  late: number;
  /** Without an accepted version, past the deadline. */
  overdue: number;
  /** Of the units with an accepted version, by the review state of the latest one. */
  byReview: Record<ReviewState, number>;
}

export interface FormStatus {
  formId: string;
  formName: string;
  period: string;
  periodLabel: string;
  /** When the picture was taken (ISO). */
  generatedAt: string;
  /** Over every expected unit, whatever the filters. */
  counts: StatusCounts & { byType: Array<StatusCounts & { type: UnitType; label: string }> };
  /** The rows the filters keep, by unit type (domain order) then code. */
  units: UnitStatusRow[];
}

/** The status grid of a form and period; throws FORM_NOT_FOUND / PERIOD_NOT_FOUND (404) or STATUS_FILTER_INVALID (400). */
export async function formStatus(deps: FormStatusDeps, input: FormStatusInput): Promise<FormStatus> {
  const filters = parseFilters(input, unitTypesOf(deps.forms));
  const now = deps.clock.now();
  if (input.period !== undefined && input.period.length > MAX_PERIOD_LENGTH) throw new InvalidInputError('PERIOD_INVALID', 'Kỳ báo cáo không hợp lệ.');
  // An unknown form leaves the period empty: requireReportable then answers FORM_NOT_FOUND.
  const known = deps.forms.get(input.formId);
  const period = input.period ?? (known ? openPeriod(known, now) : '');
  const form = requireReportable(deps.forms, input.formId, period, now, { includeRetired: true });

  const [units, submissions, reviews] = await Promise.all([deps.units.list(), deps.submissions.listSummariesByFormPeriod(form.id, period), deps.reviews.listByFormPeriod(form.id, period)]);
  const reviewOf = new Map(reviews.map((r) => [r.unitCode, r]));
  const byUnit = new Map<string, SubmissionSummary[]>();
  for (const s of submissions) {
    const own = byUnit.get(s.unitCode);
    if (own) own.push(s);
    else byUnit.set(s.unitCode, [s]);
  }
  const unitTypes = unitTypesOf(deps.forms);
  const deadlines = new Map<UnitType, Date>();
  const deadlineOf = (type: UnitType): Date => {
    let d = deadlines.get(type);
    if (!d) deadlines.set(type, (d = deadlineFor(form, type, period)));
    return d;
  };

  const rows = units
    .filter((u) => u.active && formAppliesTo(form, u.type))
    .sort(compareUnitsForDisplay(unitTypes))
    .map((unit) => unitRow(unit, byUnit.get(unit.code) ?? [], deadlineOf(unit.type), now, reviewOf.get(unit.code)));
  // Types in the registry's order; a unit whose type is not in the registry (old data) still counts, under its code.
  const types = [...new Set(rows.map((r) => r.type))];

  return {
    formId: form.id,
    formName: form.name,
    period,
    periodLabel: periodLabel(period),
    generatedAt: now.toISOString(),
    counts: {
      ...countRows(rows),
      byType: types.map((type) => ({ type, label: unitTypes.label(type), ...countRows(rows.filter((r) => r.type === type)) })),
    },
    units: rows.filter((r) => matches(r, filters)),
  };
}

/** The row's review: the record's when it is about the counting version, else `cho-duyet` (a newer version awaits review). */
function rowReview(record: ReviewRecord | undefined, acceptedUploadId: string): RowReview {
  const state = effectiveReviewState(record, acceptedUploadId);
  if (!record || record.uploadId !== acceptedUploadId) return { state };
  return { state, actor: record.actor, at: record.at, ...(record.comment ? { comment: record.comment } : {}) };
}

function unitRow(unit: Unit, uploads: SubmissionSummary[], deadline: Date, now: Date, review: ReviewRecord | undefined): UnitStatusRow {
  // Versions are numbered by upload order: the highest is the last upload.
  const ordered = [...uploads].sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
  const last = ordered.at(-1);
  const accepted = ordered.filter((s) => s.status === 'accepted').at(-1);
  const status = FROM_REPORT_STATUS[unitReportStatus(accepted !== undefined, ordered)];
  return {
    code: unit.code,
    name: unit.name,
    type: unit.type,
    deadline: deadline.toISOString(),
    status,
    late: accepted !== undefined && acceptedLate(accepted, deadline),
    overdue: accepted === undefined && now.getTime() > deadline.getTime(),
    lastRejected: accepted !== undefined && (last?.status === 'rejected' || last?.status === 'failed'),
    ...(last ? { lastUploadStatus: last.status, lastUploadAt: last.receivedAt, latestUploadId: last.uploadId } : {}),
    versions: ordered.length,
    ...(accepted ? { acceptedUploadId: accepted.uploadId, acceptedVersion: accepted.version, warnings: accepted.warnings.length, review: rowReview(review, accepted.uploadId) } : {}),
  };
}

function countRows(rows: readonly UnitStatusRow[]): StatusCounts {
  const byStatus = Object.fromEntries(FILING_STATUSES.map((s) => [s, 0])) as Record<FilingStatus, number>;
  const byReview = Object.fromEntries(REVIEW_STATES.map((s) => [s, 0])) as Record<ReviewState, number>;
  let late = 0;
  let overdue = 0;
  for (const r of rows) {
    byStatus[r.status] += 1;
    if (r.late) late += 1;
    if (r.overdue) overdue += 1;
    if (r.review) byReview[r.review.state] += 1;
  }
  return { total: rows.length, byStatus, late, overdue, byReview };
}

interface Filters {
  type?: UnitType;
  status?: StatusFilter;
  search?: string;
  review?: ReviewState;
}

function parseFilters(input: FormStatusInput, unitTypes: UnitTypeRegistry): Filters {
  const filters: Filters = {};
  if (input.type !== undefined) {
    if (!unitTypes.has(input.type)) {
      throw new InvalidInputError('STATUS_FILTER_INVALID', `Loại đơn vị không hợp lệ. Chọn một trong: ${unitTypes.list().map((t) => t.code).join(', ')}.`);
    }
    filters.type = input.type;
  }
  if (input.status !== undefined) {
    if (!(STATUS_FILTERS as readonly string[]).includes(input.status)) {
      throw new InvalidInputError('STATUS_FILTER_INVALID', `Trạng thái không hợp lệ. Chọn một trong: ${STATUS_FILTERS.join(', ')}.`);
    }
    filters.status = input.status as StatusFilter;
  }
  if (input.review !== undefined) {
    if (!(REVIEW_STATES as readonly string[]).includes(input.review)) {
      throw new InvalidInputError('STATUS_FILTER_INVALID', `Tình trạng duyệt không hợp lệ. Chọn một trong: ${REVIEW_STATES.join(', ')}.`);
    }
    filters.review = input.review as ReviewState;
  }
  if (input.search !== undefined) {
    if (input.search.length > MAX_SEARCH_LENGTH) throw new InvalidInputError('STATUS_FILTER_INVALID', `Từ khóa tìm kiếm dài quá ${MAX_SEARCH_LENGTH} ký tự.`);
    const search = foldVietnamese(input.search).replace(/\s+/g, ' ').trim();
    if (search) filters.search = search;
  }
  return filters;
}

function matches(row: UnitStatusRow, filters: Filters): boolean {
  if (filters.type && row.type !== filters.type) return false;
  if (filters.status === 'nop-muon' ? !row.late : filters.status && row.status !== filters.status) return false;
  if (filters.review && row.review?.state !== filters.review) return false;
  if (filters.search) {
    const haystack = `${foldVietnamese(row.code)} ${foldVietnamese(row.name).replace(/\s+/g, ' ')}`;
    if (!haystack.includes(filters.search)) return false;
  }
  return true;
}
