/**
 * The console's "Biểu mẫu" pages: the published forms with their versions and definition
 * downloads, the upload of a definition (the page's script posts the file), the check report
 * (every problem, or a summary with the preview download and the publish form), the publish
 * result and the retirement's confirmation. Everything shown is escaped and bounded.
 */
import { formatViDateTime } from '../core/format-vi';
import type { FormCatalogEntry } from '../core/forms/catalog';
import type { DefinitionProblem } from '../core/forms/check-definition';
import type { FormDefinition } from '../core/forms/definition';
import { CONSOLE_PATH } from '../core/operators/model';
import { PERIOD_TYPE_LABELS, periodLabel } from '../core/periods';
import type { UnitTypeRegistry } from '../core/units/unit-types';
import { escapeHtml as e } from './html';
import { consolePage, csrfField, type ConsoleOperator } from './render-console-page';

export const FORMS_PATH = `${CONSOLE_PATH}/bieu-mau`;
/** Largest definition workbook and JSON file the page takes. */
export const FORM_DEFINITION_MAX_BYTES = { xlsx: 5 * 1024 * 1024, json: 2 * 1024 * 1024 } as const;
/** Problems a report shows at most (the rest are counted). */
export const MAX_SHOWN_PROBLEMS = 200;

export const checkReportPath = (id: string) => `${FORMS_PATH}/kiem-tra/${encodeURIComponent(id)}`;
export const definitionDownloadPath = (formId: string, version: number, format: 'json' | 'xlsx') => `${FORMS_PATH}/${encodeURIComponent(formId)}/tai/v${version}.${format}`;
export const retirePath = (formId: string) => `${FORMS_PATH}/${encodeURIComponent(formId)}/ngung-su-dung`;

/** Fixed notices the list page shows after a redirect (`?tb=`). */
export const FORM_NOTICES = {
  'da-ngung': 'Đã ngừng sử dụng biểu mẫu: không còn trên trang của đơn vị, không nhắc, không tổng hợp theo lịch; lịch sử vẫn giữ.',
  'da-ngung-truoc': 'Biểu mẫu này đã ngừng sử dụng từ trước: không thay đổi gì.',
} as const;
export type FormNoticeKey = keyof typeof FORM_NOTICES;
export const isFormNoticeKey = (key: string | null): key is FormNoticeKey => key !== null && Object.hasOwn(FORM_NOTICES, key);

const when = (iso: string | undefined) => (iso ? e(formatViDateTime(new Date(iso))) : '—');

function versionsCell(entry: FormCatalogEntry): string {
  const items = [...entry.versions].sort((a, b) => b.version - a.version).map((v) => {
    const details = [v.effectiveFrom ? `áp dụng từ kỳ ${e(periodLabel(v.effectiveFrom))}` : 'áp dụng mọi kỳ', v.publishedAt ? `phát hành ${when(v.publishedAt)}` : 'có sẵn từ đầu', v.publishedBy ? `bởi ${e(v.publishedBy)}` : ''].filter(Boolean).join(', ');
    const downloads = `<a href="${definitionDownloadPath(entry.id, v.version, 'json')}" download>JSON</a> · <a href="${definitionDownloadPath(entry.id, v.version, 'xlsx')}" download>Thiết kế biểu mẫu (.xlsx)</a>`;
    return `<li><strong>v${v.version}</strong> — ${details}<br>Tải định nghĩa: ${downloads}</li>`;
  });
  return `<ul class="form-versions">${items.join('')}</ul>`;
}

export interface ConsoleFormsPageInput {
  operator: ConsoleOperator;
  entries: readonly FormCatalogEntry[];
  notice?: string;
}

