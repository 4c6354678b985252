/**
 * `npx tonghop status --form <id> [--period <kỳ>] [--type …] [--status …] [--search …] [--json]`:
 * "Tình hình nộp báo cáo" — every unit expected to report on the form for the period, with its
 * deadline, status, versions and last upload, and the counts by status and unit type. The same
 * use case (`formStatus`) will answer the operator console's `GET /api/admin/status/<form>/<period>`;
 * `--json` prints its result as is.
 */
import { formatViDateTime } from '../../../functions/core/format-vi';
import { FILING_STATUS_LABELS, STATUS_FILTERS, formStatus, type FormStatus, type StatusCounts, type UnitStatusRow } from '../../../functions/core/usecases/form-status';
import { REVIEW_STATES } from '../../../functions/core/review/model';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, reportCliError, withLocalDeps } from '../context';

const help = `Tình hình nộp báo cáo của mọi đơn vị cho một biểu mẫu và một kỳ.

Cách dùng:
  npx tonghop status --form <mã biểu mẫu> [--period <kỳ>] [--type <loại>] [--status <trạng thái>] [--review <duyệt>] [--search <tên hoặc mã>] [--json]

Mỗi đơn vị đang hoạt động phải nộp biểu mẫu là một dòng: loại, hạn nộp, trạng thái, số lần nộp,
lần nộp cuối, số cảnh báo của bản được tính; cuối bảng là số đơn vị theo trạng thái và theo loại.
Bản được chấp nhận gần nhất là bản được tính: đơn vị nộp lại bị từ chối vẫn là "đã nộp".
  --period  kỳ báo cáo (mặc định: kỳ đang mở), ví dụ 2026-Q1, 2026-02
  --type    chỉ loại đơn vị này (mã trong npx tonghop unit-types list, ví dụ so-nganh)
  --status  chỉ trạng thái này: ${STATUS_FILTERS.join(', ')} (nop-muon: đã nộp sau hạn)
  --review  chỉ tình trạng duyệt này của bản được tính: ${REVIEW_STATES.join(', ')}
  --search  tìm theo tên hoặc mã đơn vị, không phân biệt hoa thường và dấu ("so y te")
  --json    { formId, period, counts, units: [{ code, name, type, deadline, status, late, overdue,
            lastRejected, versions, lastUploadAt, latestUploadId, acceptedUploadId, warnings,
            review: { state, actor, at, comment } }] }
Bộ lọc chỉ chọn dòng; các con số đếm luôn tính trên mọi đơn vị.
Exit: 0 thành công, 1 biểu mẫu/kỳ/bộ lọc không hợp lệ, 2 sai cú pháp hoặc lỗi đọc dữ liệu.`;

const NAME_WIDTH = 40;

/** The status as people read it: "nộp muộn" for a late accepted version. */
export function statusText(row: Pick<UnitStatusRow, 'status' | 'late'>): string {
  return row.late ? 'nộp muộn' : FILING_STATUS_LABELS[row.status];
}

function note(row: UnitStatusRow): string {
  const notes: string[] = [];
  if (row.overdue) notes.push('quá hạn');
  if (row.lastRejected) notes.push('lần nộp cuối bị từ chối, bản trước vẫn được tính');
  else if (row.status === 'da-nop' && row.lastUploadStatus === 'pending') notes.push('lần nộp cuối đang xử lý');
  return notes.join('; ');
}

const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

function countsText(c: StatusCounts): string {
  const b = c.byStatus;
  return `${b['da-nop']} đã nộp${c.late ? ` (${c.late} nộp muộn)` : ''}, ${b['dang-xu-ly']} đang xử lý, ${b['bi-tu-choi']} bị từ chối, ${b['chua-nop']} chưa nộp`;
}

function render(result: FormStatus, filtered: boolean): string {
  const lines = [`Tình hình nộp báo cáo: ${result.formName} (${result.formId}) — ${result.periodLabel} (${result.period}), lúc ${formatViDateTime(new Date(result.generatedAt))}`, ''];
  if (result.units.length === 0) lines.push(filtered ? 'Không có đơn vị nào khớp bộ lọc.' : 'Chưa có đơn vị nào phải nộp biểu mẫu này (npx tonghop units import <tệp>).');
  else {
    const codeWidth = Math.max(6, ...result.units.map((u) => u.code.length));
    const typeWidth = Math.max(4, ...result.units.map((u) => u.type.length));
    const nameWidth = Math.min(NAME_WIDTH, Math.max(6, ...result.units.map((u) => u.name.length)));
    lines.push(`${'Mã'.padEnd(codeWidth)}  ${'Đơn vị'.padEnd(nameWidth)}  ${'Loại'.padEnd(typeWidth)}  ${'Hạn nộp'.padEnd(16)}  ${'Trạng thái'.padEnd(10)}  Lần  ${'Nộp lần cuối'.padEnd(16)}  C.báo  Ghi chú`);
    for (const u of result.units) {
      lines.push(
        [
          u.code.padEnd(codeWidth),
          fit(u.name, nameWidth),
          u.type.padEnd(typeWidth),
          formatViDateTime(new Date(u.deadline)),
          statusText(u).padEnd(10),
          String(u.versions).padStart(3),
          (u.lastUploadAt ? formatViDateTime(new Date(u.lastUploadAt)) : '').padEnd(16),
          (u.warnings === undefined ? '' : String(u.warnings)).padStart(5),
          note(u),
        ].join('  ').trimEnd(),
      );
    }
  }
  const c = result.counts;
  lines.push('', `Tổng số ${c.total} đơn vị: ${countsText(c)}.${c.overdue ? ` ${c.overdue} đơn vị quá hạn chưa có báo cáo được chấp nhận.` : ''}`);
  const r = c.byReview;
  if (r['cho-duyet'] + r['da-duyet'] + r['tra-lai'] > 0) lines.push(`Duyệt (bản được tính): ${r['cho-duyet']} chờ duyệt, ${r['da-duyet']} đã duyệt, ${r['tra-lai']} trả lại.`);
  if (c.byType.length > 0) {
    lines.push('Theo loại đơn vị:');
    for (const t of c.byType) lines.push(`  ${t.label} (${t.type}): ${t.total} đơn vị — ${countsText(t)}`);
  }
  if (filtered) lines.push(`Hiển thị ${result.units.length}/${c.total} đơn vị theo bộ lọc.`);
  return lines.join('\n') + '\n';
}

export const command: CliCommand = {
  help,
  async run(args) {
    try {
      const { values, positionals } = parseCliArgs(args, {
        form: { type: 'string' },
        period: { type: 'string' },
        type: { type: 'string' },
        status: { type: 'string' },
        review: { type: 'string' },
        search: { type: 'string' },
        json: { type: 'boolean' },
      });
      if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ').slice(0, 80)}`);
      if (!values.form) throw new UsageError('Cần --form <mã biểu mẫu>, ví dụ: --form sap-xep-bo-may');
      const result = await withLocalDeps(async (deps) =>
        formStatus(
          { forms: await deps.catalog, units: deps.units, submissions: deps.submissions, reviews: deps.reviews, clock: deps.clock },
          { formId: values.form!, period: values.period, type: values.type, status: values.status, review: values.review, search: values.search },
        ),
      );
      if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else process.stdout.write(render(result, values.type !== undefined || values.status !== undefined || values.review !== undefined || values.search !== undefined));
      return 0;
    } catch (err) {
      return reportCliError(err, help);
    }
  },
};
