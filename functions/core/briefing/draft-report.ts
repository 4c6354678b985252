/**
 * The draft report document ("DỰ THẢO" báo cáo sơ kết / tổng kết) as .docx, in the layout of
 * Party documents (Quy định 66-QĐ/TW, Hướng dẫn 36-HD/VPTW): A4, margins 20/20/30/15 mm, Times
 * New Roman 14 pt (13 pt in tables), the header block (issuing body | ĐẢNG CỘNG SẢN VIỆT NAM),
 * number line, place and date, "BÁO CÁO" and its summary line, "Kính gửi", numbered parts, the
 * signature block and "Nơi nhận".
 *
 * Ban Tổ chức edits it into the conference report, so everything is plain, editable Word content
 * (paragraphs, tables, inline pictures: no fields but the page number, no text boxes). It is
 * driven by the form definition and the report only, like the workbook and the email, and prints
 * every figure with the email's formatters, so each number reads exactly as the workbook shows it:
 * - I. Kết quả thực hiện: the briefing's summary, then every numeric section's rows (and tables'
 *   figures) as sentences with the previous period's value where it changed, each ratio against
 *   its previous value and its target, and the units' texts of the first narrative field;
 * - II. Hạn chế, khó khăn: reporting status, the units needing attention, the units' texts of the
 *   second narrative field (Mã số 26 on the reorganisation form);
 * - III. Đề xuất, kiến nghị: the units' texts of the third narrative field (Mã số 27);
 * - Phụ lục: province totals with the previous period, reporting by unit type, units not counted,
 *   and the briefing's charts when drawn.
 */
import {
  AlignmentType, BorderStyle, Document, Footer, ImageRun, LineRuleType, Packer, PageNumber, Paragraph, ShadingType, Table, TableBorders, TableCell, TableLayoutType,
  TableRow, TextRun, VerticalAlign, WidthType, type IRunOptions,
} from 'docx';
import { formatNumber, formatPercent } from '../consolidation/email';
import { LATE, UNIT_STATUS_LABELS, numericSections, sectionColumnApplies, sectionColumns, sectionValue, tableFigures, textFields, textOf, type ConsolidatedReport, type UnitLine } from '../consolidation/report';
import { DraftDocumentSchema, type DraftDocument, type Section } from '../forms/definition';
import { formatLocalDateTime } from '../format-vi';
import { toLocalDate } from '../periods';
import type { Briefing, RenderedChart } from './model';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface DraftReportInput {
  report: ConsolidatedReport;
  briefing: Briefing;
  /** The briefing's charts as drawn (PNG); shown in the appendix "Biểu đồ". Absent or empty: no charts. */
  charts?: readonly RenderedChart[];
}

// ---- page geometry (twips: 1/1440 inch) ----
const mm = (v: number) => Math.round((v * 1440) / 25.4);
const PAGE = { width: 11906, height: 16838 }; // A4
const MARGIN = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
/** Pictures are sized in pixels at 96 dpi: 1 px = 15 twips. */
const CONTENT_PX = Math.floor(CONTENT_WIDTH / 15);
const FONT = 'Times New Roman';
/** Half-points: 14 pt body, 13 pt tables, 12 pt "Nơi nhận" lines. */
const BODY = 28;
const TABLE = 26;
const SMALL = 24;
const FIRST_LINE = mm(12.5);
const HEADER_FILL = 'DDEBF7';
const THIN = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;

/** The document's header block and addressing: the form's own, else the defaults. */
export function draftDocumentOf(report: Pick<ConsolidatedReport, 'form'>): DraftDocument {
  return report.form.briefing?.document ?? DraftDocumentSchema.parse({});
}

