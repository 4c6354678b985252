/**
 * The consolidation email to leadership: a Vietnamese subject naming the form, the period as
 * people say it and "n/m đơn vị đã báo cáo"; HTML and plain-text bodies with the headline
 * figures (ratios against their targets, the province totals) and the units not yet reported.
 * An update ("bản cập nhật") says so in the subject and names what changed since the last email.
 *
 * Leadership reads it on a phone between meetings, so the first screen answers "are we on
 * target?": the briefing's summary sentences right after the salutation, then the charts (PNG
 * pictures carried inline by Content-ID), then the units needing attention (the first
 * `emailLimit`, then "và N đơn vị khác": the workbook lists them all), then the tables. The HTML
 * is one column at most 680 px wide with 15 px text; the plain-text part says the same in words
 * (each chart by its alt text).
 */
import type { Briefing, RenderedChart } from '../briefing/model';
import { formatLocalDateTime } from '../format-vi';
import { ATTENTION_SHEET } from './sheet-names';
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
  /** The leadership briefing (summary, attention list); without it the email is the tables alone. */
  briefing?: Briefing;
  /** The charts sent inline with this email, in order (each one's part carries `chartContentId(chart)`). */
  charts?: readonly RenderedChart[];
  /** The draft report's file name, when the .docx is attached. */
  draftFileName?: string;
}

/** The Content-ID (no angle brackets) of a chart's inline picture: the HTML says `cid:<this>`. */
export function chartContentId(chart: Pick<RenderedChart, 'id'>): string {
  return `bieu-do-${chart.id}@tonghop`;
}

/** The file name of a chart's inline picture ("bieu-do-<id>.png"). */
export function chartFileName(chart: Pick<RenderedChart, 'id'>): string {
  return `bieu-do-${chart.id}.png`;
}

