/**
 * LibreOffice round trip: both forms generated for every unit of the sample province (all five
 * unit types) and filled, re-saved by LibreOffice
 * (`soffice --headless --convert-to xlsx`), must still be accepted with the same values; the
 * annotated feedback workbook must open there too and still be read as the same form.
 * Fails loudly when soffice is missing (house style §11).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildFeedbackWorkbook, generateForm, loadFormCatalog, validateUpload, type FormCatalog } from '../../functions/core/forms';
import type { FormValues, ValidationResult } from '../../functions/core/model';
import { UNIT_TYPES_2019 } from '../../functions/core/units/unit-types';

import { SAMPLE_PROVINCE } from '../../infra/local/sample-province';
import { fillForm, sampleUnit, sampleValues } from '../support/forms';

const UNIT_TYPES = UNIT_TYPES_2019.map((t) => t.code);

function sofficePath(): string {
  const found = spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('LibreOffice (soffice) is required for this suite: install it (apt-get install libreoffice-calc) — the round trip cannot be skipped.');
  return found;
}

let work: string;
let catalog: FormCatalog;

/** Converts files with a private LibreOffice profile; returns the re-saved bytes by input name. */
function resave(files: string[]): Map<string, Buffer> {
  const out = path.join(work, 'out');
  mkdirSync(out, { recursive: true });
  execFileSync(sofficePath(), [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', 'xlsx', '--outdir', out, ...files], { stdio: 'pipe', timeout: 480_000 });
  return new Map(files.map((f) => [path.basename(f), readFileSync(path.join(out, path.basename(f)))]));
}

beforeAll(async () => {
  sofficePath();
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-forms-lo-'));
  catalog = await loadFormCatalog();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('forms re-saved by LibreOffice', () => {
  it('accepts every form generated for every unit of the sample province and filled, with the same values', async () => {
    const cases: Array<{ file: string; values: FormValues; original: ValidationResult }> = [];
    expect(new Set(SAMPLE_PROVINCE.map((u) => u.type))).toEqual(new Set(UNIT_TYPES));
    for (const form of catalog.list()) {
      for (const [i, unit] of SAMPLE_PROVINCE.entries()) {
        const values = sampleValues(form, unit.type, 100 + i);
        const bytes = await fillForm(await generateForm({ form, unit, period: form.periodType === 'quarter' ? '2026-Q2' : '2026-05' }), values);
        const file = path.join(work, `${form.id}-${unit.code}.xlsx`);
        writeFileSync(file, bytes);
        const original = await validateUpload(bytes, { catalog });
        expect([unit.code, original.accepted, original.unit, original.formId]).toEqual([unit.code, true, unit.code, form.id]);
        cases.push({ file, values, original });
      }
    }
    const resaved = resave(cases.map((c) => c.file));
    for (const c of cases) {
      const result = await validateUpload(resaved.get(path.basename(c.file))!, { catalog });
      expect([path.basename(c.file), result.errors]).toEqual([path.basename(c.file), []]);
      expect(result.accepted).toBe(true);
      expect(result.values).toEqual(c.values);
      expect({ ...result, values: undefined }).toEqual({ ...c.original, values: undefined });
    }
  }, 600_000);

  it('opens the annotated feedback workbook and reads it back as the same form with the same issues', async () => {
    const form = catalog.require('sap-xep-bo-may');
    const values = sampleValues(form, 'huyen', 5);
    values.fields['24.tong'] = (values.fields['24.tong'] as number) + 1;
    const upload = await fillForm(await generateForm({ form, unit: sampleUnit('huyen'), period: '2026-Q2' }), values);
    const result = await validateUpload(upload, { catalog });
    const file = path.join(work, 'feedback.xlsx');
    writeFileSync(file, await buildFeedbackWorkbook(upload, result));
    const again = await validateUpload(resave([file]).get('feedback.xlsx')!, { catalog });
    expect(again.errors.map((e) => [e.code, e.cell])).toEqual(result.errors.map((e) => [e.code, e.cell]));
    expect(again.errors.map((e) => e.code)).toEqual(['RULE_NHIEM_VU']);
  }, 300_000);
});
