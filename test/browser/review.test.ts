/**
 * The review workflow as a unit meets it, in headless Chromium against the whole local runtime
 * (the same handlers as `npm start`): the unit uploads its report; Ban Tổ chức returns it with a
 * comment (`npx tonghop review return`, as the console is not there yet); the unit opens the
 * link from the email it received, sees "trả lại" and the comment, uploads a corrected version
 * (back to chờ duyệt); Ban Tổ chức approves it and locks the period; a further upload is refused
 * in the page with the PERIOD_LOCKED message. Screenshots go to test-artifacts/review/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { type Browser, type Locator, type Page } from 'playwright-core';
import type { Unit } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { launchChromium, requireChromium } from '../support/browser';
import { fillForm, sampleValues } from '../support/forms';

const ARTIFACTS = join(__dirname, '../../test-artifacts/review');
const ROOT = join(__dirname, '../..');
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, x?: unknown) => console.error(m, x), debug: () => undefined };
const COMMENT = 'Đề nghị giải trình mã số 07: số cấp phó tăng so với trước sắp xếp.';

jest.setTimeout(180_000);

requireChromium();

describe('review workflow in headless Chromium', () => {
  let runtime: LocalRuntime;
  let unit: Unit;
  let dataDir: string;
  let work: string;
  let period: string;
  let browser: Browser;
  let page: Page;

  const tonghop = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/tonghop.cjs'), ...args], { cwd: ROOT, env: { ...process.env, TONGHOP_DATA_DIR: dataDir } });
    return stdout;
  };
  const card = () => page.locator(`.report[data-form-id="sap-xep-bo-may"][data-period="${period}"]`);
  const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  async function uploadFilled(seed: number, name: string): Promise<void> {
    const [download] = await Promise.all([page.waitForEvent('download'), card().getByRole('link', { name: /Tải biểu mẫu điền sẵn/ }).click()]);
    const file = join(work, name);
    writeFileSync(file, await fillForm(readFileSync(await download.path()), sampleValues(runtime.catalog.require('sap-xep-bo-may'), unit.type, seed)));
    await card().locator('input[type=file]').setInputFiles(file);
  }

  const latestUploadId = async () => (await runtime.deps.submissions.listByUnit(unit.code, { formId: 'sap-xep-bo-may', period })).find((s) => s.status === 'accepted')!.uploadId;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'tonghop-review-browser-'));
    dataDir = join(work, 'data');
    runtime = await startLocalRuntime({ port: 0, dataDir, log: quiet });
    period = openPeriod(runtime.catalog.require('sap-xep-bo-may'), new Date());
    unit = (await runtime.deps.units.list()).find((u) => u.type === 'so-nganh' && u.emails.length > 0)!;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true, locale: 'vi-VN' });
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

  it('walks return → the unit\'s page from the email → resubmit → approve → lock → a refused upload', async () => {
    // The unit uploads its report.
    const links = JSON.parse(await tonghop('links', '--period', period, '--unit', unit.code, '--json')) as Array<{ unit: string; url: string }>;
    await page.goto(links.find((l) => l.unit === unit.code)!.url);
    await uploadFilled(21, 'Báo cáo lần 1.xlsx');
    expect(await text(card().locator('.result.ok h4'))).toBe('Đã nộp thành công');

    // Ban Tổ chức returns it; the unit opens the link in the email it received.
    const first = await latestUploadId();
    expect(await tonghop('review', 'return', first, '--comment', COMMENT)).toContain('chờ duyệt → trả lại');
    const outbox = join(dataDir, 'outbox');
    const emails = await Promise.all(readdirSync(outbox).map(async (f) => simpleParser(readFileSync(join(outbox, f)))));
    const mail = emails.find((m) => m.subject?.startsWith('[Trả lại báo cáo]'))!;
    expect(mail.text).toContain(COMMENT);
    await page.goto(/(http:\/\/localhost:\d+\/u\/\S+)/.exec(mail.text ?? '')![1]!);

    expect(await text(card().locator('.report-head .badge'))).toBe('trả lại');
    expect(await text(card().locator('.review-comment'))).toBe(COMMENT);
    const row = page.locator('.history tbody tr').first();
    expect(await text(row.locator('.badge-returned'))).toBe('trả lại');
    expect(await text(row.locator('.review-comment-inline'))).toBe(`Ý kiến: ${COMMENT}`);
    await page.screenshot({ path: join(ARTIFACTS, '1-returned.png'), fullPage: true });

    // The unit uploads a corrected version: awaiting review again.
    await uploadFilled(22, 'Báo cáo lần 2.xlsx');
    expect(await text(card().locator('.result.ok h4'))).toBe('Đã nộp thành công');
    await page.reload();
    expect(await text(card().locator('.report-head .badge'))).toBe('đã nộp');
    expect(await card().locator('.review-returned').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, '2-resubmitted.png'), fullPage: true });

    // Ban Tổ chức approves the new version and locks the period.
    const second = await latestUploadId();
    expect(second).not.toBe(first);
    expect(await tonghop('review', 'approve', second)).toContain('chờ duyệt → đã duyệt');
    expect(await tonghop('periods', 'lock', '--form', 'sap-xep-bo-may', '--period', period)).toContain('Đã khóa');
    await page.reload();
    expect(await text(card().locator('.review-approved'))).toContain('Ban Tổ chức Tỉnh ủy đã duyệt báo cáo này');
    expect(await text(card().locator('.period-locked'))).toMatch(/^Kỳ báo cáo đã khóa từ .*liên hệ Ban Tổ chức Tỉnh ủy\.$/);
    expect(await text(page.locator('.history tbody tr').nth(0).locator('.badge').last())).toBe('đã duyệt');
    expect(await text(page.locator('.history tbody tr').nth(1).locator('.review-comment-inline'))).toBe(`Ý kiến: ${COMMENT}`); // the earlier return stays in the history

    // A further upload is refused in the page, naming whom to contact.
    await uploadFilled(23, 'Báo cáo lần 3.xlsx');
    const refused = card().locator('.result.bad');
    expect(await text(refused.locator('h4'))).toBe('Chưa nộp được');
    expect(await text(refused.locator('p'))).toMatch(/đã khóa từ .*liên hệ Ban Tổ chức Tỉnh ủy/);
    await page.screenshot({ path: join(ARTIFACTS, '3-locked.png'), fullPage: true });
  });
});
