import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkFormDefinition, DEFINITION_LIMITS } from '../../../functions/core/forms/check-definition';
import { generateForm, inspectFile, parseFormDefinition } from '../../../functions/core/forms';

const TEMPLATES = path.resolve(__dirname, '../../../templates');
const template = (file: string) => JSON.parse(readFileSync(path.join(TEMPLATES, file), 'utf8')) as Record<string, any>;

describe('checkFormDefinition', () => {
  it.each(['sap-xep-bo-may.v1.json', 'bien-che-thang.v1.json'])('finds no problem in templates/%s and returns the parsed form', (file) => {
    const { form, problems } = checkFormDefinition(template(file));
    expect(problems).toEqual([]);
    expect(form?.id).toBe(template(file).id);
  });

  it('lists every problem of a broken definition in one run, each with its location and code', () => {
    const def = template('sap-xep-bo-may.v1.json');
    const ruleIndex = def.rules.length;
    def.rules.push({ id: 'sai-khoa', kind: 'compare', severity: 'error', left: ['99.truoc'], op: 'eq', right: ['01.truoc'], message: 'x' });
    const dupCode = def.sections[0].rows[0].code as string;
    def.sections[1].rows.push({ code: dupCode, label: 'Trùng', columns: [def.sections[1].columns[0].key] });
    const dupRow = def.sections[1].rows.length - 1;
    def.periodType = 'week';
    def.sections.push({ key: 'lon', label: 'Quá lớn', columns: [{ key: 'so', label: 'Số', type: 'whole' }], rows: Array.from({ length: 10_000 }, (_, i) => ({ code: `Z${i}`, label: 'x', columns: ['so'] })) });

    const { problems } = checkFormDefinition(def);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: `rules[${ruleIndex}] (sai-khoa)`, code: 'DEF_UNKNOWN_KEY', message: 'Quy tắc nêu trường không có trong biểu mẫu: "99.truoc".' },
        { path: `sections[1] (${def.sections[1].key}).rows[${dupRow}] (Mã số ${dupCode})`, code: 'DEF_DUPLICATE_CODE', message: `Mã số "${dupCode}" bị trùng trong biểu mẫu.` },
        { path: 'periodType', code: 'DEF_BAD_PERIOD_TYPE', message: 'Loại kỳ báo cáo phải là một trong: month, quarter, half, year.' },
        { path: `sections[${def.sections.length - 1}] (lon).rows`, code: 'DEF_TOO_MANY_ROWS', message: `Quá nhiều dòng (mã số): 10000, tối đa ${DEFINITION_LIMITS.maxRowsPerSection}.` },
      ]),
    );
    expect(problems.length).toBeLessThanOrEqual(DEFINITION_LIMITS.maxProblems + 1);
  });

  it('names a schema problem by its place in Vietnamese (missing field, wrong type, bad key)', () => {
    const def = template('sap-xep-bo-may.v1.json');
    delete def.name;
    def.sections[0].rows[0].columns = 'truoc';
    def.sections[0].columns[0].key = 'Khoá Sai';
    const { form, problems } = checkFormDefinition(def);
    expect(form).toBeUndefined();
    const row = def.sections[0].rows[0];
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'name', code: 'DEF_SCHEMA', message: 'Thiếu trường bắt buộc.' },
        { path: `sections[0] (${def.sections[0].key}).rows[0] (Mã số ${row.code}).columns`, code: 'DEF_SCHEMA', message: 'Phải là một danh sách.' },
        expect.objectContaining({ path: `sections[0] (${def.sections[0].key}).columns[0] (Khoá Sai).key`, code: 'DEF_SCHEMA' }),
      ]),
    );
  });

  it('refuses oversize text, a too-large definition and duplicate keys', () => {
    const def = template('sap-xep-bo-may.v1.json');
    def.title = 'T'.repeat(DEFINITION_LIMITS.maxTextLength + 1);
    def.rules[0].message = 'M'.repeat(DEFINITION_LIMITS.maxMessageLength); // at the bound: fine
    def.rules[1].message = 'M'.repeat(DEFINITION_LIMITS.maxMessageLength + 1);
    def.rules[2].id = def.rules[3].id;
    def.holidays = Array.from({ length: 60_000 }, () => '2026-01-01');
    const { problems } = checkFormDefinition(def);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'title', code: 'DEF_TEXT_TOO_LONG', message: `Văn bản quá dài: ${DEFINITION_LIMITS.maxTextLength + 1} ký tự, tối đa ${DEFINITION_LIMITS.maxTextLength}.` },
        expect.objectContaining({ path: `rules[1] (${def.rules[1].id}).message`, code: 'DEF_TEXT_TOO_LONG' }),
        expect.objectContaining({ path: `rules[3] (${def.rules[3].id})`, code: 'DEF_DUPLICATE_KEY' }),
        expect.objectContaining({ code: 'DEF_TOO_LARGE' }),
      ]),
    );
    expect(problems.filter((p) => p.path.startsWith('rules[0]'))).toEqual([]);
  });
});

