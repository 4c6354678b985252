/**
 * Ingest one uploaded object: from an S3 "object created" notification to a submission record
 * with its outcome, the unit's values, the latest-accepted pointer and the annotated feedback
 * workbook. No (form, period) aggregate is stored: totals are computed where they are read, from
 * the pointers (`readPeriodAggregate`), so an upload's storage work does not grow with the
 * number of units.
 *
 * Every upload is accounted for: an object outside the key layout, one no upload intent issued
 * (or posted under another key or link), a missing or oversized object, an unknown unit or form
 * all end in a recorded submission (`failed` or `rejected`), never a silent drop; only an
 * upload bound to its intent is read and can count.
 *
 * Every step is idempotent, and the submission's final status is written LAST: a crash
 * part-way leaves it `pending`, the queue redelivers the event, and the retry redoes the
 * remaining steps (the record is created once per upload id; values are overwritten with the
 * same values; the pointer only moves forward by upload order; the feedback object is overwritten with the same bytes).
 */
import { createHash } from 'node:crypto';
import { TooLargeError } from '../errors';
import type { FormCatalog } from '../forms/catalog';
import { buildFeedbackWorkbook } from '../forms/feedback-workbook';
import { quoteText } from '../forms/cell-values';
import { validateUpload } from '../forms/validate-upload';
import type { FormDefinition } from '../forms/definition';
import type { FormValues, Submission, Unit, ValidationIssue, ValidationResult } from '../model';
import { deadlineFor, parsePeriod, periodLabel, shiftPeriod } from '../periods';
import type { Log } from '../log';
import type { Clock, ObjectStore, PeriodLockStore, StoredObjectInfo, SubmissionRepository, UnitRepository } from '../ports';
import { liveException, periodLockStatus, periodLocked } from '../review/locks';
import { feedbackKey, parseUploadKey } from '../upload-id';
import { loadUploadIntent, XLSX_CONTENT_TYPE, type UploadIntent } from './upload-intent';

export interface IngestUploadDeps {
  submissions: SubmissionRepository;
  files: ObjectStore;
  units: UnitRepository;
  catalog: FormCatalog;
  clock: Clock;
  /** A version arriving in a locked period (its upload issued before the lock) is refused, kept and never counted. */
  locks: Pick<PeriodLockStore, 'getLockState'>;
  /** Upload size limit in bytes (TONGHOP_MAX_UPLOAD_BYTES). */
  maxUploadBytes: number;
  log?: Log;
}

export interface IngestUploadInput {
  /** The object key as it appears in the S3 event (already URL-decoded). */
  bucketKey: string;
  /** The S3 event's eventTime: the upload's place in the unit's order (receivedAt). */
  eventTime: string;
  size?: number;
  etag?: string;
  versionId?: string;
}

/**
 * At most this many errors and warnings, and this many bytes of them, are kept on the record
 * (a DynamoDB item is ≤ 400 KB, and the status endpoint returns the record); the feedback
 * workbook shows all. Messages quote at most `QUOTE_MAX_CHARS` of any text from the file.
 */
const MAX_STORED_ISSUES = 200;
const MAX_STORED_ISSUE_BYTES = 32 * 1024;

const FINAL: ReadonlySet<Submission['status']> = new Set(['accepted', 'rejected']);

const issue = (code: string, message: string, extra: Partial<ValidationIssue> = {}): ValidationIssue => ({ code, severity: 'error', message, ...extra });

/**
 * Processes one uploaded object and returns its final submission record (without `version`,
 * which is numbered on read: `submissions.get(uploadId)`). Throws only for
 * infrastructure failures (storage unreachable, …), so the queue retries; bad files resolve
 * to a `rejected` submission and odd objects to a `failed` one.
 */
