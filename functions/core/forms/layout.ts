/**
 * Where every part of a form sits on the sheet, for one unit type. The generator draws this
 * layout, `describeForm` publishes it, and the generator records its essentials (`FormStructure`)
 * in the hidden metadata sheet, so the reader finds cells through what was recorded at generation
 * time — a later change to this layout code never breaks files already handed out.
 *
 * Rows are anchored by a text the uploader cannot mistake (the Mã số in column A, a header
 * field's label, the table's column header and "Tổng cộng"), so inserted or deleted rows can be
 * re-mapped by the reader instead of silently reading the wrong cell.
 */
import { createHash } from 'node:crypto';
import type { UnitType } from '../model';
import { DEFAULT_DECIMALS, type Column, type ComputedColumn, type FieldType, type FormDefinition, type HeaderField, type Row, type Section, type Table, type TableColumn } from './definition';

/** Name of the main sheet in generated forms. */
export const MAIN_SHEET = 'Báo cáo';
/** Name of the hidden, protected metadata sheet. */
export const META_SHEET = '_tonghop';
/** The label of a table's totals row (its anchor). */
export const TOTALS_LABEL = 'Tổng cộng';
/**
 * The reader looks for rows (anchors: Mã số, labels, a table's header and totals) in the first
 * this many rows of the main sheet only: a generated form whose last row lies below it could not
 * be read, so checkFormDefinition refuses such a definition (DEF_FORM_EXCEEDS_UPLOAD_LIMITS).
 */
export const MAX_SCANNED_ROWS = 5000;
/** First data column of section tables (A = Mã số, B = Chỉ tiêu). */
const FIRST_DATA_COL = 3;

export interface FieldCell {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  row: number;
  col: number;
  min?: number;
  max?: number;
  maxLength?: number;
  /** Decimal places of a `decimal` field (values are rounded to them when read). */
  decimals?: number;
  choices?: string[];
  /** Unit types that fill this field when restricted (describe without a unit type). */
  unitTypes?: UnitType[];
  /** Index into `FormLayout.anchors`: the row is found through this anchor. */
  anchor: number;
  /** Row code and column key for section fields. */
  rowCode?: string;
  columnKey?: string;
}

/** A text at a known place that fixes a row: the reader looks it up again if rows moved. */
export interface Anchor {
  col: number;
  row: number;
  text: string;
}

export interface SectionColumnLayout {
  key: string;
  label: string;
  col: number;
  column?: Column;
  computed?: ComputedColumn;
}

export interface SectionLayout {
  section: Section;
  headerRow: number;
  columns: SectionColumnLayout[];
  rows: Array<{ row: Row; rowNumber: number }>;
  /** Text sections span all data columns in one merged cell. */
  text: boolean;
}

export interface TableColumnLayout {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  unique: boolean;
  col: number;
  column: TableColumn;
}

export interface TableLayout {
  key: string;
  label: string;
  table: Table;
  /** Row of the table's label, when the form has sections or several tables. */
  captionRow?: number;
  headerRow: number;
  firstRow: number;
  maxRows: number;
  totalsRow: number;
  /** Column of the running number (STT) and of the totals label. */
  numberCol: number;
  columns: TableColumnLayout[];
}

export interface HeaderLayout {
  field: HeaderField;
  row: number;
  labelCol: number;
  col: number;
  /** Merged value cell spans to this column. */
  toCol: number;
}

export interface FormLayout {
  form: FormDefinition;
  unitType?: UnitType;
  sheet: string;
  lastCol: number;
  titleRow: number;
  tableHeaderRow: number;
  sections: SectionLayout[];
  tables: TableLayout[];
  header: HeaderLayout[];
  /** Row of the place/date line (formula on header.ngay_lap when the form has it). */
  dateLineRow: number;
  signatureRow: number;
  fields: FieldCell[];
  anchors: Anchor[];
  /** Column header labels that must still be where they were drawn: [anchor index, column, label]. */
  columnChecks: Array<[anchor: number, col: number, text: string]>;
}

/** Sections that apply to a unit type (all sections when no unit type is given). */
export function sectionApplies(section: Section, unitType?: UnitType): boolean {
  return !unitType || !section.unitTypes || section.unitTypes.includes(unitType);
}

export function rowApplies(section: Section, row: Row, unitType?: UnitType): boolean {
  if (!sectionApplies(section, unitType)) return false;
  return !unitType || !row.unitTypes || row.unitTypes.includes(unitType);
}