/** Writes the draft report (.docx bytes). */
export async function writeDraftReport(input: DraftReportInput): Promise<Buffer> {
  const { report } = input;
  const doc = new Document({
    creator: 'Hệ thống tổng hợp báo cáo',
    title: `Dự thảo báo cáo - ${report.form.name} - ${report.periodLabel}`,
    styles: {
      default: {
        document: {
          run: { font: FONT, size: BODY, language: { value: 'vi-VN' } },
          // Proportional line spacing said explicitly: LibreOffice reads a bare w:line as exact, clipping pictures and accents.
          paragraph: { spacing: { after: 120, line: 264, lineRule: LineRuleType.AUTO } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: { size: PAGE, margin: { ...MARGIN, header: mm(10), footer: mm(10) } },
          // Party documents number pages from the second one.
          titlePage: true,
        },
        footers: {
          default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT] })] })] }),
          first: new Footer({ children: [new Paragraph({})] }),
        },
        children: [
          ...headerBlock(report), ...partOne(input), ...partTwo(input), ...partThree(report),
          new Paragraph({ keepNext: true, spacing: { after: 120 }, children: [] }), signatureBlock(report),
          ...appendix(input),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** "Dự thảo báo cáo - <form> - <kỳ>.docx". */
export function draftReportFileName(report: Pick<ConsolidatedReport, 'form' | 'periodLabel'>): string {
  return `Dự thảo báo cáo - ${report.form.name} - ${report.periodLabel}.docx`.replace(/[\\/:*?"<>|]/g, '-');
}

// ---- text helpers ----

type Block = Paragraph | Table;
type Runs = string | Array<string | IRunOptions>;

/** Units' texts are user input: drop characters XML cannot carry (controls, U+FFFE/U+FFFF) and tabs. */
const clean = (s: string): string => s.replace(/\t/g, ' ').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/g, '');

/** Lower-cases the first letter of a label used mid-sentence, unless the first word is an acronym ("UBND"). */
function lowerFirst(s: string): string {
  const word = /^\S+/.exec(s)?.[0] ?? '';
  if (word.length > 1 && word === word.toLocaleUpperCase('vi') && word !== word.toLocaleLowerCase('vi')) return s;
  return s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
}

/** "A. Tổ chức bộ máy" → "Tổ chức bộ máy": the document numbers its own parts. */
const stripNumbering = (label: string) => label.replace(/^(?:[A-ZĐ]|[IVX]+|\d+)[.)]\s+/u, '');
const endSentence = (s: string) => (/[.!?:…]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

function runs(content: Runs, base: IRunOptions = {}): TextRun[] {
  const parts = typeof content === 'string' ? [content] : content;
  return parts.map((p) => new TextRun(typeof p === 'string' ? { ...base, text: clean(p) } : { ...base, ...p, text: clean(String(p.text ?? '')) }));
}

/** A body paragraph: justified, first line indented. */
const body = (content: Runs, base: IRunOptions = {}) => new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: FIRST_LINE }, children: runs(content, base) });
/** "I. KẾT QUẢ THỰC HIỆN", "1. …": bold, kept with what follows. */
const heading = (text: string) => new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: FIRST_LINE }, keepNext: true, spacing: { before: 120, after: 120 }, children: runs(text, { bold: true }) });
const centred = (content: Runs, base: IRunOptions = {}, spacingAfter = 0) => new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: spacingAfter }, children: runs(content, base) });

/** A unit's narrative text: its name in bold, then its paragraphs (line breaks in the cell start new ones). */
function unitText(name: string, text: string): Paragraph[] {
  const paras = clean(text).split(/\r?\n|\r/).map((p) => p.trim()).filter((p) => p !== '');
  const [first = '', ...rest] = paras;
  return [body([{ text: `${name}: `, bold: true }, first]), ...rest.map((p) => body(p))];
}

// ---- header block ----

function localDateLine(report: ConsolidatedReport): string {
  const d = toLocalDate(report.generatedAt);
  // Party and state documents write a day under 10 and the months January–February with a leading zero.
  const day = String(d.day).padStart(2, '0');
  const month = d.month < 3 ? String(d.month).padStart(2, '0') : String(d.month);
  const place = report.form.place.trim() || '……';
  return `${place}, ngày ${day} tháng ${month} năm ${d.year}`;
}

