/**
 * The console's "Báo cáo tổng hợp" pages: the consolidated workbooks of a form and period with
 * their emails' status, the "Tổng hợp ngay" / "Gửi" buttons (plain forms: they work without
 * script), the leadership briefing ("Tóm tắt cho lãnh đạo": the summary sentences, the charts,
 * "Đơn vị cần đôn đốc" and the draft report's download), and the confirmation that names who an
 * email goes to before anything is sent.
 */
import type { AttentionItem, Briefing } from '../core/briefing/model';
import { formatViDateTime } from '../core/format-vi';
import { CONSOLE_PATH } from '../core/operators/model';
import { reportDownloadPath } from '../core/consolidation/report-key';
import type { ConsolidatedWorkbook, ConsolidationListing } from '../core/usecases/list-consolidations';
import { escapeHtml as e } from './html';
import { consolePage, csrfField, formatFileSize, unitPagePath, type ConsoleOperator } from './render-console-page';

/** Where the reports page and its actions live. */
export const REPORTS_PATH = `${CONSOLE_PATH}/bao-cao`;
export const REPORTS_BUILD_PATH = `${REPORTS_PATH}/tong-hop`;
export const REPORTS_SEND_PATH = `${REPORTS_PATH}/gui`;
/** The draft report (.docx) of a form and period, built on each click. */
export const REPORTS_DRAFT_PATH = `${REPORTS_PATH}/du-thao`;
/** The briefing's charts as pictures: `<REPORTS_CHART_PATH>/<chart id>.png?form=&period=`. */
export const REPORTS_CHART_PATH = `${REPORTS_PATH}/bieu-do`;

const formPeriodQuery = (formId: string, period: string) => `form=${encodeURIComponent(formId)}&period=${encodeURIComponent(period)}`;
/** The draft report's download of a form and period. */
export const draftReportPath = (formId: string, period: string): string => `${REPORTS_DRAFT_PATH}?${formPeriodQuery(formId, period)}`;
/** One chart of a form and period's briefing, as a PNG. */
export const briefingChartPath = (chartId: string, formId: string, period: string): string => `${REPORTS_CHART_PATH}/${encodeURIComponent(chartId)}.png?${formPeriodQuery(formId, period)}`;

/** The fixed messages an action redirects back with (`?thong-bao=<key>`): never the request's own words. */
export const REPORT_MESSAGES = {
  'da-tong-hop': 'Đã tổng hợp: bảng tổng hợp mới đã được lưu (chưa gửi email).',
  'khong-doi': 'Số liệu không thay đổi so với bảng tổng hợp đã lưu: dùng lại bảng đó (chưa gửi email).',
  'da-gui': 'Đã gửi email bảng tổng hợp tới lãnh đạo.',
  'da-gui-truoc': 'Bảng tổng hợp với đúng số liệu này đã được gửi trước đó: không gửi lại.',
  'khong-co-don-vi': 'Chưa có đơn vị nào phải báo cáo biểu mẫu này: không gửi bảng tổng hợp trống.',
} as const;
export type ReportMessage = keyof typeof REPORT_MESSAGES;

export function isReportMessage(value: string | null): value is ReportMessage {
  return value !== null && Object.hasOwn(REPORT_MESSAGES, value);
}

/** The reports page of a form and period, with an optional fixed message. */
export function reportsPagePath(formId: string, period: string, message?: ReportMessage): string {
  return `${REPORTS_PATH}?${formPeriodQuery(formId, period)}${message ? `&thong-bao=${message}` : ''}`;
}

const option = (value: string, label: string, selected: boolean) => `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;
const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${e(value)}">`;

/** "đã gửi lúc … (tiêu đề …)" or "chưa gửi". */
export function emailStatusText(email: ConsolidatedWorkbook['email']): string {
  return email.status === 'sent' ? `đã gửi lúc ${formatViDateTime(new Date(email.sentAt))}${email.subject ? ` (tiêu đề "${email.subject}")` : ''}` : 'chưa gửi';
}

function workbookRow(w: ConsolidatedWorkbook): string {
  const units = w.unitsReported === undefined ? '—' : `${w.unitsReported}/${w.unitsExpected}`;
  const badge = w.email.status === 'sent' ? 'badge badge-accepted' : 'badge badge-not_submitted';
  return `<tr data-key="${e(w.key)}"><td class="nowrap">${e(formatViDateTime(new Date(w.createdAt)))}</td><td class="file">${e(w.fileName)}</td><td class="num nowrap">${e(formatFileSize(w.size))}</td><td class="num">${e(units)}</td><td><span class="${badge}">${e(emailStatusText(w.email))}</span></td><td class="nowrap"><a href="${e(reportDownloadPath(w.key))}">Tải về</a></td></tr>`;
}

