/**
 * The console's server-rendered pages (sign-in, messages, who is signed in): the unit page's
 * shell and stylesheet, the console's own masthead and footer. No inline script or style (CSP).
 */
import { formatViDateTime } from '../core/format-vi';
import type { FieldValue, Submission, Unit, ValidationIssue } from '../core/model';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from '../core/units/unit-types';
import { CONSOLE_PATH, OPERATOR_ROLE_LABELS, type OperatorRole } from '../core/operators/model';
import { FILING_STATUSES, FILING_STATUS_LABELS, MAX_SEARCH_LENGTH, STATUS_FILTERS, type FilingStatus, type FormStatus, type StatusFilter, type UnitStatusRow } from '../core/usecases/form-status';
import { periodLabel } from '../core/periods';
import { REVIEW_STATES, REVIEW_STATE_LABELS, type ReviewState } from '../core/review/model';
import { formatMb } from '../core/usecases/create-upload';
import type { CellChange, FieldChange, SubmissionDiff, TableRowChange } from '../core/usecases/diff-submissions';
import { assetUrl, PORTAL_ASSETS } from './assets';
import { escapeHtml as e } from './html';
import { renderPageShell, SUBMISSION_LABELS } from './render-unit-page';
import { renderLockPanel, type LockView } from './render-console-lock-panel';

const MASTHEAD = '<div><p class="issuer">Tỉnh ủy · Ban Tổ chức</p><h1>Trang quản trị tổng hợp báo cáo</h1></div>';
const FOOTER = 'Trang dành cho cán bộ được cấp quyền. Không chuyển đường dẫn đăng nhập cho người khác.';

function page(title: string, main: string, head?: string): string {
  return renderPageShell({ title: `${title} – Trang quản trị`, masthead: MASTHEAD, main, footer: FOOTER, head });
}

/**
 * The emailed link's page: whose account (masked) and one button. Opening the link spends
 * nothing (mail scanners fetch every link); the button POSTs the redemption from this page, so
 * the request is same-origin and the `SameSite=Strict` cookie it sets rides the redirect.
 */
export function renderConsoleSignInConfirmPage(input: { token: string; maskedEmail: string; expiresAt: string }): string {
  return page(
    'Đăng nhập vào trang quản trị',
    `<div class="message-page"><h2>Đăng nhập vào trang quản trị</h2>
<p>Tài khoản: <strong>${e(input.maskedEmail)}</strong></p>
<p>Bấm nút dưới đây để đăng nhập. Đường dẫn dùng được một lần, hiệu lực đến ${e(formatViDateTime(new Date(input.expiresAt)))}.</p>
<form method="post" action="${CONSOLE_PATH}/sign-in/${e(encodeURIComponent(input.token))}">
<p><button class="button" type="submit">Đăng nhập</button></p>
</form>
<p>Nếu không phải đồng chí yêu cầu đăng nhập, hãy đóng trang này.</p></div>`,
  );
}

/**
 * The sign-in form: an email, posted without script (the route answers the same page for every
 * address). `next`: a console path (already checked) the emailed link returns to, carried in a hidden field.
 */
