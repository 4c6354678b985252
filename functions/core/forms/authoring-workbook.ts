/**
 * Authoring a form definition in Excel ("Thiết kế biểu mẫu"). The people who design a new report
 * form work in a spreadsheet, not in JSON, so a definition can be written as a workbook with one
 * sheet per part (Thông tin chung, Chỉ tiêu, Cột, Bảng, Kiểm tra, Tỷ lệ, Người lập) and a guide,
 * then the optional leadership briefing (`briefing`): its settings on "Báo cáo lãnh đạo" and its
 * lists on "Số liệu nổi bật", "Biểu đồ", "Đôn đốc — tỷ trọng" and "Đôn đốc — biến động". Those
 * five left blank (or missing, in a workbook written before them) mean no `briefing` at all.
 * Lists (kiểu, kỳ, phép so sánh, mức độ, Có/Không) are Excel drop-downs in Vietnamese, and every
 * column carries an input message, so an author fills it without knowing the JSON format.
 *
 * `writeDefinitionWorkbook` renders a definition (or the blank workbook); `readDefinitionWorkbook`
 * reads one back — as saved by Excel or LibreOffice — into the raw JSON definition, runs
 * `checkFormDefinition` on it and reports every problem with its sheet, row and column. The two
 * are exact inverses for every field of `FormDefinitionSchema` (tests hold them to it).
 *
 * A workbook is hostile input: the zip is inspected before exceljs sees it (`inspectFile`: size,
 * entry and inflation caps), each sheet is read up to a bounded number of rows, and cell text is
 * quoted in messages only truncated. Core code: no fs, no AWS.
 */
import ExcelJS from 'exceljs';
import type { DataValidation, Worksheet } from 'exceljs';
import { checkFormDefinition, DEFINITION_LIMITS, describePath } from './check-definition';
import type { BriefingDefinition, FormDefinition } from './definition';
import { normalizeText, quoteText, readDate, readNumber, readText, toRawCell, type RawCell } from './cell-values';
import { inspectFile } from './inspect-file';
import { META_SHEET } from './layout';
import { UNIT_TYPES_2019 } from '../units/unit-types';

/** Sheet names, in workbook order after the guide. */
export const AUTHORING_SHEETS = {
  guide: 'Hướng dẫn',
  general: 'Thông tin chung',
  rows: 'Chỉ tiêu',
  columns: 'Cột',
  tables: 'Bảng',
  rules: 'Kiểm tra',
  ratios: 'Tỷ lệ',
  header: 'Người lập',
  briefing: 'Báo cáo lãnh đạo',
  highlights: 'Số liệu nổi bật',
  charts: 'Biểu đồ',
  shares: 'Đôn đốc — tỷ trọng',
  changes: 'Đôn đốc — biến động',
} as const;
const S = AUTHORING_SHEETS;

/** A problem of a definition workbook, located where the author can fix it. */
export interface WorkbookProblem {
  /** Sheet name, or "(cả tệp)" for the file as a whole. */
  sheet: string;
  /** 1-based row number in the sheet. */
  row?: number;
  /** Column letter, e.g. "D". */
  column?: string;
  /** The column's heading, e.g. "Mã số". */
  header?: string;
  code: string;
  message: string;
}

export const WHOLE_FILE = '(cả tệp)';
const L = DEFINITION_LIMITS;

// ---------------------------------------------------------------------------------------------
// Vocabularies: what the drop-downs show, and the codes they stand for. Reading also accepts the
// JSON codes themselves (an author who knows them, or a workbook typed by a script).

const TYPE_LABELS = { whole: 'Số nguyên', decimal: 'Số thập phân', money: 'Tiền (đồng)', text: 'Văn bản', date: 'Ngày', choice: 'Lựa chọn' } as const;
const COMPUTED_LABEL = 'Tính toán';
const PERIOD_LABELS = { month: 'Tháng', quarter: 'Quý', half: '6 tháng', year: 'Năm' } as const;
const OP_LABELS = { eq: 'bằng', lte: 'không lớn hơn', gte: 'không nhỏ hơn', lt: 'nhỏ hơn', gt: 'lớn hơn' } as const;
const OP_SYMBOLS: Record<string, keyof typeof OP_LABELS> = { '=': 'eq', '==': 'eq', '<=': 'lte', '≤': 'lte', '>=': 'gte', '≥': 'gte', '<': 'lt', '>': 'gt' };
const SEVERITY_LABELS = { error: 'Lỗi', warning: 'Cảnh báo' } as const;
const KIND_LABELS = { compare: 'So sánh', baseline: 'Mốc kỳ trước' } as const;
const CONSOLIDATE_LABELS = { sum: 'Cộng', text: 'Gộp văn bản', none: 'Không tổng hợp' } as const;
const CHART_KIND_LABELS = { completeness: 'Tình hình báo cáo', targets: 'So với mục tiêu', trend: 'Xu hướng', breakdown: 'Cơ cấu' } as const;
const YES = 'Có';
const NO = 'Không';

const fold = (s: string) => normalizeText(s).normalize('NFC').toLowerCase().replace(/\s+/g, ' ');

function lookup<K extends string>(labels: Record<K, string>, text: string, extra: Record<string, K> = {}): K | undefined {
  const t = fold(text);
  for (const [code, label] of Object.entries(labels) as Array<[K, string]>) if (t === code || t === fold(label)) return code;
  return extra[t] ?? extra[text.trim()];
}

// ---------------------------------------------------------------------------------------------
// Sheet layouts.

interface ColumnSpec {
  key: string;
  header: string;
  width: number;
  /** Input message shown when the cell is selected. */
  prompt: string;
  /** Drop-down values. */
  list?: readonly string[];
  /** Cells hold text even when they look like numbers or times (Mã số "01", giờ "17:00"). */
  text?: boolean;
  /** Whole-number validation (min). */
  whole?: number;
  /** With `whole`: the largest whole number allowed. */
  max?: number;
  decimal?: boolean;
  /** With `decimal`: the range allowed (default: any number). */
  range?: readonly [number, number];
  percent?: boolean;
}

const typeList = [...Object.values(TYPE_LABELS)];
const yesNo = [YES, NO];
const consolidateList = Object.values(CONSOLIDATE_LABELS);

const ROWS_COLUMNS: ColumnSpec[] = [
  { key: 'section', header: 'Phần', width: 8, text: true, prompt: 'Khóa của phần (ví dụ A, B). Dòng chỉ có Phần và Tên là dòng tiêu đề phần; các dòng có Mã số bên dưới thuộc phần đó.' },
  { key: 'code', header: 'Mã số', width: 8, text: true, prompt: 'Mã số chính thức của dòng (chữ và số, ví dụ 01, 1a). Để trống ở dòng tiêu đề phần. Không được trùng trong biểu mẫu.' },
  { key: 'label', header: 'Chỉ tiêu / tên phần', width: 48, prompt: 'Tên chỉ tiêu in trên biểu mẫu (hoặc tên phần ở dòng tiêu đề phần, ví dụ "A. Tổ chức bộ máy").' },
  { key: 'columns', header: 'Cột', width: 24, text: true, prompt: 'Khóa các cột (trang Cột) mà dòng này có, cách nhau dấu phẩy, ví dụ: truoc, hien_tai.' },
  { key: 'required', header: 'Bắt buộc', width: 10, list: yesNo, prompt: 'Có: đơn vị phải điền (mặc định). Không: được để trống.' },
  { key: 'unitTypes', header: 'Loại đơn vị', width: 22, text: true, prompt: 'Chỉ các loại đơn vị này điền dòng (hoặc phần, ở dòng tiêu đề phần); cách nhau dấu phẩy. Để trống: mọi loại.' },
  { key: 'indent', header: 'Thụt lề', width: 8, whole: 0, prompt: 'Mức thụt lề của chỉ tiêu: 0 (mặc định), 1, 2.' },
  { key: 'note', header: 'Ghi chú', width: 30, prompt: 'Gợi ý hiện khi đơn vị chọn ô (không bắt buộc).' },
];

const VALUE_COLUMNS: ColumnSpec[] = [
  { key: 'min', header: 'Tối thiểu', width: 14, decimal: true, prompt: 'Giá trị nhỏ nhất (số). Để trống: 0 với số nguyên và tiền.' },
  { key: 'max', header: 'Tối đa', width: 16, decimal: true, prompt: 'Giá trị lớn nhất (số). Để trống: không giới hạn.' },
  { key: 'maxLength', header: 'Độ dài tối đa', width: 10, whole: 1, prompt: 'Số ký tự tối đa của văn bản.' },
  { key: 'choices', header: 'Lựa chọn', width: 24, prompt: 'Với kiểu Lựa chọn: các giá trị, cách nhau dấu chấm phẩy (;) hoặc mỗi giá trị một dòng (Alt+Enter).' },
  { key: 'consolidate', header: 'Tổng hợp', width: 14, list: consolidateList, prompt: 'Cách tổng hợp toàn tỉnh: Cộng (số), Gộp văn bản (liệt kê theo đơn vị), Không tổng hợp. Để trống: mặc định theo kiểu.' },
  { key: 'width', header: 'Độ rộng', width: 9, decimal: true, prompt: 'Độ rộng cột trên biểu mẫu (số ký tự). Để trống: tự động.' },
];

const COLUMN_COLUMNS: ColumnSpec[] = [
  { key: 'section', header: 'Phần', width: 8, text: true, prompt: 'Khóa của phần (như ở trang Chỉ tiêu) mà cột này thuộc về.' },
  { key: 'key', header: 'Khóa cột', width: 14, text: true, prompt: 'Khóa của cột: chỉ chữ thường không dấu, số và _ (ví dụ hien_tai). Trường dữ liệu là <mã số>.<khóa cột>.' },
  { key: 'label', header: 'Tên cột', width: 28, prompt: 'Tên cột in trên biểu mẫu.' },
  { key: 'type', header: 'Kiểu', width: 14, list: [...typeList, COMPUTED_LABEL], prompt: 'Kiểu dữ liệu. Tính toán: cột không nhập, bằng tổng các cột ở "Cộng" trừ các cột ở "Trừ" trên cùng dòng.' },
  ...VALUE_COLUMNS,
  { key: 'add', header: 'Cộng (cột tính toán)', width: 16, text: true, prompt: 'Chỉ với kiểu Tính toán: khóa các cột được cộng, cách nhau dấu phẩy.' },
  { key: 'sub', header: 'Trừ (cột tính toán)', width: 16, text: true, prompt: 'Chỉ với kiểu Tính toán: khóa các cột bị trừ, cách nhau dấu phẩy.' },
  { key: 'decimals', header: 'Số chữ số thập phân', width: 10, whole: 0, prompt: 'Với kiểu Số thập phân: số chữ số sau dấu phẩy (0–6, mặc định 2); giá trị được làm tròn đến đó.' },
];

const TABLE_COLUMNS: ColumnSpec[] = [
  { key: 'table', header: 'Bảng', width: 12, text: true, prompt: 'Khóa của bảng kê (chữ thường không dấu, số, _). Dòng có Bảng mà không có Khóa cột là dòng khai báo bảng.' },
  { key: 'key', header: 'Khóa cột', width: 14, text: true, prompt: 'Khóa của cột trong bảng. Để trống ở dòng khai báo bảng.' },
  { key: 'label', header: 'Tên bảng / tên cột', width: 28, prompt: 'Tên bảng (dòng khai báo bảng) hoặc tên cột.' },
  { key: 'type', header: 'Kiểu', width: 14, list: typeList, prompt: 'Kiểu dữ liệu của cột.' },
  { key: 'required', header: 'Bắt buộc', width: 10, list: yesNo, prompt: 'Có: mỗi dòng của bảng phải điền cột này (mặc định).' },
  { key: 'unique', header: 'Không trùng', width: 10, list: yesNo, prompt: 'Có: giá trị không được trùng giữa các dòng (không phân biệt hoa thường).' },
  ...VALUE_COLUMNS,
  { key: 'minRows', header: 'Số dòng tối thiểu', width: 10, whole: 0, prompt: 'Dòng khai báo bảng: số dòng ít nhất đơn vị phải kê (mặc định 1).' },
  { key: 'maxRows', header: 'Số dòng tối đa', width: 10, whole: 1, prompt: 'Dòng khai báo bảng: số dòng nhiều nhất của bảng (bắt buộc).' },
  { key: 'totals', header: 'Cột có dòng tổng', width: 22, text: true, prompt: 'Dòng khai báo bảng: khóa các cột có dòng tổng cộng, cách nhau dấu phẩy.' },
  { key: 'decimals', header: 'Số chữ số thập phân', width: 10, whole: 0, prompt: 'Với kiểu Số thập phân: số chữ số sau dấu phẩy (0–6, mặc định 2); giá trị được làm tròn đến đó.' },
];

