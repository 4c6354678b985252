/**
 * The operator console's routes on the portal's router: passwordless sign-in under
 * `CONSOLE_PATH` (pages and their two POSTs), the status grid and the session-authenticated JSON
 * under `/api/admin/`. The unit drill-down and reviews are in console-review-routes.ts.
 *
 * The session is an opaque id in one cookie, `Path=/` (the JSON lives under `/api/admin/`, outside
 * `CONSOLE_PATH`), `HttpOnly; SameSite=Strict`, and on an https portal `Secure` with the
 * `__Host-` prefix (which requires `Path=/` and no `Domain`). State-changing requests must also
 * come from the portal's own origin (`Origin`) and carry the session's CSRF token
 * (`X-CSRF-Token`); a `viewer` may read but not act.
 */
import * as z from 'zod/mini';
import { AppError, InvalidInputError, NotFoundError, UnauthorizedError } from '../../core/errors';
import type { FormCatalog } from '../../core/forms/catalog';
import type { Log } from '../../core/log';
import { AUDIT_DEFAULT_DAYS, AUDIT_MAX_RANGE_DAYS, parseAuditDay } from '../../core/operators/audit-view';
import { CONSOLE_PATH, consoleReturnPath } from '../../core/operators/model';
import { endSession, peekSignIn, redeemSignIn, requestSignIn, SESSION_ABSOLUTE_MS, type LiveSession, type SignInDeps } from '../../core/operators/sign-in';
import { openPeriod, parsePeriod, periodLabel, shiftPeriod, type PeriodType } from '../../core/periods';
import type { AuditLog, PeriodLockStore, SubmissionRepository, UnitRepository } from '../../core/ports';
import { readLockView } from './console-lock-view';
import { consolidateReport, type ConsolidateDeps } from '../../core/usecases/consolidate-report';
import { diffSubmissions, diffWithPreviousPeriod, type SubmissionDiff } from '../../core/usecases/diff-submissions';
import { feedbackFileName } from '../../core/usecases/get-upload-status';
import { isUploadId } from '../../core/upload-id';
import { formStatus } from '../../core/usecases/form-status';
import { renderConsoleDiffPage, renderConsoleMessagePage, renderConsoleSignInConfirmPage, renderConsoleSignInPage, renderConsoleStatusPage } from '../../portal/render-console-page';
import { parseBody } from './portal-routes';
import { html, json, type HttpResponse } from './responses';
import { bounded, consoleRefusalPage, createConsoleGuard, csrfRefused, formFields, fromPortalOrigin, isFormPost, query, readCookie, seeOther, sessionCookie } from './console-session';
import type { Route, RouteRequest } from './router';

export interface ConsoleDeps {
  /** Sign-in, sessions, the operators registry and the audit log (`composeSignIn`). */
  signIn: SignInDeps;
  /** The audit log, read by `/api/admin/audit`. */
  audit: Pick<AuditLog, 'list'>;
  units: UnitRepository;
  submissions: SubmissionRepository;
  catalog: FormCatalog;
  /** The status page's "Khóa kỳ" panel reads the (form, period)'s lock; without it the panel is left out. */
  locks?: Pick<PeriodLockStore, 'getLockState'>;
  /** "Tổng hợp ngay" / "Gửi": the consolidation as the scheduled Lambda runs it (`composeConsolidation`'s pieces). */
  consolidation: Omit<ConsolidateDeps, 'forms' | 'units' | 'submissions' | 'clock'>;
  logger: Log;
}

const AUDIT_LIMIT = 1000;
const DAY_MS = 86_400_000;

/** An upload id from a console path or query: its exact shape, or 400 PARAM_INVALID before it reaches a key. */
function uploadIdParam(value: string | null | undefined, name: string): string {
  if (!value || !isUploadId(value)) throw new InvalidInputError('PARAM_INVALID', `Tham số ${name} không phải mã lần nộp hợp lệ.`);
  return value;
}

