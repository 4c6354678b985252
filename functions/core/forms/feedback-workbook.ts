/**
 * The annotated feedback workbook: the uploader's own file back, every cell with a problem
 * filled (red = error, amber = warning) with a Vietnamese note, and a first sheet "Lỗi cần sửa"
 * listing the issues with links to the cells. The hidden metadata sheet is kept, so the same
 * file, once fixed, uploads again. Annotations from an earlier round are cleared first.
 */
import ExcelJS from 'exceljs';
import type { Fill, Worksheet } from 'exceljs';
import { InvalidInputError } from '../errors';
import type { ValidationIssue, ValidationResult } from '../model';
import { textStyle } from '../spreadsheet-text';
import { inspectFile, type InspectLimits } from './inspect-file';
import { META_SHEET } from './layout';
import { FEEDBACK_SHEET } from './validate-upload';

const RED: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const AMBER: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFEB9C' } };
const INPUT_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF9E1' } };
const NOTE_PREFIX = { error: '[Lỗi] ', warning: '[Cảnh báo] ' } as const;
const FONT = { name: 'Times New Roman', size: 12 };

function noteText(cellNote: unknown): string {
  if (!cellNote) return '';
  if (typeof cellNote === 'string') return cellNote;
  const texts = (cellNote as { texts?: Array<{ text?: string }> }).texts;
  return Array.isArray(texts) ? texts.map((t) => t.text ?? '').join('') : '';
}

/** Removes our notes and colours from an earlier feedback round. */
function clearEarlierAnnotations(ws: Worksheet) {
  ws.eachRow({ includeEmpty: false }, (row) => {
    row.eachCell({ includeEmpty: false }, (cell) => {
      const text = noteText(cell.note);
      if (text.startsWith(NOTE_PREFIX.error) || text.startsWith(NOTE_PREFIX.warning)) {
        cell.note = undefined as unknown as string;
        cell.style = { ...cell.style, fill: INPUT_FILL };
      }
    });
  });
}

const quoteSheet = (name: string) => `'${name.replace(/'/g, "''")}'`;

/**
 * The unit's own text that looks like a formula keeps Excel's quote prefix through our rewrite
 * (exceljs would otherwise drop it) or gets one, so fixing the file cannot make it a formula.
 */
function keepFormulaTextAsText(ws: Worksheet) {
  ws.eachRow({ includeEmpty: false }, (row) => {
    row.eachCell({ includeEmpty: false }, (cell) => {
      const style = textStyle(cell.value, cell.style);
      if (style !== cell.style && style !== undefined) cell.style = style;
    });
  });
}

/** Column widths of the issue list (characters): STT, Mức độ, Ô, Nội dung — one A4 portrait width. */
const LIST_WIDTHS = [6, 11, 10, 64] as const;
const LINE_HEIGHT = 15.75; // points per line of 12 pt Times New Roman

/**
 * exceljs does not size rows to wrapped text (Excel does only when it recalculates layout), so
 * estimate. A unit of column width is one digit of the default font; 12 pt Times New Roman fits
 * ~1.35 Vietnamese characters in it (measured in a LibreOffice print), 1.15 leaves room for word
 * breaks: a row may come out a line too tall, never too short.
 */
function wrappedHeight(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width * 1.15));
  const lines = text.split('\n').reduce((n, part) => n + Math.max(1, Math.ceil(part.length / perLine)), 0);
  return Math.ceil(lines * LINE_HEIGHT + 4);
}

/**
 * Builds the annotated workbook from the uploaded bytes and their validation result. Throws
 * `InvalidInputError` (FEEDBACK_UNAVAILABLE) when the file cannot be opened at all (then there is
 * nothing to annotate: the result's message is the whole answer).
 */
