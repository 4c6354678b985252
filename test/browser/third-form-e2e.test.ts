/**
 * Issue 14's end-to-end bar, as an operator and the units would live it: a form no code knows
 * (test/fixtures/forms/kiem-tra-giam-sat-6-thang.v1.json, written from templates/README.md alone)
 * is checked and published with `npx tonghop forms` into a running `npm start` (the real process,
 * `node bin/tonghop.cjs start`, on a fresh data dir) — no restart, no file added to the repo. A
 * district committee (`huyen`, the type with a section of its own) and a department open their
 * pages in headless Chromium and find the form for its open half-year, download it, fill it and
 * upload it, and see it accepted; a report with a wrong choice and an impossible date is refused
 * with Vietnamese errors per cell. `npx tonghop consolidate --send` mails the leadership a workbook
 * whose province totals are the two units' sums (money exact, decimals rounded as the form says).
 * Screenshots go to test-artifacts/third-form/.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import type { FormValues, Unit } from '../../functions/core/model';
import { openPeriod, periodLabel } from '../../functions/core/periods';
import { readLiveRuntime } from '../../infra/local/runtime-file';
import { SAMPLE_PROVINCE } from '../../infra/local/sample-province';
import { launchChromium, requireChromium } from '../support/browser';
import { newPersonPage, outboxMails, reportCard, textOf, unitLink } from '../support/console-browser';
import { fillForm } from '../support/forms';
import { freePort } from '../support/free-port';
import { goodValues, THIRD_FORM_FILE, thirdForm } from '../support/third-form';

const ARTIFACTS = join(__dirname, '../../test-artifacts/third-form');
const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'bin/tonghop.cjs');
const FORM_ID = thirdForm.id;

jest.setTimeout(180_000);

requireChromium();

/** `npx tonghop …` on the data dir, whatever its exit code. */
function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1', TONGHOP_DATA_DIR: dataDir } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 2) : 0, stdout, stderr });
    });
  });
}

/** What the repo's templates/ look like to git (tracked changes and untracked files). */
const templatesStatus = () => spawnSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'templates/'], { cwd: ROOT, encoding: 'utf8' }).stdout;

/** The department's report: other figures than the district's, still consistent with every rule. */
function departmentValues(): FormValues {
  const v = goodValues('so-nganh');
  Object.assign(v.fields, {
    '1.so_cuoc': 7, '1.to_chuc': 5, '1.dang_vien': 9, '1.vi_pham': 6,
    '1a.so_cuoc': 4, '1a.to_chuc': 5, '1a.vi_pham': 2,
    '1b.so_cuoc': 3, '1b.dang_vien': 9, '1b.vi_pham': 4,
    '2.so_cuoc': 1, '2.to_chuc': 2, '2.dang_vien': 3,
    '3.tien_kien_nghi': 7_123_456_789, '3.tien_da_thu': 5_000_000_001,
    '3a.tien_kien_nghi': 7_000_000_000, '3a.tien_da_thu': 4_999_999_999,
    '3b.tien_kien_nghi': 123_456_789, '3b.tien_da_thu': 2,
    // Typed with two places; the form keeps one: 2000.3 and 10.2.
    '3.dat_kien_nghi': 2000.26, '3a.dat_kien_nghi': 2000.26, '3.dat_da_thu': 10.24, '3a.dat_da_thu': 10.24,
    '4.ty_le': 60,
  });
  return v;
}

