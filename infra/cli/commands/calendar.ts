/**
 * `tonghop calendar list|add|remove|import`: the province calendar (lịch làm việc) every form's
 * deadlines, reminders and consolidation days follow. Changes are saved in the table (one item,
 * conditional on its revision) and audited; running runtimes pick them up when their catalog is
 * next loaded.
 */
import { readFile } from 'node:fs/promises';
import type { CalendarDay, CalendarDayKind } from '../../../functions/core/calendar/calendar';
import { CALENDAR_KIND_LABELS, formatCalendarDate, parseCalendarDate, weekdayName } from '../../../functions/core/calendar/check-calendar';
import { addCalendarDay, CalendarInvalidError, currentCalendar, importCalendarDays, removeCalendarDay } from '../../../functions/core/calendar/edit-calendar';
import { MAX_CALENDAR_FILE_BYTES, parseCalendarFile } from '../../../functions/core/calendar/parse-calendar-file';
import { PROVISIONAL_YEARS } from '../../../functions/core/calendar/vietnam';
import { cliActor, recordCliAudit } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps } from '../context';

const help = `Cách dùng:
  npx tonghop calendar list [--year <yyyy>] [--json]
  npx tonghop calendar add <yyyy-mm-dd> --kind nghi|lam-bu --name "<tên>"
  npx tonghop calendar remove <yyyy-mm-dd>
  npx tonghop calendar import <tệp.xlsx|tệp.csv> [--replace] [--json]

Lịch làm việc của tỉnh: ngày nghỉ lễ, Tết và ngày làm bù, dùng chung cho mọi biểu mẫu khi tính
hạn nộp, ngày nhắc và ngày tổng hợp. Chưa sửa lần nào thì dùng lịch có sẵn (ngày nghỉ chính thức
2025–2026; năm ${PROVISIONAL_YEARS.join(', ')} mới có các ngày nghỉ theo luật, chưa có quyết định hoán đổi).

  list            In các ngày của lịch (--year: một năm). --json: [{ "date", "kind", "name" }]
                  (kind: holiday = nghỉ, working = làm bù).
  add <ngày>      Thêm một ngày, hoặc sửa ngày đã có. --kind nghi: ngày nghỉ (nên là ngày thường;
                  ngày lễ trùng thứ Bảy, Chủ nhật thì thêm ngày nghỉ bù); --kind lam-bu: thứ Bảy
                  hoặc Chủ nhật đi làm bù. --name: tên ngày, tối đa 200 ký tự.
  remove <ngày>   Xóa một ngày khỏi lịch.
  import <tệp>    Cột: Ngày (yyyy-mm-dd hoặc dd/mm/yyyy), Loại (nghỉ | làm bù), Tên. Tất cả hoặc
                  không: có một dòng lỗi thì không ghi gì và in từng dòng lỗi. Mỗi dòng thêm hoặc
                  thay ngày cùng ngày; --replace: thay cả lịch bằng các ngày trong tệp.

Thay đổi có hiệu lực khi danh mục biểu mẫu được nạp lại (tiến trình mới, hoặc sau tối đa 5 phút).
Exit: 0 thành công, 1 bị từ chối (ngày không hợp lệ, tệp có dòng lỗi, lịch vừa bị sửa ở nơi
khác), 2 sai cú pháp hoặc lỗi đọc tệp.`;

const KINDS: Record<string, CalendarDayKind> = { nghi: 'holiday', 'lam-bu': 'working' };

function requireDate(text: string | undefined, usage: string): string {
  if (!text) throw new UsageError(`Thiếu ngày: ${usage}`);
  const date = parseCalendarDate(text);
  if (!date) throw new UsageError('Ngày không hợp lệ: ghi dạng yyyy-mm-dd (ví dụ 2027-02-20), năm 2000–2100.');
  return date;
}

function dayJson(d: CalendarDay) {
  return { date: d.date, kind: d.kind, name: d.name };
}