export async function buildFeedbackWorkbook(bytes: Buffer, result: ValidationResult, limits: Partial<InspectLimits> = {}): Promise<Buffer> {
  const inspection = await inspectFile(bytes, { maxBytes: Math.max(bytes.length, 1), ...limits });
  if (!inspection.ok) throw new InvalidInputError('FEEDBACK_UNAVAILABLE', `Không tạo được tệp ghi chú lỗi: ${inspection.issue.message}`);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw new InvalidInputError('FEEDBACK_UNAVAILABLE', 'Không tạo được tệp ghi chú lỗi vì tệp không mở được.', err);
  }
  const old = wb.worksheets.find((w) => w.name === FEEDBACK_SHEET);
  if (old) wb.removeWorksheet(old.id);
  for (const ws of wb.worksheets) {
    if (ws.name === META_SHEET) continue;
    clearEarlierAnnotations(ws);
    keepFormulaTextAsText(ws);
  }

  const issues: ValidationIssue[] = [...result.errors, ...result.warnings];
  const byCell = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    if (!issue.sheet || !issue.cell) continue;
    const key = `${issue.sheet}!${issue.cell}`;
    byCell.set(key, [...(byCell.get(key) ?? []), issue]);
  }
  for (const list of byCell.values()) {
    const first = list[0]!;
    const ws = wb.getWorksheet(first.sheet!);
    if (!ws) continue;
    const cell = ws.getCell(first.cell!);
    const worst = list.some((i) => i.severity === 'error') ? 'error' : 'warning';
    // exceljs shares one style object between cells loaded with the same style: replace, never mutate.
    cell.style = { ...cell.style, fill: worst === 'error' ? RED : AMBER };
    const text = list.map((i) => `${NOTE_PREFIX[i.severity]}${i.message}`).join('\n');
    cell.note = { texts: [{ text }], margins: { insetmode: 'auto' }, protection: { locked: 'False', lockText: 'False' }, editAs: 'absolute' } as unknown as ExcelJS.Comment;
  }

  const list = wb.addWorksheet(FEEDBACK_SHEET, {
    properties: { tabColor: { argb: result.errors.length ? 'FFC00000' : 'FFFFC000' } },
    // Printed on A4 portrait, every column on one page width, as many pages long as it takes.
    pageSetup: {
      paperSize: 9,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '4:4',
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&L&8&A&R&8Trang &P/&N', differentFirst: false, differentOddEven: false },
    views: [{ state: 'frozen', ySplit: 4, xSplit: 0 }],
  });
  // exceljs orders sheets by `orderNo` (untyped): put the issue list first.
  type Ordered = Worksheet & { orderNo: number };
  const minOrder = Math.min(...wb.worksheets.filter((w) => w !== list).map((w) => (w as Ordered).orderNo ?? 0));
  (list as Ordered).orderNo = minOrder - 1;
  LIST_WIDTHS.forEach((w, i) => (list.getColumn(i + 1).width = w));
  const listWidth = LIST_WIDTHS.reduce((a, b) => a + b, 0);
  list.mergeCells('A1:D1');
  const title = list.getCell('A1');
  title.value = result.errors.length
    ? `Báo cáo CHƯA được chấp nhận: ${result.errors.length} lỗi cần sửa${result.warnings.length ? `, ${result.warnings.length} cảnh báo` : ''}.`
    : `Báo cáo đã được chấp nhận${result.warnings.length ? `, có ${result.warnings.length} cảnh báo cần xem lại` : ''}.`;
  title.font = { ...FONT, bold: true, size: 13, color: { argb: result.errors.length ? 'FFC00000' : 'FF006100' } };
  title.alignment = { wrapText: true, vertical: 'middle' };
  list.getRow(1).height = Math.max(22, wrappedHeight(String(title.value), listWidth * 0.9));
  list.mergeCells('A2:D2');
  const hint = list.getCell('A2');
  hint.value = 'Bấm vào địa chỉ ô để đến ô cần sửa. Sửa trực tiếp trên tệp này (ô tô đỏ là lỗi, ô tô vàng là cảnh báo), lưu lại và nộp lại qua đường dẫn nộp báo cáo.';
  hint.font = { ...FONT, italic: true };
  hint.alignment = { wrapText: true, vertical: 'top' };
  list.getRow(2).height = wrappedHeight(String(hint.value), listWidth);
  const header = list.getRow(4);
  ['STT', 'Mức độ', 'Ô', 'Nội dung'].forEach((h, i) => {
    const c = header.getCell(i + 1);
    c.value = h;
    c.font = { ...FONT, bold: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    c.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });
  issues.forEach((issue, i) => {
    const row = list.getRow(5 + i);
    row.getCell(1).value = i + 1;
    row.getCell(2).value = issue.severity === 'error' ? 'Lỗi' : 'Cảnh báo';
    row.getCell(2).fill = issue.severity === 'error' ? RED : AMBER;
    if (issue.sheet && issue.cell) {
      const target = `#${quoteSheet(issue.sheet)}!${issue.cell}`;
      row.getCell(3).value = { formula: `HYPERLINK("${target.replace(/"/g, '""')}","${issue.cell}")`, result: issue.cell } as ExcelJS.CellFormulaValue;
      row.getCell(3).font = { ...FONT, color: { argb: 'FF0563C1' }, underline: true };
    } else row.getCell(3).value = '—';
    row.getCell(4).value = issue.message;
    for (const c of [1, 2, 4]) row.getCell(c).font = { ...FONT };
    for (const c of [1, 2, 3]) row.getCell(c).alignment = { vertical: 'top', horizontal: 'center' };
    row.getCell(4).alignment = { wrapText: true, vertical: 'top' };
    // Messages may quote a unit's own text: keep it text if it looks like a formula.
    row.getCell(4).style = textStyle(issue.message, row.getCell(4).style);
    row.height = wrappedHeight(issue.message, LIST_WIDTHS[3]);
  });
  if (!issues.length) list.getCell('A5').value = 'Không có lỗi hay cảnh báo.';
  list.pageSetup.printArea = `A1:D${Math.max(5, 4 + issues.length)}`;
  wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 0, visibility: 'visible' }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
