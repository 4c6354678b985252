/**
 * The console with the 2025 sample province (`TONGHOP_SAMPLE=2025`): the "Đơn vị" page lists
 * and filters by the deployment's unit types, the add form offers today's types only (not the
 * legacy `huyen`), and the status grid labels commune committees by their registry label.
 * Screenshots land in test-artifacts/unit-types/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { silentLog } from '../../infra/local/compose';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { SAMPLE_ADMIN } from '../../infra/local/sample-province';
import { launchChromium, requireChromium } from '../support/browser';
import { newPersonPage, signInToConsole, textOf } from '../support/console-browser';
import { tempDirs } from '../support/temp-dirs';

jest.setTimeout(180_000);
requireChromium();

const ARTIFACTS = join(__dirname, '../../test-artifacts/unit-types');
const newDataDir = tempDirs('tonghop-ut-browser-');

describe('console with the 2025 unit types', () => {
  let runtime: LocalRuntime;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = newDataDir();
    runtime = await startLocalRuntime({ port: 0, dataDir, log: silentLog, sample: '2025' });
    browser = await launchChromium();
    page = await newPersonPage(browser);
    await signInToConsole(page, runtime, dataDir, SAMPLE_ADMIN.email);
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('filters the units by a 2025 type and offers only today\'s types for a new unit', async () => {
    await page.goto(`${runtime.url}/quan-tri/don-vi`);
    const filterOptions = await page.locator('#u-type option').allTextContents();
    await page.locator('#u-type').selectOption('dang-uy-xa');
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.waitForURL(/type=dang-uy-xa/);
    const caption = await textOf(page.locator('.units-registry caption'));
    const addOptions = await page.locator('#add-type option').allTextContents();
    await page.screenshot({ path: join(ARTIFACTS, '1-units-filtered-dang-uy-xa.png'), fullPage: false });

    expect(filterOptions).toEqual(['Tất cả', 'Các ban đảng, Văn phòng Tỉnh ủy', 'Sở, ban, ngành', 'MTTQ và các đoàn thể', 'Đảng ủy trực thuộc', 'Đảng ủy xã, phường, đặc khu', 'Huyện ủy, thị ủy, thành ủy (trước 01/7/2025)']);
    expect(caption).toMatch(/^100 \/ 132 đơn vị theo bộ lọc/);
    expect(addOptions).toContain('Đảng ủy xã, phường, đặc khu');
    expect(addOptions.some((o) => o.startsWith('Huyện ủy'))).toBe(false);
  });

  it('shows commune committees under their registry label in the status grid', async () => {
    await page.goto(`${runtime.url}/quan-tri/?form=sap-xep-bo-may&type=dang-uy-xa`);
    const rows = page.locator('tbody#units tr');
    const firstRow = await textOf(rows.first());
    const byType = await page.locator('.by-type tr[data-type] th').allTextContents();
    await page.screenshot({ path: join(ARTIFACTS, '2-status-grid-2025.png'), fullPage: true });

    expect(await rows.count()).toBe(100);
    expect(firstRow).toContain('Đảng ủy xã, phường, đặc khu');
    expect(byType).toEqual(['Các ban đảng, Văn phòng Tỉnh ủy', 'Sở, ban, ngành', 'MTTQ và các đoàn thể', 'Đảng ủy trực thuộc', 'Đảng ủy xã, phường, đặc khu']);
  });
});
