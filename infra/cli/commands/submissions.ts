/**
 * `tonghop submissions list --form <id> --period <kỳ> [--unit <mã>] [--json]` and
 * `tonghop submissions show <uploadId> [--json]`: every upload with its status and version —
 * refused and failed ones included — plus the ingest messages that ended in the dead-letter
 * queue (the local dead-letter folder, or on AWS the deployed queue: infra/cli/aws-dead-letters.ts),
 * so nothing that was uploaded is invisible.
 * `tonghop submissions upload --unit <mã> --form <id> --period <kỳ> <tệp.xlsx>`: an operator
 * loads a file on a unit's behalf through a proper upload intent (ingest refuses any other).
 * `tonghop submissions diff …`: what changed between two versions (./submissions-diff.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Submission, ValidationIssue } from '../../../functions/core/model';
import { NotFoundError } from '../../../functions/core/errors';
import { formatLocalTime, formatViDate } from '../../../functions/core/format-vi';
import { parsePeriod } from '../../../functions/core/periods';
import { parseUploadKey } from '../../../functions/core/upload-id';
import { ingestUpload } from '../../../functions/core/usecases/ingest-upload';
import { operatorUpload } from '../../../functions/core/usecases/operator-upload';
import { listDeadLetters, type DeadLetter } from '../../local/ingest-queue';
import { listAwsDeadLetters } from '../aws-dead-letters';
import { osUserName, recordCliAudit } from '../audit';
import { UsageError, type CliCommand } from '../command';
import { parseCliArgs, subcommands, withLocalDeps } from '../context';
import { diff, diffHelp } from './submissions-diff';

const help = `Cách dùng:
  npx tonghop submissions list --form <biểu mẫu> --period <kỳ> [--unit <mã đơn vị>] [--json]
  npx tonghop submissions show <mã lần nộp> [--json]
  npx tonghop submissions upload --unit <mã đơn vị> --form <biểu mẫu> --period <kỳ> <tệp.xlsx> [--wait <giây>] [--json]
  npx tonghop submissions diff <mã lần nộp A> <mã lần nộp B> [--json]
  npx tonghop submissions diff <mã lần nộp> --previous-period [--json]

Các lần nộp báo cáo và kết quả xử lý.

  list   Mọi lần nộp của biểu mẫu trong kỳ (mọi đơn vị, mọi phiên bản, kể cả bị từ chối và
         lỗi xử lý), theo đơn vị rồi thứ tự nộp; cuối danh sách là các tệp chưa xử lý được
         (hàng đợi lỗi: <thư mục dữ liệu>/dead-letter/; với TONGHOP_TARGET=aws: hàng đợi
         TONGHOP_DLQ_URL của stack, chỉ xem, không xoá).
         --json: { "submissions": [{ "uploadId", "unitCode", "unitName", "version", "status",
                   "receivedAt", "late", "errors", "warnings", "fileName", "latest" }],
                   "deadLetters": [{ "file", "failedAt", "receives", "keys", "reason" }] }
  show   Một lần nộp: đơn vị, phiên bản, trạng thái, tệp, và từng lỗi/cảnh báo kèm ô.
  upload Nộp thay một đơn vị (ví dụ đơn vị gửi tệp qua thư): cấp lượt nộp cho đơn vị, biểu mẫu
         và kỳ như cổng nộp báo cáo (ghi người cấp: operator-cli:<tài khoản máy>), đưa tệp lên
         kho, in mã lần nộp, rồi chờ kết quả xử lý (--wait, mặc định 60 giây; 0: không chờ).
         Tệp được kiểm tra như mọi lần nộp khác và chỉ được tính khi được chấp nhận.
         --json: { "uploadId", "key", "unitCode", "formId", "period", "issuedBy", "status", "errors", "warnings" }
${diffHelp}

Trạng thái: accepted (được chấp nhận), rejected (bị từ chối: lỗi trong tệp), failed (hệ thống chưa
xử lý được), pending (đang xử lý). Ví dụ kỳ: 2026-Q1, 2026-02.
Exit: 0 thành công (upload: được chấp nhận hoặc còn đang xử lý), 1 không tìm thấy lần nộp,
tệp nộp thay bị từ chối hoặc không so sánh được (chưa được chấp nhận, khác đơn vị), 2 sai cú pháp hoặc lỗi đọc dữ liệu.`;

const STATUS_LABEL: Record<Submission['status'], string> = {
  accepted: 'chấp nhận',
  rejected: 'từ chối',
  failed: 'lỗi xử lý',
  pending: 'đang xử lý',
};

/** dd/mm/yyyy hh:mm in Việt Nam time, like every other date the system shows (16 characters). */
const localTime = (iso: string | undefined) => (iso ? `${formatViDate(new Date(iso))} ${formatLocalTime(new Date(iso))}` : '');

