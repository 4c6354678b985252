/**
 * The deployment's unit types (loại đơn vị): read them (nothing saved → the 2019 types), add,
 * edit and remove one. Every change rewrites the one stored list on the condition that nobody
 * changed it since it was read (`UnitTypeStore.write`). A type still used by an active unit or
 * named by a form in the catalog cannot be removed: mark it `legacy` instead, which keeps old
 * data and forms reading while new units can no longer take it.
 */
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type { FormDefinition } from '../forms/definition';
import type { UnitRepository, UnitTypeStore } from '../ports';
import { createUnitTypeRegistry, UNIT_TYPE_CODE_PATTERN, UNIT_TYPE_LIMITS, UNIT_TYPES_2019, UnitTypeInfoSchema, type UnitTypeInfo, type UnitTypeRegistry } from '../units/unit-types';

/** The saved types, or the 2019 types when nothing was saved. */
export async function loadUnitTypes(store: Pick<UnitTypeStore, 'read'>): Promise<UnitTypeInfo[]> {
  const saved = await store.read();
  return saved ? saved.types : UNIT_TYPES_2019.map((t) => ({ ...t }));
}

/** The registry a catalog is built with. */
export async function loadUnitTypeRegistry(store: Pick<UnitTypeStore, 'read'>): Promise<UnitTypeRegistry> {
  return createUnitTypeRegistry(await loadUnitTypes(store));
}

/** The loader a run-time catalog takes (`loadUnitTypes: () => Promise<UnitTypeInfo[]>`). */
export function unitTypesLoader(store: Pick<UnitTypeStore, 'read'>): () => Promise<UnitTypeInfo[]> {
  return () => loadUnitTypes(store);
}

export interface ManageUnitTypesDeps {
  unitTypeStore: UnitTypeStore;
  clock: { now(): Date };
}

/** What `add` takes: the plural defaults to the name, the order to after the last type. */
export interface UnitTypeInput {
  code: string;
  name: string;
  plural?: string;
  order?: number;
  legacy?: boolean;
}

export type UnitTypePatch = Partial<Omit<UnitTypeInput, 'code'>>;

const shown = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

function requireCode(code: string): void {
  if (!UNIT_TYPE_CODE_PATTERN.test(code)) throw new InvalidInputError('UNIT_TYPE_CODE_INVALID', `Mã loại đơn vị "${shown(code)}" không hợp lệ: chỉ gồm chữ thường không dấu a-z, chữ số và "-", tối đa 40 ký tự (ví dụ dang-uy-xa).`);
}

/** What each field must be, as the refusal says it. */
const FIELD_RULES: Record<string, string> = {
  name: `tên (--name) phải có từ 1 đến ${UNIT_TYPE_LIMITS.maxNameLength} ký tự`,
  plural: `tên gọi chung (--plural) phải có từ 1 đến ${UNIT_TYPE_LIMITS.maxNameLength} ký tự`,
  order: `thứ tự (--order) phải là số nguyên từ 0 đến ${UNIT_TYPE_LIMITS.maxOrder}`,
};

/** Checks one type against the stored shape; InvalidInputError `UNIT_TYPE_INVALID` naming the field. */
function checked(type: UnitTypeInfo): UnitTypeInfo {
  const result = UnitTypeInfoSchema.safeParse(type);
  if (!result.success) {
    const field = String(result.error.issues[0]?.path[0] ?? '');
    throw new InvalidInputError('UNIT_TYPE_INVALID', `Loại đơn vị "${shown(type.code)}": ${FIELD_RULES[field] ?? 'giá trị không hợp lệ'}.`);
  }
  return { code: result.data.code, name: result.data.name, plural: result.data.plural, order: result.data.order, ...(result.data.legacy ? { legacy: true } : {}) };
}

async function current(store: UnitTypeStore): Promise<{ types: UnitTypeInfo[]; revision: number }> {
  const saved = await store.read();
  return saved ? { types: saved.types, revision: saved.revision } : { types: UNIT_TYPES_2019.map((t) => ({ ...t })), revision: 0 };
}

