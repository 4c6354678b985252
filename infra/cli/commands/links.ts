/**
 * `tonghop links --period <period> [--form <id>] [--unit <code>] [--json]`: each active unit's
 * upload link, `<portal url>/u/<token>`.
 * `tonghop links rotate-key [--drop-previous]`: replaces the link-signing key (the data dir's
 * secrets.json locally, the stack's Secrets Manager secret with TONGHOP_TARGET=aws), keeping the
 * replaced key as the previous one so links already sent keep working; `--drop-previous` revokes
 * every link the previous key signed. Each change is logged as one structured audit line.
 */
import { dropPreviousLinkKey, generateLinkKey, rotateLinkKeys, signLinkToken } from '../../../functions/core/links';
import { AppError, ConflictError } from '../../../functions/core/errors';
import type { LinkKeyRing } from '../../../functions/core/ports';
import { formatViDate } from '../../../functions/core/format-vi';
import { parsePeriod, periodLabel } from '../../../functions/core/periods';
import { osUserName, recordCliAudit } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, reportCliError, withLocalDeps } from '../context';
import { LINK_GRACE_DAYS, linkExpiry } from '../../../functions/core/usecases/issue-unit-link';

/** Defined with the console's unit links (one rule for both); re-exported for the CLI's callers. */
export { LINK_GRACE_DAYS, linkExpiry };

const help = `Cách dùng: npx tonghop links --period <kỳ> [--form <mã biểu mẫu>] [--unit <mã đơn vị>] [--json]
           npx tonghop links rotate-key [--drop-previous]

In đường dẫn nộp báo cáo của từng đơn vị đang hoạt động: <địa chỉ cổng>/u/<mã truy cập>.
Mỗi đường dẫn được ký riêng cho đơn vị, hết hạn ${LINK_GRACE_DAYS} ngày sau hạn nộp muộn nhất của đơn vị trong kỳ
(theo các biểu mẫu cùng loại kỳ, hoặc chỉ biểu mẫu --form); nếu hạn đã qua, ${LINK_GRACE_DAYS} ngày kể từ lúc cấp,
để đơn vị vẫn nộp muộn được. Thu hồi: đổi khóa của đơn vị.

  --period <kỳ>   2026-02 (tháng), 2026-Q1 (quý), 2026-H1 (6 tháng), 2026 (năm)
  --form <mã>     chỉ tính hạn nộp của biểu mẫu này
  --unit <mã>     chỉ một đơn vị
  --json          [{ "unit": "<mã>", "url": "<địa chỉ cổng>/u/<mã truy cập>", "token": "<mã truy cập>" }]

Đổi khóa ký đường dẫn (khi khóa bị lộ, hoặc định kỳ):
  npx tonghop links rotate-key                   tạo khóa mới để ký đường dẫn từ nay; khóa đang dùng thành
                                                 khóa cũ: đường dẫn đã gửi vẫn dùng được đến khi hết hạn
                                                 (khóa cũ trước đó, nếu có, bị bỏ)
  npx tonghop links rotate-key --drop-previous   bỏ khóa cũ: mọi đường dẫn ký bằng nó bị thu hồi
Khi khóa bị lộ: chạy cả hai lệnh, rồi gửi lại đường dẫn mới cho các đơn vị. Với TONGHOP_TARGET=aws
lệnh ghi secret Secrets Manager của stack (TONGHOP_LINK_SECRET_ARN); các hàm Lambda dùng khóa mới
trong vòng 5 phút.

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

/** Who ran a key change, for the log line (the AWS principal itself is in CloudTrail's PutSecretValue event). */
function operatorIdentity(env: Record<string, string | undefined>): Record<string, string> {
  const user = osUserName(env);
  return env.AWS_PROFILE ? { user, awsProfile: env.AWS_PROFILE } : { user };
}

function keyIds(keys: LinkKeyRing): string[] {
  return [keys.current.id, ...(keys.previous ? [keys.previous.id] : [])];
}

async function rotateKey(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { 'drop-previous': { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  const drop = values['drop-previous'] === true;
  const { before, after } = await withLocalDeps(async (deps, context) => {
    const change = drop
      ? (keys: LinkKeyRing) => {
          if (!keys.previous) throw new ConflictError('NO_PREVIOUS_LINK_KEY', 'Không có khóa cũ nào để bỏ: chỉ có khóa đang dùng.');
          return dropPreviousLinkKey(keys);
        }
      : (keys: LinkKeyRing) => rotateLinkKeys(keys, generateLinkKey(deps.clock.now()));
    const result = await deps.secrets.updateLinkKeys(change);
    // Key ids only: a secret never reaches a log.
    deps.log.info('audit: link-signing keys changed', {
      audit: 'link-keys',
      action: drop ? 'drop-previous' : 'rotate',
      target: context.target,
      operator: operatorIdentity(process.env),
      current: result.after.current.id,
      previous: result.after.previous?.id ?? null,
      revoked: keyIds(result.before).filter((id) => !keyIds(result.after).includes(id)),
      secretVersionId: result.versionId ?? null,
      at: deps.clock.now().toISOString(),
    });
    // Key ids only in the audit log as well.
    await recordCliAudit(deps, context, {
      action: drop ? 'link-keys.drop-previous' : 'link-keys.rotate',
      target: 'link-keys',
      before: { current: result.before.current.id, previous: result.before.previous?.id ?? null },
      after: { current: result.after.current.id, previous: result.after.previous?.id ?? null },
    });
    return result;
  });
  const revoked = keyIds(before).filter((id) => !keyIds(after).includes(id));
  if (drop) {
    process.stdout.write(`Đã bỏ khóa cũ ${revoked.join(', ')}: mọi đường dẫn ký bằng khóa này bị thu hồi.
