/**
 * Generates the Excel form a Vietnamese office expects: heading block (issuing body left,
 * "ĐẢNG CỘNG SẢN VIỆT NAM" right, place and date), title, the unit and period pre-filled and
 * locked, the Mã số / Chỉ tiêu table with section sub-headers, computed cells as locked
 * formulas with cached results, unlocked input cells with Excel data validation and Vietnamese
 * messages, the people/signature block, A4 print set-up, sheet protection without a password
 * (a password costs ~275 ms of hashing per sheet and protects nothing here: the reader checks
 * everything anyway), and the hidden metadata sheet the reader relies on.
 */
import ExcelJS from 'exceljs';
import type { Alignment, Border, Borders, DataValidation, Fill, Font, Worksheet } from 'exceljs';
import type { Unit } from '../model';
import { formatViDate } from '../format-vi';
import { cutOff, parsePeriod, periodLabel } from '../periods';
import { InvalidInputError } from '../errors';
import { DEFAULT_DECIMALS, type FieldType, type FormDefinition } from './definition';
import { numberFormatOf } from './number-formats';

export { NUMBER_FORMATS, numberFormatOf } from './number-formats';
import { formulaCells, signatures } from './formulas';
import { a1, defaultMin, layoutForm, sectionApplies, structureOf, TOTALS_LABEL, type FieldCell, type FormLayout } from './layout';
import { formatNumberVi } from './rules';
import { writeMetadataSheet } from './metadata';

export interface GenerateFormInput {
  form: FormDefinition;
  unit: Pick<Unit, 'code' | 'name' | 'type'>;
  period: string;
  now?: Date;
}

const FONT = 'Times New Roman';
const font = (extra: Partial<Font> = {}): Partial<Font> => ({ name: FONT, size: 12, ...extra });
const thin: Partial<Border> = { style: 'thin', color: { argb: 'FF000000' } };
const BOX: Partial<Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const solid = (argb: string): Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });
const INPUT_FILL = solid('FFFFF9E1');
const LOCKED_FILL = solid('FFF2F2F2');
const HEADER_FILL = solid('FFDDEBF7');

/** Default column width (Excel characters) by type: money needs room for billions. */
const defaultWidth = (type: FieldType): number => (type === 'money' ? 18 : 15);

/** Rows of a wrapped label in a column `width` characters wide (Times New Roman 12: about 1.15 characters per width unit). */
function wrappedLines(text: string, width: number, indent = 0): number {
  const perLine = Math.max(8, Math.floor((width - indent * 2) * 1.15));
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / perLine)), 0);
}

/** Generates the form for one unit and period; the bytes of an .xlsx file. */
export async function generateForm({ form, unit, period, now = new Date() }: GenerateFormInput): Promise<Buffer> {
  parsePeriod(period, form.periodType);
  if (!form.sections.some((s) => sectionApplies(s, unit.type)) && form.tables.length === 0) {
    throw new InvalidInputError('FORM_NOT_FOR_UNIT', `Biểu mẫu "${form.name}" không áp dụng cho loại đơn vị của ${unit.name}.`);
  }
  const layout = layoutForm(form, unit.type);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tonghop';
  wb.created = now;
  wb.modified = now;
  wb.title = form.name;
  const ws = wb.addWorksheet(layout.sheet, {
    properties: { defaultRowHeight: 18 },
    views: [{ showGridLines: false }],
  });
  drawHeading(ws, layout, unit, period);
  drawSections(ws, layout);
  drawTables(ws, layout);
  drawPeople(ws, layout);
  for (const f of formulaCells(layout)) {
    const cell = ws.getCell(f.row, f.col);
    cell.value = { formula: f.formula, result: f.result } as ExcelJS.CellFormulaValue;
  }
  addValidations(ws, layout.fields, layout);
  setupPrint(ws, layout);
  shareStyles(ws);
  await ws.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    insertRows: false,
    deleteRows: false,
    sort: false,
    autoFilter: false,
  });
  await writeMetadataSheet(wb, {
    formId: form.id,
    version: form.version,
    unitCode: unit.code,
    unitName: unit.name,
    unitType: unit.type,
    period,
    generatedAt: now.toISOString(),
    structure: structureOf(layout),
  });
  // Level 1 deflate: a fraction of the CPU of the default level for a few KB more per form.
  return Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 1 } } } as ExcelJS.XlsxWriteOptions));
}

