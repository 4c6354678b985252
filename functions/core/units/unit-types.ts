/**
 * Unit types (loại đơn vị) as data: a deployment defines its own (code, name, plural label,
 * order). The 2019 structure's five types are the default registry, so old data keeps reading.
 * Forms name types from the registry (deadlines by type, sections and rows for some types).
 *
 * A type marked `legacy` stays in the registry so that old units, old periods and forms that
 * name it keep reading and counting, but it is not offered for new units (the console's
 * "Thêm đơn vị" select). A unit whose type is in no registry at all (data older than the
 * registry, or a type removed by hand) still displays, with its code as label, and still counts.
 */
import * as z from 'zod/mini';

/** A unit type's code: lower-case ASCII, digits and `-`, at most 40 characters (e.g. `dang-uy-xa`). */
export const UNIT_TYPE_CODE_PATTERN = /^[a-z0-9-]{1,40}$/;

/** Bounds of a registry: it is rendered into every select, filter and workbook. */
export const UNIT_TYPE_LIMITS = { maxTypes: 50, maxNameLength: 200, maxOrder: 9999 } as const;

export interface UnitTypeInfo {
  /** Stable code stored on units and named by forms, e.g. `so-nganh`, `dang-uy-xa`. */
  code: string;
  /** Singular name, e.g. "Sở, ban, ngành" (one unit of this type). */
  name: string;
  /** Plural label for headings and groups, e.g. "Các sở, ban, ngành". */
  plural: string;
  /** Display order (ascending) in lists, filters and the consolidated workbook. */
  order: number;
  /** Kept for old data and forms that name it; not offered for new units. */
  legacy?: boolean;
}

export interface UnitTypeRegistry {
  /** Every type, in display order. */
  list(): UnitTypeInfo[];
  /** The types offered for a new unit (every type but the legacy ones), in display order. */
  offered(): UnitTypeInfo[];
  get(code: string): UnitTypeInfo | undefined;
  has(code: string): boolean;
  /** The plural label of a type, or the code itself when the type is unknown (old data). */
  label(code: string): string;
  /** Display order of two type codes: the registry's order, unknown codes after every known one (by code). */
  compare(a: string, b: string): number;
}

/** The 2019 structure (domain brief): the default registry. */
export const UNIT_TYPES_2019: readonly UnitTypeInfo[] = [
  { code: 'ban-dang', name: 'Ban đảng, Văn phòng Tỉnh ủy', plural: 'Các ban đảng, Văn phòng Tỉnh ủy', order: 1 },
  { code: 'so-nganh', name: 'Sở, ban, ngành', plural: 'Sở, ban, ngành', order: 2 },
  { code: 'mttq-doan-the', name: 'MTTQ, đoàn thể', plural: 'MTTQ và các đoàn thể', order: 3 },
  { code: 'huyen', name: 'Huyện ủy, thị ủy, thành ủy', plural: 'Huyện ủy, thị ủy, thành ủy', order: 4 },
  { code: 'dang-uy-truc-thuoc', name: 'Đảng ủy trực thuộc', plural: 'Đảng ủy trực thuộc', order: 5 },
];

export function createUnitTypeRegistry(types: readonly UnitTypeInfo[] = UNIT_TYPES_2019): UnitTypeRegistry {
  const sorted = [...types].sort((a, b) => a.order - b.order || a.code.localeCompare(b.code));
  const byCode = new Map(sorted.map((t) => [t.code, t]));
  const rank = new Map(sorted.map((t, i) => [t.code, i]));
  return {
    list: () => sorted.map((t) => ({ ...t })),
    offered: () => sorted.filter((t) => !t.legacy).map((t) => ({ ...t })),
    get: (code) => byCode.get(code),
    has: (code) => byCode.has(code),
    label: (code) => byCode.get(code)?.plural ?? code,
    compare: (a, b) => (rank.get(a) ?? sorted.length) - (rank.get(b) ?? sorted.length) || a.localeCompare(b),
  };
}

/** The default registry (the 2019 structure), for code that has no catalog at hand. */
export const DEFAULT_UNIT_TYPES: UnitTypeRegistry = createUnitTypeRegistry();

const boundedText = z.string().check(z.trim(), z.minLength(1, 'không được để trống'), z.maxLength(UNIT_TYPE_LIMITS.maxNameLength, `tối đa ${UNIT_TYPE_LIMITS.maxNameLength} ký tự`));

/** One type as stored and as the CLI takes it. */
export const UnitTypeInfoSchema = z.object({
  code: z.string().check(z.regex(UNIT_TYPE_CODE_PATTERN, 'mã loại chỉ gồm a-z, 0-9 và "-", tối đa 40 ký tự')),
  name: boundedText,
  plural: boundedText,
  order: z.int().check(z.gte(0), z.lte(UNIT_TYPE_LIMITS.maxOrder)),
  legacy: z.optional(z.boolean()),
});

/** A whole registry: bounded, codes unique. */
export const UnitTypeListSchema = z.array(UnitTypeInfoSchema).check(
  z.maxLength(UNIT_TYPE_LIMITS.maxTypes, `tối đa ${UNIT_TYPE_LIMITS.maxTypes} loại đơn vị`),
  z.refine((list) => new Set(list.map((t) => t.code)).size === list.length, 'mã loại đơn vị bị trùng'),
);

/**
 * Checks a registry (stored or about to be stored); throws `Error` naming the first problem in
 * Vietnamese. Used by the store on read, so a hand-edited item cannot feed an unbounded list.
 */
export function parseUnitTypes(raw: unknown): UnitTypeInfo[] {
  const result = UnitTypeListSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.map(String).join('.')})` : '';
    throw new Error(`Danh sách loại đơn vị không hợp lệ${where}: ${issue?.message ?? 'sai định dạng'}.`);
  }
  return result.data.map((t) => ({ code: t.code, name: t.name, plural: t.plural, order: t.order, ...(t.legacy ? { legacy: true } : {}) }));
}
