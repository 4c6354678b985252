/**
 * `tonghop operators add|list|remove|link`: the console's operators registry (who may sign in to
 * the console, and with which role) and a one-time sign-in URL for bootstrap and local use. Each
 * change is written to the audit log with the OS user as actor.
 */
import { formatLocalDateTime } from '../../../functions/core/format-vi';
import { addOperator, createOperatorSignInLink, removeOperator } from '../../../functions/core/operators/manage';
import { CONSOLE_PATH, OPERATOR_ROLE_LABELS, OPERATOR_ROLES, type Operator } from '../../../functions/core/operators/model';
import { cliActor } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps } from '../context';

const help = `Cách dùng:
  npx tonghop operators add --email <email> --name "<họ tên>" --role <viewer|operator|admin> [--json]
  npx tonghop operators list [--json] [--all]
  npx tonghop operators remove --email <email> [--json]
  npx tonghop operators link --email <email> [--json]

Cán bộ được đăng nhập trang quản trị (${CONSOLE_PATH}) và vai trò của họ:
  viewer    ${OPERATOR_ROLE_LABELS.viewer}: xem mọi thông tin (lãnh đạo)
  operator  ${OPERATOR_ROLE_LABELS.operator}: xử lý báo cáo, đơn vị, đường dẫn, tổng hợp
  admin     ${OPERATOR_ROLE_LABELS.admin}: như operator, và quản lý cán bộ, biểu mẫu

  add      thêm cán bộ (email viết thường; đã có và đang hoạt động thì từ chối; đã gỡ thì cấp lại)
  list     danh sách cán bộ đang hoạt động (--all: cả người đã gỡ)
           --json: [{ "email", "name", "role", "active", "createdAt", "updatedAt" }]
  remove   gỡ quyền (ngừng hoạt động; mọi phiên đăng nhập bị từ chối từ yêu cầu kế tiếp).
           Không gỡ được quản trị viên cuối cùng.
  link     in một đường dẫn đăng nhập dùng một lần, hiệu lực 15 phút:
           <địa chỉ cổng>${CONSOLE_PATH}/sign-in/<mã>
           (mở đường dẫn chưa đăng nhập ngay: trang hiện nút "Đăng nhập", bấm nút mới dùng đường dẫn)

Mỗi thay đổi được ghi vào nhật ký thao tác (người chạy lệnh: tài khoản hệ điều hành, và
AWS_PROFILE với TONGHOP_TARGET=aws). Không cần chạy npm start.
Exit: 0 thành công, 1 bị từ chối (đã có, không có, quản trị viên cuối cùng, dữ liệu không hợp lệ),
2 sai cú pháp.`;

function operatorJson(o: Operator) {
  return { email: o.email, name: o.name, role: o.role, active: o.active, createdAt: o.createdAt, updatedAt: o.updatedAt };
}

function noPositionals(positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
}

function requireEmail(email: string | undefined): string {
  if (!email) throw new UsageError('Thiếu --email <email>.');
  return email;
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean' } });
  noPositionals(positionals);
  if (!values.email || !values.name || !values.role) throw new UsageError(`Cần --email, --name và --role (${OPERATOR_ROLES.join(' | ')}).`);
  const added = await withLocalDeps((deps, context) => addOperator(deps, { email: values.email, name: values.name, role: values.role, actor: cliActor(context.target) }));
  if (values.json) process.stdout.write(JSON.stringify(operatorJson(added), null, 2) + '\n');
  else process.stdout.write(`Đã thêm ${added.name} <${added.email}>, vai trò ${added.role} (${OPERATOR_ROLE_LABELS[added.role]}).\nĐăng nhập: npx tonghop operators link --email ${added.email}\n`);
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' }, all: { type: 'boolean' } });
  noPositionals(positionals);
  const all = await withLocalDeps((deps) => deps.operators.list());
  const shown = values.all ? all : all.filter((o) => o.active);
  if (values.json) {
    process.stdout.write(JSON.stringify(shown.map(operatorJson), null, 2) + '\n');
    return 0;
  }
  if (shown.length === 0) {
    process.stderr.write('Chưa có cán bộ nào. Thêm: npx tonghop operators add --email <email> --name "<họ tên>" --role admin\n');
    return 0;
  }
  const width = Math.max(5, ...shown.map((o) => o.email.length));
  process.stdout.write(`${'Email'.padEnd(width)}  ${'Vai trò'.padEnd(8)}  Họ tên\n`);
  for (const o of shown) process.stdout.write(`${o.email.padEnd(width)}  ${o.role.padEnd(8)}  ${o.name}${o.active ? '' : ' (đã gỡ)'}\n`);
  return 0;
}

async function remove(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { email: { type: 'string' }, json: { type: 'boolean' } });
  noPositionals(positionals);
  const email = requireEmail(values.email);
  const removed = await withLocalDeps((deps, context) => removeOperator(deps, { email, actor: cliActor(context.target) }));
  if (values.json) process.stdout.write(JSON.stringify(operatorJson(removed), null, 2) + '\n');
  else process.stdout.write(`Đã gỡ quyền của ${removed.name} <${removed.email}>: các phiên đăng nhập của người này không còn hiệu lực.\n`);
  return 0;
}

async function link(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { email: { type: 'string' }, json: { type: 'boolean' } });
  noPositionals(positionals);
  const email = requireEmail(values.email);
  const result = await withLocalDeps((deps, context) => createOperatorSignInLink(deps, { email, actor: cliActor(context.target) }));
  if (values.json) process.stdout.write(JSON.stringify({ email: result.operator.email, url: result.url, expiresAt: result.expiresAt.toISOString() }, null, 2) + '\n');
  else {
    process.stdout.write(`Đường dẫn đăng nhập cho ${result.operator.name} <${result.operator.email}> (dùng một lần, hiệu lực đến ${formatLocalDateTime(result.expiresAt)}):\n${result.url}\n`);
    process.stderr.write('Mở đường dẫn trong trình duyệt rồi bấm nút "Đăng nhập" để vào trang quản trị; đường dẫn chỉ dùng được một lần.\n');
  }
  return 0;
}

export const command: CliCommand = subcommands('operators', help, { add, list, remove, link });
