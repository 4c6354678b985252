/**
 * `npx tonghop forms check|publish|list|show|export|retire`: form definitions.
 * - check: a dry run of a definition file. Lists every problem (schema, references, duplicate Mã
 *   số, safety limits) in Vietnamese, not just the first. Needs no storage (no emulators, no AWS
 *   SDK: `../context` is imported only by the subcommands that need it).
 * - publish, list, show, export, retire: the run-time catalog (the data dir's, or the deployed
 *   stack's with TONGHOP_TARGET=aws). Publishing and retiring are audited.
 * Exit 0 done (a publish of the same content again included), 1 problems or refused, 2 usage or read error.
 */
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkFormDefinition, DEFINITION_LIMITS, formatDefinitionProblems, type DefinitionProblem } from '../../../functions/core/forms/check-definition';
import type { FormCatalog, FormCatalogEntry } from '../../../functions/core/forms/catalog';
import { exportFormats, readDefinitionFile, writeDefinitionFile, type DefinitionRead } from '../../../functions/core/forms/definition-files';
import type { FormDefinition } from '../../../functions/core/forms/definition';
import { PERIOD_TYPE_LABELS } from '../../../functions/core/periods';
import type { FormDefinitionStore } from '../../../functions/core/ports';
import { UsageError, type CliCommand } from '../command';
import { existsSync } from 'node:fs';
import { loadLocalConfig } from '../../local/config';
import { createUnitTypeRegistry, UNIT_TYPES_2019, type UnitTypeRegistry } from '../../../functions/core/units/unit-types';

const L = DEFINITION_LIMITS;

const help = `Cách dùng:
  npx tonghop forms check <tệp.json|tệp.xlsx> [--json]
  npx tonghop forms publish <tệp.json|tệp.xlsx> [--effective-from <kỳ>] [--json]
  npx tonghop forms list [--json]
  npx tonghop forms show <mã biểu mẫu> [--version <n>] [--json]
  npx tonghop forms export <mã biểu mẫu> [--version <n>] --format json|xlsx --out <tệp>
  npx tonghop forms retire <mã biểu mẫu>

check — kiểm tra thử một định nghĩa biểu mẫu (JSON, hoặc tệp Excel "Thiết kế biểu mẫu" theo mẫu
  templates/thiet-ke-bieu-mau.xlsx) mà không lưu gì: liệt kê MỌI lỗi, mỗi lỗi một dòng
  • <vị trí>: <thông báo> [MÃ LỖI]
(với tệp Excel, vị trí là trang, dòng và cột)
gồm lỗi cấu trúc, cột/trường không tồn tại trong quy tắc, tỷ lệ, bảng, mã số hoặc khóa bị trùng,
và các giới hạn an toàn: tối đa ${L.maxBytes / 1024} KB, ${L.maxRowsTotal} dòng, ${L.maxColumnsPerSection} cột mỗi phần,
${L.maxSections} phần, ${L.maxTables} bảng, ${L.maxRules.toLocaleString('vi-VN')} quy tắc; nhãn tối đa ${L.maxTextLength} ký tự, thông báo tối đa ${L.maxMessageLength.toLocaleString('vi-VN')} ký tự.
Loại đơn vị được đối chiếu với danh sách của hệ thống (TONGHOP_DATA_DIR, hoặc AWS với
TONGHOP_TARGET=aws); khi chưa có thư mục dữ liệu: các loại của tỉnh mẫu (TONGHOP_SAMPLE).
  --json  in { "ok", "problems": [{ "path", "code", "message" }] }
          (tệp Excel: [{ "sheet", "row", "column", "header", "code", "message" }])

publish — kiểm tra rồi phát hành định nghĩa vào hệ thống (không cần khởi động lại, không sửa mã):
  mỗi phiên bản (id + version) phát hành một lần và không sửa được. Phát hành lại đúng nội dung
  đó: không thay đổi gì (exit 0); nội dung khác dưới cùng id + version: bị từ chối
  [FORM_VERSION_CONFLICT] — tăng "version". --effective-from <kỳ>: phiên bản mới áp dụng từ kỳ
  này (kỳ cùng loại với biểu mẫu: 2027-01, 2027-Q1, 2027-H1, 2027); các kỳ trước vẫn dùng phiên
  bản cũ. Không có: phiên bản mới của biểu mẫu đã có áp dụng cho mọi kỳ; biểu mẫu mới hoàn toàn
  áp dụng từ kỳ đơn vị đang báo cáo (các kỳ trước không bị tính là chưa nộp).
list    — các biểu mẫu, phiên bản, kỳ áp dụng và tình trạng (--json: [{ "id", "name",
  "periodType", "latestVersion", "versions": [{ "version", "effectiveFrom", "publishedAt",
  "publishedBy", "sha256" }], "retired" }]).
show    — một biểu mẫu (mặc định phiên bản mới nhất); --json in toàn bộ định nghĩa.
export  — ghi định nghĩa ra tệp; phát hành lại tệp này không thay đổi gì.
retire  — ngừng sử dụng biểu mẫu: không còn trên trang của đơn vị, không nhắc, không tổng hợp
  theo lịch; lịch sử và các phiên bản cũ vẫn đọc được.
publish và retire được ghi vào nhật ký thao tác. Dữ liệu: TONGHOP_DATA_DIR (hoặc hệ thống trên AWS
với TONGHOP_TARGET=aws). Hệ thống đang chạy (npm start) thấy thay đổi trong vài giây; trên AWS
trong tối đa 5 phút.
Exit: 0 thành công, 1 có lỗi hoặc bị từ chối, 2 sai cú pháp hoặc không đọc được tệp.`;

