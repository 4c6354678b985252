/**
 * Consolidate a (form, period): build the province-wide workbook from the latest accepted
 * submission of every unit, store it under `reports/…`, and (when asked) email it to the
 * form's leadership recipients exactly once per content.
 *
 * The email and the workbook carry the leadership briefing: summary sentences, the charts (drawn
 * once per run, only when a workbook is written or an email sent), the units needing attention;
 * the email also carries the draft report (.docx). Too big for `maxMessageBytes`: the workbook
 * becomes a link first, the draft goes next; the charts stay inline (the email reads without
 * them otherwise).
 *
 * The content hash covers what the briefing reads too: the report's own figures
 * (`report.contentHash`) and the earlier periods it compares them with (their totals and each
 * unit's standing), so a late correction of an earlier period is a new workbook and email.
 *
 * Exactly once: the OnceLedger key is `consolidation#<form>#<period>#<content hash>`. It is
 * claimed before sending and released if sending fails, so a retried or repeated run with the
 * same figures sends nothing, and a crash before the send leaves nothing claimed. When late
 * reports change the figures the hash changes and the next run sends a clearly marked update
 * ("[Bản cập nhật]") naming the units that reported or changed since the previous email.
 */
import { createHash } from 'node:crypto';
import { buildBriefing } from '../briefing/build-briefing';
import { DOCX_CONTENT_TYPE, draftReportFileName, writeDraftReport } from '../briefing/draft-report';
import { loadEarlierPeriods } from '../briefing/history';
import type { Briefing, ChartRenderer, RenderedChart } from '../briefing/model';
import { ConfigError } from '../errors';
import type { FormCatalog } from '../forms/catalog';
import { chartContentId, chartFileName, composeConsolidationEmail, consolidationSubject, workbookFileName, type UpdateInfo } from '../consolidation/email';
import { buildConsolidatedReport, canonicalJson, type ConsolidatedReport } from '../consolidation/report';
import { XLSX_CONTENT_TYPE, parseReportKey, reportDownloadPath, reportKey, reportPrefix } from '../consolidation/report-key';
import { writeConsolidatedWorkbook } from '../consolidation/workbook';
import { base64MimeSize } from '../mail/compose';
import { parsePeriod, periodConsolidatedOn, shiftPeriod } from '../periods';
import type { Clock, EmailAttachment, FileStore, Mailer, OnceLedger, ReviewStore, SubmissionRepository, UnitRepository } from '../ports';
import { consolidationLedgerPrefix, consolidationRecipients } from './list-consolidations';

/**
 * The largest raw message sent with the workbook attached (10 MB): what ordinary receiving servers
 * accept — Postfix's default `message_size_limit` is 10,240,000 bytes and many Exchange and
 * hosted mailboxes stop at 10 MB — not what SES can send (40 MB). A larger message is delivered
 * by SES and then bounced by the leader's server; above this the workbook becomes a link.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 10_000_000;

/** Room kept for the headers and the text and HTML bodies (well under 1 MB even with 1,000 units listed). */
const BODY_ALLOWANCE_BYTES = 1024 * 1024;
/** A MIME part's own headers (type, disposition with the UTF-8 name, Content-ID, boundary). */
const PART_HEADER_BYTES = 512;

export interface ConsolidateDeps {
  /** The forms catalog (only `require`: unknown forms throw FORM_NOT_FOUND). */
  /** The catalog: the form (the version of the period, when the catalog knows effective periods), and the unit types the report labels and orders its "by unit type" totals with (default: the 2019 types). */
  forms: Pick<FormCatalog, 'require'> & Partial<Pick<FormCatalog, 'unitTypes' | 'forPeriod' | 'retirement'>>;
  units: UnitRepository;
  submissions: SubmissionRepository;
  /** Each unit's review: returned reports never count, unreviewed ones per the form's `includeUnreviewed`. */
  reviews: Pick<ReviewStore, 'listByFormPeriod'>;
  files: FileStore;
  ledger: OnceLedger;
  mailer: Mailer;
  clock: Clock;
  /** Draws the briefing's charts (PNG) for the email, the workbook and the draft report. */
  charts: ChartRenderer;
  mail: {
    from: string;
    /** Largest raw message to send with the workbook attached; above it, a download link. */
    maxMessageBytes?: number;
    /**
     * The portal's public origin. A workbook too large to attach is linked as the console's
     * download route there (sign-in, then a fresh presigned link on each click), never as a
     * presigned S3 URL, which would die with the sending Lambda's temporary credentials.
     */
    portalUrl: string;
  };
}