/** The report's subject: the form's title without its kind ("BÁO CÁO …"), and the period. */
export function draftSummaryLine(report: Pick<ConsolidatedReport, 'form' | 'periodLabel'>): string {
  const subject = report.form.title.trim().replace(/^BÁO CÁO\s+/u, '');
  return `${subject} ${report.periodLabel.toLocaleUpperCase('vi')}`;
}

function borderless(rows: TableRow[], widths: number[]): Table {
  return new Table({ rows, width: { size: CONTENT_WIDTH, type: WidthType.DXA }, columnWidths: widths, layout: TableLayoutType.FIXED, borders: TableBorders.NONE });
}

function headerBlock(report: ConsolidatedReport): Block[] {
  const d = draftDocumentOf(report);
  const draftMark = new Table({
    rows: [new TableRow({ children: [new TableCell({ width: { size: mm(32), type: WidthType.DXA }, children: [centred('DỰ THẢO', { bold: true })] })] })],
    width: { size: mm(32), type: WidthType.DXA },
    columnWidths: [mm(32)],
    alignment: AlignmentType.RIGHT,
    borders: { top: THIN, bottom: THIN, left: THIN, right: THIN, insideHorizontal: THIN, insideVertical: THIN },
  });
  const left = [centred(report.form.issuer.toLocaleUpperCase('vi')), centred(d.issuingBody.toLocaleUpperCase('vi'), { bold: true }), centred('*'), centred(`Số        ${d.numberSuffix}`)];
  const right = [centred('ĐẢNG CỘNG SẢN VIỆT NAM', { bold: true, underline: {}, size: 30 }, 240), centred(localDateLine(report), { italics: true })];
  const leftWidth = Math.round(CONTENT_WIDTH * 0.42);
  const block = borderless(
    [
      new TableRow({
        children: [
          new TableCell({ width: { size: leftWidth, type: WidthType.DXA }, children: left }),
          new TableCell({ width: { size: CONTENT_WIDTH - leftWidth, type: WidthType.DXA }, children: right }),
        ],
      }),
    ],
    [leftWidth, CONTENT_WIDTH - leftWidth],
  );
  return [
    draftMark,
    new Paragraph({ spacing: { after: 120 }, children: [] }),
    block,
    new Paragraph({ spacing: { after: 240 }, children: [] }),
    centred('BÁO CÁO', { bold: true, size: 32 }),
    centred(draftSummaryLine(report), { bold: true }),
    centred('-----', {}, 240),
    centred(`Kính gửi: ${d.addressee}`, {}, 240),
  ];
}

// ---- I. Kết quả thực hiện ----

/** The previous period's value beside a figure, when it differs: "(kỳ trước 1.150, giảm 50)". */
function againstPrevious(current: number | undefined, previous: number | undefined): string {
  if (current === undefined || previous === undefined || current === previous) return '';
  const diff = current - previous;
  return ` (kỳ trước ${formatNumber(previous)}, ${diff > 0 ? 'tăng' : 'giảm'} ${formatNumber(Math.abs(diff))})`;
}

/** "- Tổng số đầu mối trực thuộc: trước sắp xếp 1.234; tại thời điểm chốt số liệu 1.100 (kỳ trước 1.150, giảm 50); giảm 134." */
function rowSentence(report: ConsolidatedReport, section: Section, row: Section['rows'][number]): string | undefined {
  const cols = sectionColumns(section).filter((c) => sectionColumnApplies(row.columns, c));
  if (cols.length === 0) return undefined;
  const parts: string[] = [];
  for (const c of cols) {
    const value = sectionValue(row.code, row.columns, c, report.totals);
    if (value === undefined) continue;
    // A computed column (giảm = trước − hiện tại) is compared through its operands, not on its own.
    const previous = c.kind === 'field' ? sectionValue(row.code, row.columns, c, report.previousTotals) : undefined;
    const name = c.column.label.trim();
    // "biên chế giao năm 2015 là 954": a label ending in a number must not run into the figure.
    const label = cols.length === 1 && c.kind === 'field' && /^(số|số lượng|nội dung)$/iu.test(name) ? '' : `${lowerFirst(name)}${/\d$/.test(name) ? ' là' : ''} `;
    parts.push(`${label}${formatNumber(value)}${againstPrevious(value, previous)}`);
  }
  return `- ${row.label}: ${parts.length > 0 ? parts.join('; ') : 'chưa có số liệu'}.`;
}