/** Files up to this size are read and checked in full (a definition over the limit is still refused, with its other problems). */
const READ_CAP = 4 * L.maxBytes;

/** Reads at most `max + 1` bytes: a bigger file is reported as too large without being read whole. */
async function readBounded(file: string, max: number): Promise<{ bytes: Buffer } | { tooLarge: true }> {
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
    return { bytes: buffer.subarray(0, length) };
  } finally {
    await handle.close();
  }
}

/** A definition workbook's size cap (the same as an upload's). */
const XLSX_CAP = 5 * 1024 * 1024;

/** A definition file read by its extension (a definition workbook .xlsx, else JSON; see definition-files.ts). */
async function readDefinition(file: string): Promise<DefinitionRead> {
  const workbook = /\.(xlsx|xls|ods)$/i.test(file);
  const read = await readBounded(file, workbook ? XLSX_CAP : READ_CAP);
  if ('tooLarge' in read && workbook) return { problems: [{ path: 'Cả tệp', sheet: '(cả tệp)', code: 'FILE_TOO_LARGE', message: `Tệp quá lớn (trên ${XLSX_CAP / 1024 / 1024} MB), không đọc.` }] };
  if ('tooLarge' in read) return { problems: [{ path: '(toàn bộ định nghĩa)', code: 'DEF_TOO_LARGE', message: `Tệp quá lớn (trên ${READ_CAP / 1024} KB), không đọc; định nghĩa tối đa ${L.maxBytes / 1024} KB.` }] };
  // A spreadsheet goes to its reader; anything else is read as JSON, as it always was.
  return readDefinitionFile(read.bytes, /\.(xlsx|xls|ods)$/i.test(file) ? file : 'definition.json');
}

async function problemsOf(file: string): Promise<DefinitionProblem[]> {
  const read = await readDefinition(file);
  return 'problems' in read ? read.problems : checkFormDefinition(read.raw, { unitTypes: await unitTypesToCheckAgainst() }).problems;
}

/**
 * The unit types a definition is checked against: the deployment's (its data dir once started, or
 * the stack with TONGHOP_TARGET=aws) — else, with no data dir yet, those its first start will
 * seed (TONGHOP_SAMPLE: 2019 or 2025), so nothing is stored and no emulator starts for a dry run.
 */