/** Adds a type; ConflictError `UNIT_TYPE_EXISTS` when the code is taken, `UNIT_TYPES_TOO_MANY` past 50. */
export async function addUnitType(deps: ManageUnitTypesDeps, input: UnitTypeInput): Promise<{ after: UnitTypeInfo; revision: number }> {
  requireCode(input.code);
  const { types, revision } = await current(deps.unitTypeStore);
  if (types.some((t) => t.code === input.code)) throw new ConflictError('UNIT_TYPE_EXISTS', `Đã có loại đơn vị mã "${input.code}". Để sửa tên hoặc thứ tự: npx tonghop unit-types edit ${input.code} …`);
  if (types.length >= UNIT_TYPE_LIMITS.maxTypes) throw new InvalidInputError('UNIT_TYPES_TOO_MANY', `Đã có ${types.length} loại đơn vị, tối đa ${UNIT_TYPE_LIMITS.maxTypes}: xóa bớt loại không dùng trước khi thêm.`);
  const name = input.name.trim();
  const after = checked({
    code: input.code,
    name,
    plural: (input.plural ?? name).trim(),
    order: input.order ?? Math.min(UNIT_TYPE_LIMITS.maxOrder, Math.max(0, ...types.map((t) => t.order)) + 1),
    ...(input.legacy ? { legacy: true } : {}),
  });
  const next = await deps.unitTypeStore.write([...types, after], revision, deps.clock.now().toISOString());
  return { after, revision: next };
}

/** Changes a type's name, plural label, order or legacy mark (the code stays: units and forms name it). */
export async function editUnitType(deps: ManageUnitTypesDeps, code: string, patch: UnitTypePatch): Promise<{ before: UnitTypeInfo; after: UnitTypeInfo; revision: number }> {
  requireCode(code);
  const { types, revision } = await current(deps.unitTypeStore);
  const before = types.find((t) => t.code === code);
  if (!before) throw notFound(code);
  const legacy = patch.legacy ?? before.legacy ?? false;
  const after = checked({
    code,
    name: (patch.name ?? before.name).trim(),
    plural: (patch.plural ?? before.plural).trim(),
    order: patch.order ?? before.order,
    ...(legacy ? { legacy: true } : {}),
  });
  const next = await deps.unitTypeStore.write(types.map((t) => (t.code === code ? after : t)), revision, deps.clock.now().toISOString());
  return { before, after, revision: next };
}

const notFound = (code: string) => new NotFoundError('UNIT_TYPE_NOT_FOUND', `Không có loại đơn vị mã "${shown(code)}" (xem npx tonghop unit-types list).`);

/** Whether a form names a type (deadlines by type, a section or a row for some types). */
export function formNamesUnitType(form: Pick<FormDefinition, 'deadlines' | 'sections'>, code: string): boolean {
  return (
    Object.hasOwn(form.deadlines.byUnitType, code) ||
    form.sections.some((s) => s.unitTypes?.includes(code) || s.rows.some((r) => r.unitTypes?.includes(code)))
  );
}

export interface RemoveUnitTypeDeps extends ManageUnitTypesDeps {
  units: Pick<UnitRepository, 'list'>;
  /** The catalog's forms, every version (a form that names the type keeps it). */
  forms: ReadonlyArray<Pick<FormDefinition, 'id' | 'version' | 'deadlines' | 'sections'>>;
}

/**
 * Removes a type no active unit has and no form names; ConflictError `UNIT_TYPE_IN_USE` naming
 * them otherwise. Inactive units of the type keep it: they display with the code as label.
 */
export async function removeUnitType(deps: RemoveUnitTypeDeps, code: string): Promise<{ before: UnitTypeInfo; revision: number }> {
  requireCode(code);
  const { types, revision } = await current(deps.unitTypeStore);
  const before = types.find((t) => t.code === code);
  if (!before) throw notFound(code);
  const units = (await deps.units.list()).filter((u) => u.type === code);
  if (units.length > 0) {
    const names = units.slice(0, 5).map((u) => u.code).join(', ') + (units.length > 5 ? ', …' : '');
    throw new ConflictError(
      'UNIT_TYPE_IN_USE',
      `Không xóa được loại đơn vị "${code}": còn ${units.length} đơn vị đang hoạt động thuộc loại này (${names}). Chuyển các đơn vị đó sang loại khác hoặc ngừng hoạt động trước; hoặc giữ loại này cho dữ liệu cũ: npx tonghop unit-types edit ${code} --legacy.`,
    );
  }
  const forms = [...new Set(deps.forms.filter((f) => formNamesUnitType(f, code)).map((f) => f.id))];
  if (forms.length > 0) {
    throw new ConflictError(
      'UNIT_TYPE_IN_USE',
      `Không xóa được loại đơn vị "${code}": biểu mẫu ${forms.slice(0, 5).join(', ')} có hạn nộp, phần hoặc dòng dành cho loại này. Giữ loại này cho dữ liệu cũ: npx tonghop unit-types edit ${code} --legacy.`,
    );
  }
  if (types.length === 1) throw new InvalidInputError('UNIT_TYPES_EMPTY', 'Không xóa loại đơn vị cuối cùng: hệ thống cần ít nhất một loại đơn vị.');
  const next = await deps.unitTypeStore.write(types.filter((t) => t.code !== code), revision, deps.clock.now().toISOString());
  return { before, revision: next };
}
