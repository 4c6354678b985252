/** Shared set-up for forms tests: the real catalog, generated forms cached per form and unit type. */
import { describeForm, generateForm, loadFormCatalog, validateUpload, type FormCatalog, type ValidateUploadOptions } from '../../../functions/core/forms';
import type { FormValues, UnitType, ValidationResult } from '../../../functions/core/model';
import { fillForm, sampleUnit, sampleValues, type FillOptions } from '../../support/forms';

// Generating and reading real workbooks on a shared 2-core machine: give each test room.
jest.setTimeout(30_000);

let catalog: Promise<FormCatalog> | undefined;
export const getCatalog = () => (catalog ??= loadFormCatalog());

const blanks = new Map<string, Promise<Buffer>>();
export const PERIODS: Record<string, string> = { 'sap-xep-bo-may': '2026-Q1', 'bien-che-thang': '2026-03' };

export async function blankForm(formId: string, unitType: UnitType): Promise<Buffer> {
  const key = `${formId}|${unitType}`;
  if (!blanks.has(key)) {
    blanks.set(
      key,
      getCatalog().then((c) => generateForm({ form: c.require(formId), unit: sampleUnit(unitType), period: PERIODS[formId]!, now: new Date('2026-03-10T03:00:00Z') })),
    );
  }
  return blanks.get(key)!;
}

export async function sample(formId: string, unitType: UnitType, seed = 11): Promise<FormValues> {
  return sampleValues((await getCatalog()).require(formId), unitType, seed);
}

/** Fills the form with `values` and validates the resulting file like an upload. */
export async function upload(formId: string, unitType: UnitType, values: FormValues, fill: FillOptions = {}, options: Partial<ValidateUploadOptions> = {}): Promise<{ bytes: Buffer; result: ValidationResult }> {
  const bytes = await fillForm(await blankForm(formId, unitType), values, fill);
  const result = await validateUpload(bytes, { catalog: await getCatalog(), ...options });
  return { bytes, result };
}

/** The A1 cell of a field in the generated form for a unit type. */
export async function cellOf(formId: string, unitType: UnitType, key: string): Promise<string> {
  const d = describeForm((await getCatalog()).require(formId), unitType);
  const f = d.fields.find((x) => x.key === key);
  if (!f) throw new Error(`no field ${key}`);
  return f.cell;
}

export const clone = (v: FormValues): FormValues => JSON.parse(JSON.stringify(v)) as FormValues;
export const num = (v: FormValues, key: string) => v.fields[key] as number;