async function unitTypesToCheckAgainst(): Promise<UnitTypeRegistry> {
  const config = loadLocalConfig(process.env);
  if (process.env.TONGHOP_TARGET !== 'aws' && !existsSync(config.dataDir)) {
    const { UNIT_TYPES_2025 } = await import('../../local/sample-province');
    return createUnitTypeRegistry(config.sample === '2025' ? UNIT_TYPES_2025 : UNIT_TYPES_2019);
  }
  const { withLocalDeps } = await context();
  const { loadUnitTypeRegistry } = await import('../../../functions/core/usecases/manage-unit-types');
  return withLocalDeps((deps) => loadUnitTypeRegistry(deps.unitTypeStore));
}

/** Reads a file argument, printing a read error (exit 2) in words a user can act on. */
async function withFile<T>(file: string, fn: () => Promise<T>): Promise<T | 2> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw err;
    process.stderr.write(`Lỗi: không đọc được tệp ${file}${code === 'ENOENT' ? ' (không tồn tại)' : ''}.\n`);
    return 2;
  }
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
  const problems = await withFile(file, () => problemsOf(file));
  if (problems === 2) return 2;
  if (values.json) {
    // A workbook's problem is located by sheet, row and column; its `path` only says the same in words.
    const shown = problems.map(({ path, ...rest }) => (rest.sheet === undefined ? { path, ...rest } : rest));
    process.stdout.write(JSON.stringify({ ok: problems.length === 0, problems: shown }, null, 2) + '\n');
  } else if (problems.length === 0) {
    process.stdout.write(`Định nghĩa biểu mẫu ${file} hợp lệ: không có lỗi.\n`);
  } else {
    const lines = formatDefinitionProblems(problems);
    process.stdout.write(`Định nghĩa biểu mẫu ${file} có ${problems.length} lỗi:\n${lines}\n`);
  }
  return problems.length === 0 ? 0 : 1;
}

/** Storage: the context module (and with it the AWS SDK) is loaded only by the subcommands that need it. */
const context = () => import('../context');
const cliAudit = () => import('../audit');

function parse<O extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`Tùy chọn không hợp lệ: ${(err as Error).message}`, { cause: err });
  }
}

function onePositional(positionals: string[], missing: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? missing : `Thừa tham số: ${positionals.slice(1).join(' ')}`);
  return positionals[0]!;
}

function versionOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new UsageError('--version phải là số nguyên dương.');
  return Number(value);
}

/** The form (a version, or the latest), else a NotFoundError FORM_NOT_FOUND (exit 1). */
function formOf(catalog: FormCatalog, formId: string, version: number | undefined): FormDefinition {
  return catalog.require(formId.slice(0, 64), version);
}

async function publish(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { 'effective-from': { type: 'string' }, json: { type: 'boolean' } });
  const file = onePositional(positionals, 'Thiếu tệp định nghĩa biểu mẫu (.json).');
  const read = await withFile(file, () => readDefinition(file));
  if (read === 2) return 2;
  const { withLocalDeps } = await context();
  const { cliActor } = await cliAudit();
  const { publishFormDefinition } = await import('../../../functions/core/usecases/publish-form');
  const result = await withLocalDeps(async (deps, ctx) => {
    if ('problems' in read) return { outcome: 'invalid' as const, problems: read.problems };
    const catalog = await deps.catalog;
    return publishFormDefinition({ forms: deps.formStore, clock: deps.clock, audit: deps.audit, catalog, unitTypes: catalog.unitTypes }, { raw: read.raw, effectiveFrom: values['effective-from'], actor: cliActor(ctx.target) });
  });
  if (result.outcome === 'invalid') {
    if (values.json) process.stdout.write(JSON.stringify({ outcome: 'invalid', problems: result.problems }, null, 2) + '\n');
    else process.stdout.write(`Không phát hành: định nghĩa ${file} có ${result.problems.length} lỗi:\n${formatDefinitionProblems(result.problems)}\n`);
    return 1;
  }
  const { form, entry } = result;
  if (values.json) {
    process.stdout.write(JSON.stringify({ outcome: result.outcome, formId: form.id, version: form.version, sha256: entry.sha256, effectiveFrom: entry.effectiveFrom ?? null, publishedAt: entry.publishedAt, publishedBy: entry.publishedBy }, null, 2) + '\n');
  } else if (result.outcome === 'published') {
    process.stdout.write(`Đã phát hành biểu mẫu ${form.id} phiên bản ${form.version} — ${form.name}${entry.effectiveFrom ? `, áp dụng từ kỳ ${entry.effectiveFrom}` : ''}.\n`);
  } else {
    process.stdout.write(`Biểu mẫu ${form.id} phiên bản ${form.version} đã được phát hành với đúng nội dung này: không thay đổi gì.\n`);
  }
  return 0;
}