function dayLine(d: CalendarDay): string {
  const weekday = weekdayName(d.date);
  return `${formatCalendarDate(d.date)}  ${weekday.padEnd(8)}  ${CALENDAR_KIND_LABELS[d.kind].padEnd(6)}  ${d.name}`;
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' }, year: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ').slice(0, 100)}`);
  if (values.year !== undefined && !/^\d{4}$/.test(values.year)) throw new UsageError('--year cần một năm bốn chữ số, ví dụ --year 2027.');
  const current = await withLocalDeps((deps) => currentCalendar(deps.calendar));
  const days = values.year ? current.days.filter((d) => d.date.startsWith(`${values.year}-`)) : current.days;
  if (values.json) {
    process.stdout.write(JSON.stringify(days.map(dayJson), null, 2) + '\n');
    return 0;
  }
  for (const d of days) process.stdout.write(`${dayLine(d)}\n`);
  const holidays = days.filter((d) => d.kind === 'holiday').length;
  process.stdout.write(`\n${days.length} ngày: ${holidays} ngày nghỉ, ${days.length - holidays} ngày làm bù.\n`);
  const where =
    current.source === 'shipped'
      ? `Lịch có sẵn (chưa sửa lần nào); năm ${PROVISIONAL_YEARS.join(', ')}: dự kiến theo luật, cập nhật khi Chính phủ công bố.`
      : `Lịch đã lưu, lần sửa thứ ${current.revision}${current.updatedAt ? ` lúc ${current.updatedAt}` : ''}${current.updatedBy ? ` bởi ${current.updatedBy}` : ''}.`;
  process.stdout.write(`${where}\n`);
  return 0;
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { kind: { type: 'string' }, name: { type: 'string' } });
  const usage = 'npx tonghop calendar add <yyyy-mm-dd> --kind nghi|lam-bu --name "<tên>"';
  if (positionals.length > 1) throw new UsageError(`Cần đúng một ngày: ${usage}`);
  const date = requireDate(positionals[0], usage);
  const kind = values.kind === undefined ? undefined : KINDS[values.kind];
  if (!kind) throw new UsageError(`--kind phải là nghi (ngày nghỉ) hoặc lam-bu (ngày làm bù): ${usage}`);
  if (values.name === undefined) throw new UsageError(`Thiếu --name: ${usage}`);
  const name = values.name;
  try {
    const change = await withLocalDeps(async (deps, context) => {
      const result = await addCalendarDay(deps, { date, kind, name, actor: cliActor(context.target) });
      await recordCliAudit(deps, context, { action: result.before ? 'calendar.edit' : 'calendar.add', target: date, before: result.before ? dayJson(result.before) : undefined, after: { ...dayJson(result.after!), revision: result.revision } });
      return result;
    });
    const verb = change.before ? 'Đã sửa' : 'Đã thêm';
    process.stdout.write(`${verb} ngày ${formatCalendarDate(date)} (${weekdayName(date)}): ${CALENDAR_KIND_LABELS[kind]} — ${change.after!.name}\n`);
    for (const w of change.warnings) process.stderr.write(`${w}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof CalendarInvalidError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
}

async function remove(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  const usage = 'npx tonghop calendar remove <yyyy-mm-dd>';
  if (positionals.length > 1) throw new UsageError(`Cần đúng một ngày: ${usage}`);
  const date = requireDate(positionals[0], usage);
  const change = await withLocalDeps(async (deps, context) => {
    const result = await removeCalendarDay(deps, { date, actor: cliActor(context.target) });
    await recordCliAudit(deps, context, { action: 'calendar.remove', target: date, before: dayJson(result.before!), after: { revision: result.revision } });
    return result;
  });
  process.stdout.write(`Đã xóa ngày ${formatCalendarDate(date)} khỏi lịch: ${change.before!.name}\n`);
  return 0;
}

async function importFile(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' }, replace: { type: 'boolean' } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('Cần đúng một tệp: npx tonghop calendar import <tệp.xlsx|tệp.csv>');
  if (!/\.(xlsx|csv)$/i.test(file)) throw new UsageError('Chỉ nhận tệp .xlsx hoặc .csv.');
  const bytes = await readFile(file);
  if (bytes.length > MAX_CALENDAR_FILE_BYTES) throw new UsageError('Tệp lịch quá lớn (tối đa 1 MB).');
  const { days, issues } = await parseCalendarFile(bytes, file);
  if (issues.length > 0) {
    const err = new CalendarInvalidError(issues, 'Không nhập lịch làm việc');
    if (values.json) process.stdout.write(JSON.stringify({ ok: false, code: err.code, issues }, null, 2) + '\n');
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  const replace = values.replace ?? false;
  const result = await withLocalDeps(async (deps, context) => {
    const imported = await importCalendarDays(deps, { days, replace, actor: cliActor(context.target) });
    // Dates only (bounded): the names are in the calendar itself.
    await recordCliAudit(deps, context, {
      action: 'calendar.import',
      target: 'calendar',
      after: { total: imported.total, added: imported.added.slice(0, 100), replaced: imported.replaced.slice(0, 100), removed: imported.removed.slice(0, 100), unchanged: imported.unchanged.length, revision: imported.revision },
    });
    return imported;
  });
  if (values.json) process.stdout.write(JSON.stringify({ ok: true, ...result }, null, 2) + '\n');
  else {
    process.stdout.write(`Đã nhập ${result.total} ngày: ${result.added.length} mới, ${result.replaced.length} sửa, ${result.unchanged.length} không đổi${replace ? `, ${result.removed.length} ngày bị xóa (--replace)` : ''}.\n`);
    if (result.added.length > 0) process.stdout.write(`Mới: ${result.added.map(formatCalendarDate).join(', ')}\n`);
    if (result.replaced.length > 0) process.stdout.write(`Sửa: ${result.replaced.map(formatCalendarDate).join(', ')}\n`);
  }
  for (const w of result.warnings) process.stderr.write(`${w}\n`);
  return 0;
}

export const command: CliCommand = subcommands('calendar', help, { list, add, remove, import: importFile });
