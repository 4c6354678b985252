/**
 * `tonghop periods lock|unlock|exception|end-exception|status`: closing a form's period once the
 * province report is final ("khóa kỳ"), reopening it, letting one unit upload until a date
 * ("mở cho đơn vị nộp bổ sung") and ending that early ("kết thúc sớm ngoại lệ"). A locked period refuses uploads (`PERIOD_LOCKED`) at the portal
 * and at ingest, and review changes. The CLI runs with the operator's own credentials (local data
 * dir, or the AWS profile): it acts as an admin, so `unlock` is allowed here; in the console
 * only an admin may unlock. Each change is audited with the OS user as actor.
 */
import { formatLocalDateTime } from '../../../functions/core/format-vi';
import { liveException } from '../../../functions/core/review/locks';
import { endLockException, grantLockException, lockPeriod, readLockStatus, requireFormPeriod, unlockPeriod, type LockResult } from '../../../functions/core/usecases/period-locks';
import { cliActor } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps } from '../context';

const help = `Cách dùng:
  npx tonghop periods lock --form <biểu mẫu> --period <kỳ> [--reason "<lý do>"] [--json]
  npx tonghop periods unlock --form <biểu mẫu> --period <kỳ> [--reason "<lý do>"] [--json]
  npx tonghop periods exception --form <biểu mẫu> --period <kỳ> --unit <mã đơn vị> --until <yyyy-mm-dd> --reason "<lý do>" [--json]
  npx tonghop periods end-exception --form <biểu mẫu> --period <kỳ> --unit <mã đơn vị> --reason "<lý do>" [--json]
  npx tonghop periods status --form <biểu mẫu> --period <kỳ> [--json]

Khóa kỳ báo cáo khi báo cáo tổng hợp đã chốt, để số liệu không thay đổi:
  lock       khóa kỳ: cổng nộp từ chối bản nộp mới (409 PERIOD_LOCKED, hướng dẫn liên hệ Ban Tổ chức
             Tỉnh ủy), tệp đã được cấp lượt nộp trước khi khóa bị từ chối khi xử lý (tệp vẫn được lưu,
             không tính), và không thay đổi được việc duyệt.
  unlock     mở khóa kỳ cho mọi đơn vị. Chỉ quản trị viên được mở khóa; lệnh này chạy bằng quyền của
             người vận hành trên máy này (dữ liệu cục bộ, hoặc AWS_PROFILE với TONGHOP_TARGET=aws) nên
             được coi là quản trị viên.
  exception  mở cho một đơn vị nộp bổ sung (và được duyệt) đến hết ngày --until (giờ Việt Nam, tối đa
             366 ngày); bắt buộc --reason. Cấp lại thì thay ngoại lệ cũ.
  end-exception
             kết thúc sớm ngoại lệ còn hiệu lực của đơn vị ngay bây giờ (bắt buộc --reason): kỳ đang
             khóa thì đơn vị lại không nộp được. Ngoại lệ không bị xóa, vẫn hiện trong status cùng
             người kết thúc, thời điểm và lý do.
  status     tình trạng khóa và các ngoại lệ của kỳ.

Biểu mẫu có "autoLockDays" trong phần consolidation thì kỳ tự khóa sau ngày tổng hợp số ngày đó
(mở khóa bằng unlock). Mỗi thay đổi được ghi vào nhật ký (npx tonghop audit list).
Exit: 0 thành công, 1 bị từ chối (đã khóa, chưa khóa, không có biểu mẫu/kỳ/đơn vị, dữ liệu không
hợp lệ, không có ngoại lệ còn hiệu lực, xung đột), 2 sai cú pháp.`;

const FORM_PERIOD = { form: { type: 'string' }, period: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } } as const;

function requireFormAndPeriod(values: { form?: string; period?: string }, positionals: string[]): { formId: string; period: string } {
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  if (!values.form || !values.period) throw new UsageError('Cần --form <biểu mẫu> và --period <kỳ>.');
  return { formId: values.form, period: values.period };
}

function printLock(result: LockResult, json: boolean | undefined, verb: string): number {
  if (json) process.stdout.write(JSON.stringify({ formId: result.formId, period: result.period, locked: result.status.locked, since: result.status.since?.toISOString() }, null, 2) + '\n');
  else process.stdout.write(`${verb} kỳ ${result.period} của biểu mẫu ${result.formId}${result.status.since ? ` (từ ${formatLocalDateTime(result.status.since)})` : ''}.\n`);
  return 0;
}

