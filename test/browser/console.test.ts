/**
 * The operator console in a real browser (headless Debian chromium, playwright-core) against the
 * whole local runtime (`startLocalRuntime`, as `npm start`) on a temporary data dir: the sample
 * admin asks for a sign-in link on the page, opens the emailed link from the outbox, presses
 * "Đăng nhập" on its confirmation page, sees "Tình hình nộp báo cáo" with the sample province's
 * units; a unit uploads its report through the unit API and its row turns "đã nộp" without a
 * reload; the operator opens the unit from the grid, downloads the version's original; the unit
 * uploads a corrected version and the operator compares the two cell by cell; returns the latest
 * version with a comment (the unit is emailed) and then approves it on the drill-down; builds the
 * consolidated report, downloads it and sends it after the confirmation; on "Đơn vị" adds a unit,
 * finds it by search and revokes a unit's links after confirming; reads "Nhật ký", filters it and
 * downloads it as .xlsx; signs out.
 * Screenshots go to test-artifacts/console/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { type Browser, type Page } from 'playwright-core';
import { generateForm } from '../../functions/core/forms';
import { formAppliesTo } from '../../functions/core/forms/layout';
import type { Unit } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { launchChromium, requireChromium } from '../support/browser';
import { fillForm, sampleValues } from '../support/forms';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';

const ARTIFACTS = join(__dirname, '../../test-artifacts/console');
const ROOT = join(__dirname, '../..');
const FORM_ID = 'sap-xep-bo-may';
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, x?: unknown) => console.error(m, x), debug: () => undefined };

jest.setTimeout(180_000);

requireChromium();

describe('console in headless Chromium', () => {
  let runtime: LocalRuntime;
  let browser: Browser;
  let page: Page;
  let work: string;
  let dataDir: string;
  let period: string;
  let expected: Unit[];
  let unit: Unit;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'tonghop-console-browser-'));
    dataDir = join(work, 'data');
    runtime = await startLocalRuntime({ port: 0, dataDir, log: quiet });
    const form = runtime.catalog.require(FORM_ID);
    period = openPeriod(form, new Date());
    expected = (await runtime.deps.units.list()).filter((u) => u.active && formAppliesTo(form, u.type));
    unit = expected.find((u) => u.type === 'so-nganh')!;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    page = await context.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const row = (code: string) => page.locator(`#units tr[data-code="${code}"]`);

  it('signs the operator in through the emailed link and shows the status grid of the sample province', async () => {
    await page.goto(`${runtime.url}/quan-tri/`);
    expect(new URL(page.url()).pathname).toBe('/quan-tri/sign-in');
    await page.getByLabel('Email').fill(runtime.consoleAdmin!);
    await page.getByRole('button', { name: 'Gửi đường dẫn đăng nhập' }).click();
    await page.getByRole('heading', { name: 'Kiểm tra hộp thư' }).waitFor();

    const outbox = join(dataDir, 'outbox');
    const emails = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(emails).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(outbox, emails[0]!)));
    const link = new RegExp(`${runtime.url}/quan-tri/sign-in/[A-Za-z0-9_-]{43}`).exec(mail.text ?? '')?.[0];
    expect(link).toBeDefined();
    // The link only shows whose account it opens (mail scanners fetch it too); the button signs in.
    await page.goto(link!);
    expect(await page.getByRole('heading', { name: 'Đăng nhập vào trang quản trị' }).isVisible()).toBe(true);
    expect(await page.locator('main strong').textContent()).toBe(`${runtime.consoleAdmin!.slice(0, 2)}•••@${runtime.consoleAdmin!.split('@')[1]}`);
    await page.screenshot({ path: join(ARTIFACTS, '0-sign-in-confirm.png') });
    await Promise.all([page.waitForURL(/\/quan-tri\/$/), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
    expect(new URL(page.url()).pathname).toBe('/quan-tri/');
    expect(await page.getByRole('heading', { name: 'Tình hình nộp báo cáo' }).isVisible()).toBe(true);

    // Choosing the form (the script submits the selector) shows its open period.
    if ((await page.locator('#status').getAttribute('data-form-id')) !== FORM_ID) {
      await Promise.all([page.waitForURL(/form=sap-xep-bo-may/), page.getByLabel('Biểu mẫu').selectOption(FORM_ID)]);
    }
    expect(await page.locator('#status').getAttribute('data-form-id')).toBe(FORM_ID);
    expect(await page.locator('#status').getAttribute('data-period')).toBe(period);
    expect((await page.locator('#units tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { code: string } }).dataset.code))).sort()).toEqual(expected.map((u) => u.code).sort());
    expect(await page.locator('[data-count="total"]').first().textContent()).toBe(String(expected.length));
    // An operator's grid starts with the bulk approval's box.
    expect(await row(unit.code).locator('td').nth(2).textContent()).toBe(unit.name);
    expect(await row(unit.code).locator('.badge').first().textContent()).toBe('chưa nộp');
    expect(await page.getByRole('button', { name: 'Đăng xuất' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, '1-status-grid.png') });
  });

  it('filters by status and search without script (GET query)', async () => {
    await page.goto(`${runtime.url}/quan-tri/?form=${FORM_ID}&period=${period}&status=chua-nop&search=${encodeURIComponent(unit.code)}`);
    expect(await page.locator('#units tr').count()).toBe(1);
    expect(await page.getByLabel('Trạng thái', { exact: true }).inputValue()).toBe('chua-nop');
    await page.goto(`${runtime.url}/quan-tri/?form=${FORM_ID}&period=${period}`);
  });

  it('turns the unit\'s row to "đã nộp" when it uploads its report, without a reload, and announces it', async () => {
    await page.evaluate('window.notReloaded = true');
    const before = Number(await page.locator('.counts [data-count="da-nop"]').textContent());

    await uploadAsTheUnit(unit);

    expect(await textOf(row(unit.code).locator('.badge').first(), /^đã nộp$/, 90_000)).toBe('đã nộp');
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    // The redrawn row: the "Duyệt" column and the box of a report awaiting review, as the server draws them.
    expect(await row(unit.code).locator('td.review').textContent()).toBe('chờ duyệt');
    expect(await row(unit.code).locator('input[type="checkbox"]').count()).toBe(1);
    expect(await row(unit.code).locator('td').nth(7).textContent()).toBe('1');
    expect(await row(unit.code).locator('td').nth(8).textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(Number(await page.locator('.counts [data-count="da-nop"]').textContent())).toBe(before + 1);
    expect(await page.locator('#announce').textContent()).toContain(`${unit.name}: đã nộp`);
    await row(unit.code).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, '2-row-turned-da-nop.png') });
  });

  it('opens the unit from the grid: its version with the original to download; a second version, and the diff of the two', async () => {
    // The row was redrawn by the script: its name links to the drill-down as the server's does.
    await Promise.all([page.waitForURL(new RegExp(`/quan-tri/don-vi/${unit.code}\\?`)), row(unit.code).getByRole('link', { name: unit.name }).click()]);
    expect(await page.getByRole('heading', { name: unit.name }).isVisible()).toBe(true);
    const versions = page.locator('table.versions tbody tr');
    expect(await versions.count()).toBe(1);
    expect(await versions.first().textContent()).toContain(`Báo cáo ${unit.code}.xlsx`);
    expect(await versions.first().locator('td').nth(3).textContent()).toMatch(/^\d+ KB$/);
    expect(await versions.first().locator('.badge').first().textContent()).toMatch(/^đã nộp/);
    expect(await versions.first().locator('code').getAttribute('title')).toMatch(/^[0-9a-f]{64}$/);
    // The original, through the console route that signs a fresh link: the workbook itself.
    const href = await versions.first().getByRole('link', { name: 'Tệp gốc' }).getAttribute('href');
    expect(href).toMatch(/^\/quan-tri\/tai\/ban-goc\/[0-9a-z]{9}-[0-9a-z]{10}$/);
    const original = await page.request.get(`${runtime.url}${href!}`);
    expect(original.status()).toBe(200);
    expect((await original.body()).subarray(0, 2).toString()).toBe('PK');
    await page.screenshot({ path: join(ARTIFACTS, '3-unit-drill-down.png'), fullPage: true });

    // The unit corrects its figures: a second version, other values.
    await uploadAsTheUnit(unit, 8);
    const deadline = Date.now() + 90_000;
    while ((await page.locator('table.versions tbody tr .badge', { hasText: /^đã nộp/ }).count()) < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      await page.reload();
    }
    expect(await versions.count()).toBe(2);
    expect(await versions.first().locator('td').first().textContent()).toBe('2');
    // The diff form offers the earlier version as "Bản trước" and the latest as "Bản sau".
    expect(await page.getByLabel('Bản trước').locator('option:checked').textContent()).toMatch(/^Lần 1 – /);
    expect(await page.getByLabel('Bản sau').locator('option:checked').textContent()).toMatch(/^Lần 2 – /);
    await Promise.all([page.waitForURL(/\/so-sanh\?/), page.getByRole('button', { name: 'So sánh' }).click()]);
    expect(await page.getByRole('heading', { name: `So sánh số liệu – ${unit.name}` }).isVisible()).toBe(true);
    const changed = page.locator('table.diff tbody tr');
    expect(await changed.count()).toBeGreaterThan(0);
    // Each changed cell: its Mã số, the label, and two different values.
    const first = await changed.first().locator('td').allTextContents();
    expect(first[0]).toMatch(/^\d{2}/);
    expect(first[3]).not.toBe(first[4]);
    await page.screenshot({ path: join(ARTIFACTS, '4-diff.png'), fullPage: true });
    await page.goto(`${runtime.url}/quan-tri/?form=${FORM_ID}&period=${period}`);
  });

  it('reviews the unit\'s latest version on its drill-down: returns it with a comment (the unit is emailed), then approves it', async () => {
    await Promise.all([page.waitForURL(new RegExp(`/quan-tri/don-vi/${unit.code}\\?`)), row(unit.code).getByRole('link', { name: unit.name }).click()]);
    const panel = page.locator('section.review');
    expect(await panel.getByRole('heading', { name: 'Duyệt báo cáo' }).isVisible()).toBe(true);
    expect(await panel.getAttribute('data-review-state')).toBe('cho-duyet');
    expect(await panel.locator('strong').first().textContent()).toBe('lần 2');
    const outbox = join(dataDir, 'outbox');
    const emails = () => readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();
    const before = emails().length;

    // "Trả lại": the comment is required; a plain form post, back on the page with a fixed message.
    const comment = 'Trả lại, đề nghị giải trình mã số 07.';
    await page.getByLabel('Ý kiến gửi đơn vị (bắt buộc)').fill(comment);
    await Promise.all([page.waitForURL(/tb=tra-lai/), page.getByRole('button', { name: 'Trả lại báo cáo' }).click()]);
    expect(await page.getByRole('status').filter({ hasText: 'Đã trả lại báo cáo và gửi email cho đơn vị' }).isVisible()).toBe(true);
    expect(await panel.getAttribute('data-review-state')).toBe('tra-lai');
    expect(await panel.locator('.badge').first().textContent()).toBe('trả lại');
    expect(await panel.locator('blockquote.comment').textContent()).toBe(comment);
    expect(await page.locator('table.versions tbody tr').first().locator('td.review').textContent()).toBe(`trả lại${comment}`);
    const sent = emails().slice(before);
    expect(sent).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(outbox, sent[0]!)));
    expect(mail.subject).toContain('[Trả lại báo cáo]');
    expect(mail.text).toContain(comment);
    expect(mail.text).toMatch(/https?:\/\/[^\s]+\/u\/[A-Za-z0-9._-]+/);

    // A returned report can be approved directly.
    await Promise.all([page.waitForURL(/tb=da-duyet/), panel.getByRole('button', { name: 'Duyệt báo cáo', exact: true }).click()]);
    expect(await page.getByRole('status').filter({ hasText: 'Đã duyệt báo cáo.' }).isVisible()).toBe(true);
    expect(await panel.getAttribute('data-review-state')).toBe('da-duyet');
    expect(await panel.locator('.badge').first().textContent()).toBe('đã duyệt');
    expect(await panel.getByRole('button', { name: 'Rút duyệt' }).isVisible()).toBe(true);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, '5-review.png'), fullPage: true });

    await page.goto(`${runtime.url}/quan-tri/?form=${FORM_ID}&period=${period}`);
    expect(await row(unit.code).locator('td.review').textContent()).toBe('đã duyệt');
    expect(await row(unit.code).locator('input[type="checkbox"]').count()).toBe(0);
  });

  it('builds the consolidated report now, downloads the workbook, and sends it after a confirmation naming the recipients', async () => {
    await Promise.all([page.waitForURL(/\/quan-tri\/bao-cao$/), page.getByRole('navigation', { name: 'Các mục quản trị' }).getByRole('link', { name: 'Báo cáo tổng hợp' }).click()]);
    if ((await page.getByLabel('Biểu mẫu').inputValue()) !== FORM_ID) {
      await Promise.all([page.waitForURL(/form=sap-xep-bo-may/), page.getByLabel('Biểu mẫu').selectOption(FORM_ID)]);
    }
    expect(await page.getByLabel('Kỳ báo cáo').inputValue()).toBe(period);
    expect(await page.getByText('Chưa có bảng tổng hợp nào cho kỳ này.').isVisible()).toBe(true);

    // "Tổng hợp ngay": a plain form post, back to the list with the workbook (Post/Redirect/Get).
    await Promise.all([page.waitForURL(/thong-bao=da-tong-hop/), page.getByRole('button', { name: 'Tổng hợp ngay' }).click()]);
    expect(await page.getByRole('status').filter({ hasText: 'Đã tổng hợp' }).isVisible()).toBe(true);
    const workbooks = page.locator('table.workbooks tbody tr');
    expect(await workbooks.count()).toBe(1);
    expect(await workbooks.first().locator('td').nth(3).textContent()).toBe(`1/${expected.length}`);
    expect(await workbooks.first().locator('.badge').textContent()).toBe('chưa gửi');

    // The download: the console route signs a fresh link; the bytes are the workbook.
    const href = await workbooks.first().getByRole('link', { name: 'Tải về' }).getAttribute('href');
    expect(href).toMatch(/^\/quan-tri\/bao-cao\/tai\/sap-xep-bo-may\/[0-9A-Z-]+\/\d{8}T\d{6}-[0-9a-f]{8}\.xlsx$/);
    const download = await page.request.get(`${runtime.url}${href!}`);
    expect(download.status()).toBe(200);
    const bytes = await download.body();
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, '6-reports.png'), fullPage: true });

    // "Gửi": first a confirmation naming who receives it and who has not reported; only its button sends.
    const form = runtime.catalog.require(FORM_ID);
    await Promise.all([page.waitForURL(/\/quan-tri\/bao-cao\/gui\?/), page.getByRole('button', { name: 'Gửi', exact: true }).click()]);
    const recipients = await page.locator('ul.recipients li').allTextContents();
    expect(recipients).toEqual([...form.recipients.leadership, ...form.recipients.organisationCommittee.filter((a) => !form.recipients.leadership.includes(a))]);
    expect(await page.getByRole('heading', { name: `Đơn vị chưa báo cáo (${expected.length - 1})` }).isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, '7-send-confirm.png'), fullPage: true });
    const outbox = join(dataDir, 'outbox');
    const emails = () => readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();
    const before = emails().length;
    await Promise.all([page.waitForURL(/thong-bao=da-gui$/), page.getByRole('button', { name: 'Xác nhận gửi' }).click()]);
    expect(await workbooks.first().locator('.badge').textContent()).toMatch(/^đã gửi lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(tiêu đề "Tổng hợp /);
    const sent = emails().slice(before);
    expect(sent).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(outbox, sent[0]!)));
    expect(mail.subject).toContain(`1/${expected.length} đơn vị đã báo cáo`);
  });

  it('manages units: opens Đơn vị, adds a unit, finds it by search, revokes a unit\'s links after confirming', async () => {
    await Promise.all([page.waitForURL(/\/quan-tri\/don-vi$/), page.getByRole('navigation', { name: 'Các mục quản trị' }).getByRole('link', { name: 'Đơn vị' }).click()]);
    expect(await page.getByRole('heading', { name: 'Đơn vị', exact: true }).isVisible()).toBe(true);
    const registered = await runtime.deps.units.list({ includeInactive: true });
    expect(await page.locator('#unit-rows tr').count()).toBe(registered.length);
    await page.screenshot({ path: join(ARTIFACTS, '8-units.png'), fullPage: true });

    await page.locator('#add-code').fill('SO-THU');
    await page.locator('#add-name').fill('Sở Thử nghiệm');
    await page.locator('#add-type').selectOption('so-nganh');
    await page.locator('#add-emails').fill('vanthu@sothu.example.vn');
    await Promise.all([page.waitForURL(/\/quan-tri\/don-vi\/SO-THU\/sua\?tb=da-them$/), page.getByRole('button', { name: 'Thêm đơn vị' }).click()]);
    expect(await page.getByRole('status').filter({ hasText: 'Đã thêm đơn vị.' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Sở Thử nghiệm' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, '9-unit-added.png'), fullPage: true });

    // Found by its name typed without accents.
    await Promise.all([page.waitForURL(/\/quan-tri\/don-vi$/), page.getByRole('link', { name: '← Danh sách đơn vị' }).click()]);
    await page.getByLabel('Tìm đơn vị').fill('thu nghiem');
    await Promise.all([page.waitForURL(/search=thu\+nghiem/), page.getByRole('button', { name: 'Tìm', exact: true }).click()]);
    expect(await page.locator('#unit-rows tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual(['SO-THU']);

    // Revoking the sample unit's links asks first, then says it is done (its key version moves on).
    await page.getByLabel('Tìm đơn vị').fill(unit.code);
    await Promise.all([page.waitForURL(/search=/), page.getByRole('button', { name: 'Tìm', exact: true }).click()]);
    await Promise.all([page.waitForURL(new RegExp(`/quan-tri/don-vi/${unit.code}/sua$`)), page.locator(`#unit-rows tr[data-code="${unit.code}"]`).getByRole('link', { name: /Sửa, đường dẫn/ }).click()]);
    await Promise.all([page.waitForURL(/\/thu-hoi$/), page.getByRole('link', { name: 'Thu hồi đường dẫn…' }).click()]);
    expect(await page.getByRole('heading', { name: `Thu hồi đường dẫn của ${unit.name}?` }).isVisible()).toBe(true);
    expect((await runtime.deps.units.get(unit.code))?.keyVersion).toBe(unit.keyVersion);
    await Promise.all([page.waitForURL(/\?tb=da-thu-hoi$/), page.getByRole('button', { name: 'Xác nhận thu hồi' }).click()]);
    expect(await page.getByText('Đã thu hồi mọi đường dẫn nộp báo cáo đã cấp cho đơn vị.').isVisible()).toBe(true);
    expect((await runtime.deps.units.get(unit.code))?.keyVersion).toBe(unit.keyVersion + 1);
    await page.goto(`${runtime.url}/quan-tri/?form=${FORM_ID}&period=${period}`);
  });

  it('reads "Nhật ký": the sign-in and the download made above, filtered by action, and downloads it as .xlsx', async () => {
    await Promise.all([page.waitForURL(/\/quan-tri\/nhat-ky$/), page.getByRole('link', { name: 'Nhật ký' }).click()]);
    expect(await page.getByRole('heading', { name: 'Nhật ký thao tác' }).isVisible()).toBe(true);
    const actions = () => page.locator('table.audit tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(await actions()).toEqual(expect.arrayContaining(['signin.request', 'signin.redeem', 'submission.download.original']));
    const download = page.locator('table.audit tbody tr[data-action="submission.download.original"]');
    expect(await download.locator('td').nth(2).textContent()).toBe('Tải tệp gốc của lần nộpsubmission.download.original');
    expect(await download.locator('td').nth(0).textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await page.screenshot({ path: join(ARTIFACTS, '10-audit.png'), fullPage: true });

    await page.getByLabel('Thao tác').selectOption('submission.download.original');
    await Promise.all([page.waitForURL(/action=submission\.download\.original/), page.getByRole('button', { name: 'Xem' }).click()]);
    expect(await actions()).toEqual(['submission.download.original']);
    const uploadId = await download.locator('td.target').textContent();

    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải về Excel (.xlsx)' }).click()]);
    expect(file.suggestedFilename()).toMatch(/^nhat-ky-quan-tri-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await file.path());
    const ws = wb.getWorksheet('Nhật ký')!;
    expect(ws.rowCount).toBe(2);
    expect([ws.getCell('B2').value, ws.getCell('E2').value, ws.getCell('F2').value]).toEqual([runtime.consoleAdmin, 'submission.download.original', uploadId]);
    // The download itself is in the log.
    await page.goto(`${runtime.url}/quan-tri/nhat-ky?action=audit.download`);
    expect(await actions()).toEqual(['audit.download']);
  });

  it('signs out with the keyboard: the session ends and the console sends the browser to sign-in', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).focus();
    await Promise.all([page.waitForURL(/\/quan-tri\/sign-in\?da-dang-xuat=1$/), page.keyboard.press('Enter')]);
    expect(await page.getByText('Đồng chí đã đăng xuất.').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, '11-signed-out.png') });
    await page.goto(`${runtime.url}/quan-tri/`);
    expect(new URL(page.url()).pathname).toBe('/quan-tri/sign-in');
    const me = await page.evaluate(`fetch('/api/admin/me').then((r) => r.status)`);
    expect(me).toBe(401);
  });

  /** The unit as its page does it: its link (as `npx tonghop links` prints it), POST /api/uploads, then the file to S3's presigned POST. */
  async function uploadAsTheUnit(u: Unit, seed = 7): Promise<void> {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/tonghop.cjs'), 'links', '--period', period, '--unit', u.code, '--json'], {
      cwd: ROOT, env: { ...process.env, TONGHOP_DATA_DIR: dataDir },
    });
    const link = (JSON.parse(stdout) as Array<{ unit: string; url: string }>).find((l) => l.unit === u.code)!.url;
    const token = decodeURIComponent(new URL(link).pathname.split('/').pop()!);
    const form = runtime.catalog.require(FORM_ID);
    const bytes = await fillForm(await generateForm({ form, unit: u, period }), sampleValues(form, u.type, seed));
    const created = await fetch(`${runtime.url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ formId: FORM_ID, period, fileName: `Báo cáo ${u.code}.xlsx`, size: bytes.length }),
    });
    if (created.status !== 201) throw new Error(`POST /api/uploads → ${created.status} ${await created.text()}`);
    const { url, fields } = (await created.json()) as { url: string; fields: Record<string, string> };
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    body.append('file', new Blob([bytes]), `Báo cáo ${u.code}.xlsx`);
    const posted = await fetch(url, { method: 'POST', body });
    if (posted.status >= 300) throw new Error(`presigned POST → ${posted.status}`);
    await posted.arrayBuffer();
  }
});

/** The element's text once it is visible and matches `pattern`: the grid refreshes asynchronously. */
async function textOf(locator: ReturnType<Page['locator']>, pattern: RegExp, timeout = 30_000): Promise<string> {
  await locator.waitFor({ state: 'visible', timeout });
  const deadline = Date.now() + timeout;
  let text = (await locator.textContent()) ?? '';
  while (!pattern.test(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    text = (await locator.textContent().catch(() => '')) ?? '';
  }
  return text.trim();
}
