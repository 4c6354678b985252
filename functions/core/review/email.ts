/**
 * The email that tells a unit its report was returned ("trả lại"): the comment, which report
 * and version, its own upload link and the deadline. Same layout as the reminders.
 */
import { esc } from '../consolidation/email';
import type { FormDefinition } from '../forms/definition';
import { formatLocalDateTime } from '../format-vi';
import type { Submission, Unit } from '../model';
import { periodLabel } from '../periods';

export interface ReturnEmailInput {
  form: FormDefinition;
  unit: Unit;
  submission: Pick<Submission, 'period' | 'version' | 'fileName' | 'receivedAt'>;
  comment: string;
  deadline: Date;
  now: Date;
  link: string;
  linkExpiresAt: Date;
}

export function composeReturnEmail(input: ReturnEmailInput): { subject: string; text: string; html: string } {
  const { form, unit, submission, link } = input;
  const label = periodLabel(submission.period);
  const version = submission.version !== undefined ? `lần nộp thứ ${submission.version}` : 'bản nộp gần nhất';
  const file = submission.fileName ? `tệp "${submission.fileName}", ` : '';
  const due = formatLocalDateTime(input.deadline);
  const dueLine =
    input.deadline.getTime() > input.now.getTime()
      ? `Đề nghị đơn vị chỉnh sửa theo ý kiến trên và nộp lại trước hạn nộp ${due}.`
      : `Đề nghị đơn vị chỉnh sửa theo ý kiến trên và nộp lại sớm (hạn nộp ${due} đã qua; bản nộp lại vẫn được tiếp nhận và ghi nhận là nộp muộn).`;
  const subject = `[Trả lại báo cáo] ${form.name} — ${label} — ${unit.name}`;
  const intro = `Ban Tổ chức Tỉnh ủy trả lại báo cáo "${form.title}" — ${label} của đơn vị (${version}, ${file}nộp lúc ${formatLocalDateTime(new Date(submission.receivedAt))}) để chỉnh sửa, bổ sung. Báo cáo bị trả lại không được tính vào báo cáo tổng hợp toàn tỉnh cho đến khi đơn vị nộp lại.`;
  const linkLine = `Đường dẫn nộp báo cáo của đơn vị (tải biểu mẫu điền sẵn và nộp tệp): ${link}`;
  const validity = `Đường dẫn dành riêng cho đơn vị, có hiệu lực đến ${formatLocalDateTime(input.linkExpiresAt)}; vui lòng không chuyển cho đơn vị khác.`;
  const text = [
    `Kính gửi ${unit.name},`,
    '',
    intro,
    '',
    'Ý kiến của Ban Tổ chức:',
    ...input.comment.split('\n').map((l) => `  ${l}`),
    '',
    dueLine,
    linkLine,
    validity,
    '',
    'Ban Tổ chức Tỉnh ủy (email gửi tự động)',
  ].join('\n');
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body style="font-family:\'Times New Roman\',serif;font-size:14px">',
    `<p>Kính gửi ${esc(unit.name)},</p>`,
    `<p>${esc(intro)}</p>`,
    '<p><strong>Ý kiến của Ban Tổ chức:</strong></p>',
    `<blockquote style="white-space:pre-wrap;border-left:3px solid #9c0006;margin:0 0 1em 0;padding:0.5em 1em;background:#fdf3f3">${esc(input.comment)}</blockquote>`,
    `<p>${esc(dueLine)}</p>`,
    `<p><a href="${esc(link)}" style="font-weight:bold">Mở trang nộp báo cáo của đơn vị</a><br><span style="font-size:12px;word-break:break-all;overflow-wrap:anywhere">${esc(link)}</span></p>`,
    `<p>${esc(validity)}</p>`,
    '<p>Ban Tổ chức Tỉnh ủy (email gửi tự động)</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