export function renderConsoleSignInPage(options: { signedOut?: boolean; next?: string } = {}): string {
  return page(
    'Đăng nhập',
    `<div class="message-page">${options.signedOut ? '<p class="notice" role="status">Đồng chí đã đăng xuất.</p>' : ''}${options.next ? '<p class="notice" role="status">Cần đăng nhập để mở trang này. Sau khi mở đường dẫn đăng nhập trong email, trang sẽ tự mở tiếp.</p>' : ''}<h2>Đăng nhập</h2>
<p>Nhập địa chỉ email công vụ đã được cấp quyền. Hệ thống sẽ gửi một đường dẫn đăng nhập (hiệu lực 15 phút, dùng một lần) tới hộp thư đó.</p>
<form method="post" action="${CONSOLE_PATH}/api/sign-in">${options.next ? `<input type="hidden" name="next" value="${e(options.next)}">` : ''}
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
  operator: ConsoleOperator;
  /** The deployment's unit types (row labels, the type filter); default: the 2019 types. */
  unitTypes?: UnitTypeRegistry;
  /** The catalog's forms, for the selector. */
  forms: ReadonlyArray<{ id: string; name: string }>;
  /** Recent periods of the selected form, newest first (the selected one among them). */
  periods: ReadonlyArray<{ id: string; label: string }>;
  status: FormStatus;
  /** The filters as asked (echoed into the controls, escaped). */
  filters: { type?: string; status?: string; review?: string; search?: string };
  /** Set when the asked period did not belong to the form and the open period is shown instead. */
  notice?: string;
  /** The (form, period)'s lock, shown as a small panel linking to its page. */
  lock?: LockView;
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

/** The status grid's "Duyệt các báo cáo đã chọn" posts here (console-review-routes.ts). */
export const BULK_REVIEW_PATH = `${CONSOLE_PATH}/duyet-nhieu`;

/** Badge classes by review state (the unit page's palette: waiting blue, approved green, returned red). */
export const REVIEW_BADGE_CLASSES: Record<ReviewState, string> = { 'cho-duyet': 'badge badge-processing', 'da-duyet': 'badge badge-accepted', 'tra-lai': 'badge badge-rejected' };
export const reviewBadge = (state: ReviewState): string => `<span class="${REVIEW_BADGE_CLASSES[state]}">${e(REVIEW_STATE_LABELS[state])}</span>`;

const option = (value: string, label: string, selected: boolean) => `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;

/** The bulk approval's checkbox: only on a row whose latest accepted version awaits review. */
function selectCell(r: UnitStatusRow): string {
  return r.review?.state === 'cho-duyet' && r.acceptedUploadId
    ? `<td class="select"><input type="checkbox" name="u" value="${e(r.acceptedUploadId)}" aria-label="${e(`Chọn ${r.name}`)}"></td>`
    : '<td class="select"></td>';
}

function statusRow(r: UnitStatusRow, formId: string, period: string, selectable: boolean, unitTypes: UnitTypeRegistry): string {
  const badge = rowBadge(r);
  const last = r.lastUploadAt ? formatViDateTime(new Date(r.lastUploadAt)) : '—';
  return `<tr data-code="${e(r.code)}">${selectable ? selectCell(r) : ''}<td class="nowrap">${e(r.code)}</td><td><a href="${e(unitPagePath(r.code, formId, period))}">${e(r.name)}</a></td><td>${e(unitTypes.label(r.type))}</td><td class="nowrap">${e(formatViDateTime(new Date(r.deadline)))}</td><td><span class="${badge.className}">${e(badge.label)}</span></td><td class="review">${r.review ? reviewBadge(r.review.state) : '—'}</td><td class="num">${r.versions}</td><td class="nowrap">${e(last)}</td><td class="warn">${e(rowWarnings(r))}</td></tr>`;
}

/** "Tình hình nộp báo cáo": selector, counts by status and by unit type, then one row per unit; refreshed by console.js. */
export function renderConsoleStatusPage(input: ConsoleStatusPageInput): string {
  const { status: s, filters } = input;
  const c = s.counts;
  const count = (key: string, label: string, n: number) => `<li class="count count-${e(key)}"><span class="count-n" data-count="${e(key)}">${n}</span><span class="count-label">${e(label)}</span></li>`;
  const byType = c.byType
    .map((t) => `<tr data-type="${e(t.type)}"><th scope="row">${e(t.label)}</th><td class="num" data-count="total">${t.total}</td>${FILING_STATUSES.map((k) => `<td class="num" data-count="${k}">${t.byStatus[k]}</td>`).join('')}<td class="num" data-count="nop-muon">${t.late}</td>${REVIEW_STATES.map((k) => `<td class="num" data-count="${k}">${t.byReview[k]}</td>`).join('')}</tr>`)
    .join('\n');
  // Operators and admins select reports awaiting review and approve them in one post; a viewer only reads.
  const selectable = input.operator.role !== 'viewer';
  const unitTypes = input.unitTypes ?? DEFAULT_UNIT_TYPES;
  const rows = s.units.map((r) => statusRow(r, s.formId, s.period, selectable, unitTypes)).join('\n');
  const main = `<h2>Tình hình nộp báo cáo</h2>
<form class="filters" method="get" action="${CONSOLE_PATH}/">
<p><label for="f-form">Biểu mẫu</label><select id="f-form" name="form">${input.forms.map((f) => option(f.id, f.name, f.id === s.formId)).join('')}</select></p>
<p><label for="f-period">Kỳ báo cáo</label><select id="f-period" name="period">${input.periods.map((p) => option(p.id, p.label, p.id === s.period)).join('')}</select></p>
<p><label for="f-type">Loại đơn vị</label><select id="f-type" name="type">${option('', 'Tất cả', !filters.type)}${unitTypes.list().map((t) => option(t.code, t.plural, t.code === filters.type)).join('')}${filters.type && !unitTypes.has(filters.type) ? option(filters.type, filters.type, true) : ''}</select></p>
<p><label for="f-status">Trạng thái</label><select id="f-status" name="status">${option('', 'Tất cả', !filters.status)}${STATUS_FILTERS.map((k) => option(k, STATUS_FILTER_LABELS[k], k === filters.status)).join('')}</select></p>
<p><label for="f-review">Duyệt</label><select id="f-review" name="review">${option('', 'Tất cả', !filters.review)}${REVIEW_STATES.map((k) => option(k, REVIEW_STATE_LABELS[k], k === filters.review)).join('')}</select></p>
<p><label for="f-search">Tìm đơn vị</label><input id="f-search" name="search" type="search" maxlength="${MAX_SEARCH_LENGTH}" value="${e(filters.search ?? '')}" placeholder="Tên hoặc mã đơn vị"></p>
<p><button class="button" type="submit">Xem</button></p>
</form>
${input.notice ? `<p class="notice">${e(input.notice)}</p>` : ''}
${input.lock ? renderLockPanel(input.lock) : ''}
<section class="status" id="status" aria-labelledby="status-heading" data-form-id="${e(s.formId)}" data-period="${e(s.period)}" data-refresh-ms="${STATUS_REFRESH_MS}"${selectable ? ' data-selectable="1"' : ''}>
<h3 id="status-heading">${e(s.formName)} – ${e(s.periodLabel)}</h3>
<p class="generated">Số liệu lúc <span id="generated-at">${e(formatViDateTime(new Date(s.generatedAt)))}</span>; trang tự cập nhật mỗi ${STATUS_REFRESH_MS / 1000} giây.</p>
<p class="visually-hidden" id="announce" role="status" aria-live="polite"></p>
<ul class="counts" aria-label="Số đơn vị theo trạng thái">
${count('total', 'đơn vị phải nộp', c.total)}
${FILING_STATUSES.map((k) => count(k, FILING_STATUS_LABELS[k], c.byStatus[k])).join('\n')}
${count('nop-muon', 'nộp muộn', c.late)}
${REVIEW_STATES.map((k) => count(k, REVIEW_STATE_LABELS[k], c.byReview[k])).join('\n')}
</ul>
<table class="grid by-type">
<caption>Theo loại đơn vị</caption>
<thead><tr><th scope="col">Loại đơn vị</th><th scope="col" class="num">Tổng</th>${FILING_STATUSES.map((k) => `<th scope="col" class="num">${e(FILING_STATUS_LABELS[k])}</th>`).join('')}<th scope="col" class="num">nộp muộn</th>${REVIEW_STATES.map((k) => `<th scope="col" class="num">${e(REVIEW_STATE_LABELS[k])}</th>`).join('')}</tr></thead>
<tbody>
${byType}
</tbody>
</table>
${selectable ? `<form method="post" action="${BULK_REVIEW_PATH}" id="bulk-review">${csrfField(input.operator)}<input type="hidden" name="form" value="${e(s.formId)}"><input type="hidden" name="period" value="${e(s.period)}">\n` : ''}<table class="grid units">
<caption>Các đơn vị (<span id="shown">${s.units.length}</span> đơn vị theo bộ lọc)</caption>
<thead><tr>${selectable ? '<th scope="col" class="select"><span class="visually-hidden">Chọn để duyệt</span></th>' : ''}<th scope="col">Mã đơn vị</th><th scope="col">Tên đơn vị</th><th scope="col">Loại</th><th scope="col">Hạn nộp</th><th scope="col">Trạng thái</th><th scope="col">Duyệt</th><th scope="col" class="num">Số lần nộp</th><th scope="col">Lần nộp cuối</th><th scope="col">Cảnh báo</th></tr></thead>
<tbody id="units">
${rows}
</tbody>
</table>
<p class="empty" id="no-units"${s.units.length ? ' hidden' : ''}>Không có đơn vị nào khớp bộ lọc.</p>
${selectable ? '<p class="actions"><button class="button" type="submit">Duyệt các báo cáo đã chọn (không có cảnh báo)</button><span class="hint">Chỉ chọn được báo cáo đang chờ duyệt. Báo cáo có cảnh báo số liệu, hoặc vừa thay đổi, được bỏ qua và liệt kê lại để xem từng bản.</span></p>\n</form>' : ''}
</section>`;
  return consolePage('Tình hình nộp báo cáo', input.operator, main, 'status');
}

/** The operator a console page is rendered for (the CSRF token goes into the page's forms). */
export interface ConsoleOperator {
  name: string;
  email: string;
  role: OperatorRole;
  csrfToken: string;
}

/** The console's sections, in the navigation's order. */
export const CONSOLE_SECTIONS = [
  { key: 'status', path: `${CONSOLE_PATH}/`, label: 'Tình hình nộp báo cáo' },
  { key: 'reports', path: `${CONSOLE_PATH}/bao-cao`, label: 'Báo cáo tổng hợp' },
  { key: 'units', path: `${CONSOLE_PATH}/don-vi`, label: 'Đơn vị' },
  { key: 'forms', path: `${CONSOLE_PATH}/bieu-mau`, label: 'Biểu mẫu' },
  { key: 'audit', path: `${CONSOLE_PATH}/nhat-ky`, label: 'Nhật ký' },
] as const;
export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number]['key'];

/** A console form's hidden CSRF field (the session's token; the route compares it in constant time). */
export function csrfField(operator: Pick<ConsoleOperator, 'csrfToken'>): string {
  return `<input type="hidden" name="_csrf" value="${e(operator.csrfToken)}">`;
}

/** The console's masthead: who is signed in, and sign-out (a plain form: it works without script). */
function operatorMasthead(operator: ConsoleOperator): string {
  return `${MASTHEAD}
<div class="operator"><span class="unit-name">${e(operator.name)}</span><span class="unit-meta">${e(OPERATOR_ROLE_LABELS[operator.role])} · ${e(operator.email)}</span><form method="post" action="${CONSOLE_PATH}/api/sign-out" class="sign-out-form">${csrfField(operator)}<button type="submit" class="button sign-out" id="sign-out">Đăng xuất</button></form></div>`;
}

function consoleNav(active: ConsoleSection | undefined): string {
  const items = CONSOLE_SECTIONS.map((s) => `<li><a href="${s.path}"${s.key === active ? ' aria-current="page"' : ''}>${e(s.label)}</a></li>`).join('');
  return `<nav class="console-nav" aria-label="Các mục quản trị"><ul>${items}</ul></nav>\n`;
}

/** A signed-in console page: masthead with the operator and sign-out, the sections' navigation (`active` marked), then `main`. */
export function consolePage(title: string, operator: ConsoleOperator, main: string, active?: ConsoleSection): string {
  return renderPageShell({
    title: `${title} – Trang quản trị`,
    bodyAttrs: ' class="console"',
    masthead: operatorMasthead(operator),
    main: consoleNav(active) + main,
    footer: FOOTER,
    head: `\n<script src="${assetUrl(PORTAL_ASSETS.consoleJs)}" defer></script>`,
  });
}

/** The drill-down page of a unit for a form and period. */
export function unitPagePath(code: string, formId: string, period: string): string {
  return `${CONSOLE_PATH}/don-vi/${encodeURIComponent(code)}?form=${encodeURIComponent(formId)}&period=${encodeURIComponent(period)}`;
}

/** The console's download routes (each click signs a fresh short-lived link). */
export const downloadPath = (file: 'ban-goc' | 'ket-qua', uploadId: string): string => `${CONSOLE_PATH}/tai/${file}/${encodeURIComponent(uploadId)}`;

/** The diff page: `a` → `b`, or `b` against the previous period's accepted report when `a` is absent. */
export function diffPagePath(code: string, b: string, a?: string): string {
  return `${CONSOLE_PATH}/don-vi/${encodeURIComponent(code)}/so-sanh?${a ? `a=${encodeURIComponent(a)}&` : ''}b=${encodeURIComponent(b)}`;
}

export interface ConsoleUnitPageInput {
  operator: ConsoleStatusPageInput['operator'];
  /** The deployment's unit types (the unit's type label); default: the 2019 types. */
  unitTypes?: UnitTypeRegistry;
  unit: Pick<Unit, 'code' | 'name' | 'type'>;
  form: { id: string; name: string };
  period: { id: string; label: string };
  /** Every version of the unit's report of that form and period, newest first. */
  versions: ReadonlyArray<Submission>;
  /** The review side (render-console-review.ts): the "Duyệt báo cáo" panel, and each version's "Duyệt" cell. */
  review?: { panel: string; cell: (s: Submission) => string };
}

const issueList = (issues: ReadonlyArray<ValidationIssue>, className: string) =>
  issues.length
    ? `<ul class="${className}">${issues.map((i) => `<li>${i.cell ? `<span class="cell">${e(i.sheet ? `${i.sheet}!${i.cell}` : i.cell)}</span> ` : ''}${e(i.message)}</li>`).join('')}</ul>`
    : '';

/** A workbook's size as people read it: "20 KB" (a form is a few tens of KB), "1,5 MB" from 1 MB. */
export function formatFileSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('vi-VN')} KB` : formatMb(bytes);
}

function versionRow(s: Submission, reviewCell?: (s: Submission) => string): string {
  const sha = s.sha256 ? `<code title="${e(s.sha256)}">${e(s.sha256.slice(0, 12))}…</code>` : '—';
  const downloads = [
    `<a href="${e(downloadPath('ban-goc', s.uploadId))}">Tệp gốc</a>`,
    ...(s.feedbackKey ? [`<a href="${e(downloadPath('ket-qua', s.uploadId))}">Tệp kết quả kiểm tra</a>`] : []),
  ].join('<br>');
  const issues = issueList(s.errors, 'errors') + issueList(s.warnings, 'warnings') || '—';
  return `<tr data-upload-id="${e(s.uploadId)}"><td class="num">${s.version ?? ''}</td><td class="nowrap">${e(formatViDateTime(new Date(s.receivedAt)))}</td><td class="file col-file">${e(s.fileName ?? '')}</td><td class="num nowrap">${s.size === undefined ? '—' : e(formatFileSize(s.size))}</td><td>${sha}</td><td><span class="badge badge-${e(s.status)}">${e(SUBMISSION_LABELS[s.status])}${s.late && s.status === 'accepted' ? ' (muộn)' : ''}</span></td>${reviewCell ? `<td class="review">${reviewCell(s)}</td>` : ''}<td>${issues}</td><td class="nowrap">${downloads}</td></tr>`;
}

/** A version as the diff selectors name it. */
const versionLabel = (s: Submission) => `Lần ${s.version ?? '?'} – ${formatViDateTime(new Date(s.receivedAt))}`;

/** "Hồ sơ đơn vị": every version of one report with its downloads, and the diff form over its accepted versions. */
export function renderConsoleUnitPage(input: ConsoleUnitPageInput): string {
  const { unit, versions } = input;
  const accepted = versions.filter((s) => s.status === 'accepted');
  const rows = versions.map((s) => versionRow(s, input.review?.cell)).join('\n');
  const select = (name: 'a' | 'b', label: string, chosen: Submission | undefined) =>
    `<p><label for="d-${name}">${label}</label><select id="d-${name}" name="${name}">${accepted.map((s) => option(s.uploadId, versionLabel(s), s === chosen)).join('')}</select></p>`;
  const diff = accepted.length
    ? `<section aria-labelledby="diff-heading"><h3 id="diff-heading">So sánh số liệu</h3>
