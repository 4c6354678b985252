/**
 * The definition workbook ("Thiết kế biểu mẫu"): every form written and read back is the same
 * definition; the blank workbook filled as an author would gives the same form as its JSON; broken
 * workbooks are refused with per-cell Vietnamese problems; the shipped workbooks match the JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { AUTHORING_SHEETS as S, readDefinitionWorkbook, writeDefinitionWorkbook, type WorkbookProblem } from '../../../functions/core/forms/authoring-workbook';
import { checkFormDefinition } from '../../../functions/core/forms/check-definition';
import { FormDefinitionSchema, parseFormDefinition, type FormDefinition } from '../../../functions/core/forms/definition';
import { generateForm } from '../../../functions/core/forms/generate-form';
import { canonicalJson } from '../../../functions/core/consolidation/report';
import { canonicalDefinitionJson } from '../../../functions/core/forms/canonical';
import { buildAuthoringTemplates } from '../../../infra/cli/write-authoring-templates';
import { EVERY_FEATURE_DEFINITION } from '../../support/definition-fixtures';

const TEMPLATES = path.resolve(__dirname, '../../../templates');
const templateFiles = readdirSync(TEMPLATES).filter((f) => f.endsWith('.json'));
const templateJson = (file: string) => JSON.parse(readFileSync(path.join(TEMPLATES, file), 'utf8')) as Record<string, unknown>;
const parsed = (raw: unknown): FormDefinition => {
  const { form, problems } = checkFormDefinition(raw);
  expect(problems).toEqual([]);
  return form!;
};

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}
async function save(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}
/** The row of a sheet whose column `col` holds `text`. */
function rowWith(ws: ExcelJS.Worksheet, col: number, text: string): number {
  for (let r = 1; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(col).text === text) return r;
  throw new Error(`no row with ${text}`);
}
const pick = (p: WorkbookProblem) => ({ sheet: p.sheet, row: p.row, column: p.column, code: p.code });

/** Object paths a zod schema declares (`[]` for array items, `{}` for record values). */
function schemaPaths(schema: unknown, prefix = ''): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([k, v]) => [`${prefix}${k}`, ...schemaPaths(v, `${prefix}${k}.`)]);
    case 'optional':
    case 'default':
    case 'nonoptional':
    case 'readonly':
      return schemaPaths(def.innerType, prefix);
    case 'pipe':
      return schemaPaths(def.in, prefix);
    case 'array':
      return schemaPaths(def.element, `${prefix}[].`);
    case 'union':
      return (def.options as unknown[]).flatMap((o) => schemaPaths(o, prefix));
    case 'record':
      return schemaPaths(def.valueType, `${prefix}{}.`);
    default:
      return [];
  }
}
function dataPaths(value: unknown, prefix = '', record = false): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => dataPaths(v, `${prefix}[].`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const name = record ? '{}' : k;
      return [`${prefix}${name}`, ...dataPaths(v, `${prefix}${name}.`, k === 'byUnitType')];
    });
  }
  return [];
}

