/**
 * The console's unit management (Đơn vị): add one unit, edit one against the state the operator
 * saw, each checked by the same rules as the registry import (`checkUnitRecords`), so a unit
 * typed into the page and a row of an imported file are held to exactly one standard.
 *
 * An edit carries the `unitVersion` of the unit as its form was rendered (a fingerprint of the
 * editable details, not a counter: the CLI import and the console's import write units too, and
 * every writer then moves it without knowing of it). A stale version is refused before writing,
 * and the write itself is conditional on the same details, so two operators cannot silently
 * overwrite each other even in the instant between the read and the write.
 */
import { createHash } from 'node:crypto';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import type { Unit } from '../model';
import type { UnitDetails, UnitRepository } from '../ports';
import { checkUnitRecords, type UnitColumn } from '../units/parse-units';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from '../units/unit-types';

/** What the page's add/edit form sends, as text (bounded before any check). */
export interface UnitFormInput {
  code: string;
  name: string;
  type: string;
  /** Addresses separated by `;`, `,`, spaces or new lines. */
  emails: string;
  active: boolean;
}

/** Longest text of each field accepted before checking (the checks' own limits are smaller). */
const MAX_FIELD_LENGTH: Record<Exclude<UnitColumn, 'active'>, number> = { code: 64, name: 300, type: 64, emails: 2000 };
/** A unit's mailbox list is short; more addresses than this is a paste error. */
export const MAX_UNIT_EMAILS = 20;

/** Field errors in Vietnamese, by field, as the form shows them next to each field. */
export type UnitFieldErrors = Partial<Record<UnitColumn, string>>;

/** The form's input refused: `fields` holds one Vietnamese message per bad field. */
export class UnitInputError extends InvalidInputError {
  readonly fields: UnitFieldErrors;
  constructor(fields: UnitFieldErrors) {
    super('UNIT_INPUT_INVALID', `Thông tin đơn vị chưa hợp lệ: ${Object.values(fields).join(' ')}`);
    this.fields = fields;
  }
}

/** The import's row message without its "Dòng 2: " prefix, as a sentence. */
function asFieldMessage(message: string): string {
  const text = message.replace(/^Dòng \d+:\s*/, '');
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
}

/** Checks one unit as the import checks a row; throws `UnitInputError` with every bad field. */
export function checkUnitInput(input: UnitFormInput, options: { unitTypes?: UnitTypeRegistry; allowTypes?: readonly string[] } = {}): Omit<Unit, 'keyVersion'> {
  const errors: UnitFieldErrors = {};
  for (const [field, max] of Object.entries(MAX_FIELD_LENGTH) as Array<[Exclude<UnitColumn, 'active'>, number]>) {
    if (input[field].length > max) errors[field] = `Dài quá ${max} ký tự.`;
  }
  if (!errors.emails && input.emails.split(/[;,\s]+/).filter(Boolean).length > MAX_UNIT_EMAILS) errors.emails = `Nhiều quá ${MAX_UNIT_EMAILS} địa chỉ email.`;
  if (Object.keys(errors).length > 0) throw new UnitInputError(errors);
  const header = ['code', 'name', 'type', 'emails', 'active'];
  const { rows, issues } = checkUnitRecords([header, [input.code, input.name, input.type, input.emails, input.active ? 'có' : 'không']], options);
  for (const issue of issues) {
    const field = issue.column ?? 'code';
    errors[field] ??= asFieldMessage(issue.message);
  }
  const row = rows[0];
  if (Object.keys(errors).length > 0 || !row) throw new UnitInputError(Object.keys(errors).length > 0 ? errors : { code: 'Thông tin đơn vị chưa hợp lệ.' });
  return { code: row.code, name: row.name, type: row.type, emails: row.emails, active: row.active };
}

/** The editable details of a unit. */
export function unitDetails(unit: UnitDetails): UnitDetails {
  return { name: unit.name, type: unit.type, emails: [...unit.emails], active: unit.active };
}

/** A short fingerprint of a unit's editable details: the edit form's hidden `unitVersion`. */
export function unitVersion(unit: UnitDetails): string {
  return createHash('sha256').update(JSON.stringify([unit.name, unit.type, unit.emails, unit.active])).digest('base64url').slice(0, 16);
}

export const unitChanged = (code: string, cause?: unknown) =>
  new ConflictError('UNIT_CHANGED', `Đơn vị ${code} vừa được người khác thay đổi sau khi đồng chí mở trang. Chưa lưu thay đổi của đồng chí: hãy xem thông tin mới nhất bên dưới và sửa lại nếu vẫn cần.`, cause);

/** Adds a unit (its links start at key version 1); ConflictError `UNIT_EXISTS` when the code is taken (any case). */
export async function addUnit(deps: { units: Pick<UnitRepository, 'add' | 'list'>; unitTypes?: UnitTypeRegistry }, input: UnitFormInput): Promise<Unit> {
  const unitTypes = deps.unitTypes ?? DEFAULT_UNIT_TYPES;
  const checked = checkUnitInput(input, { unitTypes });
  // A legacy type is kept for old units and forms; a new unit takes one of today's types.
  if (unitTypes.get(checked.type)?.legacy) {
    throw new UnitInputError({ type: `Loại "${unitTypes.label(checked.type)}" là loại cũ, chỉ giữ cho đơn vị đã có. Chọn một loại đơn vị hiện hành.` });
  }
  // Codes are unique without regard to case, as the import treats them.
  const clash = (await deps.units.list({ includeInactive: true })).find((u) => u.code.toUpperCase() === checked.code.toUpperCase());
  if (clash) throw unitExists(clash.code);
  const unit: Unit = { ...checked, keyVersion: 1 };
  try {
    await deps.units.add(unit);
  } catch (err) {
    if (err instanceof ConflictError) throw unitExists(unit.code, err);
    throw err;
  }
  return unit;
}

const unitExists = (code: string, cause?: unknown) => new ConflictError('UNIT_EXISTS', `Đã có đơn vị mã ${code}. Mỗi đơn vị một mã; để sửa đơn vị đó, mở trang của đơn vị.`, cause);

/**
 * Edits a unit's details if it is still as the form showed it (`version`); the code stays.
 * Returns the unit before and after (for the audit entry).
 */
export async function editUnit(
  deps: { units: Pick<UnitRepository, 'get' | 'update'>; unitTypes?: UnitTypeRegistry },
  input: { code: string; version: string; details: Omit<UnitFormInput, 'code'> },
): Promise<{ before: Unit; after: Unit }> {
  const before = await deps.units.get(input.code);
  if (!before) throw new NotFoundError('UNIT_NOT_FOUND', 'Không tìm thấy đơn vị này.');
  // The unit may keep its type even when that type left the registry (old data).
  const checked = checkUnitInput({ ...input.details, code: before.code }, { unitTypes: deps.unitTypes, allowTypes: [before.type] });
  if (input.version !== unitVersion(before)) throw unitChanged(before.code);
  try {
    await deps.units.update(checked, unitDetails(before));
  } catch (err) {
    if (err instanceof ConflictError) throw unitChanged(before.code, err);
    throw err;
  }
  return { before, after: { ...checked, keyVersion: before.keyVersion } };
}