export function renderConsoleFormsPage(input: ConsoleFormsPageInput): string {
  const admin = input.operator.role === 'admin';
  const rows = input.entries.map((f) => {
    const state = f.retired ? `<span class="badge badge-rejected">ngừng sử dụng</span><br><small>từ ${when(f.retired.retiredAt)}, ${e(f.retired.retiredBy)}</small>` : '<span class="badge badge-accepted">đang dùng</span>';
    const action = admin && !f.retired ? `<a href="${retirePath(f.id)}">Ngừng sử dụng…</a>` : '';
    return `<tr><td><code>${e(f.id)}</code></td><td>${e(f.name)}</td><td>${e(PERIOD_TYPE_LABELS[f.periodType])}</td><td>${versionsCell(f)}</td><td>${state}</td>${admin ? `<td>${action}</td>` : ''}</tr>`;
  });
  const table = input.entries.length
    ? `<table class="grid forms-table"><caption>Các biểu mẫu đã phát hành (${input.entries.length})</caption><thead><tr><th scope="col">Mã</th><th scope="col">Tên biểu mẫu</th><th scope="col">Kỳ báo cáo</th><th scope="col">Phiên bản</th><th scope="col">Tình trạng</th>${admin ? '<th scope="col">Thao tác</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '<p>Chưa có biểu mẫu nào được phát hành.</p>';
  const upload = admin
    ? `<section class="panel" aria-labelledby="upload-heading"><h3 id="upload-heading">Kiểm tra và phát hành định nghĩa biểu mẫu</h3>
<p>Chọn tệp định nghĩa: sổ Excel "Thiết kế biểu mẫu" (.xlsx, tối đa ${FORM_DEFINITION_MAX_BYTES.xlsx / 1024 / 1024} MB) hoặc tệp JSON (tối đa ${FORM_DEFINITION_MAX_BYTES.json / 1024 / 1024} MB). Hệ thống kiểm tra tệp và cho xem thử biểu mẫu trước khi phát hành; chưa có gì được phát hành ở bước này.</p>
<p><a href="${FORMS_PATH}/thiet-ke-bieu-mau.xlsx" download>Tải sổ "Thiết kế biểu mẫu" trống (.xlsx)</a></p>
<form class="form-upload" id="form-upload" data-max-xlsx="${FORM_DEFINITION_MAX_BYTES.xlsx}" data-max-json="${FORM_DEFINITION_MAX_BYTES.json}">${csrfField(input.operator)}
<p><label for="definition-file">Tệp định nghĩa biểu mẫu</label><br><input id="definition-file" name="file" type="file" accept=".xlsx,.json,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></p>
<p><button class="button" type="submit" id="definition-submit">Kiểm tra tệp</button></p>
<noscript><p class="error">Cần bật JavaScript để gửi tệp định nghĩa từ trang này (hoặc dùng lệnh <code>npx tonghop forms check</code>).</p></noscript>
</form>
<div class="result" id="definition-result" role="status" aria-live="polite"></div></section>`
    : '<p class="notice">Tài khoản chỉ có quyền xem: việc phát hành và ngừng sử dụng biểu mẫu do tài khoản quản trị thực hiện.</p>';
  const notice = input.notice ? `<p class="notice" role="status">${e(input.notice)}</p>` : '';
  return consolePage('Biểu mẫu', input.operator, `${notice}<h2>Biểu mẫu báo cáo</h2>${table}${upload}`, 'forms');
}

/** Where a problem is: a workbook's sheet, row and column, else the definition's path. */
export function problemLocation(p: DefinitionProblem): string {
  if (p.sheet !== undefined) {
    const parts = [`Trang "${p.sheet}"`, p.row !== undefined ? `dòng ${p.row}` : '', p.column !== undefined ? `cột ${p.column}${p.header ? ` (${p.header})` : ''}` : ''].filter(Boolean);
    return parts.join(', ');
  }
  return p.path;
}

export interface CheckSummary {
  form: FormDefinition;
  openPeriod: string;
  /** Set when this id and version are already published: with the same content or not. */
  published?: 'same' | 'different';
  /** The form's latest published version, when another. */
  latestVersion?: number;
}

export interface ConsoleFormCheckPageInput {
  operator: ConsoleOperator;
  stagingId: string;
  fileLabel: string;
  /** Problems as stored (already bounded), with how many there were in all. */
  problems: readonly DefinitionProblem[];
  problemCount: number;
  summary?: CheckSummary;
  unitTypes: UnitTypeRegistry;
  checkedAt: string;
  error?: string;
}

const deadlineText = (d: { day: number; time: string }) => `ngày ${d.day} tháng cuối kỳ, ${e(d.time)}`;

export function renderConsoleFormCheckPage(input: ConsoleFormCheckPageInput): string {
  const head = `<p><a href="${FORMS_PATH}">← Về danh sách biểu mẫu</a></p><h2>Kết quả kiểm tra định nghĩa biểu mẫu</h2><p>Tệp: <strong>${e(input.fileLabel)}</strong> · kiểm tra lúc ${when(input.checkedAt)}</p>`;
  const error = input.error ? `<p class="error" role="alert">${e(input.error)}</p>` : '';
  if (!input.summary) {
    const items = input.problems.map((p) => `<tr><td>${e(problemLocation(p))}</td><td>${e(p.message)}</td><td><code>${e(p.code)}</code></td></tr>`).join('');
    const more = input.problemCount > input.problems.length ? `<p>… và ${input.problemCount - input.problems.length} lỗi nữa không hiện ở đây.</p>` : '';
    const main = `${head}<div class="result bad" role="alert"><h3>Định nghĩa có ${input.problemCount} lỗi: chưa phát hành được</h3><p>Sửa các lỗi dưới đây trong tệp rồi kiểm tra lại.</p></div>
<table class="grid problems-table"><caption>Các lỗi tìm thấy</caption><thead><tr><th scope="col">Vị trí</th><th scope="col">Lỗi</th><th scope="col">Mã lỗi</th></tr></thead><tbody>${items}</tbody></table>${more}
<p><a class="button" href="${FORMS_PATH}">Kiểm tra tệp khác</a></p>`;
    return consolePage('Kết quả kiểm tra biểu mẫu', input.operator, main, 'forms');
  }
  const { form, openPeriod } = input.summary;
  const rows = form.sections.reduce((n, s) => n + s.rows.length, 0);
  const types = input.unitTypes.offered();
  const deadlines = [
    `<li>Mặc định: ${deadlineText(form.deadlines.default)}</li>`,
    ...Object.entries(form.deadlines.byUnitType).map(([code, d]) => `<li>${e(input.unitTypes.label(code))}: ${deadlineText(d)}</li>`),
  ].join('');
  const state =
    input.summary.published === 'same'
      ? '<p class="notice">Phiên bản này đã được phát hành với đúng nội dung này: phát hành lại không thay đổi gì.</p>'
      : input.summary.published === 'different'
        ? `<p class="error">Phiên bản ${form.version} của biểu mẫu này đã được phát hành với nội dung khác: sẽ bị từ chối. Tăng "version" để phát hành phiên bản mới.</p>`
        : input.summary.latestVersion !== undefined
          ? `<p class="notice">Biểu mẫu này đang có phiên bản ${input.summary.latestVersion}; phát hành sẽ thêm phiên bản ${form.version}.</p>`
          : '<p class="notice">Biểu mẫu mới: chưa có phiên bản nào được phát hành.</p>';
  const typeOptions = types.map((t) => `<option value="${e(t.code)}">${e(t.name)}</option>`).join('');
  const example = { month: '2027-01', quarter: '2027-Q1', half: '2027-H1', year: '2027' }[form.periodType];
  const main = `${head}${error}<div class="result ok" role="status"><h3>Định nghĩa hợp lệ: không có lỗi</h3></div>
<dl class="summary">
<dt>Mã biểu mẫu</dt><dd><code>${e(form.id)}</code></dd>
<dt>Phiên bản</dt><dd>${form.version}</dd>
<dt>Tên</dt><dd>${e(form.name)}</dd>
<dt>Tiêu đề</dt><dd>${e(form.title)}</dd>
<dt>Kỳ báo cáo</dt><dd>${e(PERIOD_TYPE_LABELS[form.periodType])} (kỳ đang mở: ${e(periodLabel(openPeriod))})</dd>
<dt>Cấu trúc</dt><dd>${form.sections.length} phần, ${rows} chỉ tiêu, ${form.tables.length} bảng, ${form.rules.length} quy tắc kiểm tra</dd>
<dt>Hạn nộp theo loại đơn vị</dt><dd><ul>${deadlines}</ul></dd>
</dl>${state}
<section class="panel" aria-labelledby="preview-heading"><h3 id="preview-heading">Xem thử biểu mẫu</h3>
<p>Tải biểu mẫu Excel như một đơn vị mẫu sẽ nhận cho kỳ ${e(periodLabel(openPeriod))}, để mở bằng Excel và xem trước khi phát hành.</p>
<form method="get" action="${checkReportPath(input.stagingId)}/xem-thu"><p><label for="preview-type">Loại đơn vị</label><br><select id="preview-type" name="loai">${typeOptions}</select> <button class="button" type="submit" id="preview-submit">Tải biểu mẫu xem thử</button></p></form></section>
<section class="panel" aria-labelledby="publish-heading"><h3 id="publish-heading">Phát hành</h3>
<p>Sau khi phát hành, biểu mẫu hiện ngay trên trang nộp báo cáo của các đơn vị cho kỳ áp dụng. Một phiên bản đã phát hành không sửa được.</p>
<form method="post" action="${checkReportPath(input.stagingId)}/phat-hanh">${csrfField(input.operator)}
<p><label for="effective-from">Áp dụng từ kỳ (không bắt buộc, ví dụ ${e(example)}; để trống: áp dụng mọi kỳ)</label><br><input id="effective-from" name="hieu-luc" maxlength="16" pattern="[0-9A-Za-z-]{4,16}"></p>
<p><label><input type="checkbox" name="xac-nhan" value="1" required id="publish-confirm"> Tôi đã xem thử và xác nhận phát hành biểu mẫu "${e(form.name)}" phiên bản ${form.version}</label></p>
<p><button class="button" type="submit" id="publish-submit">Phát hành</button></p></form></section>`;
  return consolePage('Kết quả kiểm tra biểu mẫu', input.operator, main, 'forms');
}

export interface PublishOutcomeView {
  kind: 'published' | 'unchanged' | 'refused';
  formId?: string;
  version?: number;
  name?: string;
  effectiveFrom?: string;
  message?: string;
  code?: string;
}

export function renderConsoleFormPublishedPage(input: { operator: ConsoleOperator; outcome: PublishOutcomeView; back?: string }): string {
  const o = input.outcome;
  const title = o.kind === 'published' ? 'Đã phát hành biểu mẫu' : o.kind === 'unchanged' ? 'Không thay đổi gì' : 'Chưa phát hành được';
  const body =
    o.kind === 'published'
      ? `<div class="result ok" role="status"><p>Biểu mẫu <code>${e(o.formId ?? '')}</code> phiên bản ${o.version ?? ''} — ${e(o.name ?? '')}${o.effectiveFrom ? `, áp dụng từ kỳ ${e(periodLabel(o.effectiveFrom))}` : ', áp dụng mọi kỳ'}. Các đơn vị thấy biểu mẫu ngay trên trang nộp báo cáo.</p></div>`
      : o.kind === 'unchanged'
        ? `<div class="result ok" role="status"><p>Biểu mẫu <code>${e(o.formId ?? '')}</code> phiên bản ${o.version ?? ''} đã được phát hành với đúng nội dung này.</p></div>`
        : `<div class="result bad" role="alert"><p>${e(o.message ?? '')}</p>${o.code ? `<p class="code">Mã lỗi: ${e(o.code)}</p>` : ''}</div>`;
  const back = input.back && o.kind === 'refused' ? `<p><a href="${input.back}">← Về kết quả kiểm tra</a></p>` : '';
  return consolePage(title, input.operator, `<h2>${e(title)}</h2>${body}${back}<p><a href="${FORMS_PATH}">Về danh sách biểu mẫu</a></p>`, 'forms');
}

export function renderConsoleFormRetirePage(input: { operator: ConsoleOperator; entry: FormCatalogEntry }): string {
  const f = input.entry;
  const main = `<p><a href="${FORMS_PATH}">← Về danh sách biểu mẫu</a></p><h2>Ngừng sử dụng biểu mẫu "${e(f.name)}"</h2>
<p>Mã biểu mẫu <code>${e(f.id)}</code>, ${f.versions.length} phiên bản. Sau khi ngừng sử dụng:</p>
<ul><li>biểu mẫu không còn trên trang nộp báo cáo của các đơn vị (đơn vị không tải, không nộp được nữa);</li>
<li>hệ thống không nhắc nộp và không tự tổng hợp, gửi báo cáo theo lịch cho biểu mẫu này;</li>
<li>các báo cáo đã nộp, các bảng tổng hợp và nhật ký vẫn được giữ và xem được;</li>
<li>không phát hành thêm phiên bản nào của mã biểu mẫu này được nữa, và không hoàn tác được từ trang này.</li></ul>
<form method="post" action="${retirePath(f.id)}">${csrfField(input.operator)}
<p><label><input type="checkbox" name="xac-nhan" value="1" required id="retire-confirm"> Tôi xác nhận ngừng sử dụng biểu mẫu này</label></p>
<p><button class="button" type="submit" id="retire-submit">Ngừng sử dụng biểu mẫu</button> <a href="${FORMS_PATH}">Hủy</a></p></form>`;
  return consolePage('Ngừng sử dụng biểu mẫu', input.operator, main, 'forms');
}
