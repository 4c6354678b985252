/**
 * Bulk approval from the status grid ("Duyệt các báo cáo đã chọn (không có cảnh báo)"): each
 * selected upload is approved by `reviewSubmission`, so each is its own conditional write and
 * audit entry. A report with data warnings is skipped (an operator reads those one by one), and
 * so is one that changed since the grid was drawn (a newer version, another operator's review, a
 * locked period): the answer lists what was approved and what was skipped, with the reason.
 */
import { AppError, InvalidInputError } from '../errors';
import type { Submission } from '../model';
import { isUploadId } from '../upload-id';
import { reviewSubmission, type ReviewSubmissionDeps } from './review-submission';
import type { Actor } from './period-locks';

/** Most reports approved in one post (a province has a few hundred units; the form body stays small). */
export const MAX_BULK_REVIEWS = 500;
/** Approvals run this many at a time (each is a few reads and one conditional write). */
const CONCURRENCY = 8;

export interface BulkApproval {
  uploadId: string;
  /** Known when the upload exists. */
  submission?: Pick<Submission, 'unitCode' | 'formId' | 'period' | 'version'>;
  outcome: 'approved' | 'skipped';
  /** Why it was skipped (Vietnamese), and the code: `REVIEW_HAS_WARNINGS` or the refusal's. */
  reason?: string;
  code?: string;
}

/**
 * Approves every upload of `uploadIds` that has no warnings, in the given order (duplicates
 * dropped). Refuses the whole request (400 `BULK_REVIEW_INVALID`) when the list is empty, too
 * long or holds a malformed id; a refusal of one report is reported, never thrown.
 */
export async function approveReviews(deps: ReviewSubmissionDeps, input: { uploadIds: readonly string[]; actor: Actor }): Promise<BulkApproval[]> {
  const ids = [...new Set(input.uploadIds)];
  if (ids.length === 0) throw new InvalidInputError('BULK_REVIEW_EMPTY', 'Chưa chọn báo cáo nào để duyệt.');
  if (ids.length > MAX_BULK_REVIEWS) throw new InvalidInputError('BULK_REVIEW_INVALID', `Chọn tối đa ${MAX_BULK_REVIEWS} báo cáo mỗi lần duyệt.`);
  if (ids.some((id) => !isUploadId(id))) throw new InvalidInputError('BULK_REVIEW_INVALID', 'Danh sách báo cáo được chọn không hợp lệ. Vui lòng tải lại trang và chọn lại.');
  const results: BulkApproval[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      results[i] = await approveOne(deps, ids[i]!, input.actor);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  return results;
}

async function approveOne(deps: ReviewSubmissionDeps, uploadId: string, actor: Actor): Promise<BulkApproval> {
  const found = await deps.submissions.get(uploadId);
  const submission = found && { unitCode: found.unitCode, formId: found.formId, period: found.period, version: found.version };
  if (found && found.warnings.length > 0) {
    return { uploadId, submission, outcome: 'skipped', code: 'REVIEW_HAS_WARNINGS', reason: `Có ${found.warnings.length} cảnh báo số liệu: cần xem và duyệt riêng.` };
  }
  try {
    await reviewSubmission(deps, { uploadId, action: 'approve', actor });
    return { uploadId, ...(submission ? { submission } : {}), outcome: 'approved' };
  } catch (err) {
    if (!(err instanceof AppError) || !err.expose) throw err;
    return { uploadId, ...(submission ? { submission } : {}), outcome: 'skipped', code: err.code, reason: err.message };
  }
}