describe('definition workbook', () => {
  describe('round trip', () => {
    it.each(templateFiles)('reads back templates/%s as the same definition', async (file) => {
      const form = parseFormDefinition(templateJson(file), file);
      const { form: read, problems } = await readDefinitionWorkbook(await writeDefinitionWorkbook(form));
      expect(problems).toEqual([]);
      expect(canonicalJson(read)).toBe(canonicalJson(form));
    });

    it('reads back a definition that uses every field of the schema as the same definition', async () => {
      const form = parsed(EVERY_FEATURE_DEFINITION);
      const covered = new Set(dataPaths(form));
      expect(schemaPaths(FormDefinitionSchema).filter((p) => !covered.has(p))).toEqual([]);

      const { form: read, problems } = await readDefinitionWorkbook(await writeDefinitionWorkbook(form));
      expect(problems).toEqual([]);
      expect(canonicalJson(read)).toBe(canonicalJson(form));
    });
  });

  describe('the blank workbook', () => {
    it('has one sheet per part with Vietnamese headings, drop-down lists and input messages', async () => {
      const wb = await load(await writeDefinitionWorkbook());
      expect(wb.worksheets.map((w) => w.name)).toEqual([S.guide, S.general, S.rows, S.columns, S.tables, S.rules, S.ratios, S.header, S.briefing, S.highlights, S.charts, S.shares, S.changes]);
      const columns = wb.getWorksheet(S.columns)!;
      expect((columns.getRow(1).values as unknown[]).slice(1, 5)).toEqual(['Phần', 'Khóa cột', 'Tên cột', 'Kiểu']);
      const kieu = columns.getCell('D2').dataValidation;
      expect(kieu.type).toBe('list');
      expect(kieu.formulae).toEqual(['"Số nguyên,Số thập phân,Tiền (đồng),Văn bản,Ngày,Lựa chọn,Tính toán"']);
      expect(columns.getCell('D300').dataValidation.type).toBe('list');
      expect(columns.getCell('B2').dataValidation.prompt).toContain('chữ thường không dấu');
      expect(wb.getWorksheet(S.rules)!.getCell('F2').dataValidation.formulae).toEqual(['"bằng,không lớn hơn,không nhỏ hơn,nhỏ hơn,lớn hơn"']);
      expect(wb.getWorksheet(S.general)!.getCell('B7').dataValidation.formulae).toEqual(['"Tháng,Quý,6 tháng,Năm"']);
      expect(wb.getWorksheet(S.guide)!.getCell('B2').text).toContain('npx tonghop forms check');

      const charts = wb.getWorksheet(S.charts)!;
      expect((charts.getRow(1).values as unknown[]).slice(1)).toEqual(['Loại biểu đồ', 'Tiêu đề', 'Tỷ lệ', 'Số liệu (trường = cách gọi)', 'Số kỳ']);
      expect(charts.getCell('A2').dataValidation.formulae).toEqual(['"Tình hình báo cáo,So với mục tiêu,Xu hướng,Cơ cấu"']);
      expect(charts.getCell('A51').dataValidation.type).toBe('list');
      expect(charts.getCell('E2').dataValidation).toMatchObject({ type: 'whole', operator: 'between', formulae: [2, 8] });
      expect(charts.getCell('D2').dataValidation.prompt).toContain('24.hoan_thanh = Hoàn thành');
      const briefing = wb.getWorksheet(S.briefing)!;
      const flag = rowWith(briefing, 1, 'Dùng biểu đồ mặc định');
      expect(briefing.getCell(`B${flag}`).dataValidation.formulae).toEqual(['"Có,Không"']);
      expect(briefing.getCell(`C${flag}`).text).toContain('Không: chỉ các biểu đồ kê ở trang Biểu đồ');
      expect(wb.getWorksheet(S.shares)!.getCell('D2').dataValidation).toMatchObject({ type: 'decimal', formulae: [0, 1], error: 'Nhập một tỷ lệ từ 0% đến 100%, ví dụ 50%.' });
    });

    it('reads as empty, each missing part at its own cell in Vietnamese, without crashing', async () => {
      const { form, problems } = await readDefinitionWorkbook(await writeDefinitionWorkbook());
      expect(form).toBeUndefined();
      expect(problems[0]).toMatchObject({ sheet: S.general, code: 'WB_EMPTY' });
      expect(problems).toEqual(
        expect.arrayContaining([
          { sheet: S.general, row: 2, column: 'B', header: 'Mã biểu mẫu', code: 'DEF_SCHEMA', message: 'Ô bắt buộc còn trống.' },
          { sheet: S.general, row: 7, column: 'B', header: 'Kỳ báo cáo', code: 'DEF_BAD_PERIOD_TYPE', message: 'Chọn kỳ báo cáo: Tháng, Quý, 6 tháng, Năm.' },
          expect.objectContaining({ sheet: S.general, header: 'Người nhận: lãnh đạo', message: 'Ô bắt buộc còn trống.' }),
        ]),
      );
    });

    it('filled through exceljs as an author would gives the same definition as the equivalent JSON', async () => {
      const wb = await load(await writeDefinitionWorkbook());
      const general = wb.getWorksheet(S.general)!;
      const set = (label: string, value: ExcelJS.CellValue) => (general.getRow(rowWith(general, 1, label)).getCell(2).value = value);
      set('Mã biểu mẫu', 'bien-che-thang');
      set('Phiên bản', 1);
      set('Tên ngắn', 'Báo cáo nhanh biên chế hằng tháng');
      set('Tiêu đề', { richText: [{ text: 'BÁO CÁO NHANH TÌNH HÌNH BIÊN CHẾ ' }, { font: { bold: true }, text: 'VÀ TINH GIẢN BIÊN CHẾ' }] });
      set('Kỳ báo cáo', 'Tháng');
      set('Cơ quan ban hành', 'TỈNH ỦY');
      set('Hạn nộp mặc định: ngày', 17);
      set('Hạn nộp mặc định: giờ', '17:00');
      set('Ngày tổng hợp', '18');
      set('Giờ tổng hợp', 0.3125); // 07:30 typed into a cell Excel formats as a time
      set('Tính cả báo cáo chờ duyệt', 'Có');
      set('Nhắc hạn trước (ngày làm việc)', '3, 1');
      set('Nhắc quá hạn sau (ngày làm việc)', 1);
      set('Giờ gửi nhắc', '8:00');
      set(
        'Ngày nghỉ riêng của biểu mẫu',
        '04/02/2019, 05/02/2019, 06/02/2019, 07/02/2019, 08/02/2019, 15/04/2019, 30/04/2019, 01/05/2019, 02/09/2019, 01/01/2026; 16/02/2026\n17/02/2026, 18/02/2026, 19/02/2026, 20/02/2026, 27/04/2026, 30/04/2026, 01/05/2026, 2026-09-01, 02/09/2026',
      );
      set('Người nhận: lãnh đạo', 'thuongtruc@tinhuy.example.vn');
      set('Người nhận: Ban Tổ chức', 'bantochuc@tinhuy.example.vn');
      for (const code of ['huyen', 'dang-uy-truc-thuoc']) {
        const r = general.getRow(rowWith(general, 1, general.getColumn(1).values.find((v) => typeof v === 'string' && v.startsWith(`${code} (`)) as string));
        r.getCell(2).value = 16;
        r.getCell(3).value = '17:00';
      }

      const tables = wb.getWorksheet(S.tables)!;
      // Bảng | Khóa cột | Tên | Kiểu | Bắt buộc | Không trùng | Tối thiểu | Tối đa | Độ dài tối đa | Lựa chọn | Tổng hợp | Độ rộng | Số dòng tối thiểu | Số dòng tối đa | Cột có dòng tổng
      tables.addRow(['don_vi', null, 'Đơn vị trực thuộc', null, null, null, null, null, null, null, null, null, 1, 500, 'duoc_giao, co_mat, so_nghi']);
      tables.addRow(['don_vi', 'ten_don_vi', 'Tên đơn vị', 'Văn bản', 'Có', 'Có', null, null, 255, null, 'Không tổng hợp', 40]);
      tables.addRow(['don_vi', 'duoc_giao', 'Biên chế được giao', 'Số nguyên']);
      tables.addRow(['don_vi', 'co_mat', 'Có mặt', 'Số nguyên', true]);
      tables.addRow(['don_vi', 'so_nghi', 'Số người nghỉ trong tháng', 'Số nguyên', 'Có']);
      tables.addRow(['don_vi', 'ghi_chu', 'Ghi chú', 'Văn bản', 'Không', null, null, null, 500, null, 'Không tổng hợp', 30]);
      wb.getWorksheet(S.rules)!.addRow(['vuot-bien-che', 'don_vi', null, 'Cảnh báo', 'co_mat', 'không lớn hơn', 'duoc_giao', null, null, 'Số có mặt ({leftValue}) vượt biên chế được giao ({rightValue}).']);
      wb.getWorksheet(S.ratios)!.addRow(['ty_le_co_mat', 'Tỷ lệ có mặt so với biên chế được giao', 'don_vi.co_mat', null, 'don_vi.duoc_giao']);
      const header = wb.getWorksheet(S.header)!;
      header.addRow(['nguoi_lap', 'Người lập biểu', 'Văn bản', 'Có', 100]);
      header.addRow(['dien_thoai', 'Số điện thoại', 'Văn bản', 'Không', 30]);
      header.addRow(['ngay_lap', 'Ngày lập', 'Ngày']);
      header.addRow(['thu_truong', 'Thủ trưởng đơn vị', 'Văn bản', null, 100]);

      const { form, problems } = await readDefinitionWorkbook(await save(wb));
      expect(problems).toEqual([]);
      // The author filled every part but the leadership briefing (its own test below).
      expect(canonicalJson(form)).toBe(canonicalJson(parsed({ ...templateJson('bien-che-thang.v1.json'), briefing: undefined })));
    });
  });

  describe('the leadership briefing (briefing)', () => {
    const withBriefing = (briefing: unknown): FormDefinition => parsed({ ...templateJson('sap-xep-bo-may.v1.json'), briefing });
    const roundTrip = async (form: FormDefinition) => readDefinitionWorkbook(await writeDefinitionWorkbook(form));

    it('reads back a full briefing (every field, every chart kind) as the same canonical definition', async () => {
      const form = parsed(EVERY_FEATURE_DEFINITION);
      expect(form.briefing?.charts?.map((c) => c.kind)).toEqual(['completeness', 'targets', 'trend', 'trend', 'breakdown']);

      const { form: read, problems } = await roundTrip(form);
      expect(problems).toEqual([]);
      expect(canonicalDefinitionJson(read!)).toBe(canonicalDefinitionJson(form));
      expect(read!.briefing!.document.recipients).toEqual(['Như trên,', 'Đồng chí Bí thư Tỉnh ủy (b/c),', 'Lưu Văn phòng – Ban Tổ chức.']);
    });

    it('leaves a definition without a briefing byte-identical, also from a workbook written before the briefing sheets', async () => {
      const form = parsed({ ...templateJson('sap-xep-bo-may.v1.json'), briefing: undefined });
      expect(form.briefing).toBeUndefined();
      const bytes = await writeDefinitionWorkbook(form);
      const { form: read, problems } = await readDefinitionWorkbook(bytes);
      expect(problems).toEqual([]);
      expect(read!.briefing).toBeUndefined();
      expect(canonicalDefinitionJson(read!)).toBe(canonicalDefinitionJson(form));

      const older = await load(bytes);
      for (const name of [S.briefing, S.highlights, S.charts, S.shares, S.changes]) older.removeWorksheet(older.getWorksheet(name)!.id);
      const fromOlder = await readDefinitionWorkbook(await save(older));
      expect(fromOlder.problems).toEqual([]);
      expect(canonicalDefinitionJson(fromOlder.form!)).toBe(canonicalDefinitionJson(form));
    });

    it('tells the default charts (charts absent) from no charts at all (an empty list) by "Dùng biểu đồ mặc định"', async () => {
      const defaults = withBriefing({});
      const none = withBriefing({ charts: [] });
      for (const form of [defaults, none]) {
        const bytes = await writeDefinitionWorkbook(form);
        const settings = (await load(bytes)).getWorksheet(S.briefing)!;
        expect(settings.getCell(`B${rowWith(settings, 1, 'Dùng biểu đồ mặc định')}`).text).toBe(form === defaults ? 'Có' : 'Không');
        const { form: read, problems } = await readDefinitionWorkbook(bytes);
        expect(problems).toEqual([]);
        expect(canonicalDefinitionJson(read!)).toBe(canonicalDefinitionJson(form));
      }
      expect(defaults.briefing!.charts).toBeUndefined();
      expect(none.briefing!.charts).toEqual([]);
    });

    it('filled in the blank sheets as an author would gives the same briefing as its JSON (a cell left blank takes the default)', async () => {
      const wb = await load(await writeDefinitionWorkbook(parsed({ ...templateJson('sap-xep-bo-may.v1.json'), briefing: undefined })));
      const settings = wb.getWorksheet(S.briefing)!;
      const set = (label: string, value: ExcelJS.CellValue) => (settings.getCell(`B${rowWith(settings, 1, label)}`).value = value);
      set('Đôn đốc: nộp muộn hoặc không nộp liên tiếp (số kỳ)', 3);
      set('Đôn đốc: báo cáo bị trả lại', 'không');
      set('Dự thảo báo cáo: kính gửi', 'Ban Thường vụ Tỉnh ủy');
      set('Dự thảo báo cáo: nơi nhận', 'Như trên,\r\nLưu Văn phòng.\n');
      wb.getWorksheet(S.highlights)!.addRow(['01.hien_tai', 'Tổng số đầu mối hiện có']);
      const charts = wb.getWorksheet(S.charts)!;
      charts.addRow(['Tình hình báo cáo']);
      charts.addRow(['xu hướng', 'Đầu mối qua các kỳ', null, '01.truoc = Trước sắp xếp; 01.hien_tai = Hiện có', '4']);
      wb.getWorksheet(S.shares)!.addRow(['Đầu mối chưa sắp xếp', '01.hien_tai', '01.truoc', '50%']);
      wb.getWorksheet(S.changes)!.addRow(['01.hien_tai', 'Tổng số đầu mối', 0.3]);

      const { form, problems } = await readDefinitionWorkbook(await save(wb));
      expect(problems).toEqual([]);
      const expected = withBriefing({
        highlights: [{ key: '01.hien_tai', label: 'Tổng số đầu mối hiện có' }],
        charts: [
          { kind: 'completeness' },
          { kind: 'trend', title: 'Đầu mối qua các kỳ', fields: [{ key: '01.truoc', label: 'Trước sắp xếp' }, { key: '01.hien_tai', label: 'Hiện có' }], periods: 4 },
        ],
        attention: {
          lateInARow: 3,
          returned: false,
          shares: [{ label: 'Đầu mối chưa sắp xếp', numerator: ['01.hien_tai'], denominator: ['01.truoc'], above: 0.5 }],
          changes: [{ key: '01.hien_tai', label: 'Tổng số đầu mối', above: 0.3 }],
        },
        document: { addressee: 'Ban Thường vụ Tỉnh ủy', recipients: ['Như trên,', 'Lưu Văn phòng.'] },
      });
      expect(canonicalDefinitionJson(form!)).toBe(canonicalDefinitionJson(expected));
      expect(form!.briefing!.attention).toMatchObject({ belowTarget: true, emailLimit: 10 });
      expect(form!.briefing!.attention.changes[0]!.minPrevious).toBe(10);
    });

    it('reports an unknown chart kind, a share above 100%, 9 periods and a figure without "=" at their sheet, row and column', async () => {
      const wb = await load(await writeDefinitionWorkbook(parsed(EVERY_FEATURE_DEFINITION)));
      const charts = wb.getWorksheet(S.charts)!;
      charts.getCell('A3').value = 'Biểu đồ tròn';
      charts.getCell('E4').value = 9;
      charts.getCell('D6').value = '1a.so_nguoi Nữ';
      wb.getWorksheet(S.shares)!.getCell('D2').value = 62.5; // meant 62.5%
      const { form, problems } = await readDefinitionWorkbook(await save(wb));
      expect(form).toBeUndefined();
      expect(problems).toEqual([
        { sheet: S.charts, row: 3, column: 'A', header: 'Loại biểu đồ', code: 'WB_NOT_IN_LIST', message: 'Giá trị "Biểu đồ tròn" không có trong danh sách; chọn một trong: Tình hình báo cáo, So với mục tiêu, Xu hướng, Cơ cấu.' },
        { sheet: S.charts, row: 4, column: 'E', header: 'Số kỳ', code: 'WB_OUT_OF_RANGE', message: 'Số kỳ của biểu đồ Xu hướng từ 2 đến 8, đang ghi 9.' },
        { sheet: S.charts, row: 6, column: 'D', header: 'Số liệu (trường = cách gọi)', code: 'WB_BAD_FIGURE', message: 'Mỗi số liệu ghi một dòng dạng <trường> = <cách gọi>, ví dụ "24.hoan_thanh = Hoàn thành"; "1a.so_nguoi Nữ" thiếu cách gọi.' },
        { sheet: S.shares, row: 2, column: 'D', header: 'Nêu tên khi phần trên tổng vượt', code: 'WB_OUT_OF_RANGE', message: 'Tỷ trọng phải từ 0% đến 100% (ví dụ gõ 50% hoặc 0,5), đang ghi 6.250%.' },
      ]);
    });

    it('refuses charts listed while "Dùng biểu đồ mặc định" says Có, and a change rule of 0%, each at its cell', async () => {
      const wb = await load(await writeDefinitionWorkbook(parsed(EVERY_FEATURE_DEFINITION)));
      const settings = wb.getWorksheet(S.briefing)!;
      const flag = rowWith(settings, 1, 'Dùng biểu đồ mặc định');
      settings.getCell(`B${flag}`).value = 'Có';
      wb.getWorksheet(S.changes)!.getCell('C3').value = 0;
      const problems = (await readDefinitionWorkbook(await save(wb))).problems;
      expect(problems.map(pick)).toEqual([
        { sheet: S.briefing, row: flag, column: 'B', code: 'WB_NOT_APPLICABLE' },
        { sheet: S.changes, row: 3, column: 'C', code: 'WB_OUT_OF_RANGE' },
      ]);
      expect(problems[0]!.message).toBe('Đã chọn "Dùng biểu đồ mặc định: Có" nhưng trang Biểu đồ có 5 biểu đồ: chọn Không để dùng các biểu đồ đó, hoặc xóa chúng.');
    });
  });

  describe('broken workbooks', () => {
    async function sapXep(edit: (wb: ExcelJS.Workbook) => void): Promise<WorkbookProblem[]> {
      const wb = await load(await writeDefinitionWorkbook(parsed(templateJson('sap-xep-bo-may.v1.json'))));
      edit(wb);
      const { form, problems } = await readDefinitionWorkbook(await save(wb));
      expect(form).toBeUndefined();
      return problems;
    }

    it('names the sheet, row and column of an unknown key in a rule, a duplicate Mã số and a bad period type', async () => {
      let ruleRow = 0;
      let dupRow = 0;
      const problems = await sapXep((wb) => {
        ruleRow = wb.getWorksheet(S.rules)!.addRow(['sai-khoa', null, 'So sánh', 'Lỗi', '99.truoc', 'bằng', '01.truoc', null, null, 'x']).number;
        const rows = wb.getWorksheet(S.rows)!;
        dupRow = rowWith(rows, 2, '03');
        rows.getRow(dupRow).getCell(2).value = '01';
        wb.getWorksheet(S.general)!.getCell('B7').value = 'Tuần';
      });
      expect(problems.map(pick)).toEqual(
        expect.arrayContaining([
          { sheet: S.general, row: 7, column: 'B', code: 'DEF_BAD_PERIOD_TYPE' },
          { sheet: S.rows, row: dupRow, column: 'B', code: 'DEF_DUPLICATE_CODE' },
          { sheet: S.rules, row: ruleRow, column: 'E', code: 'DEF_UNKNOWN_KEY' },
        ]),
      );
      const message = (sheet: string, row: number) => problems.find((p) => p.sheet === sheet && p.row === row)?.message;
      expect(message(S.general, 7)).toBe('Kỳ báo cáo "Tuần" không hợp lệ; chọn một trong: Tháng, Quý, 6 tháng, Năm.');
      expect(message(S.rows, dupRow)).toBe('Mã số "01" bị trùng trong cùng phần.');
      expect(message(S.rules, ruleRow)).toBe('Quy tắc nêu trường không có trong biểu mẫu: "99.truoc".');
      // Each cell once: the period type is not reported again by the schema check.
      expect(problems.filter((p) => p.row === 7 && p.sheet === S.general)).toHaveLength(1);
    });

    it('reports a type not in the list and a non-number bound per cell, quoting at most a short part of the text', async () => {
      const problems = await sapXep((wb) => {
        const columns = wb.getWorksheet(S.columns)!;
        columns.getCell('D2').value = 'Số thực';
        columns.getCell('E3').value = `abc${'x'.repeat(5000)}`;
        // Vietnamese number notation is a number, not a problem.
        columns.getRow(rowWith(columns, 2, 'giao_2015')).getCell(5).value = '1.234,5';
      });
      expect(problems).toEqual([
        { sheet: S.columns, row: 2, column: 'D', header: 'Kiểu', code: 'WB_NOT_IN_LIST', message: 'Giá trị "Số thực" không có trong danh sách; chọn một trong: Số nguyên, Số thập phân, Tiền (đồng), Văn bản, Ngày, Lựa chọn, Tính toán.' },
        expect.objectContaining({ sheet: S.columns, row: 3, column: 'E', header: 'Tối thiểu', code: 'WB_NOT_NUMBER' }),
      ]);
      expect(problems[1]!.message.length).toBeLessThan(120);
    });

    it('refuses 10,000 rows in Chỉ tiêu with one problem naming the sheet and the first row not read', async () => {
      const problems = await sapXep((wb) => {
        const rows = wb.getWorksheet(S.rows)!;
        for (let i = 0; i < 10_000; i++) rows.addRow(['A', `Z${i}`, 'Thêm', 'truoc']);
      });
      const cap = problems.find((p) => p.code === 'WB_TOO_MANY_ROWS');
      expect(cap).toMatchObject({ sheet: S.rows, row: 522 });
      expect(cap!.message).toContain('10.033 dòng dữ liệu, tối đa 520');
      expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ sheet: S.rows, code: 'DEF_TOO_MANY_ROWS' })]));
    });

    it('reads a value typed on the last row of the sheet without walking a million rows', async () => {
      const started = Date.now();
      const problems = await sapXep((wb) => {
        wb.getWorksheet(S.rows)!.getCell('B1048576').value = '99';
      });
      expect(problems).toEqual([expect.objectContaining({ sheet: S.rows, row: 1048576, column: 'C', header: 'Chỉ tiêu / tên phần', message: 'Ô bắt buộc còn trống.' })]);
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it('points a row without a section, a table rule on an unknown table and a computed column naming an unknown column at their cells', async () => {
      const problems = await sapXep((wb) => {
        wb.getWorksheet(S.rows)!.addRow(['Q', '99', 'Không có phần', 'truoc']);
        wb.getWorksheet(S.rules)!.addRow(['bang-la', 'khong_co', null, 'Lỗi', 'a', 'bằng', 'b', null, null, 'x']);
        const columns = wb.getWorksheet(S.columns)!;
        columns.getRow(rowWith(columns, 2, 'giam')).getCell(11).value = 'truoc, khong_co';
      });
      expect(problems.map(pick)).toEqual(
        expect.arrayContaining([
          { sheet: S.rows, row: expect.any(Number), column: 'A', code: 'WB_UNKNOWN_SECTION' },
          { sheet: S.rules, row: expect.any(Number), column: 'B', code: 'WB_UNKNOWN_TABLE' },
          { sheet: S.columns, row: expect.any(Number), column: 'K', code: 'DEF_UNKNOWN_KEY' },
        ]),
      );
    });

    it('refuses a file that is not a definition workbook before reading it: not a spreadsheet, a generated form, too many sheets', async () => {
      const notXlsx = await readDefinitionWorkbook(Buffer.from('id,name\nx,y\n'));
      expect(notXlsx.problems).toEqual([expect.objectContaining({ sheet: '(cả tệp)', code: 'FILE_NOT_SPREADSHEET' })]);

      const form = parsed(templateJson('bien-che-thang.v1.json'));
      const generated = await generateForm({ form, unit: { code: 'SO-NV', name: 'Sở Nội vụ', type: 'so-nganh' }, period: '2026-05' });
      expect((await readDefinitionWorkbook(generated)).problems).toEqual([expect.objectContaining({ code: 'WB_IS_A_FORM' })]);

      // Bounded before exceljs loads it: here, far more sheets than a definition has.
      const wb = await load(await writeDefinitionWorkbook());
      for (let i = 0; i < 100; i++) wb.addWorksheet(`x${i}`);
      expect((await readDefinitionWorkbook(await save(wb))).problems).toEqual([expect.objectContaining({ code: 'FILE_TOO_MANY_SHEETS' })]);
    });
  });

  describe('shipped workbooks', () => {
    function entries(buf: Buffer): Promise<Map<string, string>> {
      return new Promise((resolve, reject) =>
        yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
          if (err || !zip) return reject(err ?? new Error('not a zip'));
          const out = new Map<string, string>();
          zip.on('entry', (e: yauzl.Entry) =>
            zip.openReadStream(e, (er, stream) => {
              if (er || !stream) return reject(er ?? new Error('unreadable'));
              const chunks: Buffer[] = [];
              stream.on('data', (c: Buffer) => chunks.push(c));
              stream.on('end', () => {
                out.set(e.fileName, Buffer.concat(chunks).toString('utf8'));
                zip.readEntry();
              });
            }),
          );
          zip.on('end', () => resolve(out));
          zip.readEntry();
        }),
      );
    }

    it('templates/ holds the blank workbook and every form exported, as npm run templates:authoring writes them', async () => {
      const built = await buildAuthoringTemplates(TEMPLATES);
      expect([...built.keys()].sort()).toEqual(['thiet-ke-bieu-mau.xlsx', ...templateFiles.map((f) => `thiet-ke/${f.replace(/\.json$/, '.xlsx')}`)].sort());
      for (const [name, bytes] of built) {
        const shipped = await entries(readFileSync(path.join(TEMPLATES, name)));
        const fresh = await entries(bytes);
        const stale = [...fresh.keys()].filter((k) => fresh.get(k) !== shipped.get(k));
        expect([name, stale]).toEqual([name, []]);
      }
    });
  });
});