<form class="filters" method="get" action="${CONSOLE_PATH}/don-vi/${e(encodeURIComponent(unit.code))}/so-sanh">
${select('a', 'Bản trước', accepted[1] ?? accepted[0])}
${select('b', 'Bản sau', accepted[0])}
<p><button class="button" type="submit">So sánh</button></p>
</form>
<p><a href="${e(diffPagePath(unit.code, accepted[0]!.uploadId))}">So với kỳ trước</a> (bản được chấp nhận mới nhất so với báo cáo được chấp nhận của kỳ trước)</p></section>`
    : '<p class="empty">Chưa có bản nào được chấp nhận để so sánh.</p>';
  const main = `<p><a href="${CONSOLE_PATH}/?form=${e(encodeURIComponent(input.form.id))}&amp;period=${e(encodeURIComponent(input.period.id))}">← Tình hình nộp báo cáo</a></p>
<h2>${e(unit.name)}</h2>
<p class="unit-meta">${e((input.unitTypes ?? DEFAULT_UNIT_TYPES).label(unit.type))} · Mã đơn vị ${e(unit.code)} · <a href="${e(`${CONSOLE_PATH}/don-vi/${encodeURIComponent(unit.code)}/sua`)}">Thông tin và đường dẫn của đơn vị</a></p>
<h3>${e(input.form.name)} – ${e(input.period.label)}</h3>
${input.review?.panel ?? ''}
<p class="empty"${versions.length ? ' hidden' : ''}>Đơn vị chưa nộp báo cáo này.</p>
<table class="grid versions"${versions.length ? '' : ' hidden'}>
<caption>Các lần nộp, mới nhất trước</caption>
<thead><tr><th scope="col" class="num">Lần</th><th scope="col">Thời gian nộp</th><th scope="col" class="col-file">Tệp</th><th scope="col" class="num">Dung lượng</th><th scope="col">SHA-256</th><th scope="col">Trạng thái</th>${input.review ? '<th scope="col">Duyệt</th>' : ''}<th scope="col">Lỗi và cảnh báo</th><th scope="col">Tải về</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${diff}`;
  return consolePage(`${unit.name} – ${input.form.name}`, input.operator, main, 'status');
}

const diffValue = (v: FieldValue | null, type: FieldChange['type'] | CellChange['type']): string =>
  v === null ? '—' : typeof v === 'number' ? (type === 'ratio' ? `${(v * 100).toLocaleString('vi-VN', { maximumFractionDigits: 2 })}%` : v.toLocaleString('vi-VN')) : v;
/** A before/after cell: figures centred like the grid's, text left-aligned as written. */
const valueCell = (v: FieldValue | null, type: FieldChange['type'] | CellChange['type']): string => `<td${typeof v === 'string' ? '' : ' class="num"'}>${e(diffValue(v, type))}</td>`;
const ROW_CHANGE_LABELS: Record<TableRowChange['change'], string> = { added: 'thêm dòng', removed: 'bỏ dòng', changed: 'sửa' };

/** The diff between two versions (or against the previous period): field changes, then table rows added/removed/changed. */
export function renderConsoleDiffPage(input: { operator: ConsoleStatusPageInput['operator']; unit: Pick<Unit, 'code' | 'name'>; formName: string; diff: SubmissionDiff }): string {
  const { diff, unit } = input;
  const side = (s: SubmissionDiff['before']) => `lần ${s.version ?? '?'} kỳ ${periodLabel(s.period)} (${formatViDateTime(new Date(s.receivedAt))})`;
  const fields = diff.changes
    .map((c) => `<tr><td class="nowrap">${e(c.code ?? '')}</td><td>${e(c.label)}</td><td>${e(c.column ?? '')}</td>${valueCell(c.before, c.type)}${valueCell(c.after, c.type)}</tr>`)
    .join('\n');
  const tables = diff.tables
    .map((t) => {
      const rows = t.rows
        .flatMap((r) =>
          r.cells.map(
            (c, i) =>
              `<tr>${i === 0 ? `<td rowspan="${r.cells.length}">${e(ROW_CHANGE_LABELS[r.change])}</td><td rowspan="${r.cells.length}">${e(r.key ?? `dòng ${r.rowAfter ?? r.rowBefore ?? ''}`)}</td>` : ''}<td>${e(c.label)}</td>${valueCell(c.before, c.type)}${valueCell(c.after, c.type)}</tr>`,
          ),
        )
        .join('\n');
      return `<table class="grid diff-table"><caption>${e(t.label)}</caption>
<thead><tr><th scope="col">Thay đổi</th><th scope="col">Dòng</th><th scope="col">Cột</th><th scope="col" class="num">Trước</th><th scope="col" class="num">Sau</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
    })
    .join('\n');
  const none = !diff.changes.length && !diff.tables.length ? '<p class="empty">Hai bản không khác nhau.</p>' : '';
  const main = `<p><a href="${e(unitPagePath(unit.code, diff.after.formId, diff.after.period))}">← ${e(unit.name)}</a></p>
<h2>So sánh số liệu – ${e(unit.name)}</h2>
<p>${e(input.formName)}: trước là ${e(side(diff.before))}, sau là ${e(side(diff.after))}.</p>
${none}${
    diff.changes.length
      ? `<table class="grid diff"><caption>Chỉ tiêu thay đổi</caption>
<thead><tr><th scope="col">Mã số</th><th scope="col">Chỉ tiêu</th><th scope="col">Cột</th><th scope="col" class="num">Trước</th><th scope="col" class="num">Sau</th></tr></thead>
<tbody>
${fields}
</tbody></table>`
      : ''
  }
${tables}`;
  return consolePage(`So sánh – ${unit.name}`, input.operator, main, 'status');
}
