/**
 * The console's server-rendered pages (sign-in, messages, who is signed in): the unit page's
 * shell and stylesheet, the console's own masthead and footer. No inline script or style (CSP).
 */
import { formatViDateTime } from '../core/format-vi';
import { UNIT_TYPES, UNIT_TYPE_LABELS } from '../core/model';
import { CONSOLE_PATH, OPERATOR_ROLE_LABELS, type OperatorRole } from '../core/operators/model';
import { FILING_STATUSES, FILING_STATUS_LABELS, MAX_SEARCH_LENGTH, STATUS_FILTERS, type FilingStatus, type FormStatus, type StatusFilter, type UnitStatusRow } from '../core/usecases/form-status';
import { assetUrl, PORTAL_ASSETS } from './assets';
import { escapeHtml as e } from './html';
import { renderPageShell } from './render-unit-page';

const MASTHEAD = '<div><p class="issuer">Tỉnh ủy · Ban Tổ chức</p><h1>Trang quản trị tổng hợp báo cáo</h1></div>';
const FOOTER = 'Trang dành cho cán bộ được cấp quyền. Không chuyển đường dẫn đăng nhập cho người khác.';

function page(title: string, main: string, head?: string): string {
  return renderPageShell({ title: `${title} – Trang quản trị`, masthead: MASTHEAD, main, footer: FOOTER, head });
}

/**
 * Signed in from a link opened on another site (webmail): the browser would not send a
 * `SameSite=Strict` cookie along a redirect that started there, so this page moves on to the
 * console itself (a refresh from this origin), with a link for when refresh is off.
 */
export function renderConsoleSignedInPage(): string {
  return page(
    'Đã đăng nhập',
    `<div class="message-page"><h2>Đã đăng nhập</h2><p><a href="${CONSOLE_PATH}/">Vào trang quản trị</a></p></div>`,
    `\n<meta http-equiv="refresh" content="0;url=${CONSOLE_PATH}/">`,
  );
}

/** The sign-in form: an email, posted without script (the route answers the same page for every address). */
export function renderConsoleSignInPage(): string {
  return page(
    'Đăng nhập',
    `<div class="message-page"><h2>Đăng nhập</h2>
<p>Nhập địa chỉ email công vụ đã được cấp quyền. Hệ thống sẽ gửi một đường dẫn đăng nhập (hiệu lực 15 phút, dùng một lần) tới hộp thư đó.</p>
<form method="post" action="${CONSOLE_PATH}/api/sign-in">
<p><label for="email">Email</label><br><input id="email" name="email" type="email" autocomplete="email" required maxlength="254"></p>
<p><button class="button" type="submit">Gửi đường dẫn đăng nhập</button></p>
</form></div>`,
  );
}

/** A message (sign-in requested, a refused link…) with its stable code when it is an error, and a way back to sign-in. */
export function renderConsoleMessagePage(input: { title: string; message: string; code?: string }): string {
  const code = input.code ? `<p class="code">Mã lỗi: ${e(input.code)}</p>` : '';
  return page(input.title, `<div class="message-page"><h2>${e(input.title)}</h2><p>${e(input.message)}</p>${code}<p><a href="${CONSOLE_PATH}/sign-in">Về trang đăng nhập</a></p></div>`);
}

/** How often the page's script reads the grid again (ms). */
export const STATUS_REFRESH_MS = 15_000;

export interface ConsoleStatusPageInput {
  operator: { name: string; email: string; role: OperatorRole };
  /** The catalog's forms, for the selector. */
  forms: ReadonlyArray<{ id: string; name: string }>;
  /** Recent periods of the selected form, newest first (the selected one among them). */
  periods: ReadonlyArray<{ id: string; label: string }>;
  status: FormStatus;
  /** The filters as asked (echoed into the controls, escaped). */
  filters: { type?: string; status?: string; search?: string };
  /** Set when the asked period did not belong to the form and the open period is shown instead. */
  notice?: string;
}

/** The unit page's badge classes, by filing status ("nộp muộn" is its own badge). */
const BADGE_CLASSES: Record<FilingStatus | 'nop-muon', string> = {
  'chua-nop': 'not_submitted',
  'dang-xu-ly': 'processing',
  'da-nop': 'accepted',
  'bi-tu-choi': 'rejected',
  'nop-muon': 'late',
};
const STATUS_FILTER_LABELS: Record<StatusFilter, string> = { ...FILING_STATUS_LABELS, 'nop-muon': 'nộp muộn' };

/** The row's badge: its status, or "nộp muộn" for one submitted after the deadline. */
export function rowBadge(row: Pick<UnitStatusRow, 'status' | 'late'>): { key: FilingStatus | 'nop-muon'; className: string; label: string } {
  const key = row.status === 'da-nop' && row.late ? 'nop-muon' : row.status;
  return { key, className: `badge badge-${BADGE_CLASSES[key]}`, label: STATUS_FILTER_LABELS[key] };
}

/** What the "Cảnh báo" column says about a row. */
export function rowWarnings(row: Pick<UnitStatusRow, 'overdue' | 'lastRejected' | 'warnings'>): string {
  const notes: string[] = [];
  if (row.overdue) notes.push('quá hạn');
  if (row.lastRejected) notes.push('lần nộp cuối bị từ chối, bản đã nộp trước vẫn được dùng');
  if (row.warnings) notes.push(`${row.warnings} cảnh báo số liệu`);
  return notes.join('; ');
}

