/** HTML escaping and Vietnamese date formatting for the portal pages (Asia/Ho_Chi_Minh). */
import { toLocalDate } from '../core/periods';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const pad = (n: number) => String(n).padStart(2, '0');

function localParts(iso: string) {
  const instant = new Date(iso);
  const d = toLocalDate(instant);
  const shifted = new Date(instant.getTime() + 7 * 3600_000);
  const weekday = WEEKDAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()]!;
  return { ...d, weekday, time: `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}` };
}

/** "17:00 thứ Năm, 17/12/2026" */
export function formatDeadline(iso: string): string {
  const p = localParts(iso);
  return `${p.time} ${p.weekday}, ${pad(p.day)}/${pad(p.month)}/${p.year}`;
}

/** "14:05, 27/11/2026" */
export function formatDateTime(iso: string): string {
  const p = localParts(iso);
  return `${p.time}, ${pad(p.day)}/${pad(p.month)}/${p.year}`;
}