function ratioSentence(line: ConsolidatedReport['ratios'][number]): string {
  const { ratio, value, previous, meetsTarget } = line;
  if (value === undefined) return `- ${ratio.label}: chưa đủ số liệu để tính.`;
  let s = `- ${ratio.label}: ${formatPercent(value)}`;
  if (previous !== undefined && previous !== value) {
    const points = (value - previous) * 100;
    s += ` (kỳ trước ${formatPercent(previous)}, ${points >= 0 ? 'tăng' : 'giảm'} ${Math.abs(points).toFixed(1).replace('.', ',')} điểm phần trăm)`;
  }
  if (ratio.targetMin !== undefined) s += `; ${meetsTarget ? 'đạt' : 'chưa đạt'} mục tiêu ≥ ${formatPercent(ratio.targetMin)}`;
  s += '.';
  if (ratio.targetLabel) s += ` ${endSentence(ratio.targetLabel)}`;
  return s;
}

/** The ratio's section: the one holding the row of its first denominator field (e.g. 09.giao_2015 → B. Biên chế). */
function sectionOfRatio(sections: readonly Section[], ratio: ConsolidatedReport['ratios'][number]['ratio']): Section | undefined {
  const code = ratio.denominator[0]?.split('.')[0];
  return sections.find((s) => s.rows.some((r) => r.code === code));
}

/** Units whose counted report has a text in `key`, in display order. */
function unitTexts(report: ConsolidatedReport, key: string): Array<{ line: UnitLine; text: string }> {
  return report.units.flatMap((line) => {
    const text = line.accepted ? textOf(line.accepted.values, key) : undefined;
    return text && clean(text).trim() !== '' ? [{ line, text }] : [];
  });
}

function textBlocks(report: ConsolidatedReport, field: { key: string; label: string }): Paragraph[] {
  const texts = unitTexts(report, field.key);
  if (texts.length === 0) return [body(`Không có đơn vị nêu ${lowerFirst(field.label)}.`)];
  return texts.flatMap(({ line, text }) => unitText(line.unit.name, text));
}

function lateCount(report: ConsolidatedReport): number {
  return report.units.filter((l) => l.accepted && l.late).length;
}