const RULE_COLUMNS: ColumnSpec[] = [
  { key: 'id', header: 'Mã quy tắc', width: 18, text: true, prompt: 'Tên ngắn, không trùng, của quy tắc (ví dụ tong-dau-moi).' },
  { key: 'table', header: 'Bảng', width: 10, text: true, prompt: 'Để trống với quy tắc trên chỉ tiêu. Ghi khóa bảng với quy tắc trên từng dòng của bảng kê (vế trái, vế phải là khóa cột).' },
  { key: 'kind', header: 'Loại', width: 14, list: Object.values(KIND_LABELS), prompt: 'So sánh: vế trái so với vế phải. Mốc kỳ trước: các trường ở vế trái phải bằng báo cáo kỳ trước của đơn vị.' },
  { key: 'severity', header: 'Mức độ', width: 10, list: Object.values(SEVERITY_LABELS), prompt: 'Lỗi: không nhận báo cáo. Cảnh báo: nhận nhưng nhắc đơn vị.' },
  { key: 'left', header: 'Vế trái', width: 24, text: true, prompt: 'Các trường được cộng, nối bằng dấu +, ví dụ 01.truoc hoặc {row}.da. Trường là <mã số>.<khóa cột> hoặc <bảng>.<khóa cột>.' },
  { key: 'op', header: 'Phép so sánh', width: 14, list: Object.values(OP_LABELS), prompt: 'Vế trái … vế phải: bằng, không lớn hơn, không nhỏ hơn, nhỏ hơn, lớn hơn. Để trống với Mốc kỳ trước.' },
  { key: 'right', header: 'Vế phải', width: 30, text: true, prompt: 'Các trường được cộng, nối bằng dấu +, ví dụ 02.{col} + 03.{col}. Để trống với Mốc kỳ trước.' },
  { key: 'rows', header: 'Các dòng ({row})', width: 18, text: true, prompt: 'Các mã số thay cho {row}, cách nhau dấu phẩy: quy tắc được kiểm tra cho từng mã số.' },
  { key: 'columns', header: 'Các cột ({col})', width: 18, text: true, prompt: 'Các khóa cột thay cho {col}, cách nhau dấu phẩy.' },
  { key: 'message', header: 'Thông báo', width: 60, prompt: 'Thông báo tiếng Việt cho đơn vị. Có thể dùng {leftValue}, {rightValue}, {row}, {col} (Mốc kỳ trước: {value}, {previousValue}).' },
];

const RATIO_COLUMNS: ColumnSpec[] = [
  { key: 'key', header: 'Khóa tỷ lệ', width: 18, text: true, prompt: 'Khóa của tỷ lệ: chữ thường không dấu, số và _.' },
  { key: 'label', header: 'Tên tỷ lệ', width: 40, prompt: 'Tên tỷ lệ in trên báo cáo tổng hợp.' },
  { key: 'add', header: 'Tử số: cộng', width: 26, text: true, prompt: 'Tử số = tổng các trường này (nối bằng +) trừ các trường ở cột "Tử số: trừ". Tính lại từ số liệu tổng hợp, không lấy trung bình.' },
  { key: 'sub', header: 'Tử số: trừ', width: 26, text: true, prompt: 'Các trường bị trừ ở tử số, nối bằng + (có thể để trống).' },
  { key: 'denominator', header: 'Mẫu số', width: 26, text: true, prompt: 'Mẫu số = tổng các trường này, nối bằng +.' },
  { key: 'targetMin', header: 'Mục tiêu tối thiểu', width: 12, decimal: true, percent: true, prompt: 'Tỷ lệ cần đạt, ví dụ 10% (để trống nếu không có).' },
  { key: 'targetLabel', header: 'Ghi chú mục tiêu', width: 44, prompt: 'Căn cứ của mục tiêu, in bên cạnh tỷ lệ.' },
];

const HEADER_COLUMNS: ColumnSpec[] = [
  { key: 'key', header: 'Khóa', width: 16, text: true, prompt: 'Khóa của trường: chữ thường không dấu, số và _ (ví dụ nguoi_lap).' },
  { key: 'label', header: 'Tên trường', width: 30, prompt: 'Tên in trên biểu mẫu, ví dụ "Người lập biểu".' },
  { key: 'type', header: 'Kiểu', width: 14, list: typeList, prompt: 'Kiểu dữ liệu (thường là Văn bản hoặc Ngày).' },
  { key: 'required', header: 'Bắt buộc', width: 10, list: yesNo, prompt: 'Có: đơn vị phải điền. Không (mặc định): được để trống.' },
  { key: 'maxLength', header: 'Độ dài tối đa', width: 12, whole: 1, prompt: 'Số ký tự tối đa.' },
];

const BY_TYPE_COLUMNS: ColumnSpec[] = [
  { key: 'unitType', header: 'Loại đơn vị', width: 34, text: true, prompt: 'Mã loại đơn vị.' },
  { key: 'day', header: 'Hạn nộp: ngày', width: 44, whole: 1, prompt: 'Ngày của tháng cuối kỳ (1–31) mà loại đơn vị này phải nộp. Để trống: theo hạn nộp mặc định.' },
  { key: 'time', header: 'Hạn nộp: giờ', width: 70, text: true, prompt: 'Giờ hạn nộp (hh:mm), mặc định 17:00.' },
];

const HIGHLIGHT_COLUMNS: ColumnSpec[] = [
  { key: 'key', header: 'Trường', width: 24, text: true, prompt: 'Số liệu toàn tỉnh: <mã số>.<khóa cột> (ví dụ 01.hien_tai) hoặc <bảng>.<khóa cột>; số dòng của bảng kê: <bảng>.__rows.' },
  { key: 'label', header: 'Cách gọi', width: 56, prompt: 'Tên số liệu trong các câu tóm tắt đầu thư và trên biểu đồ xu hướng, ví dụ "Tổng số biên chế có mặt".' },
];

const CHART_COLUMNS: ColumnSpec[] = [
  { key: 'kind', header: 'Loại biểu đồ', width: 20, list: Object.values(CHART_KIND_LABELS), prompt: 'Tình hình báo cáo: đã nộp / nộp muộn / chưa nộp theo loại đơn vị. So với mục tiêu: tỷ lệ so với mục tiêu. Xu hướng: qua các kỳ gần nhất. Cơ cấu: các phần của một tổng theo loại đơn vị.' },
  { key: 'title', header: 'Tiêu đề', width: 36, prompt: 'Tiêu đề in trên biểu đồ. Để trống: tiêu đề mặc định (biểu đồ Cơ cấu thì phải ghi).' },
  { key: 'ratios', header: 'Tỷ lệ', width: 22, text: true, prompt: 'So với mục tiêu, Xu hướng: khóa các tỷ lệ (trang Tỷ lệ), cách nhau dấu phẩy. So với mục tiêu để trống: mọi tỷ lệ có mục tiêu.' },
  { key: 'figures', header: 'Số liệu (trường = cách gọi)', width: 44, text: true, prompt: 'Xu hướng, Cơ cấu: mỗi số liệu một dòng (Alt+Enter), dạng <trường> = <cách gọi>, ví dụ: 24.hoan_thanh = Hoàn thành.' },
  { key: 'periods', header: 'Số kỳ', width: 8, whole: 2, max: 8, prompt: 'Xu hướng: vẽ bấy nhiêu kỳ gần nhất, từ 2 đến 8 (mặc định 8).' },
];

const SHARE_COLUMNS: ColumnSpec[] = [
  { key: 'label', header: 'Lý do nêu tên', width: 36, prompt: 'Lý do ghi cạnh tên đơn vị, ví dụ "Nhiệm vụ chưa hoàn thành".' },
  { key: 'numerator', header: 'Phần (cộng)', width: 28, text: true, prompt: 'Các trường của phần, nối bằng +, ví dụ 24.dang + 24.chua.' },
  { key: 'denominator', header: 'Tổng (cộng)', width: 24, text: true, prompt: 'Các trường của tổng, nối bằng +, ví dụ 24.tong.' },
  { key: 'above', header: 'Nêu tên khi phần trên tổng vượt', width: 16, decimal: true, percent: true, range: [0, 1], prompt: 'Đơn vị được nêu tên khi phần chia tổng lớn hơn tỷ lệ này, ví dụ 50%.' },
];

const CHANGE_COLUMNS: ColumnSpec[] = [
  { key: 'key', header: 'Trường', width: 24, text: true, prompt: 'Số liệu của đơn vị: <mã số>.<khóa cột> hoặc <bảng>.<khóa cột>.' },
  { key: 'label', header: 'Cách gọi', width: 36, prompt: 'Tên số liệu trong lý do nêu tên, ví dụ "Số biên chế có mặt".' },
  { key: 'above', header: 'Nêu tên khi tăng hoặc giảm quá', width: 16, decimal: true, percent: true, range: [0, 100], prompt: 'Đơn vị được nêu tên khi số liệu tăng hoặc giảm hơn tỷ lệ này so với kỳ trước của chính đơn vị, ví dụ 30%.' },
  { key: 'minPrevious', header: 'Bỏ qua khi kỳ trước dưới', width: 14, decimal: true, range: [0, 1e15], prompt: 'Không xét khi số kỳ trước nhỏ hơn số này (mặc định 10): trên số nhỏ, thay đổi nhỏ cũng thành tỷ lệ lớn.' },
];

/** The fields of "Thông tin chung" (and "Báo cáo lãnh đạo"), one per row (column A the name, B the value, C the explanation). */
interface GeneralField {
  path: string[];
  label: string;
  help: string;
  kind: 'text' | 'int' | 'period' | 'time' | 'bool' | 'ints' | 'dates' | 'emails' | 'lines';
  /** For `int`: the range the drop-in validation allows (default: from 0). */
  min?: number;
  max?: number;
}
const GENERAL_FIELDS: GeneralField[] = [
  { path: ['id'], label: 'Mã biểu mẫu', kind: 'text', help: 'Chữ thường không dấu, số và dấu gạch ngang, ví dụ bien-che-thang. Không đổi giữa các phiên bản.' },
  { path: ['version'], label: 'Phiên bản', kind: 'int', min: 1, help: 'Số nguyên từ 1. Sửa biểu mẫu đã phát hành thì tăng phiên bản.' },
  { path: ['name'], label: 'Tên ngắn', kind: 'text', help: 'Tên dùng trong danh sách và tiêu đề thư.' },
  { path: ['title'], label: 'Tiêu đề', kind: 'text', help: 'Tiêu đề chính thức in trên biểu mẫu.' },
  { path: ['subtitle'], label: 'Phụ đề', kind: 'text', help: 'Dòng in dưới tiêu đề (không bắt buộc).' },
  { path: ['periodType'], label: 'Kỳ báo cáo', kind: 'period', help: 'Tháng, Quý, 6 tháng hoặc Năm.' },
  { path: ['issuer'], label: 'Cơ quan ban hành', kind: 'text', help: 'In ở góc trái đầu biểu mẫu (mặc định TỈNH ỦY).' },
  { path: ['place'], label: 'Địa danh', kind: 'text', help: 'Địa danh ở dòng ngày tháng, ví dụ "Quảng Ngãi" (không bắt buộc).' },
  { path: ['deadlines', 'default', 'day'], label: 'Hạn nộp mặc định: ngày', kind: 'int', help: 'Ngày (1–31) của tháng cuối kỳ. Rơi vào ngày nghỉ thì lùi sang ngày làm việc kế tiếp.' },
  { path: ['deadlines', 'default', 'time'], label: 'Hạn nộp mặc định: giờ', kind: 'time', help: 'Giờ hạn nộp (hh:mm), mặc định 17:00.' },
  { path: ['consolidation', 'day'], label: 'Ngày tổng hợp', kind: 'int', help: 'Ngày (1–31) của tháng cuối kỳ hệ thống tổng hợp và gửi báo cáo toàn tỉnh.' },
  { path: ['consolidation', 'time'], label: 'Giờ tổng hợp', kind: 'time', help: 'Giờ tổng hợp (hh:mm).' },
  { path: ['consolidation', 'includeUnreviewed'], label: 'Tính cả báo cáo chờ duyệt', kind: 'bool', help: 'Có (mặc định): báo cáo tỉnh tính cả báo cáo chưa duyệt. Không: chỉ báo cáo đã duyệt.' },
  { path: ['consolidation', 'autoLockDays'], label: 'Tự khóa kỳ sau tổng hợp (ngày)', kind: 'int', help: 'Khóa kỳ tự động sau bấy nhiêu ngày kể từ ngày tổng hợp. Để trống: chỉ khóa bằng tay.' },
  { path: ['reminders', 'workingDaysBefore'], label: 'Nhắc hạn trước (ngày làm việc)', kind: 'ints', help: 'Gửi thư nhắc trước hạn bấy nhiêu ngày làm việc, cách nhau dấu phẩy (mặc định 3, 1).' },
  { path: ['reminders', 'workingDaysAfter'], label: 'Nhắc quá hạn sau (ngày làm việc)', kind: 'ints', help: 'Nhắc đơn vị chưa nộp sau hạn bấy nhiêu ngày làm việc (mặc định 1).' },
  { path: ['reminders', 'time'], label: 'Giờ gửi nhắc', kind: 'time', help: 'Giờ gửi thư nhắc (hh:mm), mặc định 08:00.' },
  { path: ['holidays'], label: 'Ngày nghỉ riêng của biểu mẫu', kind: 'dates', help: 'Ngày nghỉ thêm ngoài lịch chung của tỉnh (dd/mm/yyyy), cách nhau dấu phẩy.' },
  { path: ['workingDays'], label: 'Ngày làm bù riêng của biểu mẫu', kind: 'dates', help: 'Thứ Bảy hoặc Chủ nhật làm việc thêm ngoài lịch chung của tỉnh (dd/mm/yyyy), cách nhau dấu phẩy.' },
  { path: ['recipients', 'leadership'], label: 'Người nhận: lãnh đạo', kind: 'emails', help: 'Địa chỉ thư nhận báo cáo tổng hợp, cách nhau dấu phẩy.' },
  { path: ['recipients', 'organisationCommittee'], label: 'Người nhận: Ban Tổ chức', kind: 'emails', help: 'Địa chỉ thư nhận danh sách đơn vị nộp chậm, cách nhau dấu phẩy.' },
  { path: ['supersedes'], label: 'Đọc được các phiên bản cũ', kind: 'ints', help: 'Các phiên bản trước mà tệp đã điền vẫn được nhận, cách nhau dấu phẩy (thường để trống).' },
];
const BY_TYPE_TITLE = 'Hạn nộp theo loại đơn vị';

