/**
 * "Nhật ký" (`/quan-tri/nhat-ky`): every operator action, newest first, with a plain GET filter
 * form (days, actor, action, target text), pages of `AUDIT_PAGE_SIZE` rows, and the download of
 * the filtered entries as .xlsx. Works without script.
 */
import { formatViDate, formatViDateTime } from '../core/format-vi';
import type { UnitTypeRegistry } from '../core/units/unit-types';
import { CONSOLE_PATH } from '../core/operators/model';
import {
  AUDIT_ACTION_LABELS, AUDIT_PAGE_SIZE, AUDIT_SCAN_LIMIT, MAX_AUDIT_TARGET_QUERY, auditActionLabel, auditActionText, auditFiltersQuery, describeAuditChanges,
  type AuditChange, type AuditView,
} from '../core/operators/audit-view';
import type { AuditEntry } from '../core/operators/model';
import { escapeHtml as e } from './html';
import { consolePage, type ConsoleOperator } from './render-console-page';

export const AUDIT_PAGE_PATH = `${CONSOLE_PATH}/nhat-ky`;
export const AUDIT_DOWNLOAD_PATH = `${CONSOLE_PATH}/nhat-ky/tai`;

export interface ConsoleAuditPageInput {
  operator: ConsoleOperator;
  view: AuditView;
  /** Operators' names by email, for the actors of the page's rows. */
  names: ReadonlyMap<string, string>;
  /** The deployment's unit types (a unit's type in before → after); default: the 2019 types. */
  unitTypes?: UnitTypeRegistry;
}

const option = (value: string, label: string, selected: boolean) => `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;

function changeHtml(c: AuditChange): string {
  const label = `<span class="change-key">${e(c.label)}:</span> `;
  if (c.before === undefined) return `<li>${label}${e(c.after ?? '')}</li>`;
  if (c.after === undefined) return `<li>${label}<del>${e(c.before)}</del> → (bỏ)</li>`;
  if (c.before === c.after) return `<li>${label}${e(c.after)}</li>`;
  return `<li>${label}<del>${e(c.before)}</del> → <ins>${e(c.after)}</ins></li>`;
}

function entryRow(entry: AuditEntry, names: ReadonlyMap<string, string>, unitTypes?: UnitTypeRegistry): string {
  const name = names.get(entry.actor);
  const label = auditActionLabel(entry.action);
  const changes = describeAuditChanges(entry, unitTypes);
  return `<tr data-action="${e(entry.action)}"><td class="nowrap">${e(formatViDateTime(new Date(entry.at)))}</td>`
    + `<td>${name ? `${e(name)}<br><span class="muted">${e(entry.actor)}</span>` : e(entry.actor)}</td>`
    + `<td>${label ? `${e(label)}<br>` : ''}<code>${e(entry.action)}</code></td>`
    + `<td class="target">${e(entry.target)}</td>`
    + `<td>${changes.length ? `<ul class="changes">${changes.map(changeHtml).join('')}</ul>` : '—'}</td></tr>`;
}

/** The page. */
export function renderConsoleAuditPage(input: ConsoleAuditPageInput): string {
  const { view } = input;
  const f = view.filters;
  const pages = Math.max(1, Math.ceil(view.entries.length / AUDIT_PAGE_SIZE));
  const page = Math.min(f.page, pages);
  const shown = view.entries.slice((page - 1) * AUDIT_PAGE_SIZE, page * AUDIT_PAGE_SIZE);
  const actors = f.actor && !view.actors.includes(f.actor) ? [...view.actors, f.actor] : view.actors;
  // Known actions first (in the labels' order), then any other action met in the range.
  const actions = [...new Set([...Object.keys(AUDIT_ACTION_LABELS), ...view.actions, ...(f.action ? [f.action] : [])])];
  const link = (p: number) => `${AUDIT_PAGE_PATH}?${auditFiltersQuery(f, { page: p })}`;
  const first = (page - 1) * AUDIT_PAGE_SIZE + 1;
  const pager = pages > 1
    ? `<nav class="pager" aria-label="Phân trang"><p>${page > 1 ? `<a href="${e(link(page - 1))}" rel="prev">← Trang trước</a>` : ''}<span>Trang ${page}/${pages} (thao tác ${first}–${first + shown.length - 1})</span>${page < pages ? `<a href="${e(link(page + 1))}" rel="next">Trang sau →</a>` : ''}</p></nav>`
    : '';
  const main = `<h2>Nhật ký thao tác</h2>
<p>Mọi thao tác của cán bộ quản trị (và các lệnh chạy từ dòng lệnh), mới nhất trước; thời gian theo giờ Hà Nội. Nhật ký chỉ được ghi thêm, không sửa hay xóa.</p>
<form class="filters" method="get" action="${AUDIT_PAGE_PATH}">
<p><label for="a-from">Từ ngày</label><input id="a-from" name="from" type="date" required value="${e(f.from)}"></p>
<p><label for="a-to">Đến ngày</label><input id="a-to" name="to" type="date" required value="${e(f.to)}"></p>
<p><label for="a-actor">Người thực hiện</label><select id="a-actor" name="actor">${option('', 'Tất cả', !f.actor)}${actors.map((a) => option(a, input.names.get(a) ? `${input.names.get(a)} (${a})` : a, a === f.actor)).join('')}</select></p>
<p><label for="a-action">Thao tác</label><select id="a-action" name="action">${option('', 'Tất cả', !f.action)}${actions.map((a) => option(a, auditActionText(a), a === f.action)).join('')}</select></p>
<p><label for="a-target">Đối tượng có chứa</label><input id="a-target" name="target" type="search" maxlength="${MAX_AUDIT_TARGET_QUERY}" value="${e(f.target ?? '')}" placeholder="Mã đơn vị, email, mã lần nộp…"></p>
<p><button class="button" type="submit">Xem</button></p>
</form>
${view.truncated ? `<p class="notice" role="status">Khoảng ngày này có hơn ${AUDIT_SCAN_LIMIT.toLocaleString('vi-VN')} thao tác: chỉ xét ${AUDIT_SCAN_LIMIT.toLocaleString('vi-VN')} thao tác mới nhất. Thu hẹp khoảng ngày để xem các thao tác cũ hơn.</p>` : ''}
<p class="audit-summary"><span id="audit-count">${view.entries.length.toLocaleString('vi-VN')}</span> thao tác từ ${e(formatViDate(f.from))} đến ${e(formatViDate(f.to))}.${view.entries.length ? `<a class="button download" href="${e(`${AUDIT_DOWNLOAD_PATH}?${auditFiltersQuery(f)}`)}">Tải về Excel (.xlsx)</a>` : ''}</p>
${shown.length ? `<table class="grid audit">
<caption>Các thao tác${pages > 1 ? `, trang ${page}/${pages}` : ''}</caption>
<thead><tr><th scope="col">Thời gian</th><th scope="col">Người thực hiện</th><th scope="col">Thao tác</th><th scope="col">Đối tượng</th><th scope="col">Thay đổi (trước → sau)</th></tr></thead>
<tbody>
${shown.map((entry) => entryRow(entry, input.names, input.unitTypes)).join('\n')}
</tbody>
</table>
${pager}` : '<p class="empty">Không có thao tác nào khớp bộ lọc.</p>'}`;
  return consolePage('Nhật ký thao tác', input.operator, main, 'audit');
}
