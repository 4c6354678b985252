/**
 * Looking at the leadership briefing as leadership will: the consolidation email rendered by
 * Chromium at phone width (390 px) and at 1024 px, its pictures taken from the message's own
 * inline parts (each `cid:` swapped for a data: URI of the PNG part it names), and the "Biểu đồ"
 * sheet of the workbook printed by LibreOffice. The summary must be on the first screen.
 * Pictures go to test-artifacts/briefing-email/ and test-artifacts/briefing-workbook/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { consolidateReport } from '../../functions/core/usecases/consolidate-report';
import { OutboxMailer } from '../../infra/local/outbox-mailer';
import { SAMPLE_PROVINCE } from '../../infra/local/sample-province';
import { launchChromium, requireChromium } from '../support/browser';
import { testChartRenderer } from '../support/charts';
import { loadForm, memoryDeps, randomValues, rng, submit } from '../unit/consolidation/fixtures';

requireChromium();
function tool(name: string, install: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is required for this suite: install it (apt-get install ${install}) — looking at the workbook cannot be skipped.`);
  return found;
}

const EMAIL_ARTIFACTS = join(__dirname, '../../test-artifacts/briefing-email');
const WORKBOOK_ARTIFACTS = join(__dirname, '../../test-artifacts/briefing-workbook');
const form = loadForm('sap-xep-bo-may');
jest.setTimeout(300_000);

describe('briefing, looked at', () => {
  let work: string;
  let html: string;
  let workbook: Buffer;
  let summary: string[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tonghop-briefing-look-'));
    mkdirSync(EMAIL_ARTIFACTS, { recursive: true });
    mkdirSync(WORKBOOK_ARTIFACTS, { recursive: true });
    // The sample province: 36 of its 50 units reported, so more units need attention than the email lists.
    const units = [...SAMPLE_PROVINCE];
    const deps = { ...memoryDeps(units, '2019-03-19T00:30:00Z'), charts: testChartRenderer() };
    // Two earlier quarters, so the trends have something to show.
    for (const [period, count, day] of [['2018-Q3', 44, '2018-09-12'], ['2018-Q4', 47, '2018-12-12']] as const) {
      for (const [i, unit] of units.slice(0, count).entries()) {
        await submit(deps.submissions, { unitCode: unit.code, formId: form.id, period, receivedAt: `${day}T02:00:00Z`, values: randomValues(form, unit, rng(1000 * count + i)) });
      }
    }
    for (const [i, unit] of units.slice(0, 36).entries()) {
      await submit(deps.submissions, { unitCode: unit.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-12T02:00:00Z', values: randomValues(form, unit, rng(i + 1)) });
    }
    const outbox = join(work, 'outbox');
    mkdirSync(outbox);
    const result = await consolidateReport({ ...deps, mailer: new OutboxMailer({ dir: outbox, clock: deps.clock }) }, { formId: form.id, period: '2019-Q1', send: true });
    summary = result.summary;
    workbook = result.workbook;
    const mail = await simpleParser(readFileSync(join(outbox, readdirSync(outbox)[0]!)), { keepCidLinks: true });
    // Each picture from the part its Content-ID names: a cid with no part stays broken (and fails below).
    html = String(mail.html).replace(/src="cid:([^"]+)"/g, (whole, cid: string) => {
      const part = mail.attachments.find((a) => a.cid === cid);
      return part ? `src="data:${part.contentType};base64,${part.content.toString('base64')}"` : whole;
    });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describe('the email', () => {
    let browser: Browser | undefined;
    afterEach(async () => {
      await browser?.close();
      browser = undefined;
    });

    for (const [name, width, height] of [['phone', 390, 844], ['desktop', 1024, 768]] as const) {
      it(`shows the summary on the first screen and every chart loaded, no wider than the screen (${name}, ${width} px)`, async () => {
        browser = await launchChromium();
        const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
        await page.setContent(html, { waitUntil: 'load' });
        await page.screenshot({ path: join(EMAIL_ARTIFACTS, `${name}-first-screen.png`) });
        await page.screenshot({ path: join(EMAIL_ARTIFACTS, `${name}-full.png`), fullPage: true });
        // The attention list and the first table, as a screen of their own.
        await page.evaluate("document.evaluate(\"//h3[starts-with(., 'Đơn vị cần đôn đốc')]\", document, null, 9, null).singleNodeValue.scrollIntoView()");
        await page.screenshot({ path: join(EMAIL_ARTIFACTS, `${name}-attention.png`) });
        await page.evaluate('window.scrollTo(0, 0)');

        expect(summary.length).toBeGreaterThanOrEqual(3);
        for (const sentence of summary) {
          const box = await page.getByText(sentence, { exact: true }).boundingBox();
          expect(box).not.toBeNull();
          expect(box!.y + box!.height).toBeLessThanOrEqual(height);
        }
        const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ loaded: i.complete && i.naturalWidth > 0, shown: i.getBoundingClientRect().width, alt: i.alt })));
        expect(images.length).toBeGreaterThanOrEqual(3);
        for (const img of images) {
          expect(img.loaded).toBe(true);
          expect(img.alt).not.toBe('');
          expect(img.shown).toBeLessThanOrEqual(Math.min(640, width));
        }
        // Single column: nothing but the wide tables (which scroll inside their own box) pushes the page sideways.
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
        const fontSize = await page.evaluate<number>("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)");
        expect(fontSize).toBeGreaterThanOrEqual(14);
      });
    }
  });

  describe('the workbook', () => {
    it('prints "Biểu đồ" on A4 portrait with the charts under their titles (LibreOffice → PDF → PNG)', () => {
      const soffice = tool('soffice', 'libreoffice-calc');
      const xlsx = join(work, 'tong-hop.xlsx');
      writeFileSync(xlsx, workbook);
      const out = join(work, 'pdf');
      execFileSync(soffice, [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', out, xlsx], { stdio: 'pipe', timeout: 240_000 });
      const pdf = join(out, 'tong-hop.pdf');
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync(tool('pdfinfo', 'poppler-utils'), [pdf], { encoding: 'utf8' }))![1]);
      const texts = Array.from({ length: pages }, (_, i) => execFileSync(tool('pdftotext', 'poppler-utils'), ['-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' '));
      const chartsPage = texts.findIndex((t) => t.includes('Biểu đồ — Quý I năm 2019')) + 1;
      writeFileSync(join(WORKBOOK_ARTIFACTS, 'tong-hop.pdf'), readFileSync(pdf));
      expect(chartsPage).toBeGreaterThan(0);
      // The first page is the summary sheet, opening with the summary sentences.
      expect(texts[0]).toContain(summary[0]);
      const size = execFileSync(tool('pdfinfo', 'poppler-utils'), ['-f', String(chartsPage), '-l', String(chartsPage), pdf], { encoding: 'utf8' });
      const [w, h] = /Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/.exec(size)!.slice(1).map(Number) as [number, number];
      expect([Math.round(w), Math.round(h)]).toEqual([595, 842]); // A4 portrait, in points
      execFileSync(tool('pdftoppm', 'poppler-utils'), ['-f', String(chartsPage), '-l', String(chartsPage), '-r', '80', '-png', '-singlefile', pdf, join(WORKBOOK_ARTIFACTS, 'bieu-do')]);
      const attentionPage = texts.findIndex((t) => t.includes('Đơn vị cần đôn đốc (')) + 1;
      expect(attentionPage).toBeGreaterThan(chartsPage - 1);
      execFileSync(tool('pdftoppm', 'poppler-utils'), ['-f', String(attentionPage), '-l', String(attentionPage), '-r', '80', '-png', '-singlefile', pdf, join(WORKBOOK_ARTIFACTS, 'don-vi-can-don-doc')]);
      execFileSync(tool('pdftoppm', 'poppler-utils'), ['-f', '1', '-l', '1', '-r', '80', '-png', '-singlefile', pdf, join(WORKBOOK_ARTIFACTS, 'tong-hop')]);
    });
  });
});
