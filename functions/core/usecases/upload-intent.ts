/**
 * An upload intent: written when the portal (or an operator, `tonghop submissions upload`) issues
 * a presigned POST. It binds the upload id to one unit, form, period, S3 key and link, before the
 * file has arrived: the status endpoint answers "pending" to its own unit and 403 to any other,
 * and ingest refuses an object that no intent issued or that sits under another key or arrived
 * without the intent's link id. Stored as a small JSON object beside the uploads, outside the
 * `uploads/` prefix that triggers ingest.
 */
import * as z from 'zod/mini';
import type { ObjectStore } from '../ports';
import { KEY_PREFIX } from '../storage-layout';
import { newUploadId, uploadKey } from '../upload-id';

export const UploadIntentSchema = z.object({
  uploadId: z.string(),
  unitCode: z.string(),
  formId: z.string(),
  period: z.string(),
  key: z.string(),
  fileName: z.string(),
  size: z.number(),
  linkId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Who issued it when not the unit's own link: `operator-cli:<OS user>` (absent: the portal). */
  issuedBy: z.optional(z.string()),
});
export type UploadIntent = z.infer<typeof UploadIntentSchema>;

/** The content type every upload is posted with (pinned in the presigned POST's policy). */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `intents/<uploadId>.json` (no S3 event notification on this prefix). */
export const uploadIntentKey = (uploadId: string): string => `${KEY_PREFIX.intents}${uploadId}.json`;

export async function saveUploadIntent(files: ObjectStore, intent: UploadIntent): Promise<void> {
  await files.put(uploadIntentKey(intent.uploadId), JSON.stringify(intent), { contentType: 'application/json' });
}

/** What an upload intent is issued for. */
export interface IssueUploadIntentInput {
  unitCode: string;
  formId: string;
  period: string;
  fileName: string;
  size: number;
  /** The unit link's id (`links.ts`), or the operator's pseudo-link for an operator upload. */
  linkId: string;
  now: Date;
  expiresInSeconds: number;
  issuedBy?: string;
}

/** Picks a fresh upload id and key for the unit, form and period, and records the intent. */
export async function issueUploadIntent(files: ObjectStore, input: IssueUploadIntentInput): Promise<UploadIntent> {
  const uploadId = newUploadId(input.now);
  const intent: UploadIntent = {
    uploadId,
    unitCode: input.unitCode,
    formId: input.formId,
    period: input.period,
    key: uploadKey({ formId: input.formId, period: input.period, unitCode: input.unitCode, uploadId }),
    fileName: input.fileName,
    size: input.size,
    linkId: input.linkId,
    createdAt: input.now.toISOString(),
    expiresAt: new Date(input.now.getTime() + input.expiresInSeconds * 1000).toISOString(),
    ...(input.issuedBy ? { issuedBy: input.issuedBy } : {}),
  };
  await saveUploadIntent(files, intent);
  return intent;
}

/**
 * The object metadata an upload under this intent carries (`x-amz-meta-*` fields signed into
 * the presigned POST; ingest compares the link id with the intent's).
 */
export function uploadMetadata(intent: Pick<UploadIntent, 'linkId' | 'fileName'>): Record<string, string> {
  return { 'link-id': intent.linkId, 'file-name': encodeURIComponent(intent.fileName) };
}

/**
 * Puts a file under the intent's key as its presigned POST would leave it (content type and
 * metadata): for an operator loading a file on a unit's behalf, and for tests and benchmarks.
 */
export async function putUnderIntent(files: ObjectStore, intent: UploadIntent, bytes: Buffer): Promise<void> {
  await files.put(intent.key, bytes, { contentType: XLSX_CONTENT_TYPE, metadata: uploadMetadata(intent) });
}

/** The intent, or undefined when none was issued (or it is unreadable: treated as unknown). */
export async function loadUploadIntent(files: ObjectStore, uploadId: string): Promise<UploadIntent | undefined> {
  const body = await files.get(uploadIntentKey(uploadId), { maxBytes: 64 * 1024 });
  if (!body) return undefined;
  try {
    const parsed = UploadIntentSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
