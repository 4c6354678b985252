/**
 * `npx tonghop validate <file> [--json] [--feedback <out.xlsx>]` — checks a filled form exactly
 * as an upload is checked. Exit 0 accepted (warnings allowed), 1 refused, 2 usage or I/O error.
 * The baseline rule (trước sắp xếp vs the previous report) needs stored submissions and is not
 * checked here.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildFeedbackWorkbook, validateUpload } from '../../../functions/core/forms';
import { loadCliCatalog } from '../cli-catalog';
import type { ValidationIssue } from '../../../functions/core/model';
import { periodLabel } from '../../../functions/core/periods';
import type { CliCommand } from '../command';

const help = `Kiểm tra một tệp báo cáo như khi nộp.

Cách dùng:
  npx tonghop validate <tệp.xlsx> [--json] [--feedback <tệp-ghi-chú.xlsx>] [--max-bytes <n>]

  --json       in kết quả dạng JSON { accepted, formId, version, unit, period, values, errors, warnings }
  --feedback   ghi tệp Excel có đánh dấu ô lỗi (đỏ) / cảnh báo (vàng) và trang "Lỗi cần sửa"
  --max-bytes  giới hạn dung lượng tệp (mặc định 5 MB, hoặc TONGHOP_MAX_UPLOAD_BYTES)
Exit: 0 được chấp nhận (có thể có cảnh báo), 1 bị từ chối, 2 sai cú pháp hoặc lỗi đọc/ghi tệp.`;

export const command: CliCommand = {
  help,
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { json: { type: 'boolean' }, feedback: { type: 'string' }, 'max-bytes': { type: 'string' }, templates: { type: 'string' } },
      });
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n\n${help}\n`);
      return 2;
    }
    const { values: o, positionals } = parsed;
    if (positionals.length !== 1) {
      process.stderr.write(`Cần đúng một tệp.\n\n${help}\n`);
      return 2;
    }
    const maxBytesText = o['max-bytes'] ?? process.env.TONGHOP_MAX_UPLOAD_BYTES;
    const maxBytes = maxBytesText === undefined ? undefined : Number(maxBytesText);
    if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes <= 0)) {
      process.stderr.write(`--max-bytes phải là số nguyên dương.\n`);
      return 2;
    }
    const file = resolve(positionals[0]!);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      process.stderr.write(`Không đọc được tệp ${file}: ${(err as Error).message}\n`);
      return 2;
    }
    const catalog = await loadCliCatalog(o.templates);
    const result = await validateUpload(bytes, { catalog, maxBytes });
    if (o.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      const form = result.formId ? catalog.get(result.formId, result.version) : undefined;
      const what = form ? `${form.name} — đơn vị ${result.unit} — ${safeLabel(result.period)}` : file;
      process.stdout.write(`${result.accepted ? 'ĐƯỢC CHẤP NHẬN' : 'BỊ TỪ CHỐI'}: ${what}\n`);
      const line = (i: ValidationIssue) => `  ${i.cell ? `${i.sheet}!${i.cell}` : '—'}  [${i.code}] ${i.message}\n`;
      if (result.errors.length) process.stdout.write(`Lỗi (${result.errors.length}):\n${result.errors.map(line).join('')}`);
      if (result.warnings.length) process.stdout.write(`Cảnh báo (${result.warnings.length}):\n${result.warnings.map(line).join('')}`);
    }
    if (o.feedback) {
      if (!result.formId) {
        process.stderr.write('Không tạo tệp ghi chú lỗi: tệp không mở được như một biểu mẫu.\n');
      } else {
        const out = resolve(o.feedback);
        try {
          await writeFile(out, await buildFeedbackWorkbook(bytes, result));
        } catch (err) {
          process.stderr.write(`Không ghi được tệp ${out}: ${(err as Error).message}\n`);
          return 2;
        }
        if (!o.json) process.stdout.write(`Đã ghi tệp ghi chú lỗi: ${out}\n`);
      }
    }
    return result.accepted ? 0 : 1;
  },
};

function safeLabel(period: string | undefined): string {
  if (!period) return '';
  try {
    return periodLabel(period);
  } catch {
    return period;
  }
}