export interface ConsoleReportsPageInput {
  operator: ConsoleOperator;
  forms: ReadonlyArray<{ id: string; name: string }>;
  /** Recent periods of the selected form, newest first (the selected one among them). */
  periods: ReadonlyArray<{ id: string; label: string }>;
  listing: ConsolidationListing;
  /** The result of the action just taken (Post/Redirect/Get). */
  message?: ReportMessage;
  /** Set when the asked period did not belong to the form and the open period is shown instead. */
  notice?: string;
  /** The period's leadership briefing; `failed` when it could not be computed (the workbooks are still listed). */
  briefing?: BriefingPanelInput | { failed: true };
}

export interface BriefingPanelInput {
  briefing: Briefing;
  /** "Sở, ban, ngành" … for a unit type code (the deployment's own names). */
  unitTypeLabel: (type: string) => string;
  /** Whether the console serves the charts as pictures (else they are left out). */
  charts: boolean;
}

function attentionRow(item: AttentionItem, formId: string, period: string, unitTypeLabel: (type: string) => string): string {
  const { unit } = item;
  const reasons = item.reasons.map((r) => `<li data-reason="${e(r.code)}">${e(r.text)}</li>`).join('');
  return `<tr data-code="${e(unit.code)}"><td data-label="Đơn vị"><a href="${e(unitPagePath(unit.code, formId, period))}">${e(unit.name)}</a></td><td data-label="Loại đơn vị">${e(unitTypeLabel(unit.type))}</td><td data-label="Lý do"><ul class="reasons">${reasons}</ul></td></tr>`;
}

/**
 * "Tóm tắt cho lãnh đạo": the briefing's summary sentences, its charts (pictures served by the
 * console, each with its text alternative), every unit needing attention with its reasons (each
 * unit linking to its drill-down, where its report is reviewed), and the draft report's download.
 */
export function renderBriefingPanel(formId: string, period: string, input: BriefingPanelInput | { failed: true }): string {
  const download = `<p class="actions"><a class="button" id="download-draft" href="${e(draftReportPath(formId, period))}">Tải dự thảo báo cáo (.docx)</a><span class="hint">Văn bản dự thảo (Word) lập từ số liệu mới nhất của kỳ, để Ban Tổ chức hoàn thiện.</span></p>`;
  const open = '<section class="panel briefing" aria-labelledby="briefing-heading">\n<h4 id="briefing-heading">Tóm tắt cho lãnh đạo</h4>\n';
  if ('failed' in input) return `${open}<p class="notice">Chưa lập được phần tóm tắt cho kỳ này; các bảng tổng hợp bên dưới vẫn dùng được.</p>\n${download}\n</section>`;
  const { briefing: b } = input;
  const summary = b.summary.length
    ? `<div class="summary">${b.summary.map((s) => `<p>${e(s)}</p>`).join('')}</div>`
    : '<p class="empty">Chưa có số liệu để tóm tắt cho kỳ này.</p>';
  const charts = input.charts && b.charts.length
    ? `<div class="charts">${b.charts.map((c) => `<figure class="chart" data-chart="${e(c.id)}"><img src="${e(briefingChartPath(c.id, formId, period))}" alt="${e(c.alt)}" loading="lazy" title="${e(c.title)}"></figure>`).join('')}</div>`
    : '';
  const attention = b.attention.length
    ? `<table class="grid attention" aria-labelledby="attention-heading">
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Loại đơn vị</th><th scope="col">Lý do</th></tr></thead>
<tbody>
${b.attention.map((item) => attentionRow(item, formId, period, input.unitTypeLabel)).join('\n')}
</tbody>
</table>`
    : '<p class="empty">Không có đơn vị nào cần đôn đốc.</p>';
  return `${open}${summary}
${charts}
<h4 id="attention-heading">Đơn vị cần đôn đốc${b.attention.length ? ` (${b.attention.length})` : ''}</h4>
${attention}
${download}
</section>`;
}