/**
 * Makes cells with equal styles share one style object. exceljs renders every distinct style
 * object to XML to find its id, but remembers objects it has seen: sharing halves the time it
 * takes to write form 2's 3,000 styled cells. Done last, so drawing code may still set
 * properties cell by cell.
 */
function shareStyles(ws: Worksheet) {
  const seen = new Map<string, Partial<ExcelJS.Style>>();
  ws.eachRow({ includeEmpty: true }, (row) => {
    row.eachCell({ includeEmpty: true }, (cell) => {
      const key = JSON.stringify(cell.style);
      const shared = seen.get(key);
      if (shared) cell.style = shared;
      else seen.set(key, cell.style);
    });
  });
}

function put(ws: Worksheet, row: number, col: number, toCol: number, value: string, style: { font?: Partial<Font>; alignment?: Partial<Alignment> } = {}) {
  if (toCol > col) ws.mergeCells(row, col, row, toCol);
  const cell = ws.getCell(row, col);
  cell.value = value;
  cell.font = style.font ?? font();
  cell.alignment = style.alignment ?? { horizontal: 'center', vertical: 'middle', wrapText: true };
  return cell;
}

function drawHeading(ws: Worksheet, layout: FormLayout, unit: GenerateFormInput['unit'], period: string) {
  const { form, lastCol } = layout;
  const right = lastCol - 3;
  ws.getColumn(1).width = 8;
  ws.getColumn(2).width = form.sections.length ? 46 : 8;
  for (let c = 3; c <= lastCol; c++) ws.getColumn(c).width = 15;
  put(ws, 1, 1, 2, form.issuer, { font: font({ bold: false }) });
  put(ws, 1, right, lastCol, 'ĐẢNG CỘNG SẢN VIỆT NAM', { font: font({ bold: true, underline: true }) });
  put(ws, 2, 1, 2, unit.name.toLocaleUpperCase('vi-VN'), { font: font({ bold: true }) });
  ws.mergeCells(2, right, 2, lastCol);
  const dateCell = ws.getCell(2, right);
  dateCell.font = font({ italic: true });
  dateCell.alignment = { horizontal: 'center', vertical: 'middle' };
  put(ws, 3, 1, 2, '*', { font: font() });
  ws.getRow(2).height = 32;
  put(ws, layout.titleRow, 1, lastCol, form.title, { font: font({ bold: true, size: 13 }) });
  ws.getRow(layout.titleRow).height = 54;
  const label = periodLabel(period);
  put(ws, 5, 1, lastCol, form.subtitle ? `${form.subtitle} — ${label}` : `Kỳ báo cáo: ${label}`, { font: font({ bold: true, italic: true }) });
  put(ws, 6, 1, lastCol, `Đơn vị báo cáo: ${unit.name}`, { font: font({ bold: true }) });
  const { from, to } = cutOff(period);
  put(ws, 7, 1, lastCol, `(Số liệu tính từ ngày ${formatViDate(from)} đến ngày ${formatViDate(to)})`, { font: font({ italic: true, size: 11 }) });
}

function headerCell(ws: Worksheet, row: number, col: number, value: string) {
  const cell = ws.getCell(row, col);
  cell.value = value;
  cell.font = font({ bold: true, size: 11 });
  cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  cell.fill = HEADER_FILL;
  cell.border = BOX;
}

function inputCell(ws: Worksheet, row: number, col: number, type: FieldType, decimals?: number) {
  const cell = ws.getCell(row, col);
  cell.protection = { locked: false };
  cell.fill = INPUT_FILL;
  cell.border = BOX;
  cell.font = font();
  const fmt = numberFormatOf(type, decimals);
  // Text inputs use the Text format so a phone number keeps its leading 0 and a code is not turned into a date.
  if (fmt) cell.numFmt = fmt;
  cell.alignment = type === 'text' || type === 'choice' ? { horizontal: 'left', vertical: 'top', wrapText: true } : { horizontal: 'right', vertical: 'middle' };
  return cell;
}

function lockedCell(ws: Worksheet, row: number, col: number, value: string | null = null) {
  const cell = ws.getCell(row, col);
  if (value !== null) cell.value = value;
  cell.fill = LOCKED_FILL;
  cell.border = BOX;
  cell.font = font();
  cell.alignment = { horizontal: 'center', vertical: 'middle' };
  return cell;
}

