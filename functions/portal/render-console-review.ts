/**
 * The review side of the console (Ban Tổ chức checks each report): the "Duyệt báo cáo" panel of a
 * unit's drill-down (state of the latest accepted version, who/when/comment, the last returns, and
 * plain forms to approve, return with a comment, or withdraw an approval), the review column of
 * the versions table, and the result page of a bulk approval from the status grid.
 *
 * Forms post urlencoded with the hidden `_csrf` field (no script needed); a success lands back on
 * the drill-down with a fixed message key (`?tb=`), never echoing what was typed.
 */
import { formatViDateTime } from '../core/format-vi';
import type { Submission } from '../core/model';
import { CONSOLE_PATH } from '../core/operators/model';
import { MAX_REVIEW_COMMENT_LENGTH, type ReviewRecord, type ReviewState } from '../core/review/model';
import { escapeHtml as e } from './html';
import { consolePage, csrfField, reviewBadge, unitPagePath, type ConsoleOperator } from './render-console-page';

export { BULK_REVIEW_PATH } from './render-console-page';

/** The drill-down's review form posts here (one review: approve, return, withdraw). */
export const REVIEW_PATH = `${CONSOLE_PATH}/duyet`;

/** Fixed messages a review lands on (Post/Redirect/Get: the key travels in the query, never the text typed). */
export const REVIEW_NOTICES = {
  'da-duyet': 'Đã duyệt báo cáo.',
  'tra-lai': 'Đã trả lại báo cáo và gửi email cho đơn vị kèm ý kiến và đường dẫn nộp lại.',
  'tra-lai-khong-email': 'Đã trả lại báo cáo. Đơn vị chưa có địa chỉ email nên hệ thống không gửi thư: vui lòng báo cho đơn vị bằng cách khác.',
  'tra-lai-loi-email': 'Đã trả lại báo cáo, nhưng chưa gửi được email cho đơn vị. Vui lòng báo cho đơn vị bằng cách khác.',
  'rut-duyet': 'Đã rút duyệt: báo cáo trở lại chờ duyệt.',
} as const;
export type ReviewNoticeKey = keyof typeof REVIEW_NOTICES;
export const isReviewNoticeKey = (key: string | null): key is ReviewNoticeKey => key !== null && Object.prototype.hasOwnProperty.call(REVIEW_NOTICES, key);

export interface ReviewPanelInput {
  operator: ConsoleOperator;
  /** The unit's latest accepted version, when there is one. */
  latest?: Submission;
  /** The stored review of the unit's (form, period). */
  record?: ReviewRecord;
  /** Every version (to name a return's version). */
  versions: ReadonlyArray<Submission>;
  /** Set when the period is locked for this unit (review changes are refused). */
  locked?: { since?: Date };
  /** A success message (from `?tb=`). */
  notice?: string;
  /** A refused action: its Vietnamese message and code. */
  error?: { message: string; code: string };
  /** The comment typed before a refusal, put back into its box (escaped). */
  comment?: { action: 'return' | 'withdraw'; text: string };
}

const stamp = (actor: string, at: string) => `${e(actor)} lúc ${e(formatViDateTime(new Date(at)))}`;

