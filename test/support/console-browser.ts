/**
 * What the browser suites do as the console's and the units' users do it, against a running
 * local runtime: sign in through the emailed link (outbox) and its confirmation button, open a
 * unit's page from the link the CLI prints, and upload a filled pre-filled form from that page.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Unit } from '../../functions/core/model';
import type { LocalRuntime } from '../../infra/local/runtime';
import { fillForm, sampleValues } from './forms';

const ROOT = join(__dirname, '../..');

/** `npx tonghop …` on the runtime's data dir; its stdout. */
export function tonghopCli(dataDir: string): (...args: string[]) => Promise<string> {
  return async (...args) => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/tonghop.cjs'), ...args], { cwd: ROOT, env: { ...process.env, TONGHOP_DATA_DIR: dataDir } });
    return stdout;
  };
}

/** A page in its own browser context (its own cookies: one person), failing the test on a page error. */
export async function newPersonPage(browser: Browser, viewport = { width: 1366, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'vi-VN' });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  return page;
}

/** The text content with runs of white space as one space. */
export async function textOf(l: Locator): Promise<string> {
  return ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The emails in the outbox, oldest first. */
export async function outboxMails(dataDir: string) {
  const outbox = join(dataDir, 'outbox');
  const mails = await Promise.all(readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort().map((f) => simpleParser(readFileSync(join(outbox, f)))));
  return mails.sort((a, b) => (a.date?.getTime() ?? 0) - (b.date?.getTime() ?? 0));
}

/** Asks for a link on the console's sign-in page, opens the newest email to `email` from the outbox, presses its button: the page lands on the console. */
export async function signInToConsole(page: Page, runtime: Pick<LocalRuntime, 'url'>, dataDir: string, email: string): Promise<void> {
  await page.goto(`${runtime.url}/quan-tri/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Gửi đường dẫn đăng nhập' }).click();
  await page.getByRole('heading', { name: 'Kiểm tra hộp thư' }).waitFor();
  const mine = (await outboxMails(dataDir)).filter((m) => JSON.stringify(m.to ?? '').includes(email));
  const link = new RegExp(`${runtime.url}/quan-tri/sign-in/[A-Za-z0-9_-]{43}`).exec(mine.at(-1)?.text ?? '')?.[0];
  if (!link) throw new Error(`no sign-in link emailed to ${email}`);
  await page.goto(link);
  await Promise.all([page.waitForURL(/\/quan-tri\//), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
}

/** A unit's upload link, as `npx tonghop links --unit` prints it. */
export async function unitLink(dataDir: string, period: string, unit: Pick<Unit, 'code'>): Promise<string> {
  const links = JSON.parse(await tonghopCli(dataDir)('links', '--period', period, '--unit', unit.code, '--json')) as Array<{ unit: string; url: string }>;
  return links.find((l) => l.unit === unit.code)!.url;
}

/** The unit's card for a form and period on its page. */
export const reportCard = (page: Page, formId: string, period: string): Locator => page.locator(`.report[data-form-id="${formId}"][data-period="${period}"]`);

/** The unit downloads its pre-filled form from the card, fills it with sample values (`seed`) and uploads it there. */
export async function uploadFromUnitPage(page: Page, card: Locator, input: { runtime: Pick<LocalRuntime, 'catalog'>; formId: string; unit: Pick<Unit, 'type'>; work: string; seed: number; fileName: string }): Promise<void> {
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: /Tải biểu mẫu điền sẵn/ }).click()]);
  const file = join(input.work, input.fileName);
  writeFileSync(file, await fillForm(readFileSync(await download.path()), sampleValues(input.runtime.catalog.require(input.formId), input.unit.type, input.seed)));
  await card.locator('input[type=file]').setInputFiles(file);
}
