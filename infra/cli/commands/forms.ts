/**
 * `npx tonghop forms check <file.json|file.xlsx> [--json]`: a dry run of a form definition, as
 * JSON or as a definition workbook ("Thiết kế biểu mẫu"). Lists every problem (schema,
 * references, duplicate Mã số, safety limits) in Vietnamese, not just the first; a workbook's
 * problems name their sheet, row and column.
 * Needs no storage: no emulators, no AWS SDK (so this module must not import `../context`).
 * Exit 0 clean, 1 problems, 2 usage or read error.
 */
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkFormDefinition, DEFINITION_LIMITS, formatDefinitionProblems, type DefinitionProblem } from '../../../functions/core/forms/check-definition';
import { formatWorkbookProblems, readDefinitionWorkbook, type WorkbookProblem } from '../../../functions/core/forms/authoring-workbook';
import { UsageError, type CliCommand } from '../command';

const L = DEFINITION_LIMITS;

const help = `Cách dùng:
  npx tonghop forms check <tệp.json|tệp.xlsx> [--json]

Kiểm tra thử một định nghĩa biểu mẫu (JSON, hoặc tệp Excel "Thiết kế biểu mẫu" theo mẫu
templates/thiet-ke-bieu-mau.xlsx) mà không lưu gì: liệt kê MỌI lỗi, mỗi lỗi một dòng
  • <vị trí>: <thông báo> [MÃ LỖI]
(với tệp Excel, vị trí là trang, dòng và cột)
gồm lỗi cấu trúc, cột/trường không tồn tại trong quy tắc, tỷ lệ, bảng, mã số hoặc khóa bị trùng,
và các giới hạn an toàn: tối đa ${L.maxBytes / 1024} KB, ${L.maxRowsTotal} dòng, ${L.maxColumnsPerSection} cột mỗi phần,
${L.maxSections} phần, ${L.maxTables} bảng, ${L.maxRules.toLocaleString('vi-VN')} quy tắc; nhãn tối đa ${L.maxTextLength} ký tự, thông báo tối đa ${L.maxMessageLength.toLocaleString('vi-VN')} ký tự.
  --json  in { "ok", "problems": [{ "path", "code", "message" }] }
          (tệp Excel: [{ "sheet", "row", "column", "header", "code", "message" }])
Exit: 0 không có lỗi, 1 có lỗi, 2 sai cú pháp hoặc không đọc được tệp.`;

/** Files up to this size are read and checked in full (a definition over the limit is still refused, with its other problems). */
const READ_CAP = 4 * L.maxBytes;

/** Reads at most `max + 1` bytes: a bigger file is reported as too large without being read whole. */
async function readBoundedBytes(file: string, max: number): Promise<Buffer | { tooLarge: true }> {
  const handle = await open(file, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UsageError(`Không phải tệp: ${file}`);
    if (stat.size > max) return { tooLarge: true };
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) return { tooLarge: true };
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** A definition workbook's size cap (the same as an upload's). */
const XLSX_CAP = 5 * 1024 * 1024;

async function workbookProblemsOf(file: string): Promise<WorkbookProblem[]> {
  const bytes = await readBoundedBytes(file, XLSX_CAP);
  if ('tooLarge' in bytes) return [{ sheet: '(cả tệp)', code: 'FILE_TOO_LARGE', message: `Tệp quá lớn (trên ${XLSX_CAP / 1024 / 1024} MB), không đọc.` }];
  return (await readDefinitionWorkbook(bytes)).problems;
}

async function problemsOf(file: string): Promise<DefinitionProblem[]> {
  const bytes = await readBoundedBytes(file, READ_CAP);
  const read = 'tooLarge' in bytes ? bytes : { text: bytes.toString('utf8') };
  if ('tooLarge' in read) return [{ path: '(toàn bộ định nghĩa)', code: 'DEF_TOO_LARGE', message: `Tệp quá lớn (trên ${READ_CAP / 1024} KB), không đọc; định nghĩa tối đa ${L.maxBytes / 1024} KB.` }];
  let raw: unknown;
  try {
    raw = JSON.parse(read.text.replace(/^\uFEFF/, ''));
  } catch {
    return [{ path: '(toàn bộ định nghĩa)', code: 'DEF_NOT_JSON', message: 'Tệp không phải JSON hợp lệ.' }];
  }
  return checkFormDefinition(raw).problems;
}

async function check(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch {
    throw new UsageError('Tùy chọn không hợp lệ (chỉ có --json).');
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'Thiếu tệp định nghĩa biểu mẫu (.json hoặc .xlsx).' : 'Chỉ kiểm tra một tệp mỗi lần.');
  const file = positionals[0]!;
  const workbook = /\.(xlsx|xlsm|xls|ods)$/i.test(file);
  let problems: Array<DefinitionProblem | WorkbookProblem>;
  try {
    problems = workbook ? await workbookProblemsOf(file) : await problemsOf(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(`Lỗi: không đọc được tệp ${file}${code === 'ENOENT' ? ' (không tồn tại)' : ''}.\n`);
    return 2;
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ ok: problems.length === 0, problems }, null, 2) + '\n');
  } else if (problems.length === 0) {
    process.stdout.write(`Định nghĩa biểu mẫu ${file} hợp lệ: không có lỗi.\n`);
  } else {
    const lines = workbook ? formatWorkbookProblems(problems as WorkbookProblem[]) : formatDefinitionProblems(problems as DefinitionProblem[]);
    process.stdout.write(`Định nghĩa biểu mẫu ${file} có ${problems.length} lỗi:\n${lines}\n`);
  }
  return problems.length === 0 ? 0 : 1;
}

export const command: CliCommand = {
  help,
  async run(args) {
    const [sub, ...rest] = args;
    try {
      if (sub === 'check') return await check(rest);
      throw new UsageError(sub ? `Lệnh con không tồn tại: forms ${sub}` : 'Thiếu lệnh con: check');
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`Lỗi: ${err.message}\n\n${help}\n`);
      return 2;
    }
  },
};
