/**
 * `npx tonghop consolidate --form <id> --period <kỳ> [--send] [--out <file.xlsx>] [--json]`:
 * the same use case the scheduled Lambda runs, with the same dependencies: on the local data dir
 * email goes to the outbox (`<data dir>/outbox/*.eml`), on `TONGHOP_TARGET=aws` through SES.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatLocalDateTime } from '../../../functions/core/consolidation/email';
import type { FormCatalog } from '../../../functions/core/forms/catalog';
import type { Clock } from '../../../functions/core/ports';
import { consolidateReport, type ConsolidateResult } from '../../../functions/core/usecases/consolidate-report';
import { recordCliAudit } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, reportCliError, withLocalDeps } from '../context';

const help = `Tổng hợp báo cáo toàn tỉnh cho một biểu mẫu và một kỳ; lưu bảng tổng hợp (S3 reports/…) và gửi email.

Cách dùng:
  npx tonghop consolidate --form <mã biểu mẫu> --period <kỳ> [--send] [--out <tệp.xlsx>] [--json]

Tùy chọn:
  --send          gửi email tới người nhận của biểu mẫu (recipients.leadership, cc Ban Tổ chức);
                  mỗi nội dung chỉ gửi một lần; số liệu thay đổi thì gửi "[Bản cập nhật]"
  --out <tệp>     ghi thêm bảng tổng hợp ra tệp này
  --json          in kết quả dạng JSON
  Kỳ: 2019-03 (tháng), 2019-Q1 (quý), 2019-H1 (6 tháng), 2019 (năm)

Email được ghi vào hộp thư đi <thư mục dữ liệu>/outbox/*.eml (TONGHOP_DATA_DIR, mặc định .local);
với TONGHOP_TARGET=aws, email được gửi qua Amazon SES từ TONGHOP_MAIL_FROM.
Exit: 0 thành công, 1 biểu mẫu/kỳ không hợp lệ hoặc thất bại, 2 sai cú pháp hoặc lỗi đọc/ghi.`;

/**
 * A consolidation's or reminders' use-case dependencies as the target's composition built them
 * for the handler (the local outbox, or SES on `TONGHOP_TARGET=aws`: the mailer is never swapped
 * here), with the catalog loaded and, for `remind --date`, another clock.
 */
export async function useCaseDeps<D extends { forms: Promise<FormCatalog> | FormCatalog; clock: Clock }>(handlerDeps: D, clock?: Clock) {
  return { ...handlerDeps, forms: await handlerDeps.forms, clock: clock ?? handlerDeps.clock };
}

function describe(result: ConsolidateResult, bucket: string, out: string | undefined, emails: string[]): string {
  const lines = [
    `Đã tổng hợp ${result.periodLabel} (${result.formId}, ${result.period}): ${result.unitsReported}/${result.unitsExpected} đơn vị đã báo cáo.`,
    `Bảng tổng hợp: s3://${bucket}/${result.key}${result.reused ? ' (số liệu không đổi: dùng lại bảng đã lưu)' : ''}`,
  ];
  if (out) lines.push(`Đã ghi tệp: ${out}`);
  if (result.notReported.length > 0) {
    const shown = result.notReported.slice(0, 12).map((u) => `${u.name} (${u.code})`);
    const more = result.notReported.length - shown.length;
    lines.push(`Chưa báo cáo (${result.notReported.length}): ${shown.join('; ')}${more > 0 ? ` … và ${more} đơn vị khác (xem sheet "Tình hình nộp")` : ''}`);
  }
  const e = result.email;
  if (e.status === 'not-requested') lines.push('Email: chưa gửi (thêm --send để gửi).');
  else if (e.status === 'no-units') lines.push('Email: không gửi vì danh bạ chưa có đơn vị nào (npx tonghop units import <tệp>).');
  else if (e.status === 'already-sent') lines.push(`Email: nội dung này đã được gửi lúc ${formatLocalDateTime(new Date(e.sentAt))}; không gửi lại.`);
  else {
    lines.push(`Email${e.updated ? ' [Bản cập nhật]' : ''} đã gửi tới: ${e.to.join(', ')}${e.cc.length ? ` (cc: ${e.cc.join(', ')})` : ''}${e.delivery === 'link' ? ' — kèm đường dẫn tải (tệp quá lớn để đính kèm)' : ''}`);
    for (const f of emails) lines.push(`Hộp thư đi: ${f}`);
  }
  return lines.join('\n') + '\n';
}

export const command: CliCommand = {
  help,
  async run(args) {
    try {
      const { values, positionals } = parseCliArgs(args, {
        form: { type: 'string' },
        period: { type: 'string' },
        send: { type: 'boolean' },
        out: { type: 'string', short: 'o' },
        json: { type: 'boolean' },
      });
      if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
      if (!values.form || !values.period) throw new UsageError('Cần --form <mã biểu mẫu> và --period <kỳ>.');
      const emails: string[] = [];
      const { result, bucket } = await withLocalDeps(
        async (deps, context) => {
          const result = await consolidateReport(await useCaseDeps(deps.handlers.consolidate), { formId: values.form!, period: values.period!, send: values.send === true });
          if (values.send) {
            const e = result.email;
            await recordCliAudit(deps, context, {
              action: 'consolidation.send',
              target: `${result.formId}/${result.period}`,
              after: { key: result.key, unitsReported: result.unitsReported, email: e.status, ...(e.status === 'sent' ? { to: e.to, cc: e.cc } : {}) },
            });
          }
          return { result, bucket: deps.settings.bucketName };
        },
        { onEmail: (f) => emails.push(f) },
      );
      const out = values.out ? resolve(values.out) : undefined;
      if (out) await writeFile(out, result.workbook);
      if (values.json) {
        const { workbook: _bytes, ...rest } = result;
        process.stdout.write(JSON.stringify({ ...rest, bytes: result.workbook.length, out, outbox: emails }, null, 2) + '\n');
      } else process.stdout.write(describe(result, bucket, out, emails));
      return 0;
    } catch (err) {
      return reportCliError(err, help);
    }
  },
};
