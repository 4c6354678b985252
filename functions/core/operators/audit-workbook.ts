/**
 * The audit log's download (.xlsx): sheet "Nhật ký" — one row per entry, newest first, header
 * row frozen and filterable, times as real Excel dates in Hà Nội time — and sheet "Bộ lọc" saying
 * which range and filters it holds, when and by whom it was made. Every text cell (actors,
 * targets, details, the filters typed) goes through `textStyle`, so text that looks like a formula
 * stays text even when re-edited in Excel or LibreOffice.
 */
import ExcelJS from 'exceljs';
import type { UnitTypeRegistry } from '../units/unit-types';
import type { Border, Fill, Font, Style } from 'exceljs';
import { formatViDate, formatViDateTime } from '../format-vi';
import { toLocalWallClock } from '../periods';
import { textStyle, type TextStyle } from '../spreadsheet-text';
import { AUDIT_SCAN_LIMIT, auditActionLabel, auditActionText, auditChangeText, describeAuditChanges, type AuditView } from './audit-view';

const FONT: Partial<Font> = { name: 'Times New Roman', size: 12 };
const thin: Partial<Border> = { style: 'thin', color: { argb: 'FF9E9E9E' } };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };
const HEADER_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };

const HEADER: TextStyle = { font: { ...FONT, bold: true }, fill: HEADER_FILL, border: BORDER, alignment: { vertical: 'middle', horizontal: 'center', wrapText: true } };
const TEXT: TextStyle = { font: FONT, border: BORDER, alignment: { vertical: 'top', wrapText: true } };
const TIME: TextStyle = { font: FONT, border: BORDER, numFmt: 'dd/mm/yyyy hh:mm', alignment: { vertical: 'top', horizontal: 'left' } };
const LABEL: TextStyle = { font: { ...FONT, bold: true }, alignment: { vertical: 'top' } };
const PLAIN: TextStyle = { font: FONT, alignment: { vertical: 'top', wrapText: true } };

/** The columns of "Nhật ký", in order, with their widths (characters). */
export const AUDIT_COLUMNS = [
  { header: 'Thời gian (giờ Hà Nội)', width: 17 },
  { header: 'Người thực hiện', width: 30 },
  { header: 'Họ tên', width: 22 },
  { header: 'Thao tác', width: 28 },
  { header: 'Mã thao tác', width: 26 },
  { header: 'Đối tượng', width: 28 },
  { header: 'Thay đổi (trước → sau)', width: 55 },
] as const;
/** Points per line of 12 pt text. */
const LINE_HEIGHT = 16;

/**
 * The lines `texts` take in their columns once wrapped (an estimate: a 12 pt Times character is
 * about one unit of column width). Row heights are written, not left to the reader: Excel and
 * LibreOffice do not always grow a row for wrapped text in a file they did not lay out.
 */
function linesNeeded(texts: ReadonlyArray<string>, widths: ReadonlyArray<number>): number {
  let most = 1;
  texts.forEach((text, i) => {
    const perLine = Math.max(1, (widths[i] ?? 10) - 2);
    const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / perLine)), 0);
    most = Math.max(most, lines);
  });
  return most;
}

export interface AuditWorkbookInput {
  view: AuditView;
  /** Operators' names by email (actors not found show none). */
  names: ReadonlyMap<string, string>;
  /** The deployment's unit types (a unit's type in before → after); default: the 2019 types. */
  unitTypes?: UnitTypeRegistry;
  /** Who downloads it, and when. */
  by: string;
  at: Date;
}

/** `nhat-ky-quan-tri-2026-03-12-2026-03-18.xlsx` */
export function auditWorkbookFileName(filters: Pick<AuditView['filters'], 'from' | 'to'>): string {
  return `nhat-ky-quan-tri-${filters.from}-${filters.to}.xlsx`;
}

function put(cell: ExcelJS.Cell, value: string | Date | number, style: TextStyle): void {
  cell.value = value;
  cell.style = textStyle(value, style) as Partial<Style>;
}

/** The workbook's bytes. */
export async function buildAuditWorkbook(input: AuditWorkbookInput): Promise<Buffer> {
  const { view } = input;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tonghop';
  wb.created = input.at;

  const ws = wb.addWorksheet('Nhật ký', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = AUDIT_COLUMNS.map((c) => ({ width: c.width }));
  const header = ws.getRow(1);
  AUDIT_COLUMNS.forEach((c, i) => put(header.getCell(i + 1), c.header, HEADER));
  header.height = 30;
  view.entries.forEach((entry, i) => {
    const row = ws.getRow(i + 2);
    const changes = describeAuditChanges(entry, input.unitTypes).map(auditChangeText).join('\n');
    // Excel dates carry no time zone: the Hà Nội wall clock is written as the date.
    put(row.getCell(1), toLocalWallClock(new Date(entry.at)), TIME);
    put(row.getCell(2), entry.actor, TEXT);
    put(row.getCell(3), input.names.get(entry.actor) ?? '', TEXT);
    put(row.getCell(4), auditActionLabel(entry.action) ?? '', TEXT);
    put(row.getCell(5), entry.action, TEXT);
    put(row.getCell(6), entry.target, TEXT);
    put(row.getCell(7), changes, TEXT);
    const lines = linesNeeded([entry.actor, input.names.get(entry.actor) ?? '', auditActionLabel(entry.action) ?? '', entry.action, entry.target, changes], AUDIT_COLUMNS.slice(1).map((c) => c.width));
    if (lines > 1) row.height = lines * LINE_HEIGHT;
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + view.entries.length, column: AUDIT_COLUMNS.length } };
  ws.pageSetup = { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' };

  const about = wb.addWorksheet('Bộ lọc');
  about.columns = [{ width: 22 }, { width: 60 }];
  about.pageSetup = { orientation: 'portrait', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 };
  const f = view.filters;
  const lines: Array<[string, string]> = [
    ['Nhật ký thao tác quản trị', ''],
    ['Từ ngày', formatViDate(f.from)],
    ['Đến ngày', formatViDate(f.to)],
    ['Người thực hiện', f.actor ?? 'Tất cả'],
    ['Thao tác', f.action ? auditActionText(f.action) : 'Tất cả'],
    ['Đối tượng có chứa', f.target ?? '(không lọc)'],
    ['Số thao tác', String(view.entries.length)],
    ['Lập lúc', `${formatViDateTime(input.at)} (giờ Hà Nội)`],
    ['Người tải', input.by],
  ];
  if (view.truncated) lines.push(['Lưu ý', `Khoảng ngày có hơn ${AUDIT_SCAN_LIMIT.toLocaleString('vi-VN')} thao tác: tệp chỉ gồm các thao tác mới nhất trong số đó. Thu hẹp khoảng ngày để lấy đủ.`]);
  lines.forEach(([label, value], i) => {
    const row = about.getRow(i + 1);
    put(row.getCell(1), label, i === 0 ? { ...LABEL, font: { ...FONT, bold: true, size: 14 } } : LABEL);
    if (value) put(row.getCell(2), value, PLAIN);
    const lines = linesNeeded([value], [60]);
    if (lines > 1) row.height = lines * LINE_HEIGHT;
  });

  return Buffer.from(await wb.xlsx.writeBuffer());
}
