/**
 * The portal in a real browser: headless Debian chromium (/usr/bin/chromium, never downloaded)
 * driven by playwright-core, against the whole local runtime (`startLocalRuntime`: the same
 * handlers as `npm start`, emulators, ingest queue) on a temporary data dir, with the link
 * printed by `npx tonghop links` for a unit of the seeded sample province. A unit opens its link, downloads
 * its pre-filled form, fills it, uploads it and sees it accepted; uploads a broken one by
 * drag-and-drop, sees the Vietnamese errors per cell and downloads the annotated workbook.
 * Screenshots go to test-artifacts/portal/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { type Browser, type FileChooser, type Page } from 'playwright-core';
import { FEEDBACK_SHEET } from '../../functions/core/forms';
import type { Unit } from '../../functions/core/model';
import { openPeriod, periodLabel, shiftPeriod } from '../../functions/core/periods';
import { launchChromium, requireChromium } from '../support/browser';
import { fillForm, sampleValues } from '../support/forms';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';

const ARTIFACTS = join(__dirname, '../../test-artifacts/portal');
const ROOT = join(__dirname, '../..');
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, x?: unknown) => console.error(m, x), debug: () => undefined };

jest.setTimeout(120_000);

requireChromium();

describe('portal in headless Chromium', () => {
  let runtime: LocalRuntime;
  let unit: Unit;
  let link: string;
  let browser: Browser;
  let page: Page;
  let work: string;
  let period: string;
  const fileChoosers: FileChooser[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'tonghop-browser-'));
    const dataDir = join(work, 'data');
    runtime = await startLocalRuntime({ port: 0, dataDir, log: quiet });
    period = openPeriod(runtime.catalog.require('sap-xep-bo-may'), new Date());
    unit = (await runtime.deps.units.list()).find((u) => u.type === 'so-nganh')!;
    // The link exactly as an operator gets it.
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/tonghop.cjs'), 'links', '--period', period, '--unit', unit.code, '--json'], {
      cwd: ROOT, env: { ...process.env, TONGHOP_DATA_DIR: dataDir },
    });
    link = (JSON.parse(stdout) as Array<{ unit: string; url: string }>).find((l) => l.unit === unit.code)!.url;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: 'vi-VN' });
    page = await context.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
    // Intercept file pickers for the whole session: enabling interception per test races a fast key press.
    page.on('filechooser', (chooser) => fileChoosers.push(chooser));
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const card = () => page.locator(`.report[data-form-id="sap-xep-bo-may"][data-period="${period}"]`);

  async function downloadForm(): Promise<Buffer> {
    const [download] = await Promise.all([page.waitForEvent('download'), card().getByRole('link', { name: /Tải biểu mẫu điền sẵn/ }).click()]);
    expect(download.suggestedFilename()).toBe(`Sắp xếp tổ chức bộ máy, tinh giản biên chế - ${periodLabel(period)} - ${unit.name}.xlsx`);
    return readFileSync(await download.path());
  }

  it('shows the unit its reports, deadlines and statuses in Vietnamese', async () => {
    await page.goto(link);

    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(link.startsWith(`${runtime.url}/u/`)).toBe(true);
    expect(await page.locator('.unit-name').textContent()).toBe(unit.name);
    expect(await card().locator('.period').textContent()).toBe(periodLabel(period));
    expect(await card().locator('.report-head .badge').textContent()).toBe('chưa nộp');
    expect(await card().locator('.deadline').textContent()).toMatch(/^Hạn nộp: 17:00 thứ .+, \d{2}\/\d{2}\/\d{4}/);
    await page.screenshot({ path: join(ARTIFACTS, '1-unit-page.png') });
  });

  it('lets the unit reach the drop zone with the keyboard and open the file picker with Enter', async () => {
    await page.goto(link);
    const zone = card().locator('.dropzone');
    await zone.focus();
    fileChoosers.length = 0;
    await page.keyboard.press('Enter');
    for (let i = 0; i < 100 && fileChoosers.length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(fileChoosers).toHaveLength(1);
    expect(fileChoosers[0]!.isMultiple()).toBe(false);
    type StyledElement = { ownerDocument: { defaultView: { getComputedStyle(el: unknown): { outlineStyle: string } } } };
    expect(await zone.evaluate((el) => (el as unknown as StyledElement).ownerDocument.defaultView.getComputedStyle(el).outlineStyle)).toBe('solid'); // visible focus
  });

  it('refuses an old .xls workbook in the page itself, explaining how to save it as .xlsx', async () => {
    await page.goto(link);
    const file = join(work, 'bao-cao-cu.xls');
    writeFileSync(file, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));

    await card().locator('input[type=file]').setInputFiles(file);

    expect(await textOf(card().locator('.result.bad p'))).toContain('không phải bảng tính .xlsx');
    expect(await textOf(card().locator('.report-head .badge'))).toBe('chưa nộp');
  });

  it('downloads the pre-filled form, uploads it filled and shows it accepted (đã nộp)', async () => {
    const blank = await downloadForm();
    const file = join(work, `Báo cáo quý - ${unit.name}.xlsx`);
    writeFileSync(file, await fillForm(blank, sampleValues(runtime.catalog.require('sap-xep-bo-may'), unit.type, 11)));

    await recordBadgeAtResult(page, period);
    await card().locator('input[type=file]').setInputFiles(file);

    expect(await textOf(card().locator('.result.ok h4'))).toBe('Đã nộp thành công');
    expect(await page.evaluate('window.badgeAtResult')).toEqual(['đã nộp']); // the moment the result shows
    expect(await textOf(card().locator('.report-head .badge'))).toBe('đã nộp');
    expect(await textOf(page.locator('.history tbody tr').first())).toContain(`Báo cáo quý - ${unit.name}.xlsx`);
    await page.screenshot({ path: join(ARTIFACTS, '2-accepted.png'), fullPage: true });
  });

  it('refuses a broken report dropped on the page, lists the errors by cell in Vietnamese and hands back the annotated workbook', async () => {
    const values = sampleValues(runtime.catalog.require('sap-xep-bo-may'), unit.type, 12);
    values.fields['01.hien_tai'] = Number(values.fields['01.hien_tai']) + 3;
    const broken = await fillForm(await downloadForm(), values);

    await recordBadgeAtResult(page, period);
    await dropFile(page, card().locator('.dropzone'), broken, 'Báo cáo sai.xlsx');

    const result = card().locator('.result.bad');
    expect(await textOf(result.locator('h4'))).toBe('Báo cáo bị từ chối');
    const firstError = result.locator('table.issues tbody tr').first();
    expect(await textOf(firstError.locator('td.cell .ref'))).toMatch(/^Ô [A-Z]+\d+$/);
    expect(await textOf(firstError.locator('td').nth(1))).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
    expect(await textOf(card().locator('.report-head .badge'))).toBe('đã nộp'); // the earlier accepted report still counts
    expect(await page.evaluate('window.badgeAtResult')).toEqual(['đã nộp']);
    await page.screenshot({ path: join(ARTIFACTS, '3-rejected.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), result.locator('a[data-role=feedback]').click()]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(await download.path()) as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.name).toBe(FEEDBACK_SHEET);
  });

  it('keeps each badge on its upload\'s result even when the status list it refreshes from lags behind (DynamoDB index)', async () => {
    const previous = shiftPeriod(period, -1);
    const previousCard = page.locator(`.report[data-form-id="sap-xep-bo-may"][data-period="${previous}"]`);
    // What a lagging index answers right after ingest: the reports just uploaded still being checked.
    let lagged = 0;
    await page.route('**/api/me', async (route) => {
      const response = await route.fetch();
      const me = (await response.json()) as { reports: Array<{ formId: string; status: string }> };
      for (const r of me.reports) if (r.formId === 'sap-xep-bo-may') r.status = 'processing';
      lagged += 1;
      await route.fulfill({ response, json: me });
    });
    try {
      await page.goto(link);
      const values = sampleValues(runtime.catalog.require('sap-xep-bo-may'), unit.type, 13);
      values.fields['01.hien_tai'] = Number(values.fields['01.hien_tai']) + 3;
      const [download] = await Promise.all([page.waitForEvent('download'), previousCard.getByRole('link', { name: /Tải biểu mẫu điền sẵn/ }).click()]);
      const broken = await fillForm(readFileSync(await download.path()), values);
      const good = await fillForm(await downloadForm(), sampleValues(runtime.catalog.require('sap-xep-bo-may'), unit.type, 14));
      await recordBadgeAtResult(page, previous);

      await dropFile(page, previousCard.locator('.dropzone'), broken, 'Báo cáo kỳ trước.xlsx');
      expect(await textOf(previousCard.locator('.result.bad h4'))).toBe('Báo cáo bị từ chối');
      await dropFile(page, card().locator('.dropzone'), good, 'Báo cáo nộp lại.xlsx');
      expect(await textOf(card().locator('.result.ok h4'))).toBe('Đã nộp thành công');
      for (let i = 0; i < 100 && lagged < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
      await page.waitForTimeout(300); // the lagging answers have been applied

      expect(lagged).toBe(2);
      expect(await page.evaluate('window.badgeAtResult')).toEqual(['bị từ chối']);
      expect(await textOf(previousCard.locator('.report-head .badge'))).toBe('bị từ chối');
      expect(await textOf(card().locator('.report-head .badge'))).toBe('đã nộp');
      await page.screenshot({ path: join(ARTIFACTS, '4-badges-follow-results.png'), fullPage: true });
    } finally {
      await page.unroute('**/api/me');
    }
  });
});

