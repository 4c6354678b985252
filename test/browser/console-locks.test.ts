/**
 * "Khóa kỳ" in a real browser (headless Debian chromium, playwright-core) against the whole local
 * runtime (`startLocalRuntime`, as `npm start`) on a temporary data dir: an operator signs in
 * through the emailed link, sees the open period on the status page's panel, locks it from the
 * console after the confirmation; a unit's upload through its own page is then refused with the
 * PERIOD_LOCKED message; the operator grants that unit an exception and its upload goes through;
 * the operator ends that exception early (with a reason) and the unit is refused again; the
 * operator cannot unlock (the button is disabled, with the reason), the admin does.
 * Screenshots go to test-artifacts/console-locks/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { formatViDate } from '../../functions/core/format-vi';
import type { Unit } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { launchChromium, requireChromium } from '../support/browser';
import { newPersonPage, reportCard, signInToConsole, textOf, tonghopCli, unitLink, uploadFromUnitPage } from '../support/console-browser';

const ARTIFACTS = join(__dirname, '../../test-artifacts/console-locks');
const FORM_ID = 'sap-xep-bo-may';
const OPERATOR = 'canbo.khoaky@tinhuy.example.vn';
const REASON = 'Sở nộp bổ sung số liệu biên chế sau khi kỳ đã khóa.';
const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, x?: unknown) => console.error(m, x), debug: () => undefined };

jest.setTimeout(180_000);

requireChromium();

describe('period locks in the console, in headless Chromium', () => {
  let runtime: LocalRuntime;
  let browser: Browser;
  let operatorPage: Page;
  let adminPage: Page;
  let unitPage: Page;
  let work: string;
  let dataDir: string;
  let period: string;
  let unit: Unit;

  const text = textOf;
  const card = () => reportCard(unitPage, FORM_ID, period);
  const locksUrl = () => `${runtime.url}/quan-tri/khoa-ky?form=${FORM_ID}&period=${period}`;
  const signIn = (page: Page, email: string) => signInToConsole(page, runtime, dataDir, email);
  const uploadFilled = (seed: number, fileName: string) => uploadFromUnitPage(unitPage, card(), { runtime, formId: FORM_ID, unit, work, seed, fileName });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'tonghop-console-locks-browser-'));
    dataDir = join(work, 'data');
    runtime = await startLocalRuntime({ port: 0, dataDir, log: quiet });
    period = openPeriod(runtime.catalog.require(FORM_ID), new Date());
    unit = (await runtime.deps.units.list()).find((u) => u.active && u.type === 'so-nganh')!;
    await tonghopCli(dataDir)('operators', 'add', '--email', OPERATOR, '--name', 'Nguyễn Văn Khóa', '--role', 'operator');
    browser = await launchChromium();
    const pageIn = () => newPersonPage(browser);
    operatorPage = await pageIn();
    adminPage = await pageIn();
    unitPage = await pageIn();
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lets the operator lock the open period from the status page\'s panel, after a confirmation naming what it stops', async () => {
    await signIn(operatorPage, OPERATOR);
    await operatorPage.goto(`${runtime.url}/quan-tri/?form=${FORM_ID}&period=${period}`);
    expect(await text(operatorPage.locator('.lock-panel #lock-state'))).toBe('Kỳ đang mở');
    await operatorPage.screenshot({ path: join(ARTIFACTS, '1-status-panel-open.png') });

    await operatorPage.getByRole('link', { name: 'Quản lý khóa kỳ và ngoại lệ' }).click();
    expect(await operatorPage.getByRole('heading', { name: 'Khóa kỳ báo cáo' }).isVisible()).toBe(true);
    await operatorPage.getByRole('button', { name: 'Khóa kỳ…' }).click();
    expect(await text(operatorPage.locator('.confirm'))).toContain('không nộp thêm được');
    await operatorPage.screenshot({ path: join(ARTIFACTS, '2-lock-confirm.png') });

    await operatorPage.getByRole('button', { name: 'Xác nhận khóa kỳ' }).click();
    expect(await text(operatorPage.locator('.flash'))).toContain('Đã khóa kỳ báo cáo');
    expect(await text(operatorPage.locator('#lock-state'))).toMatch(new RegExp(`^Đã khóa từ \\d\\d:\\d\\d ngày \\d\\d/\\d\\d/\\d{4} bởi ${OPERATOR.replace(/\./g, '\\.')}$`));
    // An operator may not reopen it: the button is there, disabled, saying why.
    expect(await operatorPage.getByRole('button', { name: 'Mở khóa' }).isDisabled()).toBe(true);
    expect(await text(operatorPage.locator('#unlock-why'))).toContain('Chỉ quản trị viên được mở khóa');
    await operatorPage.screenshot({ path: join(ARTIFACTS, '3-locked.png'), fullPage: true });
  });

  it('refuses the unit\'s upload through its page with the PERIOD_LOCKED message', async () => {
    await unitPage.goto(await unitLink(dataDir, period, unit));
    expect(await text(card().locator('.period-locked'))).toMatch(/^Kỳ báo cáo đã khóa từ /);
    await uploadFilled(31, 'Báo cáo khi đã khóa.xlsx');
    const refused = card().locator('.result.bad');
    expect(await text(refused.locator('h4'))).toBe('Chưa nộp được');
    expect(await text(refused.locator('p'))).toMatch(/đã khóa từ .*hệ thống không nhận thêm bản nộp.*liên hệ Ban Tổ chức Tỉnh ủy/);
    await unitPage.screenshot({ path: join(ARTIFACTS, '4-unit-refused.png'), fullPage: true });
  });

  it('grants that unit an exception, after which its upload goes through', async () => {
    await operatorPage.goto(locksUrl());
    const inAWeek = formatViDate(new Date(Date.now() + 7 * 86_400_000)).split('/').reverse().join('-');
    await operatorPage.getByLabel('Đơn vị', { exact: true }).selectOption(unit.code);
    await operatorPage.getByLabel('Đến hết ngày').fill(inAWeek);
    await operatorPage.getByLabel(/^Lý do/).fill(REASON);
    await operatorPage.getByRole('button', { name: 'Cho phép ngoại lệ' }).click();
    expect(await text(operatorPage.locator('.flash'))).toBe('Đã cho phép đơn vị nộp bổ sung đến hạn đã chọn.');
    const row = operatorPage.locator(`table.exceptions tr[data-unit="${unit.code}"]`);
    expect(await text(row)).toContain(`${unit.name} (${unit.code})`);
    expect(await text(row)).toContain(`23:59 ngày ${inAWeek.split('-').reverse().join('/')}`);
    expect(await text(row)).toContain('còn hiệu lực');
    expect(await text(row)).toContain(REASON);
    await operatorPage.screenshot({ path: join(ARTIFACTS, '5-exception-granted.png'), fullPage: true });

    await unitPage.reload();
    expect(await card().locator('.period-locked').count()).toBe(0);
    await uploadFilled(32, 'Báo cáo bổ sung.xlsx');
    expect(await text(card().locator('.result.ok h4'))).toBe('Đã nộp thành công');
    await unitPage.screenshot({ path: join(ARTIFACTS, '6-unit-exception-upload.png'), fullPage: true });
  });

  it('ends that exception early with a reason, after which the unit is refused again', async () => {
    await operatorPage.goto(locksUrl());
    const row = operatorPage.locator(`table.exceptions tr[data-unit="${unit.code}"]`);
    await row.getByLabel('Lý do kết thúc sớm (bắt buộc)').fill('Sở đã nộp đủ số liệu.');
    await row.getByRole('button', { name: 'Kết thúc sớm' }).click();
    expect(await text(operatorPage.locator('.flash'))).toBe('Đã kết thúc sớm ngoại lệ: nếu kỳ đang khóa, đơn vị không nộp thêm được nữa.');
    expect(await text(row)).toMatch(new RegExp(`Đã kết thúc sớm lúc \\d{2}:\\d{2} ngày \\d{2}/\\d{2}/\\d{4} bởi ${OPERATOR.replace(/\./g, '\\.')} \\(Sở đã nộp đủ số liệu\\.\\)`));
    expect(await row.getByRole('button', { name: 'Kết thúc sớm' }).count()).toBe(0);
    await operatorPage.screenshot({ path: join(ARTIFACTS, '6b-exception-ended.png'), fullPage: true });

    await unitPage.reload();
    await uploadFilled(33, 'Báo cáo sau khi kết thúc ngoại lệ.xlsx');
    expect(await text(card().locator('.result.bad h4'))).toBe('Chưa nộp được');
  });

  it('lets the admin unlock the period', async () => {
    await signIn(adminPage, runtime.consoleAdmin!);
    await adminPage.goto(locksUrl());
    await adminPage.getByRole('button', { name: 'Mở khóa' }).click();
    expect(await text(adminPage.locator('.flash'))).toBe('Đã mở khóa kỳ báo cáo: các đơn vị nộp lại được.');
    expect(await text(adminPage.locator('#lock-state'))).toBe('Kỳ đang mở');
    expect(await text(adminPage.locator('.locks'))).toContain(`Mở khóa lần cuối: ${runtime.consoleAdmin!}`);
    await adminPage.screenshot({ path: join(ARTIFACTS, '7-admin-unlocked.png'), fullPage: true });
    // Audited once per action, by whom (the log lists newest first).
    const audit = await runtime.deps.audit.list({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000), limit: 100 });
    expect([...audit].reverse().filter((e) => e.action.startsWith('period.')).map((e) => [e.action, e.actor])).toEqual([
      ['period.lock', OPERATOR],
      ['period.exception', OPERATOR],
      ['period.exception-end', OPERATOR],
      ['period.unlock', runtime.consoleAdmin!],
    ]);
  });
});