/** Whether the charts are the defaults: not a JSON field, it tells `charts` absent from `charts: []`. */
const DEFAULT_CHARTS = 'useDefaultCharts';
/** "Báo cáo lãnh đạo": paths under `briefing` (the lists are on their own sheets). */
const BRIEFING_FIELDS: GeneralField[] = [
  { path: [DEFAULT_CHARTS], label: 'Dùng biểu đồ mặc định', kind: 'bool', help: 'Có: các biểu đồ mặc định (tình hình báo cáo, so với mục tiêu, xu hướng); để trống trang Biểu đồ. Không: chỉ các biểu đồ kê ở trang Biểu đồ (trang trống: không có biểu đồ). Để trống ô này: trang Biểu đồ có biểu đồ thì dùng, không thì mặc định.' },
  { path: ['attention', 'lateInARow'], label: 'Đôn đốc: nộp muộn hoặc không nộp liên tiếp (số kỳ)', kind: 'int', min: 0, max: 8, help: 'Nêu tên đơn vị nộp muộn hoặc không nộp bấy nhiêu kỳ liên tiếp (0: không xét; mặc định 2). Đơn vị quá hạn mà chưa nộp kỳ này luôn được nêu tên.' },
  { path: ['attention', 'returned'], label: 'Đôn đốc: báo cáo bị trả lại', kind: 'bool', help: 'Có (mặc định): nêu tên đơn vị có báo cáo bị trả lại. Không: không xét.' },
  { path: ['attention', 'belowTarget'], label: 'Đôn đốc: tỷ lệ dưới mục tiêu', kind: 'bool', help: 'Có (mặc định): nêu tên đơn vị có tỷ lệ (trang Tỷ lệ) thấp hơn mục tiêu. Không: không xét.' },
  { path: ['attention', 'emailLimit'], label: 'Số đơn vị cần đôn đốc nêu trong thư', kind: 'int', min: 1, max: 100, help: 'Thư nêu bấy nhiêu đơn vị rồi ghi "và N đơn vị khác" (mặc định 10); sổ tổng hợp và trang quản trị nêu đủ.' },
  { path: ['document', 'issuingBody'], label: 'Dự thảo báo cáo: cơ quan ban hành', kind: 'text', help: 'Dòng dưới "Cơ quan ban hành" (trang Thông tin chung) ở góc trái đầu văn bản (mặc định BAN TỔ CHỨC).' },
  { path: ['document', 'numberSuffix'], label: 'Dự thảo báo cáo: ký hiệu sau số', kind: 'text', help: 'Dòng số văn bản "Số … -BC/BTCTU": phần ghi sau số (mặc định -BC/BTCTU).' },
  { path: ['document', 'addressee'], label: 'Dự thảo báo cáo: kính gửi', kind: 'text', help: 'Dòng "Kính gửi: …" (mặc định Thường trực Tỉnh ủy).' },
  { path: ['document', 'signer'], label: 'Dự thảo báo cáo: thẩm quyền ký', kind: 'text', help: 'Dòng đầu của khối chữ ký (mặc định T/M BAN THƯỜNG VỤ).' },
  { path: ['document', 'recipients'], label: 'Dự thảo báo cáo: nơi nhận', kind: 'lines', help: 'Mỗi nơi nhận một dòng trong ô (Alt+Enter để xuống dòng). Mặc định: "Như trên," và "Lưu Văn phòng.".' },
];
const BRIEFING_NOTE = 'Cả trang này và các trang Số liệu nổi bật, Biểu đồ, Đôn đốc — tỷ trọng, Đôn đốc — biến động để trống: báo cáo lãnh đạo theo mặc định. Điền bất kỳ ô nào: các ô còn trống lấy giá trị mặc định ghi ở cột Hướng dẫn.';

/** Data rows read per sheet (beyond: one problem, not read). Sized from the definition limits. */
const SHEET_ROW_CAPS: Record<string, number> = {
  [S.rows]: L.maxRowsTotal + L.maxSections,
  [S.columns]: L.maxSections * L.maxColumnsPerSection,
  [S.tables]: L.maxTables * (L.maxColumnsPerTable + 1),
  [S.rules]: L.maxRules + L.maxTables * 20,
  [S.ratios]: L.maxRatios,
  [S.header]: L.maxHeaderFields,
  [S.general]: GENERAL_FIELDS.length + 60,
  [S.briefing]: BRIEFING_FIELDS.length + 20,
  [S.highlights]: 50,
  [S.charts]: 50,
  [S.shares]: 50,
  [S.changes]: 50,
};

// ---------------------------------------------------------------------------------------------
// Writing.

export interface AuthoringOptions {
  /** Unit types listed in "Hạn nộp theo loại đơn vị" (default: the 2019 structure). */
  unitTypes?: ReadonlyArray<{ code: string; name: string }>;
}

const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } } as const;
const SECTION_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } } as const;
const THIN = { style: 'thin', color: { argb: 'FFBFBFBF' } } as const;
/** The cells an author types into on "Thông tin chung" (the same pale yellow as a generated form's input cells). */
const INPUT_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF9E1' } } as const;
const BOX = { top: THIN, bottom: THIN, left: THIN, right: THIN };

type WsWithValidations = Worksheet & { dataValidations: { add(range: string, v: DataValidation): void } };

const colLetter = (n: number): string => {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

function validationOf(spec: ColumnSpec): DataValidation {
  const base = { allowBlank: true, showInputMessage: true, promptTitle: spec.header.slice(0, 32), prompt: spec.prompt.slice(0, 255), showErrorMessage: true, errorStyle: 'stop' as const };
  if (spec.list) return { ...base, type: 'list', formulae: [`"${spec.list.join(',')}"`], errorTitle: 'Giá trị không có trong danh sách', error: `Chọn một trong: ${spec.list.join(', ')}.` };
  if (spec.whole !== undefined && spec.max !== undefined) return { ...base, type: 'whole', operator: 'between', formulae: [spec.whole, spec.max], errorTitle: 'Phải là số nguyên', error: `Nhập một số nguyên từ ${spec.whole} đến ${spec.max}.` };
  if (spec.whole !== undefined) return { ...base, type: 'whole', operator: 'greaterThanOrEqual', formulae: [spec.whole], errorTitle: 'Phải là số nguyên', error: `Nhập một số nguyên từ ${spec.whole} trở lên.` };
  if (spec.decimal && spec.range) {
    const [lo, hi] = spec.range;
    const show = (n: number) => (spec.percent ? `${(n * 100).toLocaleString('vi-VN')}%` : n.toLocaleString('vi-VN'));
    return { ...base, type: 'decimal', operator: 'between', formulae: [lo, hi], errorTitle: spec.percent ? 'Phải là tỷ lệ' : 'Phải là số', error: `Nhập ${spec.percent ? 'một tỷ lệ' : 'một số'} từ ${show(lo)} đến ${show(hi)}${spec.percent ? ', ví dụ 50%' : ''}.` };
  }
  if (spec.decimal) return { ...base, type: 'decimal', operator: 'between', formulae: [-1e15, 1e15], errorTitle: 'Phải là số', error: 'Nhập một số.' };
  return { ...base, type: 'any', formulae: [], showErrorMessage: false } as unknown as DataValidation;
}

function styleHeaderRow(ws: Worksheet, rowNumber: number, count: number) {
  const row = ws.getRow(rowNumber);
  for (let c = 1; c <= count; c++) {
    const cell = row.getCell(c);
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
    cell.border = BOX;
  }
  row.height = 32;
}

/**
 * Row heights from the wrapped text they hold: LibreOffice (and Excel for files it did not save)
 * keeps the default height of a row written without one, so wrapped text would overlap.
 */
function fitRowHeights(ws: Worksheet, minHeight = 15) {
  const widths: number[] = [];
  ws.columns.forEach((c, i) => (widths[i + 1] = c.width ?? 9));
  ws.eachRow((row) => {
    let lines = 1;
    row.eachCell((cell, col) => {
      const v = cell.value;
      const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
      const perLine = Math.max(1, Math.floor((widths[col] ?? 9) * 1.15) - 1);
      const size = cell.font?.size ?? 11;
      const n = text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil((line.length * size) / 11 / perLine)), 0);
      lines = Math.max(lines, n);
    });
    row.height = Math.max(row.height ?? 0, minHeight, lines * 14 + 2);
  });
}

function setupSheet(ws: Worksheet) {
  ws.pageSetup = { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 } };
}

/** A list sheet: a header row, then one row per item; validations over the sheet's row cap. */
function listSheet(wb: ExcelJS.Workbook, name: string, specs: ColumnSpec[], rows: Array<Record<string, unknown> & { _heading?: boolean }>) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] }) as WsWithValidations;
  setupSheet(ws);
  ws.columns = specs.map((s) => ({ header: s.header, key: s.key, width: s.width }));
  const last = 1 + (SHEET_ROW_CAPS[name] ?? 200);
  specs.forEach((spec, i) => {
    const col = ws.getColumn(i + 1);
    if (spec.text) col.numFmt = '@';
    if (spec.percent) col.numFmt = '0.0%';
    col.alignment = { wrapText: true, vertical: 'top' };
    ws.dataValidations.add(`${colLetter(i + 1)}2:${colLetter(i + 1)}${last}`, validationOf(spec));
  });
  styleHeaderRow(ws, 1, specs.length);
  for (const item of rows) {
    const row = ws.addRow(specs.map((s) => (item[s.key] === undefined ? null : item[s.key])));
    row.alignment = { wrapText: true, vertical: 'top', horizontal: 'left' };
    if (item._heading) {
      for (let c = 1; c <= specs.length; c++) {
        row.getCell(c).fill = SECTION_FILL;
        row.getCell(c).font = { bold: true };
      }
    }
  }
  fitRowHeights(ws);
  return ws;
}

const joinKeys = (a: readonly string[] | undefined) => (a && a.length > 0 ? a.join(', ') : undefined);
const joinSum = (a: readonly string[] | undefined) => (a && a.length > 0 ? a.join(' + ') : undefined);
const joinChoices = (a: readonly string[] | undefined) => (a ? (a.some((c) => /[;\n]/.test(c)) ? a.join('\n') : a.join('; ')) : undefined);
const yesNoOf = (b: boolean | undefined) => (b === undefined ? undefined : b ? YES : NO);
const viDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

function valueCells(c: { min?: number; max?: number; decimals?: number; maxLength?: number; choices?: string[]; consolidate?: keyof typeof CONSOLIDATE_LABELS; width?: number }) {
  return { min: c.min, max: c.max, decimals: c.decimals, maxLength: c.maxLength, choices: joinChoices(c.choices), consolidate: c.consolidate ? CONSOLIDATE_LABELS[c.consolidate] : undefined, width: c.width };
}

/** The cell value of a field row, from the object its path starts at. */
function fieldValue(root: unknown, field: GeneralField): string | number | undefined {
  let v: unknown = root;
  for (const p of field.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  if (v === undefined) return undefined;
  switch (field.kind) {
    case 'period':
      return PERIOD_LABELS[v as keyof typeof PERIOD_LABELS];
    case 'bool':
      return yesNoOf(v as boolean);
    case 'ints':
    case 'emails':
      return (v as Array<number | string>).length > 0 ? (v as Array<number | string>).join(', ') : undefined;
    case 'dates':
      return (v as string[]).length > 0 ? (v as string[]).map(viDate).join(', ') : undefined;
    case 'lines':
      return (v as string[]).length > 0 ? (v as string[]).join('\n') : undefined;
    default:
      return v === '' ? undefined : (v as string | number);
  }
}

/** A sheet of one item per row: Mục (the field's name), Giá trị (typed in), Hướng dẫn. */
function fieldSheet(wb: ExcelJS.Workbook, name: string, fields: GeneralField[], root: unknown): WsWithValidations {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] }) as WsWithValidations;
  setupSheet(ws);
  ws.columns = [
    { header: 'Mục', key: 'label', width: 34 },
    { header: 'Giá trị', key: 'value', width: 44 },
    { header: 'Hướng dẫn', key: 'help', width: 70 },
  ];
  ws.getColumn(2).numFmt = '@';
  for (const c of [1, 2, 3]) ws.getColumn(c).alignment = { wrapText: true, vertical: 'top' };
  styleHeaderRow(ws, 1, 3);
  fields.forEach((field, i) => {
    const r = i + 2;
    const row = ws.getRow(r);
    row.getCell(1).value = field.label;
    row.getCell(1).font = { bold: true };
    const value = root ? fieldValue(root, field) : undefined;
    if (value !== undefined) row.getCell(2).value = value;
    row.getCell(2).fill = INPUT_FILL;
    row.getCell(2).border = BOX;
    if (field.kind === 'int' || field.kind === 'period') row.getCell(2).numFmt = 'General';
    row.getCell(3).value = field.help;
    row.getCell(3).font = { color: { argb: 'FF595959' } };
    const spec: ColumnSpec =
      field.kind === 'period'
        ? { key: '', header: field.label, width: 0, list: Object.values(PERIOD_LABELS), prompt: field.help }
        : field.kind === 'bool'
          ? { key: '', header: field.label, width: 0, list: yesNo, prompt: field.help }
          : field.kind === 'int'
            ? { key: '', header: field.label, width: 0, whole: field.min ?? 0, max: field.max, prompt: field.help }
            : { key: '', header: field.label, width: 0, prompt: field.help };
    ws.dataValidations.add(`B${r}`, validationOf(spec));
  });
  return ws;
}

