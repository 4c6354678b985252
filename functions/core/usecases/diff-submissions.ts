/**
 * The cell-level difference between two versions of a unit's report (operator console: "what
 * did this unit change?"). `diffFormValues` is pure: two `FormValues` and the definition each
 * was read with. `diffSubmissions` loads two accepted submissions through the ports;
 * `diffWithPreviousPeriod` compares a submission with the unit's latest accepted report of the
 * period before.
 *
 * Comparison rules:
 * - fields are matched by key (`01.truoc`, `header.nguoi_lap`), so two versions of a definition
 *   diff too; a field only one version defines is marked `onlyIn` (and listed only if it holds
 *   a value there);
 * - numbers compare exactly; text compares after trimming, and blank text is no value, so a
 *   value that appeared or disappeared shows as `null` on one side;
 * - computed columns (giảm = trước − hiện tại) and ratios are recomputed from each side's
 *   values as the definition says (`kind: 'computed' | 'ratio'`), never read from the file;
 * - table rows are matched by the table's first `unique` text column (e.g. Tên đơn vị,
 *   compared as the uniqueness check compares: case and runs of spaces ignored) when every row
 *   on both sides has a distinct value there; otherwise by position (row 1 with row 1, …).
 *   `matchedBy` says which was used.
 */
import { computeRatio, computeTotals } from '../consolidation/totals';
import { uniqueTextKey } from '../forms/cell-values';
import type { FieldType, FormDefinition, Table } from '../forms/definition';
import { layoutForm } from '../forms/layout';
import type { FormCatalog } from '../forms/catalog';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type { FieldValue, FormValues, Submission, TableRow } from '../model';
import { shiftPeriod } from '../periods';
import type { SubmissionRepository } from '../ports';

/** One scalar field that differs. `before`/`after` are `null` when the field has no value on that side. */
export interface FieldChange {
  /** Field key: `01.truoc`, `header.nguoi_lap`, `01.giam` (computed), `ratio.<key>`. */
  field: string;
  /** Mã số of the row; null for header fields and ratios. */
  code: string | null;
  /** Chỉ tiêu: the row's label (or the header field's / ratio's). */
  label: string;
  /** The column's label (e.g. "Trước sắp xếp"); null for header fields and ratios. */
  column: string | null;
  before: FieldValue | null;
  after: FieldValue | null;
  /** `input`: typed by the unit; `computed`/`ratio`: recomputed from the definition. */
  kind: 'input' | 'computed' | 'ratio';
  /** The field's type (ratio: a fraction, 0.25 = 25%). */
  type: FieldType | 'ratio';
  /** Set when only the definition version of that side has this field. */
  onlyIn?: 'before' | 'after';
}

export interface CellChange {
  /** Column key. */
  column: string;
  /** Column label. */
  label: string;
  type: FieldType;
  before: FieldValue | null;
  after: FieldValue | null;
}

/** A table row added, removed or changed. Added/removed rows list every cell that has a value. */
export interface TableRowChange {
  change: 'added' | 'removed' | 'changed';
  /** The row's key value (e.g. the unit name) when rows are matched by key. */
  key: string | null;
  /** 1-based row number in each version (null on the side the row is missing from). */
  rowBefore: number | null;
  rowAfter: number | null;
  cells: CellChange[];
}

export interface TableDiff {
  table: string;
  label: string;
  /** How rows were paired: by the key column's value, or by position. */
  matchedBy: 'key' | 'position';
  /** The key column (key and label) when `matchedBy` is `key`. */
  keyColumn: { key: string; label: string } | null;
  rows: TableRowChange[];
  onlyIn?: 'before' | 'after';
}

/** What `GET /api/admin/diff/<a>/<b>` answers: field changes in form order, then tables with changes. */
export interface ValuesDiff {
  changes: FieldChange[];
  tables: TableDiff[];
}

type Side = 'before' | 'after';

interface FieldSpec {
  field: string;
  code: string | null;
  label: string;
  column: string | null;
  kind: FieldChange['kind'];
  type: FieldChange['type'];
  value(values: FormValues, form: FormDefinition): FieldValue | null;
}

