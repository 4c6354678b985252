/**
 * A small form the project does not ship ("kiem-tra-nhanh-quy": quarterly, one section with an
 * alphanumeric Mã số, a text column, a rule and a header field), written twice as an author
 * would: as JSON, and by filling the blank definition workbook (templates/thiet-ke-bieu-mau.xlsx)
 * cell by cell through exceljs. Both must give the same definition.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { AUTHORING_SHEETS as S } from '../../functions/core/forms/authoring-workbook';

export const BLANK_DEFINITION_WORKBOOK = path.resolve(__dirname, '../../templates/thiet-ke-bieu-mau.xlsx');

export const AUTHORED_FORM_ID = 'kiem-tra-nhanh-quy';

/** The definition as JSON, written from the README's format (defaults left out). */
export function authoredFormJson(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: AUTHORED_FORM_ID,
    version: 1,
    name: 'Kiểm tra nhanh hằng quý',
    title: 'BÁO CÁO KIỂM TRA NHANH HẰNG QUÝ',
    periodType: 'quarter',
    issuer: 'TỈNH ỦY',
    header: [{ key: 'nguoi_lap', label: 'Người lập biểu', type: 'text', required: true, maxLength: 100 }],
    sections: [
      {
        key: 'A',
        label: 'A. Số liệu',
        columns: [
          { key: 'so_luong', label: 'Số lượng', type: 'whole' },
          { key: 'ghi_chu', label: 'Ghi chú', type: 'text', maxLength: 500 },
        ],
        rows: [
          { code: '01', label: 'Tổng số cuộc kiểm tra', columns: ['so_luong'] },
          { code: '1a', label: 'Trong đó: kiểm tra đột xuất', columns: ['so_luong'], indent: 1 },
          { code: '02', label: 'Nhận xét', columns: ['ghi_chu'], required: false },
        ],
      },
    ],
    rules: [
      { id: 'dot-xuat', kind: 'compare', severity: 'error', left: ['1a.so_luong'], op: 'lte', right: ['01.so_luong'], message: 'Số cuộc đột xuất ({leftValue}) vượt tổng số ({rightValue}).' },
    ],
    deadlines: { default: { day: 10, time: '17:00' } },
    consolidation: { day: 15, time: '08:00' },
    recipients: { leadership: ['thuongtruc@tinhuy.example.vn'], organisationCommittee: ['bantochuc@tinhuy.example.vn'] },
    ...changes,
  };
}

/** The row of `ws` whose column `col` holds `text`. */
export function rowWith(ws: ExcelJS.Worksheet, col: number, text: string): number {
  for (let r = 1; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(col).text === text) return r;
  throw new Error(`no row with ${text}`);
}

