/**
 * Issues a presigned POST for one upload by one unit: the S3 key is fixed to
 * `uploads/<formId>/<period>/<unitCode>/<uploadId>.xlsx` for the link's unit, the size range
 * to the configured limit, the content type to .xlsx, the expiry to 15 minutes; the link id and
 * original file name ride along as signed object metadata. Records an upload intent so the
 * status endpoint can tell "not yet arrived" (pending) from "not yours" (403), and ingest can
 * refuse an object that this link did not post under this key.
 */
import * as z from 'zod/mini';
import { InvalidInputError, TooLargeError } from '../errors';
import type { Unit } from '../model';
import type { FormDefinition } from '../forms/definition';
import type { Clock, FileStore, PeriodLockStore } from '../ports';
import { requireUploadOpen } from './period-locks';
import type { FormLookup } from './form-lookup';
import { requireReportable } from './reportable-period';
import { issueUploadIntent, uploadMetadata, XLSX_CONTENT_TYPE } from './upload-intent';

export const UPLOAD_EXPIRES_SECONDS = 15 * 60;

/**
 * A lone UTF-16 surrogate (JSON may spell one, `"\ud800"`) has no UTF-8 form: it can be neither
 * stored in the intent nor sent as object metadata. In `u` mode a surrogate class matches only
 * unpaired halves, so emoji and other astral characters still pass.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Control characters, and the bidi overrides/isolates that make `…xslx.exe` display as `…exe.xlsx`. */
const UNSAFE_IN_NAME = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
/**
 * S3 caps an object's user metadata at 2 KB (UTF-8 bytes of keys and values) and the name rides
 * along percent-encoded (up to 3 characters per byte): 600 UTF-8 bytes keep it well inside,
 * whatever the script (255 Latin letters, about 195 Vietnamese letters with marks).
 */
const MAX_FILE_NAME_BYTES = 600;

/** A body string that can be encoded (no lone surrogate), then its own checks. */
const text = (missing: string, tooLong: string, maxLength: number, invalid: string) =>
  z.string({ error: missing }).check(
    z.minLength(1, missing),
    z.maxLength(maxLength, tooLong),
    z.refine((s) => !LONE_SURROGATE.test(s), invalid),
  );

/**
 * The JSON body of `POST /api/uploads`. Everything that could fail later (an encoding, a
 * metadata limit) is refused here, before any intent is stored. Messages never echo the input.
 */
export const CreateUploadBodySchema = z.object({
  formId: text('Thiếu mã biểu mẫu (formId).', 'Mã biểu mẫu quá dài.', 64, 'Mã biểu mẫu chứa ký tự không hợp lệ.'),
  period: text('Thiếu kỳ báo cáo (period).', 'Kỳ báo cáo quá dài.', 16, 'Kỳ báo cáo chứa ký tự không hợp lệ.'),
  fileName: text('Thiếu tên tệp (fileName).', 'Tên tệp quá dài (tối đa 255 ký tự).', 255, 'Tên tệp chứa ký tự không hợp lệ, vui lòng đổi tên tệp rồi nộp lại.').check(
    z.refine((s) => !UNSAFE_IN_NAME.test(s), 'Tên tệp chứa ký tự điều khiển không hợp lệ, vui lòng đổi tên tệp rồi nộp lại.'),
    z.refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_FILE_NAME_BYTES, 'Tên tệp quá dài, vui lòng đặt tên ngắn hơn rồi nộp lại.'),
  ),
  size: z.int({ error: 'Dung lượng tệp (size) phải là số nguyên byte.' }).check(z.gte(0, 'Dung lượng tệp (size) không hợp lệ.')),
});
export type CreateUploadBody = z.infer<typeof CreateUploadBodySchema>;

export interface CreateUploadDeps {
  catalog: FormLookup;
  files: FileStore;
  clock: Clock;
  /** A locked period refuses new uploads (409 PERIOD_LOCKED) unless the unit holds an exception. */
  locks: Pick<PeriodLockStore, 'getLockState'>;
  config: { maxUploadBytes: number };
}

export interface CreatedUpload {
  uploadId: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
  maxBytes: number;
}

/** Throws 404 (form/period), 413 (too large), 400 (empty file, not .xlsx), 409 PERIOD_LOCKED (the period is locked for this unit). */
export async function createUpload(
  deps: CreateUploadDeps,
  input: CreateUploadBody & { unit: Unit; linkId: string },
): Promise<CreatedUpload> {
  const now = deps.clock.now();
  const maxBytes = deps.config.maxUploadBytes;
  const form = requireUploadable(deps.catalog, input, maxBytes, now);
  await requireUploadOpen(deps.locks, form, input.period, input.unit.code, now);
  const intent = await issueUploadIntent(deps.files, {
    unitCode: input.unit.code, formId: input.formId, period: input.period, fileName: input.fileName, size: input.size,
    linkId: input.linkId, now, expiresInSeconds: UPLOAD_EXPIRES_SECONDS,
  });
  const post = await deps.files.createUploadPost({
    key: intent.key,
    maxBytes,
    expiresInSeconds: UPLOAD_EXPIRES_SECONDS,
    contentType: XLSX_CONTENT_TYPE,
    metadata: uploadMetadata(intent),
  });
  return { uploadId: intent.uploadId, url: post.url, fields: post.fields, expiresAt: intent.expiresAt, maxBytes };
}

/**
 * What every issued upload must be, whoever issues it (the portal, `tonghop submissions upload`):
 * a reportable form and period, a non-empty .xlsx within the limit. Throws 404, 413 or 400.
 */
export function requireUploadable(catalog: FormLookup, input: { formId: string; period: string; fileName: string; size: number }, maxBytes: number, now: Date): FormDefinition {
  const form = requireReportable(catalog, input.formId, input.period, now);
  if (input.size > maxBytes) {
    throw new TooLargeError('FILE_TOO_LARGE', `Tệp "${input.fileName}" có dung lượng ${formatMb(input.size)}, vượt quá mức cho phép ${formatMb(maxBytes)}. Vui lòng kiểm tra lại đúng biểu mẫu đã tải về (thường chỉ vài chục KB).`);
  }
  if (input.size === 0) {
    throw new InvalidInputError('FILE_EMPTY', `Tệp "${input.fileName}" rỗng (0 byte). Vui lòng chọn lại tệp báo cáo đã điền.`);
  }
  if (!/\.xlsx$/i.test(input.fileName.trim())) {
    throw new InvalidInputError('FILE_TYPE_INVALID', `Tệp "${input.fileName}" không phải bảng tính Excel .xlsx. Vui lòng nộp đúng biểu mẫu đã tải về; nếu tệp đang ở dạng .xls hoặc .ods, hãy mở bằng Excel/LibreOffice và chọn "Lưu thành" định dạng .xlsx.`);
  }
  return form;
}

/** "5 MB", "1,5 MB" (Vietnamese decimal comma). */
export function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
}