/** A value as compared: finite numbers as they are, text trimmed, blank → null. */
function comparable(v: FieldValue | null | undefined): FieldValue | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  return null;
}

/** Every field of a definition (superset over unit types), in form order: inputs with computed columns beside them, header, ratios. */
function fieldSpecs(form: FormDefinition): FieldSpec[] {
  const specs: FieldSpec[] = [];
  for (const section of layoutForm(form).sections) {
    for (const { row } of section.rows) {
      for (const c of section.columns) {
        if (c.column && row.columns.includes(c.key)) {
          const field = `${row.code}.${c.key}`;
          specs.push({ field, code: row.code, label: row.label, column: c.label, kind: 'input', type: c.column.type, value: (v) => comparable(v.fields[field]) });
        } else if (c.computed && [...c.computed.add, ...c.computed.sub].every((k) => row.columns.includes(k))) {
          const { add, sub } = c.computed;
          specs.push({
            field: `${row.code}.${c.key}`,
            code: row.code,
            label: row.label,
            column: c.label,
            kind: 'computed',
            // The operands' type (trước − hiện tại of whole numbers is a whole number).
            type: section.section.columns.find((x) => x.key === add[0])?.type ?? 'whole',
            value(v) {
              // A missing operand is not 0: the computed value is missing too.
              const operands = [...add, ...sub].map((k) => v.fields[`${row.code}.${k}`]);
              if (!operands.every((x) => typeof x === 'number')) return null;
              const sum = (ks: string[]) => ks.reduce((s, k) => s + (v.fields[`${row.code}.${k}`] as number), 0);
              return sum(add) - sum(sub);
            },
          });
        }
      }
    }
  }
  for (const h of form.header) {
    const field = `header.${h.key}`;
    specs.push({ field, code: null, label: h.label, column: null, kind: 'input', type: h.type, value: (v) => comparable(v.fields[field]) });
  }
  for (const ratio of form.ratios) {
    specs.push({
      field: `ratio.${ratio.key}`,
      code: null,
      label: ratio.label,
      column: null,
      kind: 'ratio',
      type: 'ratio',
      value: (v, f) => computeRatio(ratio, computeTotals(f, [v])) ?? null,
    });
  }
  return specs;
}

/** Union of two ordered lists by key: `after`'s order, then what only `before` has; each with the side(s) that have it. */
function unionByKey<T>(before: T[], after: T[], key: (t: T) => string): Array<{ item: T; onlyIn?: Side }> {
  const inBefore = new Set(before.map(key));
  const inAfter = new Set(after.map(key));
  return [
    ...after.map((item) => ({ item, onlyIn: inBefore.has(key(item)) ? undefined : ('after' as const) })),
    ...before.filter((t) => !inAfter.has(key(t))).map((item) => ({ item, onlyIn: 'before' as const })),
  ];
}

/**
 * Compares two versions of a unit's values. `formBefore`/`formAfter` are the definitions each
 * was read with (the same object when the versions share a definition).
 */
export function diffFormValues(input: { before: FormValues; after: FormValues; formBefore: FormDefinition; formAfter: FormDefinition }): ValuesDiff {
  const { before, after, formBefore, formAfter } = input;
  const changes: FieldChange[] = [];
  for (const { item: spec, onlyIn } of unionByKey(fieldSpecs(formBefore), fieldSpecs(formAfter), (s) => s.field)) {
    const b = onlyIn === 'after' ? null : spec.value(before, formBefore);
    const a = onlyIn === 'before' ? null : spec.value(after, formAfter);
    if (b === a) continue;
    const { value: _value, ...shape } = spec;
    changes.push({ ...shape, before: b, after: a, ...(onlyIn ? { onlyIn } : {}) });
  }
  const tables: TableDiff[] = [];
  for (const { item: table, onlyIn } of unionByKey(formBefore.tables, formAfter.tables, (t) => t.key)) {
    const tableBefore = formBefore.tables.find((t) => t.key === table.key);
    const diff = diffTable(table, tableBefore ?? table, onlyIn === 'after' ? [] : (before.tables[table.key] ?? []), onlyIn === 'before' ? [] : (after.tables[table.key] ?? []));
    if (diff.rows.length > 0) tables.push(onlyIn ? { ...diff, onlyIn } : diff);
  }
  return { changes, tables };
}

