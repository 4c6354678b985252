/**
 * The console's "Báo cáo tổng hợp" routes, under `CONSOLE_PATH/bao-cao`:
 *
 * - `GET  /bao-cao?form=&period=`            the workbooks of a form and period with their emails' status
 * - `POST /bao-cao/tong-hop`                 "Tổng hợp ngay": build (or reuse) the workbook, send nothing
 * - `GET  /bao-cao/gui?form=&period=`        the confirmation naming the recipients and the units not yet reported
 * - `POST /bao-cao/gui`                      the confirmed send (once per content, as the scheduled run)
 * - `GET  /bao-cao/tai/<form>/<period>/<file>` a workbook, through a fresh short-lived presigned link
 * - `GET  /bao-cao/du-thao?form=&period=`     the draft report (.docx), built from the latest figures on each click, audited
 * - `GET  /bao-cao/bieu-do/<chart>.png?form=&period=` one chart of the page's briefing, as a picture
 *
 * The page shows the period's leadership briefing (summary, charts, units needing attention):
 * the same `buildReportFor` + `briefingFor` the emailed consolidation uses, so the console never
 * tells leadership something the email and workbook do not. Reading (the page, its charts, the
 * draft, a workbook) is open to every role, as the workbook download is; only the draft, which
 * carries the figures out of the console as a file, is audited besides the workbook.
 *
 * The two POSTs are plain page forms (urlencoded, hidden `_csrf`), for an operator or admin only,
 * audited, and answered with a redirect back to the page and a fixed message (Post/Redirect/Get);
 * a refusal is the console's Vietnamese message page with the code. The download route is where
 * the large-report email links: without a session it sends the browser to sign-in, which returns
 * here once the emailed sign-in link is opened.
 */
import { DOCX_CONTENT_TYPE } from '../../core/briefing/draft-report';
import { InvalidInputError, NotFoundError, type AppError } from '../../core/errors';
import { foldVietnamese } from '../../core/format-vi';
import type { FormCatalog } from '../../core/forms/catalog';
import type { FormDefinition } from '../../core/forms/definition';
import type { Log } from '../../core/log';
import { parseReportKey } from '../../core/consolidation/report-key';
import { CONSOLE_PATH, consoleReturnPath } from '../../core/operators/model';
import type { LiveSession, SignInDeps } from '../../core/operators/sign-in';
import { openPeriod, parsePeriod, periodLabel, shiftPeriod } from '../../core/periods';
import type { SubmissionRepository, UnitRepository } from '../../core/ports';
import { briefingFor, buildReportFor, consolidateReport, type ConsolidateDeps, type ConsolidateResult } from '../../core/usecases/consolidate-report';
import { draftReportFor } from '../../core/usecases/draft-report';
import { formStatus } from '../../core/usecases/form-status';
import { consolidationRecipients, listConsolidations, storedWorkbookName } from '../../core/usecases/list-consolidations';
import {
  isReportMessage, renderConsoleReportsPage, renderConsoleSendConfirmPage, reportsPagePath, REPORTS_BUILD_PATH, REPORTS_CHART_PATH, REPORTS_DRAFT_PATH, REPORTS_PATH, REPORTS_SEND_PATH,
  type ConsoleReportsPageInput, type ReportMessage,
} from '../../portal/render-console-reports';
import { asConsolePage, bounded, createConsoleGuard, formFields, query, roleForbidden, seeOther } from './console-session';
import { attachment, binary, html, type HttpResponse } from './responses';
import type { Route, RouteRequest } from './router';

export interface ConsoleReportsDeps {
  signIn: SignInDeps;
  units: UnitRepository;
  submissions: SubmissionRepository;
  catalog: FormCatalog;
  /** The consolidation as the scheduled Lambda runs it (`composeApi`'s console pieces). */
  consolidation: Omit<ConsolidateDeps, 'forms' | 'units' | 'submissions' | 'clock'>;
  logger: Log;
}

