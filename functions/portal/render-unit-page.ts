/**
 * The unit's page (`GET /u/<token>`): who it is for, what to report and by when, the form to
 * download, the upload control, and the unit's upload history. Server-rendered so it reads
 * well before the script loads; the script (portal-js.ts) adds the upload flow.
 */
import type { Unit } from '../core/model';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from '../core/units/unit-types';
import { formatMb } from '../core/usecases/create-upload';
import { REPORT_STATUS_LABELS, type SubmissionSummary, type UnitReport } from '../core/usecases/list-unit-reports';
import { assetUrl, PORTAL_ASSETS } from './assets';
import { escapeHtml as e, formatDateTime, formatDeadline } from './html';

export interface UnitPageInput {
  unit: Unit;
  /** The deployment's unit types (the unit's type label); default: the 2019 types. */
  unitTypes?: UnitTypeRegistry;
  token: string;
  reports: UnitReport[];
  history: SubmissionSummary[];
  maxUploadBytes: number;
  linkExpiresAt: Date;
}

/** A submission's status as the unit page and the console's drill-down name it. */
export const SUBMISSION_LABELS: Record<SubmissionSummary['status'], string> = {
  pending: 'đang xử lý',
  accepted: 'đã nộp',
  rejected: 'bị từ chối',
  failed: 'lỗi hệ thống',
};

const ICON_DOWNLOAD = '<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M12 3v12m0 0-5-5m5 5 5-5M4 19h16"/></svg>';
const ICON_UPLOAD = '<svg viewBox="0 0 24 24" aria-hidden="true" width="28" height="28" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M12 16V4m0 0-5 5m5-5 5 5M4 20h16"/></svg>';