export async function ingestUpload(deps: IngestUploadDeps, input: IngestUploadInput): Promise<Submission> {
  const receivedAt = new Date(input.eventTime).toISOString();
  const parts = parseUploadKey(input.bucketKey);
  if (!parts) return recordUnreadableKey(deps, input, receivedAt);

  const [head, intent] = await Promise.all([deps.files.head(input.bucketKey), loadUploadIntent(deps.files, parts.uploadId)]);
  const binding = bindToIntent(input.bucketKey, parts, intent, head);
  const draft: Submission = {
    ...parts,
    ...(binding.ok ? {} : binding.owner),
    status: 'pending',
    s3Key: input.bucketKey,
    s3VersionId: input.versionId ?? head?.versionId,
    etag: input.etag ?? head?.etag,
    size: head?.size ?? input.size,
    // The name the portal checked when it issued the upload; an unbound object's own metadata, bounded.
    fileName: binding.ok && intent ? intent.fileName : decodeFileName(head?.metadata?.['file-name']),
    linkId: binding.ok && intent ? intent.linkId : head?.metadata?.['link-id']?.slice(0, 100),
    receivedAt,
    errors: [],
    warnings: [],
  };
  if (!binding.ok) return recordUnbound(deps, draft, binding.issue, input.bucketKey);
  const sizeOk = head !== undefined && head.size <= deps.maxUploadBytes;
  // Independent round trips at once: the record (created once per upload), the unit, the bytes (bounded).
  // The baseline lookup is fetched alongside too, for a form with a baseline rule (its failure surfaces only if validation asks for it).
  const wantsBaseline = sizeOk && deps.catalog.get(parts.formId)?.rules.some((r) => r.kind === 'baseline') === true;
  const previous = wantsBaseline ? settle(previousAcceptedValues(deps.submissions, parts.formId, parts.unitCode, parts.period)) : undefined;
  const [{ submission: stored }, unit, download] = await Promise.all([
    deps.submissions.createIfAbsent(draft),
    deps.units.get(parts.unitCode),
    sizeOk ? readBounded(deps, input.bucketKey, draft.s3VersionId) : undefined,
  ]);
  if (FINAL.has(stored.status)) return stored;
  const submission: Submission = { ...draft, ...definedOnly(stored), status: 'pending' };

  if (!head) return finish(deps, submission, 'failed', [objectNotFound()]);
  if (!sizeOk || download?.tooLarge) return finish(deps, submission, 'rejected', [tooLarge(deps.maxUploadBytes)]);
  if (!unit) return finish(deps, submission, 'rejected', [issue('UNIT_NOT_FOUND', `Không có đơn vị báo cáo mã "${parts.unitCode}".`)]);
  const form = deps.catalog.get(parts.formId);
  if (!form) return finish(deps, submission, 'rejected', [issue('FORM_NOT_FOUND', `Không có biểu mẫu "${parts.formId}".`)]);
  let deadline: Date;
  try {
    parsePeriod(parts.period, form.periodType);
    deadline = deadlineFor(form, unit.type, parts.period);
  } catch (err) {
    return finish(deps, submission, 'rejected', [issue((err as { code?: string }).code ?? 'PERIOD_INVALID', (err as Error).message)]);
  }
  submission.deadline = deadline.toISOString();
  submission.late = new Date(receivedAt).getTime() > deadline.getTime();
  // Judged when processed: once the period is locked nothing may move the figures, even a file posted just before.
  const refusal = await lockRefusal(deps, form, parts.period, unit.code);
  if (refusal) return finish(deps, submission, 'rejected', [refusal]);

  const bytes = download?.bytes;
  if (!bytes) return finish(deps, submission, 'failed', [objectNotFound()]);
  submission.sha256 = createHash('sha256').update(bytes).digest('hex');
  submission.size = bytes.length;

  const validated = await validateUpload(bytes, {
    catalog: deps.catalog,
    maxBytes: deps.maxUploadBytes,
    previousValues: (formId, unitCode, period) =>
      previous && formId === parts.formId && unitCode === parts.unitCode && period === parts.period
        ? previous.then((r) => r())
        : previousAcceptedValues(deps.submissions, formId, unitCode, period),
  });
  const result = await checkIdentity(deps, validated, unit, form, parts);
  submission.formVersion = result.version;
  submission.warnings = result.warnings;
  const needsFeedback = !result.accepted || result.warnings.length > 0;

  if (result.accepted) {
    // Values, the pointer (which carries its own copy of them) and the feedback file do not
    // depend on each other; all precede the final status.
    const accepted = { ...submission, status: 'accepted' as const, warnings: capIssues(result.warnings) };
    const [, , feedback] = await Promise.all([
      deps.submissions.putValues(submission.uploadId, result.values),
      deps.submissions.advanceLatestAccepted(accepted, result.values),
      needsFeedback ? storeFeedback(deps, submission, bytes, result) : undefined,
    ]);
    submission.feedbackKey = feedback;
  } else {
    submission.feedbackKey = await storeFeedback(deps, submission, bytes, result);
  }
  return finish(deps, submission, result.accepted ? 'accepted' : 'rejected', result.errors, result.warnings);
}

