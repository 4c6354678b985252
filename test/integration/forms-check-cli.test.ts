/** `npx tonghop forms check <file.json>`: every problem listed in Vietnamese, exit 0 clean / 1 problems / 2 usage; no storage needed. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { runTonghop } from '../support/cli';

const ROOT = path.resolve(__dirname, '../..');
let work: string;
// An empty data dir: the command must not need a running instance or emulators.
const env = () => ({ TONGHOP_DATA_DIR: path.join(work, 'data') });

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-forms-check-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tonghop forms check', () => {
  it('accepts the shipped template (exit 0) and says so', async () => {
    const run = await runTonghop(['forms', 'check', 'templates/sap-xep-bo-may.v1.json'], env());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hợp lệ: không có lỗi');
  });

  it('refuses a unit type outside the list the first start will seed (no data dir yet), and takes TONGHOP_SAMPLE into account', async () => {
    const def = JSON.parse(readFileSync(path.join(ROOT, 'templates/sap-xep-bo-may.v1.json'), 'utf8'));
    def.deadlines.byUnitType['dang-uy-xa'] = { day: 15, time: '17:00' };
    const file = path.join(work, 'xa.json');
    writeFileSync(file, JSON.stringify(def));

    const in2019 = await runTonghop(['forms', 'check', file], env());
    expect(in2019.code).toBe(1);
    expect(in2019.stdout).toMatch(/• deadlines\.byUnitType\.dang-uy-xa[^\n]*Loại đơn vị "dang-uy-xa" không có trong danh sách[^\n]*\[DEF_UNKNOWN_UNIT_TYPE\]/);
    const in2025 = await runTonghop(['forms', 'check', file], { ...env(), TONGHOP_SAMPLE: '2025' });
    expect([in2025.code, in2025.stdout]).toEqual([0, expect.stringContaining('hợp lệ: không có lỗi')]);
  });

  it('lists every problem of a broken definition, one line each with location and code (exit 1), and as JSON', async () => {
    const def = JSON.parse(readFileSync(path.join(ROOT, 'templates/sap-xep-bo-may.v1.json'), 'utf8'));
    def.periodType = 'week';
    def.rules.push({ id: 'sai-khoa', kind: 'compare', severity: 'error', left: ['99.truoc'], op: 'eq', right: ['01.truoc'], message: 'x' });
    def.sections[0].rows[1].label = 'x'.repeat(501);
    const file = path.join(work, 'broken.json');
    writeFileSync(file, JSON.stringify(def));

    const run = await runTonghop(['forms', 'check', file], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  • periodType: Loại kỳ báo cáo phải là một trong: month, quarter, half, year. [DEF_BAD_PERIOD_TYPE]');
    expect(run.stdout).toContain(`  • rules[${def.rules.length - 1}] (sai-khoa): Quy tắc nêu trường không có trong biểu mẫu: "99.truoc". [DEF_UNKNOWN_KEY]`);
    expect(run.stdout).toMatch(/ {2}• sections\[0\] \(A\)\.rows\[1\] \(Mã số \w+\)\.label: Văn bản quá dài: 501 ký tự, tối đa 500\. \[DEF_TEXT_TOO_LONG\]/);

    const json = await runTonghop(['forms', 'check', file, '--json'], env());
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout);
    expect(body.ok).toBe(false);
    expect(body.problems.map((p: { code: string }) => p.code).sort()).toEqual(['DEF_BAD_PERIOD_TYPE', 'DEF_TEXT_TOO_LONG', 'DEF_UNKNOWN_KEY']);
  });

  it('refuses a file too big to read, and one that is not JSON, without echoing it (exit 1)', async () => {
    const big = path.join(work, 'big.json');
    writeFileSync(big, `{"x":"${'a'.repeat(3 * 1024 * 1024)}"}`);
    const tooBig = await runTonghop(['forms', 'check', big], env());
    expect(tooBig.code).toBe(1);
    expect(tooBig.stdout).toContain('[DEF_TOO_LARGE]');
    expect(tooBig.stdout).not.toContain('aaaa');

    const notJson = path.join(work, 'not.json');
    writeFileSync(notJson, '{ "id": <script> }');
    const bad = await runTonghop(['forms', 'check', notJson], env());
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('Tệp không phải JSON hợp lệ. [DEF_NOT_JSON]');
    expect(bad.stdout + bad.stderr).not.toContain('<script>');
  });

  it('checks a definition workbook (.xlsx): clean exit 0; broken exit 1 with the sheet, row and column of each problem, also as JSON', async () => {
    const ok = await runTonghop(['forms', 'check', 'templates/thiet-ke/sap-xep-bo-may.v1.xlsx'], env());
    expect([ok.code, ok.stdout]).toEqual([0, 'Định nghĩa biểu mẫu templates/thiet-ke/sap-xep-bo-may.v1.xlsx hợp lệ: không có lỗi.\n']);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(ROOT, 'templates/thiet-ke/sap-xep-bo-may.v1.xlsx'));
    wb.getWorksheet('Thông tin chung')!.getCell('B7').value = 'Tuần';
    const rule = wb.getWorksheet('Kiểm tra')!.addRow(['sai-khoa', null, 'So sánh', 'Lỗi', '99.truoc', 'bằng', '01.truoc', null, null, '<b>x</b>']).number;
    const file = path.join(work, 'broken.xlsx');
    await wb.xlsx.writeFile(file);

    const run = await runTonghop(['forms', 'check', file], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  • Trang Thông tin chung, dòng 7, cột B (Kỳ báo cáo): Kỳ báo cáo "Tuần" không hợp lệ; chọn một trong: Tháng, Quý, 6 tháng, Năm. [DEF_BAD_PERIOD_TYPE]');
    expect(run.stdout).toContain(`  • Trang Kiểm tra, dòng ${rule}, cột E (Vế trái): Quy tắc nêu trường không có trong biểu mẫu: "99.truoc". [DEF_UNKNOWN_KEY]`);

    const json = await runTonghop(['forms', 'check', file, '--json'], env());
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).problems).toEqual(
      expect.arrayContaining([{ sheet: 'Kiểm tra', row: rule, column: 'E', header: 'Vế trái', code: 'DEF_UNKNOWN_KEY', message: 'Quy tắc nêu trường không có trong biểu mẫu: "99.truoc".' }]),
    );

    const notXlsx = path.join(work, 'not.xlsx');
    writeFileSync(notXlsx, '<html><script>x</script></html>');
    const bad = await runTonghop(['forms', 'check', notXlsx], env());
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('[FILE_NOT_SPREADSHEET]');
    expect(bad.stdout).not.toContain('<script>');
  });

  it('answers a usage error with exit 2 and the Vietnamese help', async () => {
    const none = await runTonghop(['forms', 'check'], env());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Thiếu tệp định nghĩa biểu mẫu');
    expect(none.stderr).toContain('npx tonghop forms check <tệp.json|tệp.xlsx> [--json]');
    const missing = await runTonghop(['forms', 'check', path.join(work, 'khong-co.json')], env());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('không tồn tại');
    expect((await runTonghop(['forms', 'publish', 'x.json'], env())).code).toBe(2);
  });
});
