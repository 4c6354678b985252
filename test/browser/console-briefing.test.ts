/**
 * "Tóm tắt cho lãnh đạo" on the console's "Báo cáo tổng hợp" page in a real browser (headless
 * Debian chromium, playwright-core) against the whole local runtime on a temporary data dir: the
 * sample admin signs in through the emailed link, opens the reports page of a form and period,
 * sees the briefing panel (its summary, "Đơn vị cần đôn đốc"), and downloads "Tải dự thảo báo cáo
 * (.docx)". The layout is also checked with a full panel (many units, long reasons), rendered by
 * the console's own renderer from a hand-made briefing into the served page, at desktop and phone
 * widths. Screenshots go to test-artifacts/console-briefing/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Briefing } from '../../functions/core/briefing/model';
import type { Unit } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { renderBriefingPanel } from '../../functions/portal/render-console-reports';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { launchChromium, requireChromium } from '../support/browser';
import { newPersonPage, signInToConsole, textOf } from '../support/console-browser';

const ARTIFACTS = join(__dirname, '../../test-artifacts/console-briefing');
const FORM_ID = 'sap-xep-bo-may';
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, x?: unknown) => console.error(m, x), debug: () => undefined };

/** How many pixels the page is wider than the window (> 0: a horizontal scroll bar). */
const PAGE_OVERFLOW = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';

jest.setTimeout(180_000);

requireChromium();

/** A briefing as a lagging quarter would give: sentences, and units with one to three reasons each. */
function fullBriefing(units: readonly Unit[]): Briefing {
  const reasons = [
    { code: 'not-reported' as const, text: 'Chưa báo cáo kỳ này (hạn nộp 17:00 ngày 20/03/2026).' },
    { code: 'late-streak' as const, text: 'Nộp muộn hai kỳ liên tiếp (Quý III và Quý IV năm 2025).' },
    { code: 'below-target' as const, text: 'Tỷ lệ tinh giản biên chế so với năm 2015 đạt 6,4% (mục tiêu ≥ 10%).' },
    { code: 'changed' as const, text: 'Tổng số biên chế được giao giảm 37,5% so với kỳ trước (cần kiểm tra lại số liệu).' },
  ];
  return {
    summary: [
      `${units.length - 3}/${units.length} đơn vị đã báo cáo; 3 đơn vị chưa báo cáo.`,
      'Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2% (mục tiêu ≥ 10%), tăng 0,4 điểm phần trăm so với kỳ trước.',
      'Tỷ lệ giảm đơn vị sự nghiệp công lập đạt 8,1% (mục tiêu ≥ 10%): chưa đạt.',
      '6 đơn vị cần đôn đốc.',
    ],
    attention: units.slice(0, 6).map((unit, i) => ({ unit, reasons: reasons.slice(i % 2, (i % 2) + 1 + (i % 3)) })),
    emailLimit: 10,
    charts: [],
    history: [],
  };
}

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
      const units = (await runtime.deps.units.list()).filter((u) => u.active);
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

      // A full panel in the served page (its stylesheet): nothing wider than the phone's screen.
      const full = renderBriefingPanel(FORM_ID, period, { briefing: fullBriefing(units), unitTypeLabel: (t) => runtime!.catalog.unitTypes.label(t), charts: false });
      await panel.evaluate((el, html) => {
        el.outerHTML = html;
      }, full);
      const filled = page.locator('section.briefing');
      expect(await filled.locator('tr[data-code]').count()).toBe(6);
      expect(await textOf(filled.locator('tr[data-code]').first())).toContain(units[0]!.name);
      const overflow = await page.evaluate<number>(PAGE_OVERFLOW);
      expect(overflow).toBeLessThanOrEqual(0);
      await filled.screenshot({ path: join(ARTIFACTS, '3-full-panel-390.png') });
      await page.setViewportSize({ width: 1280, height: 900 });
      await filled.screenshot({ path: join(ARTIFACTS, '4-full-panel-1280.png') });
    } finally {
      await browser?.close();
      await runtime?.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