interface ListedSubmission {
  uploadId: string;
  unitCode: string;
  unitName?: string;
  version?: number;
  status: Submission['status'];
  receivedAt: string;
  late: boolean;
  errors: number;
  warnings: number;
  fileName?: string;
  /** The version consolidation uses for this unit. */
  latest: boolean;
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    form: { type: 'string' },
    period: { type: 'string' },
    unit: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`Thừa tham số: ${positionals.join(' ')}`);
  if (!values.form || !values.period) throw new UsageError('Cần --form <biểu mẫu> và --period <kỳ>, ví dụ: --form sap-xep-bo-may --period 2026-Q1');
  const formId = values.form;
  const period = values.period;
  parsePeriod(period);

  const { rows, deadLetters } = await withLocalDeps(async (deps, context) => {
    const [all, latest, units] = await Promise.all([
      values.unit ? deps.submissions.listByUnit(values.unit, { formId, period }) : deps.submissions.listByFormPeriod(formId, period),
      deps.submissions.listLatestAccepted(formId, period),
      deps.units.list({ includeInactive: true }),
    ]);
    const names = new Map(units.map((u) => [u.code, u.name]));
    const latestIds = new Set(latest.map((l) => l.uploadId));
    const sorted = [...all].sort((a, b) => a.unitCode.localeCompare(b.unitCode) || (a.version ?? 0) - (b.version ?? 0));
    const rows: ListedSubmission[] = sorted.map((s) => ({
      uploadId: s.uploadId,
      unitCode: s.unitCode,
      unitName: names.get(s.unitCode),
      version: s.version,
      status: s.status,
      receivedAt: s.receivedAt,
      late: s.late ?? false,
      errors: s.errors.filter((e) => e.code !== 'MORE_ISSUES').length,
      warnings: s.warnings.length,
      fileName: s.fileName,
      latest: latestIds.has(s.uploadId),
    }));
    const letters = context.target === 'aws' ? await listAwsDeadLetters(process.env) : listDeadLetters(deps.config.dataDir);
    const deadLetters = letters.filter((d) => concerns(d, formId, period, values.unit));
    return { rows, deadLetters };
  });

  if (values.json) {
    process.stdout.write(JSON.stringify({ submissions: rows, deadLetters: deadLetters.map(({ body: _body, ...d }) => d) }, null, 2) + '\n');
    return 0;
  }
  printList(rows, deadLetters, formId, period);
  return 0;
}

/** A dead letter belongs to the listing when one of its keys is an upload of that form and period (or unreadable). */
function concerns(d: DeadLetter, formId: string, period: string, unit: string | undefined): boolean {
  if (d.keys.length === 0) return true;
  return d.keys.some((k) => {
    const parts = parseUploadKey(k);
    if (!parts) return unit === undefined;
    return parts.formId === formId && parts.period === period && (unit === undefined || parts.unitCode === unit);
  });
}

