/**
 * The consolidated workbooks of a form and period, as the console's "Báo cáo tổng hợp" lists
 * them: every workbook stored under `reports/<form>/<period>/`, newest first, with when it was
 * built, how many units it counts, and whether leadership was emailed those figures.
 *
 * The email status comes from the OnceLedger claims `consolidation#<form>#<period>#<hash>` that
 * `consolidateReport` makes before sending: a claim names the workbook it sent (`reportKey`), and
 * a workbook is keyed by the first 8 hex digits of the same content hash, so either ties a claim
 * to its workbook.
 */
import type { FormCatalog } from '../forms/catalog';
import type { FormDefinition } from '../forms/definition';
import { parseReportKey, reportPrefix } from '../consolidation/report-key';
import { parsePeriod, periodLabel } from '../periods';
import type { FileStore, OnceLedger } from '../ports';

export interface ListConsolidationsDeps {
  forms: Pick<FormCatalog, 'require'>;
  files: Pick<FileStore, 'list' | 'head'>;
  ledger: Pick<OnceLedger, 'list'>;
}

/** Whether (and when, under which subject) leadership was emailed a workbook's figures. */
export type ConsolidationEmailStatus = { status: 'sent'; sentAt: string; subject: string } | { status: 'not-sent' };

export interface ConsolidatedWorkbook {
  /** The S3 key (`reports/<form>/<period>/<stamp>-<hash8>.xlsx`). */
  key: string;
  /** The name people see when they download it. */
  fileName: string;
  createdAt: string;
  size: number;
  /** Units counted when it was built (undefined for a workbook stored without the metadata). */
  unitsReported?: number;
  unitsExpected?: number;
  email: ConsolidationEmailStatus;
}

export interface ConsolidationListing {
  formId: string;
  formName: string;
  period: string;
  periodLabel: string;
  /** Newest first. */
  workbooks: ConsolidatedWorkbook[];
}

/** Workbooks listed for one period at most (a period has one per distinct set of figures: a handful). */
export const MAX_LISTED_WORKBOOKS = 50;

/** The ledger prefix of a form and period's consolidation emails (shared with `consolidateReport`). */
export const consolidationLedgerPrefix = (formId: string, period: string): string => `${CONSOLIDATION_LEDGER_KEY_PREFIX}${formId}#${period}#`;

/** Every consolidation email's ledger key starts with this (the consolidate function may write only these and its schedule markers). */
export const CONSOLIDATION_LEDGER_KEY_PREFIX = 'consolidation#';

/**
 * Who a consolidation email goes to: the form's leadership as To, the organisation committee as
 * Cc (without anyone already in To). The confirmation page names them; `consolidateReport` sends to them.
 */
export function consolidationRecipients(form: Pick<FormDefinition, 'recipients'>): { to: string[]; cc: string[] } {
  const to = [...form.recipients.leadership];
  return { to, cc: form.recipients.organisationCommittee.filter((a) => !to.includes(a)) };
}

/** "12/45" → [12, 45]; anything else → undefined. */
function parseUnitsReported(value: string | undefined): { unitsReported: number; unitsExpected: number } | undefined {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(value ?? '');
  return m ? { unitsReported: Number(m[1]), unitsExpected: Number(m[2]) } : undefined;
}

/** The name a stored workbook is downloaded under: its `file-name` metadata (URI-encoded, as stored), else the key's last segment. */
export function storedWorkbookName(key: string, metadata: Record<string, string> | undefined): string {
  const stored = metadata?.['file-name'];
  if (stored) {
    try {
      return decodeURIComponent(stored);
    } catch {
      // Not ours: fall back to the key.
    }
  }
  return key.slice(key.lastIndexOf('/') + 1);
}

/** Lists a form and period's workbooks with their email status; throws FORM_NOT_FOUND / PERIOD_INVALID as `consolidateReport` does. */
export async function listConsolidations(deps: ListConsolidationsDeps, input: { formId: string; period: string }): Promise<ConsolidationListing> {
  const form = deps.forms.require(input.formId);
  parsePeriod(input.period, form.periodType);
  const [objects, claims] = await Promise.all([deps.files.list(reportPrefix(form.id, input.period)), deps.ledger.list(consolidationLedgerPrefix(form.id, input.period))]);
  const stored = objects
    .map((o) => ({ object: o, parts: parseReportKey(o.key) }))
    .filter((o): o is { object: (typeof objects)[number]; parts: NonNullable<typeof o.parts> } => o.parts !== undefined && o.parts.formId === form.id && o.parts.period === input.period)
    // Keys sort by their UTC stamp: newest first.
    .sort((a, b) => b.object.key.localeCompare(a.object.key))
    .slice(0, MAX_LISTED_WORKBOOKS);
  // A listing carries no user metadata (S3's ListObjectsV2 does not return it): one HEAD per workbook.
  const heads = await Promise.all(stored.map((o) => deps.files.head(o.object.key)));
  const prefix = consolidationLedgerPrefix(form.id, input.period);
  const workbooks = stored.map(({ object, parts }, i): ConsolidatedWorkbook => {
    const meta = heads[i]?.metadata ?? {};
    const claim = claims.find((c) => c.attributes.reportKey === object.key) ?? claims.find((c) => c.key.slice(prefix.length, prefix.length + 8) === parts.hash8);
    const counted = parseUnitsReported(meta['units-reported']) ?? (claim && typeof claim.attributes.unitsReported === 'number' && typeof claim.attributes.unitsExpected === 'number'
      ? { unitsReported: claim.attributes.unitsReported, unitsExpected: claim.attributes.unitsExpected }
      : undefined);
    const sentAt = claim && (typeof claim.attributes.sentAt === 'string' ? claim.attributes.sentAt : claim.claimedAt);
    return {
      key: object.key,
      fileName: storedWorkbookName(object.key, meta),
      createdAt: parts.createdAt.toISOString(),
      size: heads[i]?.size ?? object.size,
      ...(counted ?? {}),
      email: claim && sentAt ? { status: 'sent', sentAt, subject: String(claim.attributes.subject ?? '') } : { status: 'not-sent' },
    };
  });
  return { formId: form.id, formName: form.name, period: input.period, periodLabel: periodLabel(input.period), workbooks };
}