/** A workbook from the console is presigned for this long, afresh on each click. */
export const REPORT_DOWNLOAD_TTL_SECONDS = 5 * 60;
/** Periods offered by the selector: the open one and those before it. */
const RECENT_PERIODS = 8;
/** A chart picture may be reused by the operator's own browser for a minute (the figures move with each report). */
const CHART_CACHE_CONTROL = 'private, max-age=60';
const CHART_FILE = /^([a-z0-9-]{1,64})\.png$/;

/** The fixed message for what a build or send did. */
function outcomeMessage(result: ConsolidateResult): ReportMessage {
  switch (result.email.status) {
    case 'sent':
      return 'da-gui';
    case 'already-sent':
      return 'da-gui-truoc';
    case 'no-units':
      return 'khong-co-don-vi';
    default:
      return result.reused ? 'khong-doi' : 'da-tong-hop';
  }
}

export function createConsoleReportsRoutes(deps: ConsoleReportsDeps): Route[] {
  const { signIn } = deps;
  const guard = createConsoleGuard(signIn);

  /** `?form=&period=` (default: the catalog's first form, its open period; another kind's period: the open one, with a notice). */
  const formPeriod = (form: FormDefinition, asked: string | undefined) => {
    const open = openPeriod(form, signIn.clock.now());
    const period = asked ?? open;
    let ofForm = true;
    try {
      parsePeriod(period, form.periodType);
    } catch {
      ofForm = false;
    }
    return ofForm ? { open, period, notice: undefined } : { open, period: open, notice: `Kỳ "${period}" không thuộc biểu mẫu này; đang xem kỳ hiện tại.` };
  };
  const formOf = (id: string | undefined) => deps.catalog.require(id ?? deps.catalog.list()[0]?.id ?? '');
  const listingDeps = { forms: deps.catalog, files: deps.consolidation.files, ledger: deps.consolidation.ledger };
  const consolidate = (formId: string, period: string, send: boolean) =>
    consolidateReport({ ...deps.consolidation, forms: deps.catalog, units: deps.units, submissions: deps.submissions, clock: signIn.clock }, { formId, period, send });

  /** A form post's form and period, checked as the use case checks them (FORM_NOT_FOUND, PERIOD_INVALID). */
  const postedFormPeriod = (r: RouteRequest) => {
    const fields = formFields(r);
    const form = deps.catalog.require(bounded(fields.get('form'), 'form') ?? '');
    const period = bounded(fields.get('period'), 'period') ?? '';
    parsePeriod(period, form.periodType);
    return { form, period };
  };
  const asPage = asConsolePage;
  /** What the audit log keeps of the period's latest workbook before an action. */
  const latestWorkbook = async (formId: string, period: string) => {
    const newest = (await listConsolidations(listingDeps, { formId, period })).workbooks[0];
    return newest ? { key: newest.key, email: newest.email.status } : { key: null };
  };
  const act = async (r: RouteRequest, send: boolean): Promise<HttpResponse> => {
    const live = await guard.session(r);
    const { form, period } = postedFormPeriod(r);
    const before = await latestWorkbook(form.id, period);
    const result = await consolidate(form.id, period, send);
    await guard.audit(live, {
      action: send ? 'consolidation.send' : 'consolidation.build',
      target: `${form.id}/${period}`,
      before,
      after: {
        key: result.key, reused: result.reused, unitsReported: result.unitsReported, unitsExpected: result.unitsExpected, email: result.email.status,
        ...(result.email.status === 'sent' ? { to: result.email.to, cc: result.email.cc, subject: result.email.subject } : {}),
      },
    });
    return seeOther(reportsPagePath(form.id, period, outcomeMessage(result)));
  };
  const reportDeps = { forms: deps.catalog, units: deps.units, submissions: deps.submissions, reviews: deps.consolidation.reviews, clock: signIn.clock };
  /** The period's briefing, as the emailed consolidation computes it. */
  const briefingOf = async (formId: string, period: string) => briefingFor(reportDeps, await buildReportFor(reportDeps, { formId, period }));
  /** The page's briefing panel; a failure is logged and leaves the workbooks usable. */
  const briefingPanel = async (formId: string, period: string): Promise<NonNullable<ConsoleReportsPageInput['briefing']>> => {
    try {
      return { briefing: await briefingOf(formId, period), unitTypeLabel: (type) => deps.catalog.unitTypes.label(type), charts: true };
    } catch (err) {
      deps.logger.error('console briefing failed', { formId, period, error: err instanceof Error ? err.message : String(err) });
      return { failed: true };
    }
  };
  /**
   * `?form=&period=` of the draft and chart routes: both required, bounded, the form known and the
   * period one of its own; refusals in fixed words (the request's text is never repeated back).
   */
  const askedFormPeriod = (r: RouteRequest) => {
    const q = query(r);
    const formId = bounded(q.get('form'), 'form');
    const period = bounded(q.get('period'), 'period');
    const form = refusing(() => deps.catalog.require(formId ?? ''), (err) => err instanceof NotFoundError, (cause) => new NotFoundError('FORM_NOT_FOUND', 'Không có biểu mẫu này.', cause));
    refusing(() => parsePeriod(period ?? '', form.periodType), (err) => err instanceof InvalidInputError, (cause) => new InvalidInputError('PERIOD_INVALID', 'Kỳ báo cáo không hợp lệ hoặc không thuộc loại kỳ của biểu mẫu này.', cause));
    return { form, period: period ?? '' };
  };
  const mayAct = (live: LiveSession) => {
    if (live.role === 'viewer') throw roleForbidden();
  };
  const toSignIn = (r: RouteRequest) => {
    const next = consoleReturnPath(r.query ? `${r.path}?${r.query}` : r.path);
    return seeOther(`${CONSOLE_PATH}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  };

  return [
    {
      method: 'GET',
      pattern: REPORTS_PATH,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        const q = query(r);
        const form = formOf(bounded(q.get('form'), 'form'));
        const { open, period, notice } = formPeriod(form, bounded(q.get('period'), 'period'));
        const listing = await listConsolidations(listingDeps, { formId: form.id, period });
        const recent = Array.from({ length: RECENT_PERIODS }, (_, i) => shiftPeriod(open, -i));
        if (!recent.includes(period)) recent.push(period);
        const message = q.get('thong-bao');
        const briefing = await briefingPanel(form.id, period);
        return html(200, renderConsoleReportsPage({
          operator: live,
          forms: deps.catalog.list().map((f) => ({ id: f.id, name: f.name })),
          periods: recent.map((id) => ({ id, label: periodLabel(id) })),
          listing,
          ...(isReportMessage(message) ? { message } : {}),
          ...(notice ? { notice } : {}),
          briefing,
        }));
      },
    },
    { method: 'POST', pattern: REPORTS_BUILD_PATH, handle: asPage((r) => act(r, false)) },
    {
      method: 'GET',
      pattern: REPORTS_SEND_PATH,
      handle: asPage(async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        mayAct(live);
        const q = query(r);
        const form = deps.catalog.require(bounded(q.get('form'), 'form') ?? '');
        const period = bounded(q.get('period'), 'period') ?? '';
        parsePeriod(period, form.periodType);
        const status = await formStatus({ forms: deps.catalog, units: deps.units, submissions: deps.submissions, reviews: deps.consolidation.reviews, clock: signIn.clock }, { formId: form.id, period });
        const notReported = status.units.filter((u) => u.status !== 'da-nop').map((u) => ({ code: u.code, name: u.name }));
        return html(200, renderConsoleSendConfirmPage({
          operator: live,
          form: { id: form.id, name: form.name },
          period: { id: period, label: periodLabel(period) },
          ...consolidationRecipients(form),
          unitsReported: status.counts.byStatus['da-nop'],
          unitsExpected: status.counts.total,
          notReported,
        }));
      }),
    },
    { method: 'POST', pattern: REPORTS_SEND_PATH, handle: asPage((r) => act(r, true)) },
    {
      method: 'GET',
      pattern: `${REPORTS_PATH}/tai/:formId/:period/:file`,
      handle: asPage(async (r) => {
        const live = await guard.pageSession(r);
        // The large-report email links here: sign in, then come back to this download.
        if (!live) return toSignIn(r);
        // Only a key of exactly the workbook shape reaches the store: no other prefix, no `..`, no stray characters.
        const key = `reports/${r.params['formId']}/${r.params['period']}/${r.params['file']}`;
        const parts = parseReportKey(key);
        if (!parts) throw new InvalidInputError('PARAM_INVALID', 'Đường dẫn tải bảng tổng hợp không hợp lệ.');
        deps.catalog.require(parts.formId);
        const stored = await deps.consolidation.files.head(key);
        if (!stored) throw new NotFoundError('REPORT_NOT_FOUND', 'Không tìm thấy bảng tổng hợp này (có thể đã bị xóa theo chính sách lưu trữ).');
        // A HEAD (link checkers, mail scanners) downloads nothing: no link signed, nothing audited.
        if (r.method === 'HEAD') return html(200, '');
        const fileName = storedWorkbookName(key, stored.metadata);
        const url = await deps.consolidation.files.createDownloadUrl(key, { expiresInSeconds: REPORT_DOWNLOAD_TTL_SECONDS, fileName });
        await guard.audit(live, { action: 'consolidation.download', target: key, after: { formId: parts.formId, period: parts.period } });
        return seeOther(url);
      }),
    },
    {
      method: 'GET',
      pattern: REPORTS_DRAFT_PATH,
      handle: asPage(async (r) => {
        const live = await guard.pageSession(r);
        // Sign in, then come back to this download.
        if (!live) return toSignIn(r);
        const { form, period } = askedFormPeriod(r);
        if (r.method === 'HEAD') return html(200, '');
        const draft = await draftReportFor({ ...reportDeps, charts: deps.consolidation.charts }, { formId: form.id, period });
        await guard.audit(live, { action: 'consolidation.draft', target: `${form.id}/${period}`, after: { fileName: draft.fileName, unitsReported: draft.unitsReported, unitsExpected: draft.unitsExpected } });
        const ascii = foldVietnamese(draft.fileName).replace(/[^a-z0-9.]+/g, '-');
        return binary(200, draft.docx, { 'content-type': DOCX_CONTENT_TYPE, 'content-disposition': attachment(draft.fileName, ascii), 'cache-control': 'no-store' });
      }),
    },
    {
      method: 'GET',
      pattern: `${REPORTS_CHART_PATH}/:file`,
      handle: asPage(async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        const chartId = CHART_FILE.exec(r.params['file'] ?? '')?.[1];
        if (!chartId) throw new NotFoundError('CHART_NOT_FOUND', 'Không có biểu đồ này.');
        const { form, period } = askedFormPeriod(r);
        const spec = (await briefingOf(form.id, period)).charts.find((c) => c.id === chartId);
        if (!spec) throw new NotFoundError('CHART_NOT_FOUND', 'Không có biểu đồ này.');
        const [chart] = await deps.consolidation.charts.render([spec]);
        if (!chart) throw new Error(`the chart renderer drew nothing for chart ${chartId}`);
        return binary(200, chart.png, { 'content-type': 'image/png', 'cache-control': CHART_CACHE_CONTROL });
      }),
    },
  ];
}

/** Runs `check`; an error it throws that `expected` recognises becomes `refusal(err)`, others pass through. */
function refusing<T>(check: () => T, expected: (err: unknown) => boolean, refusal: (cause: unknown) => AppError): T {
  try {
    return check();
  } catch (err) {
    if (!expected(err)) throw err;
    throw refusal(err);
  }
}
