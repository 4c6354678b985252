/**
 * The form catalog: every definition file under `templates/` (all versions, so a late upload of
 * an older version still reads). Loaded once per process (Lambda: at module scope).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../errors';
import { parseFormDefinition, type FormDefinition } from './definition';
import { expandRule } from './rules';

export interface FormCatalog {
  /** The latest version of every form, by id. */
  list(): FormDefinition[];
  /** Every version of one form, oldest first. */
  versions(formId: string): FormDefinition[];
  /** A form by id, the latest version when `version` is omitted; undefined when unknown. */
  get(formId: string, version?: number): FormDefinition | undefined;
  /** Like `get`, but throws `NotFoundError` (FORM_NOT_FOUND) when unknown. */
  require(formId: string, version?: number): FormDefinition;
}

/** The templates directory of this checkout (local runs and tests); Lambda passes `<bundle>/templates`. */
export const DEFAULT_TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');

/** Builds a catalog from already-parsed definitions (checks ids, versions and rule references). */
export function createFormCatalog(definitions: readonly FormDefinition[]): FormCatalog {
  const byId = new Map<string, FormDefinition[]>();
  for (const form of definitions) {
    checkReferences(form);
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

/** Reads and checks every `*.json` definition in `dir`. Throws naming the bad file. */
export async function loadFormCatalog(dir: string = DEFAULT_TEMPLATES_DIR): Promise<FormCatalog> {
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
      return parseFormDefinition(raw, file);
    }),
  );
  return createFormCatalog(definitions);
}

/** Every key a rule or ratio names must exist in the form, else the definition is wrong (fail at load, not at upload). */
function checkReferences(form: FormDefinition): void {
  const keys = new Set<string>();
  for (const section of form.sections) {
    const cols = new Set(section.columns.map((c) => c.key));
    for (const computed of section.computed) {
      for (const k of [...computed.add, ...computed.sub]) if (!cols.has(k)) throw new Error(`Form ${form.id} v${form.version}: computed column ${computed.key} uses unknown column ${k}`);
    }
    for (const row of section.rows) {
      for (const c of row.columns) {
        if (!cols.has(c)) throw new Error(`Form ${form.id} v${form.version}: row ${row.code} uses unknown column ${c}`);
        keys.add(`${row.code}.${c}`);
      }
    }
  }
  for (const table of form.tables) for (const c of table.columns) keys.add(`${table.key}.${c.key}`);
  for (const rule of form.rules) {
    for (const instance of expandRule(rule)) {
      for (const k of instance.keys) if (!keys.has(k)) throw new Error(`Form ${form.id} v${form.version}: rule ${rule.id} names unknown field ${k}`);
    }
  }
  for (const ratio of form.ratios) {
    for (const k of [...ratio.numerator.add, ...ratio.numerator.sub, ...ratio.denominator]) {
      if (!keys.has(k)) throw new Error(`Form ${form.id} v${form.version}: ratio ${ratio.key} names unknown field ${k}`);
    }
  }
  for (const table of form.tables) {
    const cols = new Set(table.columns.map((c) => c.key));
    for (const k of table.totals) if (!cols.has(k)) throw new Error(`Form ${form.id} v${form.version}: table ${table.key} totals unknown column ${k}`);
    for (const rule of table.rules) for (const k of [...rule.left, ...rule.right]) if (!cols.has(k)) throw new Error(`Form ${form.id} v${form.version}: table rule ${rule.id} names unknown column ${k}`);
  }
}
