/**
 * The review side of the console: the unit drill-down `/quan-tri/don-vi/<code>?form=&period=`
 * (every version, and the "Duyệt báo cáo" panel on the latest accepted one), its plain form
 * `POST /quan-tri/duyet` (approve, return with a comment, withdraw an approval), the status
 * grid's bulk approval `POST /quan-tri/duyet-nhieu`, and the JSON `POST /api/admin/reviews`.
 *
 * Every action is `reviewSubmission` (one conditional write, one audit entry, the return email),
 * behind the shared guard: same origin, the session's CSRF token (`_csrf` field or
 * `X-CSRF-Token`), and a role that may act (403 for a viewer, who still sees the states). A form
 * that succeeds lands back on the drill-down with a fixed message key (`?tb=`); a refused one is
 * answered with the drill-down itself, its current state re-read, the Vietnamese message and the
 * code (REVIEW_CONFLICT, REVIEW_NOT_LATEST, PERIOD_LOCKED…), and the comment typed put back.
 */
import * as z from 'zod/mini';
import { AppError, InvalidInputError, NotFoundError } from '../../core/errors';
import type { FormCatalog } from '../../core/forms/catalog';
import type { Log } from '../../core/log';
import { CONSOLE_PATH } from '../../core/operators/model';
import type { LiveSession, SignInDeps } from '../../core/operators/sign-in';
import { periodLabel } from '../../core/periods';
import type { PeriodLockStore, ReviewStore, SecretSource, SubmissionRepository, UnitRepository } from '../../core/ports';
import { liveException, periodLockStatus } from '../../core/review/locks';
import { MAX_REVIEW_COMMENT_LENGTH, REVIEW_ACTIONS } from '../../core/review/model';
import { isUploadId } from '../../core/upload-id';
import { approveReviews } from '../../core/usecases/approve-reviews';
import { reviewSubmission, type ReviewSubmissionDeps, type ReviewSubmissionResult } from '../../core/usecases/review-submission';
import { renderConsoleUnitPage, unitPagePath } from '../../portal/render-console-page';
import {
  BULK_REVIEW_PATH, isReviewNoticeKey, renderBulkReviewPage, renderReviewPanel, renderReviewRefusedPage, reviewCell, REVIEW_NOTICES, REVIEW_PATH, type ReviewNoticeKey, type ReviewPanelInput,
} from '../../portal/render-console-review';
import { consoleErrorPageTitle, consoleFormPeriod } from './console-routes';
import { bounded, createConsoleGuard, formFields, formSessionOf, MAX_FORM_BODY_BYTES, query } from './console-session';
import { parseBody } from './portal-routes';
import { html, json } from './responses';
import type { Route, RouteRequest } from './router';

export interface ConsoleReviewDeps {
  /** Sessions and the audit log (the guard), and the clock, mailer, sender and portal URL the return email uses. */
  signIn: SignInDeps;
  units: UnitRepository;
  submissions: SubmissionRepository;
  catalog: FormCatalog;
  reviews: ReviewStore;
  /** A locked period refuses review changes (the panel says so). */
  locks: Pick<PeriodLockStore, 'getLockState'>;
  /** The link-signing keys (the return email carries the unit's own upload link). */
  secrets: SecretSource;
  logger: Log;
}

/** The JSON body: bounded here (the comment's own limit, in characters, is the use case's: REVIEW_COMMENT_INVALID). */
const ReviewBodySchema = z.object({
  uploadId: z.string().check(z.maxLength(64, 'uploadId quá dài.')),
  action: z.enum(REVIEW_ACTIONS, `action phải là một trong: ${REVIEW_ACTIONS.join(', ')}.`),
  comment: z.optional(z.string().check(z.maxLength(MAX_REVIEW_COMMENT_LENGTH * 2, 'comment quá dài.'))),
});

/** A refused comment is put back into its box up to this many characters (the body itself is bounded). */
const MAX_REFILLED_COMMENT = MAX_REVIEW_COMMENT_LENGTH * 2;

/** The fixed message a review lands on. */
function noticeKey(result: ReviewSubmissionResult): ReviewNoticeKey {
  if (result.after === 'da-duyet') return 'da-duyet';
  if (result.after === 'tra-lai') return result.email === 'sent' ? 'tra-lai' : result.email === 'no-address' ? 'tra-lai-khong-email' : 'tra-lai-loi-email';
  return 'rut-duyet';
}

