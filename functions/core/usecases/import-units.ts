/**
 * Imports the unit registry from a CSV or XLSX file: all or nothing. Every bad row is reported
 * (row number + Vietnamese reason); when there is any, nothing is written. Units already in the
 * registry keep their key version (their links stay valid); units absent from the file are left
 * as they are (mark them `active = không` in the file to retire them).
 */
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type { Unit } from '../model';
import type { UnitRepository } from '../ports';
import { parseUnitsFile, type UnitImportIssue } from '../units/parse-units';
import type { UnitTypeRegistry } from '../units/unit-types';

export interface ImportUnitsInput {
  bytes: Buffer;
  fileName: string;
}

export interface ImportUnitsResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  total: number;
}

/** Refused import: `issues` lists every bad row; nothing was written. */
export class UnitImportError extends InvalidInputError {
  readonly issues: UnitImportIssue[];
  constructor(issues: UnitImportIssue[]) {
    super('UNITS_IMPORT_INVALID', `Không nhập danh sách đơn vị: ${issues.length} lỗi, chưa ghi đơn vị nào.\n${issues.map((i) => i.message).join('\n')}`);
    this.issues = issues;
  }
}

const same = (a: Unit, b: Unit) =>
  a.name === b.name && a.type === b.type && a.active === b.active && a.emails.join(',') === b.emails.join(',');

/** Parses and checks the file, then works out what each row does to the registry (nothing written). */
async function planImport(deps: { units: Pick<UnitRepository, 'list'>; unitTypes?: UnitTypeRegistry }, input: ImportUnitsInput) {
  const { rows, issues } = await parseUnitsFile(input.bytes, input.fileName, { unitTypes: deps.unitTypes });
  if (issues.length > 0) throw new UnitImportError(issues);

  const existing = new Map((await deps.units.list({ includeInactive: true })).map((u) => [u.code.toUpperCase(), u]));
  const result: ImportUnitsResult = { created: [], updated: [], unchanged: [], total: rows.length };
  const plan = rows.map((r) => {
    const before = existing.get(r.code.toUpperCase());
    const unit: Unit = { code: before?.code ?? r.code, name: r.name, type: r.type, emails: r.emails, active: r.active, keyVersion: before?.keyVersion ?? 1 };
    if (!before) result.created.push(unit.code);
    else if (same(before, unit)) result.unchanged.push(unit.code);
    else result.updated.push(unit.code);
    return { unit, before };
  });
  return { plan, result };
}

/** Parses, checks, then writes every unit; throws `UnitImportError` (nothing written) on any bad row. */
/** `unitTypes`: the deployment's registry every row's type is checked against (default: the 2019 types). */
export async function importUnits(deps: { units: UnitRepository; unitTypes?: UnitTypeRegistry }, input: ImportUnitsInput): Promise<ImportUnitsResult> {
  const { plan, result } = await planImport(deps, input);
  await deps.units.putMany(plan.map((p) => p.unit));
  return result;
}

/** Units an import could not write because someone changed (or added) them while it ran. */
export class UnitImportConflictError extends ConflictError {
  readonly result: ImportUnitsResult;
  readonly conflicts: string[];
  constructor(result: ImportUnitsResult, conflicts: string[]) {
    const shown = conflicts.slice(0, 20).join(', ') + (conflicts.length > 20 ? ', …' : '');
    super('UNITS_IMPORT_CONFLICT', `Đã ghi ${result.created.length + result.updated.length - conflicts.length} đơn vị, nhưng ${conflicts.length} đơn vị vừa được người khác thay đổi trong lúc nhập nên chưa ghi: ${shown}. Hãy nhập lại tệp (các đơn vị đã ghi sẽ không đổi).`);
    this.result = result;
    this.conflicts = conflicts;
  }
}

/**
 * The console's import: the same checks and the same all-or-nothing refusal of a file with any
 * bad row, but each unit is written by its own conditional write (a new code must still be free,
 * an existing unit still as it was read) and unchanged units are not written at all. The API
 * function may not write in bulk, and an import must not silently undo an edit another operator
 * saved a moment ago; such units are left out and named (`UnitImportConflictError`); importing
 * the file again finishes the job.
 */
export async function importUnitsChecked(deps: { units: Pick<UnitRepository, 'list' | 'add' | 'update'>; unitTypes?: UnitTypeRegistry }, input: ImportUnitsInput): Promise<ImportUnitsResult> {
  const { plan, result } = await planImport(deps, input);
  const conflicts: string[] = [];
  const writes = plan.filter((p) => !p.before || !same(p.before, p.unit));
  // A few at a time: a registry of a few hundred units in a few seconds, without a burst.
  for (let i = 0; i < writes.length; i += IMPORT_WRITE_CONCURRENCY) {
    await Promise.all(
      writes.slice(i, i + IMPORT_WRITE_CONCURRENCY).map(async ({ unit, before }) => {
        try {
          if (before) await deps.units.update(unit, before);
          else await deps.units.add(unit);
        } catch (err) {
          if (!(err instanceof ConflictError) && !(err instanceof NotFoundError)) throw err;
          conflicts.push(unit.code);
        }
      }),
    );
  }
  if (conflicts.length > 0) throw new UnitImportConflictError(result, conflicts.sort());
  return result;
}

const IMPORT_WRITE_CONCURRENCY = 8;