/** Downloads from the console are presigned for this long, afresh on each click. */
export const CONSOLE_DOWNLOAD_TTL_SECONDS = 5 * 60;

/** Periods offered by the console's selector: the open one and those before it. */
const RECENT_PERIODS = 8;

/** Whether `id` is a well-formed period of `type` (anything else is left to the use case to refuse). */
function periodOfType(id: string, type: PeriodType): boolean {
  try {
    parsePeriod(id);
  } catch {
    return true;
  }
  try {
    parsePeriod(id, type);
    return true;
  } catch {
    return false;
  }
}

const SignInBodySchema = z.object({ email: z.string(), next: z.optional(z.string()) });
/** Consolidated reports are presigned for this long from the console (each click signs afresh). */
const REPORT_LINK_TTL_SECONDS = 15 * 60;
/** Bounded here; the form and period themselves are checked by the use case (FORM_NOT_FOUND, PERIOD_INVALID). */
const ConsolidationBodySchema = z.object({
  formId: z.string().check(z.minLength(1, 'Thiếu formId.'), z.maxLength(64, 'formId quá dài.')),
  period: z.string().check(z.minLength(1, 'Thiếu period.'), z.maxLength(16, 'period quá dài.')),
  send: z.boolean('send phải là true hoặc false.'),
});
/** A `YYYY-MM-DD` day of the JSON's range, as the start of that day in Hà Nội; absent when not given. */
function auditDay(value: string | null, name: 'from' | 'to'): Date | undefined {
  return value === null || value === '' ? undefined : parseAuditDay(value, name);
}

export { consoleErrorPageTitle, fromPortalOrigin, sessionCookieName } from './console-session';

/** The form and period of `?form=&period=` (default: the catalog's first form, its open period; a period of another form's kind: the open one, with a notice). */
export function consoleFormPeriod(catalog: FormCatalog, now: Date, q: URLSearchParams) {
  const forms = catalog.list();
  const form = catalog.require(bounded(q.get('form'), 'form') ?? forms[0]?.id ?? '');
  const open = openPeriod(form, now);
  const period = bounded(q.get('period'), 'period') ?? open;
  // A period of another form's kind (the selector still held the previous form's): that form's open period instead.
  if (!periodOfType(period, form.periodType)) return { forms, form, open, period: open, notice: `Kỳ "${period}" không thuộc biểu mẫu này; đang xem kỳ hiện tại.` };
  return { forms, form, open, period, notice: undefined };
}

