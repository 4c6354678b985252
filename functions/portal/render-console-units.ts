/**
 * The console's "Đơn vị" pages: the registry list (search, type filter, add form, import), one
 * unit's management page (edit, deactivate, revoke its links, show or email its link) and the
 * revocation's confirmation. Every form is a plain POST with the hidden `_csrf` field (no script
 * needed), except the file import, which console.js reads and posts as JSON. Everything a user
 * typed is escaped; field errors are the checks' own bounded Vietnamese messages.
 */
import { formatViDateTime } from '../core/format-vi';
import type { Unit } from '../core/model';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from '../core/units/unit-types';
import { CONSOLE_PATH } from '../core/operators/model';
import { MAX_SEARCH_LENGTH } from '../core/usecases/form-status';
import type { UnitFieldErrors } from '../core/usecases/manage-units';
import { consolePage, csrfField, type ConsoleOperator } from './render-console-page';
import { escapeHtml as e } from './html';

export const UNITS_PATH = `${CONSOLE_PATH}/don-vi`;
/** A unit's management page (its drill-down is `UNITS_PATH/<code>`). */
export const unitManagePath = (code: string) => `${UNITS_PATH}/${encodeURIComponent(code)}/sua`;
export const unitRevokePath = (code: string) => `${UNITS_PATH}/${encodeURIComponent(code)}/thu-hoi`;
export const unitShowLinkPath = (code: string) => `${UNITS_PATH}/${encodeURIComponent(code)}/duong-dan`;
export const unitSendLinkPath = (code: string) => `${UNITS_PATH}/${encodeURIComponent(code)}/gui-duong-dan`;
/** Largest registry file the page imports (a province's few hundred units are a few tens of KB). */
export const UNITS_IMPORT_MAX_BYTES = 1024 * 1024;

/**
 * The fixed messages a Post/Redirect/Get lands on (`?tb=<key>`): the query never carries text a
 * user typed.
 */
export const UNIT_NOTICES = {
  'da-them': 'Đã thêm đơn vị.',
  'da-luu': 'Đã lưu thông tin đơn vị.',
  'da-ngung': 'Đã ngừng hoạt động đơn vị: đường dẫn của đơn vị không còn dùng được và đơn vị không còn trong danh sách phải nộp.',
  'da-thu-hoi': 'Đã thu hồi mọi đường dẫn nộp báo cáo đã cấp cho đơn vị. Gửi đường dẫn mới cho đơn vị bằng nút "Gửi đường dẫn qua email".',
  'da-gui': 'Đã gửi đường dẫn nộp báo cáo tới các địa chỉ email của đơn vị.',
} as const;
export type UnitNoticeKey = keyof typeof UNIT_NOTICES;
export const isUnitNoticeKey = (key: string | null): key is UnitNoticeKey => key !== null && Object.hasOwn(UNIT_NOTICES, key);

