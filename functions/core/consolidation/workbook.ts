/**
 * The consolidated workbook (Vietnamese, styled, print-ready), written with exceljs's streaming
 * writer: each row is committed as soon as it is built, so memory stays flat whether 50 or
 * 1,000 units reported (the whole model is never held as an exceljs Workbook).
 *
 * Sheets: "Tổng hợp" (the briefing's summary sentences, province totals, previous period beside
 * them, ratios vs target), then what leadership looks at next when a briefing is given: "Biểu đồ"
 * (the charts as pictures, one under another, printed on A4 portrait) and "Đơn vị cần đôn đốc"
 * (every unit needing attention with its reasons); then "Theo loại đơn vị", "Chi tiết đơn vị", one sheet per repeating table (every row with its
 * parent unit), "Tình hình nộp", "Ý kiến" (narrative fields), "Cảnh báo", "Dữ liệu" (long
 * format for PivotTables). Layout comes from the form definition only.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Border, Fill, Font, Worksheet } from 'exceljs';
import { foldVietnamese, formatLocalDateTime } from '../format-vi';
import type { Briefing, RenderedChart } from '../briefing/model';
import { toLocalWallClock } from '../periods';
import { REVIEW_STATE_LABELS, type ReviewState } from '../review/model';
import { textStyle, type TextStyle } from '../spreadsheet-text';
import {
  LATE, NOT_REPORTED, UNIT_STATUS_LABELS, figureFormat, figureKeys, listedFields, numericSections, sectionColumnApplies, sectionColumnFormat, sectionColumns, sectionValue, tableFigures, textFields,
  type ConsolidatedReport, type UnitLine,
} from './report';
import { ATTENTION_SHEET, CHARTS_SHEET } from './sheet-names';
import { placePictures, type SheetPicture } from './stream-pictures';
import { computeRatio } from './totals';

const NUM = '#,##0';
const PCT = '0.0%';
const DATE_TIME = 'dd/mm/yyyy hh:mm';

const thin: Partial<Border> = { style: 'thin', color: { argb: 'FF9E9E9E' } };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };
const HEADER_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const SECTION_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
const TOTAL_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
const MISSING_FONT: Partial<Font> = { italic: true, color: { argb: 'FF9C0006' } };

/**
 * What one worksheet may hold. Excel refuses a file past these (LibreOffice truncates it), so the
 * writer never passes them: long-format sheets continue on numbered sheets, other sheets stop
 * with a note, wide sheets are capped with a note, and a longer text is cut with a visible marker.
 * A parameter so tests can prove the behaviour with small numbers.
 */
export interface SheetLimits {
  /** Rows per worksheet, headers included (Excel: 1,048,576). */
  maxRows: number;
  /** Columns per worksheet (Excel: 16,384, column XFD). */
  maxColumns: number;
  /** Characters per cell (Excel: 32,767). */
  maxCellChars: number;
  /** Data rows per "Dữ liệu" sheet before "Dữ liệu (2)" starts (1,000,000: a round number under Excel's rows). */
  dataRowsPerSheet: number;
}

export const EXCEL_LIMITS: SheetLimits = { maxRows: 1_048_576, maxColumns: 16_384, maxCellChars: 32_767, dataRowsPerSheet: 1_000_000 };

/** Appended to a text cut at the cell limit, so a reader sees that the cell is not the whole text. */
export const TRUNCATED_MARKER = '…(đã rút gọn)';