describe('checkFormDefinition: the generated form must fit the upload validator’s limits', () => {
  it('refuses a table whose worst case exceeds the cell limit, though it passes every other limit', () => {
    const def = template('bien-che-thang.v1.json');
    // 20 columns (≤ 40) × 3,000 rows: under the 5,000 rows the reader scans, over its 50,000 cells.
    def.tables[0].columns = Array.from({ length: 20 }, (_, i) => ({ key: `c${i}`, label: `Cột ${i}`, type: 'whole' }));
    def.tables[0].totals = [];
    def.tables[0].rules = [];
    def.ratios = [];
    // The briefing names the columns replaced above.
    delete def.briefing;
    def.tables[0].maxRows = 3000;
    const { problems } = checkFormDefinition(def);
    expect(problems).toEqual([
      {
        path: 'tables[0] (don_vi).maxRows',
        code: 'DEF_FORM_EXCEEDS_UPLOAD_LIMITS',
        message: expect.stringMatching(/^Biểu mẫu sinh ra sẽ bị bộ kiểm tra tệp nộp lên từ chối: tới [\d.]+ ô, vượt giới hạn 50\.000 ô của một tệp nộp lên\. Hãy giảm số dòng tối đa \(maxRows\)/),
      },
    ]);
    def.tables[0].maxRows = 2000;
    expect(checkFormDefinition(def).problems).toEqual([]);
  });

  it('agrees with the validator itself: the refused form really is refused on upload, the accepted one is not', async () => {
    const wide = (maxRows: number) => {
      const def = template('bien-che-thang.v1.json');
      def.tables[0].columns = Array.from({ length: 20 }, (_, i) => ({ key: `c${i}`, label: `Cột ${i}`, type: 'whole' }));
      Object.assign(def.tables[0], { totals: [], rules: [], maxRows });
      def.ratios = [];
      return parseFormDefinition(def);
    };
    const unit = { code: 'SO-01', name: 'Sở Y tế', type: 'so-nganh' as const };
    const big = await generateForm({ form: wide(3000), unit, period: '2026-03' });
    expect(await inspectFile(big)).toMatchObject({ ok: false, issue: { code: 'FILE_TOO_MANY_CELLS' } });
    const fits = await generateForm({ form: wide(2000), unit, period: '2026-03' });
    expect(await inspectFile(fits)).toMatchObject({ ok: true });
  }, 60_000);

  it('refuses rows below what the reader scans, and text that would inflate past a part’s limit', () => {
    const def = template('bien-che-thang.v1.json');
    def.tables[0].maxRows = 6000;
    expect(checkFormDefinition(def).problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('bộ đọc chỉ tìm mã số và dòng tiêu đề trong 5.000 dòng đầu')]),
    );
    const text = template('bien-che-thang.v1.json');
    delete text.tables[0].columns[4].maxLength; // ghi chú without maxLength: up to 32,767 characters × 500 rows
    const codes = checkFormDefinition(text).problems.map((p) => p.code);
    expect(codes).toContain('DEF_FORM_EXCEEDS_UPLOAD_LIMITS');
  });

  it('refuses a choice column without choices, a choice with a comma, and a list longer than Excel takes', () => {
    const def = template('bien-che-thang.v1.json');
    def.tables[0].columns.push(
      { key: 'a', label: 'A', type: 'choice' },
      { key: 'b', label: 'B', type: 'choice', choices: ['Có, một phần', 'Không'] },
      { key: 'c', label: 'C', type: 'choice', choices: Array.from({ length: 30 }, (_, i) => `Lựa chọn số ${i}`) },
    );
    const problems = checkFormDefinition(def).problems;
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['tables[0] (don_vi).columns[5] (a)', 'DEF_CHOICES_MISSING'],
      ['tables[0] (don_vi).columns[6] (b)', 'DEF_CHOICES_INVALID'],
      ['tables[0] (don_vi).columns[7] (c)', 'DEF_CHOICES_INVALID'],
    ]);
  });
});

