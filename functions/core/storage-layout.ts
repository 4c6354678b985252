/**
 * The storage layout every runtime shares: the S3 key prefixes and the ingest queue's delivery
 * budget. The CDK stack (IAM conditions, notifications, lifecycle rules), the local runtime and
 * the use cases all read these, so a prefix or a retry count is written once.
 */

/** S3 key prefixes. Only `uploads/` triggers ingest; the others are written by the functions. */
export const KEY_PREFIX = {
  /** `uploads/<formId>/<period>/<unitCode>/<uploadId>.xlsx`: what units post. */
  uploads: 'uploads/',
  /** `feedback/<uploadId>.xlsx`: the annotated workbook handed back to the unit. */
  feedback: 'feedback/',
  /** `reports/<formId>/<period>/<stamp>-<hash>.xlsx`: consolidated workbooks. */
  reports: 'reports/',
  /** `intents/<uploadId>.json`: what the portal issued for an upload (no event on this prefix). */
  intents: 'intents/',
  /** `forms/<formId>/v<version>.json`: published form definitions (canonical JSON, never overwritten once indexed). */
  forms: 'forms/',
  /** `staging/forms/<random id>.json`: a definition the console checked, kept for its preview and publish (expires after a day). */
  staging: 'staging/',
} as const;

/** `staging/forms/<id>.json`: a checked definition awaiting publication from the console. */
export function formStagingKey(id: string): string {
  return `${KEY_PREFIX.staging}forms/${id}.json`;
}

/** `forms/<id>/v<n>.json`: where a published version's body is stored. */
export function formBodyKey(formId: string, version: number): string {
  return `${KEY_PREFIX.forms}${formId}/v${version}.json`;
}

/**
 * How many times the ingest queue delivers one upload before it goes to the dead-letter queue
 * (SQS `maxReceiveCount`; AWS recommends at least 5 so a throttled or timed-out receive is not
 * final). The handler marks the submission `failed` on the last receive.
 */
export const INGEST_MAX_RECEIVE_COUNT = 5;