/**
 * Records, in `window.badgeAtResult`, the card's badge text at the moment its result panel
 * turns to a final answer (accepted or rejected), before any later refresh could fix it up.
 */
async function recordBadgeAtResult(page: Page, period: string): Promise<void> {
  await page.evaluate(`(() => {
    const root = document.querySelector('.report[data-form-id="sap-xep-bo-may"][data-period="${period}"]');
    const result = root.querySelector('.result');
    window.badgeAtResult = [];
    if (window.badgeObserver) window.badgeObserver.disconnect();
    window.badgeObserver = new MutationObserver(() => {
      if (/\\b(ok|bad)\\b/.test(result.className)) window.badgeAtResult.push(root.querySelector('.report-head .badge').textContent);
    });
    window.badgeObserver.observe(result, { attributes: true, attributeFilter: ['class'] });
  })()`);
}

/** The element's text once it is visible (and matches `pattern`, when given): results arrive asynchronously. */
async function textOf(locator: ReturnType<Page['locator']>, pattern?: RegExp, timeout = 30_000): Promise<string> {
  await locator.waitFor({ state: 'visible', timeout });
  const deadline = Date.now() + timeout;
  let text = (await locator.textContent()) ?? '';
  while (pattern && !pattern.test(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    text = (await locator.textContent()) ?? '';
  }
  return text.trim();
}

/** Drops a file on an element the way a user dragging from the file manager does. */
async function dropFile(page: Page, target: ReturnType<Page['locator']>, bytes: Buffer, name: string): Promise<void> {
  // A string, not a function: the test compiles without the DOM typings.
  const dataTransfer = await page.evaluateHandle(
    `(({ base64, fileName }) => {
      const binary = atob(base64);
      const array = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i += 1) array[i] = binary.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([array], fileName, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
      return dt;
    })(${JSON.stringify({ base64: bytes.toString('base64'), fileName: name })})`,
  );
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}