function drawSections(ws: Worksheet, layout: FormLayout) {
  if (!layout.sections.length) return;
  const h = layout.tableHeaderRow;
  headerCell(ws, h, 1, 'Mã số');
  headerCell(ws, h, 2, 'Chỉ tiêu');
  ws.mergeCells(h, 3, h, layout.lastCol);
  headerCell(ws, h, 3, 'Số liệu');
  ws.getRow(h).height = 24;
  for (const s of layout.sections) {
    const label = ws.getCell(s.headerRow, 1);
    label.border = BOX;
    label.fill = HEADER_FILL;
    headerCell(ws, s.headerRow, 2, s.section.label);
    ws.getCell(s.headerRow, 2).alignment = { horizontal: 'left', vertical: 'middle', wrapText: true };
    if (s.text) {
      ws.mergeCells(s.headerRow, 3, s.headerRow, layout.lastCol);
      headerCell(ws, s.headerRow, 3, s.columns[0]!.label);
    } else {
      for (let c = 3; c <= layout.lastCol; c++) {
        const col = s.columns.find((x) => x.col === c);
        headerCell(ws, s.headerRow, c, col ? col.label : '');
        if (col?.column) ws.getColumn(c).width = Math.max(ws.getColumn(c).width ?? 15, col.column.width ?? defaultWidth(col.column.type));
      }
    }
    ws.getRow(s.headerRow).height = 32;
    for (const { row, rowNumber } of s.rows) {
      const code = ws.getCell(rowNumber, 1);
      code.value = row.code;
      code.numFmt = '@';
      code.font = font();
      code.alignment = { horizontal: 'center', vertical: 'middle' };
      code.border = BOX;
      const label = ws.getCell(rowNumber, 2);
      label.value = row.label;
      label.font = font({ bold: row.indent === 0 && !s.text });
      label.alignment = { horizontal: 'left', vertical: 'middle', wrapText: true, indent: row.indent * 2 };
      label.border = BOX;
      // A label longer than the Chỉ tiêu column wraps: give the row the lines it needs.
      const lines = wrappedLines(row.label, ws.getColumn(2).width ?? 46, row.indent);
      if (s.text) {
        ws.mergeCells(rowNumber, 3, rowNumber, layout.lastCol);
        inputCell(ws, rowNumber, 3, 'text');
        ws.getRow(rowNumber).height = 96;
        continue;
      }
      for (let c = 3; c <= layout.lastCol; c++) {
        const col = s.columns.find((x) => x.col === c);
        if (col?.column && row.columns.includes(col.key)) inputCell(ws, rowNumber, c, col.column.type, col.column.decimals);
        else if (col?.computed && [...col.computed.add, ...col.computed.sub].every((k) => row.columns.includes(k))) {
          const cell = lockedCell(ws, rowNumber, c);
          cell.numFmt = computedFormat(s.section, col.computed);
          cell.alignment = { horizontal: 'right', vertical: 'middle' };
        } else lockedCell(ws, rowNumber, c, col ? 'x' : null);
      }
      ws.getRow(rowNumber).height = Math.max(20, 16 * lines + 4);
    }
  }
}

/** A computed column's format: the finest of its operands' (a difference of decimals keeps their places). */
function computedFormat(section: FormLayout['sections'][number]['section'], computed: { add: string[]; sub: string[] }): string {
  const operands = [...computed.add, ...computed.sub].map((k) => section.columns.find((c) => c.key === k)).filter((c) => c !== undefined);
  const decimal = operands.filter((c) => c.type === 'decimal');
  if (decimal.length === 0) return '#,##0';
  return numberFormatOf('decimal', Math.max(...decimal.map((c) => c.decimals ?? DEFAULT_DECIMALS)))!;
}

