/**
 * Locking a (form, period) ("khóa kỳ") once the province report is final, reopening it (admin
 * only) and per-unit exceptions ("mở cho đơn vị nộp bổ sung" until a date). Each change is one
 * conditional write on what was read, and one audit entry with before → after.
 *
 * `requireUploadOpen` is what `POST /api/uploads` and ingest ask before taking a version.
 */
import { ForbiddenError, InvalidInputError, NotFoundError, ConflictError } from '../errors';
import type { FormDefinition } from '../forms/definition';
import { formatLocalDateTime } from '../format-vi';
import type { OperatorRole } from '../operators/model';
import { localInstant, parsePeriod } from '../periods';
import type { AuditLog, Clock, PeriodLockStore, UnitRepository } from '../ports';
import { liveException, periodLockStatus, requireOpenFor, type LockStatus } from '../review/locks';
import { cleanOperatorText, MAX_LOCK_REASON_LENGTH, type LockException, type PeriodLockRecord, type PeriodLockState } from '../review/model';
import type { FormLookup } from './form-lookup';

/** Who acts: an operator's email (or the CLI's `cli:<user>`) and the role the action is checked against. */
export interface Actor {
  id: string;
  role: OperatorRole;
}

export interface PeriodLockDeps {
  catalog: FormLookup;
  locks: PeriodLockStore;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

/** Longest exception: a year. */
const MAX_EXCEPTION_DAYS = 366;

/** Refuses a viewer (leadership reads, it does not act). */
export function requireOperator(actor: Actor): void {
  if (actor.role === 'viewer') throw new ForbiddenError('OPERATOR_REQUIRED', 'Vai trò "xem" không được duyệt, trả lại hay khóa kỳ báo cáo; cần vai trò vận hành hoặc quản trị.');
}

/** The form, with `period` checked against its period type; 404 otherwise. */
export function requireFormPeriod(catalog: FormLookup, formId: unknown, period: unknown): FormDefinition {
  const form = typeof formId === 'string' && formId.length <= 64 ? catalog.get(formId) : undefined;
  if (!form) throw new NotFoundError('FORM_NOT_FOUND', 'Không có biểu mẫu này.');
  try {
    parsePeriod(typeof period === 'string' ? period.slice(0, 16) : '', form.periodType);
  } catch (cause) {
    throw new NotFoundError('PERIOD_NOT_FOUND', `Biểu mẫu "${form.name}" không có kỳ báo cáo này.`, cause);
  }
  return form;
}

function lockSummary(status: LockStatus, lock: PeriodLockRecord | undefined) {
  return { locked: status.locked, ...(status.source ? { source: status.source } : {}), ...(lock ? { by: lock.actor, at: lock.at } : {}) };
}

export interface LockResult {
  formId: string;
  period: string;
  status: LockStatus;
}

/** Locks the (form, period); 409 `PERIOD_ALREADY_LOCKED` when it already is. */
export async function lockPeriod(deps: PeriodLockDeps, input: { formId: string; period: string; reason?: unknown; actor: Actor }): Promise<LockResult> {
  requireOperator(input.actor);
  const form = requireFormPeriod(deps.catalog, input.formId, input.period);
  const reason = cleanOperatorText(input.reason, { code: 'REASON_INVALID', label: 'Lý do', max: MAX_LOCK_REASON_LENGTH });
  const now = deps.clock.now();
  const state = await deps.locks.getLockState(form.id, input.period);
  const before = periodLockStatus(form, input.period, state, now);
  if (before.locked) throw new ConflictError('PERIOD_ALREADY_LOCKED', `Kỳ báo cáo này đã khóa${before.since ? ` từ ${formatLocalDateTime(before.since)}` : ''}.`);
  const next: PeriodLockRecord = { formId: form.id, period: input.period, locked: true, actor: input.actor.id, at: now.toISOString(), ...(reason ? { reason } : {}), rev: (state.lock?.rev ?? 0) + 1 };
  await deps.locks.putLock(next, state.lock?.rev);
  const after = periodLockStatus(form, input.period, { ...state, lock: next }, now);
  await deps.audit.record({ at: next.at, actor: input.actor.id, action: 'period.lock', target: `${form.id}/${input.period}`, before: lockSummary(before, state.lock), after: { ...lockSummary(after, next), ...(reason ? { reason } : {}) } });
  return { formId: form.id, period: input.period, status: after };
}

/** Reopens the (form, period) for everyone: admin only (403 `ADMIN_REQUIRED`); 409 `PERIOD_NOT_LOCKED` when it is open. */
export async function unlockPeriod(deps: PeriodLockDeps, input: { formId: string; period: string; reason?: unknown; actor: Actor }): Promise<LockResult> {
  if (input.actor.role !== 'admin') throw new ForbiddenError('ADMIN_REQUIRED', 'Chỉ quản trị viên được mở khóa kỳ báo cáo. Để một đơn vị nộp bổ sung, hãy cấp ngoại lệ cho đơn vị đó.');
  const form = requireFormPeriod(deps.catalog, input.formId, input.period);
  const reason = cleanOperatorText(input.reason, { code: 'REASON_INVALID', label: 'Lý do', max: MAX_LOCK_REASON_LENGTH });
  const now = deps.clock.now();
  const state = await deps.locks.getLockState(form.id, input.period);
  const before = periodLockStatus(form, input.period, state, now);
  if (!before.locked) throw new ConflictError('PERIOD_NOT_LOCKED', 'Kỳ báo cáo này đang mở, không cần mở khóa.');
  const next: PeriodLockRecord = { formId: form.id, period: input.period, locked: false, actor: input.actor.id, at: now.toISOString(), ...(reason ? { reason } : {}), rev: (state.lock?.rev ?? 0) + 1 };
  await deps.locks.putLock(next, state.lock?.rev);
  await deps.audit.record({ at: next.at, actor: input.actor.id, action: 'period.unlock', target: `${form.id}/${input.period}`, before: lockSummary(before, state.lock), after: { locked: false, ...(reason ? { reason } : {}) } });
  return { formId: form.id, period: input.period, status: { locked: false } };
}

/**
 * `until` as a day (yyyy-mm-dd, the exception runs to the end of that day in Asia/Ho_Chi_Minh)
 * or an ISO instant with a zone; in the future and within a year.
 */
export function parseExceptionUntil(value: unknown, now: Date): Date {
  const bad = () => new InvalidInputError('UNTIL_INVALID', `Hạn ngoại lệ phải là một ngày (yyyy-mm-dd) sau hôm nay, không quá ${MAX_EXCEPTION_DAYS} ngày.`);
  if (typeof value !== 'string' || value.length > 40) throw bad();
  let until: Date;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) throw bad();
    until = localInstant({ year: y, month: m, day: d }, '23:59');
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    until = new Date(value);
  } else throw bad();
  if (Number.isNaN(until.getTime()) || until.getTime() <= now.getTime() || until.getTime() > now.getTime() + MAX_EXCEPTION_DAYS * 86_400_000) throw bad();
  return until;
}

