/**
 * The third form (test/fixtures/forms/kiem-tra-giam-sat-6-thang.v1.json): a form no code knows,
 * written from templates/README.md alone, and values a unit would type that satisfy every rule.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkFormDefinition } from '../../functions/core/forms/check-definition';
import type { FormDefinition } from '../../functions/core/forms';
import type { FormValues, UnitType } from '../../functions/core/model';

export const THIRD_FORM_FILE = path.resolve(__dirname, '../fixtures/forms/kiem-tra-giam-sat-6-thang.v1.json');
export const THIRD_FORM_RAW = JSON.parse(readFileSync(THIRD_FORM_FILE, 'utf8')) as unknown;
export const thirdFormChecked = checkFormDefinition(THIRD_FORM_RAW);
export const thirdForm = thirdFormChecked.form as FormDefinition;

/** What a unit of `type` would type: consistent with every rule. */
export function goodValues(type: UnitType): FormValues {
  const fields: FormValues['fields'] = {
    '1.so_cuoc': 5, '1.to_chuc': 3, '1.dang_vien': 12, '1.vi_pham': 4,
    '1a.so_cuoc': 2, '1a.to_chuc': 3, '1a.vi_pham': 1,
    '1b.so_cuoc': 3, '1b.dang_vien': 12, '1b.vi_pham': 3,
    '2.so_cuoc': 4, '2.to_chuc': 6, '2.dang_vien': 20,
    '3.tien_kien_nghi': 3_250_000_000, '3.tien_da_thu': 1_200_500_000, '3.dat_kien_nghi': 1520.5, '3.dat_da_thu': 300.2,
    '3a.tien_kien_nghi': 3_000_000_000, '3a.tien_da_thu': 1_000_000_000, '3a.dat_kien_nghi': 1520.5, '3a.dat_da_thu': 300.2,
    '3b.tien_kien_nghi': 250_000_000, '3b.tien_da_thu': 200_500_000,
    '4.ty_le': 87.5,
    '5.tinh_trang': 'Đã ban hành', '5.ngay': '2026-01-12',
    '8.noi_dung': 'Hoàn thành chương trình kiểm tra, giám sát 6 tháng đầu năm; một số tổ chức đảng chậm khắc phục sau kiểm tra.',
    'header.nguoi_lap': 'Trần Thị Bình', 'header.dien_thoai': '0235 3852 111', 'header.ngay_lap': '2026-06-12', 'header.thu_truong': 'Nguyễn Văn An',
  };
  if (type === 'huyen') Object.assign(fields, { '6.so_cuoc': 14, '6.kinh_phi': 45_000_000, '7.so_cuoc': 22 });
  return {
    fields,
    tables: {
      cuoc: [
        { doi_tuong: 'Chi bộ Trường THPT Trần Cao Vân', hinh_thuc: 'Kiểm tra dấu hiệu vi phạm', ngay_ket_thuc: '2026-03-20', so_dang_vien: 4, so_tien: 150_000_000, ket_luan: 'Có vi phạm' },
        { doi_tuong: 'Đảng ủy phường An Mỹ', hinh_thuc: 'Giám sát chuyên đề', ngay_ket_thuc: '2026-05-08', so_dang_vien: 9, so_tien: null, ket_luan: 'Không vi phạm' },
      ],
    },
  };
}