function partOne(input: DraftReportInput): Block[] {
  const { report, briefing } = input;
  const sections = numericSections(report.form);
  const texts = textFields(report.form);
  const out: Block[] = [
    body(
      `Trên cơ sở báo cáo của ${report.unitsReported}/${report.unitsExpected} đơn vị (số liệu tổng hợp lúc ${formatLocalDateTime(report.generatedAt)}), kết quả ${lowerFirst(report.periodLabel)} như sau:`,
    ),
    heading('I. KẾT QUẢ THỰC HIỆN'),
  ];
  let n = 0;
  const sub = (label: string) => heading(`${++n}. ${label}`);

  out.push(sub('Tình hình chung'));
  const summary = briefing.summary.map((s) => s.trim()).filter((s) => s !== '');
  if (summary.length > 0) out.push(body(summary.map(endSentence).join(' ')));
  else {
    const late = lateCount(report);
    out.push(body(`${report.unitsReported}/${report.unitsExpected} đơn vị đã báo cáo${late > 0 ? `, trong đó ${late} đơn vị ${LATE}` : ''}.`));
  }
  const hasPrevious = Object.keys(report.previousTotals).length > 0;
  out.push(
    body(
      hasPrevious
        ? `Số liệu dưới đây là số tổng hợp toàn tỉnh; số liệu kỳ trước (${lowerFirst(report.previousPeriodLabel)}, ${report.previousUnitsReported} đơn vị báo cáo) chỉ nêu ở chỉ tiêu có thay đổi.`
        : `Số liệu dưới đây là số tổng hợp toàn tỉnh; kỳ trước (${lowerFirst(report.previousPeriodLabel)}) chưa có số liệu để so sánh.`,
    ),
  );

  const placed = new Set<number>();
  for (const section of sections) {
    const applies = (section.unitTypes ?? []).map((t) => report.unitTypes.label(t));
    out.push(sub(`${stripNumbering(section.label)}${applies.length > 0 ? ` (${applies.join(', ')})` : ''}`));
    for (const row of section.rows) {
      const s = rowSentence(report, section, row);
      if (s) out.push(body(s));
    }
    report.ratios.forEach((line, i) => {
      if (sectionOfRatio(sections, line.ratio) !== section) return;
      placed.add(i);
      out.push(body(ratioSentence(line)));
    });
  }
  for (const table of report.form.tables) {
    out.push(sub(stripNumbering(table.label)));
    for (const f of tableFigures(table)) {
      const value = report.totals[f.key];
      out.push(body(`- ${f.label}: ${value === undefined ? 'chưa có số liệu' : `${formatNumber(value)}${againstPrevious(value, report.previousTotals[f.key])}`}.`));
    }
  }
  const rest = report.ratios.filter((_, i) => !placed.has(i));
  if (rest.length > 0) {
    out.push(sub('Các tỷ lệ'));
    for (const line of rest) out.push(body(ratioSentence(line)));
  }
  if (report.choices.length > 0) {
    out.push(sub('Các nội dung lựa chọn'));
    for (const c of report.choices) {
      const unit = c.of === 'units' ? 'đơn vị' : 'dòng';
      out.push(body(`- ${c.label}: ${c.counts.map(([choice, count]) => `${choice} ${formatNumber(count)} ${unit}`).join('; ')}.`));
    }
  }
  // The first narrative field (Kết quả nổi bật) and any beyond the third belong to the results.
  for (const field of texts.filter((_, i) => i === 0 || i > 2)) {
    out.push(sub(`${field.label} của các đơn vị`));
    out.push(...textBlocks(report, field));
  }
  return out;
}

// ---- II. Hạn chế, khó khăn; III. Đề xuất, kiến nghị ----

function partTwo(input: DraftReportInput): Block[] {
  const { report, briefing } = input;
  const out: Block[] = [heading('II. HẠN CHẾ, KHÓ KHĂN')];
  out.push(heading('1. Tình hình báo cáo, đơn vị cần đôn đốc'));
  const missing = report.units.filter((l) => !l.accepted).length;
  const late = lateCount(report);
  out.push(
    body(
      missing === 0
        ? `Tất cả ${report.unitsExpected} đơn vị đã báo cáo${late > 0 ? `; ${late} đơn vị ${LATE}` : ''}.`
        : `Còn ${missing}/${report.unitsExpected} đơn vị chưa báo cáo hoặc báo cáo chưa được tính${late > 0 ? `; ${late} đơn vị ${LATE}` : ''} (danh sách tại Phụ lục 3).`,
    ),
  );
  if (briefing.attention.length === 0) out.push(body('Không có đơn vị cần đôn đốc.'));
  else {
    out.push(body(`Có ${briefing.attention.length} đơn vị cần đôn đốc:`));
    for (const item of briefing.attention) {
      out.push(body([{ text: `- ${item.unit.name}: `, bold: true }, `${item.reasons.map((r) => r.text.trim().replace(/[.;]+$/, '')).join('; ')}.`]));
    }
  }
  const second = textFields(report.form)[1];
  if (second) {
    out.push(heading(`2. ${second.label} (theo báo cáo của các đơn vị)`));
    out.push(...textBlocks(report, second));
  }
  return out;
}

function partThree(report: ConsolidatedReport): Block[] {
  const third = textFields(report.form)[2];
  return [
    heading('III. ĐỀ XUẤT, KIẾN NGHỊ'),
    ...(third ? textBlocks(report, third) : [body('Biểu mẫu không có nội dung đề xuất, kiến nghị của các đơn vị; bổ sung khi hoàn thiện dự thảo.')]),
  ];
}