/** The first unique text column, when every row on both sides has a distinct, non-blank value there. */
function rowKeyColumn(table: Table, before: TableRow[], after: TableRow[]): Table['columns'][number] | undefined {
  const column = table.columns.find((c) => c.unique && c.type === 'text');
  if (!column) return undefined;
  const distinct = (rows: TableRow[]) => {
    const keys = rows.map((r) => comparable(r[column.key]));
    if (keys.some((k) => typeof k !== 'string')) return false;
    return new Set(keys.map((k) => uniqueTextKey(k as string))).size === keys.length;
  };
  return distinct(before) && distinct(after) ? column : undefined;
}

function diffTable(table: Table, tableBefore: Table, before: TableRow[], after: TableRow[]): TableDiff {
  const columns = unionByKey(tableBefore.columns, table.columns, (c) => c.key).map((x) => x.item);
  const cellsOf = (b: TableRow | undefined, a: TableRow | undefined): CellChange[] =>
    columns.flatMap((c) => {
      const vb = comparable(b?.[c.key]);
      const va = comparable(a?.[c.key]);
      return vb === va ? [] : [{ column: c.key, label: c.label, type: c.type, before: vb, after: va }];
    });
  const keyColumn = rowKeyColumn(table, before, after);
  const rows: TableRowChange[] = [];
  if (keyColumn) {
    const keyOf = (r: TableRow) => uniqueTextKey(comparable(r[keyColumn.key]) as string);
    const beforeByKey = new Map(before.map((r, i) => [keyOf(r), { row: r, index: i }]));
    const afterKeys = new Set(after.map(keyOf));
    after.forEach((row, i) => {
      const match = beforeByKey.get(keyOf(row));
      const cells = cellsOf(match?.row, row);
      if (cells.length === 0) return;
      rows.push({ change: match ? 'changed' : 'added', key: comparable(row[keyColumn.key]) as string, rowBefore: match ? match.index + 1 : null, rowAfter: i + 1, cells });
    });
    before.forEach((row, i) => {
      if (afterKeys.has(keyOf(row))) return;
      rows.push({ change: 'removed', key: comparable(row[keyColumn.key]) as string, rowBefore: i + 1, rowAfter: null, cells: cellsOf(row, undefined) });
    });
  } else {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const b = before[i];
      const a = after[i];
      const cells = cellsOf(b, a);
      if (cells.length === 0) continue;
      rows.push({ change: !b ? 'added' : !a ? 'removed' : 'changed', key: null, rowBefore: b ? i + 1 : null, rowAfter: a ? i + 1 : null, cells });
    }
  }
  return { table: table.key, label: table.label, matchedBy: keyColumn ? 'key' : 'position', keyColumn: keyColumn ? { key: keyColumn.key, label: keyColumn.label } : null, rows };
}

// ---------------------------------------------------------------------------------------------
// Use cases

export interface DiffSubmissionsDeps {
  submissions: Pick<SubmissionRepository, 'get' | 'getValues' | 'listByUnit'>;
  catalog: Pick<FormCatalog, 'require'>;
}

/** The version compared, as the result names it. */
export interface DiffedSubmission {
  uploadId: string;
  unitCode: string;
  formId: string;
  formVersion?: number;
  period: string;
  version?: number;
  receivedAt: string;
}

export interface SubmissionDiff extends ValuesDiff {
  before: DiffedSubmission;
  after: DiffedSubmission;
}

const summary = (s: Submission): DiffedSubmission => ({
  uploadId: s.uploadId,
  unitCode: s.unitCode,
  formId: s.formId,
  ...(s.formVersion !== undefined ? { formVersion: s.formVersion } : {}),
  period: s.period,
  ...(s.version !== undefined ? { version: s.version } : {}),
  receivedAt: s.receivedAt,
});