function printList(rows: ListedSubmission[], deadLetters: DeadLetter[], formId: string, period: string): void {
  const out = process.stdout;
  if (rows.length === 0) out.write(`Chưa có lần nộp nào cho biểu mẫu ${formId}, kỳ ${period}.\n`);
  else {
    const unitWidth = Math.max(7, ...rows.map((r) => r.unitCode.length));
    out.write(`${'Đơn vị'.padEnd(unitWidth)}  Lần  ${'Trạng thái'.padEnd(11)}  ${'Nộp lúc'.padEnd(16)}  Muộn  Lỗi  C.báo  Mã lần nộp\n`);
    for (const r of rows) {
      out.write(
        `${r.unitCode.padEnd(unitWidth)}  ${String(r.version ?? '?').padStart(3)}  ${STATUS_LABEL[r.status].padEnd(11)}  ${localTime(r.receivedAt).padEnd(16)}  ` +
          `${(r.late ? 'muộn' : '').padEnd(4)}  ${String(r.errors).padStart(3)}  ${String(r.warnings).padStart(5)}  ${r.uploadId}${r.latest ? '  ← dùng để tổng hợp' : ''}\n`,
      );
    }
    const count = (s: Submission['status']) => rows.filter((r) => r.status === s).length;
    const unitsWithAccepted = new Set(rows.filter((r) => r.latest).map((r) => r.unitCode)).size;
    out.write(
      `\n${rows.length} lần nộp: ${count('accepted')} chấp nhận, ${count('rejected')} từ chối, ${count('failed')} lỗi xử lý, ${count('pending')} đang xử lý; ` +
        `${unitsWithAccepted} đơn vị có báo cáo được chấp nhận.\n`,
    );
  }
  if (deadLetters.length > 0) {
    out.write(`\nHàng đợi lỗi (${deadLetters.length} tệp chưa xử lý được sau nhiều lần thử; tệp gốc vẫn còn trong kho):\n`);
    for (const d of deadLetters) out.write(`  ${localTime(d.failedAt)}  ${d.keys.join(', ')}  (${d.receives} lần) — ${d.reason}\n    ${d.file}\n`);
  }
}

async function show(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' } });
  const [uploadId, ...extra] = positionals;
  if (!uploadId || extra.length > 0) throw new UsageError('Cần đúng một mã lần nộp: npx tonghop submissions show <mã lần nộp>');
  const found = await withLocalDeps(async (deps) => {
    const submission = await deps.submissions.get(uploadId);
    const unit = submission && (await deps.units.get(submission.unitCode));
    return submission && { submission, unitName: unit?.name };
  });
  if (!found) throw new NotFoundError('SUBMISSION_NOT_FOUND', `Không có lần nộp "${uploadId}".`);
  const { submission: s, unitName } = found;
  if (values.json) {
    process.stdout.write(JSON.stringify({ ...s, unitName }, null, 2) + '\n');
    return 0;
  }
  const out = process.stdout;
  out.write(`Lần nộp ${s.uploadId}\n`);
  out.write(`  Đơn vị:      ${s.unitCode}${unitName ? ` — ${unitName}` : ''}\n`);
  out.write(`  Biểu mẫu:    ${s.formId}${s.formVersion ? ` (phiên bản ${s.formVersion})` : ''}, kỳ ${s.period}\n`);
  out.write(`  Lần nộp thứ: ${s.version ?? '?'}\n`);
  out.write(`  Trạng thái:  ${STATUS_LABEL[s.status]} (${s.status})\n`);
  out.write(`  Nộp lúc:     ${localTime(s.receivedAt)}${s.late ? ' — nộp muộn' : ''}${s.deadline ? ` (hạn ${localTime(s.deadline)})` : ''}\n`);
  if (s.processedAt) out.write(`  Xử lý lúc:   ${localTime(s.processedAt)}\n`);
  out.write(`  Tệp:         ${s.fileName ?? '(không rõ tên)'}${s.size !== undefined ? `, ${s.size.toLocaleString('vi-VN')} byte` : ''}\n`);
  out.write(`  Lưu tại:     ${s.s3Key}${s.s3VersionId ? ` (phiên bản S3 ${s.s3VersionId})` : ''}\n`);
  if (s.sha256) out.write(`  SHA-256:     ${s.sha256}\n`);
  if (s.feedbackKey) out.write(`  Tệp phản hồi: ${s.feedbackKey}\n`);
  printIssues('Lỗi', s.errors, out);
  printIssues('Cảnh báo', s.warnings, out);
  return 0;
}

function printIssues(title: string, issues: ValidationIssue[], out: NodeJS.WritableStream): void {
  if (issues.length === 0) return;
  out.write(`\n${title} (${issues.length}):\n`);
  for (const i of issues) {
    const where = [i.sheet, i.cell].filter(Boolean).join('!');
    out.write(`  ${where ? `[${where}] ` : ''}${i.message}  (${i.code})\n`);
  }
}