type Binding =
  | { ok: true }
  /** `owner`: the intent's unit, form and period when it proves the upload id is that unit's; else no unit. */
  | { ok: false; owner: Pick<Submission, 'unitCode' | 'formId' | 'period'>; issue: ValidationIssue };

/**
 * An upload counts only when the portal (or an operator) issued it: an intent for its upload id
 * with the same unit, form, period and key, and the object carries that intent's link id (the
 * presigned POST signs both; s3rver enforces neither, so this is the guard locally). The
 * workbook's own `_tonghop` claim is a cross-check after this, never the proof.
 */
function bindToIntent(key: string, parts: { formId: string; period: string; unitCode: string }, intent: UploadIntent | undefined, head: StoredObjectInfo | undefined): Binding {
  const noOwner = { ...NO_OWNER, formId: parts.formId, period: parts.period };
  if (!intent) {
    return { ok: false, owner: noOwner, issue: issue('UPLOAD_NOT_ISSUED', 'Tệp này không được nộp qua đường dẫn nộp báo cáo của đơn vị (hệ thống không cấp lượt nộp này), nên không được tiếp nhận. Vui lòng nộp lại qua đường dẫn được cấp cho đơn vị.') };
  }
  // A vanished object carries no metadata: it is reported as not found against the intent's unit.
  const linkOk = head === undefined || head.metadata?.['link-id'] === intent.linkId;
  const keyOk = intent.key === key && intent.unitCode === parts.unitCode && intent.formId === parts.formId && intent.period === parts.period;
  if (linkOk && keyOk) return { ok: true };
  return {
    ok: false,
    owner: linkOk ? { unitCode: intent.unitCode, formId: intent.formId, period: intent.period } : noOwner,
    issue: issue('UPLOAD_NOT_BOUND', 'Tệp này không khớp với lượt nộp đã cấp (khác đơn vị, biểu mẫu, kỳ báo cáo hoặc đường dẫn nộp), nên không được tiếp nhận. Vui lòng nộp lại qua đường dẫn được cấp cho đơn vị.'),
  };
}

/** Records an upload no intent vouches for as rejected (kept in storage, never read, never counted). */
async function recordUnbound(deps: IngestUploadDeps, draft: Submission, refusal: ValidationIssue, key: string): Promise<Submission> {
  const { submission: stored } = await deps.submissions.createIfAbsent(draft);
  if (FINAL.has(stored.status)) return stored;
  deps.log?.warn('upload not bound to an issued intent', { key, uploadId: draft.uploadId, unitCode: draft.unitCode, code: refusal.code });
  return finish(deps, { ...draft, ...definedOnly(stored), status: 'pending' }, 'rejected', [refusal]);
}

/**
 * Marks a still-pending submission `failed` after its last delivery failed (the message goes to
 * the dead-letter queue), so the uploader and `tonghop submissions list` see it instead of a
 * submission that stays pending forever. A redrive from the dead-letter queue processes it again.
 */
export async function recordIngestFailure(deps: Pick<IngestUploadDeps, 'submissions' | 'clock' | 'log'>, input: IngestUploadInput, cause: unknown): Promise<void> {
  const parts = parseUploadKey(input.bucketKey);
  if (!parts) return;
  const current = await deps.submissions.get(parts.uploadId);
  if (!current || FINAL.has(current.status)) return;
  // The exception's text stays in the log (the handler logs it with the message id): it can
  // name tables, keys and limits, and its size is not ours to bound.
  deps.log?.warn('submission marked failed after its last delivery', { uploadId: current.uploadId, error: cause instanceof Error ? cause.name : typeof cause });
  await deps.submissions.update({
    ...current,
    status: 'failed',
    processedAt: deps.clock.now().toISOString(),
    errors: [issue('PROCESSING_FAILED', 'Hệ thống chưa xử lý được tệp này do sự cố kỹ thuật. Tệp vẫn được lưu; quản trị viên đã được ghi nhận sự cố và có thể xử lý lại.')],
  });
}

/**
 * The unit's latest accepted values for the period before `period` (the baseline rule): its
 * latest-accepted pointer for that period, which carries the values (one consistent read).
 */
async function previousAcceptedValues(
  submissions: SubmissionRepository, formId: string, unitCode: string, period: string,
): Promise<FormValues | undefined> {
  let previous: string;
  try {
    previous = shiftPeriod(period, -1);
  } catch {
    return undefined; // a workbook with a garbled period: refused on its own, no baseline to compare
  }
  return (await submissions.getLatestAccepted(formId, previous, unitCode))?.values;
}

