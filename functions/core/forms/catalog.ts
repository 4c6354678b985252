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
import { parsePeriod } from '../periods';
import type { FormRetirement, PublishedFormVersion } from '../ports';

export interface FormCatalog {
  /** The latest version of every form in use, by id (retired forms are left out). */
  list(): FormDefinition[];
  /** Every version of one form, oldest first. */
  versions(formId: string): FormDefinition[];
  /** A form by id, the latest version when `version` is omitted; undefined when unknown. */
  get(formId: string, version?: number): FormDefinition | undefined;
  /** Like `get`, but throws `NotFoundError` (FORM_NOT_FOUND) when unknown. */
  require(formId: string, version?: number): FormDefinition;
  /**
   * The version that applies to `periodId`: the highest version whose `effectiveFrom` is absent or
   * not after the period; none before the first version's `effectiveFrom` (the form did not exist). Undefined when the form is unknown, retired (unless `includeRetired`:
   * history stays readable) or no version applies yet. A period that is not of the form's type
   * gets the latest version, so the caller's own period check answers it.
   */
  forPeriod(formId: string, periodId: string, options?: { includeRetired?: boolean }): FormDefinition | undefined;
  /** Every form (retired ones too) with its versions' publication details, by id (`forms list`). */
  entries(): FormCatalogEntry[];
  /** The form's retirement, when retired. */
  retirement(formId: string): Pick<FormRetirement, 'retiredAt' | 'retiredBy'> | undefined;
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

/** A version's publication details; seed catalogs read from files have none but the version. */
export type FormVersionInfo = Pick<PublishedFormVersion, 'version'> & Partial<Omit<PublishedFormVersion, 'formId' | 'version' | 'bodyVersionId'>>;

/** One form of the catalog: its latest definition, every version's details and its retirement. */
export interface FormCatalogEntry {
  id: string;
  /** The latest version's name. */
  name: string;
  periodType: FormDefinition['periodType'];
  latestVersion: number;
  versions: FormVersionInfo[];
  retired?: Pick<FormRetirement, 'retiredAt' | 'retiredBy'>;
}

/** What a catalog is built with besides its definitions. */
export interface CatalogOptions {
  unitTypes?: UnitTypeRegistry;
  calendar?: ProvinceCalendar;
  /** Publication details by form and version (`effectiveFrom` is what `forPeriod` reads). */
  published?: ReadonlyArray<Pick<PublishedFormVersion, 'formId' | 'version'> & Partial<PublishedFormVersion>>;
  retirements?: readonly FormRetirement[];
}

/** Orders two periods of one type; undefined when either is not a period of `type`. */
function comparePeriods(a: string, b: string, type: FormDefinition['periodType']): number | undefined {
  try {
    const pa = parsePeriod(a, type);
    const pb = parsePeriod(b, type);
    return pa.year * 100 + pa.index - (pb.year * 100 + pb.index);
  } catch {
    return undefined;
  }
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
  const info = new Map<string, FormVersionInfo>();
  for (const p of options.published ?? []) {
    const { formId, bodyVersionId: _body, ...rest } = p;
    info.set(`${formId}#${p.version}`, rest);
  }
  const retired = new Map((options.retirements ?? []).map((r) => [r.formId, { retiredAt: r.retiredAt, retiredBy: r.retiredBy }]));
  const infoOf = (form: FormDefinition): FormVersionInfo => info.get(`${form.id}#${form.version}`) ?? { version: form.version };
  const forPeriod: FormCatalog['forPeriod'] = (formId, periodId, opts = {}) => {
    const list = byId.get(formId);
    if (!list || (retired.has(formId) && !opts.includeRetired)) return undefined;
    const latest = list[list.length - 1]!;
    if (comparePeriods(periodId, periodId, latest.periodType) === undefined) return latest;
    // The form starts at its first version's period: a later version published without one does not reach back before the form existed.
    const start = infoOf(list[0]!).effectiveFrom;
    if (start !== undefined && (comparePeriods(periodId, start, latest.periodType) ?? 0) < 0) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const form = list[i]!;
      const from = infoOf(form).effectiveFrom;
      if (from === undefined || (comparePeriods(from, periodId, form.periodType) ?? 1) <= 0) return form;
    }
    return undefined;
  };
  return {
    unitTypes,
    calendar,
    list: () => [...byId.values()].map((l) => l[l.length - 1]!).filter((f) => !retired.has(f.id)).sort((a, b) => a.id.localeCompare(b.id)),
    versions: (formId) => [...(byId.get(formId) ?? [])],
    get,
    forPeriod,
    entries: () =>
      [...byId.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, list]) => {
          const latest = list[list.length - 1]!;
          const r = retired.get(id);
          return { id, name: latest.name, periodType: latest.periodType, latestVersion: latest.version, versions: list.map(infoOf), ...(r ? { retired: r } : {}) };
        }),
    retirement: (formId) => retired.get(formId),
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

/** The raw definitions of `dir`'s `*.json` files, by file name (the seed catalog; checked when published). Throws naming a file that is not JSON. */
export async function readSeedDefinitions(dir: string = DEFAULT_TEMPLATES_DIR): Promise<Array<{ source: string; raw: unknown }>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(path.join(dir, file), 'utf8');
      try {
        return { source: file, raw: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
      } catch (err) {
        throw new Error(`Form definition ${file} is not valid JSON`, { cause: err });
      }
    }),
  );
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
