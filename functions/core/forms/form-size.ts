/**
 * The worst case of a generated form, filled to the brim, measured against the upload
 * validator's own limits (`DEFAULT_LIMITS` of inspect-file.ts, `MAX_SCANNED_ROWS` of the reader).
 * A definition whose form would be refused on upload however it is filled is refused at check
 * time instead (DEF_FORM_EXCEEDS_UPLOAD_LIMITS): otherwise every unit would find out at the
 * deadline. Estimates are upper bounds computed from the layout, without generating a workbook.
 */
import type { FormDefinition } from './definition';
import { DEFAULT_LIMITS, type InspectLimits } from './inspect-file';
import { layoutForm, MAX_SCANNED_ROWS } from './layout';

/** Excel's limit on the characters of one cell: a text field without `maxLength` may hold this many. */
export const EXCEL_CELL_MAX_CHARS = 32_767;
/** Bytes of XML per written cell, value aside (`<c r="AB1234" s="123" t="s"><v>…</v></c>` and its share of the row). */
const CELL_XML_BYTES = 48;
/** UTF-8 bytes per character of Vietnamese text, at worst (ắ, ồ, ự … are 3 bytes when precomposed). */
const BYTES_PER_CHAR = 3;
/** Bytes of a typed number, at worst (`-123456789012.123456`). */
const NUMBER_BYTES = 24;
/** Deflate shrinks spreadsheet XML at least this much (typically 5–10×; Vietnamese text ~3×). */
const MIN_COMPRESSION = 2;
/** Cells of the hidden metadata sheet (key/value rows) and parts besides the sheets (styles, workbook, content types). */
const META_CELLS = 40;
/** Sheets of a generated form: the report and the hidden metadata sheet (a feedback workbook adds its issue list). */
const FORM_SHEETS = 3;

export interface FormSizeEstimate {
  /** Last row of the main sheet (the reader scans up to MAX_SCANNED_ROWS). */
  rows: number;
  columns: number;
  /** `<c>` elements over every sheet. */
  cells: number;
  /** Cells covered by merges and data-validation ranges. */
  rangeCells: number;
  sheets: number;
  /** Inflated XML bytes when every cell holds its longest allowed value. */
  inflatedBytes: number;
  /** The upload's size, assuming the XML compresses at least MIN_COMPRESSION×. */
  fileBytes: number;
  /** The table that contributes most rows, if any (for the message). */
  largestTable?: { key: string; index: number; cells: number };
}

/** The worst case of the form generated for any unit type (the superset of every section). */
export function estimateFormSize(form: FormDefinition): FormSizeEstimate {
  const layout = layoutForm(form);
  const rows = layout.signatureRow + 4;
  const columns = layout.lastCol;
  // Every cell of the drawn grid may be written (styled, bordered or filled).
  const gridCells = rows * columns;
  const cells = gridCells + META_CELLS;

  let validationCells = layout.fields.length;
  let textBytes = 0;
  let numberCells = 0;
  const textChars = (type: string, maxLength: number | undefined, choices: readonly string[] | undefined) =>
    type === 'text' ? (maxLength ?? EXCEL_CELL_MAX_CHARS) : type === 'choice' ? Math.max(0, ...(choices ?? []).map((c) => c.length)) : 0;
  for (const f of layout.fields) {
    const chars = textChars(f.type, f.maxLength, f.choices);
    if (chars > 0) textBytes += chars * BYTES_PER_CHAR;
    else numberCells += 1;
  }
  let largestTable: FormSizeEstimate['largestTable'];
  layout.tables.forEach((t, index) => {
    const tableCells = t.maxRows * t.columns.length;
    validationCells += tableCells;
    for (const c of t.columns) {
      const chars = textChars(c.type, c.column.maxLength, c.column.choices);
      if (chars > 0) textBytes += chars * BYTES_PER_CHAR * t.maxRows;
      else numberCells += t.maxRows;
    }
    if (!largestTable || tableCells > largestTable.cells) largestTable = { key: t.key, index, cells: tableCells };
  });
  // Merged ranges are disjoint, and so are validation ranges: each covers at most the grid.
  const rangeCells = Math.min(gridCells, validationCells) + gridCells;
  const inflatedBytes = cells * CELL_XML_BYTES + numberCells * NUMBER_BYTES + textBytes;
  return {
    rows,
    columns,
    cells,
    rangeCells,
    sheets: FORM_SHEETS,
    inflatedBytes,
    fileBytes: Math.ceil(inflatedBytes / MIN_COMPRESSION),
    ...(largestTable ? { largestTable } : {}),
  };
}

export interface UploadLimitExcess {
  what: 'rows' | 'cells' | 'rangeCells' | 'sheets' | 'inflatedBytes' | 'fileBytes';
  estimate: number;
  limit: number;
}

/** Which of the validator's limits the worst case exceeds (empty when the form always fits). */
export function uploadLimitExcesses(estimate: FormSizeEstimate, limits: InspectLimits = DEFAULT_LIMITS): UploadLimitExcess[] {
  const checks: UploadLimitExcess[] = [
    { what: 'rows', estimate: estimate.rows, limit: MAX_SCANNED_ROWS },
    { what: 'cells', estimate: estimate.cells, limit: limits.maxCells },
    { what: 'rangeCells', estimate: estimate.rangeCells, limit: limits.maxRangeCells },
    { what: 'sheets', estimate: estimate.sheets, limit: limits.maxSheets },
    // One sheet (or its shared strings) is one zip part: the per-part cap binds first.
    { what: 'inflatedBytes', estimate: estimate.inflatedBytes, limit: Math.min(limits.maxEntryInflated, limits.maxTotalInflated) },
    { what: 'fileBytes', estimate: estimate.fileBytes, limit: limits.maxBytes },
  ];
  return checks.filter((c) => c.estimate > c.limit);
}
