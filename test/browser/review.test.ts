/**
 * The review workflow end to end in headless Chromium against the whole local runtime (the same
 * handlers as `npm start`), with two people in their own browser contexts: the unit uploads its
 * report from its page; Ban Tổ chức, signed in to the console through the emailed link, returns
 * it from the unit's drill-down with a comment; the unit opens the link in the email it received,
 * sees "trả lại" and the comment, uploads a corrected version (back to chờ duyệt in the console);
 * Ban Tổ chức approves it and locks the period from the console ("Khóa kỳ", after the
 * confirmation); a further upload is refused in the unit's page with the PERIOD_LOCKED message.
 * Screenshots go to test-artifacts/review/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import type { Unit } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { launchChromium, requireChromium } from '../support/browser';
import { newPersonPage, outboxMails, reportCard, signInToConsole, textOf, unitLink, uploadFromUnitPage } from '../support/console-browser';

const ARTIFACTS = join(__dirname, '../../test-artifacts/review');
const FORM_ID = 'sap-xep-bo-may';
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
  /** The unit, on its own page. */
  let page: Page;
  /** Ban Tổ chức, in the console. */
  let console_: Page;

  const text = textOf;
  const card = () => reportCard(page, FORM_ID, period);
  const uploadFilled = (seed: number, fileName: string) => uploadFromUnitPage(page, card(), { runtime, formId: FORM_ID, unit, work, seed, fileName });
  const drillDown = () => console_.goto(`${runtime.url}/quan-tri/don-vi/${unit.code}?form=${FORM_ID}&period=${period}`);
  const panel = () => console_.locator('section.review');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'tonghop-review-browser-'));
    dataDir = join(work, 'data');
    runtime = await startLocalRuntime({ port: 0, dataDir, log: quiet });
    period = openPeriod(runtime.catalog.require(FORM_ID), new Date());
    unit = (await runtime.deps.units.list()).find((u) => u.type === 'so-nganh' && u.emails.length > 0)!;
    browser = await launchChromium();
    page = await newPersonPage(browser);
    console_ = await newPersonPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('walks return → the unit\'s page from the email → resubmit → approve → lock → a refused upload', async () => {
    // The unit uploads its report.
    await page.goto(await unitLink(dataDir, period, unit));
    await uploadFilled(21, 'Báo cáo lần 1.xlsx');
    expect(await text(card().locator('.result.ok h4'))).toBe('Đã nộp thành công');

    // Ban Tổ chức signs in to the console and returns it from the unit's drill-down, with a comment.
    await signInToConsole(console_, runtime, dataDir, runtime.consoleAdmin!);
    await drillDown();
    expect(await panel().getAttribute('data-review-state')).toBe('cho-duyet');
    await console_.getByLabel('Ý kiến gửi đơn vị (bắt buộc)').fill(COMMENT);
    await Promise.all([console_.waitForURL(/tb=tra-lai/), console_.getByRole('button', { name: 'Trả lại báo cáo' }).click()]);
    expect(await panel().getAttribute('data-review-state')).toBe('tra-lai');

    // The unit opens the link in the email it received.
    const mail = (await outboxMails(dataDir)).find((m) => m.subject?.startsWith('[Trả lại báo cáo]'))!;
    expect(mail.text).toContain(COMMENT);
    await page.goto(/(http:\/\/localhost:\d+\/u\/\S+)/.exec(mail.text ?? '')![1]!);
    expect(await text(card().locator('.report-head .badge'))).toBe('trả lại');
    expect(await text(card().locator('.review-comment'))).toBe(COMMENT);
    const row = page.locator('.history tbody tr').first();
    expect(await text(row.locator('.badge-returned'))).toBe('trả lại');
    expect(await text(row.locator('.review-comment-inline'))).toBe(`Ý kiến: ${COMMENT}`);
    await page.screenshot({ path: join(ARTIFACTS, '1-returned.png'), fullPage: true });

    // The unit uploads a corrected version: awaiting review again, in the unit's page and in the console.
    await uploadFilled(22, 'Báo cáo lần 2.xlsx');
    expect(await text(card().locator('.result.ok h4'))).toBe('Đã nộp thành công');
    await page.reload();
    expect(await text(card().locator('.report-head .badge'))).toBe('đã nộp');
    expect(await card().locator('.review-returned').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, '2-resubmitted.png'), fullPage: true });
    await drillDown();
    expect(await panel().getAttribute('data-review-state')).toBe('cho-duyet');
    expect(await text(panel().locator('strong').first())).toBe('lần 2');

    // Ban Tổ chức approves the new version, then locks the period after the confirmation.
    await Promise.all([console_.waitForURL(/tb=da-duyet/), panel().getByRole('button', { name: 'Duyệt báo cáo', exact: true }).click()]);
    expect(await panel().getAttribute('data-review-state')).toBe('da-duyet');
    await console_.screenshot({ path: join(ARTIFACTS, '3-approved-in-console.png'), fullPage: true });
    await console_.goto(`${runtime.url}/quan-tri/khoa-ky?form=${FORM_ID}&period=${period}`);
    await console_.getByRole('button', { name: 'Khóa kỳ…' }).click();
    await console_.getByRole('button', { name: 'Xác nhận khóa kỳ' }).click();
    expect(await text(console_.locator('.flash'))).toContain('Đã khóa kỳ báo cáo');

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
    await page.screenshot({ path: join(ARTIFACTS, '4-locked.png'), fullPage: true });

    // The console's log holds each step, by the operator who took it.
    await console_.goto(`${runtime.url}/quan-tri/nhat-ky`);
    const actions = await console_.locator('table.audit tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions.filter((a) => a?.startsWith('review.') || a?.startsWith('period.')).reverse()).toEqual(['review.return', 'review.approve', 'period.lock']);
  });
});