/**
 * Refuses a workbook whose embedded unit, form or period is not the one its link was for
 * (a unit uploading another unit's file, or last quarter's file), naming both.
 */
async function checkIdentity(
  deps: IngestUploadDeps, result: ValidationResult, unit: Unit, form: FormDefinition, parts: { formId: string; period: string; unitCode: string },
): Promise<ValidationResult> {
  const mismatches: ValidationIssue[] = [];
  if (result.unit !== undefined && result.unit !== parts.unitCode) {
    const other = await deps.units.get(result.unit);
    mismatches.push(
      issue('UNIT_MISMATCH', `Tệp này là báo cáo của đơn vị ${quoteText(other?.name ?? result.unit)}, không phải của đơn vị ${unit.name}. Vui lòng tải biểu mẫu của đơn vị mình từ đường dẫn được cấp và nộp lại.`),
    );
  }
  if (result.formId !== undefined && result.formId !== parts.formId) {
    const embedded = deps.catalog.get(result.formId)?.name ?? quoteText(result.formId);
    mismatches.push(issue('FORM_MISMATCH', `Tệp này là biểu mẫu "${embedded}", không phải biểu mẫu "${form.name}" của đường dẫn nộp.`));
  }
  if (result.period !== undefined && result.period !== parts.period) {
    mismatches.push(issue('PERIOD_MISMATCH', `Tệp này là báo cáo ${safeLabel(result.period)}, không phải ${safeLabel(parts.period)}. Vui lòng dùng biểu mẫu của kỳ đang nộp.`));
  }
  if (mismatches.length === 0) return result;
  return { ...result, accepted: false, errors: [...mismatches, ...result.errors] };
}

/** The PERIOD_LOCKED issue when the (form, period) is locked for the unit now, else undefined. */
async function lockRefusal(deps: IngestUploadDeps, form: FormDefinition, period: string, unitCode: string): Promise<ValidationIssue | undefined> {
  const now = deps.clock.now();
  const state = await deps.locks.getLockState(form.id, period);
  const status = periodLockStatus(form, period, state, now);
  if (!status.locked || liveException(state, unitCode, now)) return undefined;
  return issue('PERIOD_LOCKED', periodLocked(form, period, status.since, 'upload').message);
}

async function storeFeedback(deps: IngestUploadDeps, submission: Submission, bytes: Buffer, result: ValidationResult): Promise<string | undefined> {
  let workbook: Buffer;
  try {
    workbook = await buildFeedbackWorkbook(bytes, result);
  } catch (err) {
    // A file that is not a workbook at all cannot be annotated; the errors on the record say why.
    deps.log?.warn('feedback workbook not built', { uploadId: submission.uploadId, error: (err as Error).message });
    return undefined;
  }
  const key = feedbackKey(submission.uploadId);
  await deps.files.put(key, workbook, { contentType: XLSX_CONTENT_TYPE });
  return key;
}

/** Writes the final outcome (the last step) and returns the record (versions are numbered on read: `submissions.get`). */
async function finish(
  deps: IngestUploadDeps, submission: Submission, status: Submission['status'], errors: ValidationIssue[], warnings: ValidationIssue[] = submission.warnings,
): Promise<Submission> {
  const final: Submission = { ...submission, status, errors: capIssues(errors), warnings: capIssues(warnings), processedAt: deps.clock.now().toISOString() };
  await deps.submissions.update(final);
  deps.log?.info('submission processed', {
    uploadId: final.uploadId, unitCode: final.unitCode, formId: final.formId, period: final.period, status, errors: errors.length, warnings: warnings.length,
  });
  return final;
}

/** Reads the object with the size cap; an object grown past the limit since HeadObject is reported, not thrown. */
async function readBounded(deps: IngestUploadDeps, key: string, versionId: string | undefined): Promise<{ bytes?: Buffer; tooLarge?: true }> {
  try {
    return { bytes: await deps.files.get(key, { maxBytes: deps.maxUploadBytes, versionId }) };
  } catch (err) {
    if (err instanceof TooLargeError) return { tooLarge: true };
    throw err;
  }
}

/** Holds a promise's outcome without an unhandled rejection; the returned function replays it. */
function settle<T>(promise: Promise<T>): Promise<() => T> {
  return promise.then(
    (value) => () => value,
    (err: unknown) => () => {
      throw err;
    },
  );
}

