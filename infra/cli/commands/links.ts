/**
 * `tonghop links --period <period> [--form <id>] [--unit <code>] [--json]`: each active unit's
 * upload link, `<portal url>/u/<token>`.
 */
import { signLinkToken } from '../../../functions/core/links';
import { AppError } from '../../../functions/core/errors';
import type { FormDefinition } from '../../../functions/core/forms/definition';
import type { Unit } from '../../../functions/core/model';
import { deadlineFor, parsePeriod, periodLabel, TIME_ZONE } from '../../../functions/core/periods';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, reportCliError, withLocalDeps } from '../context';

/** Links stay valid this long after the unit's deadline: late reports are still accepted. */
export const LINK_GRACE_DAYS = 30;

const help = `Cách dùng: npx tonghop links --period <kỳ> [--form <mã biểu mẫu>] [--unit <mã đơn vị>] [--json]

In đường dẫn nộp báo cáo của từng đơn vị đang hoạt động: <địa chỉ cổng>/u/<mã truy cập>.
Mỗi đường dẫn được ký riêng cho đơn vị, hết hạn ${LINK_GRACE_DAYS} ngày sau hạn nộp muộn nhất của đơn vị trong kỳ
(theo các biểu mẫu cùng loại kỳ, hoặc chỉ biểu mẫu --form); nếu hạn đã qua, ${LINK_GRACE_DAYS} ngày kể từ lúc cấp,
để đơn vị vẫn nộp muộn được. Thu hồi: đổi khóa của đơn vị.

  --period <kỳ>   2026-02 (tháng), 2026-Q1 (quý), 2026-H1 (6 tháng), 2026 (năm)
  --form <mã>     chỉ tính hạn nộp của biểu mẫu này
  --unit <mã>     chỉ một đơn vị
  --json          [{ "unit": "<mã>", "url": "<địa chỉ cổng>/u/<mã truy cập>", "token": "<mã truy cập>" }]

Không cần chạy npm start: lệnh tự khởi động DynamoDB nhúng trên thư mục dữ liệu
(TONGHOP_DATA_DIR, mặc định .local). Địa chỉ cổng là của npm start đang chạy, nếu không thì
http://localhost:$PORT (mặc định 3000).
Exit: 0 thành công, 1 không có đơn vị/biểu mẫu phù hợp, 2 sai cú pháp.`;

export interface UnitLink {
  unit: string;
  name: string;
  url: string;
  token: string;
  expiresAt: string;
}

/**
 * The expiry of a unit's link for a period: its latest deadline among `forms` plus the grace
 * period, and never less than the grace period from `now` — a link issued after the deadline,
 * to chase a late report (still accepted), must not be born expired.
 */
export function linkExpiry(forms: readonly FormDefinition[], unit: Pick<Unit, 'type'>, period: string, now: Date): Date {
  const latest = Math.max(...forms.map((f) => deadlineFor(f, unit.type, period).getTime()), now.getTime());
  return new Date(latest + LINK_GRACE_DAYS * 86_400_000);
}

export const command: CliCommand = {
  help,
  async run(args) {
    try {
      const { values, positionals } = parseCliArgs(args, {
        period: { type: 'string' },
        form: { type: 'string' },
        unit: { type: 'string' },
        json: { type: 'boolean' },
      });
      if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
      if (!values.period) throw new UsageError('Thiếu --period, ví dụ: npx tonghop links --period 2026-Q1');
      let period;
      try {
        period = parsePeriod(values.period);
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
      }

      const links = await withLocalDeps(async (deps) => {
        const catalog = await deps.catalog;
        const forms = values.form ? [catalog.require(values.form)] : catalog.list().filter((f) => f.periodType === period.type);
        if (forms.length === 0) throw new AppError('NO_FORM_FOR_PERIOD', `Không có biểu mẫu nào báo cáo theo loại kỳ của "${period.id}".`, { statusCode: 404 });
        if (forms.some((f) => f.periodType !== period.type)) {
          throw new UsageError(`Biểu mẫu ${values.form} không báo cáo theo loại kỳ của "${period.id}".`);
        }
        let units = await deps.units.list();
        if (values.unit) {
          units = units.filter((u) => u.code === values.unit);
          if (units.length === 0) throw new AppError('UNIT_NOT_FOUND', `Không có đơn vị đang hoạt động mã "${values.unit}".`, { statusCode: 404 });
        }
        const secret = await deps.secrets.getLinkSecret();
        return units.map((u): UnitLink => {
          const expires = linkExpiry(forms, u, period.id, deps.clock.now());
          const token = signLinkToken(secret, { u: u.code, v: u.keyVersion, exp: Math.floor(expires.getTime() / 1000) });
          return { unit: u.code, name: u.name, url: `${deps.portalUrl}/u/${token}`, token, expiresAt: expires.toISOString() };
        });
      });

      if (values.json) {
        process.stdout.write(JSON.stringify(links.map(({ unit, url, token }) => ({ unit, url, token })), null, 2) + '\n');
      } else {
        process.stdout.write(`Đường dẫn nộp báo cáo — ${periodLabel(period.id)} (${links.length} đơn vị)\n\n`);
        for (const l of links) {
          const until = new Date(l.expiresAt).toLocaleDateString('vi-VN', { timeZone: TIME_ZONE });
          process.stdout.write(`${l.unit} — ${l.name} (hiệu lực đến ${until})\n  ${l.url}\n`);
        }
      }
      return 0;
    } catch (err) {
      return reportCliError(err, help);
    }
  },
};
