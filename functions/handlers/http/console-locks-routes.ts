/**
 * The console's "Khóa kỳ" routes: a form and period's lock and its per-unit exceptions.
 *
 * - `GET  /quan-tri/khoa-ky?form=&period=`        the lock state, who set it, the auto-lock rule, the exceptions
 * - `GET  /quan-tri/khoa-ky/khoa?form=&period=`   the confirmation naming what locking stops
 * - `POST /quan-tri/khoa-ky/khoa`                 lock (operator or admin)
 * - `POST /quan-tri/khoa-ky/mo-khoa`              unlock (admin only: 403 ADMIN_REQUIRED otherwise)
 * - `POST /quan-tri/khoa-ky/ngoai-le`             let one unit upload until a date (reason required)
 * - `POST /quan-tri/khoa-ky/ket-thuc-ngoai-le`    end a unit's live exception now (reason required)
 * - `GET  /api/admin/locks?formId=&period=`       the same state as JSON
 * - `POST /api/admin/locks`                       `{ formId, period, action: 'lock' | 'unlock', reason? }`
 * - `POST /api/admin/locks/exceptions`            `{ formId, period, unit, until, reason }`
 * - `POST /api/admin/locks/exceptions/end`        `{ formId, period, unit, reason }`
 *
 * The page POSTs are plain forms (urlencoded, hidden `_csrf`) answered with a redirect back and a
 * fixed message (Post/Redirect/Get); a refusal re-renders the page with the Vietnamese message and
 * its code. The use cases (`period-locks.ts`) check roles and write the audit entry themselves, so
 * these routes audit nothing more.
 */
import * as z from 'zod/mini';
import { AppError, InvalidInputError } from '../../core/errors';
import type { FormCatalog } from '../../core/forms/catalog';
import type { FormDefinition } from '../../core/forms/definition';
import { formAppliesTo } from '../../core/forms/layout';
import { compareUnitsForDisplay } from '../../core/consolidation/report';
import type { Log } from '../../core/log';
import type { LiveSession, SignInDeps } from '../../core/operators/sign-in';
import { openPeriod, parsePeriod, periodLabel, shiftPeriod } from '../../core/periods';
import type { PeriodLockStore, ReviewStore, SubmissionRepository, UnitRepository } from '../../core/ports';
import { MAX_LOCK_REASON_LENGTH, type LockException } from '../../core/review/model';
import { endLockException, grantLockException, lockPeriod, requireFormPeriod, unlockPeriod, type Actor, type PeriodLockDeps } from '../../core/usecases/period-locks';
import { formStatus } from '../../core/usecases/form-status';
import {
  isLockMessage, LOCKS_EXCEPTION_END_PATH, LOCKS_EXCEPTION_PATH, LOCKS_LOCK_PATH, LOCKS_PATH, LOCKS_UNLOCK_PATH, locksPagePath, renderConsoleLockConfirmPage, renderConsoleLocksPage, type LockMessage,
} from '../../portal/render-console-locks';
import { readLockView } from './console-lock-view';
import { asConsolePage, bounded, consoleRefusalPage, createConsoleGuard, formFields, query, roleForbidden, seeOther } from './console-session';
import { parseBody } from './portal-routes';
import { html, json, type HttpResponse } from './responses';
import type { Route, RouteRequest } from './router';

export interface ConsoleLocksDeps {
  signIn: SignInDeps;
  units: UnitRepository;
  submissions: SubmissionRepository;
  /** Reviews, read by the status counts of the lock confirmation. */
  reviews: ReviewStore;
  catalog: FormCatalog;
  /** The (form, period) locks and exceptions (`composeApi`'s `locks`, the store ingest and uploads read). */
  locks: PeriodLockStore;
  logger: Log;
}

/** Periods offered by the selector: the open one and those before it. */
const RECENT_PERIODS = 8;
/** A reason is bounded by the use case too; the body is refused first when far longer. */
const MAX_REASON_CHARS = MAX_LOCK_REASON_LENGTH * 2;