const option = (value: string, label: string, selected: boolean) => `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;

function statusRow(r: UnitStatusRow): string {
  const badge = rowBadge(r);
  const last = r.lastUploadAt ? formatViDateTime(new Date(r.lastUploadAt)) : '—';
  return `<tr data-code="${e(r.code)}"><td class="nowrap">${e(r.code)}</td><td>${e(r.name)}</td><td>${e(UNIT_TYPE_LABELS[r.type])}</td><td class="nowrap">${e(formatViDateTime(new Date(r.deadline)))}</td><td><span class="${badge.className}">${e(badge.label)}</span></td><td class="num">${r.versions}</td><td class="nowrap">${e(last)}</td><td class="warn">${e(rowWarnings(r))}</td></tr>`;
}

/** "Tình hình nộp báo cáo": selector, counts by status and by unit type, then one row per unit; refreshed by console.js. */
export function renderConsoleStatusPage(input: ConsoleStatusPageInput): string {
  const { status: s, filters } = input;
  const c = s.counts;
  const count = (key: string, label: string, n: number) => `<li class="count count-${e(key)}"><span class="count-n" data-count="${e(key)}">${n}</span><span class="count-label">${e(label)}</span></li>`;
  const byType = c.byType
    .map((t) => `<tr data-type="${e(t.type)}"><th scope="row">${e(t.label)}</th><td class="num" data-count="total">${t.total}</td>${FILING_STATUSES.map((k) => `<td class="num" data-count="${k}">${t.byStatus[k]}</td>`).join('')}<td class="num" data-count="nop-muon">${t.late}</td></tr>`)
    .join('\n');
  const rows = s.units.map(statusRow).join('\n');
  const masthead = `${MASTHEAD}
<div class="operator"><span class="unit-name">${e(input.operator.name)}</span><span class="unit-meta">${e(OPERATOR_ROLE_LABELS[input.operator.role])} · ${e(input.operator.email)}</span><button type="button" class="button sign-out" id="sign-out" hidden>Đăng xuất</button><span class="sign-out-error" id="sign-out-error" role="alert"></span></div>`;
  const main = `<h2>Tình hình nộp báo cáo</h2>
<form class="filters" method="get" action="${CONSOLE_PATH}/">
<p><label for="f-form">Biểu mẫu</label><select id="f-form" name="form">${input.forms.map((f) => option(f.id, f.name, f.id === s.formId)).join('')}</select></p>
<p><label for="f-period">Kỳ báo cáo</label><select id="f-period" name="period">${input.periods.map((p) => option(p.id, p.label, p.id === s.period)).join('')}</select></p>
<p><label for="f-type">Loại đơn vị</label><select id="f-type" name="type">${option('', 'Tất cả', !filters.type)}${UNIT_TYPES.map((t) => option(t, UNIT_TYPE_LABELS[t], t === filters.type)).join('')}</select></p>
<p><label for="f-status">Trạng thái</label><select id="f-status" name="status">${option('', 'Tất cả', !filters.status)}${STATUS_FILTERS.map((k) => option(k, STATUS_FILTER_LABELS[k], k === filters.status)).join('')}</select></p>
<p><label for="f-search">Tìm đơn vị</label><input id="f-search" name="search" type="search" maxlength="${MAX_SEARCH_LENGTH}" value="${e(filters.search ?? '')}" placeholder="Tên hoặc mã đơn vị"></p>
<p><button class="button" type="submit">Xem</button></p>
</form>
${input.notice ? `<p class="notice">${e(input.notice)}</p>` : ''}
<section class="status" id="status" aria-labelledby="status-heading" data-form-id="${e(s.formId)}" data-period="${e(s.period)}" data-refresh-ms="${STATUS_REFRESH_MS}">
<h3 id="status-heading">${e(s.formName)} – ${e(s.periodLabel)}</h3>
<p class="generated">Số liệu lúc <span id="generated-at">${e(formatViDateTime(new Date(s.generatedAt)))}</span>; trang tự cập nhật mỗi ${STATUS_REFRESH_MS / 1000} giây.</p>
<p class="visually-hidden" id="announce" role="status" aria-live="polite"></p>
<ul class="counts" aria-label="Số đơn vị theo trạng thái">
${count('total', 'đơn vị phải nộp', c.total)}
${FILING_STATUSES.map((k) => count(k, FILING_STATUS_LABELS[k], c.byStatus[k])).join('\n')}
${count('nop-muon', 'nộp muộn', c.late)}
</ul>
<table class="grid by-type">
<caption>Theo loại đơn vị</caption>
<thead><tr><th scope="col">Loại đơn vị</th><th scope="col" class="num">Tổng</th>${FILING_STATUSES.map((k) => `<th scope="col" class="num">${e(FILING_STATUS_LABELS[k])}</th>`).join('')}<th scope="col" class="num">nộp muộn</th></tr></thead>
<tbody>
${byType}
</tbody>
</table>
<table class="grid units">
<caption>Các đơn vị (<span id="shown">${s.units.length}</span> đơn vị theo bộ lọc)</caption>
<thead><tr><th scope="col">Mã đơn vị</th><th scope="col">Tên đơn vị</th><th scope="col">Loại</th><th scope="col">Hạn nộp</th><th scope="col">Trạng thái</th><th scope="col" class="num">Số lần nộp</th><th scope="col">Lần nộp cuối</th><th scope="col">Cảnh báo</th></tr></thead>
<tbody id="units">
${rows}
</tbody>
</table>
<p class="empty" id="no-units"${s.units.length ? ' hidden' : ''}>Không có đơn vị nào khớp bộ lọc.</p>
</section>`;
  return renderPageShell({
    title: 'Tình hình nộp báo cáo – Trang quản trị',
    bodyAttrs: ' class="console"',
    masthead,
    main,
    footer: FOOTER,
    head: `\n<script src="${assetUrl(PORTAL_ASSETS.consoleJs)}" defer></script>`,
  });
}