const canAct = (operator: ConsoleOperator) => operator.role !== 'viewer';
const option = (value: string, label: string, selected: boolean) => `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;

/** What the add/edit form shows: the values as typed (escaped on output) and the fields' errors. */
export interface UnitFormState {
  values: { code: string; name: string; type: string; emails: string; active: boolean };
  errors: UnitFieldErrors;
}

/** A unit's values as its form starts. */
export const unitFormValues = (u: Unit): UnitFormState['values'] => ({ code: u.code, name: u.name, type: u.type, emails: u.emails.join('; '), active: u.active });

/** One labelled field with its error (linked by `aria-describedby`). */
function field(id: string, label: string, control: (attrs: string) => string, error: string | undefined, hint?: string): string {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const attrs = `id="${id}"${described ? ` aria-describedby="${described}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
  return `<p class="field${error ? ' has-error' : ''}"><label for="${id}">${e(label)}</label>${control(attrs)}${hint ? `<span class="hint" id="${id}-hint">${e(hint)}</span>` : ''}${error ? `<span class="field-error" id="${id}-error">${e(error)}</span>` : ''}</p>`;
}

/**
 * The type select: today's types (legacy ones are kept for old units, not offered); an edited
 * unit keeps its own type listed even when it is legacy or no longer in the registry.
 */
function typeOptions(unitTypes: UnitTypeRegistry, selected: string, withCode: boolean): string {
  const offered = unitTypes.offered();
  const keep = !withCode && selected && !offered.some((t) => t.code === selected) ? [option(selected, `${unitTypes.label(selected)} (loại cũ)`, true)] : [];
  return [...keep, ...offered.map((t) => option(t.code, t.plural, t.code === selected))].join('');
}

function unitFields(prefix: string, state: UnitFormState, withCode: boolean, unitTypes: UnitTypeRegistry): string {
  const v = state.values;
  const err = state.errors;
  return [
    withCode
      ? field(`${prefix}-code`, 'Mã đơn vị', (a) => `<input ${a} name="code" required maxlength="40" autocomplete="off" value="${e(v.code)}">`, err.code, 'Chữ cái không dấu, chữ số, "-" hoặc "_", tối đa 40 ký tự (ví dụ SO-NV). Không đổi được sau khi thêm.')
      : '',
    field(`${prefix}-name`, 'Tên đơn vị', (a) => `<input ${a} name="name" required maxlength="200" value="${e(v.name)}">`, err.name),
    field(`${prefix}-type`, 'Loại đơn vị', (a) => `<select ${a} name="type" required>${withCode && !v.type ? option('', '— Chọn loại đơn vị —', true) : ''}${typeOptions(unitTypes, v.type, withCode)}</select>`, err.type),
    field(`${prefix}-emails`, 'Email nhận đường dẫn và nhắc nộp', (a) => `<textarea ${a} name="emails" rows="2" maxlength="2000">${e(v.emails)}</textarea>`, err.emails, 'Nhiều địa chỉ cách nhau bằng dấu ";" hoặc xuống dòng.'),
    `<p class="field field-check${err.active ? ' has-error' : ''}"><label><input type="checkbox" name="active" value="1"${v.active ? ' checked' : ''}> Đang hoạt động (phải nộp báo cáo)</label>${err.active ? `<span class="field-error">${e(err.active)}</span>` : ''}</p>`,
  ].join('\n');
}

function noticeBlock(notice: string | undefined, kind: 'ok' | 'error' = 'ok'): string {
  if (!notice) return '';
  return kind === 'ok' ? `<p class="flash" role="status">${e(notice)}</p>` : `<p class="flash flash-error" role="alert">${e(notice)}</p>`;
}

export interface ConsoleUnitsPageInput {
  operator: ConsoleOperator;
  /** The units matching the filters (active and inactive), in code order. */
  units: ReadonlyArray<Unit>;
  /** How many units the registry holds in all. */
  total: number;
  filters: { search?: string; type?: string };
  /** The deployment's unit types (labels, the filter and add selects); default: the 2019 types. */
  unitTypes?: UnitTypeRegistry;
  notice?: string;
  /** The add form after a refused add (its values and errors); absent: an empty form. */
  add?: UnitFormState & { message?: string };
}

function unitRow(u: Unit, operator: ConsoleOperator, unitTypes: UnitTypeRegistry): string {
  const state = u.active ? '<span class="badge badge-accepted">Đang hoạt động</span>' : '<span class="badge badge-not_submitted">Ngừng hoạt động</span>';
  const manage = `<a href="${e(unitManagePath(u.code))}">${canAct(operator) ? 'Sửa, đường dẫn' : 'Chi tiết'}<span class="visually-hidden"> – ${e(u.name)}</span></a>`;
  return `<tr data-code="${e(u.code)}"${u.active ? '' : ' class="inactive"'}><td class="nowrap">${e(u.code)}</td><td><a href="${e(`${UNITS_PATH}/${encodeURIComponent(u.code)}`)}">${e(u.name)}</a></td><td>${e(unitTypes.label(u.type))}</td><td class="emails">${u.emails.length ? u.emails.map((m) => e(m)).join('<br>') : '<span class="muted">chưa có email</span>'}</td><td>${state}</td><td class="nowrap">${manage}</td></tr>`;
}

/** "Đơn vị": the registry with its filters, then (operators) the add form and the file import. */
export function renderConsoleUnitsPage(input: ConsoleUnitsPageInput): string {
  const { operator, filters } = input;
  const add = input.add ?? { values: { code: '', name: '', type: '', emails: '', active: true }, errors: {} };
  const unitTypes = input.unitTypes ?? DEFAULT_UNIT_TYPES;
  const rows = input.units.map((u) => unitRow(u, operator, unitTypes)).join('\n');
  const addPanel = `<section class="panel" id="them" aria-labelledby="add-heading">
<h3 id="add-heading">Thêm đơn vị</h3>
${noticeBlock(input.add?.message, 'error')}
<form method="post" action="${UNITS_PATH}" class="unit-form" novalidate>
${csrfField(operator)}
${unitFields('add', add, true, unitTypes)}
<p><button class="button" type="submit">Thêm đơn vị</button></p>
</form>
</section>`;
  // A refused add is shown first, where the operator lands, rather than below the whole registry.
  const refusedAdd = Boolean(input.add) && canAct(operator);
  const actions = canAct(operator)
    ? `${refusedAdd ? '' : addPanel}
<section class="panel" id="nhap" aria-labelledby="import-heading">
<h3 id="import-heading">Nhập danh sách từ tệp CSV hoặc Excel</h3>
<p>Cột: code, name, type, emails, active (mẫu trống: <code>templates/units-import.csv</code>). Tất cả hoặc không: chỉ cần một dòng lỗi thì không ghi đơn vị nào và trang liệt kê lỗi của từng dòng. Đơn vị đã có giữ nguyên đường dẫn; đơn vị không có trong tệp giữ nguyên. Tệp tối đa ${UNITS_IMPORT_MAX_BYTES / 1024 / 1024} MB.</p>
<form class="unit-import" id="unit-import" data-max-bytes="${UNITS_IMPORT_MAX_BYTES}">
<p class="field"><label for="import-file">Tệp danh sách đơn vị (.csv, .xlsx)</label><input id="import-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></p>
<p><button class="button" type="submit" id="import-submit">Nhập danh sách</button></p>
<noscript><p class="notice">Nhập tệp cần bật JavaScript trong trình duyệt. Cách khác: lệnh <code>npx tonghop units import &lt;tệp&gt;</code>.</p></noscript>
</form>
<div class="result" id="import-result" role="status" aria-live="polite"></div>
</section>`
    : '<p class="notice">Tài khoản của đồng chí chỉ có quyền xem danh sách đơn vị.</p>';
  const main = `<h2>Đơn vị</h2>
${noticeBlock(input.notice)}
${refusedAdd ? addPanel : ''}
${canAct(operator) && !refusedAdd ? '<p class="actions"><a href="#them">Thêm đơn vị</a> · <a href="#nhap">Nhập danh sách từ tệp</a></p>' : ''}
<form class="filters" method="get" action="${UNITS_PATH}" role="search">
<p><label for="u-search">Tìm đơn vị</label><input id="u-search" name="search" type="search" maxlength="${MAX_SEARCH_LENGTH}" value="${e(filters.search ?? '')}" placeholder="Tên hoặc mã đơn vị"></p>
<p><label for="u-type">Loại đơn vị</label><select id="u-type" name="type">${option('', 'Tất cả', !filters.type)}${unitTypes.list().map((t) => option(t.code, t.plural, t.code === filters.type)).join('')}${filters.type && !unitTypes.has(filters.type) ? option(filters.type, filters.type, true) : ''}</select></p>
<p><button class="button" type="submit">Tìm</button></p>
</form>
<table class="grid units-registry">
<caption>${input.units.length === input.total ? `${input.total} đơn vị` : `${input.units.length} / ${input.total} đơn vị theo bộ lọc`} (cả đơn vị đã ngừng hoạt động)</caption>
<thead><tr><th scope="col">Mã đơn vị</th><th scope="col">Tên đơn vị</th><th scope="col">Loại</th><th scope="col">Email</th><th scope="col">Trạng thái</th><th scope="col">Quản lý</th></tr></thead>
<tbody id="unit-rows">
${rows}
</tbody>
</table>
${input.units.length ? '' : '<p class="empty">Không có đơn vị nào khớp bộ lọc.</p>'}
${actions}`;
  return consolePage('Đơn vị', operator, main, 'units');
}

export interface ConsoleUnitManagePageInput {
  operator: ConsoleOperator;
  unit: Unit;
  /** `unitVersion(unit)`: the edit form's hidden field. */
  version: string;
  /** Forms a link can be issued for, each with its open period. */
  forms: ReadonlyArray<{ id: string; name: string; periodLabel: string }>;
  notice?: string;
  /** Set when an action was refused (a stale edit, a unit without email…): shown as an alert. */
  error?: string;
  /** The edit form after a refused edit; absent: the unit's own values. */
  edit?: UnitFormState & { confirmDeactivate?: boolean };
  /** The deployment's unit types (labels, the type select); default: the 2019 types. */
  unitTypes?: UnitTypeRegistry;
  /** The link, shown only in answer to "Hiện đường dẫn". */
  shownLink?: { url: string; expiresAt: string; formName: string; periodLabel: string; formId: string };
}

/** One unit's page: its details (editable by operators), its links (show, email, revoke). */
export function renderConsoleUnitManagePage(input: ConsoleUnitManagePageInput): string {
  const { operator, unit } = input;
  const unitTypes = input.unitTypes ?? DEFAULT_UNIT_TYPES;
  const edit = input.edit ?? { values: unitFormValues(unit), errors: {} };
  const chosenForm = input.shownLink?.formId;
  const details = `<dl class="unit-facts">
<dt>Mã đơn vị</dt><dd>${e(unit.code)}</dd>
<dt>Loại</dt><dd>${e(unitTypes.label(unit.type))}</dd>
<dt>Email</dt><dd>${unit.emails.length ? unit.emails.map((m) => e(m)).join(', ') : 'chưa có email'}</dd>
<dt>Trạng thái</dt><dd>${unit.active ? 'Đang hoạt động' : 'Ngừng hoạt động'}</dd>
<dt>Phiên bản khóa đường dẫn</dt><dd>${unit.keyVersion}</dd>
</dl>`;
  const confirm = input.edit?.confirmDeactivate
    ? `<fieldset class="confirm"><legend>Xác nhận ngừng hoạt động</legend><p>Ngừng hoạt động thì đường dẫn nộp báo cáo của đơn vị không còn dùng được và đơn vị không còn trong danh sách phải nộp, không được nhắc nộp.</p><p class="field field-check"><label><input type="checkbox" name="xac-nhan-ngung" value="1" required> Tôi xác nhận ngừng hoạt động đơn vị này</label></p></fieldset>`
    : '';
  const editForm = canAct(operator)
    ? `<section class="panel" aria-labelledby="edit-heading">
<h3 id="edit-heading">Sửa thông tin</h3>
<form method="post" action="${e(unitManagePath(unit.code))}" class="unit-form" novalidate>
${csrfField(operator)}
<input type="hidden" name="unitVersion" value="${e(input.version)}">
${unitFields('edit', edit, false, unitTypes)}
${confirm}
<p><button class="button" type="submit">Lưu thay đổi</button></p>
</form>
</section>`
    : '';
  const formSelect = `<p class="field"><label for="link-form">Biểu mẫu (kỳ đang mở)</label><select id="link-form" name="form">${input.forms.map((f) => option(f.id, `${f.name} – ${f.periodLabel}`, f.id === chosenForm)).join('')}</select></p>`;
  const shown = input.shownLink
    ? `<div class="shown-link" id="shown-link"><p><label for="unit-link">Đường dẫn nộp báo cáo (${e(input.shownLink.formName)} – ${e(input.shownLink.periodLabel)})</label></p><p><input id="unit-link" class="link-box" type="text" readonly value="${e(input.shownLink.url)}"></p><p class="hint">Hiệu lực đến ${e(formatViDateTime(new Date(input.shownLink.expiresAt)))}. Đường dẫn là chìa khóa nộp báo cáo của đơn vị: chỉ chuyển cho chính đơn vị.</p></div>`
    : '';
  const links = canAct(operator)
    ? `<section class="panel" aria-labelledby="links-heading">
<h3 id="links-heading">Đường dẫn nộp báo cáo</h3>
${unit.active ? `<form method="post" action="${e(unitShowLinkPath(unit.code))}" class="unit-form">
${csrfField(operator)}
${formSelect}
<p class="actions"><button class="button" type="submit">Hiện đường dẫn</button> <button class="button" type="submit" formaction="${e(unitSendLinkPath(unit.code))}"${unit.emails.length ? '' : ' disabled'}>Gửi đường dẫn qua email</button></p>
</form>
${unit.emails.length ? '' : '<p class="hint">Đơn vị chưa có email nên chưa gửi được đường dẫn.</p>'}
${shown}` : '<p>Đơn vị đã ngừng hoạt động nên không có đường dẫn nộp báo cáo.</p>'}
<p>Thu hồi: mọi đường dẫn đã cấp cho đơn vị (đã gửi, đã in) không còn dùng được; đường dẫn cấp sau đó vẫn dùng được.</p>
<p><a class="button button-danger" href="${e(unitRevokePath(unit.code))}">Thu hồi đường dẫn…</a></p>
</section>`
    : '';
  const main = `<p class="breadcrumbs"><a href="${UNITS_PATH}">← Danh sách đơn vị</a> · <a href="${e(`${UNITS_PATH}/${encodeURIComponent(unit.code)}`)}">Các lần nộp báo cáo của đơn vị</a></p>
<h2>${e(unit.name)}</h2>
${noticeBlock(input.notice)}
${noticeBlock(input.error, 'error')}
${details}
${editForm}
${links}`;
  return consolePage(`Đơn vị ${unit.name}`, operator, main, 'units');
}

/** The confirmation before a unit's links are revoked (a GET page: the POST is its only button). */
export function renderConsoleRevokeConfirmPage(input: { operator: ConsoleOperator; unit: Unit }): string {
  const { operator, unit } = input;
  const main = `<div class="message-page confirm-page">
<h2>Thu hồi đường dẫn của ${e(unit.name)}?</h2>
<p>Mọi đường dẫn nộp báo cáo đã cấp cho đơn vị <strong>${e(unit.code)}</strong> sẽ không còn dùng được, kể cả đường dẫn trong các email nhắc nộp đã gửi. Các lần nộp đã nhận không bị ảnh hưởng. Sau khi thu hồi, hãy gửi đường dẫn mới cho đơn vị.</p>
<form method="post" action="${e(unitRevokePath(unit.code))}">
${csrfField(operator)}
<p class="actions"><button class="button button-danger" type="submit" id="confirm-revoke">Xác nhận thu hồi</button> <a class="button" href="${e(unitManagePath(unit.code))}">Hủy</a></p>
</form>
</div>`;
  return consolePage(`Thu hồi đường dẫn – ${unit.name}`, operator, main, 'units');
}

/** A refused console action, on a signed-in page with the way back. */
export function renderConsoleUnitsRefusedPage(input: { operator: ConsoleOperator; title: string; message: string; code: string; back: string }): string {
  const main = `<div class="message-page"><h2>${e(input.title)}</h2><p>${e(input.message)}</p><p class="code">Mã lỗi: ${e(input.code)}</p><p><a href="${e(input.back)}">Quay lại</a></p></div>`;
  return consolePage(input.title, input.operator, main, 'units');
}