function drawTables(ws: Worksheet, layout: FormLayout) {
  for (const t of layout.tables) {
    if (t.captionRow !== undefined) {
      put(ws, t.captionRow, 1, layout.lastCol, t.label, { font: font({ bold: true }), alignment: { horizontal: 'left', vertical: 'bottom', wrapText: true } });
      ws.getRow(t.captionRow).height = 30;
    }
    headerCell(ws, t.headerRow, t.numberCol, 'STT');
    // A table shares columns with the sections above it: widen, never narrow, a column.
    const shared = layout.sections.length > 0;
    ws.getColumn(t.numberCol).width = shared ? Math.max(ws.getColumn(t.numberCol).width ?? 7, 7) : 7;
    for (const c of t.columns) {
      headerCell(ws, t.headerRow, c.col, c.label);
      const wanted = c.column.width ?? defaultWidth(c.type);
      ws.getColumn(c.col).width = shared ? Math.max(ws.getColumn(c.col).width ?? wanted, wanted) : wanted;
    }
    ws.getRow(t.headerRow).height = Math.max(36, 16 * Math.max(...t.columns.map((c) => wrappedLines(c.label, ws.getColumn(c.col).width ?? 15))) + 6);
    for (let i = 0; i < t.maxRows; i++) {
      const r = t.firstRow + i;
      lockedCell(ws, r, t.numberCol);
      for (const c of t.columns) inputCell(ws, r, c.col, c.type, c.column.decimals);
    }
    const totals = lockedCell(ws, t.totalsRow, t.numberCol, TOTALS_LABEL);
    ws.mergeCells(t.totalsRow, t.numberCol, t.totalsRow, t.columns[0]!.col);
    totals.font = font({ bold: true });
    for (const c of t.columns) {
      if (c.col === t.columns[0]!.col) continue;
      const cell = lockedCell(ws, t.totalsRow, c.col, t.table.totals.includes(c.key) ? null : 'x');
      cell.font = font({ bold: true });
      if (t.table.totals.includes(c.key)) {
        cell.numFmt = numberFormatOf(c.type, c.column.decimals) ?? '#,##0';
        cell.alignment = { horizontal: 'right', vertical: 'middle' };
      }
    }
  }
}

function drawPeople(ws: Worksheet, layout: FormLayout) {
  for (const h of layout.header) {
    const label = ws.getCell(h.row, h.labelCol);
    label.value = `${h.field.label}:`;
    label.font = font({ italic: true });
    label.alignment = { horizontal: 'right', vertical: 'middle' };
    if (h.toCol > h.col) ws.mergeCells(h.row, h.col, h.row, h.toCol);
    inputCell(ws, h.row, h.col, h.field.type);
    ws.getCell(h.row, h.col).alignment = { horizontal: 'left', vertical: 'middle' };
    if (h.field.type === 'date') ws.getCell(h.row, h.col).numFmt = 'dd/mm/yyyy';
  }
  for (const s of signatures(layout)) {
    put(ws, layout.signatureRow, s.col, s.toCol, s.title, { font: font({ bold: true }) });
    put(ws, layout.signatureRow + 1, s.col, s.toCol, s.hint, { font: font({ italic: true, size: 11 }) });
    if (s.toCol > s.col) ws.mergeCells(layout.signatureRow + 4, s.col, layout.signatureRow + 4, s.toCol);
    const name = ws.getCell(layout.signatureRow + 4, s.col);
    name.font = font({ bold: true });
    name.alignment = { horizontal: 'center' };
  }
}

