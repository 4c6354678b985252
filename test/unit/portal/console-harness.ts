/**
 * The operator console behind the real API handler, on the portal's in-memory world plus the
 * console's in-memory stores (operators, sign-in tokens, sessions, rate counters, audit, once
 * ledger): what every console route test builds. Requests are payload-v2 events; sign-in goes the
 * way a browser does it (request → emailed link → the confirmation page's same-origin POST).
 */
import { generateForm } from '../../../functions/core/forms';
import type { Log } from '../../../functions/core/log';
import type { Operator } from '../../../functions/core/operators/model';
import type { FormDefinitionStore } from '../../../functions/core/ports';
import { createApiHandler } from '../../../functions/handlers/api';
import { FakeTimer, InMemoryAuditLog, InMemoryOnceLedger, InMemoryOperatorRegistry, InMemorySignInStore, RecordingMailer } from '../../support/in-memory';
import { httpEvent } from './http-event';
import { createWorld, NOW } from './world';
import { testChartRenderer } from '../../support/charts';
import type { ChartRenderer } from '../../../functions/core/briefing/model';

export const ADMIN = 'quantri@tinhuy.example.vn';
export const VIEWER = 'lanhdao@tinhuy.example.vn';
export const OPERATOR = 'canbo@tinhuy.example.vn';
/** A console page's own form post, as a browser sends it under `Referrer-Policy: no-referrer`. */
export const FORM_POST = { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'same-origin' } as const;

export const operator = (email: string, role: Operator['role'], name = `Cán bộ ${role}`): Operator => ({ email, name, role, active: true, createdAt: NOW, updatedAt: NOW });

export interface CallOptions {
  headers?: Record<string, string>;
  body?: string;
  cookie?: string;
  query?: string;
  sourceIp?: string;
  /** A unit link's token, as the unit page sends it (`Authorization: Bearer`). */
  bearer?: string;
}

export interface ConsoleHarnessOptions {
  portalUrl?: string;
  operators?: Operator[];
  /** Largest email with the consolidated workbook attached (above it: a link). */
  maxMessageBytes?: number;
  /** Adjusts the world (its catalog, say) before the handler is built over it. */
  configure?: (world: ReturnType<typeof createWorld>) => void;
  /** The published forms' store: with it the console's "Biểu mẫu" routes exist. */
  forms?: FormDefinitionStore;
  /** The consolidation's chart renderer (default: the real one). */
  charts?: ChartRenderer;
}

export type ConsoleHarness = ReturnType<typeof consoleHarness>;

export function consoleHarness(options: ConsoleHarnessOptions = {}) {
  const portalUrl = options.portalUrl ?? 'https://baocao.example.vn';
  const world = createWorld();
  options.configure?.(world);
  const store = new InMemorySignInStore();
  const operators = new InMemoryOperatorRegistry(options.operators ?? [operator(ADMIN, 'admin'), operator(VIEWER, 'viewer'), operator(OPERATOR, 'operator')]);
  const mailer = new RecordingMailer();
  const audit = new InMemoryAuditLog();
  const ledger = new InMemoryOnceLedger(world.clock);
  const timer = new FakeTimer();
  /** Every log line, to prove what never reaches a log. */
  const lines: string[] = [];
  const record = (level: string) => (message: string, ...extra: Array<Record<string, unknown>>) => void lines.push(`${level} ${message} ${JSON.stringify(extra)}`);
  const logger: Log = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const signIn = { operators, signInTokens: store, sessions: store, rateLimiter: store, mailer, audit, clock: world.clock, timer, portalUrl, mail: { from: 'tonghop@tinhuy.example.vn' } };
  const mail = { from: 'tonghop@tinhuy.example.vn', portalUrl, ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}) };
  const handler = createApiHandler({
    ...world, config: { ...world.config, portalUrl }, generateForm, logger,
    console: { signIn, audit, ...(options.forms ? { forms: options.forms } : {}), consolidation: { files: world.files, ledger, reviews: world.reviews, mailer, mail, charts: options.charts ?? testChartRenderer() } },
  });
  const origin = new URL(portalUrl).origin;

  const call = async (method: string, path: string, o: CallOptions = {}) => {
    const event = httpEvent(method, path, { headers: o.headers, body: o.body, bearer: o.bearer });
    if (o.cookie) event.cookies = [o.cookie];
    if (o.query) event.rawQueryString = o.query;
    if (o.sourceIp) event.requestContext.http.sourceIp = o.sourceIp;
    const res = await handler(event);
    return { ...res, json: () => JSON.parse(res.body ?? '') as Record<string, unknown> };
  };
  /** The token of the last emailed sign-in link. */
  const lastToken = () => {
    const m = /\/quan-tri\/sign-in\/([A-Za-z0-9_-]+)/.exec(mailer.sent.at(-1)?.text ?? '');
    if (!m?.[1]) throw new Error('no sign-in link in the email');
    return m[1];
  };
  /** The confirmation page's button, posted from the page (Origin: null under no-referrer, vouched by Sec-Fetch-Site). */
  const confirm = (token: string, headers: Record<string, string> = { origin: 'null', 'sec-fetch-site': 'same-origin' }) =>
    call('POST', `/quan-tri/sign-in/${token}`, { headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: '' });
  /**
   * Signs `email` in through the routes: the cookie as the browser sends it back, the CSRF token,
   * and the two ways a signed-in page acts — a form post (`_csrf` field) and a JSON request (header).
   */
  const signedIn = async (email = ADMIN) => {
    await call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email }) });
    const res = await confirm(lastToken());
    const cookie = res.cookies![0]!.split(';')[0]!;
    const csrf = (await call('GET', '/api/admin/me', { cookie })).json()['csrfToken'] as string;
    const post = (path: string, fields: Record<string, string> | string = {}) => {
      const body = typeof fields === 'string' ? `_csrf=${encodeURIComponent(csrf)}${fields ? `&${fields}` : ''}` : new URLSearchParams({ _csrf: csrf, ...fields }).toString();
      return call('POST', path, { cookie, headers: FORM_POST, body });
    };
    const postJson = (path: string, body: unknown) => call('POST', path, { cookie, headers: { origin, 'x-csrf-token': csrf }, body: JSON.stringify(body) });
    return { cookie, csrf, post, postJson };
  };
  return { world, store, operators, mailer, audit, ledger, timer, lines, handler, call, origin, portalUrl, lastToken, confirm, signedIn };
}