function entryJson(e: FormCatalogEntry) {
  return {
    id: e.id,
    name: e.name,
    periodType: e.periodType,
    latestVersion: e.latestVersion,
    versions: e.versions.map((v) => ({ version: v.version, effectiveFrom: v.effectiveFrom ?? null, publishedAt: v.publishedAt ?? null, publishedBy: v.publishedBy ?? null, sha256: v.sha256 ?? null })),
    retired: e.retired ?? null,
  };
}

/** The catalog of the data dir (or the stack), loaded and fresh, and the store its versions are read from. */
async function withCatalog<T>(fn: (catalog: FormCatalog, forms: FormDefinitionStore) => T | Promise<T>): Promise<T> {
  const { withLocalDeps } = await context();
  return withLocalDeps(async (deps) => {
    const catalog = await deps.catalog;
    await catalog.refresh();
    return fn(catalog, deps.formStore);
  });
}

/**
 * The definition as published (the catalog's copy carries the province calendar's days too):
 * what show --json and export print, so that publishing an export again changes nothing.
 */
async function writtenDefinition(catalog: FormCatalog, forms: FormDefinitionStore, formId: string, version: number | undefined): Promise<FormDefinition> {
  const { readPublishedDefinition } = await import('../../../functions/core/usecases/publish-form');
  return readPublishedDefinition(forms, formId.slice(0, 64), formOf(catalog, formId, version).version);
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  const entries = await withCatalog((c) => c.entries());
  if (values.json) {
    process.stdout.write(JSON.stringify(entries.map(entryJson), null, 2) + '\n');
    return 0;
  }
  if (entries.length === 0) process.stdout.write('Chưa có biểu mẫu nào được phát hành.\n');
  for (const e of entries) {
    const versions = e.versions.map((v) => `v${v.version}${v.effectiveFrom ? ` (từ ${v.effectiveFrom})` : ''}`).join(', ');
    const state = e.retired ? `ngừng sử dụng từ ${e.retired.retiredAt.slice(0, 10)}` : 'đang dùng';
    process.stdout.write(`${e.id}\t${e.name}\t${PERIOD_TYPE_LABELS[e.periodType]}\t${versions}\t${state}\n`);
  }
  return 0;
}

