/**
 * The consolidation email to leadership: a Vietnamese subject naming the form, the period as
 * people say it and "n/m đơn vị đã báo cáo"; HTML and plain-text bodies with the headline
 * figures (ratios against their targets, the province totals) and the units not yet reported.
 * An update ("bản cập nhật") says so in the subject and names what changed since the last email.
 */
import { formatLocalDateTime } from '../format-vi';
import { NOT_REPORTED, LATE, numericSections, sectionColumnApplies, sectionColumns, sectionValue, tableFigures, type ConsolidatedReport } from './report';

/** What changed since the email last sent for the same form and period. */
export interface UpdateInfo {
  previousSentAt: Date;
  /** Names of units that reported since. */
  newlyReported: string[];
  /** Names of units whose figures changed (a newer accepted report). */
  changed: string[];
}

export interface ConsolidationEmailInput {
  report: ConsolidatedReport;
  update?: UpdateInfo;
  /**
   * The workbook's file name when attached, or, when it is too large to attach, the console's
   * download route (it asks the reader to sign in, then hands out a fresh link on each click).
   */
  delivery: { kind: 'attachment'; fileName: string } | { kind: 'link'; url: string };
}

export const UPDATE_PREFIX = '[Bản cập nhật]';

// Sums of decimal columns are already rounded to the column's places (at most 6): show them all.
const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 6 });
/** 1234567 → "1.234.567" (Vietnamese grouping). */
export const formatNumber = (v: number | undefined): string => (v === undefined ? '—' : numberFormat.format(v));
/** 0.1234 → "12,3%". */
export const formatPercent = (v: number | undefined): string => (v === undefined ? '—' : `${(v * 100).toFixed(1).replace('.', ',')}%`);

/** "07:30 ngày 18/03/2019" in Asia/Ho_Chi_Minh (kept here for existing importers; the home is core/format-vi). */
export { formatLocalDateTime } from '../format-vi';

/** The subject line: "[Bản cập nhật] Tổng hợp <form> — <kỳ> — n/m đơn vị đã báo cáo". */
export function consolidationSubject(report: ConsolidatedReport, updated: boolean): string {
  const base = `Tổng hợp ${report.form.name} — ${report.periodLabel} — ${report.unitsReported}/${report.unitsExpected} đơn vị đã báo cáo`;
  return updated ? `${UPDATE_PREFIX} ${base}` : base;
}