/** The form, period and unit of a record that belongs to no unit (never shown on a unit's page). */
const NO_OWNER = { formId: '-', period: '-', unitCode: '-' } as const;
const FORM_SEGMENT = /^[a-z0-9-]{1,64}$/;
const PERIOD_SEGMENT = /^[0-9A-Z-]{1,16}$/;

const objectNotFound = () => issue('OBJECT_NOT_FOUND', 'Không tìm thấy tệp đã nộp trong kho lưu trữ. Vui lòng nộp lại.');

/** Keeps the first issues within the count and byte budgets and says how many more the feedback workbook lists. */
export function capIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const sizes = issues.map((i) => Buffer.byteLength(JSON.stringify(i), 'utf8'));
  if (issues.length <= MAX_STORED_ISSUES && sizes.reduce((sum, n) => sum + n, 0) <= MAX_STORED_ISSUE_BYTES) return issues;
  // Room is kept for the closing "… và N mục khác" entry.
  let bytes = 256;
  let kept = 0;
  while (kept < issues.length && kept < MAX_STORED_ISSUES - 1 && bytes + sizes[kept]! <= MAX_STORED_ISSUE_BYTES) bytes += sizes[kept++]!;
  const rest = issues.length - kept;
  return [
    ...issues.slice(0, kept),
    { code: 'MORE_ISSUES', severity: issues[0]!.severity, message: `… và ${rest.toLocaleString('vi-VN')} mục khác; xem đầy đủ trong tệp phản hồi.` },
  ];
}

/**
 * An object outside `uploads/<form>/<period>/<unit>/<uploadId>.xlsx`: recorded as failed under an
 * id derived from its key and time, against no unit. Its unit segment proves nothing
 * (`uploads/f/p/SO-NV/../SO-YT/x.xlsx` names two units), so it is never listed on a unit's page;
 * the form and period are kept when they look like ones, so the operator's
 * `tonghop submissions list` still shows it.
 */
async function recordUnreadableKey(deps: IngestUploadDeps, input: IngestUploadInput, receivedAt: string): Promise<Submission> {
  const segments = input.bucketKey.split('/');
  // Never the id found in the key: `feedback/<uploadId>.xlsx` must not overwrite that upload's record.
  const uploadId = syntheticUploadId(receivedAt, input.bucketKey);
  const draft: Submission = {
    uploadId,
    ...NO_OWNER,
    ...(segments[1] && FORM_SEGMENT.test(segments[1]) ? { formId: segments[1] } : {}),
    ...(segments[2] && PERIOD_SEGMENT.test(segments[2]) ? { period: segments[2] } : {}),
    status: 'pending',
    s3Key: input.bucketKey,
    s3VersionId: input.versionId,
    etag: input.etag,
    size: input.size,
    receivedAt,
    errors: [],
    warnings: [],
  };
  const { submission } = await deps.submissions.createIfAbsent(draft);
  deps.log?.warn('object outside the upload key layout', { key: input.bucketKey, uploadId });
  return finish(deps, { ...draft, ...definedOnly(submission) }, 'failed', [
    issue('UPLOAD_KEY_INVALID', `Tệp "${quoteText(input.bucketKey, 120)}" không nằm đúng vị trí của một lần nộp báo cáo (uploads/<biểu mẫu>/<kỳ>/<đơn vị>/<mã nộp>.xlsx) nên không xử lý được.`),
  ]);
}

/** A deterministic upload id for a key without one, so a redelivered event finds the same record. */
function syntheticUploadId(receivedAt: string, key: string): string {
  const time = new Date(receivedAt).getTime().toString(36).padStart(9, '0').slice(-9);
  const digest = createHash('sha256').update(key).digest();
  const random = [...digest.subarray(0, 10)].map((b) => (b % 36).toString(36)).join('');
  return `${time}-${random}`;
}

function tooLarge(maxBytes: number): ValidationIssue {
  const mb = (maxBytes / (1024 * 1024)).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
  return issue('FILE_TOO_LARGE', `Tệp vượt quá dung lượng cho phép (${mb} MB). Vui lòng nộp đúng tệp biểu mẫu đã tải về.`);
}

function decodeFileName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return quoteText(decodeURIComponent(raw), 255);
  } catch {
    return quoteText(raw, 255);
  }
}

function safeLabel(period: string): string {
  try {
    return periodLabel(period).replace(/^./, (c) => c.toLowerCase());
  } catch {
    return `kỳ ${quoteText(period)}`;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