const FormPeriodFields = {
  formId: z.string().check(z.minLength(1, 'Thiếu formId.'), z.maxLength(64, 'formId quá dài.')),
  period: z.string().check(z.minLength(1, 'Thiếu period.'), z.maxLength(16, 'period quá dài.')),
};
const LockBodySchema = z.object({
  ...FormPeriodFields,
  action: z.enum(['lock', 'unlock'], 'action phải là "lock" hoặc "unlock".'),
  reason: z.optional(z.string().check(z.maxLength(MAX_REASON_CHARS, 'Lý do quá dài.'))),
});
const ExceptionBodySchema = z.object({
  ...FormPeriodFields,
  unit: z.string().check(z.minLength(1, 'Thiếu mã đơn vị.'), z.maxLength(40, 'Mã đơn vị quá dài.')),
  until: z.string().check(z.minLength(1, 'Thiếu hạn ngoại lệ.'), z.maxLength(40, 'Hạn ngoại lệ quá dài.')),
  reason: z.string().check(z.maxLength(MAX_REASON_CHARS, 'Lý do quá dài.')),
});
const ExceptionEndBodySchema = z.object({
  ...FormPeriodFields,
  unit: z.string().check(z.minLength(1, 'Thiếu mã đơn vị.'), z.maxLength(40, 'Mã đơn vị quá dài.')),
  reason: z.string().check(z.maxLength(MAX_REASON_CHARS, 'Lý do quá dài.')),
});

/** An exception as the JSON API shows it (with who ended it, when and why, if ended early). */
function exceptionJson(x: LockException) {
  return {
    unit: x.unitCode, until: x.until, reason: x.reason, by: x.actor, at: x.at,
    ...(x.endedAt ? { endedAt: x.endedAt, endedBy: x.endedBy, endReason: x.endReason } : {}),
  };
}