/** A file name people recognise (UTF-8; the MIME layer encodes it). */
export function workbookFileName(report: ConsolidatedReport): string {
  return `Tổng hợp - ${report.form.name} - ${report.periodLabel}.xlsx`.replace(/[\\/:*?"<>|]/g, '-');
}

/** Escapes text for the HTML bodies of emails (content and double-quoted attributes). */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Block {
  heading: string;
  header: string[];
  rows: string[][];
}

function figureBlocks(report: ConsolidatedReport): Block[] {
  const blocks: Block[] = [];
  if (report.ratios.length > 0) {
    blocks.push({
      heading: 'Các tỷ lệ (tính từ số tổng hợp toàn tỉnh)',
      header: ['Chỉ tiêu', 'Kỳ này', `Kỳ trước (${report.previousPeriodLabel})`, 'Mục tiêu', 'Đánh giá'],
      rows: report.ratios.map((r) => [
        r.ratio.label,
        formatPercent(r.value),
        formatPercent(r.previous),
        r.ratio.targetMin === undefined ? '' : `≥ ${formatPercent(r.ratio.targetMin)}`,
        r.meetsTarget === undefined ? '' : r.meetsTarget ? 'Đạt' : 'Chưa đạt',
      ]),
    });
  }
  for (const section of numericSections(report.form)) {
    const cols = sectionColumns(section);
    blocks.push({
      heading: section.label,
      header: ['Mã số', 'Chỉ tiêu', ...cols.map((c) => c.column.label)],
      rows: section.rows.map((row) => [
        row.code,
        row.label,
        ...cols.map((c) => (sectionColumnApplies(row.columns, c) ? formatNumber(sectionValue(row.code, row.columns, c, report.totals)) : '')),
      ]),
    });
  }
  for (const table of report.form.tables) {
    blocks.push({
      heading: table.label,
      header: ['Chỉ tiêu', 'Kỳ này', `Kỳ trước (${report.previousPeriodLabel})`],
      rows: tableFigures(table).map((f) => [f.label, formatNumber(report.totals[f.key]), formatNumber(report.previousTotals[f.key])]),
    });
  }
  return blocks;
}

/** Builds subject, plain text and HTML of the consolidation email. */
export function composeConsolidationEmail(input: ConsolidationEmailInput): { subject: string; text: string; html: string } {
  const { report, update, delivery } = input;
  const subject = consolidationSubject(report, update !== undefined);
  const missing = report.units.filter((l) => !l.accepted);
  const now = report.generatedAt.getTime();
  const missingLines = missing.map((l) => `${l.unit.name} (${l.unit.code})${now > l.deadline.getTime() ? ` — quá hạn, ${LATE}` : ''}`);
  const lateAccepted = report.units.filter((l) => l.accepted && l.late).map((l) => l.unit.name);
  const blocks = figureBlocks(report);

  const intro = [
    `Kính gửi Thường trực Tỉnh ủy,`,
    `Hệ thống tổng hợp báo cáo "${report.form.title}" — ${report.periodLabel}: ${report.unitsReported}/${report.unitsExpected} đơn vị đã báo cáo (số liệu lúc ${formatLocalDateTime(report.generatedAt)}).`,
  ];
  const updateLines = update
    ? [
        `ĐÂY LÀ BẢN CẬP NHẬT, thay thế bản đã gửi lúc ${formatLocalDateTime(update.previousSentAt)}.`,
        ...(update.newlyReported.length > 0 ? [`Đơn vị báo cáo bổ sung (${update.newlyReported.length}): ${update.newlyReported.join('; ')}.`] : []),
        ...(update.changed.length > 0 ? [`Đơn vị nộp lại, số liệu thay đổi (${update.changed.length}): ${update.changed.join('; ')}.`] : []),
      ]
    : [];
  const deliveryLine =
    delivery.kind === 'attachment'
      ? `Bảng tổng hợp chi tiết đính kèm: ${delivery.fileName}.`
      : `Bảng tổng hợp quá lớn để đính kèm; tải về tại trang quản trị: ${delivery.url} (cần đăng nhập trang quản trị bằng email công vụ đã được cấp quyền; đồng chí chưa có quyền truy cập xin liên hệ Ban Tổ chức Tỉnh ủy).`;

  const text = [
    ...updateLines,
    ...(updateLines.length ? [''] : []),
    ...intro,
    '',
    ...blocks.flatMap((b) => [b.heading.toUpperCase(), ...b.rows.map((r) => `  ${r.filter((c) => c !== '').join(' | ')}`), '']),
    missing.length > 0 ? `ĐƠN VỊ ${NOT_REPORTED.toUpperCase()} (${missing.length}):` : 'Tất cả đơn vị đã báo cáo.',
    ...missingLines.map((l) => `  - ${l}`),
    ...(lateAccepted.length > 0 ? ['', `Đơn vị ${LATE} (${lateAccepted.length}): ${lateAccepted.join('; ')}.`] : []),
    '',
    deliveryLine,
    '',
    'Email này được gửi tự động từ hệ thống tổng hợp báo cáo của Ban Tổ chức Tỉnh ủy.',
  ].join('\n');

  const th = 'style="border:1px solid #999;padding:4px 6px;background:#ddebf7;text-align:center"';
  const td = (i: number) => `style="border:1px solid #999;padding:4px 6px;${i > 1 ? 'text-align:right' : ''}"`;
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body style="font-family:\'Times New Roman\',serif;font-size:14px">',
    update ? `<p style="background:#fff2cc;border:1px solid #bf9000;padding:8px"><strong>${updateLines.map(esc).join('<br>')}</strong></p>` : '',
    ...intro.map((l) => `<p>${esc(l)}</p>`),
    ...blocks.map(
      (b) =>
        `<h3 style="margin:16px 0 4px">${esc(b.heading)}</h3><table style="border-collapse:collapse"><tr>${b.header.map((h) => `<th ${th}>${esc(h)}</th>`).join('')}</tr>` +
        b.rows.map((r) => `<tr>${r.map((c, i) => `<td ${td(b.header[0] === 'Mã số' ? i : i + 1)}>${esc(c)}</td>`).join('')}</tr>`).join('') +
        '</table>',
    ),
    missing.length > 0
      ? `<h3 style="margin:16px 0 4px">Đơn vị ${esc(NOT_REPORTED)} (${missing.length})</h3><ul>${missingLines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
      : '<p><strong>Tất cả đơn vị đã báo cáo.</strong></p>',
    lateAccepted.length > 0 ? `<p>Đơn vị ${esc(LATE)} (${lateAccepted.length}): ${esc(lateAccepted.join('; '))}.</p>` : '',
    delivery.kind === 'attachment'
      ? `<p>${esc(deliveryLine)}</p>`
      : `<p>Bảng tổng hợp quá lớn để đính kèm. <a href="${esc(delivery.url)}">Tải bảng tổng hợp tại trang quản trị</a> (cần đăng nhập trang quản trị bằng email công vụ đã được cấp quyền; đồng chí chưa có quyền truy cập xin liên hệ Ban Tổ chức Tỉnh ủy).</p>`,
    '<p style="color:#666;font-size:12px">Email này được gửi tự động từ hệ thống tổng hợp báo cáo của Ban Tổ chức Tỉnh ủy.</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