export interface ConsolidateInput {
  formId: string;
  period: string;
  /** Email the workbook to the form's recipients (once per content). */
  send: boolean;
}

export type EmailOutcome =
  | { status: 'not-requested' }
  | {
      status: 'sent';
      to: string[];
      cc: string[];
      subject: string;
      messageId: string;
      updated: boolean;
      delivery: 'attachment' | 'link';
      /** Charts shown inline. */
      charts: number;
      /** The draft report (.docx) went with it (it is left out only when even it would not fit). */
      draftAttached: boolean;
    }
  | { status: 'already-sent'; sentAt: string; subject: string }
  /** The registry has no units: an empty report is not sent to leadership. */
  | { status: 'no-units' };

export interface ConsolidateResult {
  formId: string;
  period: string;
  periodLabel: string;
  /** S3 key of the workbook. */
  key: string;
  /** The briefing's summary sentences, as the workbook and the email open with them. */
  summary: string[];
  /** How many units need attention (all listed on the workbook's "Đơn vị cần đôn đốc"). */
  attentionUnits: number;
  /** The same figures (this period's and the earlier periods' the briefing compares with) were already stored: the earlier workbook was reused. */
  reused: boolean;
  fileName: string;
  workbook: Buffer;
  /** The hash of the workbook's content (the report's figures and the briefing's earlier periods). */
  contentHash: string;
  unitsReported: number;
  unitsExpected: number;
  notReported: Array<{ code: string; name: string }>;
  email: EmailOutcome;
}

/**
 * The consolidated report of a (form, period) from the ports' data, as the workbook shows it:
 * the version of the form that applied to the period, every unit's latest accepted version and
 * review, and the previous period's for comparisons. Shared by the consolidation, the draft
 * report and the console.
 */
export async function buildReportFor(deps: Pick<ConsolidateDeps, 'forms' | 'units' | 'submissions' | 'reviews' | 'clock'>, input: { formId: string; period: string }): Promise<ConsolidatedReport> {
  // The version that applied to the period (a retired form's history still consolidates).
  const form = deps.forms.forPeriod?.(input.formId, input.period, { includeRetired: true }) ?? deps.forms.require(input.formId);
  parsePeriod(input.period, form.periodType);
  const now = deps.clock.now();
  const previousPeriod = shiftPeriod(input.period, -1);
  const [units, latest, submissions, previousLatest, reviews, previousReviews] = await Promise.all([
    deps.units.list({ includeInactive: true }),
    deps.submissions.listLatestAccepted(form.id, input.period),
    deps.submissions.listByFormPeriod(form.id, input.period),
    deps.submissions.listLatestAccepted(form.id, previousPeriod),
    deps.reviews.listByFormPeriod(form.id, input.period),
    deps.reviews.listByFormPeriod(form.id, previousPeriod),
  ]);
  return buildConsolidatedReport({ form, period: input.period, units, latest, submissions, previousLatest, reviews, previousReviews, now, unitTypes: deps.forms.unitTypes });
}

/** The leadership briefing of a report: its earlier periods loaded, then summary, attention list and charts. */
export async function briefingFor(deps: Pick<ConsolidateDeps, 'forms' | 'units' | 'submissions' | 'reviews'>, report: ConsolidatedReport): Promise<Briefing> {
  const earlier = await loadEarlierPeriods(deps, report);
  return buildBriefing({ report, earlier });
}

/**
 * The hash that decides reuse and "sent once": the report's own figures and the earlier periods
 * the briefing compares them with (province totals, units expected and reported, each unit's
 * standing; and each unit's totals in the period just before, which "changed since" reads).
 */
export function consolidationHash(report: Pick<ConsolidatedReport, 'contentHash' | 'period'>, briefing: Pick<Briefing, 'history'>): string {
  const earlier = briefing.history.filter((h) => h.period !== report.period);
  const last = earlier[earlier.length - 1];
  const inputs = {
    periods: earlier.map((h) => [h.period, h.unitsExpected, h.unitsReported, h.totals, h.unitStatus]),
    previousUnits: last?.unitTotals ?? {},
  };
  return createHash('sha256').update(report.contentHash).update('\n').update(canonicalJson(inputs)).digest('hex');
}

