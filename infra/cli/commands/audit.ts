/**
 * `tonghop audit list [--from yyyy-mm-dd] [--to yyyy-mm-dd] [--limit n] [--json]`: the operator
 * actions log (who, when, what, on what, before → after), newest first. Reading it is not itself
 * recorded.
 */
import { formatViDateTime } from '../../../functions/core/format-vi';
import { localInstant } from '../../../functions/core/periods';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps } from '../context';

const help = `Cách dùng:
  npx tonghop audit list [--from <yyyy-mm-dd>] [--to <yyyy-mm-dd>] [--limit <số dòng>] [--json]

Nhật ký thao tác của cán bộ (ai, lúc nào, làm gì, với đối tượng nào, trước → sau), mới nhất trước:
duyệt/trả lại báo cáo, khóa kỳ, ngoại lệ, cán bộ, đơn vị, đường dẫn, tổng hợp…
  --from, --to  từ đầu ngày --from đến hết ngày --to (giờ Việt Nam); mặc định 30 ngày gần nhất.
  --limit       tối đa bao nhiêu dòng (mặc định 200, tối đa 5.000).
  --json        [{ "at", "actor", "action", "target", "before", "after" }]
Exit: 0 thành công, 2 sai cú pháp.`;

const DAY_MS = 86_400_000;

function parseDay(value: string, option: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (!m || !d || d.getUTCDate() !== Number(m[3])) throw new UsageError(`${option} phải là một ngày yyyy-mm-dd.`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { from: { type: 'string' }, to: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  const limit = values.limit === undefined ? 200 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new UsageError('--limit phải là số nguyên từ 1 đến 5000.');
  const entries = await withLocalDeps(async (deps) => {
    const now = deps.clock.now();
    const to = values.to ? new Date(localInstant(parseDay(values.to, '--to')).getTime() + DAY_MS) : new Date(now.getTime() + 1000);
    const from = values.from ? localInstant(parseDay(values.from, '--from')) : new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) throw new UsageError('--from phải trước --to.');
    return deps.audit.list({ from, to, limit });
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
    return 0;
  }
  if (entries.length === 0) {
    process.stderr.write('Không có thao tác nào trong khoảng thời gian này.\n');
    return 0;
  }
  for (const e of entries) {
    const change = [e.before && `trước ${JSON.stringify(e.before)}`, e.after && `sau ${JSON.stringify(e.after)}`].filter(Boolean).join(' → ');
    process.stdout.write(`${formatViDateTime(new Date(e.at))}  ${e.actor}  ${e.action}  ${e.target}${change ? `  ${change}` : ''}\n`);
  }
  return 0;
}

export const command: CliCommand = subcommands('audit', help, { list });
