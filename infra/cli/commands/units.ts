/**
 * `tonghop units list [--json] [--all]`, `tonghop units import <file.csv|file.xlsx>`,
 * `tonghop units revoke <code>` and `tonghop units generate --count <n> --out <file>`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { UNIT_CODE_PATTERN, type Unit } from '../../../functions/core/model';
import type { UnitTypeRegistry } from '../../../functions/core/units/unit-types';
import { SAMPLE_PROVINCE } from '../../local/sample-province';
import { recordCliAudit } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps, type CliContext } from '../context';

const help = `Cách dùng:
  npx tonghop units list [--json] [--all]
  npx tonghop units import <tệp.csv|tệp.xlsx> [--json]
  npx tonghop units revoke <mã đơn vị>
  npx tonghop units generate --count <số> --out <tệp.xlsx|tệp.csv>

Danh sách đơn vị báo cáo (list) và nhập danh sách đơn vị từ tệp CSV hoặc Excel (import).

  list            In các đơn vị đang hoạt động (--all: cả đơn vị đã ngừng).
                  --json: [{ "code", "name", "type", "emails": [] }]
  import <tệp>    Cột: code, name, type, emails, active (mẫu trống: templates/units-import.csv,
                  templates/units-import.xlsx). Tất cả hoặc không: có một dòng lỗi thì không ghi
                  đơn vị nào và in từng dòng lỗi. Đơn vị đã có giữ nguyên khóa đường dẫn.
  revoke <mã>     Thu hồi mọi đường dẫn nộp báo cáo đã cấp cho đơn vị (đổi khóa của đơn vị);
                  cấp đường dẫn mới: npx tonghop links --period <kỳ> --unit <mã>.
  generate        Tạo danh sách đơn vị giả lập để thử tải (không ghi vào hệ thống): --count đơn vị
                  (1–20.000), tên tiếng Việt theo từng loại đơn vị đang dùng của hệ thống (các
                  ban, sở, đoàn thể của tỉnh, còn lại là cấp ủy địa phương; khoảng 300 đơn vị một
                  tỉnh), mã và email không trùng (email đuôi .example, không gửi tới ai). Tệp
                  --out đúng định dạng của import: npx tonghop units import <tệp>.

Không cần chạy npm start: lệnh tự khởi động DynamoDB/S3 nhúng trên thư mục dữ liệu
(TONGHOP_DATA_DIR, mặc định .local); nếu npm start đang chạy trên thư mục đó, lệnh dùng chính
tiến trình đang chạy.
Exit: 0 thành công (kể cả khi chưa có đơn vị nào: list in [] hoặc không in gì, và ghi ra stderr
cách tạo danh sách), 1 tệp có dòng lỗi (không ghi gì), 2 sai cú pháp hoặc lỗi đọc tệp.`;

function unitJson(u: Unit) {
  return { code: u.code, name: u.name, type: u.type, emails: u.emails };
}

function printTable(units: Unit[], out: NodeJS.WritableStream, unitTypes: UnitTypeRegistry): void {
  const width = Math.max(4, ...units.map((u) => u.code.length));
  out.write(`${'Mã'.padEnd(width)}  ${'Loại'.padEnd(19)}  Tên đơn vị — email\n`);
  for (const u of units) {
    const inactive = u.active ? '' : ' (ngừng)';
    out.write(`${u.code.padEnd(width)}  ${u.type.padEnd(19)}  ${u.name}${inactive} — ${u.emails.join(', ') || '(chưa có email)'}\n`);
  }
  const byType = new Map<string, number>();
  for (const u of [...units].sort((a, b) => unitTypes.compare(a.type, b.type))) byType.set(u.type, (byType.get(u.type) ?? 0) + 1);
  out.write(`\n${units.length} đơn vị: ${[...byType].map(([t, n]) => `${n} ${unitTypes.label(t).toLowerCase()}`).join('; ')}\n`);
}

/**
 * Why a listing came back empty and what to run. On stderr, so `--json` stays an array; the exit
 * code stays 0 (an empty registry is an answer, not a failure of the command).
 */
function emptyListHint(registered: Unit[], context: CliContext): string {
  if (registered.length > 0) return `Không có đơn vị nào đang hoạt động (${registered.length} đơn vị đã ngừng: thêm --all để xem).`;
  const importHint = 'npx tonghop units import <tệp.csv|tệp.xlsx> (mẫu trống: templates/units-import.csv)';
  if (context.target === 'aws') return `Stack đã triển khai chưa có danh sách đơn vị. Nhập danh sách đơn vị của tỉnh: TONGHOP_TARGET=aws ${importHint}.`;
  return `Thư mục dữ liệu ${context.config.dataDir} chưa có danh sách đơn vị. Chạy npm start (lần đầu tạo sẵn ${SAMPLE_PROVINCE.length} đơn vị mẫu của tỉnh), hoặc nhập danh sách đơn vị của tỉnh: ${importHint}.`;
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' }, all: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  const { registered, context, unitTypes } = await withLocalDeps(async (deps, context) => ({ registered: await deps.units.list({ includeInactive: true }), context, unitTypes: (await deps.catalog).unitTypes }));
  const units = values.all ? registered : registered.filter((u) => u.active);
  if (values.json) process.stdout.write(JSON.stringify(units.map(unitJson), null, 2) + '\n');
  else if (units.length > 0) printTable(units, process.stdout, unitTypes);
  if (units.length === 0) process.stderr.write(`${emptyListHint(registered, context)}\n`);
  return 0;
}