// ---- signature and "Nơi nhận" ----

function signatureBlock(report: ConsolidatedReport): Table {
  const d = draftDocumentOf(report);
  const left = [
    // "Nơi nhận:" is underlined, its lines in 12 pt (Hướng dẫn 36-HD/VPTW).
    new Paragraph({ spacing: { after: 0 }, children: runs('Nơi nhận:', { underline: {} }) }),
    ...d.recipients.map((r) => new Paragraph({ spacing: { after: 0 }, children: runs(`- ${r}`, { size: SMALL }) })),
  ];
  // The signer's title, then room for the signature and the name, which the office fills in.
  const right = [centred(d.signer.toLocaleUpperCase('vi'), { bold: true }), ...Array.from({ length: 4 }, () => new Paragraph({ children: [] }))];
  const leftWidth = Math.round(CONTENT_WIDTH * 0.45);
  return borderless(
    [
      new TableRow({
        cantSplit: true,
        children: [
          new TableCell({ width: { size: leftWidth, type: WidthType.DXA }, children: left }),
          new TableCell({ width: { size: CONTENT_WIDTH - leftWidth, type: WidthType.DXA }, children: right }),
        ],
      }),
    ],
    [leftWidth, CONTENT_WIDTH - leftWidth],
  );
}

// ---- appendix ----

interface Cell {
  text: string;
  align?: 'left' | 'center' | 'right';
  bold?: boolean;
  rowSpan?: number;
}
/** A table row; `keepNext` keeps it on the page of the next row (the lines of one Mã số stay together). */
type Row = Cell[] | { cells: Cell[]; keepNext: boolean };
const num = (v: number | undefined): Cell => ({ text: v === undefined ? '' : formatNumber(v), align: 'right' });
const CELL_MARGIN = 60;
const MIN_TEXT_COLUMN = mm(12);

/** About how wide a figure prints at 13 pt Times New Roman, in twips (digits half an em; separators a quarter). */
function figureWidth(text: string): number {
  const em = TABLE * 10;
  let w = 0;
  for (const ch of text) w += /[0-9]/.test(ch) ? em / 2 : /[.,\s]/.test(ch) ? em / 4 : ch === '-' ? em / 3 : ch === '%' ? (em * 5) / 6 : em * 0.6;
  return Math.ceil(w) + 2 * CELL_MARGIN + 60;
}

/**
 * Column widths: `weights` shared out over the text block, then each column of figures widened to
 * its longest figure (sums in đồng run to billions and must not break mid-number), the other
 * columns narrowed to make room.
 */
function columnWidths(weights: number[], rows: Cell[][]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const base = weights.map((x) => (x * CONTENT_WIDTH) / total);
  const need = base.map(() => 0);
  for (const r of rows) {
    const offset = base.length - r.length;
    r.forEach((c, i) => {
      if (c.align === 'right') need[i + offset] = Math.max(need[i + offset]!, figureWidth(c.text));
    });
  }
  const figures = base.map((b, i) => (need[i]! > 0 ? Math.max(b, need[i]!) : 0));
  const room = CONTENT_WIDTH - figures.reduce((a, b) => a + b, 0);
  const textTotal = base.reduce((a, b, i) => a + (figures[i] ? 0 : b), 0);
  const scale = textTotal > 0 ? Math.min(1, room / textTotal) : 1;
  // A narrow text column (Mã số, STT) keeps its width: its heading must not break letter by letter.
  return base.map((b, i) => Math.floor(figures[i] || Math.max(b * scale, Math.min(b, MIN_TEXT_COLUMN))));
}