/** `text` within `max` characters, ending with the marker when it was cut. */
export function capCellText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - TRUNCATED_MARKER.length))}${TRUNCATED_MARKER}`;
}

type CellValue = string | number | Date | null | undefined;
interface CellSpec {
  value: CellValue;
  numFmt?: string;
  bold?: boolean;
  italic?: boolean;
  font?: Partial<Font>;
  wrap?: boolean;
  align?: 'left' | 'center' | 'right';
  indent?: number;
}
type Cell = CellValue | CellSpec;
interface RowStyle {
  header?: boolean;
  fill?: Fill;
  bold?: boolean;
  border?: boolean;
  font?: Partial<Font>;
  height?: number;
}

/**
 * A worksheet that commits rows as it goes. The last row (or, inside `group`, every row of the
 * group) stays open until the next row, so merges can still reach it: the streaming writer
 * refuses to touch a committed row.
 */
class SheetWriter {
  private rowNumber = 0;
  private pending: ExcelJS.Row[] = [];
  private holding = false;
  private readonly styles = new Map<string, TextStyle>();
  /** Rows refused because the sheet is full (the caller's note says how many). */
  dropped = 0;
  /** Set while the closing note is written on the row kept for it. */
  private closing = false;
  constructor(
    readonly ws: Worksheet,
    readonly limits: SheetLimits = EXCEL_LIMITS,
  ) {}

  /** Column widths, within the column limit. */
  columns(defs: Array<Partial<ExcelJS.Column>>): void {
    this.ws.columns = defs.slice(0, this.limits.maxColumns);
  }

  /** Rows this sheet can still take (the last row is kept for the note saying the sheet stopped). */
  get room(): number {
    return this.limits.maxRows - 1 - this.rowNumber;
  }

  /** Cells within the column limit, texts within the character limit. */
  private fit<T>(cells: readonly T[], value: (c: T) => unknown, setText: (c: T, text: string) => T): T[] {
    const out = cells.length > this.limits.maxColumns ? cells.slice(0, this.limits.maxColumns) : [...cells];
    for (let i = 0; i < out.length; i++) {
      const v = value(out[i]!);
      if (typeof v === 'string' && v.length > this.limits.maxCellChars) out[i] = setText(out[i]!, capCellText(v, this.limits.maxCellChars));
    }
    return out;
  }

  /** Keeps every row added by `fn` open until it returns (for merges spanning rows). */
  group<T>(fn: () => T): T {
    this.flush();
    this.holding = true;
    try {
      return fn();
    } finally {
      this.holding = false;
    }
  }

  private flush(): void {
    for (const r of this.pending) r.commit();
    this.pending = [];
  }

  /** Commits what is left and the worksheet; says on its last row how many rows did not fit. */
  finish(): void {
    if (this.dropped > 0) {
      this.flush();
      const n = this.dropped;
      this.closing = true;
      // Not wrapped: the note runs on across the empty cells to its right, on one line.
      this.add([{ value: `…(đã rút gọn) Sheet dừng ở giới hạn ${this.limits.maxRows.toLocaleString('vi-VN')} dòng của Excel: ${n.toLocaleString('vi-VN')} dòng sau không hiển thị; số liệu đầy đủ ở sheet "Dữ liệu".`, italic: true, font: MISSING_FONT, wrap: false }], { border: false });
    }
    this.flush();
    this.ws.commit();
  }

  get lastRow(): number {
    return this.rowNumber;
  }

  /**
   * Adds a row; past the sheet's row limit the row is counted in `dropped` and not written (the
   * caller leaves room for its note with `room`).
   */
  add(input: Cell[], style: RowStyle = {}): number {
    if (this.room <= 0 && !this.closing) {
      this.dropped += 1;
      return 0;
    }
    const cells = this.fit(input, (c) => (isSpec(c) ? c.value : c), (c, text) => (isSpec(c) ? { ...c, value: text } : text));
    if (!this.holding) this.flush();
    const row = this.ws.addRow(cells.map((c) => (isSpec(c) ? toValue(c.value) : toValue(c))));
    this.rowNumber = row.number;
    if (style.height) row.height = style.height;
    cells.forEach((c, i) => {
      const spec: CellSpec = isSpec(c) ? c : { value: c };
      row.getCell(i + 1).style = this.styleFor(spec, style);
    });
    this.pending.push(row);
    return row.number;
  }

  /**
   * One shared style object per distinct look: exceljs caches style ids by object identity
   * (a WeakMap), so sharing objects keeps styling cheap for hundreds of thousands of cells.
   */
  private styleFor(spec: CellSpec, row: RowStyle): TextStyle {
    const bold = (spec.bold ?? row.bold ?? row.header) === true;
    const numFmt = spec.numFmt ?? (typeof spec.value === 'number' ? NUM : undefined);
    const fill = row.header ? HEADER_FILL : row.fill;
    const border = row.border !== false;
    const horizontal = spec.align ?? (row.header ? 'center' : undefined);
    const wrap = spec.wrap ?? (row.header === true || typeof spec.value === 'string');
    const fontKey = row.font || spec.font ? JSON.stringify([row.font, spec.font]) : '';
    const key = `${bold}|${spec.italic === true}|${fontKey}|${numFmt}|${fill?.type === 'pattern' ? fill.fgColor?.argb : ''}|${border}|${row.header === true}|${horizontal}|${wrap}|${spec.indent ?? ''}`;
    let cached = this.styles.get(key);
    if (!cached) {
      const font: Partial<Font> = { name: 'Times New Roman', size: 12, ...row.font, ...spec.font };
      if (bold) font.bold = true;
      if (spec.italic) font.italic = true;
      cached = {
        font,
        ...(numFmt ? { numFmt } : {}),
        ...(fill ? { fill } : {}),
        ...(border ? { border: BORDER } : {}),
        alignment: { vertical: row.header ? 'middle' : 'top', horizontal, wrapText: wrap, indent: spec.indent },
      };
      this.styles.set(key, cached);
    }
    // Formula-looking text from units stays text when the cell is re-edited (Excel's quote prefix).
    return textStyle(spec.value, cached);
  }

  /** The style `add` would give this cell, for rows written with `addStyled`. */
  style(spec: CellSpec, row: RowStyle = {}): TextStyle {
    return this.styleFor(spec, row);
  }

  /** The fast path for long uniform sheets: values with one precomputed style per column. */
  addStyled(input: Array<string | number | null>, styles: readonly TextStyle[]): void {
    if (this.room <= 0) {
      this.dropped += 1;
      return;
    }
    const values = this.fit(input, (v) => v, (_, text) => text);
    if (!this.holding) this.flush();
    const row = this.ws.addRow(values);
    this.rowNumber = row.number;
    for (let i = 0; i < values.length; i++) row.getCell(i + 1).style = textStyle(values[i], styles[i]);
    this.pending.push(row);
  }

  /** A title line across `width` columns (merged, no border). */
  title(text: string, width: number, font: Partial<Font> = { bold: true, size: 14 }, height: number | undefined = font.size && font.size > 12 ? 36 : undefined): void {
    const n = this.add([{ value: text, font, align: 'center', wrap: true }], { border: false, height });
    this.merge(n, 1, width);
  }

  blank(): void {
    this.add([], { border: false });
  }

  /** Merges column `col` from row `top` to `bottom` (nothing when a row was not written). */
  mergeDown(top: number, bottom: number, col: number): void {
    if (top > 0 && bottom > top && col <= this.limits.maxColumns) this.ws.mergeCells(top, col, bottom, col);
  }

  merge(row: number, from: number, to: number): void {
    const last = Math.min(to, this.limits.maxColumns);
    if (row > 0 && last > from) this.ws.mergeCells(row, from, row, last);
  }
}

function isSpec(c: Cell): c is CellSpec {
  return typeof c === 'object' && c !== null && !(c instanceof Date);
}
function toValue(v: CellValue): string | number | Date | null {
  return v === undefined ? null : v;
}

function sheetOptions(frozenRows: number, frozenCols: number, tabColor?: string): Partial<ExcelJS.AddWorksheetOptions> {
  return {
    views: [{ state: 'frozen', xSplit: frozenCols, ySplit: frozenRows, topLeftCell: undefined, activeCell: undefined }],
    properties: tabColor ? ({ tabColor: { argb: tabColor } } as ExcelJS.WorksheetProperties) : undefined,
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&L&8&A&R&8Trang &P/&N', differentFirst: false, differentOddEven: false },
  };
}

const pct = (v: number | undefined): Cell => (v === undefined ? { value: '—', align: 'center' } : { value: v, numFmt: PCT });
const num = (v: number | undefined, numFmt: string = NUM): Cell => (v === undefined ? null : { value: v, numFmt });
/** A stored value for display: ISO dates as Excel dates (dd/mm/yyyy), numbers with `numFmt`, text as is. */
const shown = (v: unknown, type: string, numFmt: string = NUM): Cell => {
  if (typeof v === 'number') return num(v, numFmt);
  if (typeof v !== 'string' || v === '') return null;
  if (type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return { value: new Date(`${v}T00:00:00Z`), numFmt: DATE, align: 'center' };
  return v;
};
const DATE = 'dd/mm/yyyy';
const diff = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);

/** Excel sheet names: ≤ 31 characters, none of []:*?/\, unique. */
function sheetName(wanted: string, used: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim() || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 28)} (${i})`;
  used.add(name.toLowerCase());
  return name;
}

