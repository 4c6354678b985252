/**
 * Unit types (loại đơn vị) as data: a deployment defines its own (code, name, plural label,
 * order). The 2019 structure's five types are the default registry, so old data keeps reading.
 * Forms name types from the registry (deadlines by type, sections and rows for some types).
 */
import { UNIT_TYPES, UNIT_TYPE_LABELS } from '../model';

export interface UnitTypeInfo {
  /** Stable code stored on units and named by forms, e.g. `so-nganh`, `dang-uy-xa`. */
  code: string;
  /** Singular name, e.g. "Sở, ban, ngành" (one unit of this type). */
  name: string;
  /** Plural label for headings and groups, e.g. "Các sở, ban, ngành". */
  plural: string;
  /** Display order (ascending) in lists, filters and the consolidated workbook. */
  order: number;
}

export interface UnitTypeRegistry {
  /** Every type, in display order. */
  list(): UnitTypeInfo[];
  get(code: string): UnitTypeInfo | undefined;
  has(code: string): boolean;
  /** The plural label of a type, or the code itself when the type is unknown (old data). */
  label(code: string): string;
}

/** The 2019 structure (domain brief): the default registry. */
export const UNIT_TYPES_2019: readonly UnitTypeInfo[] = UNIT_TYPES.map((code, i) => ({ code, name: UNIT_TYPE_LABELS[code], plural: UNIT_TYPE_LABELS[code], order: i + 1 }));

export function createUnitTypeRegistry(types: readonly UnitTypeInfo[] = UNIT_TYPES_2019): UnitTypeRegistry {
  const sorted = [...types].sort((a, b) => a.order - b.order || a.code.localeCompare(b.code));
  const byCode = new Map(sorted.map((t) => [t.code, t]));
  return {
    list: () => sorted.map((t) => ({ ...t })),
    get: (code) => byCode.get(code),
    has: (code) => byCode.has(code),
    label: (code) => byCode.get(code)?.plural ?? code,
  };
}