function writeGeneralSheet(wb: ExcelJS.Workbook, form: FormDefinition | undefined, unitTypes: ReadonlyArray<{ code: string; name: string }>) {
  const ws = fieldSheet(wb, S.general, GENERAL_FIELDS, form);
  const titleRow = GENERAL_FIELDS.length + 3;
  ws.getCell(`A${titleRow}`).value = BY_TYPE_TITLE;
  ws.getCell(`A${titleRow}`).font = { bold: true, size: 12 };
  ws.getCell(`B${titleRow}`).value = 'Để trống ngày: loại đơn vị đó theo hạn nộp mặc định.';
  ws.getCell(`B${titleRow}`).font = { italic: true, color: { argb: 'FF595959' } };
  const headRow = titleRow + 1;
  BY_TYPE_COLUMNS.forEach((spec, i) => (ws.getRow(headRow).getCell(i + 1).value = spec.header));
  styleHeaderRow(ws, headRow, 3);
  const byType = form?.deadlines.byUnitType ?? {};
  const codes = [...unitTypes.map((t) => t.code), ...Object.keys(byType).filter((k) => !unitTypes.some((t) => t.code === k))];
  codes.forEach((code, i) => {
    const r = headRow + 1 + i;
    const row = ws.getRow(r);
    const deadline = (byType as Record<string, { day: number; time: string } | undefined>)[code];
    const name = unitTypes.find((t) => t.code === code)?.name;
    row.getCell(1).value = name ? `${code} (${name})` : code;
    if (deadline) {
      row.getCell(2).value = deadline.day;
      row.getCell(3).value = deadline.time;
    }
    row.getCell(2).numFmt = 'General';
    row.getCell(3).numFmt = '@';
    for (const c of [2, 3]) {
      row.getCell(c).fill = INPUT_FILL;
      row.getCell(c).border = BOX;
    }
    BY_TYPE_COLUMNS.slice(1).forEach((spec, c) => ws.dataValidations.add(`${colLetter(c + 2)}${r}`, validationOf(spec)));
  });
  for (let r = 2; r <= headRow + codes.length; r++) {
    if (r === headRow) continue;
    for (const c of [1, 2, 3]) ws.getRow(r).getCell(c).alignment = { wrapText: true, vertical: 'top', horizontal: 'left' };
  }
  fitRowHeights(ws);
}

const figureLines = (a: ReadonlyArray<{ key: string; label: string }>) => (a.length > 0 ? a.map((f) => `${f.key} = ${f.label}`).join('\n') : undefined);

/** The briefing's sheets: the settings, then one list sheet each for highlights, charts and the two attention rules. */
function writeBriefingSheets(wb: ExcelJS.Workbook, briefing: BriefingDefinition | undefined) {
  const settings = briefing && { [DEFAULT_CHARTS]: briefing.charts === undefined, attention: briefing.attention, document: briefing.document };
  const ws = fieldSheet(wb, S.briefing, BRIEFING_FIELDS, settings);
  const noteRow = ws.getRow(BRIEFING_FIELDS.length + 3);
  noteRow.getCell(1).value = 'Lưu ý';
  noteRow.getCell(1).font = { bold: true };
  noteRow.getCell(2).value = BRIEFING_NOTE;
  noteRow.getCell(2).font = { italic: true, color: { argb: 'FF595959' } };
  ws.mergeCells(`B${noteRow.number}:C${noteRow.number}`);
  for (const c of [1, 2]) noteRow.getCell(c).alignment = { wrapText: true, vertical: 'top' };
  // Numbers (Số kỳ, số đơn vị) sit at the left like the text around them, as on "Thông tin chung".
  for (let r = 2; r <= BRIEFING_FIELDS.length + 1; r++) for (const c of [1, 2, 3]) ws.getRow(r).getCell(c).alignment = { wrapText: true, vertical: 'top', horizontal: 'left' };
  fitRowHeights(ws);
  // The merged note spans B:C, so it needs fewer lines than fitRowHeights counts for column B alone.
  noteRow.height = 32;

  listSheet(wb, S.highlights, HIGHLIGHT_COLUMNS, (briefing?.highlights ?? []).map((h) => ({ key: h.key, label: h.label })));
  listSheet(
    wb,
    S.charts,
    CHART_COLUMNS,
    (briefing?.charts ?? []).map((c) => {
      const common = { kind: CHART_KIND_LABELS[c.kind], title: c.title };
      switch (c.kind) {
        case 'completeness':
          return common;
        case 'targets':
          return { ...common, ratios: joinKeys(c.ratios) };
        case 'trend':
          return { ...common, ratios: joinKeys(c.ratios), figures: figureLines(c.fields), periods: c.periods };
        case 'breakdown':
          return { ...common, figures: figureLines(c.parts) };
      }
    }),
  );
  listSheet(wb, S.shares, SHARE_COLUMNS, (briefing?.attention.shares ?? []).map((r) => ({ label: r.label, numerator: joinSum(r.numerator), denominator: joinSum(r.denominator), above: r.above })));
  listSheet(wb, S.changes, CHANGE_COLUMNS, (briefing?.attention.changes ?? []).map((r) => ({ key: r.key, label: r.label, above: r.above, minPrevious: r.minPrevious })));
}

const GUIDE: Array<[string, string]> = [
  ['THIẾT KẾ BIỂU MẪU BÁO CÁO', ''],
  ['', 'Tệp này mô tả một biểu mẫu báo cáo. Điền các trang theo thứ tự dưới đây, lưu dưới dạng .xlsx, rồi kiểm tra bằng lệnh: npx tonghop forms check <tệp.xlsx>. Mọi lỗi được liệt kê kèm trang, dòng và cột để sửa. Ô có danh sách thả xuống chỉ nhận giá trị trong danh sách; chọn một ô để xem hướng dẫn của cột.'],
  [S.general, 'Mã, tên, tiêu đề, kỳ báo cáo, hạn nộp (mặc định và theo từng loại đơn vị), ngày giờ tổng hợp, lịch nhắc hạn, ngày nghỉ riêng của biểu mẫu và người nhận báo cáo. Mỗi mục một dòng: điền ở cột "Giá trị".'],
  [S.rows, 'Các chỉ tiêu (dòng có Mã số) chia theo phần. Dòng tiêu đề phần: ghi Phần (ví dụ A) và tên phần, để trống Mã số; có thể ghi Loại đơn vị nếu chỉ một số loại đơn vị có phần này. Các dòng bên dưới có Mã số, tên chỉ tiêu và các cột mà dòng đó có (khóa cột ở trang Cột, cách nhau dấu phẩy). Mã số không được trùng trong cả biểu mẫu.'],
  [S.columns, 'Các cột số liệu của từng phần: Phần, khóa cột, tên cột, kiểu (Số nguyên, Số thập phân, Tiền (đồng), Văn bản, Ngày, Lựa chọn) và giới hạn. Kiểu "Tính toán": cột đơn vị không nhập, bằng Cộng trừ Trừ trên cùng dòng (ví dụ Giảm = truoc − hien_tai).'],
  [S.tables, 'Bảng kê nhiều dòng (ví dụ danh sách đơn vị trực thuộc). Dòng khai báo bảng: khóa bảng, tên bảng, số dòng tối thiểu/tối đa, các cột có dòng tổng. Các dòng sau: khóa bảng và từng cột của bảng.'],
  [S.rules, 'Quy tắc kiểm tra số liệu. So sánh: tổng vế trái so với tổng vế phải (ví dụ 01.truoc bằng 02.truoc + 03.truoc). {row} và {col} lặp qua "Các dòng" và "Các cột". Mốc kỳ trước: các trường ở vế trái phải bằng báo cáo kỳ trước. Ghi Bảng để kiểm tra trên từng dòng của bảng kê (vế trái, vế phải là khóa cột).'],
  [S.ratios, 'Tỷ lệ tính lại trên số liệu toàn tỉnh: (tử số cộng − tử số trừ) / mẫu số, kèm mục tiêu nếu có.'],
  [S.header, 'Các trường ghi chung của biểu mẫu: người lập biểu, số điện thoại, ngày lập, thủ trưởng đơn vị…'],
  [S.briefing, 'Không bắt buộc. Báo cáo gửi lãnh đạo (câu tóm tắt đầu thư, biểu đồ, đơn vị cần đôn đốc, dự thảo báo cáo .docx): dùng biểu đồ mặc định hay không, các điều kiện nêu tên đơn vị cần đôn đốc, đầu văn bản dự thảo (cơ quan ban hành, ký hiệu, kính gửi, thẩm quyền ký, nơi nhận). Để trống trang này và bốn trang sau: theo mặc định.'],
  [S.highlights, 'Các số liệu toàn tỉnh quan trọng nhất, theo thứ tự: câu tóm tắt đầu thư nêu chúng, biểu đồ xu hướng mặc định vẽ chúng. Mỗi dòng: trường (ví dụ 01.hien_tai) và cách gọi.'],
  [S.charts, 'Mỗi dòng một biểu đồ: loại (Tình hình báo cáo, So với mục tiêu, Xu hướng, Cơ cấu), tiêu đề, các tỷ lệ, các số liệu (mỗi dòng trong ô một số liệu: trường = cách gọi) và số kỳ của biểu đồ xu hướng (2–8).'],
  [S.shares, 'Nêu tên đơn vị khi một phần vượt một tỷ trọng của tổng, ví dụ nhiệm vụ chưa hoàn thành: Phần 24.dang + 24.chua, Tổng 24.tong, vượt 50%.'],
  [S.changes, 'Nêu tên đơn vị khi một số liệu tăng hoặc giảm quá một tỷ lệ so với kỳ trước của chính đơn vị (số liệu bất thường, cần kiểm tra lại).'],
  ['Trường dữ liệu', 'Mỗi ô số liệu có tên <mã số>.<khóa cột>, ví dụ 01.truoc; cột của bảng kê: <khóa bảng>.<khóa cột>, ví dụ don_vi.co_mat. Quy tắc và tỷ lệ dùng các tên này.'],
  ['Khóa', 'Khóa cột, khóa bảng, khóa tỷ lệ: chỉ chữ thường không dấu, số và dấu gạch dưới (ví dụ hien_tai). Mã biểu mẫu: chữ thường không dấu, số và dấu gạch ngang.'],
  ['Danh sách', 'Cách nhau dấu phẩy: khóa cột, mã số, loại đơn vị, địa chỉ thư, ngày nghỉ (dd/mm/yyyy). Nối bằng dấu +: vế trái, vế phải, tử số, mẫu số. Lựa chọn: dấu chấm phẩy hoặc mỗi giá trị một dòng.'],
  ['Có / Không', 'Để trống cột Bắt buộc: chỉ tiêu và cột bảng kê là bắt buộc, trường người lập là không bắt buộc.'],
  ['Ví dụ', 'Chỉ tiêu: Phần A | (trống) | A. Tổ chức bộ máy — rồi A | 01 | Tổng số đầu mối | truoc, hien_tai. Cột: A | truoc | Trước sắp xếp | Số nguyên. Kiểm tra: tong | (trống) | So sánh | Lỗi | 01.{col} | bằng | 02.{col} + 03.{col} | (trống) | truoc, hien_tai | Mã số 01 phải bằng 02 + 03.'],
  ['Giới hạn', `Tối đa ${L.maxSections} phần, ${L.maxRowsTotal} mã số, ${L.maxColumnsPerSection} cột mỗi phần, ${L.maxTables} bảng, ${L.maxRules.toLocaleString('vi-VN')} quy tắc, ${L.maxRatios} tỷ lệ; tên tối đa ${L.maxTextLength} ký tự, thông báo tối đa ${L.maxMessageLength.toLocaleString('vi-VN')} ký tự. Biểu mẫu được tạo và kiểm tra mỗi lần đơn vị nộp, nên kích thước có giới hạn.`],
];

function writeGuideSheet(wb: ExcelJS.Workbook) {
  const ws = wb.addWorksheet(S.guide);
  setupSheet(ws);
  ws.columns = [
    { key: 'topic', width: 22 },
    { key: 'text', width: 110 },
  ];
  GUIDE.forEach(([topic, text], i) => {
    const row = ws.getRow(i + 1);
    row.getCell(1).value = topic;
    row.getCell(2).value = text;
    row.getCell(1).font = { bold: true, size: i === 0 ? 14 : 11 };
    row.getCell(1).alignment = { vertical: 'top', wrapText: true };
    row.getCell(2).alignment = { vertical: 'top', wrapText: true };
  });
  fitRowHeights(ws, 18);
  ws.mergeCells('A1:B1');
  ws.getRow(1).height = 26;
}

/**
 * The definition workbook of a form, or the blank one (headings, drop-downs, input messages and
 * the guide) when no form is given. `readDefinitionWorkbook` reads it back to the same definition.
 */