async function lock(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, FORM_PERIOD);
  const target = requireFormAndPeriod(values, positionals);
  const result = await withLocalDeps(async (deps, context) => {
    const d = deps.handlers.review;
    return lockPeriod({ ...d, catalog: await d.catalog }, { ...target, reason: values.reason, actor: { id: cliActor(context.target), role: 'admin' } });
  });
  return printLock(result, values.json, 'Đã khóa');
}

async function unlock(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, FORM_PERIOD);
  const target = requireFormAndPeriod(values, positionals);
  const result = await withLocalDeps(async (deps, context) => {
    const d = deps.handlers.review;
    return unlockPeriod({ ...d, catalog: await d.catalog }, { ...target, reason: values.reason, actor: { id: cliActor(context.target), role: 'admin' } });
  });
  return printLock(result, values.json, 'Đã mở khóa');
}

async function exception(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { ...FORM_PERIOD, unit: { type: 'string' }, until: { type: 'string' } });
  const target = requireFormAndPeriod(values, positionals);
  if (!values.unit || !values.until || !values.reason) throw new UsageError('Cần --unit <mã đơn vị>, --until <yyyy-mm-dd> và --reason "<lý do>".');
  const granted = await withLocalDeps(async (deps, context) => {
    const d = deps.handlers.review;
    return grantLockException({ ...d, catalog: await d.catalog }, { ...target, unitCode: values.unit!, until: values.until, reason: values.reason, actor: { id: cliActor(context.target), role: 'admin' } });
  });
  if (values.json) process.stdout.write(JSON.stringify(granted, null, 2) + '\n');
  else process.stdout.write(`Đơn vị ${granted.unitCode} được nộp bổ sung kỳ ${granted.period} của biểu mẫu ${granted.formId} đến ${formatLocalDateTime(new Date(granted.until))}.\n`);
  return 0;
}

async function endException(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { ...FORM_PERIOD, unit: { type: 'string' } });
  const target = requireFormAndPeriod(values, positionals);
  if (!values.unit || !values.reason) throw new UsageError('Cần --unit <mã đơn vị> và --reason "<lý do>".');
  const ended = await withLocalDeps(async (deps, context) => {
    const d = deps.handlers.review;
    return endLockException({ ...d, catalog: await d.catalog }, { ...target, unitCode: values.unit!, reason: values.reason, actor: { id: cliActor(context.target), role: 'admin' } });
  });
  if (values.json) process.stdout.write(JSON.stringify(ended, null, 2) + '\n');
  else process.stdout.write(`Đã kết thúc sớm ngoại lệ của đơn vị ${ended.unitCode}, kỳ ${ended.period} của biểu mẫu ${ended.formId}, lúc ${formatLocalDateTime(new Date(ended.until))}.\n`);
  return 0;
}

async function status(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, FORM_PERIOD);
  const target = requireFormAndPeriod(values, positionals);
  const { status: s, state, now } = await withLocalDeps(async (deps) => {
    const form = requireFormPeriod(await deps.catalog, target.formId, target.period);
    return { ...(await readLockStatus(deps, form, target.period)), now: deps.clock.now() };
  });
  const exceptions = state.exceptions.map((e) => ({
    unitCode: e.unitCode, until: e.until, reason: e.reason, by: e.actor, live: liveException(state, e.unitCode, now) !== undefined,
    ...(e.endedAt ? { endedAt: e.endedAt, endedBy: e.endedBy, endReason: e.endReason } : {}),
  }));
  if (values.json) {
    process.stdout.write(JSON.stringify({ ...target, locked: s.locked, source: s.source, since: s.since?.toISOString(), exceptions }, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(s.locked ? `Kỳ ${target.period} của biểu mẫu ${target.formId}: ĐÃ KHÓA từ ${formatLocalDateTime(s.since!)}${s.source === 'auto' ? ' (tự khóa theo biểu mẫu)' : ''}.\n` : `Kỳ ${target.period} của biểu mẫu ${target.formId}: đang mở.\n`);
  for (const e of exceptions) {
    const when = e.endedAt
      ? `(đã kết thúc sớm lúc ${formatLocalDateTime(new Date(e.endedAt))} bởi ${e.endedBy ?? '?'}: ${e.endReason ?? ''})`
      : `đến ${formatLocalDateTime(new Date(e.until))}${e.live ? '' : ' (đã hết hạn)'}`;
    process.stdout.write(`  Ngoại lệ ${e.unitCode}: ${when} — ${e.reason}\n`);
  }
  return 0;
}

export const command: CliCommand = subcommands('periods', help, { lock, unlock, exception, 'end-exception': endException, status });