export function createConsoleRoutes(deps: ConsoleDeps): Route[] {
  const { signIn } = deps;
  const guard = createConsoleGuard(signIn);
  const { session, pageSession, portalOrigin, cookieName } = guard;
  /** "Tình hình nộp báo cáo" for `?form=&period=&type=&status=&review=&search=` (default: the catalog's first form, its open period). */
  const formPeriod = (q: URLSearchParams) => consoleFormPeriod(deps.catalog, signIn.clock.now(), q);
  const statusPage = async (live: LiveSession, q: URLSearchParams): Promise<string> => {
    const { forms, form, open, period, notice } = formPeriod(q);
    const filters = { type: q.get('type') || undefined, status: q.get('status') || undefined, review: q.get('review') || undefined, search: q.get('search') || undefined };
    const status = await formStatus({ forms: deps.catalog, units: deps.units, submissions: deps.submissions, reviews: deps.consolidation.reviews, clock: signIn.clock }, { formId: form.id, period, ...filters });
    const lock = deps.locks ? await readLockView({ locks: deps.locks, clock: signIn.clock }, form, period) : undefined;
    const recent = Array.from({ length: RECENT_PERIODS }, (_, i) => shiftPeriod(open, -i));
    if (!recent.includes(period)) recent.push(period);
    return renderConsoleStatusPage({
      operator: live,
      unitTypes: deps.catalog.unitTypes,
      forms: forms.map((f) => ({ id: f.id, name: f.name })),
      periods: recent.map((id) => ({ id, label: periodLabel(id) })),
      status,
      filters,
      ...(notice ? { notice } : {}),
      ...(lock ? { lock } : {}),
    });
  };
  const unitOf = async (code: string) => {
    const unit = await deps.units.get(code);
    if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', 'Không tìm thấy đơn vị này.');
    return unit;
  };
  /** Every version of a unit's report of one form and period, newest first. */
  const versionsOf = async (code: string, filter: { formId?: string; period?: string }) => {
    const versions = await deps.submissions.listByUnit(code, filter);
    return [...versions].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.uploadId.localeCompare(a.uploadId));
  };
  /** A console download: the session, then a fresh short-lived link to the upload's original or its annotated workbook, audited. */
  const download = async (r: RouteRequest, file: 'original' | 'feedback'): Promise<HttpResponse> => {
    const live = await pageSession(r);
    if (!live) return seeOther(`${CONSOLE_PATH}/sign-in`);
    const uploadId = uploadIdParam(r.params['uploadId'], 'uploadId');
    const submission = await deps.submissions.get(uploadId);
    if (!submission) throw new NotFoundError('SUBMISSION_NOT_FOUND', 'Không tìm thấy lần nộp này.');
    const key = file === 'original' ? submission.s3Key : submission.feedbackKey;
    if (!key) throw new NotFoundError('FEEDBACK_NOT_FOUND', 'Lần nộp này không có tệp kết quả kiểm tra (chưa xử lý xong, hoặc tệp hợp lệ không có cảnh báo).');
    const fileName = file === 'original' ? (submission.fileName ?? `${uploadId}.xlsx`) : feedbackFileName(submission.fileName);
    const url = await deps.consolidation.files.createDownloadUrl(key, { expiresInSeconds: CONSOLE_DOWNLOAD_TTL_SECONDS, fileName });
    await signIn.audit.record({ at: signIn.clock.now().toISOString(), actor: live.email, action: `submission.download.${file}`, target: uploadId, after: { unitCode: submission.unitCode, formId: submission.formId, period: submission.period } });
    return seeOther(url);
  };
  /** A used, expired or unknown link (or a removed operator's): the Vietnamese refusal page with its code, logged by code only (never the token). */
  const signInLinkRefusals = async (answer: () => Promise<HttpResponse>): Promise<HttpResponse> => {
    try {
      return await answer();
    } catch (err) {
      if (err instanceof UnauthorizedError) {
        deps.logger.info('sign-in link refused', { code: err.code });
        return refusedPage(err);
      }
      throw err;
    }
  };
  const refusedPage = consoleRefusalPage;

  return [
    {
      method: 'GET',
      pattern: `${CONSOLE_PATH}/sign-in`,
      handle: async (r) => {
        const q = query(r);
        // `next`: the console page that sent the browser here (kept only if it is one: never another site).
        const next = consoleReturnPath(q.get('next'));
        return html(200, renderConsoleSignInPage({ signedOut: q.get('da-dang-xuat') === '1', ...(next ? { next } : {}) }));
      },
    },
    {
      method: 'POST',
      pattern: `${CONSOLE_PATH}/api/sign-in`,
      handle: async (r) => {
        // Anyone may ask, but not another site's page on a visitor's behalf (a browser always sends Origin on a POST; tools may omit it).
        if (!fromPortalOrigin(r.headers, portalOrigin, true)) throw csrfRefused();
        // The page's form posts without script (urlencoded, answered with a page); tools post JSON.
        const form = isFormPost(r);
        const fields = form ? formFields(r) : undefined;
        const body = fields ? { email: fields.get('email'), next: fields.get('next') ?? undefined } : parseBody(SignInBodySchema, r.body);
        try {
          const { message } = await requestSignIn(signIn, { email: body.email, ip: r.sourceIp ?? 'unknown', next: body.next });
          return form ? html(202, renderConsoleMessagePage({ title: 'Kiểm tra hộp thư', message })) : json(202, { message });
        } catch (err) {
          if (form && err instanceof AppError && err.expose) return refusedPage(err);
          throw err;
        }
      },
    },
    {
      method: 'GET',
      pattern: `${CONSOLE_PATH}/sign-in/:token`,
      handle: async (r) => {
        // A HEAD (link checkers) answers nothing; a GET only looks: scanners fetch every link of an email.
        if (r.method === 'HEAD') return html(200, '');
        const token = r.params['token']!;
        return signInLinkRefusals(async () => html(200, renderConsoleSignInConfirmPage({ token, ...(await peekSignIn(signIn, token)) })));
      },
    },
    {
      method: 'POST',
      pattern: `${CONSOLE_PATH}/sign-in/:token`,
      handle: async (r) => {
        // The confirmation page's button: same-origin (Origin, or Origin: null vouched by Sec-Fetch-Site), so another site cannot sign a visitor into an account of its choosing.
        // Refused with the Vietnamese page (a form post's error would otherwise answer JSON).
        if (!fromPortalOrigin(r.headers, portalOrigin, true)) return refusedPage(csrfRefused());
        return signInLinkRefusals(async () => {
          const opened = await redeemSignIn(signIn, r.params['token']!);
          // A same-origin POST: the Strict cookie set here rides the redirect — back to the page the sign-in was asked from (a download from a leadership email), else the console.
          return seeOther(opened.next ?? `${CONSOLE_PATH}/`, [sessionCookie(signIn.portalUrl, opened.sessionId, SESSION_ABSOLUTE_MS / 1000)]);
        });
      },
    },
    {
      method: 'POST',
      pattern: `${CONSOLE_PATH}/api/sign-out`,
      handle: async (r) => {
        await session(r, { anyRole: true });
        await endSession(signIn, readCookie(r, cookieName)!);
        const cleared = [sessionCookie(signIn.portalUrl, '', 0)];
        // The masthead's button is a plain form (works without script): back to sign-in, saying so.
        if (isFormPost(r)) return seeOther(`${CONSOLE_PATH}/sign-in?da-dang-xuat=1`, cleared);
        return { ...json(200, { message: 'Đã đăng xuất.' }), cookies: cleared };
      },
    },
    {
      method: 'GET',
      pattern: CONSOLE_PATH,
      handle: async (r) => {
        const live = await pageSession(r);
        if (!live) return seeOther(`${CONSOLE_PATH}/sign-in`);
        return html(200, await statusPage(live, query(r)));
      },
    },
    // The drill-down `/quan-tri/don-vi/<code>` (versions and the review panel) is in console-review-routes.ts.
    {
      method: 'GET',
      pattern: `${CONSOLE_PATH}/don-vi/:code/so-sanh`,
      handle: async (r) => {
        const live = await pageSession(r);
        if (!live) return seeOther(`${CONSOLE_PATH}/sign-in`);
        const unit = await unitOf(bounded(r.params['code'], 'code')!);
        const q = query(r);
        const b = uploadIdParam(q.get('b'), 'b');
        const a = q.get('a');
        const diffDeps = { submissions: deps.submissions, catalog: deps.catalog };
        // Without `a`: the version against the unit's accepted report of the previous period.
        const diff: SubmissionDiff = a ? await diffSubmissions(diffDeps, { uploadIdA: uploadIdParam(a, 'a'), uploadIdB: b }) : await diffWithPreviousPeriod(diffDeps, b);
        if (diff.after.unitCode !== unit.code || diff.before.unitCode !== unit.code) {
          throw new InvalidInputError('DIFF_OTHER_UNIT', `Lần nộp được chọn không thuộc đơn vị ${unit.code}; chỉ so sánh các phiên bản báo cáo của đơn vị này.`);
        }
        return html(200, renderConsoleDiffPage({ operator: live, unit, formName: deps.catalog.require(diff.after.formId, diff.after.formVersion).name, diff }));
      },
    },
    { method: 'GET', pattern: `${CONSOLE_PATH}/tai/ban-goc/:uploadId`, handle: (r) => download(r, 'original') },
    { method: 'GET', pattern: `${CONSOLE_PATH}/tai/ket-qua/:uploadId`, handle: (r) => download(r, 'feedback') },
    {
      method: 'GET',
      pattern: '/api/admin/me',
      handle: async (r) => {
        const { email, name, role, csrfToken } = await session(r);
        return json(200, { email, name, role, csrfToken });
      },
    },
    {
      method: 'GET',
      pattern: '/api/admin/status/:formId/:period',
      handle: async (r) => {
        await session(r);
        const q = query(r);
        const status = await formStatus(
          { forms: deps.catalog, units: deps.units, submissions: deps.submissions, reviews: deps.consolidation.reviews, clock: signIn.clock },
          { formId: r.params['formId']!, period: r.params['period']!, type: q.get('type') ?? undefined, status: q.get('status') ?? undefined, review: q.get('review') ?? undefined, search: q.get('search') ?? undefined },
        );
        return json(200, status);
      },
    },
    {
      method: 'GET',
      pattern: '/api/admin/units/:code/submissions',
      handle: async (r) => {
        await session(r);
        const code = bounded(r.params['code'], 'code')!;
        const q = query(r);
        const filter = { formId: bounded(q.get('form'), 'form'), period: bounded(q.get('period'), 'period') };
        await unitOf(code);
        return json(200, { unitCode: code, submissions: await versionsOf(code, filter) });
      },
    },
    {
      method: 'GET',
      pattern: '/api/admin/diff/:uploadIdA/:uploadIdB',
      handle: async (r) => {
        await session(r);
        return json(200, await diffSubmissions({ submissions: deps.submissions, catalog: deps.catalog }, { uploadIdA: bounded(r.params['uploadIdA'], 'uploadIdA')!, uploadIdB: bounded(r.params['uploadIdB'], 'uploadIdB')! }));
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/consolidations',
      handle: async (r) => {
        const live = await session(r);
        const body = parseBody(ConsolidationBodySchema, r.body);
        const result = await consolidateReport(
          { ...deps.consolidation, forms: deps.catalog, units: deps.units, submissions: deps.submissions, clock: signIn.clock },
          body,
        );
        const { workbook: _bytes, ...rest } = result;
        await signIn.audit.record({
          at: signIn.clock.now().toISOString(),
          actor: live.email,
          action: body.send ? 'consolidation.send' : 'consolidation.build',
          target: `${body.formId}/${body.period}`,
          after: { key: result.key, reused: result.reused, unitsReported: result.unitsReported, unitsExpected: result.unitsExpected, email: result.email.status },
        });
        const downloadUrl = await deps.consolidation.files.createDownloadUrl(result.key, { expiresInSeconds: REPORT_LINK_TTL_SECONDS, fileName: result.fileName });
        return json(200, { ...rest, downloadUrl });
      },
    },
    {
      method: 'GET',
      pattern: '/api/admin/audit',
      handle: async (r) => {
        await session(r);
        const q = query(r);
        const now = signIn.clock.now();
        const toDay = auditDay(q.get('to'), 'to');
        const to = toDay ? new Date(toDay.getTime() + DAY_MS) : now;
        const from = auditDay(q.get('from'), 'from') ?? new Date(to.getTime() - AUDIT_DEFAULT_DAYS * DAY_MS);
        if (from.getTime() >= to.getTime() || to.getTime() - from.getTime() > AUDIT_MAX_RANGE_DAYS * DAY_MS) {
          throw new InvalidInputError('AUDIT_RANGE_INVALID', `Khoảng thời gian không hợp lệ: "from" phải trước "to" và không quá ${AUDIT_MAX_RANGE_DAYS} ngày.`);
        }
        const entries = await deps.audit.list({ from, to, limit: AUDIT_LIMIT });
        return json(200, { from: from.toISOString(), to: to.toISOString(), entries, truncated: entries.length === AUDIT_LIMIT });
      },
    },
  ];
}