export async function writeDefinitionWorkbook(form?: FormDefinition, options: AuthoringOptions = {}): Promise<Buffer> {
  const unitTypes = options.unitTypes ?? UNIT_TYPES_2019;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tonghop';
  wb.created = new Date(Date.UTC(2026, 0, 1));
  wb.modified = wb.created;
  writeGuideSheet(wb);
  writeGeneralSheet(wb, form, unitTypes);

  const rowItems: Array<Record<string, unknown>> = [];
  const columnItems: Array<Record<string, unknown>> = [];
  for (const section of form?.sections ?? []) {
    rowItems.push({ _heading: true, section: section.key, label: section.label, unitTypes: joinKeys(section.unitTypes) });
    for (const row of section.rows) {
      rowItems.push({ section: section.key, code: row.code, label: row.label, columns: joinKeys(row.columns), required: yesNoOf(row.required), unitTypes: joinKeys(row.unitTypes), indent: row.indent, note: row.note });
    }
    for (const c of section.columns) columnItems.push({ section: section.key, key: c.key, label: c.label, type: TYPE_LABELS[c.type], ...valueCells(c) });
    for (const c of section.computed) columnItems.push({ section: section.key, key: c.key, label: c.label, type: COMPUTED_LABEL, add: joinKeys(c.add), sub: joinKeys(c.sub) });
  }
  listSheet(wb, S.rows, ROWS_COLUMNS, rowItems);
  listSheet(wb, S.columns, COLUMN_COLUMNS, columnItems);

  const tableItems: Array<Record<string, unknown>> = [];
  for (const t of form?.tables ?? []) {
    tableItems.push({ _heading: true, table: t.key, label: t.label, minRows: t.minRows, maxRows: t.maxRows, totals: joinKeys(t.totals) });
    for (const c of t.columns) tableItems.push({ table: t.key, key: c.key, label: c.label, type: TYPE_LABELS[c.type], required: yesNoOf(c.required), unique: yesNoOf(c.unique), ...valueCells(c) });
  }
  listSheet(wb, S.tables, TABLE_COLUMNS, tableItems);

  const ruleItems: Array<Record<string, unknown>> = [];
  for (const r of form?.rules ?? []) {
    const common = { id: r.id, kind: KIND_LABELS[r.kind], severity: SEVERITY_LABELS[r.severity], rows: joinKeys(r.rows), columns: joinKeys(r.columns), message: r.message };
    if (r.kind === 'compare') ruleItems.push({ ...common, left: joinSum(r.left), op: OP_LABELS[r.op], right: joinSum(r.right) });
    else ruleItems.push({ ...common, left: joinSum(r.fields) });
  }
  for (const t of form?.tables ?? []) {
    for (const r of t.rules) ruleItems.push({ id: r.id, table: t.key, kind: KIND_LABELS.compare, severity: SEVERITY_LABELS[r.severity], left: joinSum(r.left), op: OP_LABELS[r.op], right: joinSum(r.right), message: r.message });
  }
  listSheet(wb, S.rules, RULE_COLUMNS, ruleItems);

  listSheet(
    wb,
    S.ratios,
    RATIO_COLUMNS,
    (form?.ratios ?? []).map((r) => ({ key: r.key, label: r.label, add: joinSum(r.numerator.add), sub: joinSum(r.numerator.sub), denominator: joinSum(r.denominator), targetMin: r.targetMin, targetLabel: r.targetLabel })),
  );
  listSheet(
    wb,
    S.header,
    HEADER_COLUMNS,
    (form?.header ?? []).map((h) => ({ key: h.key, label: h.label, type: TYPE_LABELS[h.type], required: yesNoOf(h.required), maxLength: h.maxLength })),
  );
  writeBriefingSheets(wb, form?.briefing);
  wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: form ? 1 : 0, visibility: 'visible' }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------
// Reading.

type Segment = string | number;
interface Loc {
  sheet: string;
  row?: number;
  column?: string;
  header?: string;
  /** List-valued cells of a row, to point a reference problem at the cell that names the key. */
  tokens?: Array<{ column: string; header: string; values: Set<string> }>;
}

/** Everything a read accumulates: the problems found while parsing and where each JSON path came from. */
class ReadContext {
  readonly problems: WorkbookProblem[] = [];
  readonly places: Array<{ segs: Segment[]; loc: Loc }> = [];
  at(segs: Segment[], loc: Loc) {
    this.places.push({ segs, loc });
  }
  problem(loc: Loc, code: string, message: string) {
    this.problems.push({ sheet: loc.sheet, row: loc.row, column: loc.column, header: loc.header, code, message });
  }
}

/** One sheet of the workbook as read: its columns located by their headings. */
class SheetReader {
  private readonly columns = new Map<string, { index: number; spec: ColumnSpec }>();
  constructor(
    readonly name: string,
    private readonly ws: Worksheet | undefined,
    specs: ColumnSpec[],
    private readonly ctx: ReadContext,
    readonly headerRow = 1,
  ) {
    if (!ws) return;
    const headings = new Map<string, number>();
    const row = ws.getRow(headerRow);
    for (let c = 1; c <= Math.min(ws.columnCount, 60); c++) {
      const text = readText(toRawCell(row.getCell(c).value));
      if (text && !headings.has(fold(text))) headings.set(fold(text), c);
    }
    for (const spec of specs) {
      const index = headings.get(fold(spec.header));
      if (index !== undefined) this.columns.set(spec.key, { index, spec });
      else ctx.problem({ sheet: name, row: headerRow }, 'WB_MISSING_COLUMN', `Thiếu cột "${spec.header}" ở dòng tiêu đề ${headerRow}: đừng đổi tên hay xóa các cột của tệp mẫu.`);
    }
  }

  loc(row: number, key?: string): Loc {
    const c = key === undefined ? undefined : this.columns.get(key);
    return c ? { sheet: this.name, row, column: colLetter(c.index), header: c.spec.header } : { sheet: this.name, row };
  }

  raw(row: number, key: string): RawCell {
    const c = this.columns.get(key);
    const found = this.ws && c ? this.ws.findRow(row) : undefined;
    return found && c ? toRawCell(found.getCell(c.index).value) : { kind: 'blank' };
  }

  blank(row: number): boolean {
    for (const key of this.columns.keys()) if (readText(this.raw(row, key)) !== undefined) return false;
    return true;
  }

  /** Data rows (after the header), bounded by the sheet's cap; more rows are one problem. */
  dataRows(first = this.headerRow + 1, stopAtBlankA = false): number[] {
    if (!this.ws) return [];
    const cap = SHEET_ROW_CAPS[this.name] ?? 200;
    const out: number[] = [];
    // Only rows the file holds (a row number far down, e.g. 1,048,576, is not walked to).
    const present: number[] = [];
    this.ws.eachRow((_row, n) => {
      if (n >= first) present.push(n);
    });
    let count = 0;
    let expected = first;
    for (const r of present) {
      if (stopAtBlankA && r !== expected) break;
      expected = r + 1;
      if (this.blank(r)) {
        if (stopAtBlankA) break;
        continue;
      }
      count++;
      if (count <= cap) out.push(r);
    }
    if (count > cap) {
      this.ctx.problem(
        { sheet: this.name, row: out[out.length - 1]! + 1 },
        'WB_TOO_MANY_ROWS',
        `Trang "${this.name}" có ${count.toLocaleString('vi-VN')} dòng dữ liệu, tối đa ${cap.toLocaleString('vi-VN')}; các dòng sau dòng ${out[out.length - 1]} không được đọc. Một biểu mẫu có tối đa ${L.maxRowsTotal} mã số, ${L.maxSections} phần, ${L.maxTables} bảng, ${L.maxRules.toLocaleString('vi-VN')} quy tắc.`,
      );
    }
    return out;
  }

  text(row: number, key: string): string | undefined {
    const raw = this.raw(row, key);
    if (raw.kind === 'error' || raw.kind === 'formula-no-value') {
      this.ctx.problem(this.loc(row, key), 'WB_CELL_ERROR', 'Ô chứa lỗi công thức hoặc công thức chưa tính: hãy nhập giá trị.');
      return undefined;
    }
    return readText(raw);
  }

  number(row: number, key: string, whole = false): number | undefined {
    const raw = this.raw(row, key);
    if (raw.kind === 'blank') return undefined;
    let n = readNumber(raw);
    if (!n.ok && raw.kind === 'text' && /%\s*$/.test(raw.value)) {
      const inner = readNumber({ kind: 'text', value: raw.value.replace(/%\s*$/, '') });
      if (inner.ok) n = { ...inner, value: inner.value / 100 };
    }
    if (!n.ok) {
      if (n.reason === 'blank') return undefined;
      this.ctx.problem(this.loc(row, key), 'WB_NOT_NUMBER', `Phải là ${whole ? 'một số nguyên' : 'một số'}, đang ghi "${quoteText(readText(raw) ?? '')}".`);
      return undefined;
    }
    return n.value;
  }

  choose<K extends string>(row: number, key: string, labels: Record<K, string>, code = 'WB_NOT_IN_LIST', extra: Record<string, K> = {}): K | undefined {
    const text = this.text(row, key);
    if (text === undefined) return undefined;
    const found = lookup(labels, text, extra);
    if (found === undefined) this.ctx.problem(this.loc(row, key), code, `Giá trị "${quoteText(text)}" không có trong danh sách; chọn một trong: ${Object.values(labels).join(', ')}.`);
    return found;
  }

  bool(row: number, key: string): boolean | undefined {
    const raw = this.raw(row, key);
    if (raw.kind === 'boolean') return raw.value;
    if (raw.kind === 'number' && (raw.value === 0 || raw.value === 1)) return raw.value === 1;
    const value = this.choose(row, key, { true: YES, false: NO } as Record<'true' | 'false', string>, 'WB_NOT_IN_LIST', { x: 'true', yes: 'true', co: 'true', no: 'false', khong: 'false' });
    return value === undefined ? undefined : value === 'true';
  }

  /** A list of keys or field names, separated by commas, semicolons, "+" or line breaks. */
  list(row: number, key: string): string[] | undefined {
    const text = this.text(row, key);
    if (text === undefined) return undefined;
    return text
      .split(/[,;+\n\r]+/)
      .map((s) => normalizeText(s))
      .filter((s) => s !== '');
  }

