/**
 * Review of accepted reports and period locks (Ban Tổ chức's part of the cycle): a unit's latest
 * accepted version of a (form, period) is `cho-duyet` until an operator approves it (`da-duyet`)
 * or sends it back with a comment (`tra-lai`); once the province report is final the (form,
 * period) is locked ("khóa kỳ"), with per-unit exceptions until a date ("mở cho đơn vị nộp bổ sung").
 *
 * A review names the upload it applies to: a review whose upload is no longer the unit's latest
 * accepted one (the unit uploaded again after a return, or after an approval) counts as
 * `cho-duyet`, with no write needed when the new version arrives.
 */
import { ConflictError, InvalidInputError } from '../errors';

export const REVIEW_STATES = ['cho-duyet', 'da-duyet', 'tra-lai'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = { 'cho-duyet': 'chờ duyệt', 'da-duyet': 'đã duyệt', 'tra-lai': 'trả lại' };

export const REVIEW_ACTIONS = ['approve', 'return', 'withdraw'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** The stored review of one unit's (form, period): the state of `uploadId`, and who set it. */
export interface ReviewRecord {
  formId: string;
  period: string;
  unitCode: string;
  /** The accepted upload this review is about. */
  uploadId: string;
  state: ReviewState;
  /** The return's comment, or the withdrawal's reason. */
  comment?: string;
  actor: string;
  at: string;
  /** Bumped by every write; a write expects the revision it read (conditional write). */
  rev: number;
  /**
   * The latest returns of this unit's (form, period), newest last (at most `MAX_KEPT_RETURNS`),
   * so the unit's history still shows an earlier version as returned after it uploaded again.
   */
  returns?: ReturnNote[];
}

/** One return as the unit's history shows it. */
export interface ReturnNote {
  uploadId: string;
  comment: string;
  at: string;
}

/** Returns kept on a review record (each comment ≤ 2,000 characters: the item stays small). */
export const MAX_KEPT_RETURNS = 5;

/** The review state of `latestUploadId`: the record's when it is about that upload, else `cho-duyet`. */
export function effectiveReviewState(record: Pick<ReviewRecord, 'uploadId' | 'state'> | undefined, latestUploadId: string): ReviewState {
  return record && record.uploadId === latestUploadId ? record.state : 'cho-duyet';
}

/** A (form, period)'s lock as an operator last set it (`locked: false` after an unlock). */
export interface PeriodLockRecord {
  formId: string;
  period: string;
  locked: boolean;
  actor: string;
  at: string;
  reason?: string;
  rev: number;
}

/** One unit allowed to upload (and be reviewed) in a locked (form, period) until `until`. */
export interface LockException {
  formId: string;
  period: string;
  unitCode: string;
  /** ISO instant; the exception ends there. */
  until: string;
  reason: string;
  /** Who granted it. */
  actor: string;
  /** When it was last written (granted, or ended early): what the next write is conditional on. */
  at: string;
  /** Set when an operator ended it before its date: `until` is then that instant. */
  endedAt?: string;
  endedBy?: string;
  endReason?: string;
}

/** A (form, period)'s lock record and its exceptions, as one read returns them. */
export interface PeriodLockState {
  lock?: PeriodLockRecord;
  exceptions: LockException[];
}

/** Longest review comment (trả lại) or withdrawal reason. */
export const MAX_REVIEW_COMMENT_LENGTH = 2_000;
/** Longest lock or exception reason. */
export const MAX_LOCK_REASON_LENGTH = 500;

/** C0/C1 controls except tab and line feed, and the bidi overrides/isolates that reorder what a reader sees. */
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udfff]/u;

/**
 * Free text an operator types (a comment, a reason): line endings unified, trimmed, NFC, at most
 * `max` characters, no control characters but line breaks and tabs. `undefined` when empty.
 * Throws `InvalidInputError(code)` without echoing the text.
 */
export function cleanOperatorText(value: unknown, options: { code: string; label: string; max: number }): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(options.code, `${options.label} phải là văn bản.`);
  const text = value.replace(/\r\n?/g, '\n').normalize('NFC').trim();
  if (text === '') return undefined;
  if (UNSAFE_TEXT.test(text)) throw new InvalidInputError(options.code, `${options.label} chứa ký tự điều khiển không hợp lệ.`);
  if (Array.from(text).length > options.max) throw new InvalidInputError(options.code, `${options.label} quá dài (tối đa ${options.max.toLocaleString('vi-VN')} ký tự).`);
  return text;
}

/** Another operator changed the review between this one's read and write (conditional write lost). */
export function reviewConflict(cause?: unknown): ConflictError {
  return new ConflictError('REVIEW_CONFLICT', 'Báo cáo này vừa được một cán bộ khác duyệt hoặc trả lại. Vui lòng tải lại trang để xem tình trạng mới nhất rồi thao tác lại nếu cần.', cause);
}

/** Another operator changed the lock or the exception in between. */
export function lockConflict(cause?: unknown): ConflictError {
  return new ConflictError('LOCK_CONFLICT', 'Tình trạng khóa kỳ này vừa được một cán bộ khác thay đổi. Vui lòng xem lại tình trạng mới nhất rồi thao tác lại nếu cần.', cause);
}
