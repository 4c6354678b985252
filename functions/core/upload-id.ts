/**
 * Upload ids: time-sortable and URL-safe, `<ms since epoch in base36, 9 chars>-<10 random base36>`,
 * so S3 keys and DynamoDB sort keys list in upload order.
 */
import { randomBytes } from 'node:crypto';
import { KEY_PREFIX } from './storage-layout';

const UPLOAD_ID = /^[0-9a-z]{9}-[0-9a-z]{10}$/;

export function newUploadId(now: Date = new Date()): string {
  const time = now.getTime().toString(36).padStart(9, '0');
  const random = [...randomBytes(10)].map((b) => (b % 36).toString(36)).join('');
  return `${time}-${random}`;
}

export function isUploadId(value: string): boolean {
  return UPLOAD_ID.test(value);
}

/** The S3 key of a raw upload: `uploads/<formId>/<period>/<unitCode>/<uploadId>.xlsx`. */
export function uploadKey(parts: { formId: string; period: string; unitCode: string; uploadId: string }): string {
  return `${KEY_PREFIX.uploads}${parts.formId}/${parts.period}/${parts.unitCode}/${parts.uploadId}.xlsx`;
}

/** The key prefix of every upload of one (form, period): `uploads/<formId>/<period>/`. */
export function uploadPeriodPrefix(formId: string, period: string): string {
  return `${KEY_PREFIX.uploads}${formId}/${period}/`;
}

/** Parses an upload key back into its parts; undefined when the key does not follow the layout. */
export function parseUploadKey(key: string): { formId: string; period: string; unitCode: string; uploadId: string } | undefined {
  if (!key.startsWith(KEY_PREFIX.uploads)) return undefined;
  const m = /^([a-z0-9-]+)\/([0-9A-Z-]+)\/([A-Za-z0-9_-]+)\/([0-9a-z]{9}-[0-9a-z]{10})\.xlsx$/.exec(key.slice(KEY_PREFIX.uploads.length));
  if (!m) return undefined;
  return { formId: m[1]!, period: m[2]!, unitCode: m[3]!, uploadId: m[4]! };
}

export const feedbackKey = (uploadId: string): string => `${KEY_PREFIX.feedback}${uploadId}.xlsx`;
