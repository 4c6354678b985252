/**
 * `npx tonghop template <formId> --unit <code> --period <kỳ> --out <file.xlsx>` — the pre-filled
 * form for one unit; `--describe [--unit <code>] --json` — the cell map for third-party tools.
 * The unit comes from the registry of a running `npm start` on the data dir, else from the
 * sample province; `--unit-name` and `--unit-type` describe a unit that is in neither.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeForm, generateForm } from '../../../functions/core/forms';
import { loadCliCatalog } from '../cli-catalog';
import { AppError } from '../../../functions/core/errors';
import type { Unit, UnitType } from '../../../functions/core/model';
import { UNIT_TYPE_CODE_PATTERN, UNIT_TYPES_2019 } from '../../../functions/core/units/unit-types';
import { periodLabel } from '../../../functions/core/periods';
import type { CliCommand } from '../command';

const help = `Tạo biểu mẫu Excel điền sẵn cho một đơn vị, hoặc mô tả vị trí các ô.

Cách dùng:
  npx tonghop template <mã biểu mẫu> --unit <mã đơn vị> --period <kỳ> --out <tệp.xlsx>
  npx tonghop template <mã biểu mẫu> --unit-name "<tên>" --unit-type <loại> [--unit <mã>] --period <kỳ> --out <tệp.xlsx>
  npx tonghop template <mã biểu mẫu> --describe [--unit <mã> | --unit-type <loại>] [--json]
  npx tonghop template --list

Tùy chọn:
  --version <n>        phiên bản biểu mẫu (mặc định: phiên bản áp dụng cho --period, hoặc mới nhất)
  --templates <thư mục> đọc định nghĩa từ thư mục này (mặc định: các biểu mẫu đã phát hành trong
                       TONGHOP_DATA_DIR, gồm các biểu mẫu mẫu của templates/)
  Loại đơn vị: mã trong danh sách loại đơn vị (npx tonghop unit-types list), ví dụ ${UNIT_TYPES_2019.map((t) => t.code).join(', ')}
  Kỳ: 2026-03 (tháng), 2026-Q1 (quý), 2026-H1 (6 tháng), 2026 (năm)

Đơn vị được tra trong danh bạ của hệ thống đang chạy (npm start, TONGHOP_DATA_DIR), nếu không
có thì trong danh sách đơn vị mẫu của tỉnh.
Exit: 0 thành công, 1 không tìm thấy biểu mẫu/đơn vị, 2 sai cú pháp hoặc lỗi ghi tệp.`;

export const command: CliCommand = {
  help,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          unit: { type: 'string' },
          'unit-name': { type: 'string' },
          'unit-type': { type: 'string' },
          period: { type: 'string' },
          out: { type: 'string', short: 'o' },
          describe: { type: 'boolean' },
          json: { type: 'boolean' },
          list: { type: 'boolean' },
          version: { type: 'string' },
          templates: { type: 'string' },
        },
      });
    } catch (err) {
      return usage((err as Error).message);
    }
    const { values: o, positionals } = parsed;
    const catalog = await loadCliCatalog(o.templates);
    if (o.list) {
      for (const f of catalog.list()) process.stdout.write(`${f.id}\tv${f.version}\t${f.periodType}\t${f.name}\n`);
      return 0;
    }
    const formId = positionals[0];
    if (!formId || positionals.length > 1) return usage('Cần đúng một mã biểu mẫu.');
    const version = o.version === undefined ? undefined : Number(o.version);
    if (version !== undefined && !Number.isInteger(version)) return usage('--version phải là số nguyên.');
    // Without --version: the version that applies to --period (a newer one may start later), else the latest.
    const form = version === undefined && o.period ? (catalog.forPeriod(formId, o.period) ?? catalog.get(formId)) : catalog.get(formId, version);
    if (!form) {
      process.stderr.write(`Không có biểu mẫu "${formId}"${version ? ` phiên bản ${version}` : ''}. Các biểu mẫu: ${catalog.list().map((f) => f.id).join(', ')}\n`);
      return 1;
    }
    const unitType = o['unit-type'];
    if (unitType !== undefined && !UNIT_TYPE_CODE_PATTERN.test(unitType)) return usage('Loại đơn vị không hợp lệ: mã loại chỉ gồm a-z, 0-9 và "-", tối đa 40 ký tự (xem npx tonghop unit-types list).');

    if (o.describe) {
      let type = unitType as UnitType | undefined;
      if (!type && o.unit) {
        const unit = await findUnit(o.unit);
        if (!unit) return unitNotFound(o.unit);
        type = unit.type;
      }
      const description = describeForm(form, type);
      if (o.json) process.stdout.write(JSON.stringify(description, null, 2) + '\n');
      else {
        process.stdout.write(`${description.formId} v${description.version} — ${description.title}${type ? ` (${catalog.unitTypes.label(type)})` : ''}\n`);
        for (const f of description.fields) process.stdout.write(`  ${f.sheet}!${f.cell}\t${f.key}\t${f.type}${f.required ? ' (bắt buộc)' : ''}\t${f.label}\n`);
        for (const t of description.tables) {
          process.stdout.write(`  Bảng ${t.key}: từ dòng ${t.firstRow}, tối đa ${t.maxRows} dòng\n`);
          for (const c of t.columns) process.stdout.write(`    cột ${c.column}\t${c.key}\t${c.type}\t${c.label}\n`);
        }
      }
      return 0;
    }

    if (!o.period) return usage('Thiếu --period.');
    if (!o.out) return usage('Thiếu --out <tệp.xlsx>.');
    let unit: Pick<Unit, 'code' | 'name' | 'type'> | undefined;
    if (o['unit-name'] || unitType) {
      if (!o['unit-name'] || !unitType) return usage('--unit-name và --unit-type phải đi cùng nhau.');
      unit = { code: o.unit ?? 'KHONG-MA', name: o['unit-name'], type: unitType as UnitType };
    } else if (o.unit) {
      unit = await findUnit(o.unit);
      if (!unit) return unitNotFound(o.unit);
    } else return usage('Thiếu --unit <mã đơn vị> (hoặc --unit-name và --unit-type).');
    let bytes: Buffer;
    try {
      bytes = await generateForm({ form, unit, period: o.period });
    } catch (err) {
      if (err instanceof AppError) return usage(err.message);
      throw err;
    }
    const out = resolve(o.out);
    try {
      await writeFile(out, bytes);
    } catch (err) {
      process.stderr.write(`Không ghi được tệp ${out}: ${(err as Error).message}\n`);
      return 2;
    }
    process.stdout.write(`Đã tạo ${out} — ${form.name}, ${unit.name}, ${periodLabel(o.period)} (${bytes.length.toLocaleString('vi-VN')} byte)\n`);
    return 0;
  },
};

function usage(message: string): number {
  process.stderr.write(`${message}\n\n${help}\n`);
  return 2;
}

function unitNotFound(code: string): number {
  process.stderr.write(`Không tìm thấy đơn vị "${code}" trong danh bạ. Dùng --unit-name và --unit-type để tạo biểu mẫu cho đơn vị chưa có trong danh bạ.\n`);
  return 1;
}

/** The unit from the running instance's registry, else from the sample province. */
async function findUnit(code: string): Promise<Unit | undefined> {
  const fromRegistry = await lookupRunningRegistry(code).catch(() => undefined);
  if (fromRegistry) return fromRegistry;
  const { SAMPLE_PROVINCE } = await import('../../local/sample-province');
  return SAMPLE_PROVINCE.find((u) => u.code === code);
}

async function lookupRunningRegistry(code: string): Promise<Unit | undefined> {
  const { loadLocalConfig } = await import('../../local/config');
  const { composeLiveRuntime } = await import('../context');
  const deps = await composeLiveRuntime(loadLocalConfig().dataDir);
  if (!deps) return undefined;
  try {
    return await deps.units.get(code);
  } finally {
    deps.close();
  }
}