describe('a third form published into a running npm start, end to end', () => {
  let work: string;
  let dataDir: string;
  let child: ChildProcess;
  let output = '';
  let pid: number;
  let browser: Browser;
  let period: string;
  let templatesBefore: string;
  const district = SAMPLE_PROVINCE.find((u) => u.type === 'huyen')!;
  const department = SAMPLE_PROVINCE.find((u) => u.type === 'so-nganh')!;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    templatesBefore = templatesStatus();
    work = mkdtempSync(join(tmpdir(), 'tonghop-third-form-'));
    dataDir = join(work, 'data');
    const port = await freePort();
    child = spawn(process.execPath, [BIN, 'start'], { cwd: ROOT, detached: true, env: { ...process.env, NODE_NO_WARNINGS: '1', PORT: String(port), TONGHOP_DATA_DIR: dataDir } });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not start: ${output}`)), 120_000);
      child.stdout!.on('data', () => {
        if (output.includes('Ctrl-C')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`npm start exited: ${output}`)));
    });
    pid = readLiveRuntime(dataDir)!.pid;
    expect(pid).toBe(child.pid);
    period = openPeriod(thirdForm, new Date());
    browser = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('checks the definition and publishes it into the running system; publishing it again changes nothing', async () => {
    const checked = await cli(dataDir, 'forms', 'check', THIRD_FORM_FILE);
    expect(checked).toMatchObject({ code: 0, stdout: expect.stringContaining('hợp lệ: không có lỗi') });

    const published = await cli(dataDir, 'forms', 'publish', THIRD_FORM_FILE);
    expect(published.code).toBe(0);
    expect(published.stdout).toContain(`Đã phát hành biểu mẫu ${FORM_ID} phiên bản 1 — ${thirdForm.name}`);

    const again = await cli(dataDir, 'forms', 'publish', THIRD_FORM_FILE);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('đã được phát hành với đúng nội dung này: không thay đổi gì');
  });

  it.each([['district', 'huyen'], ['department', 'so-nganh']])('lists the new form on the %s\'s page for its open half-year', async (who) => {
    const unit = who === 'district' ? district : department;
    const page = await newPersonPage(browser);
    pages.set(unit.code, page);
    await page.goto(await unitLink(dataDir, period, unit));
    const card = reportCard(page, FORM_ID, period);
    // The running system reads the catalog again every few seconds.
    for (let i = 0; i < 40 && (await card.count()) === 0; i += 1) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    expect(await card.count()).toBe(1);
    expect(await textOf(card.locator('.period'))).toBe(periodLabel(period));
    // templates/README.md: a half-year is "6 tháng đầu năm 2026" (H1) or, by custom, "Năm 2026" (H2).
    expect(period).toMatch(/^\d{4}-H[12]$/);
    expect(periodLabel(period)).toBe(period.endsWith('H1') ? `6 tháng đầu năm ${period.slice(0, 4)}` : `Năm ${period.slice(0, 4)}`);
    expect(await textOf(card.locator('.report-head .badge'))).toBe('chưa nộp');
    // The district's deadline is the 15th of the period's last month, everyone else's the 18th.
    expect(await textOf(card.locator('.deadline'))).toContain(who === 'district' ? '15/12/2026' : '18/12/2026');
    expect(await textOf(card)).toContain(thirdForm.name);
    await page.screenshot({ path: join(ARTIFACTS, `1-${who}-page.png`), fullPage: true });
  });

  async function upload(unit: Unit, values: FormValues, fileName: string): Promise<void> {
    const page = pages.get(unit.code)!;
    const card = reportCard(page, FORM_ID, period);
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: /Tải biểu mẫu điền sẵn/ }).click()]);
    expect(download.suggestedFilename()).toBe(`${thirdForm.name} - ${periodLabel(period)} - ${unit.name}.xlsx`);
    const file = join(work, fileName);
    writeFileSync(file, await fillForm(readFileSync(await download.path()), values, { form: thirdForm }));
    await card.locator('input[type=file]').setInputFiles(file);
  }

  it('accepts the district\'s report, with its own section, downloaded, filled and uploaded from its page', async () => {
    await upload(district, goodValues('huyen'), `Báo cáo KTGS - ${district.code}.xlsx`);
    const page = pages.get(district.code)!;
    const card = reportCard(page, FORM_ID, period);
    expect(await textOf(card.locator('.result.ok h4'))).toBe('Đã nộp thành công');
    expect(await textOf(card.locator('.report-head .badge'))).toBe('đã nộp');
    await page.screenshot({ path: join(ARTIFACTS, '2-district-accepted.png'), fullPage: true });
  });

  it('accepts the department\'s report, and refuses one with a wrong choice and an impossible date, per cell in Vietnamese', async () => {
    await upload(department, departmentValues(), `Báo cáo KTGS - ${department.code}.xlsx`);
    const page = pages.get(department.code)!;
    const card = reportCard(page, FORM_ID, period);
    expect(await textOf(card.locator('.result.ok h4'))).toBe('Đã nộp thành công');
    await page.screenshot({ path: join(ARTIFACTS, '3-department-accepted.png'), fullPage: true });

    const wrong = departmentValues();
    wrong.tables.cuoc![0]!.hinh_thuc = 'Thanh tra đột xuất';
    wrong.tables.cuoc![1]!.ngay_ket_thuc = '31/02/2026';
    await upload(department, wrong, `Báo cáo KTGS sai - ${department.code}.xlsx`);

    const result = card.locator('.result.bad');
    expect(await textOf(result.locator('h4'))).toBe('Báo cáo bị từ chối');
    const issues = (await result.locator('table.issues tbody tr').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(issues).toHaveLength(2);
    for (const issue of issues) expect(issue).toMatch(/^Ô [A-Z]+\d+/);
    expect(issues.join('\n')).toContain('Thanh tra đột xuất');
    expect(issues.join('\n')).toMatch(/[Nn]gày/);
    expect(await textOf(card.locator('.report-head .badge'))).toBe('đã nộp'); // the accepted report still counts
    await page.screenshot({ path: join(ARTIFACTS, '4-department-refused.png'), fullPage: true });
  });

  it('consolidates the half-year and mails the leadership a workbook whose province totals are the two units\' sums', async () => {
    const before = existsSync(join(dataDir, 'outbox')) ? (await outboxMails(dataDir)).length : 0;
    const run = await cli(dataDir, 'consolidate', '--form', FORM_ID, '--period', period, '--send');
    expect(run).toMatchObject({ code: 0 });

    const mails = (await outboxMails(dataDir)).slice(before);
    const mail = mails.find((m) => thirdForm.recipients.leadership.every((a) => JSON.stringify(m.to).includes(a)));
    expect(mail).toBeDefined();
    expect(mail!.subject).toContain(thirdForm.name);
    const attachment = mail!.attachments.find((a) => a.filename?.endsWith('.xlsx'));
    expect(attachment).toBeDefined();
    writeFileSync(join(ARTIFACTS, 'emailed.xlsx'), attachment!.content);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(attachment!.content as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Tổng hợp')!;
    expect(sheet).toBeDefined();

    const d = goodValues('huyen').fields;
    const s = departmentValues().fields;
    const total = (key: string) => provinceTotal(sheet, key);
    expect(total('1.so_cuoc')).toBe(5 + 7);
    expect(total('1b.dang_vien')).toBe(12 + 9);
    expect(total('3.tien_kien_nghi')).toBe(3_250_000_000 + 7_123_456_789);
    expect(total('3.tien_da_thu')).toBe(1_200_500_000 + 5_000_000_001);
    expect(total('3b.tien_kien_nghi')).toBe(Number(d['3b.tien_kien_nghi']) + Number(s['3b.tien_kien_nghi']));
    expect(total('3.dat_kien_nghi')).toBe(3520.8); // 1520.5 + 2000.26 typed, kept as 2000.3
    expect(total('3a.dat_da_thu')).toBe(310.4); // 300.2 + 10.24 typed, kept as 10.2
    expect(total('3.tien_con_lai')).toBe(10_373_456_789 - 6_200_500_001); // computed from the sums
    expect(total('2.dang_vien')).toBe(20 + 3);
    expect(total('6.kinh_phi')).toBe(45_000_000); // only the district has section IV
  });

  it('did it all in the same process, without adding a file to the repo', () => {
    expect(child.exitCode).toBeNull();
    expect(readLiveRuntime(dataDir)?.pid).toBe(pid);
    expect(output).not.toMatch(/Error|Lỗi/);
    expect(templatesStatus()).toBe(templatesBefore);
  });
});

/**
 * The province total of `code.column` on the "Tổng hợp" sheet: in the first table whose header
 * names the column ("Kỳ này" comes first), the row whose Mã số (column A) is the code.
 */
function provinceTotal(sheet: ExcelJS.Worksheet, key: string): unknown {
  const [code, column] = key.split('.') as [string, string];
  const label = thirdForm.sections.flatMap((s) => [...s.columns, ...(s.computed ?? [])]).find((c) => c.key === column)!.label;
  let col: number | undefined;
  let value: unknown;
  let found = false;
  sheet.eachRow((r) => {
    if (col === undefined) r.eachCell((cell, c) => {
      if (cell.value === label && col === undefined) col = c;
    });
    else if (!found && r.getCell(1).value === code) {
      found = true;
      value = r.getCell(col).value;
    }
  });
  if (!found) throw new Error(`no ${key} on the sheet`);
  return value;
}