/** Files larger than this are not even read (the upload limit is far smaller; the use case gives the exact message). */
const READ_LIMIT_BYTES = 64 * 1024 * 1024;

async function upload(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    unit: { type: 'string' },
    form: { type: 'string' },
    period: { type: 'string' },
    wait: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [file, ...extra] = positionals;
  if (!values.unit || !values.form || !values.period || !file || extra.length > 0) {
    throw new UsageError('Cần --unit <mã đơn vị> --form <biểu mẫu> --period <kỳ> và đúng một tệp .xlsx, ví dụ: --unit SO-NV --form sap-xep-bo-may --period 2026-Q1 bao-cao.xlsx');
  }
  const waitSeconds = values.wait === undefined ? 60 : Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new UsageError(`--wait phải là số giây (0 trở lên), không phải "${values.wait}".`);
  if ((await stat(file)).size > READ_LIMIT_BYTES) throw new UsageError(`Tệp "${basename(file)}" quá lớn để là một biểu mẫu báo cáo.`);
  const bytes = await readFile(file);
  const operator = osUserName();

  const outcome = await withLocalDeps(async (deps, context) => {
    const catalog = await deps.catalog;
    const intent = await operatorUpload(
      { catalog, units: deps.units, files: deps.files, clock: deps.clock, locks: deps.locks, config: deps.config },
      { unitCode: values.unit!, formId: values.form!, period: values.period!, fileName: basename(file), bytes, operator },
    );
    // The audit line: who loaded what for whom (an operator action, never a token).
    deps.log.info('operator upload', { operator, unitCode: intent.unitCode, formId: intent.formId, period: intent.period, uploadId: intent.uploadId, target: context.target, size: bytes.length });
    await recordCliAudit(deps, context, {
      action: 'submission.upload',
      target: intent.unitCode,
      after: { formId: intent.formId, period: intent.period, uploadId: intent.uploadId, fileName: basename(file).slice(0, 200), size: bytes.length },
    });
    if (context.target === 'local' && !context.running) {
      // No `npm start` consumes the object-created event: ingest here, as the runtime would.
      await ingestUpload(
        { submissions: deps.submissions, files: deps.files, units: deps.units, catalog, clock: deps.clock, locks: deps.locks, maxUploadBytes: deps.config.maxUploadBytes, log: deps.log },
        { bucketKey: intent.key, eventTime: deps.clock.now().toISOString(), size: bytes.length },
      );
    }
    const deadline = Date.now() + waitSeconds * 1000;
    let submission = await deps.submissions.get(intent.uploadId);
    while ((!submission || submission.status === 'pending') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      submission = await deps.submissions.get(intent.uploadId);
    }
    return { intent, submission };
  });

  const { intent, submission: s } = outcome;
  const status = s?.status ?? 'pending';
  if (values.json) {
    process.stdout.write(
      JSON.stringify({ uploadId: intent.uploadId, key: intent.key, unitCode: intent.unitCode, formId: intent.formId, period: intent.period, issuedBy: intent.issuedBy, status, errors: s?.errors ?? [], warnings: s?.warnings ?? [] }, null, 2) + '\n',
    );
  } else {
    const out = process.stdout;
    out.write(`Đã nộp thay đơn vị ${intent.unitCode}: biểu mẫu ${intent.formId}, kỳ ${intent.period}.\n`);
    out.write(`  Mã lần nộp:  ${intent.uploadId}\n  Lưu tại:     ${intent.key}\n`);
    out.write(`  Trạng thái:  ${STATUS_LABEL[status]} (${status})${s?.version ? `, lần nộp thứ ${s.version}` : ''}\n`);
    if (status === 'pending') out.write(`  Chưa có kết quả; xem sau: npx tonghop submissions show ${intent.uploadId}\n`);
    if (s) {
      printIssues('Lỗi', s.errors, out);
      printIssues('Cảnh báo', s.warnings, out);
    }
  }
  return status === 'rejected' || status === 'failed' ? 1 : 0;
}


export const command: CliCommand = subcommands('submissions', help, { list, show, upload, diff });