/** The Excel data validation of a field: Vietnamese prompt and error, Excel's length limits respected. */
function validationFor(f: Pick<FieldCell, 'type' | 'label' | 'min' | 'max' | 'maxLength' | 'choices' | 'decimals'>): DataValidation | undefined {
  const common = { allowBlank: true, showInputMessage: true, showErrorMessage: true, errorStyle: 'stop' as const, promptTitle: 'Nhập số liệu', errorTitle: 'Giá trị không hợp lệ' };
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  switch (f.type) {
    case 'whole':
    case 'money': {
      const min = f.min ?? 0;
      const what = f.type === 'money' ? 'số tiền (đồng), số nguyên' : 'số nguyên';
      return {
        ...common,
        type: f.type === 'money' ? 'decimal' : 'whole',
        operator: f.max === undefined ? 'greaterThanOrEqual' : 'between',
        formulae: f.max === undefined ? [min] : [min, f.max],
        prompt: cut(`Nhập ${what} ≥ ${min}. Không có thì ghi 0, không để trống.`, 250),
        error: cut(`Chỉ nhập ${what} từ ${min} trở lên${f.max === undefined ? '' : ` đến ${f.max}`}.`, 220),
      };
    }
    case 'decimal': {
      const min = f.min ?? 0;
      const places = f.decimals ?? DEFAULT_DECIMALS;
      const range = f.max === undefined ? `từ ${formatNumberVi(min)} trở lên` : `từ ${formatNumberVi(min)} đến ${formatNumberVi(f.max)}`;
      return {
        ...common,
        type: 'decimal',
        operator: f.max === undefined ? 'greaterThanOrEqual' : 'between',
        formulae: f.max === undefined ? [min] : [min, f.max],
        prompt: cut(`Nhập số ${range}${places > 0 ? `, lấy ${places} chữ số thập phân, dấu phẩy thập phân (ví dụ ${formatNumberVi(12.5)})` : ''}. Không có thì ghi 0.`, 250),
        error: cut(`Chỉ nhập số ${range}.`, 220),
      };
    }
    case 'text':
      return f.maxLength
        ? { ...common, promptTitle: 'Nhập nội dung', type: 'textLength', operator: 'lessThanOrEqual', formulae: [f.maxLength], prompt: `Tối đa ${f.maxLength} ký tự.`, error: `Nội dung dài quá ${f.maxLength} ký tự.` }
        : undefined;
    case 'date':
      return {
        ...common,
        promptTitle: 'Nhập ngày',
        type: 'date',
        operator: 'between',
        formulae: [new Date(Date.UTC(2000, 0, 1)), new Date(Date.UTC(2100, 0, 1))],
        prompt: 'Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026.',
        error: 'Ngày không hợp lệ. Nhập theo dạng ngày/tháng/năm.',
      };
    case 'choice':
      return {
        ...common,
        promptTitle: 'Chọn một giá trị',
        type: 'list',
        formulae: [`"${(f.choices ?? []).join(',')}"`],
        prompt: 'Chọn trong danh sách.',
        error: 'Chỉ chọn giá trị có trong danh sách.',
      };
  }
}

/** Adds one validation per run of vertically adjacent cells with the same rule (range form: exceljs #2820). */
function addValidations(sheet: Worksheet, fields: FieldCell[], layout: FormLayout) {
  // Typed loosely in exceljs' .d.ts; `dataValidations.add(range, …)` is the range API.
  const ws = sheet as Worksheet & { dataValidations: { add(range: string, v: DataValidation): void } };
  const groups = new Map<string, { validation: DataValidation; cells: Array<{ row: number; col: number }> }>();
  const add = (f: Pick<FieldCell, 'type' | 'label' | 'min' | 'max' | 'maxLength' | 'choices' | 'decimals'>, row: number, col: number) => {
    const validation = validationFor(f);
    if (!validation) return;
    const id = `${col}|${JSON.stringify(validation)}`;
    const g = groups.get(id) ?? { validation, cells: [] };
    g.cells.push({ row, col });
    groups.set(id, g);
  };
  for (const f of fields) add(f, f.row, f.col);
  for (const t of layout.tables) {
    for (const c of t.columns) {
      const f = { type: c.type, label: c.label, min: c.column.min ?? defaultMin(c.type), max: c.column.max, maxLength: c.column.maxLength, choices: c.column.choices, decimals: c.column.decimals };
      const validation = validationFor(f);
      if (validation) ws.dataValidations.add(`${a1(t.firstRow, c.col)}:${a1(t.firstRow + t.maxRows - 1, c.col)}`, validation);
    }
  }
  for (const { validation, cells } of groups.values()) {
    cells.sort((a, b) => a.row - b.row);
    let start = cells[0]!;
    let prev = start;
    const flush = () => ws.dataValidations.add(start.row === prev.row ? a1(start.row, start.col) : `${a1(start.row, start.col)}:${a1(prev.row, prev.col)}`, validation);
    for (const c of cells.slice(1)) {
      if (c.row === prev.row + 1) prev = c;
      else {
        flush();
        start = c;
        prev = c;
      }
    }
    flush();
  }
}

function setupPrint(ws: Worksheet, layout: FormLayout) {
  const headerRow = layout.sections.length ? layout.tableHeaderRow : (layout.tables[0]?.headerRow ?? layout.tableHeaderRow);
  ws.pageSetup = {
    paperSize: 9,
    orientation: layout.lastCol > 6 || layout.tables.length ? 'landscape' : 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    printTitlesRow: `${headerRow}:${headerRow}`,
    margins: { left: 0.6, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
  ws.headerFooter = { oddFooter: '&CTrang &P/&N' };
}
