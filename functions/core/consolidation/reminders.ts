/**
 * Reminder days and reminder emails. A unit without an accepted report is reminded on the
 * configured working days before its deadline (default 3 and 1) and after it (default 1, when
 * it is "nộp muộn"); weekends and holidays are skipped and compensatory working Saturdays counted by
 * `addWorkingDays` (the province calendar plus the form's own days, resolved by the catalog).
 */
import type { FormDefinition } from '../forms/definition';
import type { Unit } from '../model';
import { formatLocalDateTime, formatViDate } from '../format-vi';
import { addWorkingDays, deadlineFor, formatLocalDate, periodLabel, toLocalDate } from '../periods';
import { LATE, NOT_REPORTED } from './report';
import { esc } from './email';

export type ReminderKind = 'before' | 'after';

/** The local dates (yyyy-mm-dd) on which a unit of this type is reminded for the period. */
export function reminderDays(form: FormDefinition, unitType: Unit['type'], period: string): Array<{ date: string; kind: ReminderKind; workingDays: number }> {
  const deadline = toLocalDate(deadlineFor(form, unitType, period));
  return [
    ...form.reminders.workingDaysBefore.map((n) => ({ date: formatLocalDate(addWorkingDays(deadline, -n, form)), kind: 'before' as const, workingDays: n })),
    ...form.reminders.workingDaysAfter.map((n) => ({ date: formatLocalDate(addWorkingDays(deadline, n, form)), kind: 'after' as const, workingDays: n })),
  ];
}

export interface ReminderEmailInput {
  form: FormDefinition;
  unit: Unit;
  period: string;
  deadline: Date;
  kind: ReminderKind;
  link: string;
  linkExpiresAt: Date;
  /** The unit's last upload was rejected: say so, it may think it is done. */
  lastUploadRejected: boolean;
}

/** Subject and bodies of a reminder to one unit. */
export function composeReminderEmail(input: ReminderEmailInput): { subject: string; text: string; html: string } {
  const { form, unit, period, deadline, kind, link } = input;
  const label = periodLabel(period);
  const due = formatLocalDateTime(deadline);
  const subject =
    kind === 'before'
      ? `[Nhắc nộp báo cáo] ${form.name} — ${label} — hạn nộp ${due}`
      : `[Quá hạn nộp báo cáo] ${form.name} — ${label} — ${unit.name} ${NOT_REPORTED}`;
  const lines = [
    `Kính gửi ${unit.name},`,
    kind === 'before'
      ? `Đơn vị chưa nộp báo cáo "${form.title}" — ${label}. Hạn nộp: ${due}.`
      : `Đã quá hạn nộp báo cáo "${form.title}" — ${label} (hạn nộp: ${due}) nhưng đơn vị ${NOT_REPORTED}. Báo cáo nộp sau hạn vẫn được tiếp nhận và được ghi nhận là "${LATE}".`,
    ...(input.lastUploadRejected ? ['Lưu ý: lần nộp gần nhất của đơn vị chưa hợp lệ nên chưa được tiếp nhận. Vui lòng mở đường dẫn dưới đây để xem lỗi và nộp lại.'] : []),
    `Đường dẫn nộp báo cáo của đơn vị (tải biểu mẫu điền sẵn và nộp tệp): ${link}`,
    `Đường dẫn dành riêng cho đơn vị, có hiệu lực đến ${formatLocalDateTime(input.linkExpiresAt)}; vui lòng không chuyển cho đơn vị khác.`,
    'Nếu đơn vị đã nộp trong hôm nay, xin bỏ qua email này.',
    '',
    'Ban Tổ chức Tỉnh ủy (email gửi tự động)',
  ];
  const text = lines.join('\n');
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body style="font-family:\'Times New Roman\',serif;font-size:14px">',
    ...lines.filter((l) => l !== '').map((l) =>
      l.startsWith('Đường dẫn nộp') ? `<p><a href="${esc(link)}" style="font-weight:bold">Mở trang nộp báo cáo của đơn vị</a><br><span style="font-size:12px;word-break:break-all;overflow-wrap:anywhere">${esc(link)}</span></p>` : `<p>${esc(l)}</p>`,
    ),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** The subject prefix of the digest: it lists units past their deadline that have not submitted. */
export const OVERDUE_DIGEST_PREFIX = '[Quá hạn chưa nộp]';

/** The unit's last reminder day on or before `today` (yyyy-mm-dd), from its reminder calendar. */
function lastReminderDay(form: FormDefinition, unit: Unit, period: string, today: string): string | undefined {
  return reminderDays(form, unit.type, period)
    .map((d) => d.date)
    .filter((d) => d <= today)
    .sort()
    .pop();
}

/**
 * The digest to Ban Tổ chức of the units past their deadline without an accepted report, each
 * with the day it was last emailed a reminder (units' deadlines differ by type, so not all were
 * reminded today).
 */
export function composeLateDigestEmail(input: {
  form: FormDefinition;
  period: string;
  now: Date;
  late: Array<{ unit: Unit; deadline: Date; lastUploadRejected: boolean }>;
  expected: number;
}): { subject: string; text: string; html: string } {
  const label = periodLabel(input.period);
  const today = formatLocalDate(toLocalDate(input.now));
  const subject = `${OVERDUE_DIGEST_PREFIX} ${input.form.name} — ${label} — ${input.late.length}/${input.expected} đơn vị quá hạn ${NOT_REPORTED}`;
  const reminded = (unit: Unit): string => {
    if (unit.emails.length === 0) return 'chưa có email nên chưa được nhắc';
    const day = lastReminderDay(input.form, unit, input.period, today);
    if (!day) return 'chưa đến ngày nhắc';
    return day === today ? 'đã nhắc hôm nay' : `nhắc lần gần nhất ngày ${formatViDate(day)}`;
  };
  const rows = input.late.map(
    (l) => `${l.unit.name} (${l.unit.code}) — hạn ${formatLocalDateTime(l.deadline)}${l.lastUploadRejected ? ' — bản nộp bị từ chối' : ''} — ${reminded(l.unit)}${l.unit.emails.length ? ` (${l.unit.emails.join(', ')})` : ''}`,
  );
  const intro = `Đến ${formatLocalDateTime(input.now)}, ${input.late.length} đơn vị đã quá hạn nhưng ${NOT_REPORTED} "${input.form.title}" — ${label}. Mỗi dòng ghi ngày đơn vị được email nhắc lần gần nhất.`;
  const text = [intro, '', ...rows.map((r) => `  - ${r}`), '', 'Email gửi tự động từ hệ thống tổng hợp báo cáo.'].join('\n');
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body style="font-family:\'Times New Roman\',serif;font-size:14px">',
    `<p>${esc(intro)}</p><ol>${rows.map((r) => `<li>${esc(r)}</li>`).join('')}</ol>`,
    '<p style="color:#666;font-size:12px">Email gửi tự động từ hệ thống tổng hợp báo cáo.</p></body></html>',
  ].join('\n');
  return { subject, text, html };
}
