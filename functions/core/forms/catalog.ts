/**
 * The form catalog: every definition file under `templates/` (all versions, so a late upload of
 * an older version still reads). Loaded once per process (Lambda: at module scope).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../errors';
import { checkFormDefinition, checkParsedDefinition, formatDefinitionProblems } from './check-definition';
import type { FormDefinition } from './definition';
import { createUnitTypeRegistry, type UnitTypeRegistry } from '../units/unit-types';
import { EMPTY_CALENDAR, type ProvinceCalendar } from '../calendar/calendar';
import { resolveFormCalendar } from '../calendar/resolve-calendar';

export interface FormCatalog {
  /** The latest version of every form, by id. */
  list(): FormDefinition[];
  /** Every version of one form, oldest first. */
  versions(formId: string): FormDefinition[];
  /** A form by id, the latest version when `version` is omitted; undefined when unknown. */
  get(formId: string, version?: number): FormDefinition | undefined;
  /** Like `get`, but throws `NotFoundError` (FORM_NOT_FOUND) when unknown. */
  require(formId: string, version?: number): FormDefinition;
  /** The deployment's unit types (default: the 2019 structure). */
  readonly unitTypes: UnitTypeRegistry;
  /** The province calendar every form's deadlines, reminders and consolidation days use. */
  readonly calendar: ProvinceCalendar;
}

/**
 * A catalog read from storage at run time: its sync methods answer from the current snapshot;
 * `refresh()` reloads it when older than the revalidation age (at most 5 minutes) — every handler
 * calls it at the start of an invocation or request — and `invalidate()` makes the next refresh
 * reload at once (after a publish in the same process).
 */
export interface LiveFormCatalog extends FormCatalog {
  refresh(): Promise<void>;
  invalidate(): void;
}

/** What a catalog is built with besides its definitions. */
export interface CatalogOptions {
  unitTypes?: UnitTypeRegistry;
  calendar?: ProvinceCalendar;
}

/** The templates directory of this checkout (local runs and tests); Lambda passes `<bundle>/templates`. */
export const DEFAULT_TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');

/**
 * Builds a catalog from already-parsed definitions (checks ids, versions and rule references).
 * Each form it hands out is resolved against `options.calendar`: its `holidays` and
 * `workingDays` hold the province calendar's days plus its own, which is what deadlines,
 * reminders and consolidation days read. The definitions passed in are not modified.
 */
export function createFormCatalog(definitions: readonly FormDefinition[], options: CatalogOptions = {}): FormCatalog {
  const calendar = options.calendar ?? EMPTY_CALENDAR;
  const byId = new Map<string, FormDefinition[]>();
  const unitTypes = options.unitTypes ?? createUnitTypeRegistry();
  for (const definition of definitions) {
    // Every type a form names must be the deployment's: a deadline or section for a type no unit can have is a typo.
    const problems = checkParsedDefinition(definition, { unitTypes });
    if (problems.length > 0) throw new Error(`Biểu mẫu ${definition.id} phiên bản ${definition.version} không hợp lệ:\n${formatDefinitionProblems(problems)}`);
    const form = resolveFormCalendar(definition, calendar);
    const list = byId.get(form.id) ?? [];
    if (list.some((f) => f.version === form.version)) throw new Error(`Form ${form.id} version ${form.version} is defined twice`);
    list.push(form);
    list.sort((a, b) => a.version - b.version);
    byId.set(form.id, list);
  }
  const get = (formId: string, version?: number): FormDefinition | undefined => {
    const list = byId.get(formId);
    if (!list) return undefined;
    return version === undefined ? list[list.length - 1] : list.find((f) => f.version === version);
  };
  return {
    unitTypes,
    calendar,
    list: () => [...byId.values()].map((l) => l[l.length - 1]!).sort((a, b) => a.id.localeCompare(b.id)),
    versions: (formId) => [...(byId.get(formId) ?? [])],
    get,
    require(formId, version) {
      const form = get(formId, version);
      if (!form) {
        const which = version === undefined ? `"${formId}"` : `"${formId}" phiên bản ${version}`;
        throw new NotFoundError('FORM_NOT_FOUND', `Không có biểu mẫu ${which}.`);
      }
      return form;
    },
  };
}

/**
 * Reads and checks every `*.json` definition in `dir`. Throws naming the bad file. `options`
 * as for `createFormCatalog`; the calendar may still be loading (read from storage).
 */
export async function loadFormCatalog(dir: string = DEFAULT_TEMPLATES_DIR, options: Omit<CatalogOptions, 'calendar'> & { calendar?: ProvinceCalendar | Promise<ProvinceCalendar> } = {}): Promise<FormCatalog> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const definitions = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(path.join(dir, file), 'utf8');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw new Error(`Form definition ${file} is not valid JSON`, { cause: err });
      }
      const { form, problems } = checkFormDefinition(raw, { unitTypes: options.unitTypes });
      if (!form || problems.length > 0) throw new Error(`Form definition ${file} is invalid (định nghĩa biểu mẫu không hợp lệ):\n${formatDefinitionProblems(problems)}`);
      return form;
    }),
  );
  return createFormCatalog(definitions, { ...options, calendar: await options.calendar });
}
