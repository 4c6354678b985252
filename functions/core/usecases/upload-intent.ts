/**
 * An upload intent: written when the portal issues a presigned POST, so that an upload id can
 * be traced to its unit before the file has arrived or been ingested (the status endpoint
 * answers "pending" to its own unit and 403 to any other). Stored as a small JSON object
 * beside the uploads, outside the `uploads/` prefix that triggers ingest.
 */
import * as z from 'zod/mini';
import type { FileStore } from '../ports';
import { KEY_PREFIX } from '../storage-layout';

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
});
export type UploadIntent = z.infer<typeof UploadIntentSchema>;

/** `intents/<uploadId>.json` (no S3 event notification on this prefix). */
export const uploadIntentKey = (uploadId: string): string => `${KEY_PREFIX.intents}${uploadId}.json`;

export async function saveUploadIntent(files: FileStore, intent: UploadIntent): Promise<void> {
  await files.put(uploadIntentKey(intent.uploadId), JSON.stringify(intent), { contentType: 'application/json' });
}

/** The intent, or undefined when none was issued (or it is unreadable: treated as unknown). */
export async function loadUploadIntent(files: FileStore, uploadId: string): Promise<UploadIntent | undefined> {
  const body = await files.get(uploadIntentKey(uploadId), { maxBytes: 64 * 1024 });
  if (!body) return undefined;
  try {
    const parsed = UploadIntentSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
