/**
 * Reviewing a unit's latest accepted version: approve ("duyệt"), return it for correction with a
 * comment ("trả lại", the unit is emailed), or withdraw an approval with a reason ("rút duyệt").
 *
 * Only the latest accepted version of (unit, form, period) can be reviewed (409
 * `REVIEW_NOT_LATEST` otherwise). Transitions: chờ duyệt → đã duyệt | trả lại; trả lại → đã duyệt
 * (the operator changed their mind); đã duyệt → chờ duyệt (withdraw). Each is one conditional
 * write on the revision, upload and state read, so two operators acting at once cannot both
 * succeed (409 `REVIEW_CONFLICT` for the second); then one audit entry, before → after.
 * A locked period refuses review changes unless the unit holds a live exception.
 */
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type { Submission } from '../model';
import { signLinkToken } from '../links';
import type { Log } from '../log';
import { deadlineFor } from '../periods';
import { isUploadId } from '../upload-id';
import type { AuditLog, Clock, Mailer, PeriodLockStore, ReviewStore, SecretSource, SubmissionRepository, UnitRepository } from '../ports';
import { composeReturnEmail } from '../review/email';
import { requireOpenFor } from '../review/locks';
import { cleanOperatorText, effectiveReviewState, MAX_KEPT_RETURNS, MAX_REVIEW_COMMENT_LENGTH, REVIEW_ACTIONS, type ReviewAction, type ReviewRecord, type ReviewState } from '../review/model';
import type { FormLookup } from './form-lookup';
import { requireOperator, type Actor } from './period-locks';
import { REMINDER_LINK_GRACE_DAYS } from './send-unit-reminder';

/** The upload link in a return email lasts at least this long (and at least to the reminder grace after the deadline). */
export const RETURN_LINK_MIN_DAYS = 14;
const DAY_MS = 86_400_000;

export interface ReviewSubmissionDeps {
  catalog: FormLookup;
  submissions: Pick<SubmissionRepository, 'get' | 'listByUnit'>;
  units: Pick<UnitRepository, 'get'>;
  reviews: ReviewStore;
  locks: Pick<PeriodLockStore, 'getLockState'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
  mailer: Mailer;
  secrets: SecretSource;
  /** Public portal origin; a unit's link is `<portalUrl>/u/<token>`. */
  portalUrl: string;
  mail: { from: string };
  log?: Log;
}

export interface ReviewSubmissionInput {
  uploadId: unknown;
  action: unknown;
  comment?: unknown;
  actor: Actor;
}

export interface ReviewSubmissionResult {
  uploadId: string;
  unitCode: string;
  formId: string;
  period: string;
  version?: number;
  before: ReviewState;
  after: ReviewState;
  /** A return emails the unit: `sent`, `no-address` (the unit has no email), or `failed` (the review stands; the log says why). */
  email?: 'sent' | 'no-address' | 'failed';
}

const TRANSITIONS: Record<ReviewAction, { from: readonly ReviewState[]; to: ReviewState }> = {
  approve: { from: ['cho-duyet', 'tra-lai'], to: 'da-duyet' },
  return: { from: ['cho-duyet'], to: 'tra-lai' },
  withdraw: { from: ['da-duyet'], to: 'cho-duyet' },
};

const REFUSED: Record<ReviewAction, Partial<Record<ReviewState, string>>> = {
  approve: { 'da-duyet': 'Báo cáo này đã được duyệt.' },
  return: { 'da-duyet': 'Báo cáo này đã được duyệt: rút duyệt (kèm lý do) trước khi trả lại.', 'tra-lai': 'Báo cáo này đã bị trả lại, đang chờ đơn vị nộp lại.' },
  withdraw: { 'cho-duyet': 'Báo cáo này chưa được duyệt nên không có gì để rút.', 'tra-lai': 'Báo cáo này đã bị trả lại, không phải đã duyệt.' },
};

export function parseReviewAction(value: unknown): ReviewAction {
  if (typeof value === 'string' && (REVIEW_ACTIONS as readonly string[]).includes(value)) return value as ReviewAction;
  throw new InvalidInputError('REVIEW_ACTION_INVALID', `Thao tác phải là một trong: ${REVIEW_ACTIONS.join(', ')}.`);
}

