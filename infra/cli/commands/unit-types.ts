/**
 * `tonghop unit-types list|add|edit|remove`: the deployment's unit types (loại đơn vị), on the
 * local data dir or, with TONGHOP_TARGET=aws, on a deployed stack. Every change is audited.
 */
import type { UnitTypeInfo } from '../../../functions/core/units/unit-types';
import { addUnitType, editUnitType, loadUnitTypes, removeUnitType, type UnitTypePatch } from '../../../functions/core/usecases/manage-unit-types';
import { recordCliAudit } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps } from '../context';

const help = `Cách dùng:
  npx tonghop unit-types list [--json]
  npx tonghop unit-types add <mã> --name "…" [--plural "…"] [--order <số>] [--legacy]
  npx tonghop unit-types edit <mã> [--name "…"] [--plural "…"] [--order <số>] [--legacy | --current]
  npx tonghop unit-types remove <mã>

Loại đơn vị (loại đơn vị báo cáo) của hệ thống: mã (a-z, 0-9, "-", tối đa 40 ký tự, ví dụ
dang-uy-xa), tên (một đơn vị: "Đảng ủy xã, phường, đặc khu"), tên gọi chung (--plural, dùng làm
tiêu đề nhóm và trong bảng tổng hợp; mặc định bằng tên) và thứ tự hiển thị (--order). Chưa lưu
gì thì hệ thống dùng 5 loại của cơ cấu 2019 (ban-dang, so-nganh, mttq-doan-the, huyen,
dang-uy-truc-thuoc). Tối đa 50 loại.

  list            In các loại theo thứ tự (--json: [{ "code", "name", "plural", "order", "legacy" }]).
  add <mã>        Thêm một loại.
  edit <mã>       Đổi tên, tên gọi chung, thứ tự; --legacy: loại cũ (giữ cho đơn vị và biểu mẫu
                  cũ, không cho chọn khi thêm đơn vị mới); --current: bỏ đánh dấu loại cũ.
  remove <mã>     Xóa một loại. Bị từ chối khi còn đơn vị đang hoạt động thuộc loại đó hoặc
                  biểu mẫu có hạn nộp, phần, dòng dành cho loại đó (khi đó dùng edit --legacy).

Mỗi thay đổi được ghi vào nhật ký thao tác. npm start đang chạy dùng danh sách mới sau khi khởi
động lại. Với TONGHOP_TARGET=aws, lệnh làm việc trên hệ thống đã triển khai.
Exit: 0 thành công, 1 bị từ chối (mã đã có, đang được dùng…), 2 sai cú pháp.`;

const OPTIONS = {
  name: { type: 'string' },
  plural: { type: 'string' },
  order: { type: 'string' },
  legacy: { type: 'boolean' },
  current: { type: 'boolean' },
} as const;

function parseOrder(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,4}$/.test(value.trim())) throw new UsageError('--order phải là số nguyên từ 0 đến 9999.');
  return Number(value);
}

function oneCode(positionals: string[], usage: string): string {
  const [code, ...extra] = positionals;
  if (!code || extra.length > 0) throw new UsageError(`Cần đúng một mã loại đơn vị: ${usage}`);
  return code;
}

