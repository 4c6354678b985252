/**
 * What people see when the workbooks are opened and printed in LibreOffice (the office suite of
 * many units): the "Lỗi cần sửa" sheet of the feedback workbook prints on one A4 page width, and
 * formula-looking text from units in the consolidated workbook is shown as typed and stays text
 * when LibreOffice re-saves the file. (LibreOffice itself keeps such text cells text on re-edit —
 * it shows the apostrophe in the input line — and writes no quotePrefix of its own; the quote
 * prefix our files carry is for Excel, checked in test/unit/consolidation/formula-text.test.ts.)
 * Fails loudly when soffice or poppler's pdftotext/pdfinfo is missing (house style §11).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { buildFeedbackWorkbook, describeForm, FEEDBACK_SHEET, generateForm, loadFormCatalog } from '../../functions/core/forms';
import type { ValidationResult } from '../../functions/core/model';
import { fillForm, sampleUnit, sampleValues } from '../support/forms';
import { FORMULA_TEXTS, longIssues, workbookWithFormulaText } from '../support/spreadsheet-text';

function tool(name: string, install: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is required for this suite: install it (apt-get install ${install}) — the print check cannot be skipped.`);
  return found;
}
const soffice = () => tool('soffice', 'libreoffice-calc');

let work: string;
function convert(to: 'pdf' | 'xlsx', file: string): string {
  const out = path.join(work, `out-${to}`);
  mkdirSync(out, { recursive: true });
  execFileSync(soffice(), [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', to, '--outdir', out, file], { stdio: 'pipe', timeout: 240_000 });
  return path.join(out, path.basename(file).replace(/\.xlsx$/, `.${to}`));
}
/** The text of each PDF page, whitespace collapsed (a wrapped line joins with a space). */
function pageTexts(pdf: string): string[] {
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync(tool('pdfinfo', 'poppler-utils'), [pdf], { encoding: 'utf8' }))![1]);
  return Array.from({ length: pages }, (_, i) =>
    execFileSync(tool('pdftotext', 'poppler-utils'), ['-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' '),
  );
}

beforeAll(() => {
  soffice();
  tool('pdftotext', 'poppler-utils');
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-print-lo-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('workbooks in LibreOffice', () => {
  describe('the "Lỗi cần sửa" sheet, printed', () => {
    it('fits four long issues and all four columns on one A4 portrait page', async () => {
      const catalog = await loadFormCatalog();
      const form = catalog.require('sap-xep-bo-may');
      const bytes = await fillForm(await generateForm({ form, unit: sampleUnit('huyen'), period: '2026-Q1' }), sampleValues(form, 'huyen', 3));
      const fields = describeForm(form, 'huyen').fields;
      const issues = longIssues(['16.so_nguoi', '10.co_mat', '10.duoc_giao', '24.tong'].map((k) => fields.find((f) => f.key === k)!.cell));
      const result: ValidationResult = { accepted: false, values: { fields: {}, tables: {} }, errors: issues.filter((i) => i.severity === 'error'), warnings: issues.filter((i) => i.severity === 'warning') };
      const file = path.join(work, 'feedback.xlsx');
      writeFileSync(file, await buildFeedbackWorkbook(bytes, result));

      const pdf = convert('pdf', file);
      const pages = pageTexts(pdf);
      if (process.env.PRINT_LAYOUT_KEEP) writeFileSync(process.env.PRINT_LAYOUT_KEEP, readFileSync(pdf));

      // The feedback sheet is first: every message, whole, on page 1 beside the STT and Ô columns.
      const ends = issues.map((i) => i.message.slice(-60).replace(/\s+/g, ' '));
      const starts = issues.map((i) => i.message.slice(0, 40));
      expect(pages.map((p, n) => [n + 1, [...starts, ...ends].filter((t) => p.includes(t)).length]).filter(([, k]) => k !== 0)).toEqual([[1, 8]]);
      expect(pages[0]).toContain('STT');
      expect(pages[0]).toContain('Mức độ');
      for (const i of issues) expect(pages[0]).toContain(`${i.cell}`);
      expect(execFileSync('pdfinfo', ['-f', '1', '-l', '1', pdf], { encoding: 'utf8' })).toMatch(/Page\s+1 size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
      expect(FEEDBACK_SHEET).toBe('Lỗi cần sửa');
    }, 300_000);
  });

  describe('formula-looking text in the consolidated workbook', () => {
    it('shows as typed when printed and is still text, no formula, after LibreOffice re-saves the file', async () => {
      const file = path.join(work, 'tong-hop.xlsx');
      writeFileSync(file, await workbookWithFormulaText());

      const printed = pageTexts(convert('pdf', file)).join(' ');
      const resaved = new ExcelJS.Workbook();
      await resaved.xlsx.load(readFileSync(convert('xlsx', file)) as unknown as ExcelJS.Buffer);

      expect(printed).toContain(FORMULA_TEXTS[0]);
      expect(printed).toContain('@SUM(A1)');
      const opinions: ExcelJS.Cell[] = [];
      resaved.getWorksheet('Ý kiến')!.eachRow((r) => r.eachCell((c) => opinions.push(c)));
      for (const text of FORMULA_TEXTS.slice(0, 4)) {
        const cell = opinions.find((c) => c.value === text);
        expect([text, cell?.type]).toEqual([text, ExcelJS.ValueType.String]);
      }
      const formulas: string[] = [];
      resaved.eachSheet((ws) => ws.eachRow((r) => r.eachCell((c) => c.type === ExcelJS.ValueType.Formula && formulas.push(`${ws.name}!${c.address}`))));
      expect(formulas).toEqual([]);
    }, 300_000);
  });
});
