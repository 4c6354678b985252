/** A fresh presigned download of an upload's annotated workbook, for its own unit only. */
import { NotFoundError } from '../errors';
import type { Unit } from '../model';
import type { FileStore, SubmissionRepository } from '../ports';
import { findUnitUpload } from './find-unit-upload';
import { FEEDBACK_LINK_SECONDS, feedbackFileName } from './get-upload-status';

/** Throws 404 when the upload has no annotated workbook (yet), 403 for another unit's upload. */
export async function getUploadFeedback(deps: { submissions: SubmissionRepository; files: FileStore }, unit: Unit, uploadId: string): Promise<string> {
  const { submission } = await findUnitUpload(deps, unit, uploadId);
  if (!submission?.feedbackKey) {
    throw new NotFoundError('FEEDBACK_NOT_FOUND', 'Lần nộp này không có tệp kết quả kiểm tra (chưa xử lý xong, hoặc tệp hợp lệ không có cảnh báo).');
  }
  return deps.files.createDownloadUrl(submission.feedbackKey, { expiresInSeconds: FEEDBACK_LINK_SECONDS, fileName: feedbackFileName(submission.fileName) });
}
