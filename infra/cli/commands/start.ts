/**
 * `tonghop start` (`npm start`): the whole system on this machine until Ctrl-C / SIGTERM.
 */
import { relative } from 'node:path';
import { CONSOLE_PATH } from '../../../functions/core/operators/model';
import { consolidationAt, openPeriod, periodLabel, TIME_ZONE } from '../../../functions/core/periods';
import { SCHEDULE_TICK_MINUTES } from '../../../functions/core/usecases/run-due-schedules';
import { reminderTime } from '../../../functions/core/usecases/send-reminders';
import { loadLocalConfig } from '../../local/config';
import { DataDirBusyError } from '../../local/data-dir-lock';
import { readLiveRuntime } from '../../local/runtime-file';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import type { SampleName } from '../../local/sample-province';
import { SAMPLE_ADMIN } from '../../local/sample-province';
import { UsageError, type CliCommand } from '../command';
import { nodeVersionNoticeLines } from '../node-version';
import { reportCliError } from '../context';

const help = `Cách dùng: npm start   (hoặc: npx tonghop start)

Chạy toàn bộ hệ thống trên máy này, không cần tài khoản AWS: DynamoDB (dynalite) và S3 (s3rver)
nhúng, lưu dữ liệu trong thư mục dữ liệu; cổng nộp báo cáo và API; xử lý tệp nộp lên; lịch tổng
hợp và nhắc nộp (giờ Việt Nam); thư gửi đi được ghi thành tệp .eml trong <thư mục dữ liệu>/outbox/.
Lần chạy đầu tiên (thư mục dữ liệu trống) tạo sẵn một tỉnh mẫu và một quản trị viên mẫu
(${SAMPLE_ADMIN.email}: npx tonghop operators link --email ${SAMPLE_ADMIN.email}).

Cấu hình (biến môi trường):
  PORT               cổng HTTP của cổng nộp báo cáo (mặc định 3000)
  TONGHOP_DATA_DIR   thư mục dữ liệu (mặc định .local)
  TONGHOP_SAMPLE     tỉnh mẫu tạo ở lần chạy đầu: 2019 (mặc định; khoảng 50 đơn vị, có huyện ủy)
                     hoặc 2025 (chính quyền hai cấp: khoảng 130 đơn vị, 100 đảng ủy xã, phường,
                     đặc khu, và danh sách loại đơn vị riêng: npx tonghop unit-types list)
Các cổng khác được chọn tự động, nên hai bản chạy với PORT và TONGHOP_DATA_DIR khác nhau chạy
song song được. Ctrl-C hoặc SIGTERM dừng gọn gàng; chạy lại giữ nguyên dữ liệu.

Lệnh này tự khởi động mọi thứ nó cần. Trong lúc nó chạy, các lệnh khác (units, links, …) dùng
chính tiến trình này. Exit: 0 dừng bình thường, 2 cấu hình sai, cổng bận hoặc thư mục dữ liệu bận.`;

function banner(runtime: LocalRuntime, dataDir: string): string {
  const rel = relative(process.cwd(), dataDir);
  const shownDir = rel === '' ? '.' : rel.startsWith('..') ? dataDir : rel;
  const at = (d: Date | null) => (d ? d.toLocaleString('vi-VN', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' }) : '—');
  const now = runtime.deps.clock.now();
  const forms = runtime.catalog.list();
  const periods = forms.map((f) => ({ form: f, period: openPeriod(f, now) }));
  const first = periods[0];
  const lines = [
    '',
    'tonghop đang chạy (running).',
    '',
    `  Cổng nộp báo cáo (portal):   ${runtime.url}`,
    `  Thư mục dữ liệu (data dir):  ${shownDir}`,
    `  Hộp thư đi (outbox):         ${shownDir}/outbox/*.eml`,
    '',
    'Đường dẫn nộp báo cáo của từng đơn vị (unit upload links):',
    ...periods.map(({ form, period }) => `  npx tonghop links --period ${period}    # ${form.name}: ${periodLabel(period)}`),
    ...(first ? ['', `Biểu mẫu điền sẵn (pre-filled form): npx tonghop template ${first.form.id} --unit SO-NV --period ${first.period} --out bieu-mau.xlsx`] : []),
    '',
    `Trang quản trị (console): ${runtime.url}${CONSOLE_PATH}/sign-in    (đăng nhập: thư chứa đường dẫn dùng một lần vào outbox)`,
    `  hoặc in đường dẫn ngay: npx tonghop operators link --email ${runtime.consoleAdmin ?? '<email>'}${runtime.consoleAdmin ? '' : '    # chưa có quản trị viên: npx tonghop operators add --role admin …'}`,
    '',
    `Lịch (schedules, Asia/Ho_Chi_Minh): mỗi ${SCHEDULE_TICK_MINUTES} phút xét mọi biểu mẫu đang dùng, chạy phần đã đến giờ:`,
    ...runtime.schedules.list().map((s) => `  ${s.kind === 'consolidate' ? 'tổng hợp' : 'nhắc nộp'}: lần xét tới ${at(s.nextRun())}`),
    ...periods.map(({ form, period }) => `  ${form.id}: tổng hợp ${periodLabel(period)} lúc ${at(consolidationAt(form, period))}; nhắc nộp từ ${reminderTime(form)} vào ngày cần nhắc`),
    '',
    'Nhấn Ctrl-C để dừng (press Ctrl-C to stop).',
    ...nodeVersionNoticeLines(),
    '',
  ];
  return lines.join('\n');
}

/** Starts, waiting up to 20 s while a short CLI command (not another `npm start`) holds the data dir. */
async function startWhenFree(port: number, dataDir: string, sample: SampleName): Promise<LocalRuntime> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await startLocalRuntime({ port, dataDir, sample });
    } catch (err) {
      if (!(err instanceof DataDirBusyError) || readLiveRuntime(dataDir) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export const command: CliCommand = {
  help,
  async run(args) {
    let dataDir = '';
    try {
      if (args.length > 0) throw new UsageError(`Lệnh start không nhận tham số: ${args.join(' ')} (cấu hình bằng PORT, TONGHOP_DATA_DIR)`);
      const config = loadLocalConfig();
      dataDir = config.dataDir;
      process.stderr.write(`Đang khởi động tonghop trên cổng ${config.port}…\n`);
      const runtime = await startWhenFree(config.port, config.dataDir, config.sample);
      process.stdout.write(banner(runtime, config.dataDir) + '\n');
      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals) => {
          signals += 1;
          if (signals > 1) {
            process.stderr.write('Buộc dừng (forced stop).\n');
            process.exit(130);
          }
          process.stderr.write(`\nNhận ${signal}, đang dừng… (stopping)\n`);
          runtime.stop().then(resolve, resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      process.stderr.write('Đã dừng. Dữ liệu vẫn nằm trong thư mục dữ liệu (stopped; data kept).\n');
      return 0;
    } catch (err) {
      if (err instanceof DataDirBusyError) {
        const live = readLiveRuntime(dataDir);
        if (live) {
          process.stderr.write(`Lỗi: tonghop đã chạy trên thư mục dữ liệu này tại ${live.portalUrl} (tiến trình ${live.pid}).\nDùng TONGHOP_DATA_DIR khác để chạy bản thứ hai.\n`);
          return 2;
        }
      }
      return reportCliError(err, help);
    }
  },
};
