/**
 * The outcome of one upload, for the uploader: pending until ingest has decided, then accepted
 * (with warnings) or rejected (with the errors, each naming its cell), plus a short-lived link
 * to the annotated workbook when there is one. An upload whose file never reached storage (the
 * browser's POST was cut off, or the form expired unused) is reported as not received once the
 * presigned form has expired, instead of "pending" forever.
 */
import type { Unit, ValidationIssue } from '../model';
import type { Clock, FileStore, SubmissionRepository } from '../ports';
import { findUnitUpload } from './find-unit-upload';

export const FEEDBACK_LINK_SECONDS = 15 * 60;
/**
 * How long after the presigned form's expiry a missing file is still awaited: S3 accepts a POST
 * that started before the expiry, and its notification can lag a little behind.
 */
export const UPLOAD_ARRIVAL_GRACE_SECONDS = 5 * 60;

export interface UploadStatus {
  uploadId: string;
  status: 'pending' | 'accepted' | 'rejected';
  formId: string;
  period: string;
  fileName?: string;
  receivedAt?: string;
  version?: number;
  late?: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Presigned download of the annotated workbook (valid 15 minutes). */
  feedbackUrl?: string;
}

export interface GetUploadStatusDeps {
  submissions: SubmissionRepository;
  files: FileStore;
  clock: Clock;
}

/** Throws 404 for an id never issued, 403 for another unit's upload. */
export async function getUploadStatus(deps: GetUploadStatusDeps, unit: Unit, uploadId: string): Promise<UploadStatus> {
  const found = await findUnitUpload(deps, unit, uploadId);
  if (!found.submission) {
    const { intent } = found;
    const base = { uploadId, formId: intent.formId, period: intent.period, fileName: intent.fileName, warnings: [] };
    const awaitedUntil = Date.parse(intent.expiresAt) + UPLOAD_ARRIVAL_GRACE_SECONDS * 1000;
    // Past the form's expiry with no file stored, nothing can arrive any more. A stored file with
    // no record yet stays pending: ingest (or the sweep of stalled uploads) will decide it.
    if (deps.clock.now().getTime() > awaitedUntil && !(await deps.files.head(intent.key))) {
      const notReceived: ValidationIssue = {
        code: 'UPLOAD_NOT_RECEIVED',
        severity: 'error',
        message: 'Hệ thống chưa nhận được tệp của lần nộp này (việc tải lên bị gián đoạn hoặc biểu mẫu tải lên đã hết hạn). Vui lòng nộp lại tệp.',
      };
      return { ...base, status: 'rejected', errors: [notReceived] };
    }
    return { ...base, status: 'pending', errors: [] };
  }
  const s = found.submission;
  const base = { uploadId, formId: s.formId, period: s.period, fileName: s.fileName, receivedAt: s.receivedAt, version: s.version, late: s.late };
  if (s.status === 'pending') return { ...base, status: 'pending', errors: [], warnings: [] };
  const feedbackUrl = s.feedbackKey
    ? await deps.files.createDownloadUrl(s.feedbackKey, { expiresInSeconds: FEEDBACK_LINK_SECONDS, fileName: feedbackFileName(s.fileName) })
    : undefined;
  if (s.status === 'failed') {
    // The system, not the file, failed (the message stays in the dead-letter queue for operators).
    const failure: ValidationIssue = {
      code: 'PROCESSING_FAILED',
      severity: 'error',
      message: 'Hệ thống chưa xử lý được tệp này do sự cố kỹ thuật. Vui lòng nộp lại sau ít phút; nếu vẫn không được, hãy liên hệ Ban Tổ chức Tỉnh ủy.',
    };
    return { ...base, status: 'rejected', errors: s.errors.length ? s.errors : [failure], warnings: s.warnings, feedbackUrl };
  }
  return { ...base, status: s.status, errors: s.errors, warnings: s.warnings, feedbackUrl };
}

/** "Báo cáo quý.xlsx" → "Báo cáo quý - kết quả kiểm tra.xlsx". */
export function feedbackFileName(original: string | undefined): string {
  const stem = (original ?? 'bao-cao.xlsx').replace(/\.xlsx$/i, '');
  return `${stem} - kết quả kiểm tra.xlsx`;
}
