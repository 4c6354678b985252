/**
 * Where consolidated workbooks live in the bucket:
 * `reports/<formId>/<period>/<yyyymmddThhmmss>-<hash8>.xlsx`, the time in UTC (so keys sort by
 * creation) and hash8 the first 8 hex digits of the report's content hash (so a run with the
 * same figures finds and reuses the workbook it already stored).
 */
import { CONSOLE_PATH } from '../console-path';
import { KEY_PREFIX } from '../storage-layout';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReportKeyParts {
  formId: string;
  period: string;
  createdAt: Date;
  hash8: string;
}

const KEY_RE = /^reports\/([a-z0-9-]+)\/([0-9A-Z-]+)\/(\d{8}T\d{6})-([0-9a-f]{8})\.xlsx$/;

/** The key of a consolidated workbook. */
export function reportKey(formId: string, period: string, createdAt: Date, contentHash: string): string {
  const stamp = createdAt.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${KEY_PREFIX.reports}${formId}/${period}/${stamp}-${contentHash.slice(0, 8)}.xlsx`;
}

/** The listing prefix for a form, or a form and period. */
export function reportPrefix(formId?: string, period?: string): string {
  if (!formId) return KEY_PREFIX.reports;
  return period ? `${KEY_PREFIX.reports}${formId}/${period}/` : `${KEY_PREFIX.reports}${formId}/`;
}

/** Parses a report key; undefined for anything else under the prefix. */
export function parseReportKey(key: string): ReportKeyParts | undefined {
  const m = KEY_RE.exec(key);
  if (!m) return undefined;
  const s = m[3]!;
  const createdAt = new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
  return { formId: m[1]!, period: m[2]!, createdAt, hash8: m[4]! };
}

/**
 * The console route that downloads a stored workbook: `<CONSOLE_PATH>/bao-cao/tai/<form>/<period>/<file>`
 * (a session, then a fresh short-lived presigned link on each click). The large-report email links
 * here rather than to S3, so the link does not die with the signer's temporary credentials.
 */
export function reportDownloadPath(key: string): string {
  const parts = parseReportKey(key);
  if (!parts) throw new Error(`not a consolidated report key: ${key}`);
  return `${CONSOLE_PATH}/bao-cao/tai/${key.slice(KEY_PREFIX.reports.length)}`;
}