/** The same form typed into the shipped blank workbook, cell by cell, as an author would. */
export async function authoredFormWorkbook(): Promise<{ workbook: ExcelJS.Workbook; save(): Promise<Buffer> }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(readFileSync(BLANK_DEFINITION_WORKBOOK) as unknown as ArrayBuffer);
  const general = workbook.getWorksheet(S.general)!;
  const set = (label: string, value: ExcelJS.CellValue) => (general.getRow(rowWith(general, 1, label)).getCell(2).value = value);
  set('Mã biểu mẫu', AUTHORED_FORM_ID);
  set('Phiên bản', 1);
  set('Tên ngắn', 'Kiểm tra nhanh hằng quý');
  set('Tiêu đề', 'BÁO CÁO KIỂM TRA NHANH HẰNG QUÝ');
  set('Kỳ báo cáo', 'Quý');
  set('Cơ quan ban hành', 'TỈNH ỦY');
  set('Hạn nộp mặc định: ngày', 10);
  set('Hạn nộp mặc định: giờ', '17:00');
  set('Ngày tổng hợp', 15);
  set('Giờ tổng hợp', '08:00');
  set('Người nhận: lãnh đạo', 'thuongtruc@tinhuy.example.vn');
  set('Người nhận: Ban Tổ chức', 'bantochuc@tinhuy.example.vn');

  // Phần | Mã số | Chỉ tiêu / tên phần | Cột | Bắt buộc | Loại đơn vị | Thụt lề | Ghi chú
  const rows = workbook.getWorksheet(S.rows)!;
  rows.addRow(['A', null, 'A. Số liệu']);
  rows.addRow(['A', '01', 'Tổng số cuộc kiểm tra', 'so_luong']);
  rows.addRow(['A', '1a', 'Trong đó: kiểm tra đột xuất', 'so_luong', 'Có', null, 1]);
  rows.addRow(['A', '02', 'Nhận xét', 'ghi_chu', 'Không']);
  // Phần | Khóa cột | Tên cột | Kiểu | Tối thiểu | Tối đa | Độ dài tối đa | …
  const columns = workbook.getWorksheet(S.columns)!;
  columns.addRow(['A', 'so_luong', 'Số lượng', 'Số nguyên']);
  columns.addRow(['A', 'ghi_chu', 'Ghi chú', 'Văn bản', null, null, 500]);
  // Mã quy tắc | Bảng | Loại | Mức độ | Vế trái | Phép so sánh | Vế phải | Các dòng | Các cột | Thông báo
  workbook.getWorksheet(S.rules)!.addRow(['dot-xuat', null, 'So sánh', 'Lỗi', '1a.so_luong', 'không lớn hơn', '01.so_luong', null, null, 'Số cuộc đột xuất ({leftValue}) vượt tổng số ({rightValue}).']);
  // Khóa | Tên trường | Kiểu | Bắt buộc | Độ dài tối đa
  workbook.getWorksheet(S.header)!.addRow(['nguoi_lap', 'Người lập biểu', 'Văn bản', 'Có', 100]);
  return { workbook, save: async () => Buffer.from(await workbook.xlsx.writeBuffer()) };
}

/** A leadership briefing for the form, as JSON (defaults left out): one highlight, a trend chart, a change rule, the addressee. */
export const AUTHORED_BRIEFING = {
  highlights: [{ key: '01.so_luong', label: 'Tổng số cuộc kiểm tra' }],
  charts: [
    { kind: 'completeness', title: 'Tình hình báo cáo' },
    { kind: 'trend', fields: [{ key: '01.so_luong', label: 'Tổng số' }, { key: '1a.so_luong', label: 'Đột xuất' }], periods: 4 },
  ],
  attention: { lateInARow: 1, changes: [{ key: '01.so_luong', label: 'Tổng số cuộc kiểm tra', above: 0.5, minPrevious: 5 }] },
  document: { addressee: 'Ban Thường vụ Tỉnh ủy', recipients: ['Như trên,', 'Lưu Văn phòng.'] },
};

/** The briefing above typed into the briefing sheets of an authored workbook, as an author would. */
export function fillAuthoredBriefing(workbook: ExcelJS.Workbook): void {
  const settings = workbook.getWorksheet(S.briefing)!;
  const set = (label: string, value: ExcelJS.CellValue) => (settings.getRow(rowWith(settings, 1, label)).getCell(2).value = value);
  set('Dùng biểu đồ mặc định', 'Không');
  set('Đôn đốc: nộp muộn hoặc không nộp liên tiếp (số kỳ)', 1);
  set('Dự thảo báo cáo: kính gửi', 'Ban Thường vụ Tỉnh ủy');
  set('Dự thảo báo cáo: nơi nhận', 'Như trên,\nLưu Văn phòng.');
  // Trường | Cách gọi
  workbook.getWorksheet(S.highlights)!.addRow(['01.so_luong', 'Tổng số cuộc kiểm tra']);
  // Loại biểu đồ | Tiêu đề | Tỷ lệ | Số liệu (trường = cách gọi) | Số kỳ
  const charts = workbook.getWorksheet(S.charts)!;
  charts.addRow(['Tình hình báo cáo', 'Tình hình báo cáo']);
  charts.addRow(['Xu hướng', null, null, '01.so_luong = Tổng số\n1a.so_luong = Đột xuất', 4]);
  // Trường | Cách gọi | Nêu tên khi tăng hoặc giảm quá | Bỏ qua khi kỳ trước dưới
  const changes = workbook.getWorksheet(S.changes)!;
  const row = changes.addRow(['01.so_luong', 'Tổng số cuộc kiểm tra', 0.5, 5]);
  row.getCell(3).numFmt = '0%';
}