`
      + `Khóa đang dùng: ${after.current.id}. Gửi lại đường dẫn mới: npx tonghop links --period <kỳ>.
`);
  } else {
    process.stdout.write(`Đã tạo khóa mới ${after.current.id}: đường dẫn cấp từ nay được ký bằng khóa này.
`
      + `Đường dẫn đã gửi (khóa ${before.current.id}) vẫn dùng được đến khi hết hạn, hoặc đến khi bỏ khóa cũ: npx tonghop links rotate-key --drop-previous
`
      + (revoked.length > 0 ? `Khóa cũ trước đó (${revoked.join(', ')}) đã bị bỏ: đường dẫn ký bằng nó bị thu hồi.
` : ''));
  }
  return 0;
}

export const command: CliCommand = {
  help,
  async run(args) {
    try {
      if (args[0] === 'rotate-key') return await rotateKey(args.slice(1));
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
        const { current: signingKey } = await deps.secrets.getLinkKeys();
        return units.map((u): UnitLink => {
          const expires = linkExpiry(forms, u, period.id, deps.clock.now());
          const token = signLinkToken(signingKey, { u: u.code, v: u.keyVersion, exp: Math.floor(expires.getTime() / 1000) });
          return { unit: u.code, name: u.name, url: `${deps.portalUrl}/u/${token}`, token, expiresAt: expires.toISOString() };
        });
      });

      if (values.json) {
        process.stdout.write(JSON.stringify(links.map(({ unit, url, token }) => ({ unit, url, token })), null, 2) + '\n');
      } else {
        process.stdout.write(`Đường dẫn nộp báo cáo — ${periodLabel(period.id)} (${links.length} đơn vị)\n\n`);
        for (const l of links) {
          const until = formatViDate(new Date(l.expiresAt));
          process.stdout.write(`${l.unit} — ${l.name} (hiệu lực đến ${until})\n  ${l.url}\n`);
        }
      }
      return 0;
    } catch (err) {
      return reportCliError(err, help);
    }
  },
};
