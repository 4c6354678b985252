/**
 * `tonghop review approve|return|withdraw <uploadId>`: Ban Tổ chức's review of a unit's latest
 * accepted version, as the console will offer it: approve ("duyệt"), return for correction with
 * a comment ("trả lại": the unit is emailed the comment and its upload link), withdraw an
 * approval with a reason ("rút duyệt"). `tonghop review list` shows a period's review states.
 * The CLI runs with the operator's own credentials: it acts as an admin; each change is audited
 * with the OS user as actor.
 */
import { formatViDateTime } from '../../../functions/core/format-vi';
import { effectiveReviewState, REVIEW_STATE_LABELS } from '../../../functions/core/review/model';
import { requireFormPeriod } from '../../../functions/core/usecases/period-locks';
import { reviewSubmission, type ReviewSubmissionResult } from '../../../functions/core/usecases/review-submission';
import { cliActor } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps } from '../context';

const help = `Cách dùng:
  npx tonghop review approve <mã lần nộp> [--comment "<ghi chú>"] [--json]
  npx tonghop review return <mã lần nộp> --comment "<ý kiến cho đơn vị>" [--json]
  npx tonghop review withdraw <mã lần nộp> --comment "<lý do rút duyệt>" [--json]
  npx tonghop review list --form <biểu mẫu> --period <kỳ> [--json]

Duyệt báo cáo đã được tiếp nhận (phiên bản hợp lệ mới nhất của đơn vị trong kỳ):
  approve   duyệt (chờ duyệt hoặc trả lại → đã duyệt)
  return    trả lại để đơn vị sửa (chờ duyệt → trả lại); bắt buộc --comment (tối đa 2.000 ký tự).
            Đơn vị nhận email kèm ý kiến, báo cáo và lần nộp, đường dẫn nộp của đơn vị và hạn nộp.
            Khi đơn vị nộp lại bản hợp lệ, báo cáo trở về "chờ duyệt".
  withdraw  rút duyệt (đã duyệt → chờ duyệt); bắt buộc --comment ghi lý do.
  list      tình trạng duyệt của từng đơn vị đã có báo cáo được tiếp nhận trong kỳ.

Báo cáo bị trả lại không được tính vào báo cáo tổng hợp. Kỳ đã khóa thì không thay đổi được
việc duyệt (trừ đơn vị đang được mở ngoại lệ: npx tonghop periods exception).
Hai cán bộ thao tác cùng lúc: một người thành công, người kia nhận lỗi REVIEW_CONFLICT.
Lệnh chạy bằng quyền của người vận hành trên máy này (coi như quản trị viên); mỗi thao tác được
ghi vào nhật ký (npx tonghop audit list).
Exit: 0 thành công, 1 bị từ chối (không có, không phải bản mới nhất, sai tình trạng, kỳ đã khóa,
xung đột), 2 sai cú pháp.`;

function one(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'Thiếu <mã lần nộp>.' : `Thừa tham số: ${positionals.slice(1).join(' ')}`);
  return positionals[0]!;
}

const EMAIL_LINES: Record<NonNullable<ReviewSubmissionResult['email']>, string> = {
  sent: 'Đã gửi email trả lại cho đơn vị (ý kiến, đường dẫn nộp, hạn nộp).',
  'no-address': 'Lưu ý: đơn vị chưa có địa chỉ email nên chưa được báo qua email; hãy báo trực tiếp cho đơn vị.',
  failed: 'Lưu ý: gửi email cho đơn vị không thành công (xem nhật ký); việc trả lại vẫn được ghi nhận, hãy báo trực tiếp cho đơn vị.',
};

function act(action: 'approve' | 'return' | 'withdraw') {
  return async (args: string[]): Promise<number> => {
    const { values, positionals } = parseCliArgs(args, { comment: { type: 'string' }, json: { type: 'boolean' } });
    const uploadId = one(positionals);
    if (action !== 'approve' && !values.comment) throw new UsageError(action === 'return' ? 'Trả lại cần --comment "<ý kiến cho đơn vị>".' : 'Rút duyệt cần --comment "<lý do>".');
    const result = await withLocalDeps(async (deps, context) => {
      const review = deps.handlers.review;
      return reviewSubmission({ ...review, catalog: await review.catalog }, { uploadId, action, comment: values.comment, actor: { id: cliActor(context.target), role: 'admin' } });
    });
    if (values.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return 0;
    }
    const version = result.version !== undefined ? ` lần ${result.version}` : '';
    process.stdout.write(`${result.unitCode} ${result.formId} ${result.period}${version} (${result.uploadId}): ${REVIEW_STATE_LABELS[result.before]} → ${REVIEW_STATE_LABELS[result.after]}.\n`);
    if (result.email) process.stdout.write(`${EMAIL_LINES[result.email]}\n`);
    return 0;
  };
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { form: { type: 'string' }, period: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  if (!values.form || !values.period) throw new UsageError('Cần --form <biểu mẫu> và --period <kỳ>.');
  const rows = await withLocalDeps(async (deps) => {
    const form = requireFormPeriod(await deps.catalog, values.form, values.period);
    const [latest, reviews] = await Promise.all([deps.submissions.listLatestAccepted(form.id, values.period!), deps.reviews.listByFormPeriod(form.id, values.period!)]);
    const byUnit = new Map(reviews.map((r) => [r.unitCode, r]));
    return latest
      .map((a) => {
        const record = byUnit.get(a.unitCode);
        const state = effectiveReviewState(record, a.uploadId);
        const current = record?.uploadId === a.uploadId ? record : undefined;
        return { unitCode: a.unitCode, uploadId: a.uploadId, version: a.version, state, ...(current ? { by: current.actor, at: current.at, ...(current.comment ? { comment: current.comment } : {}) } : {}) };
      })
      .sort((x, y) => x.unitCode.localeCompare(y.unitCode));
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  if (rows.length === 0) {
    process.stderr.write('Chưa có báo cáo nào được tiếp nhận trong kỳ này.\n');
    return 0;
  }
  const width = Math.max(9, ...rows.map((r) => r.unitCode.length));
  process.stdout.write(`${'Đơn vị'.padEnd(width)}  ${'Mã lần nộp'.padEnd(20)}  ${'Duyệt'.padEnd(10)}  Người, lúc\n`);
  for (const r of rows) {
    const who = r.at ? `${r.by}, ${formatViDateTime(new Date(r.at))}` : '';
    process.stdout.write(`${r.unitCode.padEnd(width)}  ${r.uploadId.padEnd(20)}  ${REVIEW_STATE_LABELS[r.state].padEnd(10)}  ${who}\n`);
  }
  return 0;
}

export const command: CliCommand = subcommands('review', help, { approve: act('approve'), return: act('return'), withdraw: act('withdraw'), list });