const audited = (t: UnitTypeInfo) => ({ name: t.name, plural: t.plural, order: t.order, legacy: t.legacy === true });

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  const { types, saved, counts } = await withLocalDeps(async (deps) => {
    const [stored, units] = await Promise.all([deps.unitTypeStore.read(), deps.units.list()]);
    const counts = new Map<string, number>();
    for (const u of units) counts.set(u.type, (counts.get(u.type) ?? 0) + 1);
    return { types: stored ? stored.types : await loadUnitTypes(deps.unitTypeStore), saved: stored !== undefined, counts };
  });
  const ordered = [...types].sort((a, b) => a.order - b.order || a.code.localeCompare(b.code));
  if (values.json) {
    process.stdout.write(JSON.stringify(ordered.map((t) => ({ code: t.code, name: t.name, plural: t.plural, order: t.order, legacy: t.legacy === true })), null, 2) + '\n');
    return 0;
  }
  const width = Math.max(4, ...ordered.map((t) => t.code.length));
  process.stdout.write(`${'Mã'.padEnd(width)}  TT    Đơn vị  Tên gọi chung — tên một đơn vị\n`);
  for (const t of ordered) {
    process.stdout.write(`${t.code.padEnd(width)}  ${String(t.order).padEnd(4)}  ${String(counts.get(t.code) ?? 0).padStart(6)}  ${t.plural} — ${t.name}${t.legacy ? ' (loại cũ, không dùng cho đơn vị mới)' : ''}\n`);
  }
  const unknown = [...counts].filter(([code]) => !types.some((t) => t.code === code));
  for (const [code, n] of unknown) process.stdout.write(`${code.padEnd(width)}  —     ${String(n).padStart(6)}  (không có trong danh sách: hiển thị bằng mã)\n`);
  if (!saved) process.stdout.write('\nChưa lưu danh sách riêng: đang dùng các loại đơn vị mặc định (cơ cấu 2019).\n');
  return 0;
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS);
  const code = oneCode(positionals, 'npx tonghop unit-types add <mã> --name "…"');
  if (values.name === undefined) throw new UsageError('Thiếu --name "<tên một đơn vị của loại này>".');
  if (values.current) throw new UsageError('--current chỉ dùng với edit.');
  const result = await withLocalDeps(async (deps, context) => {
    const added = await addUnitType(deps, { code, name: values.name!, plural: values.plural, order: parseOrder(values.order), legacy: values.legacy });
    await recordCliAudit(deps, context, { action: 'unit-types.add', target: code, after: { code, ...audited(added.after) } });
    return added;
  });
  process.stdout.write(`Đã thêm loại đơn vị ${result.after.code}: ${result.after.plural} (thứ tự ${result.after.order}).\n`);
  return 0;
}

async function edit(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, OPTIONS);
  const code = oneCode(positionals, 'npx tonghop unit-types edit <mã> [--name …] [--plural …] [--order n] [--legacy | --current]');
  if (values.legacy && values.current) throw new UsageError('Chọn một trong --legacy hoặc --current.');
  const patch: UnitTypePatch = {
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.plural !== undefined ? { plural: values.plural } : {}),
    ...(values.order !== undefined ? { order: parseOrder(values.order) } : {}),
    ...(values.legacy ? { legacy: true } : values.current ? { legacy: false } : {}),
  };
  if (Object.keys(patch).length === 0) throw new UsageError('Không có gì để sửa: dùng --name, --plural, --order, --legacy hoặc --current.');
  const result = await withLocalDeps(async (deps, context) => {
    const edited = await editUnitType(deps, code, patch);
    await recordCliAudit(deps, context, { action: 'unit-types.edit', target: code, before: audited(edited.before), after: audited(edited.after) });
    return edited;
  });
  process.stdout.write(`Đã sửa loại đơn vị ${code}: ${result.after.plural} (thứ tự ${result.after.order})${result.after.legacy ? ', loại cũ' : ''}.\n`);
  return 0;
}

async function remove(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  const code = oneCode(positionals, 'npx tonghop unit-types remove <mã>');
  await withLocalDeps(async (deps, context) => {
    const catalog = await deps.catalog;
    const forms = catalog.list().flatMap((f) => catalog.versions(f.id));
    const removed = await removeUnitType({ ...deps, forms }, code);
    await recordCliAudit(deps, context, { action: 'unit-types.remove', target: code, before: { code, ...audited(removed.before) } });
  });
  process.stdout.write(`Đã xóa loại đơn vị ${code}.\n`);
  return 0;
}

export const command: CliCommand = subcommands('unit-types', help, { list, add, edit, remove });