/** The "Duyệt báo cáo" panel: state, who/when/comment, recent returns, and the forms an operator may use in this state. */
export function renderReviewPanel(input: ReviewPanelInput): string {
  const { latest, record, operator } = input;
  const flash = input.error
    ? `<div class="flash flash-error" role="alert"><p>${e(input.error.message)}</p><p class="code">Mã lỗi: ${e(input.error.code)}</p></div>`
    : input.notice
      ? `<p class="flash" role="status">${e(input.notice)}</p>`
      : '';
  if (!latest) {
    // Nothing uploaded at all: the page's own "chưa nộp" line says it; nothing accepted yet: say there is nothing to review.
    if (input.versions.length === 0 && !flash) return '';
    return `<section class="panel review" id="duyet" aria-labelledby="review-heading"><h3 id="review-heading">Duyệt báo cáo</h3>${flash}<p class="empty">Chưa có bản nào được tiếp nhận để duyệt.</p></section>`;
  }
  const own = record && record.uploadId === latest.uploadId ? record : undefined;
  const state: ReviewState = own?.state ?? 'cho-duyet';
  const versionOf = (uploadId: string) => input.versions.find((s) => s.uploadId === uploadId)?.version;
  const facts: string[] = [];
  if (own && own.state === 'da-duyet') facts.push(`<p>Duyệt bởi ${stamp(own.actor, own.at)}.</p>`);
  if (own && own.state === 'tra-lai') facts.push(`<p>Trả lại bởi ${stamp(own.actor, own.at)}. Ý kiến gửi đơn vị:</p><blockquote class="comment">${e(own.comment ?? '')}</blockquote>`);
  if (own && own.state === 'cho-duyet' && own.comment) facts.push(`<p>Đã rút duyệt bởi ${stamp(own.actor, own.at)}. Lý do:</p><blockquote class="comment">${e(own.comment)}</blockquote>`);
  const returns = [...(record?.returns ?? [])].reverse();
  const history = returns.length
    ? `<details class="returns"${state === 'tra-lai' ? '' : ' open'}><summary>Các lần trả lại gần đây (${returns.length})</summary><ul>${returns
        .map((r) => `<li><strong>Lần ${e(String(versionOf(r.uploadId) ?? '?'))}</strong>, ${e(formatViDateTime(new Date(r.at)))}: ${e(r.comment)}</li>`)
        .join('')}</ul></details>`
    : '';
  const canAct = operator.role !== 'viewer';
  const hidden = (action: string) => `${csrfField(operator)}<input type="hidden" name="uploadId" value="${e(latest.uploadId)}"><input type="hidden" name="action" value="${action}">`;
  const typed = (action: 'return' | 'withdraw') => (input.comment?.action === action ? e(input.comment.text) : '');
  const approve = `<form method="post" action="${REVIEW_PATH}" class="review-form">${hidden('approve')}<p><button class="button" type="submit">Duyệt báo cáo</button></p></form>`;
  const giveBack = `<form method="post" action="${REVIEW_PATH}" class="review-form unit-form">${hidden('return')}
<p class="field"><label for="return-comment">Ý kiến gửi đơn vị (bắt buộc)</label><textarea id="return-comment" name="comment" rows="4" required maxlength="${MAX_REVIEW_COMMENT_LENGTH}" aria-describedby="return-hint">${typed('return')}</textarea><span class="hint" id="return-hint">Điểm cần sửa, mã số cần giải trình; tối đa ${MAX_REVIEW_COMMENT_LENGTH.toLocaleString('vi-VN')} ký tự. Đơn vị nhận email kèm ý kiến này và đường dẫn nộp lại.</span></p>
<p><button class="button button-danger" type="submit">Trả lại báo cáo</button></p></form>`;
  const withdraw = `<form method="post" action="${REVIEW_PATH}" class="review-form unit-form">${hidden('withdraw')}
<p class="field"><label for="withdraw-reason">Lý do rút duyệt (bắt buộc)</label><textarea id="withdraw-reason" name="comment" rows="2" required maxlength="${MAX_REVIEW_COMMENT_LENGTH}">${typed('withdraw')}</textarea></p>
<p><button class="button button-danger" type="submit">Rút duyệt</button></p></form>`;
  const forms = !canAct
    ? '<p class="hint">Tài khoản của đồng chí chỉ có quyền xem tình trạng duyệt.</p>'
    : state === 'cho-duyet'
      ? `<div class="actions">${approve}</div>${giveBack}`
      : state === 'tra-lai'
        ? `<p class="hint">Báo cáo đang chờ đơn vị nộp lại; nếu thấy không cần sửa, đồng chí vẫn duyệt được bản này.</p><div class="actions">${approve}</div>`
        : withdraw;
  const lockNote = input.locked
    ? `<p class="notice">Kỳ báo cáo đã khóa${input.locked.since ? ` từ ${e(formatViDateTime(input.locked.since))}` : ''}: không thay đổi được việc duyệt, trừ khi đơn vị được mở ngoại lệ.</p>`
    : '';
  return `<section class="panel review" id="duyet" aria-labelledby="review-heading" data-review-state="${state}">
<h3 id="review-heading">Duyệt báo cáo</h3>
${flash}
<p>Bản được tiếp nhận mới nhất: <strong>lần ${e(String(latest.version ?? '?'))}</strong>, nộp lúc ${e(formatViDateTime(new Date(latest.receivedAt)))}${latest.warnings.length ? ` · <span class="warn">${latest.warnings.length} cảnh báo số liệu</span>` : ''}. Tình trạng: ${reviewBadge(state)}</p>
${facts.join('\n')}
${history}
${lockNote}
${forms}
</section>`;
}