export function renderPageShell(input: { title: string; bodyAttrs?: string; masthead: string; main: string; footer?: string; head?: string }): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${e(input.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetUrl(PORTAL_ASSETS.css)}">
<script src="${assetUrl(PORTAL_ASSETS.js)}" defer></script>${input.head ?? ''}
</head>
<body${input.bodyAttrs ?? ''}>
<a class="skip" href="#main">Bỏ qua, đến nội dung chính</a>
<header class="masthead"><div class="wrap">${input.masthead}</div></header>
<main id="main" class="wrap" tabindex="-1">
${input.main}
</main>
<footer><div class="wrap">
<p>${e(input.footer ?? 'Đường dẫn này dành riêng cho đơn vị, không chuyển cho người ngoài. Cần hỗ trợ, vui lòng liên hệ Ban Tổ chức Tỉnh ủy.')}</p>
</div></footer>
</body>
</html>`;
}

const BRAND = '<div><p class="issuer">Tỉnh ủy · Ban Tổ chức</p><h1>Cổng nộp báo cáo</h1></div>';

export function renderUnitPage(input: UnitPageInput): string {
  const { unit } = input;
  const base = `/u/${encodeURIComponent(input.token)}`;
  const masthead = `${BRAND}
<p class="unit"><span class="unit-name">${e(unit.name)}</span><span class="unit-meta">${e((input.unitTypes ?? DEFAULT_UNIT_TYPES).label(unit.type))} · Mã đơn vị ${e(unit.code)}</span></p>`;
  const maxSize = formatMb(input.maxUploadBytes);
  const cards = input.reports.length
    ? input.reports.map((r) => reportCard(r, base, maxSize)).join('\n')
    : '<li class="report-none">Hiện chưa có báo cáo nào cần nộp.</li>';
  const main = `<h2 id="reports-heading">Báo cáo cần nộp</h2>
<p class="intro">Với mỗi báo cáo: tải biểu mẫu đã điền sẵn tên đơn vị và kỳ báo cáo, điền số liệu bằng Excel hoặc LibreOffice, lưu lại (giữ định dạng .xlsx) rồi nộp tệp tại đây. Kết quả kiểm tra hiện ngay sau vài giây; nếu có lỗi, hệ thống chỉ rõ ô cần sửa.</p>
<noscript><p class="result bad">Trình duyệt đang tắt JavaScript: vẫn tải được biểu mẫu, nhưng cần bật JavaScript để nộp báo cáo.</p></noscript>
<ol class="reports" aria-labelledby="reports-heading">
${cards}
</ol>
<section aria-labelledby="history-heading">
<h2 id="history-heading">Lịch sử nộp báo cáo</h2>
${historyTable(input.history, base)}
</section>
<p class="link-expiry">Đường dẫn này có hiệu lực đến ${e(formatDateTime(input.linkExpiresAt.toISOString()))}.</p>`;
  return renderPageShell({
    title: `Nộp báo cáo – ${unit.name}`,
    bodyAttrs: ` data-max-bytes="${input.maxUploadBytes}"`,
    masthead,
    main,
  });
}

function reportCard(r: UnitReport, base: string, maxSize: string): string {
  const id = `${r.formId}-${r.period}`;
  const overdue = r.overdue ? ' <span class="overdue">— đã quá hạn, đơn vị vẫn nộp được (ghi nhận nộp muộn)</span>' : '';
  const returned = r.review?.state === 'tra-lai'
    ? `<div class="review-returned" role="note"><p><strong>Ban Tổ chức Tỉnh ủy trả lại báo cáo${r.accepted?.version ? ` (lần nộp thứ ${r.accepted.version})` : ''} để đơn vị chỉnh sửa</strong> (${e(formatDateTime(r.review.at))}). Ý kiến:</p><blockquote class="review-comment">${e(r.review.comment ?? '')}</blockquote><p>Vui lòng sửa theo ý kiến trên rồi nộp lại tệp: bản bị trả lại không được tính vào báo cáo tổng hợp.</p></div>`
    : r.review?.state === 'da-duyet'
      ? `<p class="deadline review-approved">Ban Tổ chức Tỉnh ủy đã duyệt báo cáo này (${e(formatDateTime(r.review.at))}).</p>`
      : '';
  const locked = r.locked
    ? `<p class="deadline period-locked"><strong>Kỳ báo cáo đã khóa${r.locked.since ? ` từ ${e(formatDateTime(r.locked.since))}` : ''}</strong>: hệ thống không nhận thêm bản nộp. Nếu đơn vị cần nộp bổ sung hoặc sửa số liệu, vui lòng liên hệ Ban Tổ chức Tỉnh ủy.</p>`
    : '';
  const accepted = r.accepted && r.review?.state !== 'tra-lai'
    ? `<p class="deadline">Đã tiếp nhận lúc <strong>${e(formatDateTime(r.accepted.receivedAt))}</strong>${r.accepted.version ? ` (lần nộp thứ ${r.accepted.version})` : ''}. Nộp lại nếu cần sửa số liệu: bản mới nhất hợp lệ sẽ được dùng để tổng hợp.</p>`
    : '';
  // The status an accepted report gives this card, so the script's badge follows a later refusal.
  const acceptedStatus = r.accepted ? ` data-accepted-status="${r.accepted.late ? 'late' : 'accepted'}"` : '';
  return `<li class="report" id="report-${e(id)}" data-form-id="${e(r.formId)}" data-period="${e(r.period)}" data-form-name="${e(r.formName)}" data-period-label="${e(r.periodLabel)}"${acceptedStatus}>
<div class="report-info">
<div class="report-head">
<h3>${e(r.formName)}<span class="period">${e(r.periodLabel)}</span></h3>
<span class="badge badge-${e(r.status)}">${e(REPORT_STATUS_LABELS[r.status])}</span>
</div>
<p class="deadline">Hạn nộp: <strong><time datetime="${e(r.deadline)}">${e(formatDeadline(r.deadline))}</time></strong>${overdue}</p>
${accepted}${returned}${locked}
<p class="step-label">Bước 1. Tải biểu mẫu</p>
<a class="button" href="${base}/forms/${encodeURIComponent(r.formId)}/${encodeURIComponent(r.period)}" download data-role="download">${ICON_DOWNLOAD}Tải biểu mẫu điền sẵn (.xlsx)</a>
</div>
<div class="upload">
<p class="step-label">Bước 2. Nộp tệp đã điền</p>
<label class="visually-hidden" for="file-${e(id)}">Chọn tệp báo cáo ${e(r.formName)} – ${e(r.periodLabel)}</label>
<input class="visually-hidden" type="file" id="file-${e(id)}" tabindex="-1" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
<button type="button" class="dropzone" aria-describedby="hint-${e(id)}">${ICON_UPLOAD}<span class="dz-title">Chọn tệp báo cáo đã điền</span><span class="dz-sub">hoặc kéo thả tệp .xlsx vào đây · tối đa ${e(maxSize)}</span></button>
<p class="visually-hidden" id="hint-${e(id)}">Chỉ nhận tệp Excel .xlsx, tối đa ${e(maxSize)}. Kết quả kiểm tra hiện ngay bên dưới.</p>
<div class="progress" hidden><span>Đang tải lên</span><progress max="100" value="0" aria-label="Tiến độ tải lên"></progress><span class="progress-value">0%</span></div>
</div>
<div class="result" role="status" aria-live="polite" tabindex="-1"></div>
</li>`;
}

function historyTable(history: SubmissionSummary[], base: string): string {
  const rows = history
    .map((s) => {
      const feedback = s.hasFeedback ? `<a href="${base}/uploads/${encodeURIComponent(s.uploadId)}/feedback">Tệp kết quả kiểm tra</a>` : '';
      const outcome = s.status === 'rejected' ? ` <span class="hint">(${s.errorCount} lỗi)</span>` : s.warningCount ? ` <span class="hint">(${s.warningCount} cảnh báo)</span>` : '';
      const review =
        s.review?.state === 'tra-lai'
          ? ` <span class="badge badge-returned">trả lại</span><span class="hint review-comment-inline">Ý kiến: ${e(s.review.comment ?? '')}</span>`
          : s.review?.state === 'da-duyet' ? ' <span class="badge badge-accepted">đã duyệt</span>' : '';
      return `<tr><td class="nowrap">${e(formatDateTime(s.receivedAt))}</td><td>${e(s.formName)} – ${e(s.periodLabel)}</td><td class="num">${s.version ?? ''}</td><td class="file col-file">${e(s.fileName ?? '')}</td><td><span class="badge badge-${e(s.status)}">${e(SUBMISSION_LABELS[s.status])}${s.late && s.status === 'accepted' ? ' (muộn)' : ''}</span>${outcome}${review}</td><td class="nowrap">${feedback}</td></tr>`;
    })
    .join('\n');
  return `<div class="history">
<p class="empty"${history.length ? ' hidden' : ''}>Đơn vị chưa nộp báo cáo nào qua đường dẫn này.</p>
<table${history.length ? '' : ' hidden'}>
<caption class="visually-hidden">Các lần nộp báo cáo của đơn vị, mới nhất trước</caption>
<thead><tr><th scope="col">Thời gian nộp</th><th scope="col">Báo cáo</th><th scope="col" class="num">Lần</th><th scope="col" class="col-file">Tệp</th><th scope="col">Kết quả</th><th scope="col"><span class="visually-hidden">Tệp kết quả</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>`;
}

/** A full page with one message: the home page and every error page of the browser routes. */
export function renderMessagePage(input: { title: string; message: string; code?: string }): string {
  const code = input.code ? `<p class="code">Mã lỗi: ${e(input.code)}</p>` : '';
  return renderPageShell({
    title: `${input.title} – Cổng nộp báo cáo`,
    masthead: BRAND,
    main: `<div class="message-page"><h2>${e(input.title)}</h2><p>${e(input.message)}</p>${code}</div>`,
  });
}
