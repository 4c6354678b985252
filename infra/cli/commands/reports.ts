/**
 * `npx tonghop reports list [--form <id>] [--period <kỳ>] [--json]` and
 * `npx tonghop reports get <key|latest> [--form <id>] [--period <kỳ>] --out <file.xlsx>`:
 * the consolidated workbooks stored under `reports/<form>/<period>/`;
 * `npx tonghop reports draft --form <id> --period <kỳ> --out <file.docx>`: the draft report
 * document of a (form, period), built from the current figures like the consolidation builds it.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createChartRenderer } from '../../../functions/adapters/echarts-chart-renderer';
import { NotFoundError } from '../../../functions/core/errors';
import { formatLocalDateTime } from '../../../functions/core/consolidation/email';
import { parseReportKey, reportPrefix } from '../../../functions/core/consolidation/report-key';
import { periodLabel } from '../../../functions/core/periods';
import { draftReportFor } from '../../../functions/core/usecases/draft-report';
import type { FileStore } from '../../../functions/core/ports';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps } from '../context';

const help = `Các bảng tổng hợp đã tạo (lưu trong S3 reports/<biểu mẫu>/<kỳ>/) và dự thảo báo cáo của một kỳ.

Cách dùng:
  npx tonghop reports list [--form <mã biểu mẫu>] [--period <kỳ>] [--json]
  npx tonghop reports get <khóa | latest> [--form <mã>] [--period <kỳ>] --out <tệp.xlsx>
  npx tonghop reports draft --form <mã biểu mẫu> --period <kỳ> --out <tệp.docx>

  list      mới nhất trước: thời điểm tạo, biểu mẫu, kỳ, dung lượng, khóa
  get       tải một bảng về tệp; "latest" = bảng mới nhất (lọc theo --form/--period)
  draft     dự thảo báo cáo (.docx, mở bằng Word hoặc LibreOffice) từ số liệu hiện tại của kỳ:
            kết quả thực hiện, hạn chế, khó khăn, đề xuất, kiến nghị của các đơn vị và phụ lục
  Kỳ: 2019-03 (tháng), 2019-Q1 (quý), 2019-H1 (6 tháng), 2019 (năm)
Exit: 0 thành công, 1 không tìm thấy (bảng, biểu mẫu) hoặc kỳ không hợp lệ, 2 sai cú pháp hoặc lỗi ghi tệp.`;

export interface StoredReport {
  key: string;
  formId: string;
  period: string;
  createdAt: string;
  size: number;
}

/** Stored workbooks under the prefix, newest first. */
export async function listStoredReports(files: FileStore, formId?: string, period?: string): Promise<StoredReport[]> {
  const objects = await files.list(reportPrefix(formId, period));
  return objects
    .flatMap((o) => {
      const parts = parseReportKey(o.key);
      return parts ? [{ key: o.key, formId: parts.formId, period: parts.period, createdAt: parts.createdAt.toISOString(), size: o.size }] : [];
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.key.localeCompare(a.key));
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { form: { type: 'string' }, period: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  if (values.period && !values.form) throw new UsageError('--period cần đi kèm --form.');
  const reports = await withLocalDeps((deps) => listStoredReports(deps.files, values.form, values.period));
  if (values.json) {
    process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
    return 0;
  }
  if (reports.length === 0) {
    process.stdout.write('Chưa có bảng tổng hợp nào. Tạo bằng: npx tonghop consolidate --form <mã> --period <kỳ>\n');
    return 0;
  }
  for (const r of reports) {
    process.stdout.write(`${formatLocalDateTime(new Date(r.createdAt))}  ${r.formId}  ${periodLabel(r.period)}  ${(r.size / 1024).toFixed(0)} KB  ${r.key}\n`);
  }
  return 0;
}

async function get(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { form: { type: 'string' }, period: { type: 'string' }, out: { type: 'string', short: 'o' } });
  const [which, ...extra] = positionals;
  if (!which || extra.length > 0) throw new UsageError('Cần đúng một khóa hoặc "latest".');
  if (!values.out) throw new UsageError('Cần --out <tệp.xlsx>.');
  const { key, body } = await withLocalDeps(async (deps) => {
    const key = which === 'latest' ? (await listStoredReports(deps.files, values.form, values.period))[0]?.key : which;
    const body = key ? await deps.files.get(key) : undefined;
    if (!key || !body) throw new NotFoundError('REPORT_NOT_FOUND', which === 'latest' ? 'Chưa có bảng tổng hợp nào phù hợp.' : `Không có bảng tổng hợp ${which}.`);
    return { key, body };
  });
  const out = resolve(values.out);
  await writeFile(out, body);
  process.stdout.write(`Đã ghi ${key} → ${out} (${(body.length / 1024).toFixed(0)} KB)\n`);
  return 0;
}

async function draft(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { form: { type: 'string' }, period: { type: 'string' }, out: { type: 'string', short: 'o' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  if (!values.form || !values.period) throw new UsageError('Cần --form <mã biểu mẫu> và --period <kỳ>.');
  if (!values.out) throw new UsageError('Cần --out <tệp.docx>.');
  if (!/\.docx$/i.test(values.out)) throw new UsageError(`Tệp ra phải có đuôi .docx: ${values.out}`);
  // The records the consolidation reads, not its handler's deps: a draft sends nothing, so it needs no sender (TONGHOP_MAIL_FROM) on AWS.
  const result = await withLocalDeps(async (deps) =>
    draftReportFor(
      { forms: await deps.catalog, units: deps.units, submissions: deps.submissions, reviews: deps.reviews, clock: deps.clock, charts: createChartRenderer() },
      { formId: values.form!, period: values.period! },
    ),
  );
  const out = resolve(values.out);
  await writeFile(out, result.docx);
  process.stdout.write(`Đã ghi dự thảo báo cáo "${result.fileName}" (${result.unitsReported}/${result.unitsExpected} đơn vị đã báo cáo) → ${out} (${(result.docx.length / 1024).toFixed(0)} KB)\n`);
  return 0;
}

export const command: CliCommand = subcommands('reports', help, { list, get, draft });