/**
 * Whether units of a type report on the form at all: it has a repeating table (tables apply to
 * every unit), or a section row that applies to the type, or nothing restricted to types. A form
 * whose every row belongs to other types expects no report from this type: consolidation, the
 * reminders and the status grid leave such units out.
 */
export function formAppliesTo(form: Pick<FormDefinition, 'sections' | 'tables'>, unitType: UnitType): boolean {
  if (form.tables.length > 0 || form.sections.length === 0) return true;
  return form.sections.some((section) => section.rows.some((row) => rowApplies(section, row, unitType)));
}

/** Section columns in display order: input columns, each computed column right after its last operand. */
function orderColumns(section: Section): Array<{ key: string; label: string; column?: Column; computed?: ComputedColumn }> {
  const out: Array<{ key: string; label: string; column?: Column; computed?: ComputedColumn }> = section.columns.map((c) => ({ key: c.key, label: c.label, column: c }));
  for (const computed of section.computed) {
    const operands = [...computed.add, ...computed.sub];
    const last = Math.max(...operands.map((k) => out.findIndex((c) => c.key === k)));
    out.splice(last + 1, 0, { key: computed.key, label: computed.label, computed });
  }
  return out;
}

/** Numbers are counts and amounts: not negative unless the column sets `min`. */
export const defaultMin = (type: FieldType): number | undefined => (type === 'whole' || type === 'money' || type === 'decimal' ? 0 : undefined);

/** Computes the layout of a form for a unit type (the superset of all sections when omitted). */
export function layoutForm(form: FormDefinition, unitType?: UnitType): FormLayout {
  const anchors: Anchor[] = [];
  const fields: FieldCell[] = [];
  const columnChecks: FormLayout['columnChecks'] = [];
  const sectionAnchors: Array<[section: SectionLayout, anchor: Anchor]> = [];
  const addAnchor = (a: Anchor): number => anchors.push(a) - 1;

  const sections = form.sections.filter((s) => sectionApplies(s, unitType));
  const widest = Math.max(2, ...sections.map((s) => orderColumns(s).length));
  const lastCol = Math.max(FIRST_DATA_COL + widest - 1, 6, ...form.tables.map((t) => 1 + t.columns.length));

  // Rows 1–3 heading block, 4 title, 5 subtitle/period, 6 unit, 7 cut-off note, 8 blank, 9 table header.
  const titleRow = 4;
  const dateLineRow = 2;
  const tableHeaderRow = 9;
  // Sections share one table header row (Mã số | Chỉ tiêu | Số liệu); a repeating table brings its own.
  let r = sections.length ? tableHeaderRow + 1 : tableHeaderRow;

  const sectionLayouts: SectionLayout[] = [];
  for (const section of sections) {
    const ordered = orderColumns(section);
    const text = ordered.length === 1 && ordered[0]?.column?.type === 'text';
    const columns = ordered.map((c, i) => ({ ...c, col: FIRST_DATA_COL + i }));
    const headerRow = r++;
    const rows: SectionLayout['rows'] = [];
    for (const row of section.rows) {
      if (!rowApplies(section, row, unitType)) continue;
      const rowNumber = r++;
      rows.push({ row, rowNumber });
      const anchor = addAnchor({ col: 1, row: rowNumber, text: row.code });
      for (const colKey of row.columns) {
        const c = columns.find((x) => x.key === colKey);
        const column = c?.column;
        if (!c || !column) continue;
        const restricted = row.unitTypes ?? section.unitTypes;
        fields.push({
          key: `${row.code}.${colKey}`,
          label: `${row.code}. ${row.label} — ${column.label}`,
          type: column.type,
          required: row.required,
          row: rowNumber,
          col: c.col,
          min: column.min ?? defaultMin(column.type),
          max: column.max,
          maxLength: column.maxLength,
          ...(column.type === 'decimal' ? { decimals: column.decimals ?? DEFAULT_DECIMALS } : {}),
          choices: column.choices,
          unitTypes: !unitType && restricted ? restricted : undefined,
          anchor,
          rowCode: row.code,
          columnKey: colKey,
        });
      }
    }
    const layoutOfSection = { section, headerRow, columns, rows, text };
    sectionLayouts.push(layoutOfSection);
    if (!text) sectionAnchors.push([layoutOfSection, { col: 2, row: headerRow, text: section.label }]);
  }
  // Section header anchors go after the row anchors (field anchor indices stay stable).
  for (const [s, anchor] of sectionAnchors) {
    const index = addAnchor(anchor);
    for (const c of s.columns) columnChecks.push([index, c.col, c.label]);
  }

  const tableLayouts: TableLayout[] = [];
  // A table below sections (or one of several) gets its label on a caption row above it; a form
  // that is one table alone (form 2) is titled by the form's title.
  const captioned = sections.length > 0 || form.tables.length > 1;
  for (const table of form.tables) {
    const captionRow = captioned ? r++ : undefined;
    const headerRow = r++;
    const firstRow = r;
    r += table.maxRows;
    const totalsRow = r++;
    tableLayouts.push({
      key: table.key,
      label: table.label,
      table,
      ...(captionRow !== undefined ? { captionRow } : {}),
      headerRow,
      firstRow,
      maxRows: table.maxRows,
      totalsRow,
      numberCol: 1,
      columns: table.columns.map((c, i) => ({ key: c.key, label: c.label, type: c.type, required: c.required, unique: c.unique, col: 2 + i, column: c })),
    });
  }

  // People block: one labelled input per header field, then the signature block.
  r += 1;
  const header: HeaderLayout[] = [];
  for (const field of form.header) {
    const row = r++;
    header.push({ field, row, labelCol: 2, col: FIRST_DATA_COL, toCol: Math.min(lastCol, FIRST_DATA_COL + 2) });
    const anchor = addAnchor({ col: 2, row, text: headerLabelText(field) });
    fields.push({
      key: `header.${field.key}`,
      label: field.label,
      type: field.type,
      required: field.required,
      row,
      col: FIRST_DATA_COL,
      maxLength: field.maxLength,
      anchor,
    });
  }
  const signatureRow = r + 1;

  return { form, unitType, sheet: MAIN_SHEET, lastCol, titleRow, tableHeaderRow, sections: sectionLayouts, tables: tableLayouts, header, dateLineRow, signatureRow, fields, anchors, columnChecks };
}

