/**
 * Imports the unit registry from a CSV or XLSX file: all or nothing. Every bad row is reported
 * (row number + Vietnamese reason); when there is any, nothing is written. Units already in the
 * registry keep their key version (their links stay valid); units absent from the file are left
 * as they are (mark them `active = không` in the file to retire them).
 */
import { InvalidInputError } from '../errors';
import type { Unit } from '../model';
import type { UnitRepository } from '../ports';
import { parseUnitsFile, type UnitImportIssue } from '../units/parse-units';

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

/** Parses, checks, then writes every unit; throws `UnitImportError` (nothing written) on any bad row. */
export async function importUnits(deps: { units: UnitRepository }, input: ImportUnitsInput): Promise<ImportUnitsResult> {
  const { rows, issues } = await parseUnitsFile(input.bytes, input.fileName);
  if (issues.length > 0) throw new UnitImportError(issues);

  const existing = new Map((await deps.units.list({ includeInactive: true })).map((u) => [u.code.toUpperCase(), u]));
  const result: ImportUnitsResult = { created: [], updated: [], unchanged: [], total: rows.length };
  const units: Unit[] = rows.map((r) => {
    const before = existing.get(r.code.toUpperCase());
    const unit: Unit = { code: before?.code ?? r.code, name: r.name, type: r.type, emails: r.emails, active: r.active, keyVersion: before?.keyVersion ?? 1 };
    if (!before) result.created.push(unit.code);
    else if (same(before, unit)) result.unchanged.push(unit.code);
    else result.updated.push(unit.code);
    return unit;
  });
  await deps.units.putMany(units);
  return result;
}