/** "Báo cáo tổng hợp": selector, the actions an operator may take, then the workbooks newest first. */
export function renderConsoleReportsPage(input: ConsoleReportsPageInput): string {
  const { listing: l, operator } = input;
  const mayAct = operator.role !== 'viewer';
  const actions = mayAct
    ? `<div class="actions">
<form method="post" action="${REPORTS_BUILD_PATH}">${csrfField(operator)}${hidden('form', l.formId)}${hidden('period', l.period)}<button class="button" type="submit" id="build-now">Tổng hợp ngay</button></form>
<form method="get" action="${REPORTS_SEND_PATH}">${hidden('form', l.formId)}${hidden('period', l.period)}<button class="button" type="submit" id="send">Gửi</button></form>
<p class="hint">"Tổng hợp ngay" lưu bảng tổng hợp mới nhất mà không gửi email; "Gửi" hỏi lại, nêu rõ người nhận, trước khi gửi.</p>
</div>`
    : '<p class="hint">Tài khoản xem: đồng chí xem và tải được các bảng tổng hợp, không tổng hợp hoặc gửi được.</p>';
  const rows = l.workbooks.map(workbookRow).join('\n');
  const main = `<h2>Báo cáo tổng hợp</h2>
<form class="filters" method="get" action="${REPORTS_PATH}" data-period-follows-form>
<p><label for="f-form">Biểu mẫu</label><select id="f-form" name="form">${input.forms.map((f) => option(f.id, f.name, f.id === l.formId)).join('')}</select></p>
<p><label for="f-period">Kỳ báo cáo</label><select id="f-period" name="period">${input.periods.map((p) => option(p.id, p.label, p.id === l.period)).join('')}</select></p>
<p><button class="button" type="submit">Xem</button></p>
</form>
${input.notice ? `<p class="notice">${e(input.notice)}</p>\n` : ''}${input.message ? `<p class="flash" role="status">${e(REPORT_MESSAGES[input.message])}</p>\n` : ''}<section class="reports" aria-labelledby="reports-heading">
<h3 id="reports-heading">${e(l.formName)} – ${e(l.periodLabel)}</h3>
${actions}
${input.briefing ? `${renderBriefingPanel(l.formId, l.period, input.briefing)}\n` : ''}<div class="table-scroll"${l.workbooks.length ? '' : ' hidden'}><table class="grid workbooks">
<caption>Các bảng tổng hợp đã lưu, mới nhất trước</caption>
<thead><tr><th scope="col">Thời điểm tổng hợp</th><th scope="col">Tệp</th><th scope="col" class="num">Dung lượng</th><th scope="col" class="num">Đơn vị đã báo cáo</th><th scope="col">Email lãnh đạo</th><th scope="col">Tải về</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>
<p class="empty"${l.workbooks.length ? ' hidden' : ''}>Chưa có bảng tổng hợp nào cho kỳ này.</p>
</section>`;
  return consolePage('Báo cáo tổng hợp', operator, main, 'reports');
}

export interface ConsoleSendConfirmPageInput {
  operator: ConsoleOperator;
  form: { id: string; name: string };
  period: { id: string; label: string };
  to: readonly string[];
  cc: readonly string[];
  unitsReported: number;
  unitsExpected: number;
  /** Units that must report and have no accepted report yet. */
  notReported: ReadonlyArray<{ code: string; name: string }>;
}

const addressList = (addresses: readonly string[]) => (addresses.length ? `<ul class="recipients">${addresses.map((a) => `<li>${e(a)}</li>`).join('')}</ul>` : '<p class="empty">(không có)</p>');

/** "Gửi bảng tổng hợp?": who receives it (To, Cc), the units not yet reported, then the confirm button (the only POST that sends). */
export function renderConsoleSendConfirmPage(input: ConsoleSendConfirmPageInput): string {
  const { form, period, operator } = input;
  const missing = input.notReported.length
    ? `<h3>Đơn vị chưa báo cáo (${input.notReported.length})</h3><ul class="not-reported">${input.notReported.map((u) => `<li>${e(u.name)} (${e(u.code)})</li>`).join('')}</ul>`
    : '<p>Tất cả đơn vị đã báo cáo.</p>';
  const main = `<p><a href="${e(reportsPagePath(form.id, period.id))}">← Báo cáo tổng hợp</a></p>
<h2>Gửi bảng tổng hợp</h2>
<section class="send-confirm" aria-labelledby="confirm-heading">
<h3 id="confirm-heading">${e(form.name)} – ${e(period.label)}</h3>
<p>Hệ thống sẽ tổng hợp số liệu mới nhất (${input.unitsReported}/${input.unitsExpected} đơn vị đã báo cáo) và gửi email tới:</p>
<h3>Người nhận</h3>
${addressList(input.to)}
<h3>Đồng gửi (CC)</h3>
${addressList(input.cc)}
${missing}
<p class="hint">Nếu số liệu không thay đổi so với lần gửi trước, hệ thống không gửi lại.</p>
<div class="actions">
<form method="post" action="${REPORTS_SEND_PATH}">${csrfField(operator)}${hidden('form', form.id)}${hidden('period', period.id)}<button class="button" type="submit" id="confirm-send">Xác nhận gửi</button></form>
<a class="button" href="${e(reportsPagePath(form.id, period.id))}">Hủy</a>
</div>
</section>`;
  return consolePage('Gửi bảng tổng hợp', operator, main, 'reports');
}