/**
 * The versions table's "Duyệt" cell: the latest accepted version's state, and "trả lại" with the
 * comment on an older version that was returned (the record keeps the last returns).
 */
export function reviewCell(s: Submission, latestAcceptedId: string | undefined, record: ReviewRecord | undefined): string {
  if (s.status !== 'accepted') return '—';
  const returned = record?.returns?.filter((r) => r.uploadId === s.uploadId).at(-1);
  if (s.uploadId === latestAcceptedId) {
    const state: ReviewState = record && record.uploadId === s.uploadId ? record.state : 'cho-duyet';
    const comment = state === 'tra-lai' ? (record?.comment ?? returned?.comment) : undefined;
    return `${reviewBadge(state)}${comment ? `<div class="comment">${e(comment)}</div>` : ''}`;
  }
  return returned ? `${reviewBadge('tra-lai')}<div class="comment">${e(returned.comment)}</div>` : '—';
}

export interface BulkReviewOutcome {
  unitCode: string;
  unitName: string;
  version?: number;
  /** Why it was skipped (Vietnamese), and the code when a rule refused it. */
  reason?: string;
  code?: string;
}

/** The bulk approval's answer: which reports were approved, which were skipped and why, and the way back to the grid. */
export function renderBulkReviewPage(input: {
  operator: ConsoleOperator;
  form: { id: string; name: string };
  period: { id: string; label: string };
  approved: ReadonlyArray<BulkReviewOutcome>;
  skipped: ReadonlyArray<BulkReviewOutcome>;
}): string {
  const who = (o: BulkReviewOutcome) => `<a href="${e(unitPagePath(o.unitCode, input.form.id, input.period.id))}">${e(o.unitName)}</a> (${e(o.unitCode)}${o.version === undefined ? '' : `, lần ${o.version}`})`;
  const approved = input.approved.length
    ? `<ul class="approved">${input.approved.map((o) => `<li>${who(o)}</li>`).join('')}</ul>`
    : '<p class="empty">Không có báo cáo nào được duyệt.</p>';
  const skipped = input.skipped.length
    ? `<h3>Bỏ qua ${input.skipped.length} báo cáo</h3><ul class="skipped">${input.skipped.map((o) => `<li>${who(o)}: ${e(o.reason ?? '')}${o.code ? ` <span class="code">(${e(o.code)})</span>` : ''}</li>`).join('')}</ul>`
    : '';
  const main = `<p><a href="${CONSOLE_PATH}/?form=${e(encodeURIComponent(input.form.id))}&amp;period=${e(encodeURIComponent(input.period.id))}">← Tình hình nộp báo cáo</a></p>
<h2>Duyệt nhiều báo cáo</h2>
<p>${e(input.form.name)} – ${e(input.period.label)}</p>
<section class="bulk-review" aria-labelledby="bulk-heading">
<p class="flash" role="status" id="bulk-heading">Đã duyệt ${input.approved.length} báo cáo${input.skipped.length ? `, bỏ qua ${input.skipped.length}` : ''}.</p>
<h3>Đã duyệt ${input.approved.length} báo cáo</h3>
${approved}
${skipped}
</section>`;
  return consolePage('Duyệt nhiều báo cáo', input.operator, main, 'status');
}

/** A refused review or bulk approval whose report is unknown: the message, its code, and the way back. */
export function renderReviewRefusedPage(input: { operator: ConsoleOperator; title: string; message: string; code: string; back: string }): string {
  const main = `<div class="message-page"><h2>${e(input.title)}</h2><p>${e(input.message)}</p><p class="code">Mã lỗi: ${e(input.code)}</p><p><a href="${e(input.back)}">← Quay lại</a></p></div>`;
  return consolePage(input.title, input.operator, main, 'status');
}