/** The label printed before a header field's input cell (also its anchor text). */
export function headerLabelText(field: HeaderField): string {
  return `${field.label}:`;
}

// ---------------------------------------------------------------------------------------------
// The recorded structure: what the reader needs, stored as JSON in the metadata sheet.

export interface StructureTable {
  key: string;
  /** Column of the table header anchor and its text (the first column's label). */
  headerAnchor: [col: number, row: number, text: string];
  /** Column and row of the totals label ("Tổng cộng"). */
  totalsAnchor: [col: number, row: number, text: string];
  maxRows: number;
  columns: Record<string, number>;
}

/** Recorded in the metadata sheet; the fingerprint is a hash of it. */
export interface FormStructure {
  sheet: string;
  anchors: Array<[col: number, row: number, text: string]>;
  /** field key → [anchor index, column number]. */
  fields: Record<string, [anchor: number, col: number]>;
  tables: StructureTable[];
  /** [anchor index, column, label]: column headers checked so an inserted or deleted column is caught. */
  columnChecks?: Array<[anchor: number, col: number, text: string]>;
}

export function structureOf(layout: FormLayout): FormStructure {
  return {
    sheet: layout.sheet,
    anchors: layout.anchors.map((a) => [a.col, a.row, a.text]),
    fields: Object.fromEntries(layout.fields.map((f) => [f.key, [f.anchor, f.col]])),
    tables: layout.tables.map((t) => ({
      key: t.key,
      headerAnchor: [t.columns[0]?.col ?? 2, t.headerRow, t.columns[0]?.label ?? ''],
      totalsAnchor: [t.numberCol, t.totalsRow, TOTALS_LABEL],
      maxRows: t.maxRows,
      columns: Object.fromEntries(t.columns.map((c) => [c.key, c.col])),
    })),
    columnChecks: layout.columnChecks,
  };
}

/**
 * A short hash of the identity and structure of a generated form: it detects an accidental or
 * casual edit of the hidden part (it is not keyed, so it proves nothing against someone who
 * recomputes it; which unit an upload counts for is decided by its upload intent, not by the file).
 * Metadata format 2 covers the form, version, unit type, unit code, period and structure; format 1
 * (forms generated before) covered no unit code or period.
 */
export function fingerprintOf(identity: { formId: string; version: number; unitType: string; unitCode: string; period: string }, structureJson: string, format: 1 | 2 = 2): string {
  const { formId, version, unitType, unitCode, period } = identity;
  const fields = format === 1 ? [formId, version, unitType, structureJson] : [formId, version, unitType, unitCode, period, structureJson];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 24);
}

// ---------------------------------------------------------------------------------------------
// A1 helpers

export function columnLetter(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function a1(row: number, col: number): string {
  return `${columnLetter(col)}${row}`;
}
