/**
 * "Tóm tắt cho lãnh đạo" on the console's "Báo cáo tổng hợp" page in a real browser (headless
 * Debian chromium, playwright-core) against the whole local runtime on a temporary data dir: the
 * sample admin signs in through the emailed link, opens the reports page of a form and period,
 * sees the briefing panel (its summary, "Đơn vị cần đôn đốc"), and downloads "Tải dự thảo báo cáo
 * (.docx)". The period has real reports (two earlier quarters too, so the trends draw): the panel
 * shows the briefing the email would, with its charts served as pictures, at desktop and phone
 * widths. Screenshots go to test-artifacts/console-briefing/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openPeriod, shiftPeriod } from '../../functions/core/periods';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { launchChromium, requireChromium } from '../support/browser';
import { newPersonPage, signInToConsole, textOf } from '../support/console-browser';
import { randomValues, rng, submit } from '../unit/consolidation/fixtures';

const ARTIFACTS = join(__dirname, '../../test-artifacts/console-briefing');
const FORM_ID = 'sap-xep-bo-may';
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, x?: unknown) => console.error(m, x), debug: () => undefined };

/** How many pixels the page is wider than the window (> 0: a horizontal scroll bar). */
const PAGE_OVERFLOW = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';

jest.setTimeout(180_000);

requireChromium();

/** A briefing as a lagging quarter would give: sentences, and units with one to three reasons each. */

describe('the leadership briefing in the console, in headless Chromium', () => {
  it('shows the panel on the reports page at desktop and phone widths and downloads the draft report', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const work = mkdtempSync(join(tmpdir(), 'tonghop-console-briefing-'));
    const dataDir = join(work, 'data');
    let runtime: LocalRuntime | undefined;
    let browser: Browser | undefined;
    try {
      runtime = await startLocalRuntime({ port: 0, dataDir, log: quiet });
      const form = runtime.catalog.require(FORM_ID);
      const period = openPeriod(form, new Date());
      const units = (await runtime.deps.units.list()).filter((u) => u.active && u.type !== 'huyen');
      // Reports as ingest stores them: 30 units this period, more in the two before.
      for (const [back, count] of [[2, 34], [1, 32], [0, 30]] as const) {
        const p = shiftPeriod(period, -back);
        for (const [i, unit] of units.slice(0, count).entries()) {
          await submit(runtime.deps.submissions, { unitCode: unit.code, formId: FORM_ID, period: p, receivedAt: new Date(Date.now() - (back * 90 + 1) * 86_400_000).toISOString(), values: randomValues(form, unit, rng(100 * back + i + 1)) });
        }
      }
      browser = await launchChromium();
      const page: Page = await newPersonPage(browser, { width: 1280, height: 900 });
      await signInToConsole(page, runtime, dataDir, runtime.consoleAdmin!);

      // The page as served: the panel, its headings, the download.
      await page.goto(`${runtime.url}/quan-tri/bao-cao?form=${FORM_ID}&period=${period}`);
      // A stored workbook too, as the page usually has one.
      await Promise.all([page.waitForURL(/thong-bao=da-tong-hop/), page.getByRole('button', { name: 'Tổng hợp ngay' }).click()]);
      const panel = page.locator('section.briefing');
      expect(await panel.getByRole('heading', { name: 'Tóm tắt cho lãnh đạo' }).isVisible()).toBe(true);
      expect(await panel.getByRole('heading', { name: /Đơn vị cần đôn đốc/ }).isVisible()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, '1-reports-page-1280.png'), fullPage: true });

      const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('link', { name: 'Tải dự thảo báo cáo (.docx)' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^Dự thảo báo cáo - .+\.docx$/);
      const docx = readFileSync((await download.path())!);
      expect(docx.length).toBeGreaterThan(0);
      expect(docx.subarray(0, 4).toString('binary')).toBe('PK\x03\x04');

      // The same page at phone width.
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate<number>(PAGE_OVERFLOW)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, '2-reports-page-390.png'), fullPage: true });

      // The real briefing: its summary counts the reports, its charts load as pictures, its list names units with reasons.
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(await textOf(panel)).toContain(`30/${units.length + (await runtime.deps.units.list()).filter((u) => u.active && u.type === 'huyen').length} đơn vị đã báo cáo`);
      const pictures = panel.locator('figure.chart img');
      expect(await pictures.count()).toBeGreaterThanOrEqual(4);
      for (const img of await pictures.all()) {
        await img.scrollIntoViewIfNeeded();
        await page.waitForFunction((el) => (el as { complete: boolean }).complete, await img.elementHandle());
        expect(await img.evaluate((el) => (el as { naturalWidth: number }).naturalWidth)).toBeGreaterThanOrEqual(1200);
      }
      expect(await panel.locator('tr[data-code]').count()).toBeGreaterThan(0);
      await panel.screenshot({ path: join(ARTIFACTS, '3-panel-1280.png') });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate<number>(PAGE_OVERFLOW)).toBeLessThanOrEqual(0);
      await panel.screenshot({ path: join(ARTIFACTS, '4-panel-390.png') });
    } finally {
      await browser?.close();
      await runtime?.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
