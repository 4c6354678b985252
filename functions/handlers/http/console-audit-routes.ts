/**
 * The console's "Nhật ký": `GET /quan-tri/nhat-ky` (the page, any signed-in role, viewers
 * included) and `GET /quan-tri/nhat-ky/tai` (the same filters as .xlsx; the download is itself
 * audited, `audit.download`). Both read the query with `parseAuditFilters`; a bad one answers
 * the console's Vietnamese page with its code.
 */
import { readAuditLog, parseAuditFilters, type AuditFilters, type AuditView } from '../../core/operators/audit-view';
import { auditWorkbookFileName, buildAuditWorkbook } from '../../core/operators/audit-workbook';
import type { SignInDeps } from '../../core/operators/sign-in';
import type { AuditLog } from '../../core/ports';
import type { FormCatalog } from '../../core/forms/catalog';
import { AUDIT_DOWNLOAD_PATH, AUDIT_PAGE_PATH, renderConsoleAuditPage } from '../../portal/render-console-audit';
import { attachment, binary, html } from './responses';
import { createConsoleGuard, query } from './console-session';
import type { Route, RouteRequest } from './router';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Names looked up per request at most (actors are a few dozen operators; CLI actors have none). */
const MAX_NAME_LOOKUPS = 50;

export interface ConsoleAuditDeps {
  /** Sessions, the operators registry (names), the clock, and the audit log the download writes to. */
  signIn: SignInDeps;
  audit: Pick<AuditLog, 'list'>;
  /** The deployment's unit types, to name a unit's type in before → after (default: the 2019 types). */
  catalog?: Pick<FormCatalog, 'unitTypes'>;
}

export function createConsoleAuditRoutes(deps: ConsoleAuditDeps): Route[] {
  const { signIn } = deps;
  const guard = createConsoleGuard(signIn);

  const filtersOf = (r: RouteRequest): AuditFilters => {
    const q = query(r);
    return parseAuditFilters((name) => q.get(name), signIn.clock.now());
  };
  /** Operators' names for the actors among `entries` (emails only; unknown ones are left out). */
  const namesOf = async (actors: Iterable<string>): Promise<Map<string, string>> => {
    const emails = [...new Set(actors)].filter((a) => a.includes('@')).slice(0, MAX_NAME_LOOKUPS);
    const found = await Promise.all(emails.map(async (email) => [email, (await signIn.operators.get(email))?.name] as const));
    return new Map(found.filter((f): f is readonly [string, string] => typeof f[1] === 'string'));
  };
  const read = (filters: AuditFilters): Promise<AuditView> => readAuditLog({ audit: deps.audit }, filters);

  return [
    {
      method: 'GET',
      pattern: AUDIT_PAGE_PATH,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        const view = await read(filtersOf(r));
        return html(200, renderConsoleAuditPage({ operator: live, view, unitTypes: deps.catalog?.unitTypes, names: await namesOf([...view.actors, ...view.entries.map((e) => e.actor)]) }));
      },
    },
    {
      method: 'GET',
      pattern: AUDIT_DOWNLOAD_PATH,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        const filters = filtersOf(r);
        const view = await read(filters);
        const at = signIn.clock.now();
        const bytes = await buildAuditWorkbook({ view, unitTypes: deps.catalog?.unitTypes, names: await namesOf(view.entries.map((e) => e.actor)), by: live.email, at });
        const asked = { fromDay: filters.from, toDay: filters.to, filterActor: filters.actor, filterAction: filters.action, filterTarget: filters.target };
        const after = Object.fromEntries(Object.entries({ ...asked, rows: view.entries.length, truncated: view.truncated || undefined }).filter(([, v]) => v !== undefined));
        await guard.audit(live, { action: 'audit.download', target: `${filters.from}/${filters.to}`, after });
        const fileName = auditWorkbookFileName(filters);
        return binary(200, bytes, { 'content-type': XLSX, 'content-disposition': attachment(fileName, fileName) });
      },
    },
  ];
}