async function importFile(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('Cần đúng một tệp: npx tonghop units import <tệp.csv|tệp.xlsx>');
  const bytes = await readFile(file);
  // Loaded here: the parser pulls in exceljs, which `units list` does not need.
  const { importUnits, UnitImportError } = await import('../../../functions/core/usecases/import-units');
  try {
    const result = await withLocalDeps(async (deps, context) => {
      const imported = await importUnits({ units: deps.units, unitTypes: (await deps.catalog).unitTypes }, { bytes, fileName: file });
      // Unit codes only: the file's contents (names, addresses) stay in the registry.
      await recordCliAudit(deps, context, {
        action: 'units.import',
        target: 'units',
        after: { total: imported.total, created: imported.created.slice(0, 100), updated: imported.updated.slice(0, 100), unchanged: imported.unchanged.length },
      });
      return imported;
    });
    if (values.json) process.stdout.write(JSON.stringify({ ok: true, ...result }, null, 2) + '\n');
    else {
      process.stdout.write(`Đã nhập ${result.total} đơn vị: ${result.created.length} mới, ${result.updated.length} cập nhật, ${result.unchanged.length} không đổi.\n`);
      if (result.created.length > 0) process.stdout.write(`Mới: ${result.created.join(', ')}\n`);
      if (result.updated.length > 0) process.stdout.write(`Cập nhật: ${result.updated.join(', ')}\n`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof UnitImportError)) throw err;
    if (values.json) process.stdout.write(JSON.stringify({ ok: false, code: err.code, issues: err.issues }, null, 2) + '\n');
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
}

async function revoke(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  const [code, ...extra] = positionals;
  if (!code || extra.length > 0) throw new UsageError('Cần đúng một mã đơn vị: npx tonghop units revoke <mã đơn vị>');
  if (!UNIT_CODE_PATTERN.test(code)) throw new UsageError('Mã đơn vị không hợp lệ: chỉ dùng chữ cái không dấu, chữ số, "-" hoặc "_", tối đa 40 ký tự (ví dụ SO-NV).');
  const keyVersion = await withLocalDeps(async (deps, context) => {
    const version = await deps.units.bumpKeyVersion(code);
    await recordCliAudit(deps, context, { action: 'units.revoke-links', target: code, before: { keyVersion: version - 1 }, after: { keyVersion: version } });
    return version;
  });
  process.stdout.write(`Đã thu hồi mọi đường dẫn nộp báo cáo của đơn vị ${code} (khóa mới: phiên bản ${keyVersion}).\nCấp đường dẫn mới: npx tonghop links --period <kỳ> --unit ${code}\n`);
  return 0;
}

async function generate(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { count: { type: 'string' }, out: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  const { MAX_SYNTHETIC_UNITS, generateSyntheticProvince, writeUnitsCsv, writeUnitsWorkbook } = await import('../../../functions/core/units/synthetic-province');
  const count = Number(values.count);
  if (!values.count || !/^\d+$/.test(values.count.trim()) || count < 1 || count > MAX_SYNTHETIC_UNITS) {
    throw new UsageError(`--count phải là số nguyên từ 1 đến ${MAX_SYNTHETIC_UNITS.toLocaleString('vi-VN')} (ví dụ --count 10000).`);
  }
  const out = values.out;
  if (!out || !/\.(xlsx|csv)$/i.test(out)) throw new UsageError('Cần --out <tệp.xlsx|tệp.csv>, ví dụ --out units.xlsx.');
  const types = await withLocalDeps(async (deps) => (await deps.catalog).unitTypes.offered());
  const units = generateSyntheticProvince(types, count);
  await writeFile(out, /\.csv$/i.test(out) ? writeUnitsCsv(units) : await writeUnitsWorkbook(units));
  const byType = new Map<string, number>();
  for (const u of units) byType.set(u.type, (byType.get(u.type) ?? 0) + 1);
  process.stdout.write(`Đã ghi ${units.length.toLocaleString('vi-VN')} đơn vị giả lập vào ${out}: ${[...byType].map(([t, n]) => `${n.toLocaleString('vi-VN')} ${t}`).join('; ')}.\nNhập vào hệ thống: npx tonghop units import ${out}\n`);
  return 0;
}

export const command: CliCommand = subcommands('units', help, { list, import: importFile, revoke, generate });