export function createConsoleLocksRoutes(deps: ConsoleLocksDeps): Route[] {
  const { signIn } = deps;
  const guard = createConsoleGuard(signIn);
  const useCase: PeriodLockDeps = { catalog: deps.catalog, locks: deps.locks, audit: signIn.audit, clock: signIn.clock };
  const actor = (live: LiveSession): Actor => ({ id: live.email, role: live.role });

  /** The units that report on the form (active, of a type the form applies to), in display order. */
  const reportingUnits = async (form: FormDefinition) => (await deps.units.list()).filter((u) => u.active && formAppliesTo(form, u.type)).sort(compareUnitsForDisplay(deps.catalog.unitTypes));
  /** An exception only for a unit that reports on the form (the use case only checks that the unit exists). */
  const requireReportingUnit = async (form: FormDefinition, code: string) => {
    const unit = await deps.units.get(code);
    if (unit && !(unit.active && formAppliesTo(form, unit.type))) throw new InvalidInputError('UNIT_NOT_REPORTING', 'Đơn vị này không phải báo cáo biểu mẫu này, không cần ngoại lệ.');
  };

  /** `?form=&period=` (default: the catalog's first form, its open period; another kind's period: the open one, with a notice). */
  const pageFormPeriod = (q: URLSearchParams) => {
    const form = deps.catalog.require(bounded(q.get('form'), 'form') ?? deps.catalog.list()[0]?.id ?? '');
    const open = openPeriod(form, signIn.clock.now());
    const period = bounded(q.get('period'), 'period') ?? open;
    try {
      parsePeriod(period, form.periodType);
      return { form, open, period, notice: undefined };
    } catch {
      return { form, open, period: open, notice: `Kỳ "${period}" không thuộc biểu mẫu này; đang xem kỳ hiện tại.` };
    }
  };

  const lockPage = async (live: LiveSession, form: FormDefinition, open: string, period: string, extra: { message?: LockMessage; notice?: string; error?: AppError } = {}) => {
    const [view, units] = await Promise.all([readLockView({ locks: deps.locks, clock: signIn.clock }, form, period), reportingUnits(form)]);
    const names = new Map(units.map((u) => [u.code, u.name]));
    const recent = Array.from({ length: RECENT_PERIODS }, (_, i) => shiftPeriod(open, -i));
    if (!recent.includes(period)) recent.push(period);
    const { exceptions, ...lockView } = view;
    return renderConsoleLocksPage({
      operator: live,
      forms: deps.catalog.list().map((f) => ({ id: f.id, name: f.name })),
      periods: recent.map((id) => ({ id, label: periodLabel(id) })),
      view: lockView,
      exceptions: [...exceptions].sort((a, b) => b.at.localeCompare(a.at)).map((x) => ({ ...x, ...(names.has(x.unitCode) ? { unitName: names.get(x.unitCode)! } : {}) })),
      units: units.map((u) => ({ code: u.code, name: u.name })),
      now: signIn.clock.now(),
      ...(extra.message ? { message: extra.message } : {}),
      ...(extra.notice ? { notice: extra.notice } : {}),
      ...(extra.error ? { error: { message: extra.error.message, code: extra.error.code } } : {}),
    });
  };

  /** A page form's form and period, checked as the use cases check them (FORM_NOT_FOUND, PERIOD_NOT_FOUND). */
  const postedFormPeriod = (fields: URLSearchParams) => {
    const form = requireFormPeriod(deps.catalog, bounded(fields.get('form'), 'form'), bounded(fields.get('period'), 'period'));
    return { form, period: fields.get('period')! };
  };
  /**
   * A page POST: the action, then 303 back with its fixed message. A refusal of a signed-in
   * operator's action re-renders the lock page with the message and code (status kept); anything
   * else (no session, another site, a form or period that does not exist) is the message page.
   */
  const pagePost = (act: (live: LiveSession, form: FormDefinition, period: string, fields: URLSearchParams) => Promise<LockMessage>) => async (r: RouteRequest): Promise<HttpResponse> => {
    let context: { live: LiveSession; form: FormDefinition; period: string } | undefined;
    try {
      const live = await guard.session(r, { anyRole: true });
      const fields = formFields(r);
      const { form, period } = postedFormPeriod(fields);
      context = { live, form, period };
      if (live.role === 'viewer') throw roleForbidden();
      return seeOther(locksPagePath(form.id, period, await act(live, form, period, fields)));
    } catch (err) {
      if (!(err instanceof AppError && err.expose)) throw err;
      if (context) return html(err.statusCode, await lockPage(context.live, context.form, openPeriod(context.form, signIn.clock.now()), context.period, { error: err }));
      return consoleRefusalPage(err);
    }
  };
  const asPage = asConsolePage;
  const lockJson = async (form: FormDefinition, period: string) => {
    const { exceptions, ...view } = await readLockView({ locks: deps.locks, clock: signIn.clock }, form, period);
    return {
      formId: form.id,
      period,
      locked: view.status.locked,
      ...(view.status.since ? { since: view.status.since.toISOString() } : {}),
      ...(view.status.source ? { source: view.status.source } : {}),
      ...(view.lock ? { lastChange: { locked: view.lock.locked, by: view.lock.actor, at: view.lock.at, ...(view.lock.reason ? { reason: view.lock.reason } : {}) } } : {}),
      ...(view.autoLockAt ? { autoLockAt: view.autoLockAt.toISOString() } : {}),
      exceptions: exceptions.map(exceptionJson),
    };
  };

  return [
    {
      method: 'GET',
      pattern: LOCKS_PATH,
      handle: asPage(async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        const q = query(r);
        const { form, open, period, notice } = pageFormPeriod(q);
        const message = q.get('thong-bao');
        return html(200, await lockPage(live, form, open, period, { ...(isLockMessage(message) ? { message } : {}), ...(notice ? { notice } : {}) }));
      }),
    },
    {
      method: 'GET',
      pattern: LOCKS_LOCK_PATH,
      handle: asPage(async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        if (live.role === 'viewer') throw roleForbidden();
        const q = query(r);
        const form = requireFormPeriod(deps.catalog, bounded(q.get('form'), 'form'), bounded(q.get('period'), 'period'));
        const period = q.get('period')!;
        const [{ exceptions: _x, ...view }, status] = await Promise.all([
          readLockView({ locks: deps.locks, clock: signIn.clock }, form, period),
          formStatus({ forms: deps.catalog, units: deps.units, submissions: deps.submissions, reviews: deps.reviews, clock: signIn.clock }, { formId: form.id, period }),
        ]);
        // Already locked: nothing to confirm, the lock page says so.
        if (view.status.locked) return seeOther(locksPagePath(form.id, period));
        return html(200, renderConsoleLockConfirmPage({ operator: live, view, unitsReported: status.counts.byStatus['da-nop'], unitsExpected: status.counts.total }));
      }),
    },
    {
      method: 'POST',
      pattern: LOCKS_LOCK_PATH,
      handle: pagePost(async (live, form, period, fields) => {
        await lockPeriod(useCase, { formId: form.id, period, reason: fields.get('reason') || undefined, actor: actor(live) });
        return 'da-khoa';
      }),
    },
    {
      method: 'POST',
      pattern: LOCKS_UNLOCK_PATH,
      handle: pagePost(async (live, form, period, fields) => {
        await unlockPeriod(useCase, { formId: form.id, period, reason: fields.get('reason') || undefined, actor: actor(live) });
        return 'da-mo-khoa';
      }),
    },
    {
      method: 'POST',
      pattern: LOCKS_EXCEPTION_PATH,
      handle: pagePost(async (live, form, period, fields) => {
        const unit = bounded(fields.get('unit'), 'unit') ?? '';
        await requireReportingUnit(form, unit);
        await grantLockException({ ...useCase, units: deps.units }, { formId: form.id, period, unitCode: unit, until: fields.get('until') ?? '', reason: fields.get('reason') ?? '', actor: actor(live) });
        return 'da-cap-ngoai-le';
      }),
    },
    {
      method: 'POST',
      pattern: LOCKS_EXCEPTION_END_PATH,
      handle: pagePost(async (live, form, period, fields) => {
        await endLockException(useCase, { formId: form.id, period, unitCode: bounded(fields.get('unit'), 'unit') ?? '', reason: fields.get('reason') ?? '', actor: actor(live) });
        return 'da-ket-thuc-ngoai-le';
      }),
    },
    {
      method: 'GET',
      pattern: '/api/admin/locks',
      handle: async (r) => {
        await guard.session(r);
        const q = query(r);
        const form = requireFormPeriod(deps.catalog, bounded(q.get('formId'), 'formId'), bounded(q.get('period'), 'period'));
        return json(200, await lockJson(form, q.get('period')!));
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/locks',
      handle: async (r) => {
        const live = await guard.session(r);
        const body = parseBody(LockBodySchema, r.body);
        const input = { formId: body.formId, period: body.period, reason: body.reason, actor: actor(live) };
        const result = body.action === 'lock' ? await lockPeriod(useCase, input) : await unlockPeriod(useCase, input);
        return json(200, await lockJson(deps.catalog.require(result.formId), result.period));
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/locks/exceptions',
      handle: async (r) => {
        const live = await guard.session(r);
        const body = parseBody(ExceptionBodySchema, r.body);
        const form = requireFormPeriod(deps.catalog, body.formId, body.period);
        await requireReportingUnit(form, body.unit);
        const x = await grantLockException({ ...useCase, units: deps.units }, { formId: form.id, period: body.period, unitCode: body.unit, until: body.until, reason: body.reason, actor: actor(live) });
        return json(201, { formId: x.formId, period: x.period, ...exceptionJson(x) });
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/locks/exceptions/end',
      handle: async (r) => {
        const live = await guard.session(r);
        const body = parseBody(ExceptionEndBodySchema, r.body);
        const x = await endLockException(useCase, { formId: body.formId, period: body.period, unitCode: body.unit, reason: body.reason, actor: actor(live) });
        return json(200, { formId: x.formId, period: x.period, ...exceptionJson(x) });
      },
    },
  ];
}
