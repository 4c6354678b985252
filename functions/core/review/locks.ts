/**
 * Whether a (form, period) is locked for a unit, from the stored lock, its exceptions and the
 * form's auto-lock: one home for the rule that `POST /api/uploads`, ingest and the review use
 * case all apply.
 *
 * - A lock record (set by an operator) decides: locked, or unlocked by an admin (an unlock
 *   also overrides the auto-lock, so an admin can reopen an auto-locked period).
 * - Without one, the period locks itself `autoLockDays` after its consolidation, when the form
 *   says so.
 * - A unit with an exception whose date is still ahead may upload and be reviewed.
 */
import { ConflictError } from '../errors';
import type { FormDefinition } from '../forms/definition';
import { formatLocalDateTime } from '../format-vi';
import { consolidationAt, periodLabel } from '../periods';
import type { LockException, PeriodLockState } from './model';

const DAY_MS = 86_400_000;

export interface LockStatus {
  locked: boolean;
  /** When it locked (the operator's lock, or the auto-lock instant). */
  since?: Date;
  source?: 'manual' | 'auto';
}

/** The instant the form locks the period by itself, if it does. */
export function autoLockAt(form: FormDefinition, period: string): Date | undefined {
  const days = form.consolidation.autoLockDays;
  return days === undefined ? undefined : new Date(consolidationAt(form, period).getTime() + days * DAY_MS);
}

/** The (form, period)'s lock at `now`, whoever asks. */
export function periodLockStatus(form: FormDefinition, period: string, state: PeriodLockState, now: Date): LockStatus {
  if (state.lock) return state.lock.locked ? { locked: true, since: new Date(state.lock.at), source: 'manual' } : { locked: false };
  const auto = autoLockAt(form, period);
  return auto && now.getTime() >= auto.getTime() ? { locked: true, since: auto, source: 'auto' } : { locked: false };
}

/** The unit's exception still running at `now`, if any. */
export function liveException(state: PeriodLockState, unitCode: string, now: Date): LockException | undefined {
  return state.exceptions.find((e) => e.unitCode === unitCode && Date.parse(e.until) > now.getTime());
}

/** What the unit may not do while locked: upload a version, or have its review changed. */
export type LockedAction = 'upload' | 'review';

/**
 * Throws 409 `PERIOD_LOCKED` (Vietnamese, naming the lock date and whom to contact) when the
 * period is locked for this unit at `now`; a live exception lets it through.
 */
export function requireOpenFor(form: FormDefinition, period: string, unitCode: string, state: PeriodLockState, now: Date, action: LockedAction): void {
  const status = periodLockStatus(form, period, state, now);
  if (!status.locked || liveException(state, unitCode, now)) return;
  throw periodLocked(form, period, status.since, action);
}

export function periodLocked(form: FormDefinition, period: string, since: Date | undefined, action: LockedAction): ConflictError {
  const when = since ? ` từ ${formatLocalDateTime(since)}` : '';
  // "Quý I năm 2019", "Năm 2019" read mid-sentence in lower case.
  const what = `Kỳ báo cáo ${periodLabel(period).replace(/^./, (c) => c.toLocaleLowerCase('vi'))} của biểu mẫu "${form.name}" đã khóa${when}`;
  return new ConflictError(
    'PERIOD_LOCKED',
    action === 'upload'
      ? `${what}: hệ thống không nhận thêm bản nộp. Nếu đơn vị cần nộp bổ sung hoặc sửa số liệu, vui lòng liên hệ Ban Tổ chức Tỉnh ủy để được mở kỳ cho đơn vị.`
      : `${what}: không thay đổi được việc duyệt báo cáo. Cần quản trị viên mở khóa kỳ, hoặc cấp ngoại lệ cho đơn vị (npx tonghop periods exception).`,
  );
}
