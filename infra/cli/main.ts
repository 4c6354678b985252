/**
 * `tonghop` CLI entry. Each command lives in `infra/cli/commands/<name>.ts` and exports
 * `command: CliCommand`. Exit codes: 0 success, 1 a refused or failed operation, 2 usage or I/O error.
 */
import type { CliCommand } from './command';
import { nodeVersionNoticeLines } from './node-version';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: CliCommand }> }> = {
  start: { summary: 'Chạy toàn bộ hệ thống trên máy này (DynamoDB, S3, cổng nộp báo cáo, lịch, hộp thư đi)', load: () => import('./commands/start') },
  units: { summary: 'Danh sách, nhập đơn vị báo cáo và thu hồi đường dẫn (units list | units import <file> | units revoke <mã>)', load: () => import('./commands/units') },
  'unit-types': { summary: 'Loại đơn vị của hệ thống (unit-types list | add <mã> --name … | edit <mã> | remove <mã>)', load: () => import('./commands/unit-types') },
  links: { summary: 'Đường dẫn nộp báo cáo của từng đơn vị (links --period <kỳ> | links rotate-key)', load: () => import('./commands/links') },
  template: { summary: 'Tạo biểu mẫu Excel điền sẵn, hoặc mô tả vị trí các ô (--describe)', load: () => import('./commands/template') },
  forms: { summary: 'Định nghĩa biểu mẫu: kiểm tra, phát hành, xem, xuất, ngừng sử dụng (forms check|publish|list|show|export|retire)', load: () => import('./commands/forms') },
  validate: { summary: 'Kiểm tra một tệp báo cáo (validate <file> [--json] [--feedback out.xlsx])', load: () => import('./commands/validate') },
  submissions: { summary: 'Các lần nộp báo cáo (submissions list | submissions show <uploadId>)', load: () => import('./commands/submissions') },
  consolidate: { summary: 'Tổng hợp báo cáo toàn tỉnh và gửi email (consolidate --form <id> --period <kỳ> [--send])', load: () => import('./commands/consolidate') },
  status: { summary: 'Tình hình nộp báo cáo của từng đơn vị (status --form <id> [--period <kỳ>] [--status …] [--search …])', load: () => import('./commands/status') },
  reports: { summary: 'Các báo cáo tổng hợp đã tạo và dự thảo báo cáo (reports list | reports get | reports draft)', load: () => import('./commands/reports') },
  operators: { summary: 'Cán bộ đăng nhập trang quản trị (operators add | list | remove | link)', load: () => import('./commands/operators') },
  review: { summary: 'Duyệt, trả lại báo cáo đã tiếp nhận (review approve|return|withdraw <mã lần nộp> | review list)', load: () => import('./commands/review') },
  periods: { summary: 'Khóa kỳ báo cáo và mở cho từng đơn vị (periods lock|unlock|exception|status --form <id> --period <kỳ>)', load: () => import('./commands/periods') },
  calendar: { summary: 'Lịch làm việc của tỉnh: ngày nghỉ lễ, Tết và ngày làm bù (calendar list | add | remove | import <file>)', load: () => import('./commands/calendar') },
  audit: { summary: 'Nhật ký thao tác của cán bộ (audit list [--from --to] [--json])', load: () => import('./commands/audit') },
  remind: { summary: 'Gửi nhắc nộp báo cáo cho đơn vị chưa nộp (remind --form <id> [--period <kỳ>])', load: () => import('./commands/remind') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'Cách dùng: npx tonghop <lệnh> [tùy chọn]   (usage: npx tonghop <command> [options])',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Mỗi lệnh có --help. Dữ liệu: TONGHOP_DATA_DIR (mặc định .local). Exit: 0 thành công, 1 bị từ chối/thất bại, 2 sai cú pháp hoặc lỗi đọc/ghi.',
    ...nodeVersionNoticeLines(),
  ].join('\n');
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`Lệnh không tồn tại: ${name}\n\n${usage()}\n`);
    return 2;
  }
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write([command.help.trimEnd(), ...nodeVersionNoticeLines()].join('\n') + '\n');
    return 0;
  }
  return command.run(rest);
}
