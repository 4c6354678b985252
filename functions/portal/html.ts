/** HTML escaping and Vietnamese date formatting for the portal pages (Asia/Ho_Chi_Minh). */
import { formatLocalTime, formatViDate } from '../core/format-vi';
import { toLocalDate } from '../core/periods';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
/** "17:00 thứ Năm, 17/12/2026" */
export function formatDeadline(iso: string): string {
  const instant = new Date(iso);
  const d = toLocalDate(instant);
  const weekday = WEEKDAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()]!;
  return `${formatLocalTime(instant)} ${weekday}, ${formatViDate(d)}`;
}

/** "14:05, 27/11/2026" */
export function formatDateTime(iso: string): string {
  const instant = new Date(iso);
  return `${formatLocalTime(instant)}, ${formatViDate(instant)}`;
}
