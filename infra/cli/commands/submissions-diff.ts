/**
 * `tonghop submissions diff <mã lần nộp A> <mã lần nộp B> [--json]` and
 * `tonghop submissions diff <mã lần nộp> --previous-period [--json]`: what a unit changed between
 * two versions of its report, cell by cell (core/usecases/diff-submissions.ts). The human output
 * is a table (Mã số, Chỉ tiêu, Cột, Trước, Sau) with Vietnamese numbers and dates, then the
 * table rows added, removed or changed; --json prints the use case's result as it is.
 */
import { formatPercent } from '../../../functions/core/consolidation/email';
import { quoteText } from '../../../functions/core/forms/cell-values';
import { formatNumberVi } from '../../../functions/core/forms/rules';
import { formatLocalTime, formatViDate } from '../../../functions/core/format-vi';
import type { FieldValue } from '../../../functions/core/model';
import { periodLabel } from '../../../functions/core/periods';
import {
  diffSubmissions, diffWithPreviousPeriod, type CellChange, type DiffedSubmission, type FieldChange, type SubmissionDiff, type TableRowChange,
} from '../../../functions/core/usecases/diff-submissions';
import { UsageError } from '../command';
import { parseCliArgs, withLocalDeps } from '../context';

export const diffHelp = `  diff   So sánh từng ô giữa hai phiên bản báo cáo (đã được chấp nhận) của cùng một đơn vị và
         biểu mẫu: <mã lần nộp A> (trước) với <mã lần nộp B> (sau); hoặc, với --previous-period,
         một lần nộp với báo cáo được chấp nhận mới nhất của đơn vị ở kỳ trước. In bảng Mã số,
         Chỉ tiêu, Cột, Trước, Sau (kể cả cột Giảm và tỷ lệ tự tính), rồi các dòng bảng được thêm,
         bỏ hoặc sửa (khớp dòng theo tên đơn vị khi tên không trùng, nếu không thì theo thứ tự).
         --json: { "before", "after", "changes": [{ "field", "code", "label", "column", "before",
                   "after", "kind", "type", "onlyIn"? }], "tables": [{ "table", "label", "matchedBy",
                   "keyColumn", "rows": [{ "change", "key", "rowBefore", "rowAfter", "cells" }] }] }`;

/** Widest text a table cell shows (the whole text is in --json). */
const CELL_MAX = 40;
const EMPTY = '(trống)';

/** Text from a unit's file as a terminal may show it: no control characters (no escape sequences), at most `max` characters. */
const safe = (text: string, max = CELL_MAX) => quoteText(text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '), max);

function showValue(value: FieldValue | null, type: FieldChange['type'], max = CELL_MAX): string {
  if (value === null) return EMPTY;
  if (typeof value === 'number') return type === 'ratio' ? formatPercent(value) : formatNumberVi(value);
  if (type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatViDate(value);
  return `"${safe(value, max)}"`;
}

const when = (iso: string) => `${formatViDate(new Date(iso))} ${formatLocalTime(new Date(iso))}`;
const describeVersion = (s: DiffedSubmission) =>
  `${s.version ? `lần nộp thứ ${s.version}, ` : ''}kỳ ${periodLabel(s.period)}, nộp ${when(s.receivedAt)}${s.formVersion ? `, mẫu phiên bản ${s.formVersion}` : ''} (${s.uploadId})`;

/** The `diff` subcommand of `tonghop submissions`. */
export async function diff(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' }, 'previous-period': { type: 'boolean' } });
  const previous = values['previous-period'] === true;
  if (previous ? positionals.length !== 1 : positionals.length !== 2) {
    throw new UsageError('Cần hai mã lần nộp (npx tonghop submissions diff <mã lần nộp A> <mã lần nộp B>) hoặc một mã lần nộp với --previous-period.');
  }
  const [uploadIdA, uploadIdB] = positionals as [string, string];
  const { result, unitName } = await withLocalDeps(async (deps) => {
    const catalog = await deps.catalog;
    const diffDeps = { submissions: deps.submissions, catalog };
    const result = previous ? await diffWithPreviousPeriod(diffDeps, uploadIdA) : await diffSubmissions(diffDeps, { uploadIdA, uploadIdB });
    return { result, unitName: (await deps.units.get(result.after.unitCode))?.name };
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  printDiff(result, unitName, process.stdout);
  return 0;
}

function printDiff(d: SubmissionDiff, unitName: string | undefined, out: NodeJS.WritableStream): void {
  out.write(`So sánh báo cáo của đơn vị ${d.after.unitCode}${unitName ? ` — ${unitName}` : ''}, biểu mẫu ${d.after.formId}\n`);
  out.write(`  Trước: ${describeVersion(d.before)}\n  Sau:   ${describeVersion(d.after)}\n`);
  if (d.changes.length === 0 && d.tables.length === 0) {
    out.write('\nKhông có thay đổi nào.\n');
    return;
  }
  if (d.changes.length > 0) {
    out.write(`\nChỉ tiêu thay đổi (${d.changes.length}):\n`);
    const rows = d.changes.map((c) => [c.code ?? '', safe(c.label) + onlyInNote(c.onlyIn), columnText(c), showValue(c.before, c.type), showValue(c.after, c.type)]);
    const header = ['Mã số', 'Chỉ tiêu', 'Cột', 'Trước', 'Sau'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n';
    out.write(line(header));
    for (const r of rows) out.write(line(r));
  }
  for (const t of d.tables) {
    const how = t.matchedBy === 'key' && t.keyColumn ? `khớp dòng theo ${t.keyColumn.label}` : 'khớp dòng theo thứ tự';
    out.write(`\nBảng "${t.label}"${onlyInNote(t.onlyIn)} (${how}): ${t.rows.length} dòng thay đổi\n`);
    for (const r of t.rows) out.write(`  ${rowText(r)}\n`);
  }
}

const onlyInNote = (side: 'before' | 'after' | undefined) => (side === 'before' ? ' [chỉ có ở mẫu của bản trước]' : side === 'after' ? ' [chỉ có ở mẫu của bản sau]' : '');

function columnText(c: FieldChange): string {
  if (c.kind === 'input') return c.column ?? '';
  return `${c.column ?? 'Tỷ lệ'} (tự tính)`;
}

function rowText(r: TableRowChange): string {
  const name = r.key === null ? '' : ` "${safe(r.key)}"`;
  const cell = (c: CellChange, side: 'before' | 'after') => `${c.label} ${showValue(c[side], c.type)}`;
  switch (r.change) {
    case 'added':
      return `+ Thêm dòng ${r.rowAfter}${name}: ${r.cells.map((c) => cell(c, 'after')).join('; ')}`;
    case 'removed':
      return `− Bỏ dòng ${r.rowBefore}${name}: ${r.cells.map((c) => cell(c, 'before')).join('; ')}`;
    case 'changed': {
      const where = r.rowBefore === r.rowAfter ? `dòng ${r.rowAfter}` : `dòng ${r.rowBefore} → ${r.rowAfter}`;
      return `~ Sửa ${where}${name}: ${r.cells.map((c) => `${c.label} ${showValue(c.before, c.type)} → ${showValue(c.after, c.type)}`).join('; ')}`;
    }
  }
}
