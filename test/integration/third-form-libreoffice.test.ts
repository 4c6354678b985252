/**
 * The third form (half-year, Mã số 1a, decimal, money, choice and date columns, a Huyện ủy-only
 * section, a table with dates and choices) filled and re-saved by LibreOffice
 * (`soffice --headless --convert-to xlsx`): still accepted with the same values — dates, choices
 * and decimals survive the round trip, the table's STT formulas never pass for a Mã số — and
 * its annotated feedback workbook reads back with the same per-cell errors.
 * Fails loudly when soffice is missing (house style §11).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildFeedbackWorkbook, createFormCatalog, generateForm, validateUpload } from '../../functions/core/forms';
import type { UnitType } from '../../functions/core/model';
import { fillForm, sampleUnit } from '../support/forms';
import { goodValues, thirdForm as form } from '../support/third-form';

function sofficePath(): string {
  const found = spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('LibreOffice (soffice) is required for this suite: install it (apt-get install libreoffice-calc) — the round trip cannot be skipped.');
  return found;
}

let work: string;
const catalog = createFormCatalog([form]);

function resave(files: string[]): Map<string, Buffer> {
  const out = path.join(work, 'out');
  mkdirSync(out, { recursive: true });
  execFileSync(sofficePath(), [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', 'xlsx', '--outdir', out, ...files], { stdio: 'pipe', timeout: 240_000 });
  return new Map(files.map((f) => [path.basename(f), readFileSync(path.join(out, path.basename(f)))]));
}

beforeAll(() => {
  sofficePath();
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-third-lo-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the third form re-saved by LibreOffice', () => {
  it('is accepted with the same values for a Huyện ủy and a Sở, and its feedback workbook reads back', async () => {
    const files: Array<{ file: string; type: UnitType }> = [];
    for (const type of ['huyen', 'so-nganh'] as UnitType[]) {
      const bytes = await fillForm(await generateForm({ form, unit: sampleUnit(type), period: '2026-H1' }), goodValues(type), { form });
      const file = path.join(work, `${type}.xlsx`);
      writeFileSync(file, bytes);
      files.push({ file, type });
    }
    const bad = goodValues('huyen');
    Object.assign(bad.fields, { '1a.vi_pham': 5, '1.vi_pham': 8, '5.tinh_trang': 'Đã ký' });
    const badUpload = await fillForm(await generateForm({ form, unit: sampleUnit('huyen'), period: '2026-H1' }), bad, { form });
    const badResult = await validateUpload(badUpload, { catalog });
    expect(badResult.errors.map((e) => e.code).sort()).toEqual(['NOT_IN_LIST', 'RULE_VI_PHAM_TO_CHUC']);
    const feedback = path.join(work, 'feedback.xlsx');
    writeFileSync(feedback, await buildFeedbackWorkbook(badUpload, badResult));

    const resaved = resave([...files.map((f) => f.file), feedback]);
    for (const { file, type } of files) {
      const result = await validateUpload(resaved.get(path.basename(file))!, { catalog });
      expect([type, result.errors]).toEqual([type, []]);
      expect(result.values).toEqual(goodValues(type));
    }
    const again = await validateUpload(resaved.get('feedback.xlsx')!, { catalog });
    expect(again.errors.map((e) => [e.code, e.cell])).toEqual(badResult.errors.map((e) => [e.code, e.cell]));
  }, 300_000);
});