/** Builds (or reuses), stores and optionally emails the consolidated workbook. */
export async function consolidateReport(deps: ConsolidateDeps, input: ConsolidateInput): Promise<ConsolidateResult> {
  const report = await buildReportFor(deps, input);
  const { form } = report;
  const briefing = await briefingFor(deps, report);
  const hash = consolidationHash(report, briefing);
  // Drawn at most once, and only when a workbook is written or an email goes out.
  let rendered: Promise<RenderedChart[]> | undefined;
  const charts = () => (rendered ??= deps.charts.render(briefing.charts));

  const { key, workbook, reused } = await storeWorkbook(deps, report, hash, async () => writeConsolidatedWorkbook(report, briefing, await charts()));
  const fileName = workbookFileName(report);
  const base = {
    formId: form.id,
    period: input.period,
    periodLabel: report.periodLabel,
    key,
    summary: briefing.summary,
    attentionUnits: briefing.attention.length,
    reused,
    fileName,
    workbook,
    contentHash: hash,
    unitsReported: report.unitsReported,
    unitsExpected: report.unitsExpected,
    notReported: report.units.filter((l) => !l.accepted).map((l) => ({ code: l.unit.code, name: l.unit.name })),
  };
  if (!input.send) return { ...base, email: { status: 'not-requested' } };
  if (report.unitsExpected === 0) return { ...base, email: { status: 'no-units' } };
  return { ...base, email: await sendOnce(deps, { report, briefing, charts }, hash, key, workbook, fileName) };
}

async function storeWorkbook(deps: ConsolidateDeps, report: ConsolidatedReport, hash: string, write: () => Promise<Buffer>): Promise<{ key: string; workbook: Buffer; reused: boolean }> {
  const prefix = reportPrefix(report.form.id, report.period);
  const existing = (await deps.files.list(prefix)).filter((o) => parseReportKey(o.key)?.hash8 === hash.slice(0, 8)).sort((a, b) => b.key.localeCompare(a.key))[0];
  if (existing) {
    const body = await deps.files.get(existing.key);
    if (body) return { key: existing.key, workbook: body, reused: true };
  }
  const workbook = await write();
  const key = reportKey(report.form.id, report.period, report.generatedAt, hash);
  await deps.files.put(key, workbook, {
    contentType: XLSX_CONTENT_TYPE,
    metadata: {
      'content-hash': hash,
      'units-reported': `${report.unitsReported}/${report.unitsExpected}`,
      'file-name': encodeURIComponent(workbookFileName(report)),
    },
  });
  return { key, workbook, reused: false };
}

/** What goes with the email within `maxBytes`: the charts first, then the draft, then the workbook (else linked). */
export function planAttachments(maxBytes: number, sizes: { charts: readonly number[]; draft: number; workbook: number }): { charts: number; draft: boolean; workbook: boolean } {
  const part = (bytes: number) => base64MimeSize(bytes) + PART_HEADER_BYTES;
  let room = maxBytes - BODY_ALLOWANCE_BYTES;
  let charts = 0;
  for (const size of sizes.charts) {
    if (part(size) > room) break;
    room -= part(size);
    charts += 1;
  }
  const draft = part(sizes.draft) <= room;
  if (draft) room -= part(sizes.draft);
  return { charts, draft, workbook: part(sizes.workbook) <= room };
}

interface BriefingParts {
  report: ConsolidatedReport;
  briefing: Briefing;
  charts: () => Promise<RenderedChart[]>;
}

