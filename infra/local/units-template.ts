/**
 * Builds the blank unit-registry import workbook (templates/units-import.xlsx): a header row the
 * importer reads (code, name, type, emails, active), drop-down lists for type and active, and a
 * "Hướng dẫn" sheet explaining each column. Run `npx tsx infra/local/units-template.ts` to
 * regenerate the committed file; the unit tests import the result to prove it round-trips.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from '../../functions/core/units/unit-types';

export const UNITS_TEMPLATE_PATH = join(__dirname, '..', '..', 'templates', 'units-import.xlsx');

/** The blank import workbook as bytes, its type list from `unitTypes` (default: the 2019 types; legacy types are not offered). */
export async function buildUnitsTemplate(unitTypes: UnitTypeRegistry = DEFAULT_UNIT_TYPES): Promise<Buffer> {
  const codes = unitTypes.offered().map((t) => t.code);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tonghop';
  const sheet = wb.addWorksheet('Đơn vị', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: 'code', key: 'code', width: 14 },
    { header: 'name', key: 'name', width: 48 },
    { header: 'type', key: 'type', width: 22 },
    { header: 'emails', key: 'emails', width: 44 },
    { header: 'active', key: 'active', width: 10 },
  ];
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  const notes = ['Mã đơn vị, không dấu (VD: SO-NV)', 'Tên đơn vị, có dấu', 'Loại đơn vị (chọn trong danh sách)', 'Email liên hệ, cách nhau bởi ;', 'có / không (trống = có)'];
  notes.forEach((note, i) => {
    header.getCell(i + 1).note = note;
  });
  // One range per column (per-cell validations write overlapping ranges: exceljs #2820).
  // `dataValidations` exists at runtime but is missing from exceljs's type declarations.
  const validations = (sheet as unknown as { dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void } }).dataValidations;
  validations.add('C2:C1000', { type: 'list', allowBlank: false, formulae: [`"${codes.join(',')}"`], showErrorMessage: true, errorTitle: 'Loại đơn vị', error: `Chọn một trong: ${codes.join(', ')}` });
  validations.add('E2:E1000', { type: 'list', allowBlank: true, formulae: ['"có,không"'] });

  const help = wb.addWorksheet('Hướng dẫn');
  help.columns = [{ width: 22 }, { width: 90 }];
  help.addRows([
    ['Cột', 'Ý nghĩa'],
    ['code', 'Mã đơn vị: chữ cái không dấu, chữ số, "-" hoặc "_", tối đa 40 ký tự; không trùng nhau. VD: VP-TU, SO-NV, H-DONGHAI.'],
    ['name', 'Tên đầy đủ của đơn vị, có dấu. VD: Sở Nội vụ.'],
    ['type', 'Loại đơn vị, một trong các mã dưới đây.'],
    ['emails', 'Một hay nhiều email liên hệ, cách nhau bởi dấu ; hoặc dấu phẩy. Nhắc nộp báo cáo gửi tới các địa chỉ này.'],
    ['active', 'Để trống hoặc "có": đang hoạt động. "không": ngừng (không cấp đường dẫn, không nhắc).'],
    [],
    ['Mã loại (type)', 'Nghĩa'],
    ...unitTypes.offered().map((t) => [t.code, t.plural]),
    [],
    ['Lưu ý', 'Chỉ trang "Đơn vị" được đọc. Nếu một dòng có lỗi, không đơn vị nào được ghi; sửa đúng dòng được báo rồi nhập lại.'],
  ]);
  help.getRow(1).font = { bold: true };
  help.getRow(8).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

if (require.main === module) {
  buildUnitsTemplate()
    .then((bytes) => writeFile(UNITS_TEMPLATE_PATH, bytes))
    .then(() => console.log(`Đã ghi ${UNITS_TEMPLATE_PATH}`));
}