/** A bordered table at 13 pt: the header row shaded and repeated on each page. */
function dataTable(header: string[], rows: Row[], weights: number[]): Table {
  const lines = rows.map((r) => (Array.isArray(r) ? { cells: r, keepNext: false } : r));
  const w = columnWidths(weights, lines.map((l) => l.cells));
  const cell = (c: Cell, i: number, head: boolean) =>
    new TableCell({
      width: { size: w[i] ?? 0, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      margins: { left: CELL_MARGIN, right: CELL_MARGIN, top: 30, bottom: 30 },
      ...(head ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: HEADER_FILL } } : {}),
      ...(c.rowSpan && c.rowSpan > 1 ? { rowSpan: c.rowSpan } : {}),
      children: [
        new Paragraph({
          spacing: { after: 0, line: 240, lineRule: LineRuleType.AUTO },
          alignment: head || c.align === 'center' ? AlignmentType.CENTER : c.align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
          children: runs(c.text, { size: TABLE, bold: head || c.bold }),
        }),
      ],
    });
  return new Table({
    width: { size: w.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: w,
    layout: TableLayoutType.FIXED,
    borders: { top: THIN, bottom: THIN, left: THIN, right: THIN, insideHorizontal: THIN, insideVertical: THIN },
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: header.map((h, i) => cell({ text: h }, i, true)) }),
      // A row's cells after a row-spanning one start further right: their widths are those of their own columns.
      ...lines.map(({ cells, keepNext }) => {
        const offset = w.length - cells.length;
        return new TableRow({ cantSplit: true, keepNext, children: cells.map((c, i) => cell(c, i + offset, false)) });
      }),
    ],
  });
}

const caption = (text: string) => new Paragraph({ keepNext: true, spacing: { before: 240, after: 120 }, children: runs(text, { bold: true }) });
const note = (text: string) => new Paragraph({ spacing: { before: 60, after: 0 }, children: runs(text, { italics: true, size: TABLE }) });
const diffOf = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);

function totalsTables(report: ConsolidatedReport): Block[] {
  const prev = `Kỳ trước (${report.previousPeriodLabel})`;
  const out: Block[] = [];
  if (report.ratios.length > 0) {
    out.push(caption('Các tỷ lệ (tính từ số tổng hợp toàn tỉnh)'));
    out.push(
      dataTable(
        ['Chỉ tiêu', 'Kỳ này', prev, 'Mục tiêu', 'Đánh giá'],
        report.ratios.map((r) => [
          { text: r.ratio.label },
          { text: r.value === undefined ? '' : formatPercent(r.value), align: 'right' },
          { text: r.previous === undefined ? '' : formatPercent(r.previous), align: 'right' },
          { text: r.ratio.targetMin === undefined ? '' : `≥ ${formatPercent(r.ratio.targetMin)}`, align: 'center' },
          { text: r.meetsTarget === undefined ? '' : r.meetsTarget ? 'Đạt' : 'Chưa đạt', align: 'center', bold: true },
        ]),
        [44, 13, 16, 13, 14],
      ),
    );
  }
  for (const section of numericSections(report.form)) {
    const cols = sectionColumns(section);
    const rows: Row[] = [];
    for (const row of section.rows) {
      const applicable = cols.filter((c) => sectionColumnApplies(row.columns, c));
      applicable.forEach((c, i) => {
        const cur = sectionValue(row.code, row.columns, c, report.totals);
        const before = sectionValue(row.code, row.columns, c, report.previousTotals);
        const figures: Cell[] = [{ text: c.column.label }, num(cur), num(before), num(diffOf(cur, before))];
        const cells = i === 0 ? [{ text: row.code, align: 'center' as const, rowSpan: applicable.length }, { text: row.label, rowSpan: applicable.length }, ...figures] : figures;
        rows.push({ cells, keepNext: i < applicable.length - 1 });
      });
    }
    if (rows.length === 0) continue;
    out.push(caption(section.label));
    out.push(dataTable(['Mã số', 'Chỉ tiêu', 'Nội dung', 'Kỳ này', prev, 'Thay đổi'], rows, [6, 28, 20, 15, 16, 15]));
  }
  for (const table of report.form.tables) {
    out.push(caption(table.label));
    out.push(
      dataTable(
        ['Chỉ tiêu', 'Kỳ này', prev, 'Thay đổi'],
        tableFigures(table).map((f) => [{ text: f.label }, num(report.totals[f.key]), num(report.previousTotals[f.key]), num(diffOf(report.totals[f.key], report.previousTotals[f.key]))]),
        [46, 16, 22, 16],
      ),
    );
  }
  return out;
}