  choices(row: number, key: string): string[] | undefined {
    const text = this.text(row, key);
    if (text === undefined) return undefined;
    return text
      .split(/\r?\n/.test(text) ? /\r?\n/ : /;/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  time(row: number, key: string): string | undefined {
    return readTime(this.raw(row, key), this.loc(row, key), this.ctx);
  }
}

function readTime(raw: RawCell, loc: Loc, ctx: ReadContext): string | undefined {
  const hhmm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  if (raw.kind === 'blank') return undefined;
  if (raw.kind === 'date') return hhmm(raw.value.getUTCHours(), raw.value.getUTCMinutes());
  if (raw.kind === 'number' && raw.value >= 0 && raw.value < 1) {
    const minutes = Math.round(raw.value * 24 * 60);
    return hhmm(Math.floor(minutes / 60), minutes % 60);
  }
  const text = readText(raw) ?? '';
  const m = /^(\d{1,2})\s*[:hg]\s*(\d{2})$/i.exec(normalizeText(text));
  if (m && Number(m[1]) < 24 && Number(m[2]) < 60) return hhmm(Number(m[1]), Number(m[2]));
  ctx.problem(loc, 'WB_NOT_TIME', `Giờ phải viết dạng hh:mm (ví dụ 17:00), đang ghi "${quoteText(text)}".`);
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown) {
  let node = target;
  for (const p of path.slice(0, -1)) {
    if (!isRecord(node[p])) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Reads a sheet of one item per row (Mục / Giá trị) into `target`, each field at its path; every
 * place is recorded under `prefix` + path. Returns the rows by label and how many values were typed.
 */
function readFieldRows(ws: Worksheet, sheet: string, fields: GeneralField[], target: Record<string, unknown>, ctx: ReadContext, prefix: string[] = []) {
  const byLabel = new Map<string, number>();
  const maxRow = Math.min(ws.rowCount, SHEET_ROW_CAPS[sheet]!);
  for (let r = 1; r <= maxRow; r++) {
    const label = readText(toRawCell(ws.getRow(r).getCell(1).value));
    if (label && !byLabel.has(fold(label))) byLabel.set(fold(label), r);
  }
  let typed = 0;
  for (const field of fields) {
    const r = byLabel.get(fold(field.label));
    if (r === undefined) {
      ctx.problem({ sheet }, 'WB_MISSING_ROW', `Thiếu dòng "${field.label}" ở cột A: đừng đổi tên hay xóa các mục của tệp mẫu.`);
      continue;
    }
    const loc: Loc = { sheet, row: r, column: 'B', header: field.label };
    ctx.at([...prefix, ...field.path], loc);
    const raw = toRawCell(ws.getRow(r).getCell(2).value);
    if (raw.kind === 'blank') continue;
    typed++;
    if (raw.kind === 'error' || raw.kind === 'formula-no-value') {
      ctx.problem(loc, 'WB_CELL_ERROR', 'Ô chứa lỗi công thức hoặc công thức chưa tính: hãy nhập giá trị.');
      continue;
    }
    const text = readText(raw) ?? '';
    let value: unknown;
    switch (field.kind) {
      case 'text':
        value = text;
        break;
      case 'int': {
        const n = readNumber(raw);
        if (!n.ok) ctx.problem(loc, 'WB_NOT_NUMBER', `"${field.label}" phải là một số nguyên, đang ghi "${quoteText(text)}".`);
        else value = n.value;
        break;
      }
      case 'period':
        value = lookup(PERIOD_LABELS, text);
        if (value === undefined) ctx.problem(loc, 'DEF_BAD_PERIOD_TYPE', `Kỳ báo cáo "${quoteText(text)}" không hợp lệ; chọn một trong: ${Object.values(PERIOD_LABELS).join(', ')}.`);
        break;
      case 'time':
        value = readTime(raw, loc, ctx);
        break;
      case 'bool':
        value = raw.kind === 'boolean' ? raw.value : raw.kind === 'number' && (raw.value === 0 || raw.value === 1) ? raw.value === 1 : lookup({ true: YES, false: NO }, text, { x: 'true', yes: 'true', no: 'false' });
        if (value === 'true' || value === 'false') value = value === 'true';
        if (value === undefined) ctx.problem(loc, 'WB_NOT_IN_LIST', `Chọn ${YES} hoặc ${NO}, đang ghi "${quoteText(text)}".`);
        break;
      case 'ints': {
        const items = text.split(/[\s,;]+/).filter((s) => s !== '');
        const bad = items.find((s) => !/^-?\d+$/.test(s));
        if (bad !== undefined) ctx.problem(loc, 'WB_NOT_NUMBER', `Phải là các số nguyên cách nhau dấu phẩy, "${quoteText(bad)}" không phải số nguyên.`);
        else value = items.map(Number);
        break;
      }
      case 'emails':
        value = text.split(/[\s,;]+/).filter((s) => s !== '');
        break;
      case 'dates': {
        const items = raw.kind === 'date' ? [raw] : text.split(/[\s,;]+/).filter((s) => s !== '').map((s): RawCell => ({ kind: 'text', value: s }));
        const out: string[] = [];
        for (const item of items) {
          const d = readDate(item);
          if (d.ok) out.push(d.value);
          else ctx.problem(loc, 'WB_NOT_DATE', `Ngày phải viết dạng dd/mm/yyyy, "${quoteText(readText(item) ?? '', 20)}" không phải ngày.`);
        }
        value = out;
        break;
      }
      case 'lines':
        // Line breaks only: a "nơi nhận" may itself hold a comma or a semicolon.
        value = text
          .split(/\r?\n/)
          .map((s) => s.trim())
          .filter((s) => s !== '');
        break;
    }
    if (value !== undefined) setPath(target, field.path, value);
  }
  return { byLabel, typed };
}

function readGeneral(ws: Worksheet | undefined, def: Record<string, unknown>, ctx: ReadContext) {
  if (!ws) return;
  const { byLabel } = readFieldRows(ws, S.general, GENERAL_FIELDS, def, ctx);
  // Deadlines by unit type: the block under its title.
  const titleRow = byLabel.get(fold(BY_TYPE_TITLE));
  if (titleRow === undefined) return;
  const reader = new SheetReader(S.general, ws, BY_TYPE_COLUMNS, ctx, titleRow + 1);
  const byType: Record<string, unknown> = {};
  for (const r of reader.dataRows(titleRow + 2, true)) {
    const typeText = reader.text(r, 'unitType');
    // "huyen (Huyện ủy, …)": the code is what precedes the name in parentheses.
    const code = typeText?.replace(/\s*\(.*$/s, '').trim();
    const day = reader.number(r, 'day', true);
    const time = reader.time(r, 'time');
    if (!code) {
      if (day !== undefined || time !== undefined) ctx.problem(reader.loc(r, 'unitType'), 'WB_REQUIRED', 'Thiếu mã loại đơn vị.');
      continue;
    }
    const segs = ['deadlines', 'byUnitType', code];
    ctx.at(segs, { ...reader.loc(r, 'unitType') });
    ctx.at([...segs, 'day'], reader.loc(r, 'day'));
    ctx.at([...segs, 'time'], reader.loc(r, 'time'));
    if (day === undefined && time === undefined) continue;
    const deadline: Record<string, unknown> = {};
    if (day !== undefined) deadline.day = day;
    if (time !== undefined) deadline.time = time;
    if (day === undefined) ctx.problem(reader.loc(r, 'day'), 'WB_REQUIRED', 'Có giờ hạn nộp thì phải ghi cả ngày hạn nộp.');
    byType[code] = deadline;
  }
  if (Object.keys(byType).length > 0) setPath(def, ['deadlines', 'byUnitType'], byType);
}

/** Sets `obj[key]` and records where it came from; blank cells leave the key out (schema defaults apply). */
function put(ctx: ReadContext, reader: SheetReader, obj: Record<string, unknown>, segs: Segment[], row: number, key: string, value: unknown, field = key) {
  ctx.at([...segs, field], reader.loc(row, key));
  if (value !== undefined) obj[field] = value;
}

function rowLoc(reader: SheetReader, row: number, listKeys: string[]): Loc {
  const tokens = listKeys.map((key) => {
    const loc = reader.loc(row, key);
    return { column: loc.column ?? '', header: loc.header ?? '', values: new Set(reader.list(row, key) ?? []) };
  });
  return { ...reader.loc(row), tokens };
}

function readValueCells(ctx: ReadContext, reader: SheetReader, obj: Record<string, unknown>, segs: Segment[], r: number) {
  put(ctx, reader, obj, segs, r, 'min', reader.number(r, 'min'));
  put(ctx, reader, obj, segs, r, 'max', reader.number(r, 'max'));
  put(ctx, reader, obj, segs, r, 'decimals', reader.number(r, 'decimals', true));
  put(ctx, reader, obj, segs, r, 'maxLength', reader.number(r, 'maxLength', true));
  put(ctx, reader, obj, segs, r, 'choices', reader.choices(r, 'choices'));
  put(ctx, reader, obj, segs, r, 'consolidate', reader.choose(r, 'consolidate', CONSOLIDATE_LABELS));
  put(ctx, reader, obj, segs, r, 'width', reader.number(r, 'width'));
}

function mustBeBlank(ctx: ReadContext, reader: SheetReader, r: number, keys: string[], why: string) {
  for (const key of keys) if (reader.text(r, key) !== undefined) ctx.problem(reader.loc(r, key), 'WB_NOT_APPLICABLE', why);
}

function readSections(wb: ExcelJS.Workbook, def: Record<string, unknown>, ctx: ReadContext) {
  const rowsReader = new SheetReader(S.rows, wb.getWorksheet(S.rows), ROWS_COLUMNS, ctx);
  const sections: Array<Record<string, unknown> & { columns: unknown[]; computed: unknown[]; rows: unknown[] }> = [];
  const index = new Map<string, number>();
  let current: number | undefined;
  for (const r of rowsReader.dataRows()) {
    const key = rowsReader.text(r, 'section');
    const code = rowsReader.text(r, 'code');
    if (code === undefined) {
      // A section heading.
      if (key === undefined) {
        ctx.problem(rowsReader.loc(r, 'section'), 'WB_REQUIRED', 'Dòng không có Mã số là dòng tiêu đề phần: phải ghi Phần (khóa phần, ví dụ A). Dòng chỉ tiêu thì phải ghi Mã số.');
        continue;
      }
      if (index.has(key)) {
        ctx.problem(rowsReader.loc(r, 'section'), 'DEF_DUPLICATE_KEY', `Phần "${quoteText(key)}" đã có dòng tiêu đề ở trên.`);
        current = index.get(key);
        continue;
      }
      const s = sections.length;
      const section: (typeof sections)[number] = { key, columns: [], computed: [], rows: [] };
      const segs: Segment[] = ['sections', s];
      ctx.at(segs, rowLoc(rowsReader, r, ['unitTypes']));
      ctx.at([...segs, 'key'], rowsReader.loc(r, 'section'));
      ctx.at([...segs, 'rows'], rowsReader.loc(r));
      ctx.at([...segs, 'columns'], rowsReader.loc(r));
      ctx.at([...segs, 'computed'], rowsReader.loc(r));
      put(ctx, rowsReader, section, segs, r, 'label', rowsReader.text(r, 'label'));
      put(ctx, rowsReader, section, segs, r, 'unitTypes', rowsReader.list(r, 'unitTypes'));
      mustBeBlank(ctx, rowsReader, r, ['columns', 'required', 'indent', 'note'], 'Dòng tiêu đề phần (không có Mã số) chỉ ghi Phần, tên phần và Loại đơn vị.');
      sections.push(section);
      index.set(key, s);
      current = s;
      continue;
    }
    const s = key !== undefined ? index.get(key) : current;
    if (s === undefined) {
      ctx.problem(
        rowsReader.loc(r, 'section'),
        'WB_UNKNOWN_SECTION',
        key !== undefined ? `Phần "${quoteText(key)}" chưa có dòng tiêu đề phần ở trên (dòng chỉ ghi Phần và tên phần, để trống Mã số).` : 'Chỉ tiêu chưa thuộc phần nào: thêm một dòng tiêu đề phần ở trên (ghi Phần và tên phần, để trống Mã số).',
      );
      continue;
    }
    const section = sections[s]!;
    const row: Record<string, unknown> = {};
    const segs: Segment[] = ['sections', s, 'rows', section.rows.length];
    ctx.at(segs, rowLoc(rowsReader, r, ['columns', 'unitTypes']));
    put(ctx, rowsReader, row, segs, r, 'code', code);
    put(ctx, rowsReader, row, segs, r, 'label', rowsReader.text(r, 'label'));
    put(ctx, rowsReader, row, segs, r, 'columns', rowsReader.list(r, 'columns') ?? []);
    put(ctx, rowsReader, row, segs, r, 'required', rowsReader.bool(r, 'required'));
    put(ctx, rowsReader, row, segs, r, 'unitTypes', rowsReader.list(r, 'unitTypes'));
    put(ctx, rowsReader, row, segs, r, 'indent', rowsReader.number(r, 'indent', true));
    put(ctx, rowsReader, row, segs, r, 'note', rowsReader.text(r, 'note'));
    section.rows.push(row);
    current = s;
  }

  const colsReader = new SheetReader(S.columns, wb.getWorksheet(S.columns), COLUMN_COLUMNS, ctx);
  for (const r of colsReader.dataRows()) {
    const key = colsReader.text(r, 'section');
    const s = key === undefined ? undefined : index.get(key);
    if (s === undefined) {
      ctx.problem(colsReader.loc(r, 'section'), 'WB_UNKNOWN_SECTION', key === undefined ? 'Thiếu Phần: mỗi cột thuộc một phần của trang Chỉ tiêu.' : `Phần "${quoteText(key)}" không có ở trang Chỉ tiêu (dòng tiêu đề phần).`);
      continue;
    }
    const section = sections[s]!;
    const typeText = colsReader.text(r, 'type');
    if (typeText !== undefined && fold(typeText) === fold(COMPUTED_LABEL)) {
      const computed: Record<string, unknown> = {};
      const segs: Segment[] = ['sections', s, 'computed', section.computed.length];
      ctx.at(segs, rowLoc(colsReader, r, ['add', 'sub']));
      put(ctx, colsReader, computed, segs, r, 'key', colsReader.text(r, 'key'));
      put(ctx, colsReader, computed, segs, r, 'label', colsReader.text(r, 'label'));
      put(ctx, colsReader, computed, segs, r, 'add', colsReader.list(r, 'add') ?? []);
      put(ctx, colsReader, computed, segs, r, 'sub', colsReader.list(r, 'sub'));
      mustBeBlank(ctx, colsReader, r, ['min', 'max', 'decimals', 'maxLength', 'choices', 'consolidate', 'width'], 'Cột tính toán không có giới hạn, lựa chọn hay cách tổng hợp riêng: để trống ô này.');
      section.computed.push(computed);
      continue;
    }
    const column: Record<string, unknown> = {};
    const segs: Segment[] = ['sections', s, 'columns', section.columns.length];
    ctx.at(segs, colsReader.loc(r));
    put(ctx, colsReader, column, segs, r, 'key', colsReader.text(r, 'key'));
    put(ctx, colsReader, column, segs, r, 'label', colsReader.text(r, 'label'));
    put(ctx, colsReader, column, segs, r, 'type', colsReader.choose(r, 'type', { ...TYPE_LABELS, computed: COMPUTED_LABEL }));
    readValueCells(ctx, colsReader, column, segs, r);
    mustBeBlank(ctx, colsReader, r, ['add', 'sub'], 'Chỉ cột kiểu Tính toán mới ghi Cộng/Trừ.');
    section.columns.push(column);
  }
  for (const section of sections) if (section.computed.length === 0) delete (section as Partial<typeof section>).computed;
  if (sections.length > 0) def.sections = sections;
}

function readTables(wb: ExcelJS.Workbook, def: Record<string, unknown>, ctx: ReadContext): Map<string, number> {
  const reader = new SheetReader(S.tables, wb.getWorksheet(S.tables), TABLE_COLUMNS, ctx);
  const tables: Array<Record<string, unknown> & { columns: unknown[] }> = [];
  const index = new Map<string, number>();
  for (const r of reader.dataRows()) {
    const key = reader.text(r, 'table');
    const colKey = reader.text(r, 'key');
    if (key === undefined) {
      ctx.problem(reader.loc(r, 'table'), 'WB_REQUIRED', 'Thiếu khóa bảng ở cột Bảng.');
      continue;
    }
    if (colKey === undefined) {
      if (index.has(key)) {
        ctx.problem(reader.loc(r, 'table'), 'DEF_DUPLICATE_KEY', `Bảng "${quoteText(key)}" đã được khai báo ở trên.`);
        continue;
      }
      const t = tables.length;
      const table: (typeof tables)[number] = { key, columns: [] };
      const segs: Segment[] = ['tables', t];
      ctx.at(segs, rowLoc(reader, r, ['totals']));
      ctx.at([...segs, 'key'], reader.loc(r, 'table'));
      ctx.at([...segs, 'columns'], reader.loc(r));
      put(ctx, reader, table, segs, r, 'label', reader.text(r, 'label'));
      put(ctx, reader, table, segs, r, 'minRows', reader.number(r, 'minRows', true));
      put(ctx, reader, table, segs, r, 'maxRows', reader.number(r, 'maxRows', true));
      put(ctx, reader, table, segs, r, 'totals', reader.list(r, 'totals'));
      mustBeBlank(ctx, reader, r, ['type', 'required', 'unique', 'min', 'max', 'decimals', 'maxLength', 'choices', 'consolidate', 'width'], 'Dòng khai báo bảng (không có Khóa cột) chỉ ghi tên bảng, số dòng và cột có dòng tổng.');
      tables.push(table);
      index.set(key, t);
      continue;
    }
    const t = index.get(key);
    if (t === undefined) {
      ctx.problem(reader.loc(r, 'table'), 'WB_UNKNOWN_TABLE', `Bảng "${quoteText(key)}" chưa được khai báo ở trên (dòng ghi Bảng, tên bảng, để trống Khóa cột).`);
      continue;
    }
    const table = tables[t]!;
    const column: Record<string, unknown> = {};
    const segs: Segment[] = ['tables', t, 'columns', table.columns.length];
    ctx.at(segs, reader.loc(r));
    put(ctx, reader, column, segs, r, 'key', colKey);
    put(ctx, reader, column, segs, r, 'label', reader.text(r, 'label'));
    put(ctx, reader, column, segs, r, 'type', reader.choose(r, 'type', TYPE_LABELS));
    put(ctx, reader, column, segs, r, 'required', reader.bool(r, 'required'));
    put(ctx, reader, column, segs, r, 'unique', reader.bool(r, 'unique'));
    readValueCells(ctx, reader, column, segs, r);
    mustBeBlank(ctx, reader, r, ['minRows', 'maxRows', 'totals'], 'Số dòng và cột có dòng tổng ghi ở dòng khai báo bảng (để trống Khóa cột).');
    table.columns.push(column);
  }
  if (tables.length > 0) def.tables = tables;
  return index;
}

function readRules(wb: ExcelJS.Workbook, def: Record<string, unknown>, ctx: ReadContext, tableIndex: Map<string, number>) {
  const reader = new SheetReader(S.rules, wb.getWorksheet(S.rules), RULE_COLUMNS, ctx);
  const rules: unknown[] = [];
  const tables = (def.tables ?? []) as Array<Record<string, unknown>>;
  for (const r of reader.dataRows()) {
    const tableKey = reader.text(r, 'table');
    const kind = reader.choose(r, 'kind', KIND_LABELS) ?? (reader.text(r, 'kind') === undefined ? 'compare' : undefined);
    const rule: Record<string, unknown> = {};
    let segs: Segment[];
    if (tableKey !== undefined) {
      const t = tableIndex.get(tableKey);
      if (t === undefined) {
        ctx.problem(reader.loc(r, 'table'), 'WB_UNKNOWN_TABLE', `Bảng "${quoteText(tableKey)}" không có ở trang Bảng.`);
        continue;
      }
      const table = tables[t]!;
      const list = (table.rules ??= []) as unknown[];
      segs = ['tables', t, 'rules', list.length];
      list.push(rule);
      if (kind === 'baseline') ctx.problem(reader.loc(r, 'kind'), 'WB_NOT_APPLICABLE', 'Quy tắc trên dòng của bảng kê chỉ có loại So sánh.');
      mustBeBlank(ctx, reader, r, ['rows', 'columns'], 'Quy tắc trên dòng của bảng kê không dùng Các dòng/Các cột: vế trái, vế phải là khóa cột của bảng.');
    } else {
      segs = ['rules', rules.length];
      rules.push(rule);
      if (kind !== undefined) rule.kind = kind;
    }
    ctx.at(segs, rowLoc(reader, r, ['left', 'right', 'rows', 'columns']));
    ctx.at([...segs, 'kind'], reader.loc(r, 'kind'));
    put(ctx, reader, rule, segs, r, 'id', reader.text(r, 'id'));
    put(ctx, reader, rule, segs, r, 'severity', reader.choose(r, 'severity', SEVERITY_LABELS));
    if (kind === 'baseline' && tableKey === undefined) {
      put(ctx, reader, rule, segs, r, 'left', reader.list(r, 'left') ?? [], 'fields');
      mustBeBlank(ctx, reader, r, ['op', 'right'], 'Quy tắc Mốc kỳ trước chỉ ghi các trường ở Vế trái: để trống Phép so sánh và Vế phải.');
    } else {
      put(ctx, reader, rule, segs, r, 'left', reader.list(r, 'left') ?? []);
      put(ctx, reader, rule, segs, r, 'op', reader.choose(r, 'op', OP_LABELS, 'WB_NOT_IN_LIST', OP_SYMBOLS));
      put(ctx, reader, rule, segs, r, 'right', reader.list(r, 'right') ?? []);
    }
    if (tableKey === undefined) {
      put(ctx, reader, rule, segs, r, 'rows', reader.list(r, 'rows'));
      put(ctx, reader, rule, segs, r, 'columns', reader.list(r, 'columns'));
    }
    put(ctx, reader, rule, segs, r, 'message', reader.text(r, 'message'));
  }
  if (rules.length > 0) def.rules = rules;
}

function readRatios(wb: ExcelJS.Workbook, def: Record<string, unknown>, ctx: ReadContext) {
  const reader = new SheetReader(S.ratios, wb.getWorksheet(S.ratios), RATIO_COLUMNS, ctx);
  const ratios: unknown[] = [];
  for (const r of reader.dataRows()) {
    const ratio: Record<string, unknown> = {};
    const numerator: Record<string, unknown> = {};
    const segs: Segment[] = ['ratios', ratios.length];
    ctx.at(segs, rowLoc(reader, r, ['add', 'sub', 'denominator']));
    put(ctx, reader, ratio, segs, r, 'key', reader.text(r, 'key'));
    put(ctx, reader, ratio, segs, r, 'label', reader.text(r, 'label'));
    ctx.at([...segs, 'numerator'], reader.loc(r, 'add'));
    put(ctx, reader, numerator, [...segs, 'numerator'], r, 'add', reader.list(r, 'add') ?? []);
    put(ctx, reader, numerator, [...segs, 'numerator'], r, 'sub', reader.list(r, 'sub'));
    ratio.numerator = numerator;
    put(ctx, reader, ratio, segs, r, 'denominator', reader.list(r, 'denominator') ?? []);
    put(ctx, reader, ratio, segs, r, 'targetMin', reader.number(r, 'targetMin'));
    put(ctx, reader, ratio, segs, r, 'targetLabel', reader.text(r, 'targetLabel'));
    ratios.push(ratio);
  }
  if (ratios.length > 0) def.ratios = ratios;
}

function readHeader(wb: ExcelJS.Workbook, def: Record<string, unknown>, ctx: ReadContext) {
  const reader = new SheetReader(S.header, wb.getWorksheet(S.header), HEADER_COLUMNS, ctx);
  const header: unknown[] = [];
  for (const r of reader.dataRows()) {
    const field: Record<string, unknown> = {};
    const segs: Segment[] = ['header', header.length];
    ctx.at(segs, reader.loc(r));
    put(ctx, reader, field, segs, r, 'key', reader.text(r, 'key'));
    put(ctx, reader, field, segs, r, 'label', reader.text(r, 'label'));
    put(ctx, reader, field, segs, r, 'type', reader.choose(r, 'type', TYPE_LABELS));
    put(ctx, reader, field, segs, r, 'required', reader.bool(r, 'required'));
    put(ctx, reader, field, segs, r, 'maxLength', reader.number(r, 'maxLength', true));
    header.push(field);
  }
  if (header.length > 0) def.header = header;
}

/**
 * "24.hoan_thanh = Hoàn thành", one per line: the figures of a chart; undefined (and a problem)
 * when one has no "=". On one line, ";" separates figures only when every part has its "=", so
 * a single figure whose name holds a ";" stays whole.
 */
function readFigures(ctx: ReadContext, reader: SheetReader, r: number, key: string): Array<{ key: string; label: string }> | undefined {
  const text = reader.text(r, key);
  if (text === undefined) return undefined;
  const bySemicolon = text.split(';').filter((s) => s.trim() !== '');
  const items = /\r?\n/.test(text) ? text.split(/\r?\n/) : bySemicolon.every((s) => s.includes('=')) ? bySemicolon : [text];
  const out: Array<{ key: string; label: string }> = [];
  for (const item of items) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    const figure = { key: normalizeText(eq < 0 ? item : item.slice(0, eq)), label: eq < 0 ? '' : item.slice(eq + 1).trim() };
    if (figure.key === '' || figure.label === '') {
      ctx.problem(reader.loc(r, key), 'WB_BAD_FIGURE', `Mỗi số liệu ghi một dòng dạng <trường> = <cách gọi>, ví dụ "24.hoan_thanh = Hoàn thành"; "${quoteText(item.trim(), 40)}" thiếu ${figure.key === '' ? 'trường' : 'cách gọi'}.`);
      return undefined;
    }
    out.push(figure);
  }
  return out;
}

const percentText = (n: number) => `${(n * 100).toLocaleString('vi-VN', { maximumFractionDigits: 2 })}%`;

/**
 * The leadership briefing: settings on "Báo cáo lãnh đạo", lists on the four sheets after it.
 * Nothing typed on any of them (or the sheets missing, in an older workbook): no `briefing`.
 */
function readBriefing(wb: ExcelJS.Workbook, def: Record<string, unknown>, ctx: ReadContext) {
  const briefing: Record<string, unknown> = {};
  const settingsSheet = wb.getWorksheet(S.briefing);
  let typed = 0;
  let chartsFlag: Loc | undefined;
  if (settingsSheet) {
    const read = readFieldRows(settingsSheet, S.briefing, BRIEFING_FIELDS, briefing, ctx, ['briefing']);
    typed += read.typed;
    const flagRow = read.byLabel.get(fold(BRIEFING_FIELDS[0]!.label));
    if (flagRow !== undefined) chartsFlag = { sheet: S.briefing, row: flagRow, column: 'B', header: BRIEFING_FIELDS[0]!.label };
  }
  const useDefaultCharts = briefing[DEFAULT_CHARTS] as boolean | undefined;
  delete briefing[DEFAULT_CHARTS];
  const attention = () => (briefing.attention ??= {}) as Record<string, unknown>;

  const highlightsReader = new SheetReader(S.highlights, wb.getWorksheet(S.highlights), HIGHLIGHT_COLUMNS, ctx);
  const highlights: unknown[] = [];
  for (const r of highlightsReader.dataRows()) {
    const item: Record<string, unknown> = {};
    const segs: Segment[] = ['briefing', 'highlights', highlights.length];
    ctx.at(segs, rowLoc(highlightsReader, r, ['key']));
    put(ctx, highlightsReader, item, segs, r, 'key', highlightsReader.text(r, 'key'));
    put(ctx, highlightsReader, item, segs, r, 'label', highlightsReader.text(r, 'label'));
    highlights.push(item);
  }
  if (highlights.length > 0) briefing.highlights = highlights;

  const chartsReader = new SheetReader(S.charts, wb.getWorksheet(S.charts), CHART_COLUMNS, ctx);
  const charts: unknown[] = [];
  const chartRows = chartsReader.dataRows();
  for (const r of chartRows) {
    const kind = chartsReader.choose(r, 'kind', CHART_KIND_LABELS);
    if (kind === undefined) {
      if (chartsReader.text(r, 'kind') === undefined) ctx.problem(chartsReader.loc(r, 'kind'), 'WB_REQUIRED', `Chọn loại biểu đồ: ${Object.values(CHART_KIND_LABELS).join(', ')}.`);
      continue;
    }
    const chart: Record<string, unknown> = { kind };
    const segs: Segment[] = ['briefing', 'charts', charts.length];
    const figures = kind === 'trend' || kind === 'breakdown' ? readFigures(ctx, chartsReader, r, 'figures') : undefined;
    const loc = rowLoc(chartsReader, r, ['ratios']);
    const figuresLoc = chartsReader.loc(r, 'figures');
    loc.tokens!.push({ column: figuresLoc.column ?? '', header: figuresLoc.header ?? '', values: new Set((figures ?? []).map((f) => f.key)) });
    ctx.at(segs, loc);
    ctx.at([...segs, 'kind'], chartsReader.loc(r, 'kind'));
    put(ctx, chartsReader, chart, segs, r, 'title', chartsReader.text(r, 'title'));
    const label = CHART_KIND_LABELS[kind];
    if (kind === 'targets' || kind === 'trend') put(ctx, chartsReader, chart, segs, r, 'ratios', chartsReader.list(r, 'ratios'));
    else mustBeBlank(ctx, chartsReader, r, ['ratios'], `Biểu đồ ${label} không dùng Tỷ lệ: để trống ô này.`);
    if (kind === 'trend' || kind === 'breakdown') put(ctx, chartsReader, chart, segs, r, 'figures', figures, kind === 'trend' ? 'fields' : 'parts');
    else mustBeBlank(ctx, chartsReader, r, ['figures'], `Biểu đồ ${label} không dùng Số liệu: để trống ô này.`);
    if (kind === 'trend') {
      const periods = chartsReader.number(r, 'periods', true);
      const ok = periods === undefined || (periods >= 2 && periods <= 8);
      if (!ok) ctx.problem(chartsReader.loc(r, 'periods'), 'WB_OUT_OF_RANGE', `Số kỳ của biểu đồ Xu hướng từ 2 đến 8, đang ghi ${periods.toLocaleString('vi-VN')}.`);
      put(ctx, chartsReader, chart, segs, r, 'periods', ok ? periods : undefined);
    } else mustBeBlank(ctx, chartsReader, r, ['periods'], `Chỉ biểu đồ Xu hướng mới ghi Số kỳ.`);
    charts.push(chart);
  }
  ctx.at(['briefing', 'charts'], chartsFlag ?? { sheet: S.charts });
  if (useDefaultCharts === true && chartRows.length > 0 && chartsFlag) {
    ctx.problem(chartsFlag, 'WB_NOT_APPLICABLE', `Đã chọn "Dùng biểu đồ mặc định: ${YES}" nhưng trang ${S.charts} có ${chartRows.length} biểu đồ: chọn ${NO} để dùng các biểu đồ đó, hoặc xóa chúng.`);
  } else if (useDefaultCharts === false || (useDefaultCharts === undefined && chartRows.length > 0)) {
    briefing.charts = charts;
  }

  const sharesReader = new SheetReader(S.shares, wb.getWorksheet(S.shares), SHARE_COLUMNS, ctx);
  const shares: unknown[] = [];
  for (const r of sharesReader.dataRows()) {
    const rule: Record<string, unknown> = {};
    const segs: Segment[] = ['briefing', 'attention', 'shares', shares.length];
    ctx.at(segs, rowLoc(sharesReader, r, ['numerator', 'denominator']));
    put(ctx, sharesReader, rule, segs, r, 'label', sharesReader.text(r, 'label'));
    put(ctx, sharesReader, rule, segs, r, 'numerator', sharesReader.list(r, 'numerator') ?? []);
    put(ctx, sharesReader, rule, segs, r, 'denominator', sharesReader.list(r, 'denominator') ?? []);
    const above = sharesReader.number(r, 'above');
    const ok = above === undefined || (above >= 0 && above <= 1);
    if (!ok) ctx.problem(sharesReader.loc(r, 'above'), 'WB_OUT_OF_RANGE', `Tỷ trọng phải từ 0% đến 100% (ví dụ gõ 50% hoặc 0,5), đang ghi ${percentText(above)}.`);
    put(ctx, sharesReader, rule, segs, r, 'above', ok ? above : undefined);
    shares.push(rule);
  }
  if (shares.length > 0) attention().shares = shares;

  const changesReader = new SheetReader(S.changes, wb.getWorksheet(S.changes), CHANGE_COLUMNS, ctx);
  const changes: unknown[] = [];
  for (const r of changesReader.dataRows()) {
    const rule: Record<string, unknown> = {};
    const segs: Segment[] = ['briefing', 'attention', 'changes', changes.length];
    ctx.at(segs, rowLoc(changesReader, r, ['key']));
    put(ctx, changesReader, rule, segs, r, 'key', changesReader.text(r, 'key'));
    put(ctx, changesReader, rule, segs, r, 'label', changesReader.text(r, 'label'));
    const above = changesReader.number(r, 'above');
    const ok = above === undefined || above > 0;
    if (!ok) ctx.problem(changesReader.loc(r, 'above'), 'WB_OUT_OF_RANGE', `Mức biến động phải lớn hơn 0% (ví dụ gõ 30% hoặc 0,3), đang ghi ${percentText(above)}.`);
    put(ctx, changesReader, rule, segs, r, 'above', ok ? above : undefined);
    put(ctx, changesReader, rule, segs, r, 'minPrevious', changesReader.number(r, 'minPrevious'));
    changes.push(rule);
  }
  if (changes.length > 0) attention().changes = changes;

  if (typed > 0 || highlights.length + chartRows.length + shares.length + changes.length > 0) def.briefing = briefing;
  if (settingsSheet) {
    for (const name of [S.highlights, S.charts, S.shares, S.changes]) {
      if (!wb.getWorksheet(name)) ctx.problem({ sheet: name }, 'WB_MISSING_SHEET', `Thiếu trang "${name}": đừng đổi tên hay xóa các trang của tệp mẫu (để trống nếu không dùng).`);
    }
  }
}

/** The sheet a definition path belongs on, when no cell of it was recorded. */
function sheetOfPath(path: string): string {
  if (path.startsWith('briefing')) {
    if (path.startsWith('briefing.highlights')) return S.highlights;
    if (path.startsWith('briefing.charts')) return S.charts;
    if (path.startsWith('briefing.attention.shares')) return S.shares;
    if (path.startsWith('briefing.attention.changes')) return S.changes;
    return S.briefing;
  }
  const top: Record<string, string> = { sections: S.rows, tables: S.tables, rules: S.rules, ratios: S.ratios, header: S.header };
  return top[path.split(/[.[]/)[0] ?? ''] ?? (path.startsWith('(') ? WHOLE_FILE : S.general);
}

/** Where a problem of `checkFormDefinition` lies in the workbook: the longest recorded path it starts with. */
function locate(problem: { path: string; code: string; message: string }, table: Map<string, Loc>): Loc {
  const sub = problem.code === 'DEF_DUPLICATE_CODE' ? ['.code'] : problem.code === 'DEF_DUPLICATE_KEY' ? ['.key', '.id'] : [];
  for (const suffix of sub) {
    const hit = table.get(problem.path + suffix);
    if (hit) return hit;
  }
  let best: { key: string; loc: Loc } | undefined;
  for (const [key, loc] of table) {
    if (!problem.path.startsWith(key)) continue;
    const next = problem.path[key.length];
    if (next !== undefined && next !== '.' && next !== '[') continue;
    if (!best || key.length > best.key.length) best = { key, loc };
  }
  const loc = best?.loc ?? { sheet: sheetOfPath(problem.path) };
  if (loc.tokens && problem.code === 'DEF_UNKNOWN_KEY') {
    const named = /"([^"]*)"/.exec(problem.message)?.[1];
    const cell = named === undefined ? undefined : loc.tokens.find((t) => t.values.has(named));
    if (cell) return { sheet: loc.sheet, row: loc.row, column: cell.column, header: cell.header };
  }
  return loc;
}

export interface ReadDefinitionResult {
  /** The definition as read (before the schema's defaults), when the file could be read. */
  raw?: unknown;
  /** The checked definition, when there is no problem. */
  form?: FormDefinition;
  problems: WorkbookProblem[];
}

/** Inspection caps for a definition workbook: more cells than a filled form (a 500-row Chỉ tiêu is ~5,000), never unbounded. */
const DEFINITION_FILE_LIMITS = { maxBytes: 5 * 1024 * 1024, maxSheets: 20, maxCells: 200_000, maxRangeCells: 200_000 };

/** Parts of a worksheet the reader never needs: skipping them keeps exceljs fast (validation ranges are expanded cell by cell). */
const IGNORED_NODES = ['dataValidations', 'conditionalFormatting', 'mergeCells', 'hyperlinks', 'drawing', 'legacyDrawing', 'picture', 'extLst', 'headerFooter', 'pageSetup', 'printOptions', 'pageMargins', 'rowBreaks', 'colBreaks', 'tableParts', 'autoFilter'];

const fileProblem = (code: string, message: string): ReadDefinitionResult => ({ problems: [{ sheet: WHOLE_FILE, code, message }] });

/**
 * Reads a definition workbook (from Excel or LibreOffice) and checks it: the raw definition, the
 * form when it is valid, and every problem located by sheet, row and column (Vietnamese). Never
 * throws for bad input.
 */
export async function readDefinitionWorkbook(bytes: Buffer): Promise<ReadDefinitionResult> {
  const inspection = await inspectFile(bytes, DEFINITION_FILE_LIMITS, { requiredSheet: null });
  if (!inspection.ok) {
    const message = inspection.issue.code === 'FILE_TOO_MANY_SHEETS' ? `Tệp thiết kế biểu mẫu có tối đa ${DEFINITION_FILE_LIMITS.maxSheets} trang tính.` : inspection.issue.message;
    return fileProblem(inspection.issue.code, message);
  }
  if (inspection.sheetNames.includes(META_SHEET)) {
    return fileProblem('WB_IS_A_FORM', 'Đây là biểu mẫu báo cáo do hệ thống phát hành (để đơn vị điền), không phải tệp thiết kế biểu mẫu. Hãy dùng tệp templates/thiet-ke-bieu-mau.xlsx hoặc tệp xuất bằng forms export.');
  }
  if (!inspection.sheetNames.includes(S.general)) {
    return fileProblem('WB_NOT_DEFINITION', `Tệp không phải tệp thiết kế biểu mẫu: không có trang "${S.general}". Hãy bắt đầu từ tệp mẫu templates/thiet-ke-bieu-mau.xlsx.`);
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer, { ignoreNodes: IGNORED_NODES } as Parameters<typeof wb.xlsx.load>[1]);
  } catch {
    return fileProblem('FILE_CORRUPT', 'Không mở được tệp Excel (.xlsx). Hãy mở lại bằng Excel hoặc LibreOffice và lưu dưới dạng "Sổ làm việc Excel (*.xlsx)".');
  }
  const ctx = new ReadContext();
  const def: Record<string, unknown> = {};
  try {
    readGeneral(wb.getWorksheet(S.general), def, ctx);
    readSections(wb, def, ctx);
    const tableIndex = readTables(wb, def, ctx);
    readRules(wb, def, ctx, tableIndex);
    readRatios(wb, def, ctx);
    readHeader(wb, def, ctx);
    readBriefing(wb, def, ctx);
  } catch {
    // A workbook shaped in a way nobody foresaw still gets an answer, not an exception.
    return fileProblem('WB_UNREADABLE', 'Không đọc được tệp thiết kế biểu mẫu. Hãy bắt đầu lại từ tệp mẫu templates/thiet-ke-bieu-mau.xlsx, chép nội dung vào và lưu dưới dạng .xlsx.');
  }
  for (const name of [S.rows, S.columns, S.tables, S.rules, S.ratios, S.header]) {
    if (!wb.getWorksheet(name)) ctx.problem({ sheet: name }, 'WB_MISSING_SHEET', `Thiếu trang "${name}": đừng đổi tên hay xóa các trang của tệp mẫu (để trống nếu không dùng).`);
  }

  const problems = [...ctx.problems];
  const empty = Object.keys(def).length === 0;
  // The required parts exist as objects, so a missing value is reported at its own cell.
  for (const path of [['deadlines', 'default'], ['consolidation'], ['recipients']]) {
    let node = def;
    for (const p of path) node = (node[p] ??= {}) as Record<string, unknown>;
  }
  const hasContent = Array.isArray(def.sections) || Array.isArray(def.tables);
  if (empty) {
    problems.unshift({ sheet: S.general, code: 'WB_EMPTY', message: 'Tệp thiết kế còn trống: hãy điền trang Thông tin chung, rồi các chỉ tiêu (trang Chỉ tiêu và Cột) hoặc bảng kê (trang Bảng).' });
  } else if (!hasContent) {
    problems.push({ sheet: S.rows, code: 'WB_NO_CONTENT', message: 'Biểu mẫu chưa có chỉ tiêu (trang Chỉ tiêu) hay bảng kê (trang Bảng) nào để đơn vị điền.' });
  }

  const checked = checkFormDefinition(def);
  const table = new Map<string, Loc>();
  for (const { segs, loc } of ctx.places) {
    const key = describePath(def, segs);
    if (!table.has(key)) table.set(key, loc);
  }
  const seen = new Set(problems.map((p) => `${p.sheet}|${p.row}|${p.column}`));
  for (const p of checked.problems) {
    const loc = locate(p, table);
    const where = `${loc.sheet}|${loc.row}|${loc.column}`;
    // A cell already reported while reading (e.g. a type not in the list) is not reported again as "missing".
    if (loc.column !== undefined && seen.has(where) && (p.code === 'DEF_SCHEMA' || p.code === 'DEF_BAD_PERIOD_TYPE')) continue;
    const message =
      p.code === 'DEF_BAD_PERIOD_TYPE' ? `Chọn kỳ báo cáo: ${Object.values(PERIOD_LABELS).join(', ')}.` : p.message === 'Thiếu trường bắt buộc.' && loc.column !== undefined ? 'Ô bắt buộc còn trống.' : p.message;
    problems.push({ sheet: loc.sheet, row: loc.row, column: loc.column, header: loc.header, code: p.code, message });
  }
  const order: string[] = [WHOLE_FILE, S.general, S.rows, S.columns, S.tables, S.rules, S.ratios, S.header, S.briefing, S.highlights, S.charts, S.shares, S.changes];
  problems.sort((a, b) => order.indexOf(a.sheet) - order.indexOf(b.sheet) || (a.row ?? 0) - (b.row ?? 0));
  const capped = problems.slice(0, L.maxProblems);
  if (problems.length > capped.length) capped.push({ sheet: WHOLE_FILE, code: 'DEF_TOO_MANY_PROBLEMS', message: `Còn ${problems.length - capped.length} lỗi khác không liệt kê.` });
  return { raw: def, form: capped.length === 0 ? checked.form : undefined, problems: capped };
}

/** One line per problem: `  • Chỉ tiêu, dòng 12, cột B (Mã số): <thông báo> [CODE]`. */
export function formatWorkbookProblems(problems: readonly WorkbookProblem[]): string {
  return problems.map((p) => `  • ${describeLocation(p)}: ${p.message} [${p.code}]`).join('\n');
}

/** "Chỉ tiêu, dòng 12, cột B (Mã số)". */
export function describeLocation(p: Pick<WorkbookProblem, 'sheet' | 'row' | 'column' | 'header'>): string {
  let out = p.sheet === WHOLE_FILE ? 'Cả tệp' : `Trang ${p.sheet}`;
  if (p.row !== undefined) out += `, dòng ${p.row}`;
  if (p.column !== undefined) out += `, cột ${p.column}${p.header ? ` (${p.header})` : ''}`;
  return out;
}