/** An accepted submission with its values and the definition version it was read with. */
async function loadAccepted(deps: DiffSubmissionsDeps, uploadId: string): Promise<{ submission: Submission; values: FormValues; form: FormDefinition }> {
  const submission = await deps.submissions.get(uploadId);
  if (!submission) throw new NotFoundError('SUBMISSION_NOT_FOUND', `Không có lần nộp "${uploadId.slice(0, 80)}".`);
  if (submission.status !== 'accepted') {
    throw new ConflictError('SUBMISSION_NOT_ACCEPTED', `Lần nộp ${submission.uploadId} chưa được chấp nhận (trạng thái: ${submission.status}); chỉ so sánh được các báo cáo đã được chấp nhận.`);
  }
  const values = await deps.submissions.getValues(submission.uploadId);
  if (!values) throw new ConflictError('SUBMISSION_VALUES_MISSING', `Lần nộp ${submission.uploadId} không có số liệu đã lưu để so sánh.`);
  return { submission, values, form: deps.catalog.require(submission.formId, submission.formVersion) };
}

function compare(a: Awaited<ReturnType<typeof loadAccepted>>, b: Awaited<ReturnType<typeof loadAccepted>>): SubmissionDiff {
  return { before: summary(a.submission), after: summary(b.submission), ...diffFormValues({ before: a.values, after: b.values, formBefore: a.form, formAfter: b.form }) };
}

/**
 * The changes from version A (before) to version B (after) of one unit's report of one form
 * (any periods). Refuses: a missing upload (404 SUBMISSION_NOT_FOUND), one not accepted or
 * without stored values (409 SUBMISSION_NOT_ACCEPTED / SUBMISSION_VALUES_MISSING), two units
 * or two forms (400 DIFF_DIFFERENT_UNITS / DIFF_DIFFERENT_FORMS).
 */
export async function diffSubmissions(deps: DiffSubmissionsDeps, input: { uploadIdA: string; uploadIdB: string }): Promise<SubmissionDiff> {
  const [a, b] = await Promise.all([loadAccepted(deps, input.uploadIdA), loadAccepted(deps, input.uploadIdB)]);
  if (a.submission.unitCode !== b.submission.unitCode) {
    throw new InvalidInputError('DIFF_DIFFERENT_UNITS', `Hai lần nộp thuộc hai đơn vị khác nhau (${a.submission.unitCode} và ${b.submission.unitCode}); chỉ so sánh các phiên bản báo cáo của cùng một đơn vị.`);
  }
  if (a.submission.formId !== b.submission.formId) {
    throw new InvalidInputError('DIFF_DIFFERENT_FORMS', `Hai lần nộp thuộc hai biểu mẫu khác nhau (${a.submission.formId} và ${b.submission.formId}).`);
  }
  return compare(a, b);
}

/**
 * The changes from the unit's latest accepted report of the previous period (the one
 * consolidation used: latest `receivedAt`, then `uploadId`) to this submission. Refuses as
 * `diffSubmissions`, and with 404 PREVIOUS_PERIOD_NOT_FOUND when that period has none.
 */
export async function diffWithPreviousPeriod(deps: DiffSubmissionsDeps, uploadId: string): Promise<SubmissionDiff> {
  const current = await loadAccepted(deps, uploadId);
  const { unitCode, formId, period } = current.submission;
  const previousPeriod = shiftPeriod(period, -1);
  const accepted = (await deps.submissions.listByUnit(unitCode, { formId, period: previousPeriod })).filter((s) => s.status === 'accepted' && s.formId === formId && s.period === previousPeriod);
  const latest = accepted.reduce<Submission | undefined>((best, s) => (!best || s.receivedAt > best.receivedAt || (s.receivedAt === best.receivedAt && s.uploadId > best.uploadId) ? s : best), undefined);
  if (!latest) throw new NotFoundError('PREVIOUS_PERIOD_NOT_FOUND', `Đơn vị ${unitCode} không có báo cáo được chấp nhận của kỳ trước (${previousPeriod}) để so sánh.`);
  return compare(await loadAccepted(deps, latest.uploadId), current);
}