/**
 * Lets one unit upload (and be reviewed) in the (form, period) until a date, whether it is locked
 * already or will be (auto-lock). Granting again replaces the unit's exception. Reason required.
 */
export async function grantLockException(
  deps: PeriodLockDeps & { units: Pick<UnitRepository, 'get'> },
  input: { formId: string; period: string; unitCode: string; until: unknown; reason: unknown; actor: Actor },
): Promise<LockException> {
  requireOperator(input.actor);
  const form = requireFormPeriod(deps.catalog, input.formId, input.period);
  const reason = cleanOperatorText(input.reason, { code: 'REASON_INVALID', label: 'Lý do', max: MAX_LOCK_REASON_LENGTH });
  if (!reason) throw new InvalidInputError('REASON_REQUIRED', 'Cần ghi lý do mở kỳ cho đơn vị.');
  const now = deps.clock.now();
  const until = parseExceptionUntil(input.until, now);
  const unit = typeof input.unitCode === 'string' && input.unitCode.length <= 40 ? await deps.units.get(input.unitCode) : undefined;
  if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', 'Không có đơn vị báo cáo với mã này.');
  const state = await deps.locks.getLockState(form.id, input.period);
  const previous = state.exceptions.find((e) => e.unitCode === unit.code);
  const next: LockException = { formId: form.id, period: input.period, unitCode: unit.code, until: until.toISOString(), reason, actor: input.actor.id, at: now.toISOString() };
  await deps.locks.putException(next, previous?.at);
  await deps.audit.record({
    at: next.at, actor: input.actor.id, action: 'period.exception', target: `${form.id}/${input.period}/${unit.code}`,
    ...(previous ? { before: { until: previous.until, reason: previous.reason } } : {}),
    after: { until: next.until, reason },
  });
  return next;
}

