/** The CLI contract integrators rely on: template (file and --describe --json) and validate (exit 0/1/2, --json, --feedback). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fillForm, sampleValues } from '../support/forms';
import { loadFormCatalog } from '../../functions/core/forms';

const ROOT = path.resolve(__dirname, '../..');
let work: string;
let dataDir: string;

/** Runs `tonghop` as a user would (bin/tonghop.cjs, what npx runs), with an empty data dir (no running instance). */
function tonghop(...args: string[]) {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/tonghop.cjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, TONGHOP_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-forms-cli-'));
  dataDir = path.join(work, 'data');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tonghop template / validate', () => {
  it('generates a form for a sample-province unit, refuses it blank (exit 1) and accepts it filled (exit 0)', async () => {
    const out = path.join(work, 'so-yt.xlsx');
    const gen = tonghop('template', 'sap-xep-bo-may', '--unit', 'SO-YT', '--period', '2026-Q1', '--out', out);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toContain('Sở Y tế, Quý I năm 2026');

    const blank = tonghop('validate', out, '--json');
    expect(blank.code).toBe(1);
    const refused = JSON.parse(blank.stdout);
    expect(refused).toEqual(expect.objectContaining({ accepted: false, formId: 'sap-xep-bo-may', version: 1, unit: 'SO-YT', period: '2026-Q1' }));
    expect(refused.errors[0]).toEqual(expect.objectContaining({ code: 'REQUIRED', sheet: 'Báo cáo', cell: 'C11', field: '01.truoc' }));

    const form = (await loadFormCatalog()).require('sap-xep-bo-may');
    const filled = path.join(work, 'so-yt-filled.xlsx');
    writeFileSync(filled, await fillForm(readFileSync(out), sampleValues(form, 'so-nganh', 2)));
    const ok = tonghop('validate', filled);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ĐƯỢC CHẤP NHẬN/);
  }, 120_000);

  it('writes the annotated workbook with --feedback', () => {
    const out = path.join(work, 'blank2.xlsx');
    expect(tonghop('template', 'bien-che-thang', '--unit-name', 'Sở Mới Thành Lập', '--unit-type', 'so-nganh', '--unit', 'SO-MOI', '--period', '2026-03', '--out', out).code).toBe(0);
    const fb = path.join(work, 'fb.xlsx');
    const run = tonghop('validate', out, '--feedback', fb);
    expect(run.code).toBe(1);
    expect(existsSync(fb)).toBe(true);
    expect(run.stdout).toContain('TABLE_EMPTY');
  }, 120_000);

  it('prints the cell map in the documented JSON shape', () => {
    const run = tonghop('template', 'bien-che-thang', '--describe', '--json');
    expect(run.code).toBe(0);
    const d = JSON.parse(run.stdout);
    expect(Object.keys(d)).toEqual(['formId', 'version', 'title', 'fields', 'tables']);
    expect(Object.keys(d.fields[0])).toEqual(['key', 'label', 'type', 'required', 'sheet', 'cell']);
    expect(d.tables[0]).toEqual({
      key: 'don_vi',
      sheet: 'Báo cáo',
      firstRow: 10,
      maxRows: 500,
      columns: [
        { key: 'ten_don_vi', label: 'Tên đơn vị', type: 'text', column: 'B' },
        { key: 'duoc_giao', label: 'Biên chế được giao', type: 'whole', column: 'C' },
        { key: 'co_mat', label: 'Có mặt', type: 'whole', column: 'D' },
        { key: 'so_nghi', label: 'Số người nghỉ trong tháng', type: 'whole', column: 'E' },
        { key: 'ghi_chu', label: 'Ghi chú', type: 'text', column: 'F' },
      ],
    });
  }, 60_000);

  it('exits 2 on usage and I/O errors, 1 on an unknown unit', () => {
    expect(tonghop('validate').code).toBe(2);
    expect(tonghop('validate', path.join(work, 'missing.xlsx')).code).toBe(2);
    expect(tonghop('template', 'sap-xep-bo-may', '--unit', 'SO-YT', '--period', '2026-Q1').code).toBe(2);
    const unknown = tonghop('template', 'sap-xep-bo-may', '--unit', 'KHONG-CO', '--period', '2026-Q1', '--out', path.join(work, 'x.xlsx'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Không tìm thấy đơn vị "KHONG-CO"');
  }, 120_000);
});
