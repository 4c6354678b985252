/**
 * Filled forms for the benchmark: the forms engine generates a unit's pre-filled workbook and the
 * test support fills it with valid sample values, as a unit's staff member would in Excel.
 */
import type { FormCatalog, FormDefinition } from '../../functions/core/forms/index';
import type { FormValues, Unit } from '../../functions/core/model';
import { rootPath } from './paths';

export interface FormKit {
  catalog: FormCatalog;
  form: FormDefinition;
  generate(unit: Unit, period: string): Promise<Buffer>;
  /** Valid sample values for the unit's type; `seed` varies them between units. */
  sampleValues(unit: Unit, seed: number): FormValues;
  fill(bytes: Buffer, values: FormValues): Promise<Buffer>;
}

/** The forms engine and test support for `formId`. */
export async function loadFormKit(formId = 'sap-xep-bo-may'): Promise<FormKit> {
  const engine = await import('../../functions/core/forms/index');
  const support = await import('../../test/support/forms');
  const catalog = await engine.loadFormCatalog(rootPath('templates'));
  const form = catalog.require(formId) as FormDefinition;
  return {
    catalog,
    form,
    generate: (unit, period) => engine.generateForm({ form, unit, period }),
    sampleValues: (unit, seed) => support.sampleValues(form, unit.type, seed),
    fill: (bytes, values) => support.fillForm(bytes, values),
  };
}

/** A filled, valid workbook for `unit`. */
export async function filledForm(kit: FormKit, unit: Unit, period: string, seed = 1): Promise<Buffer> {
  return kit.fill(await kit.generate(unit, period), kit.sampleValues(unit, seed));
}