/**
 * Ends the unit's live exception now, before its date ("kết thúc sớm"); reason required. Nothing
 * is deleted: the exception is written again with `until` = now and who ended it, when and why,
 * conditional on the `at` that was read (a concurrent grant or end: 409 `LOCK_CONFLICT`). 409
 * `EXCEPTION_NOT_ACTIVE` when the unit has no exception still running.
 */
export async function endLockException(
  deps: PeriodLockDeps,
  input: { formId: string; period: string; unitCode: string; reason: unknown; actor: Actor },
): Promise<LockException> {
  requireOperator(input.actor);
  const form = requireFormPeriod(deps.catalog, input.formId, input.period);
  const reason = cleanOperatorText(input.reason, { code: 'REASON_INVALID', label: 'Lý do', max: MAX_LOCK_REASON_LENGTH });
  if (!reason) throw new InvalidInputError('REASON_REQUIRED', 'Cần ghi lý do kết thúc sớm ngoại lệ.');
  const now = deps.clock.now();
  const state = await deps.locks.getLockState(form.id, input.period);
  const unitCode = typeof input.unitCode === 'string' && input.unitCode.length <= 40 ? input.unitCode : '';
  const previous = liveException(state, unitCode, now);
  if (!previous) throw new ConflictError('EXCEPTION_NOT_ACTIVE', 'Đơn vị này không có ngoại lệ còn hiệu lực trong kỳ báo cáo này (chưa được cấp, đã hết hạn hoặc đã kết thúc sớm).');
  const at = now.toISOString();
  const next: LockException = { ...previous, until: at, at, endedAt: at, endedBy: input.actor.id, endReason: reason };
  await deps.locks.putException(next, previous.at);
  await deps.audit.record({
    at, actor: input.actor.id, action: 'period.exception-end', target: `${form.id}/${input.period}/${previous.unitCode}`,
    before: { until: previous.until, reason: previous.reason },
    after: { until: next.until, reason: previous.reason, endReason: reason },
  });
  return next;
}

/** The (form, period)'s lock state as read now (for listings). */
export async function readLockStatus(deps: Pick<PeriodLockDeps, 'locks' | 'clock'>, form: FormDefinition, period: string): Promise<{ status: LockStatus; state: PeriodLockState }> {
  const state = await deps.locks.getLockState(form.id, period);
  return { status: periodLockStatus(form, period, state, deps.clock.now()), state };
}

/** Throws 409 `PERIOD_LOCKED` when the unit may not upload a version of (form, period) at `now`. */
export async function requireUploadOpen(locks: Pick<PeriodLockStore, 'getLockState'>, form: FormDefinition, period: string, unitCode: string, now: Date): Promise<void> {
  requireOpenFor(form, period, unitCode, await locks.getLockState(form.id, period), now, 'upload');
}
