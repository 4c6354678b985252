/**
 * What the status page and the "Khóa kỳ" page both show of a (form, period)'s lock: its state in
 * words and the status page's small panel linking to the lock page. Apart from the lock page so
 * the status page's renderer imports no more than this.
 */
import { formatLocalDateTime } from '../core/format-vi';
import { CONSOLE_PATH } from '../core/operators/model';
import type { LockStatus } from '../core/review/locks';
import type { PeriodLockRecord } from '../core/review/model';
import { escapeHtml as e } from './html';

/** Where the lock page lives. */
export const LOCKS_PATH = `${CONSOLE_PATH}/khoa-ky`;

/** The fixed messages an action on the lock page redirects back with (`?thong-bao=<key>`). */
export type LockMessage = 'da-khoa' | 'da-mo-khoa' | 'da-cap-ngoai-le' | 'da-ket-thuc-ngoai-le';

/** The lock page of a form and period, with an optional fixed message. */
export function locksPagePath(formId: string, period: string, message?: LockMessage): string {
  return `${LOCKS_PATH}?form=${encodeURIComponent(formId)}&period=${encodeURIComponent(period)}${message ? `&thong-bao=${message}` : ''}`;
}

/** What the page and the panel show of a (form, period)'s lock. */
export interface LockView {
  form: { id: string; name: string; autoLockDays?: number };
  period: { id: string; label: string };
  status: LockStatus;
  /** The last lock or unlock an operator set, if any. */
  lock?: PeriodLockRecord;
  /** When the form locks the period by itself, if it does. */
  autoLockAt?: Date;
}

/** "Kỳ đang mở" / "Đã khóa từ … bởi …" / "Đã tự động khóa từ …". */
export function lockStateText(view: Pick<LockView, 'status' | 'lock'>): string {
  const { status, lock } = view;
  if (!status.locked) return 'Kỳ đang mở';
  const since = status.since ? ` từ ${formatLocalDateTime(status.since)}` : '';
  if (status.source === 'auto') return `Đã tự động khóa${since}`;
  return `Đã khóa${since}${lock ? ` bởi ${lock.actor}` : ''}`;
}

/** The status page's small panel: the lock state, the auto-lock date, and the way to the lock page. */
export function renderLockPanel(view: LockView): string {
  const auto = view.autoLockAt && !view.status.locked && !view.lock ? `<p class="hint">Tự động khóa lúc ${e(formatLocalDateTime(view.autoLockAt))}.</p>` : '';
  return `<section class="panel lock-panel" aria-labelledby="lock-panel-heading">
<h3 id="lock-panel-heading">Khóa kỳ</h3>
<p id="lock-state"${view.status.locked ? ' class="period-locked"' : ''}>${e(lockStateText(view))}</p>
${auto}<p><a href="${e(locksPagePath(view.form.id, view.period.id))}">Quản lý khóa kỳ và ngoại lệ</a></p>
</section>`;
}