export function createConsoleReviewRoutes(deps: ConsoleReviewDeps): Route[] {
  const { signIn } = deps;
  const guard = createConsoleGuard(signIn);
  const reviewDeps: ReviewSubmissionDeps = {
    catalog: deps.catalog,
    submissions: deps.submissions,
    units: deps.units,
    reviews: deps.reviews,
    locks: deps.locks,
    audit: signIn.audit,
    clock: signIn.clock,
    mailer: signIn.mailer,
    secrets: deps.secrets,
    portalUrl: signIn.portalUrl,
    mail: { from: signIn.mail.from },
    log: deps.logger,
  };
  const actor = (live: LiveSession) => ({ id: live.email, role: live.role });

  /** The drill-down of a unit for a form and period: every version, newest first, and the review panel. */
  const unitPage = async (live: LiveSession, code: string, formId: string, period: string, extra: Pick<ReviewPanelInput, 'notice' | 'error' | 'comment'> = {}): Promise<string> => {
    const unit = await deps.units.get(code);
    if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', 'Không tìm thấy đơn vị này.');
    const form = deps.catalog.require(formId);
    const listed = await deps.submissions.listByUnit(unit.code, { formId: form.id, period });
    // Newest first, as the review use case orders them (receivedAt, then uploadId): its "latest accepted" is the panel's.
    const versions = [...listed].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.uploadId.localeCompare(a.uploadId));
    const latest = versions.find((s) => s.status === 'accepted');
    const [record, lockState] = await Promise.all([deps.reviews.get(form.id, period, unit.code), deps.locks.getLockState(form.id, period)]);
    const now = signIn.clock.now();
    const lock = periodLockStatus(form, period, lockState, now);
    const locked = lock.locked && !liveException(lockState, unit.code, now) ? { ...(lock.since ? { since: lock.since } : {}) } : undefined;
    const panel = renderReviewPanel({ operator: live, versions, ...(latest ? { latest } : {}), ...(record ? { record } : {}), ...(locked ? { locked } : {}), ...extra });
    return renderConsoleUnitPage({
      operator: live,
      unitTypes: deps.catalog.unitTypes,
      unit,
      form: { id: form.id, name: form.name },
      period: { id: period, label: periodLabel(period) },
      versions,
      review: { panel, cell: (s) => reviewCell(s, latest?.uploadId, record) },
    });
  };

  /** The guard for a page's form: no session → sign-in; refused (cross-site, viewer) → a Vietnamese page with its status. */
  const formSession = (r: RouteRequest) => formSessionOf(guard, r);
  const refused = (live: LiveSession, err: AppError, back: string) =>
    html(err.statusCode, renderReviewRefusedPage({ operator: live, title: consoleErrorPageTitle(err.statusCode), message: err.message, code: err.code, back }));

  return [
    {
      method: 'GET',
      pattern: `${CONSOLE_PATH}/don-vi/:code`,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        const q = query(r);
        const { form, period } = consoleFormPeriod(deps.catalog, signIn.clock.now(), q);
        const key = q.get('tb');
        return html(200, await unitPage(live, bounded(r.params['code'], 'code')!, form.id, period, isReviewNoticeKey(key) ? { notice: REVIEW_NOTICES[key] } : {}));
      },
    },
    {
      method: 'POST',
      pattern: REVIEW_PATH,
      handle: async (r) => {
        const live = await formSession(r);
        if (!('email' in live)) return live;
        const fields = formFields(r);
        const uploadId = fields.get('uploadId') ?? '';
        const action = fields.get('action') ?? '';
        const comment = fields.get('comment') ?? undefined;
        try {
          const result = await reviewSubmission(reviewDeps, { uploadId, action, comment, actor: actor(live) });
          return { statusCode: 303, headers: { location: `${unitPagePath(result.unitCode, result.formId, result.period)}&tb=${noticeKey(result)}#duyet` }, body: '' };
        } catch (err) {
          if (!(err instanceof AppError) || !err.expose) throw err;
          // The drill-down of the report acted on, its state read again, with the refusal; without a known upload, a page with the way back.
          const submission = isUploadId(uploadId) ? await deps.submissions.get(uploadId) : undefined;
          if (!submission) return refused(live, err, `${CONSOLE_PATH}/`);
          const typed = (action === 'return' || action === 'withdraw') && comment ? { comment: { action, text: comment.slice(0, MAX_REFILLED_COMMENT) } as const } : {};
          return html(err.statusCode, await unitPage(live, submission.unitCode, submission.formId, submission.period, { error: { message: err.message, code: err.code }, ...typed }));
        }
      },
    },
    {
      method: 'POST',
      pattern: BULK_REVIEW_PATH,
      handle: async (r) => {
        const live = await formSession(r);
        if (!('email' in live)) return live;
        const fields = formFields(r);
        const back = `${CONSOLE_PATH}/?${new URLSearchParams({ form: (fields.get('form') ?? '').slice(0, 64), period: (fields.get('period') ?? '').slice(0, 16) }).toString()}`;
        try {
          const form = deps.catalog.require(bounded(fields.get('form'), 'form') ?? '');
          const period = bounded(fields.get('period'), 'period') ?? '';
          const results = await approveReviews(reviewDeps, { uploadIds: fields.getAll('u'), actor: actor(live) });
          const names = new Map((await deps.units.list({ includeInactive: true })).map((u) => [u.code, u.name]));
          const outcome = (x: (typeof results)[number]) => ({
            unitCode: x.submission?.unitCode ?? '—',
            unitName: (x.submission && names.get(x.submission.unitCode)) ?? 'Không rõ đơn vị',
            ...(x.submission?.version === undefined ? {} : { version: x.submission.version }),
            ...(x.reason ? { reason: x.reason } : {}),
            ...(x.code ? { code: x.code } : {}),
          });
          return html(200, renderBulkReviewPage({
            operator: live,
            form: { id: form.id, name: form.name },
            period: { id: period, label: periodLabel(period) },
            approved: results.filter((x) => x.outcome === 'approved').map(outcome),
            skipped: results.filter((x) => x.outcome === 'skipped').map(outcome),
          }));
        } catch (err) {
          if (!(err instanceof AppError) || !err.expose) throw err;
          return refused(live, err, back);
        }
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/reviews',
      handle: async (r) => {
        const live = await guard.session(r);
        if (Buffer.byteLength(r.body ?? '', 'utf8') > MAX_FORM_BODY_BYTES) throw new InvalidInputError('BODY_TOO_LARGE', 'Dữ liệu gửi lên quá lớn.');
        const body = parseBody(ReviewBodySchema, r.body);
        return json(200, await reviewSubmission(reviewDeps, { ...body, actor: actor(live) }));
      },
    },
  ];
}
