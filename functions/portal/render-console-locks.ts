/**
 * The console's "Khóa kỳ" pages: a form and period's lock (who locked it and when, the form's
 * auto-lock rule), the units let through by an exception, and the actions as plain forms (they
 * work without script): lock (after a confirmation naming what it stops), unlock (admin only),
 * an exception for one unit until a date, and ending a live one early with a reason (the status
 * page's panel: render-console-lock-panel.ts).
 */
import { formatLocalDateTime, formatViDate } from '../core/format-vi';
import { CONSOLE_PATH } from '../core/operators/model';
import { MAX_LOCK_REASON_LENGTH, type LockException } from '../core/review/model';
import { escapeHtml as e } from './html';
import { lockStateText, LOCKS_PATH, locksPagePath, type LockMessage, type LockView } from './render-console-lock-panel';
import { consolePage, csrfField, type ConsoleOperator } from './render-console-page';

export { LOCKS_PATH, locksPagePath, type LockMessage, type LockView } from './render-console-lock-panel';

/** GET: the confirmation; POST: the lock. */
export const LOCKS_LOCK_PATH = `${LOCKS_PATH}/khoa`;
export const LOCKS_UNLOCK_PATH = `${LOCKS_PATH}/mo-khoa`;
export const LOCKS_EXCEPTION_PATH = `${LOCKS_PATH}/ngoai-le`;
export const LOCKS_EXCEPTION_END_PATH = `${LOCKS_PATH}/ket-thuc-ngoai-le`;

/** The fixed messages an action redirects back with (`?thong-bao=<key>`): never the request's own words. */
export const LOCK_MESSAGES: Record<LockMessage, string> = {
  'da-khoa': 'Đã khóa kỳ báo cáo: các đơn vị không nộp thêm được, việc duyệt báo cáo của kỳ được giữ nguyên.',
  'da-mo-khoa': 'Đã mở khóa kỳ báo cáo: các đơn vị nộp lại được.',
  'da-cap-ngoai-le': 'Đã cho phép đơn vị nộp bổ sung đến hạn đã chọn.',
  'da-ket-thuc-ngoai-le': 'Đã kết thúc sớm ngoại lệ: nếu kỳ đang khóa, đơn vị không nộp thêm được nữa.',
};

export function isLockMessage(value: string | null): value is LockMessage {
  return value !== null && Object.hasOwn(LOCK_MESSAGES, value);
}

