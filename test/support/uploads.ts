/**
 * Uploads as the portal makes them: the upload intent issued the way `createUpload` issues it,
 * then the object put as the browser's presigned POST leaves it (the signed link id and file
 * name metadata, the .xlsx content type). Ingest refuses an object no intent issued, so every
 * test or tool that puts a file under `uploads/` goes through here.
 */
import type { ObjectStore } from '../../functions/core/ports';
import { UPLOAD_EXPIRES_SECONDS } from '../../functions/core/usecases/create-upload';
import { issueUploadIntent, putUnderIntent, type UploadIntent } from '../../functions/core/usecases/upload-intent';

export interface IssuedUploadInput {
  formId: string;
  period: string;
  unitCode: string;
  bytes: Buffer;
  /** When the intent was issued (its upload id sorts by this time; default now). */
  at?: string | Date;
  linkId?: string;
  fileName?: string;
}

/** Issues the intent and puts the object under its key; returns the key, upload id and intent. */
export async function putIssuedUpload(files: ObjectStore, input: IssuedUploadInput): Promise<{ key: string; uploadId: string; intent: UploadIntent }> {
  const intent = await issueIntent(files, input);
  await putUnderIntent(files, intent, input.bytes);
  return { key: intent.key, uploadId: intent.uploadId, intent };
}

/** Only the intent (the file is put by the test, e.g. under another key or without metadata). */
export function issueIntent(files: ObjectStore, input: Omit<IssuedUploadInput, 'bytes'> & { size?: number }): Promise<UploadIntent> {
  return issueUploadIntent(files, {
    unitCode: input.unitCode,
    formId: input.formId,
    period: input.period,
    fileName: input.fileName ?? 'báo cáo.xlsx',
    size: input.size ?? 1,
    linkId: input.linkId ?? 'tok',
    now: new Date(input.at ?? Date.now()),
    expiresInSeconds: UPLOAD_EXPIRES_SECONDS,
  });
}
