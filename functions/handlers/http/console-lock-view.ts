/**
 * A (form, period)'s lock as the console shows it (the status page's panel, the "Khóa kỳ" page and
 * its JSON): the state at the clock's now, the last lock record, the auto-lock instant and the
 * exceptions, from one read of the lock store.
 */
import type { FormDefinition } from '../../core/forms/definition';
import { periodLabel } from '../../core/periods';
import type { Clock, PeriodLockStore } from '../../core/ports';
import { autoLockAt, periodLockStatus } from '../../core/review/locks';
import type { LockException } from '../../core/review/model';
import type { LockView } from '../../portal/render-console-lock-panel';

/** What the status page's panel and the lock page show of a (form, period)'s lock. */
export async function readLockView(deps: { locks: Pick<PeriodLockStore, 'getLockState'>; clock: Clock }, form: FormDefinition, period: string): Promise<LockView & { exceptions: LockException[] }> {
  const state = await deps.locks.getLockState(form.id, period);
  const status = periodLockStatus(form, period, state, deps.clock.now());
  const auto = autoLockAt(form, period);
  const days = form.consolidation.autoLockDays;
  return {
    form: { id: form.id, name: form.name, ...(days !== undefined ? { autoLockDays: days } : {}) },
    period: { id: period, label: periodLabel(period) },
    status,
    ...(state.lock ? { lock: state.lock } : {}),
    ...(auto ? { autoLockAt: auto } : {}),
    exceptions: state.exceptions,
  };
}
