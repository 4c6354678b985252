/**
 * What the portal use cases need from the forms catalog (`FormCatalog` of
 * functions/core/forms): a structural subset, so the use cases can be tested with a plain
 * object and do not depend on how definitions are loaded.
 */
import type { FormDefinition } from '../forms/definition';
import type { Unit } from '../model';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from '../units/unit-types';

export interface FormLookup {
  /** The forms in use (latest version of each; older versions are tolerated and ignored here). */
  list(): FormDefinition[];
  /** The latest version when `version` is omitted; undefined when unknown. */
  get(formId: string, version?: number): FormDefinition | undefined;
  /** The deployment's unit types (labels, order); absent in plain test objects: the 2019 types. */
  readonly unitTypes?: UnitTypeRegistry;
  /**
   * The version that applies to a period (`FormCatalog.forPeriod`: effective periods, retired
   * forms left out unless `includeRetired`). A lookup without it answers `get(formId)`.
   */
  forPeriod?(formId: string, periodId: string, options?: { includeRetired?: boolean }): FormDefinition | undefined;
}

/** The version of `formId` that applies to `periodId` (see `FormLookup.forPeriod`). */
export function formForPeriod(catalog: Pick<FormLookup, 'get' | 'forPeriod'>, formId: string, periodId: string, options?: { includeRetired?: boolean }): FormDefinition | undefined {
  return catalog.forPeriod ? catalog.forPeriod(formId, periodId, options) : catalog.get(formId);
}

/** The lookup's unit types, or the default (2019) registry. */
export function unitTypesOf(catalog: Pick<FormLookup, 'unitTypes'>): UnitTypeRegistry {
  return catalog.unitTypes ?? DEFAULT_UNIT_TYPES;
}

/** `generateForm` of functions/core/forms: the pre-filled workbook for a unit and period. */
export type GenerateForm = (input: { form: FormDefinition; unit: Unit; period: string; now?: Date }) => Promise<Buffer>;

/** The latest version of each form, ordered by id (stable order on the page). */
export function currentForms(catalog: FormLookup): FormDefinition[] {
  const latest = new Map<string, FormDefinition>();
  for (const form of catalog.list()) {
    const seen = latest.get(form.id);
    if (!seen || seen.version < form.version) latest.set(form.id, form);
  }
  return [...latest.values()].sort((a, b) => a.id.localeCompare(b.id));
}