/** The confirmation page of locking a form and period. */
export function lockConfirmPath(formId: string, period: string): string {
  return `${LOCKS_LOCK_PATH}?form=${encodeURIComponent(formId)}&period=${encodeURIComponent(period)}`;
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${e(value)}">`;
const option = (value: string, label: string, selected: boolean) => `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;

/** The form's auto-lock rule in words, or that it has none. */
export function autoLockText(view: Pick<LockView, 'form' | 'autoLockAt'>): string {
  const days = view.form.autoLockDays;
  if (days === undefined || !view.autoLockAt) return 'Biểu mẫu này không tự động khóa kỳ: kỳ chỉ khóa khi cán bộ bấm "Khóa kỳ".';
  return `Biểu mẫu này tự động khóa kỳ ${days} ngày sau ngày tổng hợp: kỳ này khóa lúc ${formatLocalDateTime(view.autoLockAt)} nếu chưa ai khóa hoặc mở khóa trước.`;
}

export interface ConsoleLocksPageInput {
  operator: ConsoleOperator;
  forms: ReadonlyArray<{ id: string; name: string }>;
  /** Recent periods of the selected form, newest first (the selected one among them). */
  periods: ReadonlyArray<{ id: string; label: string }>;
  view: LockView;
  /** Every exception granted for the (form, period), with the unit's name when known. */
  exceptions: ReadonlyArray<LockException & { unitName?: string }>;
  /** The units that report on the form (the exception's select). */
  units: ReadonlyArray<{ code: string; name: string }>;
  /** Now, to tell running exceptions from ended ones and to bound the date input. */
  now: Date;
  message?: LockMessage;
  notice?: string;
  /** The refusal of the action just posted: its (fixed, Vietnamese) message and code. */
  error?: { message: string; code: string };
}

/** "yyyy-mm-dd" of an instant's local day (the date input's format). */
function isoDay(instant: Date): string {
  const [d, m, y] = formatViDate(instant).split('/');
  return `${y}-${m}-${d}`;
}

/** One exception: its state, and for a live one (to an operator or admin) the form ending it early. */
function exceptionRow(x: ConsoleLocksPageInput['exceptions'][number], input: ConsoleLocksPageInput): string {
  const { now, operator } = input;
  const live = Date.parse(x.until) > now.getTime();
  const ended = x.endedAt
    ? `<span class="badge badge-not_submitted">đã kết thúc sớm</span><br><span class="hint">Đã kết thúc sớm lúc ${e(formatLocalDateTime(new Date(x.endedAt)))} bởi ${e(x.endedBy ?? '')}${x.endReason ? ` (${e(x.endReason)})` : ''}</span>`
    : undefined;
  const state = live ? '<span class="badge badge-accepted">còn hiệu lực</span>' : ended ?? '<span class="badge badge-not_submitted">đã hết hạn</span>';
  const id = `end-${x.unitCode.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const endForm = live && operator.role !== 'viewer'
    ? `<form class="end-exception" method="post" action="${LOCKS_EXCEPTION_END_PATH}">${csrfField(operator)}${hidden('form', x.formId)}${hidden('period', x.period)}${hidden('unit', x.unitCode)}
<label for="${e(id)}">Lý do kết thúc sớm (bắt buộc)</label> <input id="${e(id)}" name="reason" type="text" required maxlength="${MAX_LOCK_REASON_LENGTH}"> <button class="button" type="submit">Kết thúc sớm</button></form>`
    : '';
  // Ended early: `at` is the end, so the grant's time is not shown beside who granted it.
  const granted = x.endedAt ? e(x.actor) : `${e(x.actor)}<br><span class="hint">${e(formatLocalDateTime(new Date(x.at)))}</span>`;
  const until = e(formatLocalDateTime(new Date(x.until)));
  return `<tr data-unit="${e(x.unitCode)}"><td>${e(x.unitName ?? x.unitCode)} (${e(x.unitCode)})</td><td class="nowrap">${until}</td><td>${state}${endForm}</td><td>${e(x.reason)}</td><td>${granted}</td></tr>`;
}

/** "Khóa kỳ": selector, the lock state and rule, the actions the operator may take, the exceptions. */
export function renderConsoleLocksPage(input: ConsoleLocksPageInput): string {
  const { view, operator, now } = input;
  const { form, period } = view;
  const mayAct = operator.role !== 'viewer';
  const ids = `${hidden('form', form.id)}${hidden('period', period.id)}`;
  const lockAction = view.status.locked
    ? operator.role === 'admin'
      ? `<form method="post" action="${LOCKS_UNLOCK_PATH}">${csrfField(operator)}${ids}<button class="button button-danger" type="submit" id="unlock">Mở khóa</button></form>
<p class="hint">Mở khóa cho mọi đơn vị nộp lại. Để chỉ một đơn vị nộp bổ sung, hãy cho phép ngoại lệ bên dưới.</p>`
      : `<p><button class="button" type="button" id="unlock" disabled aria-describedby="unlock-why">Mở khóa</button></p>
<p class="hint" id="unlock-why">Chỉ quản trị viên được mở khóa kỳ báo cáo. Để một đơn vị nộp bổ sung, hãy cho phép ngoại lệ bên dưới.</p>`
    : `<form method="get" action="${LOCKS_LOCK_PATH}">${ids}<button class="button button-danger" type="submit" id="lock">Khóa kỳ…</button></form>
<p class="hint">Bấm "Khóa kỳ…" sẽ hỏi lại trước khi khóa.</p>`;
  const actions = mayAct ? `<div class="actions">\n${lockAction}\n</div>` : '<p class="hint">Tài khoản xem: đồng chí xem được tình trạng khóa kỳ, không khóa, mở khóa hay cấp ngoại lệ được.</p>';
  // The state line already names who locked and when; an unlock (or an overridden auto-lock) is said here.
  const reason = view.lock?.reason ? ` (lý do: ${e(view.lock.reason)})` : '';
  const who = !view.lock
    ? ''
    : view.lock.locked
      ? reason ? `<p>Lý do khóa: ${e(view.lock.reason!)}</p>` : ''
      : `<p>Mở khóa lần cuối: ${e(view.lock.actor)}, lúc ${e(formatLocalDateTime(new Date(view.lock.at)))}${reason}.</p>`;
  const exceptionForm = mayAct
    ? `<form class="unit-form" method="post" action="${LOCKS_EXCEPTION_PATH}">${csrfField(operator)}${ids}
<h4>Cho phép ngoại lệ</h4>
<p class="hint">Đơn vị được chọn nộp bổ sung được (và báo cáo được duyệt) đến hết ngày đã chọn, kể cả khi kỳ đã khóa. Cấp lại cho cùng đơn vị sẽ thay ngoại lệ cũ.</p>
<p class="field"><label for="x-unit">Đơn vị</label><select id="x-unit" name="unit" required><option value="">— Chọn đơn vị —</option>${input.units.map((u) => option(u.code, `${u.name} (${u.code})`, false)).join('')}</select></p>
<p class="field"><label for="x-until">Đến hết ngày</label><input id="x-until" name="until" type="date" required min="${e(isoDay(new Date(now.getTime() + 86_400_000)))}" max="${e(isoDay(new Date(now.getTime() + 365 * 86_400_000)))}"></p>
<p class="field"><label for="x-reason">Lý do (bắt buộc, tối đa ${MAX_LOCK_REASON_LENGTH} ký tự)</label><textarea id="x-reason" name="reason" rows="3" required maxlength="${MAX_LOCK_REASON_LENGTH}"></textarea></p>
<p><button class="button" type="submit" id="grant-exception">Cho phép ngoại lệ</button></p>
</form>`
    : '';
  const rows = input.exceptions.map((x) => exceptionRow(x, input)).join('\n');
  const main = `<p><a href="${CONSOLE_PATH}/?form=${e(encodeURIComponent(form.id))}&amp;period=${e(encodeURIComponent(period.id))}">← Tình hình nộp báo cáo</a></p>
<h2>Khóa kỳ báo cáo</h2>
<form class="filters" method="get" action="${LOCKS_PATH}" data-period-follows-form>
<p><label for="f-form">Biểu mẫu</label><select id="f-form" name="form">${input.forms.map((f) => option(f.id, f.name, f.id === form.id)).join('')}</select></p>
<p><label for="f-period">Kỳ báo cáo</label><select id="f-period" name="period">${input.periods.map((p) => option(p.id, p.label, p.id === period.id)).join('')}</select></p>
<p><button class="button" type="submit">Xem</button></p>
</form>
${input.notice ? `<p class="notice">${e(input.notice)}</p>\n` : ''}${input.message ? `<p class="flash" role="status">${e(LOCK_MESSAGES[input.message])}</p>\n` : ''}${input.error ? `<p class="flash flash-error" role="alert" id="lock-error">${e(input.error.message)} (Mã lỗi: ${e(input.error.code)})</p>\n` : ''}<section class="panel locks" aria-labelledby="locks-heading">
<h3 id="locks-heading">${e(form.name)} – ${e(period.label)}</h3>
<p id="lock-state"${view.status.locked ? ' class="period-locked"' : ''}><strong>${e(lockStateText(view))}</strong></p>
${who}<p class="hint" id="auto-lock">${e(autoLockText(view))}</p>
${actions}
</section>
<section class="panel exceptions" aria-labelledby="exceptions-heading">
<h3 id="exceptions-heading">Ngoại lệ: đơn vị được nộp bổ sung</h3>
<table class="grid exceptions"${input.exceptions.length ? '' : ' hidden'}>
<caption>Các ngoại lệ đã cấp cho kỳ này</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Đến</th><th scope="col">Hiệu lực</th><th scope="col">Lý do</th><th scope="col">Người cấp</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="empty"${input.exceptions.length ? ' hidden' : ''}>Chưa có ngoại lệ nào cho kỳ này.</p>
<p class="hint">Một ngoại lệ tự hết hiệu lực khi đến hạn. Cán bộ vận hành hoặc quản trị viên có thể kết thúc sớm một ngoại lệ còn hiệu lực (ghi lý do): nếu kỳ đang khóa, đơn vị lại không nộp được.</p>
${exceptionForm}
</section>`;
  return consolePage('Khóa kỳ báo cáo', operator, main, 'status');
}

/** "Khóa kỳ báo cáo?": what locking stops, then the confirm button (the only POST that locks). */
export function renderConsoleLockConfirmPage(input: { operator: ConsoleOperator; view: LockView; unitsReported: number; unitsExpected: number }): string {
  const { view, operator } = input;
  const { form, period } = view;
  const main = `<p><a href="${e(locksPagePath(form.id, period.id))}">← Khóa kỳ báo cáo</a></p>
<h2>Khóa kỳ báo cáo</h2>
<section class="send-confirm" aria-labelledby="confirm-heading">
<h3 id="confirm-heading">${e(form.name)} – ${e(period.label)}</h3>
<div class="confirm">
<p>Khi khóa kỳ:</p>
<ul>
<li>các đơn vị <strong>không nộp thêm được</strong> báo cáo của kỳ này (${input.unitsReported}/${input.unitsExpected} đơn vị đã có báo cáo được chấp nhận);</li>
<li>việc duyệt và trả lại báo cáo của kỳ <strong>được giữ nguyên</strong>, không thay đổi được;</li>
<li>chỉ quản trị viên mở khóa lại được; một đơn vị cần nộp bổ sung thì cấp ngoại lệ cho đơn vị đó.</li>
</ul>
</div>
<form class="unit-form" method="post" action="${LOCKS_LOCK_PATH}">${csrfField(operator)}${hidden('form', form.id)}${hidden('period', period.id)}
<p class="field"><label for="l-reason">Lý do (không bắt buộc, tối đa ${MAX_LOCK_REASON_LENGTH} ký tự)</label><textarea id="l-reason" name="reason" rows="2" maxlength="${MAX_LOCK_REASON_LENGTH}"></textarea></p>
<p class="actions"><button class="button button-danger" type="submit" id="confirm-lock">Xác nhận khóa kỳ</button> <a class="button" href="${e(locksPagePath(form.id, period.id))}">Hủy</a></p>
</form>
</section>`;
  return consolePage('Khóa kỳ báo cáo', operator, main, 'status');
}