export { ATTENTION_SHEET, CHARTS_SHEET } from './sheet-names';

/**
 * Writes the consolidated workbook; resolves to the .xlsx bytes. With a `briefing`, the summary
 * sheet opens with its sentences and the attention sheet lists every unit; with `charts`
 * (rendered from the briefing), the charts sheet shows them.
 */
export async function writeConsolidatedWorkbook(
  report: ConsolidatedReport,
  briefing?: Briefing,
  charts: readonly RenderedChart[] = [],
  sheetLimits: Partial<SheetLimits> = {},
): Promise<Buffer> {
  const limits: SheetLimits = { ...EXCEL_LIMITS, ...sheetLimits };
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  wb.creator = 'tonghop';
  wb.created = report.generatedAt;
  wb.modified = report.generatedAt;
  const used = new Set<string>();

  writeSummarySheet(wb, sheetName('Tổng hợp', used), report, briefing?.summary ?? [], limits);
  if (charts.length > 0) writeChartsSheet(wb, sheetName(CHARTS_SHEET, used), report, charts, limits);
  if (briefing) writeAttentionSheet(wb, sheetName(ATTENTION_SHEET, used), report, briefing, limits);
  writeByTypeSheet(wb, sheetName('Theo loại đơn vị', used), report, limits);
  writeUnitDetailSheet(wb, sheetName('Chi tiết đơn vị', used), report, limits);
  for (const table of report.form.tables) writeTableRowsSheets(wb, used, report, table.key, limits);
  writeStatusSheet(wb, sheetName('Tình hình nộp', used), report, limits);
  if (listedFields(report.form).length > 0) writeListedSheet(wb, sheetName('Thông tin theo đơn vị', used), report, limits);
  if (textFields(report.form).length > 0) writeOpinionsSheet(wb, sheetName('Ý kiến', used), report, limits);
  writeWarningsSheet(wb, sheetName('Cảnh báo', used), report, limits);
  writeDataSheets(wb, used, report, limits);

  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

type WB = ExcelJS.stream.xlsx.WorkbookWriter;

function headerLines(s: SheetWriter, report: ConsolidatedReport, width: number, subtitle: string): void {
  s.title(`BÁO CÁO TỔNG HỢP — ${report.form.title}`, width);
  s.title(`${subtitle} — ${report.periodLabel}`, width, { bold: true, size: 12 });
  s.title(
    `Số đơn vị đã báo cáo: ${report.unitsReported}/${report.unitsExpected}. Số liệu tổng hợp lúc ${formatLocalDateTime(report.generatedAt)} (giờ Việt Nam).`,
    width,
    { italic: true, size: 11 },
  );
}

function writeSummarySheet(wb: WB, name: string, report: ConsolidatedReport, summary: readonly string[], limits: SheetLimits): void {
  const sections = numericSections(report.form);
  const maxCols = Math.max(1, ...sections.map((sec) => sectionColumns(sec).length));
  const width = 2 + 3 * maxCols;
  const ws = wb.addWorksheet(name, sheetOptions(4, 2, 'FF1F4E79'));
  const s = new SheetWriter(ws, limits);
  s.columns([{ width: 8 }, { width: 48 }, ...Array.from({ length: 3 * maxCols }, () => ({ width: 14 }))]);
  headerLines(s, report, width, 'Toàn tỉnh');
  s.blank();
  // "Are we on target?" in sentences, above the tables (below the frozen title lines).
  if (summary.length > 0) {
    const chars = 48 + 14 * (width - 2);
    for (const sentence of summary) {
      const n = s.add([{ value: '•', align: 'right', bold: true }, { value: sentence, wrap: true, font: { size: 12, color: { argb: 'FF1F4E79' } } }], {
        border: false,
        height: 17 * Math.max(1, Math.ceil(sentence.length / chars)) + 3,
      });
      s.merge(n, 2, width);
    }
    s.blank();
  }

  // Who reported, this period and the previous one.
  const prevLabel = `Kỳ trước (${report.previousPeriodLabel})`;
  s.add(['', 'Tình hình báo cáo', 'Kỳ này', prevLabel, 'Thay đổi'], { header: true, height: 32 });
  s.add(['', 'Số đơn vị đã báo cáo', num(report.unitsReported), num(report.previousUnitsReported), num(report.unitsReported - report.previousUnitsReported)]);
  s.add(['', 'Số đơn vị phải báo cáo', num(report.unitsExpected), null, null]);
  s.add(['', 'Số đơn vị chưa báo cáo', num(report.unitsExpected - report.unitsReported), null, null]);

  if (report.ratios.length > 0) {
    s.blank();
    s.add(['', 'Tỷ lệ (tính từ số tổng hợp)', 'Kỳ này', prevLabel, 'Thay đổi', 'Mục tiêu', 'Đánh giá'], { header: true, height: 32 });
    for (const r of report.ratios) {
      const verdict = r.meetsTarget === undefined ? '' : r.meetsTarget ? 'Đạt' : 'Chưa đạt';
      s.add([
        '',
        { value: r.ratio.label, wrap: true },
        pct(r.value),
        pct(r.previous),
        r.value === undefined || r.previous === undefined ? null : { value: r.value - r.previous, numFmt: '+0.0%;-0.0%;0.0%' },
        r.ratio.targetMin === undefined ? null : { value: r.ratio.targetMin, numFmt: '"≥ "0%' },
        { value: verdict, bold: true, font: r.meetsTarget === false ? { color: { argb: 'FF9C0006' } } : undefined, align: 'center' },
      ]);
      if (r.ratio.targetLabel) {
        const n = s.add(['', { value: r.ratio.targetLabel, italic: true, wrap: true }], { border: false, font: { size: 10 } });
        s.merge(n, 2, 7);
      }
    }
  }

  for (const section of sections) {
    const cols = sectionColumns(section);
    s.blank();
    s.group(() => {
      const h1 = s.add(['Mã số', 'Chỉ tiêu', 'Kỳ này', ...pad(cols.length - 1), prevLabel, ...pad(cols.length - 1), 'Thay đổi', ...pad(cols.length - 1)], {
        header: true,
      });
      const h2 = s.add(['', '', ...[0, 1, 2].flatMap(() => cols.map((c) => c.column.label))], { header: true, height: 45 });
      s.merge(h1, 3, 2 + cols.length);
      s.merge(h1, 3 + cols.length, 2 + 2 * cols.length);
      s.merge(h1, 3 + 2 * cols.length, 2 + 3 * cols.length);
      s.mergeDown(h1, h2, 1);
      s.mergeDown(h1, h2, 2);
    });
    const sectionLabel = sectionHeading(section.label, (section.unitTypes ?? []).map((t) => report.unitTypes.label(t)));
    s.add(['', sectionLabel, ...pad(3 * cols.length)], {
      fill: SECTION_FILL,
      bold: true,
      height: labelHeight(sectionLabel, 48),
    });
    const formats = cols.map((c) => sectionColumnFormat(section, c));
    for (const row of section.rows) {
      const cur = cols.map((c) => sectionValue(row.code, row.columns, c, report.totals));
      const prev = cols.map((c) => sectionValue(row.code, row.columns, c, report.previousTotals));
      s.add([
        { value: row.code, align: 'center' },
        { value: row.label, indent: row.indent },
        ...cur.map((v, i) => num(v, formats[i])),
        ...prev.map((v, i) => num(v, formats[i])),
        ...cur.map((v, i) => num(diff(v, prev[i]), formats[i])),
      ]);
    }
  }

  for (const table of report.form.tables) {
    s.blank();
    s.add(['', table.label, 'Kỳ này', prevLabel, 'Thay đổi'], { header: true, height: 32 });
    for (const f of tableFigures(table)) {
      const fmt = figureFormat(report.form, f.key);
      s.add(['', f.label, num(report.totals[f.key], fmt), num(report.previousTotals[f.key], fmt), num(diff(report.totals[f.key], report.previousTotals[f.key]), fmt)]);
    }
  }

  // Choice columns: how many units (or table rows) chose each option.
  // Choice columns: how many units (or table rows) chose each option, on one merged line each.
  if (report.choices.length > 0) {
    const span = Math.max(3, width);
    s.blank();
    const h = s.add(['Mã số', 'Lựa chọn', 'Số đơn vị (chỉ tiêu) hoặc số dòng (bảng) đã chọn', ...pad(span - 3)], { header: true, height: 32 });
    s.merge(h, 3, span);
    const chars = 14 * (span - 2) * 1.1;
    for (const c of report.choices) {
      const unit = c.of === 'units' ? 'đơn vị' : 'dòng';
      const text = c.counts.map(([choice, n]) => `${choice}: ${n} ${unit}`).join('; ');
      const lines = Math.max(Math.ceil(text.length / chars), Math.ceil(c.label.length / 50));
      const n = s.add([{ value: /^[0-9]/.test(c.code) ? c.code : '', align: 'center' }, { value: c.label, wrap: true }, { value: text, wrap: true }, ...pad(span - 3)], { height: Math.max(18, 16 * lines + 2) });
      s.merge(n, 3, span);
    }
  }
  s.finish();
}

/** Columns of the charts sheet: nine of width 10 (about 75 px each), wider than a 640 px chart. */
const CHART_COLUMNS = 9;
/** A default row (15 pt) is 20 px high. */
const ROW_PX = 20;

/** The charts as pictures (each drawn with its title), at 640 px wide: one column of charts, printed on A4 portrait. */
function writeChartsSheet(wb: WB, name: string, report: ConsolidatedReport, charts: readonly RenderedChart[], limits: SheetLimits): void {
  const options = sheetOptions(0, 0, 'FF1F4E79');
  const ws = wb.addWorksheet(name, { ...options, views: [], pageSetup: { ...options.pageSetup, orientation: 'portrait' } });
  const s = new SheetWriter(ws, limits);
  s.columns(Array.from({ length: CHART_COLUMNS }, () => ({ width: 10 })));
  // Portrait is narrower than the other sheets: the form's long title takes three lines or more.
  const title = `BÁO CÁO TỔNG HỢP — ${report.form.title}`;
  s.title(title, CHART_COLUMNS, { bold: true, size: 14 }, 20 * Math.ceil(title.length / 60) + 6);
  s.title(`${CHARTS_SHEET} — ${report.periodLabel}`, CHART_COLUMNS, { bold: true, size: 12 });
  s.title(`Số đơn vị đã báo cáo: ${report.unitsReported}/${report.unitsExpected}. Số liệu tổng hợp lúc ${formatLocalDateTime(report.generatedAt)} (giờ Việt Nam).`, CHART_COLUMNS, { italic: true, size: 11 }, 30);
  const pictures: SheetPicture[] = [];
  for (const chart of charts) {
    // The picture carries its own title and legend.
    s.blank();
    const width = Math.min(640, Math.round(chart.width / 2));
    const height = Math.round((width * chart.height) / Math.max(1, chart.width));
    // The picture's rows, so the next title starts below it (anchors are row-based).
    pictures.push({ png: chart.png, row: s.lastRow, col: 0, width, height, descr: chart.alt });
    for (let i = 0; i < Math.ceil(height / ROW_PX); i++) s.add([], { border: false, height: 15 });
  }
  placePictures(wb, ws, pictures);
  s.finish();
}

/**
 * Every unit needing attention, most serious first, its reasons in one cell ("…; …"): a line
 * break inside a streamed cell is not kept by every reader, a semicolon is.
 */
function writeAttentionSheet(wb: WB, name: string, report: ConsolidatedReport, briefing: Briefing, limits: SheetLimits): void {
  const ws = wb.addWorksheet(name, sheetOptions(5, 3, 'FFC00000'));
  const s = new SheetWriter(ws, limits);
  s.columns([{ width: 6 }, { width: 15 }, { width: 36 }, { width: 22 }, { width: 80 }]);
  headerLines(s, report, 5, `Đơn vị cần đôn đốc (${briefing.attention.length})`);
  s.add(['STT', 'Mã đơn vị', 'Đơn vị', 'Loại đơn vị', 'Lý do'], { header: true, height: 32 });
  briefing.attention.forEach((a, i) => {
    const reasons = `${a.reasons.map((r) => r.text.replace(/[.;]\s*$/, '')).join('; ')}.`;
    const lines = Math.max(Math.ceil(reasons.length / 84), Math.ceil(a.unit.name.length / 36), 1);
    s.add(
      [{ value: i + 1, numFmt: '0', align: 'center' }, a.unit.code, { value: a.unit.name, wrap: true }, report.unitTypes.label(a.unit.type), { value: reasons, wrap: true }],
      { height: lines > 1 ? 16 * lines + 2 : undefined },
    );
  });
  if (briefing.attention.length === 0) s.add(['', '', { value: 'Không có đơn vị nào cần đôn đốc.', italic: true }], { border: false });
  s.finish();
}

/**
 * The height of a row whose bold label wraps in a column `width` characters wide (undefined when
 * it fits on one line): a streamed row does not grow by itself in LibreOffice.
 */
function labelHeight(label: string, width: number): number | undefined {
  const perLine = Math.floor(width * 1.05);
  return label.length > perLine ? 16 * Math.ceil(label.length / perLine) + 2 : undefined;
}

function pad(n: number): string[] {
  return Array.from({ length: Math.max(0, n) }, () => '');
}

function writeByTypeSheet(wb: WB, name: string, report: ConsolidatedReport, limits: SheetLimits): void {
  const types = report.byType;
  const width = 3 + types.length + 1;
  const ws = wb.addWorksheet(name, sheetOptions(5, 3));
  const s = new SheetWriter(ws, limits);
  s.columns([{ width: 8 }, { width: 40 }, { width: 22 }, ...types.map(() => ({ width: 16 })), { width: 16 }]);
  headerLines(s, report, width, 'Theo loại đơn vị');
  s.add(['Mã số', 'Chỉ tiêu', 'Cột', ...types.map((t) => t.label), 'Toàn tỉnh'], { header: true, height: 48 });
  s.add(['', 'Số đơn vị đã báo cáo', '', ...types.map((t) => `${t.unitsReported}/${t.unitsExpected}`), `${report.unitsReported}/${report.unitsExpected}`], {
    bold: true,
    fill: SECTION_FILL,
  });
  for (const r of report.ratios) {
    s.add(['', { value: r.ratio.label, wrap: true }, 'Tỷ lệ', ...types.map((t) => pct(computeRatio(r.ratio, t.totals))), pct(r.value)]);
  }
  for (const section of numericSections(report.form)) {
    const cols = sectionColumns(section);
    s.add(['', section.label, ...pad(types.length + 2)], { fill: SECTION_FILL, bold: true, height: labelHeight(section.label, 40) });
    for (const row of section.rows) {
      for (const c of cols) {
        if (!sectionColumnApplies(row.columns, c)) continue;
        const fmt = sectionColumnFormat(section, c);
        s.add([
          { value: row.code, align: 'center' },
          { value: row.label, indent: row.indent },
          c.column.label,
          ...types.map((t) => num(sectionValue(row.code, row.columns, c, t.totals), fmt)),
          num(sectionValue(row.code, row.columns, c, report.totals), fmt),
        ]);
      }
    }
  }
  for (const table of report.form.tables) {
    s.add(['', table.label, ...pad(types.length + 2)], { fill: SECTION_FILL, bold: true });
    for (const f of tableFigures(table)) {
      const fmt = figureFormat(report.form, f.key);
      s.add(['', f.label, '', ...types.map((t) => num(t.totals[f.key], fmt)), num(report.totals[f.key], fmt)]);
    }
  }
  s.finish();
}

/**
 * A section's heading on "Tổng hợp": its label, then the unit types it is for in brackets — unless
 * the label already names them all ("IV. … (Huyện ủy, Thị ủy, Thành ủy)"), so they are not said twice.
 */
export function sectionHeading(label: string, unitTypeLabels: readonly string[]): string {
  const folded = foldVietnamese(label);
  if (unitTypeLabels.length === 0 || unitTypeLabels.every((t) => folded.includes(foldVietnamese(t)))) return label;
  return `${label} (${unitTypeLabels.join('; ')})`;
}

function unitCells(i: number, l: UnitLine, report: Pick<ConsolidatedReport, 'unitTypes'>): Cell[] {
  return [{ value: i + 1, numFmt: '0', align: 'center' }, l.unit.code, l.unit.name, report.unitTypes.label(l.unit.type)];
}

/**
 * One row per unit, one column per figure. A form with more figures than Excel has columns (none
 * shipped comes near: the largest has a few hundred) shows the first ones and says so in its
 * title; every figure is on "Dữ liệu".
 */
function writeUnitDetailSheet(wb: WB, name: string, report: ConsolidatedReport, limits: SheetLimits): void {
  const all = figureKeys(report.form);
  const figures = all.slice(0, Math.max(0, limits.maxColumns - 5));
  const formats = figures.map((f) => figureFormat(report.form, f.key));
  const ws = wb.addWorksheet(name, sheetOptions(5, 3));
  const s = new SheetWriter(ws, limits);
  s.columns([{ width: 6 }, { width: 12 }, { width: 36 }, { width: 22 }, { width: 16 }, ...figures.map(() => ({ width: 12 }))]);
  const capped =
    figures.length < all.length
      ? ` — chỉ hiện ${figures.length.toLocaleString('vi-VN')}/${all.length.toLocaleString('vi-VN')} chỉ tiêu đầu (giới hạn ${limits.maxColumns.toLocaleString('vi-VN')} cột của Excel), đủ số liệu ở sheet "Dữ liệu"`
      : '';
  headerLines(s, report, Math.min(5 + figures.length, 12), `Chi tiết từng đơn vị${capped}`);
  // Header row 1: one merged cell per row code; row 2: the column labels.
  const groups: Array<{ code: string; label: string; from: number; to: number }> = [];
  figures.forEach((f, i) => {
    const last = groups[groups.length - 1];
    if (last && last.code === f.code) last.to = 6 + i;
    else groups.push({ code: f.code, label: /^\d/.test(f.code) ? `${f.code}. ${f.rowLabel}` : f.rowLabel, from: 6 + i, to: 6 + i });
  });
  const top: Cell[] = ['STT', 'Mã đơn vị', 'Tên đơn vị', 'Loại đơn vị', 'Tình trạng', ...figures.map(() => '')];
  for (const g of groups) top[g.from - 1] = g.label;
  s.group(() => {
    const h1 = s.add(top, { header: true, height: 60 });
    const h2 = s.add(['', '', '', '', '', ...figures.map((f) => f.columnLabel)], { header: true, height: 45 });
    for (let c = 1; c <= 5; c++) s.mergeDown(h1, h2, c);
    for (const g of groups) s.merge(h1, g.from, g.to);
  });

  report.units.forEach((l, i) => {
    if (!l.accepted) {
      const why = l.excluded === 'returned' ? 'Bị trả lại (không tính)' : l.excluded === 'unreviewed' ? 'Chờ duyệt (chưa tính)' : NOT_REPORTED;
      s.add([...unitCells(i, l, report), { value: why, font: MISSING_FONT, align: 'center' }, ...figures.map(() => null)], { font: { color: { argb: 'FF595959' } } });
      return;
    }
    s.add([...unitCells(i, l, report), { value: 'Đã báo cáo', align: 'center' }, ...figures.map((f, j) => num(l.totals[f.key], formats[j]))]);
  });
  s.add(
    ['', '', { value: `Tổng cộng (${report.unitsReported}/${report.unitsExpected} đơn vị)`, bold: true }, '', '', ...figures.map((f, j) => num(report.totals[f.key], formats[j]))],
    { fill: TOTAL_FILL, bold: true },
  );
  s.finish();
}

/**
 * Every row of one repeating table with its unit. Past a sheet's rows (10,000 units × hundreds of
 * rows could be) the rows continue on "<table> (2)", "<table> (3)", … each with the same header;
 * the total is on the last one.
 */
function writeTableRowsSheets(wb: WB, used: Set<string>, report: ConsolidatedReport, tableKey: string, limits: SheetLimits): void {
  const table = report.form.tables.find((t) => t.key === tableKey)!;
  const formats = table.columns.map((c) => figureFormat(report.form, `${table.key}.${c.key}`));
  let part = 1;
  const open = (): SheetWriter => {
    const ws = wb.addWorksheet(sheetName(part === 1 ? table.label : `${table.label.slice(0, 24)} (${part})`, used), sheetOptions(4, 0));
    const s = new SheetWriter(ws, limits);
    s.columns([{ width: 6 }, { width: 12 }, { width: 32 }, { width: 22 }, ...table.columns.map((c) => ({ width: c.width ?? (c.type === 'text' ? 30 : c.type === 'money' ? 18 : 14) }))]);
    headerLines(s, report, 4 + table.columns.length, part === 1 ? table.label : `${table.label} (tiếp theo, phần ${part})`);
    s.add(['STT', 'Mã đơn vị', 'Đơn vị báo cáo', 'Loại đơn vị', ...table.columns.map((c) => c.label)], { header: true, height: 45 });
    return s;
  };
  let s = open();
  let n = 0;
  for (const l of report.units) {
    for (const row of l.accepted?.values.tables[tableKey] ?? []) {
      // One row kept for the total.
      if (s.room <= 1) {
        s.finish();
        part += 1;
        s = open();
      }
      n += 1;
      s.add([
        { value: n, numFmt: '0', align: 'center' },
        l.unit.code,
        l.unit.name,
        report.unitTypes.label(l.unit.type),
        ...table.columns.map((c, j) => shown(row[c.key], c.type, formats[j])),
      ]);
    }
  }
  s.add(
    ['', '', { value: `Tổng cộng: ${n} ${table.label.toLocaleLowerCase('vi')}`, bold: true }, '', ...table.columns.map((c, j) => num(report.totals[`${table.key}.${c.key}`], formats[j]))],
    { fill: TOTAL_FILL, bold: true },
  );
  s.finish();
}

/** "Đã duyệt", "Chờ duyệt", "Trả lại". */
const reviewLabel = (state: ReviewState) => REVIEW_STATE_LABELS[state].replace(/^./, (c) => c.toLocaleUpperCase('vi'));
const REVIEW_FONTS: Record<ReviewState, Partial<Font> | undefined> = { 'da-duyet': { color: { argb: 'FF006100' } }, 'cho-duyet': undefined, 'tra-lai': { color: { argb: 'FF9C0006' }, bold: true } };

/** The summary line of the review: approved / awaiting / returned, and what the form counts. */
export function reviewSummaryLine(report: ConsolidatedReport): string {
  const c = report.reviewCounts;
  const policy = report.form.consolidation.includeUnreviewed ? 'số liệu tính báo cáo đã duyệt và chờ duyệt' : 'số liệu chỉ tính báo cáo đã duyệt';
  return `Duyệt báo cáo: ${c['da-duyet']} đã duyệt, ${c['cho-duyet']} chờ duyệt, ${c['tra-lai']} trả lại (${policy}; báo cáo bị trả lại không được tính).`;
}

function writeStatusSheet(wb: WB, name: string, report: ConsolidatedReport, limits: SheetLimits): void {
  const ws = wb.addWorksheet(name, sheetOptions(6, 3));
  const s = new SheetWriter(ws, limits);
  s.columns([{ width: 6 }, { width: 12 }, { width: 36 }, { width: 24 }, { width: 18 }, { width: 26 }, { width: 12 }, { width: 18 }, { width: 9 }, { width: 18 }, { width: 10 }, { width: 10 }]);
  headerLines(s, report, 12, 'Tình hình nộp báo cáo');
  s.title(reviewSummaryLine(report), 12, { italic: true, size: 11 });
  s.add(
    ['STT', 'Mã đơn vị', 'Tên đơn vị', 'Loại đơn vị', 'Hạn nộp', 'Tình trạng', 'Duyệt', 'Thời điểm nộp (giờ Việt Nam)', 'Lần nộp', 'Đúng hạn / nộp muộn', 'Số cảnh báo', 'Số lần tải lên'],
    { header: true, height: 48 },
  );
  const now = report.generatedAt.getTime();
  report.units.forEach((l, i) => {
    const a = l.received;
    const timing = a ? (l.late ? LATE : 'Đúng hạn') : now > l.deadline.getTime() ? `Quá hạn (${LATE})` : 'Chưa đến hạn';
    const status =
      l.excluded === 'returned' ? { value: 'Trả lại — không tính', font: MISSING_FONT }
      : l.excluded === 'unreviewed' ? { value: 'Chờ duyệt — chưa tính', font: MISSING_FONT }
      : a ? UNIT_STATUS_LABELS[l.status] : { value: UNIT_STATUS_LABELS[l.status], font: MISSING_FONT };
    s.add([
      ...unitCells(i, l, report),
      { value: toLocalWallClock(l.deadline), numFmt: DATE_TIME, align: 'center' },
      status,
      l.review ? { value: reviewLabel(l.review), align: 'center', font: REVIEW_FONTS[l.review] } : null,
      a ? { value: toLocalWallClock(new Date(a.receivedAt)), numFmt: DATE_TIME, align: 'center' } : null,
      a?.version !== undefined ? { value: a.version, numFmt: '0', align: 'center' } : null,
      { value: timing, align: 'center', font: l.late ? { color: { argb: 'FF9C0006' } } : undefined },
      a ? { value: a.warnings.length, numFmt: '0', align: 'center' } : null,
      { value: l.uploads, numFmt: '0', align: 'center' },
    ]);
  });
  s.finish();
}

/** Choices, dates and other listed (not summed) fields: one row per unit, one column per field. */
function writeListedSheet(wb: WB, name: string, report: ConsolidatedReport, limits: SheetLimits): void {
  const fields = listedFields(report.form);
  const ws = wb.addWorksheet(name, sheetOptions(5, 3));
  const s = new SheetWriter(ws, limits);
  s.columns([{ width: 6 }, { width: 12 }, { width: 36 }, { width: 22 }, ...fields.map((f) => ({ width: Math.max(14, f.column.width ?? 0, f.column.type === 'choice' ? 18 : 0) }))]);
  headerLines(s, report, 4 + fields.length, 'Thông tin theo đơn vị');
  s.add(['STT', 'Mã đơn vị', 'Tên đơn vị', 'Loại đơn vị', ...fields.map((f) => `${f.code}. ${f.label}`)], { header: true, height: 60 });
  report.units.forEach((l, i) => {
    if (!l.accepted) {
      s.add([...unitCells(i, l, report), ...fields.map((_, j) => (j === 0 ? { value: NOT_REPORTED, font: MISSING_FONT } : null))]);
      return;
    }
    const values = l.accepted.values;
    s.add([...unitCells(i, l, report), ...fields.map((f) => shown(values.fields[f.key], f.column.type, figureFormat(report.form, f.key)))]);
  });
  s.finish();
}

function writeOpinionsSheet(wb: WB, name: string, report: ConsolidatedReport, limits: SheetLimits): void {
  const fields = textFields(report.form);
  const ws = wb.addWorksheet(name, { ...sheetOptions(4, 0), pageSetup: { ...sheetOptions(4, 0).pageSetup, orientation: 'portrait' } });
  const s = new SheetWriter(ws, limits);
  s.columns([{ width: 34 }, { width: 100 }]);
  headerLines(s, report, 2, 'Ý kiến của các đơn vị');
  s.add(['Nội dung', 'Ý kiến'], { header: true });
  for (const l of report.units) {
    if (!l.accepted) continue;
    const n = s.add([{ value: `${l.unit.name} (${l.unit.code})`, bold: true }, ''], { fill: SECTION_FILL, bold: true });
    s.merge(n, 1, 2);
    const texts = fields.map((f) => ({ f, text: l.accepted!.values.fields[f.key] })).filter((x) => typeof x.text === 'string' && x.text.trim() !== '');
    if (texts.length === 0) s.add([{ value: '(không có ý kiến)', italic: true }, '']);
    for (const { f, text } of texts) s.add([`${f.code}. ${f.label}`, { value: String(text), wrap: true }]);
  }
  const missing = report.units.filter((l) => !l.accepted);
  if (missing.length > 0) {
    s.blank();
    const n = s.add([{ value: `Đơn vị ${NOT_REPORTED} (${missing.length}): ${missing.map((l) => l.unit.name).join('; ')}`, italic: true, wrap: true }, ''], {
      border: false,
    });
    s.merge(n, 1, 2);
  }
  s.finish();
}

function writeWarningsSheet(wb: WB, name: string, report: ConsolidatedReport, limits: SheetLimits): void {
  const ws = wb.addWorksheet(name, sheetOptions(5, 0));
  const s = new SheetWriter(ws, limits);
  s.columns([{ width: 6 }, { width: 12 }, { width: 36 }, { width: 22 }, { width: 10 }, { width: 90 }]);
  headerLines(s, report, 6, 'Cảnh báo kèm theo báo cáo đã tiếp nhận');
  s.add(['STT', 'Mã đơn vị', 'Tên đơn vị', 'Mã cảnh báo', 'Ô', 'Nội dung'], { header: true });
  let n = 0;
  for (const l of report.units) {
    for (const w of l.accepted?.warnings ?? []) {
      n += 1;
      s.add([{ value: n, numFmt: '0', align: 'center' }, l.unit.code, l.unit.name, w.code, w.cell ? `${w.sheet ? `${w.sheet}!` : ''}${w.cell}` : '', { value: w.message, wrap: true }]);
    }
  }
  if (n === 0) s.add(['', '', { value: 'Không có cảnh báo.', italic: true }], { border: false });
  s.finish();
}

/** Long format, one row per (unit, figure): the header is fixed for PivotTables and scripts. */
export const DATA_SHEET = 'Dữ liệu';
export const DATA_SHEET_HEADER = ['Mã đơn vị', 'Tên đơn vị', 'Loại đơn vị', 'Mã chỉ tiêu', 'Giá trị'] as const;

/**
 * "Dữ liệu", then "Dữ liệu (2)", "Dữ liệu (3)", … each with the header and at most
 * `dataRowsPerSheet` rows (one million; 10,000 units of a 150-figure form make 1.5 million): the
 * same columns on every sheet, so a PivotTable or a script reads them one after another.
 */
function writeDataSheets(wb: WB, used: Set<string>, report: ConsolidatedReport, limits: SheetLimits): void {
  const figures = figureKeys(report.form);
  const perSheet = Math.max(1, Math.min(limits.dataRowsPerSheet, limits.maxRows - 2));
  const options = sheetOptions(1, 0);
  let part = 0;
  let s!: SheetWriter;
  let rows = perSheet;
  let formats: TextStyle[][] = [];
  const open = () => {
    part += 1;
    const ws = wb.addWorksheet(sheetName(part === 1 ? DATA_SHEET : `${DATA_SHEET} (${part})`, used), {
      ...options,
      pageSetup: { ...options.pageSetup, orientation: 'portrait' },
      autoFilter: 'A1:E1',
    } as Partial<ExcelJS.AddWorksheetOptions>);
    s = new SheetWriter(ws, limits);
    s.columns([{ width: 12 }, { width: 36 }, { width: 24 }, { width: 16 }, { width: 16 }]);
    s.add([...DATA_SHEET_HEADER], { header: true });
    const text = s.style({ value: '', wrap: false }, { border: false });
    const styleOf = new Map<string, TextStyle[]>();
    const stylesFor = (numFmt: string) => {
      let st = styleOf.get(numFmt);
      if (!st) styleOf.set(numFmt, (st = [text, text, text, text, s.style({ value: 0, numFmt }, { border: false })]));
      return st;
    };
    formats = figures.map((f) => stylesFor(figureFormat(report.form, f.key)));
    rows = 0;
  };
  open();
  for (const l of report.units) {
    if (!l.accepted) continue;
    const type = report.unitTypes.label(l.unit.type);
    figures.forEach((f, j) => {
      const v = l.totals[f.key];
      if (v === undefined) return;
      if (rows >= perSheet) {
        s.finish();
        open();
      }
      s.addStyled([l.unit.code, l.unit.name, type, f.key, v], formats[j]!);
      rows += 1;
    });
  }
  s.finish();
}