async function sendOnce(deps: ConsolidateDeps, parts: BriefingParts, hash: string, key: string, workbook: Buffer, fileName: string): Promise<EmailOutcome> {
  const { report, briefing } = parts;
  const { form } = report;
  const { to, cc } = consolidationRecipients(form);
  if (to.length === 0) throw new ConfigError(`Form ${form.id} has no leadership recipients (recipients.leadership is empty)`);
  const prefix = consolidationLedgerPrefix(form.id, report.period);
  const idempotencyKey = `${prefix}${hash}`;
  const earlier = await deps.ledger.list(prefix);
  const same = earlier.find((e) => e.key === idempotencyKey);
  if (same) return { status: 'already-sent', sentAt: same.claimedAt, subject: String(same.attributes.subject ?? '') };

  const previous = earlier[0];
  const update = previous ? updateInfo(report, previous) : undefined;
  const subject = consolidationSubject(report, update !== undefined);
  const claimed = await deps.ledger.claim(idempotencyKey, {
    subject,
    reportKey: key,
    sentAt: deps.clock.now().toISOString(),
    unitsReported: report.unitsReported,
    unitsExpected: report.unitsExpected,
    digests: Object.entries(report.unitDigests).map(([code, d]) => `${code}:${d}`).join(','),
  });
  if (!claimed) return { status: 'already-sent', sentAt: deps.clock.now().toISOString(), subject };

  try {
    const [charts, draft] = await Promise.all([parts.charts(), writeDraftReport({ report, briefing })]);
    const draftName = draftReportFileName(report);
    const plan = planAttachments(deps.mail.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, { charts: charts.map((c) => c.png.length), draft: draft.length, workbook: workbook.length });
    const inline = charts.slice(0, plan.charts);
    const delivery = plan.workbook ? ({ kind: 'attachment', fileName } as const) : ({ kind: 'link', url: `${deps.mail.portalUrl.replace(/\/+$/, '')}${reportDownloadPath(key)}` } as const);
    const body = composeConsolidationEmail({ report, update, delivery, briefing, charts: inline, draftFileName: plan.draft ? draftName : undefined });
    const attachments: EmailAttachment[] = [
      ...inline.map((c) => ({ filename: chartFileName(c), content: c.png, contentType: 'image/png', cid: chartContentId(c) })),
      ...(plan.workbook ? [{ filename: fileName, content: workbook, contentType: XLSX_CONTENT_TYPE }] : []),
      ...(plan.draft ? [{ filename: draftName, content: draft, contentType: DOCX_CONTENT_TYPE }] : []),
    ];
    const { messageId } = await deps.mailer.send({
      from: deps.mail.from,
      to,
      cc,
      subject: body.subject,
      text: body.text,
      html: body.html,
      attachments,
      headers: { 'X-Tonghop-Idempotency-Key': idempotencyKey, 'X-Tonghop-Report-Key': key },
    });
    return {
      status: 'sent',
      to,
      cc,
      subject: body.subject,
      messageId,
      updated: update !== undefined,
      delivery: plan.workbook ? 'attachment' : 'link',
      charts: inline.length,
      draftAttached: plan.draft,
    };
  } catch (err) {
    await deps.ledger.release(idempotencyKey);
    throw err;
  }
}

function updateInfo(report: ConsolidatedReport, previous: { claimedAt: string; attributes: Record<string, string | number> }): UpdateInfo {
  const before = new Map(
    String(previous.attributes.digests ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split(':') as [string, string]),
  );
  const newlyReported: string[] = [];
  const changed: string[] = [];
  for (const l of report.units) {
    const digest = report.unitDigests[l.unit.code];
    if (!digest) continue;
    const old = before.get(l.unit.code);
    if (old === undefined) newlyReported.push(l.unit.name);
    else if (old !== digest) changed.push(l.unit.name);
  }
  const sentAt = typeof previous.attributes.sentAt === 'string' ? previous.attributes.sentAt : previous.claimedAt;
  return { previousSentAt: new Date(sentAt), newlyReported, changed };
}

export interface ScheduledConsolidationInput {
  formId: string;
  /** Omitted: the period whose consolidation day is today (Asia/Ho_Chi_Minh), if any. */
  period?: string;
  /** Default true: a scheduled run emails. */
  send?: boolean;
}

export type ScheduledConsolidationResult = { status: 'not-due'; formId: string; date: string } | ({ status: 'done' } & ConsolidateResult);

/** One form at once (`{ formId }`: the CLI, tests): consolidates and sends only on a period's consolidation day (or for the period named). The schedule walks the catalog instead (run-due-schedules.ts). */
export async function consolidateScheduled(deps: ConsolidateDeps, input: ScheduledConsolidationInput): Promise<ScheduledConsolidationResult> {
  const form = deps.forms.require(input.formId);
  const now = deps.clock.now();
  // A retired form is no longer consolidated on schedule (an operator may still consolidate a period by hand).
  const retired = input.period === undefined && deps.forms.retirement?.(input.formId) !== undefined;
  const period = retired ? undefined : (input.period ?? periodConsolidatedOn(form, now));
  if (!period) return { status: 'not-due', formId: form.id, date: now.toISOString() };
  return { status: 'done', ...(await consolidateReport(deps, { formId: form.id, period, send: input.send ?? true })) };
}
