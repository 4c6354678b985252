/**
 * The console's "Biểu mẫu" in headless Chromium against the whole local runtime: the admin
 * uploads a broken definition and reads its problems, then the third form's definition
 * (test/fixtures/forms/kiem-tra-giam-sat-6-thang.v1.json), sees its summary, downloads the
 * preview for a unit type and opens it, publishes it after confirming, and a unit's page shows
 * the new form at once (no restart). Screenshots go to test-artifacts/console-forms/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { type Browser, type Page } from 'playwright-core';
import { openPeriod } from '../../functions/core/periods';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { launchChromium, requireChromium } from '../support/browser';
import { newPersonPage, reportCard, signInToConsole, textOf, unitLink } from '../support/console-browser';
import { THIRD_FORM_FILE, THIRD_FORM_RAW, thirdForm } from '../support/third-form';

const ARTIFACTS = join(__dirname, '../../test-artifacts/console-forms');
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, x?: unknown) => console.error(m, x), debug: () => undefined };

jest.setTimeout(180_000);

requireChromium();

describe('forms in the console, in headless Chromium', () => {
  let runtime: LocalRuntime;
  let browser: Browser;
  let page: Page;
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'tonghop-console-forms-browser-'));
    dataDir = join(work, 'data');
    runtime = await startLocalRuntime({ port: 0, dataDir, log: quiet });
    browser = await launchChromium();
    page = await newPersonPage(browser);
    await signInToConsole(page, runtime, dataDir, runtime.consoleAdmin!);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lists the seed forms with their downloads', async () => {
    await page.goto(`${runtime.url}/quan-tri/`);
    await page.getByRole('link', { name: 'Biểu mẫu', exact: true }).click();
    await page.getByRole('heading', { name: 'Biểu mẫu báo cáo' }).waitFor();
    expect(await textOf(page.locator('.forms-table'))).toContain('sap-xep-bo-may');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải sổ "Thiết kế biểu mẫu" trống (.xlsx)' }).click()]);
    expect(download.suggestedFilename()).toBe('thiet-ke-bieu-mau.xlsx');
    await page.screenshot({ path: join(ARTIFACTS, '1-list.png'), fullPage: true });
  });

  it('reports every problem of a broken definition, and offers no publish', async () => {
    const broken = JSON.parse(JSON.stringify(THIRD_FORM_RAW)) as { periodType: string; sections: Array<{ rows: Array<{ code: string }> }> };
    broken.periodType = 'hai-tuan';
    broken.sections[0]!.rows[1]!.code = broken.sections[0]!.rows[0]!.code;
    const file = join(work, 'hong.json');
    writeFileSync(file, JSON.stringify(broken));
    await page.goto(`${runtime.url}/quan-tri/bieu-mau`);
    await page.locator('#definition-file').setInputFiles(file);
    await Promise.all([page.waitForURL(/\/quan-tri\/bieu-mau\/kiem-tra\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Kiểm tra tệp' }).click()]);
    const alert = await textOf(page.locator('.result.bad'));
    expect(alert).toMatch(/Định nghĩa có \d+ lỗi: chưa phát hành được/);
    expect(await textOf(page.locator('.problems-table'))).toContain('periodType');
    expect(await page.getByRole('button', { name: 'Phát hành' }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, '2-broken-report.png'), fullPage: true });
  });

  it('checks the third form, previews it, publishes it, and a unit sees it on its page at once', async () => {
    const period = openPeriod(thirdForm, new Date());
    await page.goto(`${runtime.url}/quan-tri/bieu-mau`);
    await page.locator('#definition-file').setInputFiles(THIRD_FORM_FILE);
    await Promise.all([page.waitForURL(/\/kiem-tra\/[0-9a-f]{32}$/), page.getByRole('button', { name: 'Kiểm tra tệp' }).click()]);
    expect(await textOf(page.locator('.result.ok'))).toContain('Định nghĩa hợp lệ');
    const summary = await textOf(page.locator('dl.summary'));
    expect(summary).toContain(thirdForm.id);
    expect(summary).toContain('6 tháng');
    await page.screenshot({ path: join(ARTIFACTS, '3-clean-report.png'), fullPage: true });

    await page.getByLabel('Loại đơn vị').selectOption('huyen');
    const [preview] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải biểu mẫu xem thử' }).click()]);
    expect(preview.suggestedFilename()).toContain(period);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(await preview.path()) as unknown as ArrayBuffer);
    expect(JSON.stringify(book.worksheets[0]!.getSheetValues())).toContain('Đơn vị mẫu');

    await page.getByLabel(/Tôi đã xem thử và xác nhận phát hành/).check();
    await page.getByRole('button', { name: 'Phát hành' }).click();
    await page.getByRole('heading', { name: 'Đã phát hành biểu mẫu' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, '4-published.png'), fullPage: true });

    await page.getByRole('link', { name: 'Về danh sách biểu mẫu' }).click();
    expect(await textOf(page.locator('.forms-table'))).toContain(thirdForm.name);

    // A unit of the type the form's own section is for: its page lists the new form.
    const unit = (await runtime.deps.units.list()).find((u) => u.active && u.type === 'huyen')!;
    const unitPage = await newPersonPage(browser);
    await unitPage.goto(await unitLink(dataDir, period, unit));
    await reportCard(unitPage, thirdForm.id, period).waitFor();
    expect(await textOf(reportCard(unitPage, thirdForm.id, period))).toContain(thirdForm.name);
    await unitPage.screenshot({ path: join(ARTIFACTS, '5-unit-page.png'), fullPage: true });
  });
  it('retires the form after a confirmation page naming the consequences', async () => {
    await page.goto(`${runtime.url}/quan-tri/bieu-mau/${thirdForm.id}/ngung-su-dung`);
    expect(await textOf(page.locator('main'))).toContain('không còn trên trang nộp báo cáo của các đơn vị');
    await page.getByLabel('Tôi xác nhận ngừng sử dụng biểu mẫu này').check();
    await page.screenshot({ path: join(ARTIFACTS, '6-retire-confirm.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/quan-tri\/bieu-mau\?tb=da-ngung$/), page.getByRole('button', { name: 'Ngừng sử dụng biểu mẫu' }).click()]);
    expect(await textOf(page.locator('.notice').first())).toContain('Đã ngừng sử dụng biểu mẫu');
    const row = page.locator('.forms-table tr', { hasText: thirdForm.id });
    expect(await textOf(row)).toContain('ngừng sử dụng');
    await page.screenshot({ path: join(ARTIFACTS, '7-retired.png'), fullPage: true });
  });
});