describe('checkFormDefinition: the briefing names what the form has', () => {
  it('finds no problem in the shipped briefings', () => {
    for (const file of ['sap-xep-bo-may.v1.json', 'bien-che-thang.v1.json']) {
      const def = template(file);
      expect(def.briefing).toBeDefined();
      expect(checkFormDefinition(def).problems).toEqual([]);
    }
  });

  it('names an unknown ratio and a figure that has no total, with where they are', () => {
    const def = template('sap-xep-bo-may.v1.json');
    def.briefing.charts[2].ratios = ['tinh_gian_2015', 'ty_le_khong_co'];
    // Mã số 26 is a text field: it has no total to chart.
    def.briefing.highlights[1].key = '26.noi_dung';
    def.briefing.attention.changes[0].key = '99.co_mat';
    const { problems } = checkFormDefinition(def);
    expect(problems).toEqual([
      { path: 'briefing.highlights[1] (26.noi_dung)', code: 'DEF_BRIEFING_UNKNOWN_FIELD', message: expect.stringContaining('Phần tóm tắt nêu số liệu không có tổng trong biểu mẫu: "26.noi_dung"') },
      { path: 'briefing.charts[2].ratios[1]', code: 'DEF_BRIEFING_UNKNOWN_RATIO', message: 'Phần tóm tắt nêu tỷ lệ không có trong biểu mẫu: "ty_le_khong_co".' },
      { path: 'briefing.attention.changes[0] (99.co_mat)', code: 'DEF_BRIEFING_UNKNOWN_FIELD', message: expect.stringContaining('"99.co_mat"') },
    ]);
  });

  it('accepts a table’s row count and summed columns, and refuses its text columns', () => {
    const def = template('bien-che-thang.v1.json');
    def.briefing.highlights = [{ key: 'don_vi.__rows', label: 'Số đơn vị trực thuộc' }, { key: 'don_vi.ten_don_vi', label: 'Tên' }];
    const { problems } = checkFormDefinition(def);
    expect(problems.map((p) => [p.code, p.path])).toEqual([['DEF_BRIEFING_UNKNOWN_FIELD', 'briefing.highlights[1] (don_vi.ten_don_vi)']]);
  });
});

describe('templates/README.md: the briefing example', () => {
  it('is a briefing sap-xep-bo-may accepts as written', () => {
    const doc = readFileSync(path.join(TEMPLATES, 'README.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Leadership briefing'));
    const example = /```json\n"briefing": ([\s\S]*?)\n```/.exec(section)![1]!;
    const def = { ...template('sap-xep-bo-may.v1.json'), briefing: JSON.parse(example) as unknown };
    const { form, problems } = checkFormDefinition(def);
    expect(problems).toEqual([]);
    expect(form!.briefing!.charts!.map((c) => c.kind)).toEqual(['completeness', 'targets', 'trend', 'trend', 'breakdown']);
  });
});
