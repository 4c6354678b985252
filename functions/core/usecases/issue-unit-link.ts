/**
 * A unit's current upload link from the console: signed with the ring's current key for the
 * unit's current key version, for the open period of a form; shown to the operator on request or
 * emailed to the unit's own addresses. The link is a credential: it goes into the page or the
 * email and nowhere else (the audit entry names the period and the expiry, never the token).
 */
import { ConflictError, NotFoundError } from '../errors';
import type { FormCatalog } from '../forms/catalog';
import type { FormDefinition } from '../forms/definition';
import { esc } from '../consolidation/email';
import { formatLocalDateTime } from '../format-vi';
import { signLinkToken } from '../links';
import type { Unit } from '../model';
import { deadlineFor, openPeriod, periodLabel } from '../periods';
import type { Clock, Mailer, SecretSource, UnitRepository } from '../ports';

/** Links stay valid this long after the unit's deadline: late reports are still accepted. */
export const LINK_GRACE_DAYS = 30;

/**
 * The expiry of a unit's link for a period: its latest deadline among `forms` plus the grace
 * period, and never less than the grace period from `now` — a link issued after the deadline,
 * to chase a late report (still accepted), must not be born expired.
 */
export function linkExpiry(forms: readonly FormDefinition[], unit: Pick<Unit, 'type'>, period: string, now: Date): Date {
  const latest = Math.max(...forms.map((f) => deadlineFor(f, unit.type, period).getTime()), now.getTime());
  return new Date(latest + LINK_GRACE_DAYS * 86_400_000);
}

export interface IssueUnitLinkDeps {
  units: Pick<UnitRepository, 'get'>;
  forms: Pick<FormCatalog, 'require' | 'list'>;
  secrets: SecretSource;
  clock: Clock;
  /** Public portal origin; a unit's link is `<portalUrl>/u/<token>`. */
  portalUrl: string;
}

export interface IssuedUnitLink {
  unit: Unit;
  form: FormDefinition;
  period: string;
  /** The unit's deadline for the form and period. */
  deadline: Date;
  url: string;
  expiresAt: Date;
}

/**
 * The unit's link for the open period of `formId` (valid like the CLI's `links`: until the
 * latest deadline among the forms of that kind of period, plus the grace days). An inactive unit
 * gets none: its links are refused anyway.
 */
export async function issueUnitLink(deps: IssueUnitLinkDeps, input: { unitCode: string; formId: string }): Promise<IssuedUnitLink> {
  const unit = await deps.units.get(input.unitCode);
  if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', 'Không tìm thấy đơn vị này.');
  if (!unit.active) throw new ConflictError('UNIT_INACTIVE', 'Đơn vị đã ngừng hoạt động nên không có đường dẫn nộp báo cáo. Bật lại "Đang hoạt động" trước nếu đơn vị vẫn phải nộp.');
  const form = deps.forms.require(input.formId);
  const now = deps.clock.now();
  const period = openPeriod(form, now);
  const expiresAt = linkExpiry(deps.forms.list().filter((f) => f.periodType === form.periodType), unit, period, now);
  const { current } = await deps.secrets.getLinkKeys();
  const token = signLinkToken(current, { u: unit.code, v: unit.keyVersion, exp: Math.floor(expiresAt.getTime() / 1000) });
  return { unit, form, period, deadline: deadlineFor(form, unit.type, period), url: `${deps.portalUrl.replace(/\/+$/, '')}/u/${token}`, expiresAt };
}

/** Subject and bodies of the email that hands a unit its link (sent by an operator from the console). */
export function composeUnitLinkEmail(link: IssuedUnitLink): { subject: string; text: string; html: string } {
  const label = periodLabel(link.period);
  const subject = `[Đường dẫn nộp báo cáo] ${link.form.name} — ${label} — ${link.unit.name}`;
  const lines = [
    `Kính gửi ${link.unit.name},`,
    `Ban Tổ chức Tỉnh ủy gửi đơn vị đường dẫn nộp báo cáo "${link.form.title}" — ${label}. Hạn nộp: ${formatLocalDateTime(link.deadline)}.`,
    `Đường dẫn nộp báo cáo của đơn vị (tải biểu mẫu điền sẵn và nộp tệp): ${link.url}`,
    `Đường dẫn dành riêng cho đơn vị, có hiệu lực đến ${formatLocalDateTime(link.expiresAt)}; vui lòng không chuyển cho đơn vị khác. Nếu đơn vị đã nhận một đường dẫn đã bị thu hồi, hãy dùng đường dẫn này.`,
    '',
    'Ban Tổ chức Tỉnh ủy (email gửi từ trang quản trị)',
  ];
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body style="font-family:\'Times New Roman\',serif;font-size:14px">',
    ...lines.filter((l) => l !== '').map((l) =>
      l.startsWith('Đường dẫn nộp') ? `<p><a href="${esc(link.url)}" style="font-weight:bold">Mở trang nộp báo cáo của đơn vị</a><br><span style="font-size:12px;word-break:break-all;overflow-wrap:anywhere">${esc(link.url)}</span></p>` : `<p>${esc(l)}</p>`,
    ),
    '</body></html>',
  ].join('\n');
  return { subject, text: lines.join('\n'), html };
}

/** Emails the unit its link to every address it has; ConflictError `UNIT_NO_EMAIL` when it has none. */
export async function sendUnitLink(deps: IssueUnitLinkDeps & { mailer: Mailer; mail: { from: string } }, input: { unitCode: string; formId: string }): Promise<IssuedUnitLink> {
  const link = await issueUnitLink(deps, input);
  if (link.unit.emails.length === 0) throw new ConflictError('UNIT_NO_EMAIL', 'Đơn vị chưa có địa chỉ email nào: thêm email cho đơn vị trước khi gửi đường dẫn.');
  await deps.mailer.send({ from: deps.mail.from, to: link.unit.emails, ...composeUnitLinkEmail(link) });
  return link;
}