function statusByType(report: ConsolidatedReport): Table {
  const count = (lines: readonly UnitLine[]) => {
    const reported = lines.filter((l) => l.accepted).length;
    return [lines.length, reported, lines.filter((l) => l.accepted && l.late).length, lines.length - reported];
  };
  const rows: Cell[][] = report.byType.map((t) => [{ text: t.label }, ...count(report.units.filter((l) => l.unit.type === t.type)).map(num)]);
  rows.push([{ text: 'Toàn tỉnh', bold: true }, ...count(report.units).map((v) => ({ ...num(v), bold: true }))]);
  return dataTable(['Loại đơn vị', 'Phải báo cáo', 'Đã báo cáo', 'Nộp muộn', 'Chưa báo cáo'], rows, [40, 15, 15, 15, 15]);
}

function notCounted(report: ConsolidatedReport): Block {
  const lines = report.units.filter((l) => !l.accepted);
  if (lines.length === 0) return body('Tất cả đơn vị đã báo cáo.');
  const now = report.generatedAt.getTime();
  const status = (l: UnitLine) => {
    if (l.excluded === 'returned') return 'Báo cáo bị trả lại';
    if (l.excluded === 'unreviewed') return 'Báo cáo chờ duyệt (chưa tính)';
    return `${UNIT_STATUS_LABELS[l.status]}${now > l.deadline.getTime() ? ' — quá hạn' : ''}`;
  };
  return dataTable(
    ['STT', 'Đơn vị', 'Loại đơn vị', 'Tình trạng'],
    lines.map((l, i) => [{ text: String(i + 1), align: 'center' }, { text: l.unit.name }, { text: report.unitTypes.label(l.unit.type) }, { text: status(l) }]),
    [8, 40, 22, 30],
  );
}

function chartBlocks(charts: readonly RenderedChart[]): Block[] {
  return charts.flatMap((c, i) => {
    // Drawn at 2× for sharp screens: shown at half size, never wider than the text block.
    const width = Math.min(Math.round(c.width / 2), CONTENT_PX);
    const height = Math.round((c.height * width) / c.width);
    return [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        keepNext: true,
        spacing: { before: 240, after: 60, line: 240, lineRule: LineRuleType.AUTO },
        children: [new ImageRun({ type: 'png', data: c.png, transformation: { width, height }, altText: { name: c.id, title: c.title, description: c.alt } })],
      }),
      new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: runs(`Biểu đồ ${i + 1}. ${c.title}`, { italics: true, size: TABLE }) }),
    ];
  });
}

function appendix(input: DraftReportInput): Block[] {
  const { report } = input;
  const charts = input.charts ?? [];
  const title = (text: string, first = false) =>
    new Paragraph({ alignment: AlignmentType.CENTER, pageBreakBefore: first, keepNext: true, spacing: { before: first ? 0 : 360, after: 120 }, children: runs(text, { bold: true }) });
  return [
    title('PHỤ LỤC', true),
    centred(`(Kèm theo dự thảo báo cáo ${lowerFirst(report.periodLabel)}; số liệu tổng hợp lúc ${formatLocalDateTime(report.generatedAt)})`, { italics: true }, 240),
    title('Phụ lục 1. SỐ LIỆU TỔNG HỢP TOÀN TỈNH'),
    ...totalsTables(report),
    note('Số liệu tổng hợp từ báo cáo được tính của các đơn vị; ô trống: chưa có số liệu.'),
    title('Phụ lục 2. TÌNH HÌNH BÁO CÁO THEO LOẠI ĐƠN VỊ'),
    statusByType(report),
    title('Phụ lục 3. ĐƠN VỊ CHƯA BÁO CÁO HOẶC BÁO CÁO CHƯA ĐƯỢC TÍNH'),
    notCounted(report),
    ...(charts.length > 0 ? [title('Phụ lục 4. BIỂU ĐỒ'), ...chartBlocks(charts)] : []),
  ];
}