async function show(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { version: { type: 'string' }, json: { type: 'boolean' } });
  const formId = onePositional(positionals, 'Thiếu mã biểu mẫu.');
  const version = versionOption(values.version);
  const { form, entry, written } = await withCatalog(async (c, forms) => ({
    form: formOf(c, formId, version),
    entry: c.entries().find((e) => e.id === formId)!,
    written: values.json ? await writtenDefinition(c, forms, formId, version) : undefined,
  }));
  if (written) {
    process.stdout.write(JSON.stringify(written, null, 2) + '\n');
    return 0;
  }
  const info = entry.versions.find((v) => v.version === form.version);
  const rows = form.sections.reduce((n, s) => n + s.rows.length, 0);
  process.stdout.write(
    [
      `${form.id} phiên bản ${form.version} — ${form.name}`,
      `  Tiêu đề: ${form.title}`,
      `  Kỳ báo cáo: ${PERIOD_TYPE_LABELS[form.periodType]}`,
      `  Áp dụng: ${info?.effectiveFrom ? `từ kỳ ${info.effectiveFrom}` : 'mọi kỳ'}`,
      ...(info?.publishedAt ? [`  Phát hành: ${info.publishedAt} bởi ${info.publishedBy ?? '?'} (sha256 ${info.sha256 ?? '?'})`] : []),
      `  Các phiên bản: ${entry.versions.map((v) => v.version).join(', ')}`,
      `  Tình trạng: ${entry.retired ? `ngừng sử dụng từ ${entry.retired.retiredAt} (${entry.retired.retiredBy})` : 'đang dùng'}`,
      `  Gồm ${form.sections.length} phần, ${rows} chỉ tiêu, ${form.tables?.length ?? 0} bảng, ${form.rules.length} quy tắc kiểm tra.`,
    ].join('\n') + '\n',
  );
  return 0;
}

async function exportForm(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { version: { type: 'string' }, format: { type: 'string' }, out: { type: 'string', short: 'o' } });
  const formId = onePositional(positionals, 'Thiếu mã biểu mẫu.');
  const version = versionOption(values.version);
  const format = values.format ?? 'json';
  if (!exportFormats().includes(format)) {
    throw new UsageError(format === 'xlsx' ? 'Chưa xuất được định dạng xlsx (sổ thiết kế biểu mẫu) trong phiên bản này; dùng --format json.' : `Định dạng không hỗ trợ: ${format.slice(0, 16)} (dùng: ${exportFormats().join(', ')}).`);
  }
  if (!values.out) throw new UsageError('Thiếu --out <tệp>.');
  const form = await withCatalog((c, forms) => writtenDefinition(c, forms, formId, version));
  const bytes = (await writeDefinitionFile(form, format))!;
  const out = resolve(values.out);
  await writeFile(out, bytes);
  process.stdout.write(`Đã ghi ${out} — ${form.id} phiên bản ${form.version} (${bytes.length.toLocaleString('vi-VN')} byte).\n`);
  return 0;
}

async function retire(args: string[]): Promise<number> {
  const { positionals } = parse(args, {});
  const formId = onePositional(positionals, 'Thiếu mã biểu mẫu.');
  const { withLocalDeps } = await context();
  const { cliActor } = await cliAudit();
  const { retireForm } = await import('../../../functions/core/usecases/publish-form');
  const result = await withLocalDeps(async (deps, ctx) => retireForm({ forms: deps.formStore, clock: deps.clock, audit: deps.audit, catalog: await deps.catalog }, { formId: formId.slice(0, 64), actor: cliActor(ctx.target) }));
  process.stdout.write(
    result.outcome === 'retired'
      ? `Đã ngừng sử dụng biểu mẫu ${formId}: không còn trên trang của đơn vị, không nhắc, không tổng hợp theo lịch; lịch sử vẫn giữ.\n`
      : `Biểu mẫu ${formId} đã ngừng sử dụng từ ${result.retiredAt} (${result.retiredBy}): không thay đổi gì.\n`,
  );
  return 0;
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = { check, publish, list, show, export: exportForm, retire };

export const command: CliCommand = {
  help,
  async run(args) {
    const [sub, ...rest] = args;
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub];
    try {
      if (!handler) throw new UsageError(sub ? `Lệnh con không tồn tại: forms ${sub.slice(0, 32)}` : `Thiếu lệnh con: ${Object.keys(SUBCOMMANDS).join(' | ')}`);
      return await handler(rest);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`Lỗi: ${err.message}\n\n${help}\n`);
        return 2;
      }
      if (sub === 'check') throw err;
      const { reportCliError } = await context();
      return reportCliError(err, help);
    }
  },
};
