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
import type { Clock, FileStore } from '../ports';
import type { FormLookup } from './form-lookup';
import { requireReportable } from './reportable-period';
import { issueUploadIntent, uploadMetadata, XLSX_CONTENT_TYPE } from './upload-intent';

export const UPLOAD_EXPIRES_SECONDS = 15 * 60;

/** The JSON body of `POST /api/uploads`. */
export const CreateUploadBodySchema = z.object({
  formId: z.string({ error: 'Thiếu mã biểu mẫu (formId).' }).check(z.minLength(1, 'Thiếu mã biểu mẫu (formId).'), z.maxLength(64, 'Mã biểu mẫu quá dài.')),
  period: z.string({ error: 'Thiếu kỳ báo cáo (period).' }).check(z.minLength(1, 'Thiếu kỳ báo cáo (period).'), z.maxLength(16, 'Kỳ báo cáo quá dài.')),
  fileName: z.string({ error: 'Thiếu tên tệp (fileName).' }).check(z.minLength(1, 'Thiếu tên tệp (fileName).'), z.maxLength(255, 'Tên tệp quá dài (tối đa 255 ký tự).')),
  size: z.int({ error: 'Dung lượng tệp (size) phải là số nguyên byte.' }).check(z.gte(0, 'Dung lượng tệp (size) không hợp lệ.')),
});
export type CreateUploadBody = z.infer<typeof CreateUploadBodySchema>;

export interface CreateUploadDeps {
  catalog: FormLookup;
  files: FileStore;
  clock: Clock;
  config: { maxUploadBytes: number };
}

export interface CreatedUpload {
  uploadId: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
  maxBytes: number;
}

/** Throws 404 (form/period), 413 (too large), 400 (empty file, not .xlsx). */
export async function createUpload(
  deps: CreateUploadDeps,
  input: CreateUploadBody & { unit: Unit; linkId: string },
): Promise<CreatedUpload> {
  const now = deps.clock.now();
  const maxBytes = deps.config.maxUploadBytes;
  requireUploadable(deps.catalog, input, maxBytes, now);
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
export function requireUploadable(catalog: FormLookup, input: { formId: string; period: string; fileName: string; size: number }, maxBytes: number, now: Date): void {
  requireReportable(catalog, input.formId, input.period, now);
  if (input.size > maxBytes) {
    throw new TooLargeError('FILE_TOO_LARGE', `Tệp "${input.fileName}" có dung lượng ${formatMb(input.size)}, vượt quá mức cho phép ${formatMb(maxBytes)}. Vui lòng kiểm tra lại đúng biểu mẫu đã tải về (thường chỉ vài chục KB).`);
  }
  if (input.size === 0) {
    throw new InvalidInputError('FILE_EMPTY', `Tệp "${input.fileName}" rỗng (0 byte). Vui lòng chọn lại tệp báo cáo đã điền.`);
  }
  if (!/\.xlsx$/i.test(input.fileName.trim())) {
    throw new InvalidInputError('FILE_TYPE_INVALID', `Tệp "${input.fileName}" không phải bảng tính Excel .xlsx. Vui lòng nộp đúng biểu mẫu đã tải về; nếu tệp đang ở dạng .xls hoặc .ods, hãy mở bằng Excel/LibreOffice và chọn "Lưu thành" định dạng .xlsx.`);
  }
}

/** "5 MB", "1,5 MB" (Vietnamese decimal comma). */
export function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
}