/** A chart is drawn at 2× for sharp phone screens and shown at half, at most 640 px wide. */
export function chartDisplayWidth(chart: Pick<RenderedChart, 'width'>): number {
  return Math.min(640, Math.max(1, Math.round(chart.width / 2)));
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

/** A unit's reasons as one line: "Chưa báo cáo; Tỷ lệ … dưới mục tiêu". */
const reasonsLine = (reasons: Briefing['attention'][number]['reasons']): string => reasons.map((r) => r.text.replace(/[.;]\s*$/, '')).join('; ');

/** Builds subject, plain text and HTML of the consolidation email. */
export function composeConsolidationEmail(input: ConsolidationEmailInput): { subject: string; text: string; html: string } {
  const { report, update, delivery, briefing } = input;
  const charts = input.charts ?? [];
  const subject = consolidationSubject(report, update !== undefined);
  const missing = report.units.filter((l) => !l.accepted);
  const now = report.generatedAt.getTime();
  const missingLines = missing.map((l) => `${l.unit.name} (${l.unit.code})${now > l.deadline.getTime() ? ` — quá hạn, ${LATE}` : ''}`);
  const lateAccepted = report.units.filter((l) => l.accepted && l.late).map((l) => l.unit.name);
  const blocks = figureBlocks(report);
  const summary = briefing?.summary ?? [];
  const attention = briefing?.attention ?? [];
  const listed = attention.slice(0, briefing?.emailLimit ?? 10);
  const more = attention.length - listed.length;
  const attentionHeading = `Đơn vị cần đôn đốc (${attention.length})`;
  const moreLine = `và ${more} đơn vị khác (danh sách đầy đủ ở trang "${ATTENTION_SHEET}" của bảng tổng hợp).`;
  const typeOf = (code: string) => report.unitTypes.label(code);

  const salutation = 'Kính gửi Thường trực Tỉnh ủy,';
  const context = `Hệ thống tổng hợp báo cáo "${report.form.title}" — ${report.periodLabel}: ${report.unitsReported}/${report.unitsExpected} đơn vị đã báo cáo (số liệu lúc ${formatLocalDateTime(report.generatedAt)}).`;
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
  const draftLine = input.draftFileName ? `Dự thảo báo cáo (để Ban Tổ chức hoàn thiện) đính kèm: ${input.draftFileName}.` : undefined;

  const text = [
    ...updateLines,
    ...(updateLines.length ? [''] : []),
    salutation,
    ...(summary.length > 0 ? ['', ...summary] : []),
    '',
    context,
    '',
    ...(charts.length > 0 ? ['BIỂU ĐỒ', ...charts.flatMap((c) => [`  ${c.title}: ${c.alt}`]), ''] : []),
    ...(attention.length > 0
      ? [attentionHeading.toUpperCase() + ':', ...listed.map((a) => `  - ${a.unit.name} (${typeOf(a.unit.type)}): ${reasonsLine(a.reasons)}.`), ...(more > 0 ? [`  ${moreLine}`] : []), '']
      : []),
    ...blocks.flatMap((b) => [b.heading.toUpperCase(), ...b.rows.map((r) => `  ${r.filter((c) => c !== '').join(' | ')}`), '']),
    missing.length > 0 ? `ĐƠN VỊ ${NOT_REPORTED.toUpperCase()} (${missing.length}):` : 'Tất cả đơn vị đã báo cáo.',
    ...missingLines.map((l) => `  - ${l}`),
    ...(lateAccepted.length > 0 ? ['', `Đơn vị ${LATE} (${lateAccepted.length}): ${lateAccepted.join('; ')}.`] : []),
    '',
    deliveryLine,
    ...(draftLine ? [draftLine] : []),
    '',
    'Email này được gửi tự động từ hệ thống tổng hợp báo cáo của Ban Tổ chức Tỉnh ủy.',
  ].join('\n');

  const h3 = 'style="margin:20px 0 6px;font-size:17px;line-height:1.3;color:#1f4e79"';
  const th = 'style="border:1px solid #999;padding:4px 6px;background:#ddebf7;text-align:center"';
  const td = (i: number) => `style="border:1px solid #999;padding:4px 6px;${i > 1 ? 'text-align:right;white-space:nowrap' : ''}"`;
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>',
    '<body style="margin:0;padding:0;background:#ffffff">',
    '<div style="max-width:680px;margin:0 auto;padding:12px 14px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a">',
    update ? `<p style="background:#fff2cc;border:1px solid #bf9000;padding:8px;margin:0 0 12px"><strong>${updateLines.map(esc).join('<br>')}</strong></p>` : '',
    `<p style="margin:0 0 8px">${esc(salutation)}</p>`,
    summary.length > 0
      ? `<div style="background:#eef4fa;border-left:4px solid #1f4e79;padding:8px 12px;margin:0 0 10px;font-size:16px">${summary.map((l) => `<p style="margin:4px 0">${esc(l)}</p>`).join('')}</div>`
      : '',
    `<p style="margin:0 0 8px;color:#444;font-size:14px">${esc(context)}</p>`,
    ...charts.map(
      (c) =>
        // The picture carries its own title (the same picture is on the workbook's "Biểu đồ" sheet).
        `<div style="margin:18px 0 0"><img src="cid:${esc(chartContentId(c))}" width="${chartDisplayWidth(c)}" style="display:block;width:100%;max-width:${chartDisplayWidth(c)}px;height:auto;border:0" alt="${esc(c.alt)}"></div>`,
    ),
    attention.length > 0
      ? `<h3 ${h3}>${esc(attentionHeading)}</h3><ol style="margin:0;padding-left:22px">${listed
          .map((a) => `<li style="margin:0 0 6px"><strong>${esc(a.unit.name)}</strong> <span style="color:#666">(${esc(typeOf(a.unit.type))})</span><br>${a.reasons.map((r) => esc(r.text)).join('<br>')}</li>`)
          .join('')}</ol>${more > 0 ? `<p style="margin:4px 0 0">${esc(moreLine)}</p>` : ''}`
      : '',
    ...blocks.map(
      (b) =>
        `<h3 ${h3}>${esc(b.heading)}</h3><div style="overflow-x:auto"><table style="border-collapse:collapse;font-size:14px"><tr>${b.header.map((h) => `<th ${th}>${esc(h)}</th>`).join('')}</tr>` +
        b.rows.map((r) => `<tr>${r.map((c, i) => `<td ${td(b.header[0] === 'Mã số' ? i : i + 1)}>${esc(c)}</td>`).join('')}</tr>`).join('') +
        '</table></div>',
    ),
    missing.length > 0
      ? `<h3 ${h3}>Đơn vị ${esc(NOT_REPORTED)} (${missing.length})</h3><ul style="margin:0;padding-left:22px">${missingLines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
      : '<p><strong>Tất cả đơn vị đã báo cáo.</strong></p>',
    lateAccepted.length > 0 ? `<p>Đơn vị ${esc(LATE)} (${lateAccepted.length}): ${esc(lateAccepted.join('; '))}.</p>` : '',
    delivery.kind === 'attachment'
      ? `<p>${esc(deliveryLine)}</p>`
      : `<p>Bảng tổng hợp quá lớn để đính kèm. <a href="${esc(delivery.url)}">Tải bảng tổng hợp tại trang quản trị</a> (cần đăng nhập trang quản trị bằng email công vụ đã được cấp quyền; đồng chí chưa có quyền truy cập xin liên hệ Ban Tổ chức Tỉnh ủy).</p>`,
    draftLine ? `<p>${esc(draftLine)}</p>` : '',
    '<p style="color:#666;font-size:13px">Email này được gửi tự động từ hệ thống tổng hợp báo cáo của Ban Tổ chức Tỉnh ủy.</p>',
    '</div></body></html>',
  ].join('\n');
  return { subject, text, html };
}