export async function reviewSubmission(deps: ReviewSubmissionDeps, input: ReviewSubmissionInput): Promise<ReviewSubmissionResult> {
  requireOperator(input.actor);
  const action = parseReviewAction(input.action);
  const comment = cleanOperatorText(input.comment, { code: 'REVIEW_COMMENT_INVALID', label: 'Ý kiến', max: MAX_REVIEW_COMMENT_LENGTH });
  if (action === 'return' && !comment) throw new InvalidInputError('REVIEW_COMMENT_REQUIRED', 'Trả lại báo cáo cần ghi ý kiến cho đơn vị (điểm cần sửa, mã số cần giải trình).');
  if (action === 'withdraw' && !comment) throw new InvalidInputError('REVIEW_COMMENT_REQUIRED', 'Rút duyệt cần ghi lý do.');
  if (typeof input.uploadId !== 'string' || !isUploadId(input.uploadId)) throw new InvalidInputError('UPLOAD_ID_INVALID', 'Mã lần nộp không hợp lệ.');

  const submission = await deps.submissions.get(input.uploadId);
  if (!submission) throw new NotFoundError('UPLOAD_NOT_FOUND', 'Không có lần nộp này.');
  if (submission.status !== 'accepted') throw new ConflictError('REVIEW_NOT_ACCEPTED', 'Chỉ duyệt hoặc trả lại được bản nộp đã được tiếp nhận (hợp lệ).');
  const form = deps.catalog.get(submission.formId);
  if (!form) throw new NotFoundError('FORM_NOT_FOUND', 'Không có biểu mẫu của lần nộp này.');
  const history = await deps.submissions.listByUnit(submission.unitCode, { formId: submission.formId, period: submission.period });
  const latest = latestAccepted(history);
  if (latest && latest.uploadId !== submission.uploadId) {
    throw new ConflictError('REVIEW_NOT_LATEST', `Đơn vị đã nộp phiên bản mới hơn (lần ${latest.version ?? '?'}); chỉ duyệt hoặc trả lại phiên bản được tiếp nhận mới nhất.`);
  }

  const now = deps.clock.now();
  const [stored, lockState] = await Promise.all([
    deps.reviews.get(submission.formId, submission.period, submission.unitCode),
    deps.locks.getLockState(submission.formId, submission.period),
  ]);
  requireOpenFor(form, submission.period, submission.unitCode, lockState, now, 'review');
  const before = effectiveReviewState(stored, submission.uploadId);
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(before)) throw new ConflictError('REVIEW_STATE_INVALID', REFUSED[action][before] ?? 'Không thực hiện được thao tác này với tình trạng hiện tại của báo cáo.');

  const next: ReviewRecord = {
    formId: submission.formId, period: submission.period, unitCode: submission.unitCode, uploadId: submission.uploadId,
    state: transition.to, ...(comment ? { comment } : {}), actor: input.actor.id, at: now.toISOString(), rev: (stored?.rev ?? 0) + 1,
  };
  const returns = action === 'return' ? [...(stored?.returns ?? []), { uploadId: submission.uploadId, comment: comment!, at: next.at }].slice(-MAX_KEPT_RETURNS) : stored?.returns;
  if (returns && returns.length > 0) next.returns = returns;
  await deps.reviews.put(next, stored && { rev: stored.rev, uploadId: stored.uploadId, state: stored.state });
  await deps.audit.record({
    at: next.at, actor: input.actor.id, action: `review.${action}`, target: submission.uploadId,
    // The report's facts stand in `after` (the log reads a key only in `before` as removed); the state moves.
    before: { state: before },
    after: { unit: submission.unitCode, form: submission.formId, period: submission.period, version: submission.version, state: next.state, ...(comment ? { comment } : {}) },
  });
  const result: ReviewSubmissionResult = {
    uploadId: submission.uploadId, unitCode: submission.unitCode, formId: submission.formId, period: submission.period, version: submission.version, before, after: next.state,
  };
  if (action === 'return') result.email = await emailReturn(deps, submission, comment!, now);
  return result;
}

/** Newest accepted first: `listByUnit` returns newest first, the ordering (receivedAt, uploadId) decides ties. */
function latestAccepted(history: Submission[]): Submission | undefined {
  return history.filter((s) => s.status === 'accepted').sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.uploadId.localeCompare(a.uploadId))[0];
}

async function emailReturn(deps: ReviewSubmissionDeps, submission: Submission, comment: string, now: Date): Promise<'sent' | 'no-address' | 'failed'> {
  const form = deps.catalog.get(submission.formId)!;
  const unit = await deps.units.get(submission.unitCode);
  if (!unit || !unit.active || unit.emails.length === 0) return 'no-address';
  try {
    const deadline = deadlineFor(form, unit.type, submission.period);
    const linkExpiresAt = new Date(Math.max(now.getTime() + RETURN_LINK_MIN_DAYS * DAY_MS, deadline.getTime() + REMINDER_LINK_GRACE_DAYS * DAY_MS));
    const { current } = await deps.secrets.getLinkKeys();
    const token = signLinkToken(current, { u: unit.code, v: unit.keyVersion, exp: Math.floor(linkExpiresAt.getTime() / 1000) });
    const body = composeReturnEmail({ form, unit, submission, comment, deadline, now, link: `${deps.portalUrl.replace(/\/+$/, '')}/u/${token}`, linkExpiresAt });
    await deps.mailer.send({ from: deps.mail.from, to: unit.emails, ...body, headers: { 'X-Tonghop-Review': `return#${submission.uploadId}` } });
    return 'sent';
  } catch (err) {
    // The return is recorded either way; the operator is told the email did not go.
    deps.log?.warn('return email not sent', { uploadId: submission.uploadId, unitCode: unit.code, error: err instanceof Error ? err.name : typeof err });
    return 'failed';
  }
}
