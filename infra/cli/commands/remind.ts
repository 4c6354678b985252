/**
 * `npx tonghop remind --form <id> [--date yyyy-mm-dd] [--period <kỳ>] [--json]`: today's (or
 * that day's) reminders and late digest, as the daily scheduled run sends them: to the outbox
 * locally, through SES on `TONGHOP_TARGET=aws`.
 */
import { formatViDate } from '../../../functions/core/format-vi';
import { reminderRunAt, sendReminders } from '../../../functions/core/usecases/send-reminders';
import { inProcessReminderQueue } from '../../local/in-process-reminder-queue';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, reportCliError, withLocalDeps } from '../context';
import { useCaseDeps } from './consolidate';

const help = `Gửi email nhắc nộp báo cáo cho các đơn vị chưa nộp, như lịch chạy hằng ngày.

Cách dùng:
  npx tonghop remind --form <mã biểu mẫu> [--date yyyy-mm-dd] [--period <kỳ>] [--json]

Đơn vị chưa có báo cáo hợp lệ được nhắc vào các ngày làm việc cấu hình trước hạn (mặc định 3 và
1 ngày) và sau hạn (1 ngày, khi đã "nộp muộn"); mỗi đơn vị nhiều nhất một email mỗi ngày. Ngày
sau hạn, Ban Tổ chức nhận danh sách đơn vị quá hạn chưa nộp.
  --date    chạy như vào ngày này (giờ nhắc của biểu mẫu), mặc định hôm nay
  --period  chỉ kỳ này (mặc định: kỳ đang mở và kỳ trước đó)
Email được ghi vào <thư mục dữ liệu>/outbox/*.eml; với TONGHOP_TARGET=aws, gửi qua Amazon SES.
Exit: 0 thành công, 1 biểu mẫu không hợp lệ hoặc gửi thất bại, 2 sai cú pháp.`;

const STATUS: Record<string, string> = { sent: 'đã gửi', queued: 'đã xếp hàng gửi', skipped: 'bỏ qua (đơn vị không còn hoạt động hoặc không có email)', 'already-sent': 'đã gửi trước đó hôm nay', 'no-email': 'đơn vị chưa có email', failed: 'gửi thất bại', 'no-recipients': 'biểu mẫu chưa có người nhận' };

export const command: CliCommand = {
  help,
  async run(args) {
    try {
      const { values, positionals } = parseCliArgs(args, { form: { type: 'string' }, date: { type: 'string' }, period: { type: 'string' }, json: { type: 'boolean' } });
      if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
      if (!values.form) throw new UsageError('Cần --form <mã biểu mẫu>.');
      if (values.date !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(values.date) || Number.isNaN(Date.parse(values.date)))) throw new UsageError(`--date phải có dạng yyyy-mm-dd: ${values.date}`);
      const files: string[] = [];
      const result = await withLocalDeps(
        async (deps) => {
          const form = (await deps.catalog).require(values.form!);
          const clock = values.date ? { now: () => reminderRunAt(form, values.date!) } : undefined;
          // The worker runs in this process, on the same (possibly --date) clock as the run.
          const queue = inProcessReminderQueue({ ...deps.handlers.remindUnit, ...(clock ? { clock } : {}) });
          return sendReminders({ ...(await useCaseDeps(deps.handlers.remind, clock)), queue }, { formId: form.id, period: values.period });
        },
        { onEmail: (f) => files.push(f) },
      );
      if (values.json) {
        process.stdout.write(JSON.stringify({ ...result, outbox: files }, null, 2) + '\n');
        return 0;
      }
      process.stdout.write(`Nhắc nộp báo cáo ${result.formId}, ngày ${formatViDate(result.date)}:\n`);
      if (result.reminders.length === 0) process.stdout.write('  Hôm nay không có đơn vị nào cần nhắc.\n');
      for (const r of result.reminders) {
        process.stdout.write(`  ${r.unitCode}  ${r.unitName} (${r.period}, ${r.kind === 'before' ? 'trước hạn' : 'quá hạn'}) — ${STATUS[r.status]}${r.to.length ? `: ${r.to.join(', ')}` : ''}\n`);
      }
      for (const d of result.digests) {
        process.stdout.write(`  Danh sách quá hạn chưa nộp ${d.period} (${d.lateUnits.length} đơn vị) — ${STATUS[d.status]}${d.to.length ? `: ${d.to.join(', ')}` : ''}\n`);
      }
      for (const f of files) process.stdout.write(`  Hộp thư đi: ${f}\n`);
      return 0;
    } catch (err) {
      return reportCliError(err, help);
    }
  },
};
