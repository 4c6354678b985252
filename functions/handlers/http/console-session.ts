/**
 * The console's request guard, shared by every console route module: the session cookie, the
 * same-origin and CSRF checks on state-changing requests, the role check, and the audit entry an
 * action writes.
 *
 * The session is an opaque id in one cookie, `Path=/` (the JSON lives under `/api/admin/`, outside
 * `CONSOLE_PATH`), `HttpOnly; SameSite=Strict`, and on an https portal `Secure` with the
 * `__Host-` prefix (which requires `Path=/` and no `Domain`). State-changing requests must also
 * come from the portal's own origin (`Origin`) and carry the session's CSRF token: the
 * `X-CSRF-Token` header (script, tools) or, for a page's own `<form method="post">` sent without
 * script (urlencoded), its hidden `_csrf` field. A `viewer` may read but not act.
 */
import { timingSafeEqual } from 'node:crypto';
import { AppError, ForbiddenError, InvalidInputError, UnauthorizedError } from '../../core/errors';
import type { AuditEntry } from '../../core/operators/model';
import { CONSOLE_PATH } from '../../core/operators/model';
import { getSession, type LiveSession, type SignInDeps } from '../../core/operators/sign-in';
import { renderConsoleMessagePage } from '../../portal/render-console-page';
import { html, type HttpResponse } from './responses';
import type { RouteRequest } from './router';

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The hidden field of a console page's form that carries the session's CSRF token. */
export const CSRF_FIELD = '_csrf';
/** Largest urlencoded form body a console page posts (a unit's edit form is well under 4 KB). */
export const MAX_FORM_BODY_BYTES = 16 * 1024;

/** The session cookie's name: `__Host-` only where the portal is https (browsers refuse the prefix without `Secure`). */
export function sessionCookieName(portalUrl: string): string {
  return isHttps(portalUrl) ? '__Host-tonghop-phien' : 'tonghop-phien';
}

function isHttps(portalUrl: string): boolean {
  return new URL(portalUrl).protocol === 'https:';
}

export function sessionCookie(portalUrl: string, value: string, maxAgeSeconds: number): string {
  return `${sessionCookieName(portalUrl)}=${value}; Path=/; HttpOnly; SameSite=Strict${isHttps(portalUrl) ? '; Secure' : ''}; Max-Age=${maxAgeSeconds}`;
}

export function readCookie(request: RouteRequest, name: string): string | undefined {
  for (const c of request.cookies ?? []) {
    const at = c.indexOf('=');
    if (at > 0 && c.slice(0, at).trim() === name) return c.slice(at + 1).trim();
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const csrfRefused = () => new ForbiddenError('CSRF_REFUSED', 'Yêu cầu bị từ chối vì không xuất phát từ trang quản trị. Vui lòng tải lại trang và thử lại.');
export const roleForbidden = () => new ForbiddenError('ROLE_FORBIDDEN', 'Tài khoản của đồng chí chỉ có quyền xem, không thực hiện được thao tác này.');

/** The request's query string as parameters. */
export function query(request: RouteRequest): URLSearchParams {
  return new URLSearchParams(request.query ?? '');
}

/** Whether the request body is a page's form post (urlencoded) rather than JSON. */
export function isFormPost(request: RouteRequest): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');
}

/** A urlencoded form body, bounded (400 BODY_TOO_LARGE above `MAX_FORM_BODY_BYTES`). */
export function formFields(request: RouteRequest): URLSearchParams {
  const body = request.body ?? '';
  if (Buffer.byteLength(body, 'utf8') > MAX_FORM_BODY_BYTES) throw new InvalidInputError('BODY_TOO_LARGE', 'Dữ liệu gửi lên quá lớn.');
  return new URLSearchParams(body);
}

/** Unit codes, form ids, periods and upload ids are short: anything longer is refused before it reaches a key. */
export const MAX_ID_LENGTH = 64;
export function bounded(value: string | null | undefined, name: string): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) throw new InvalidInputError('PARAM_INVALID', `Tham số ${name} không hợp lệ (tối đa ${MAX_ID_LENGTH} ký tự).`);
  return value;
}

/**
 * Whether a request comes from the portal's own pages. Normally the `Origin` header says so. But
 * every page is served with `Referrer-Policy: no-referrer` (unit links carry tokens), and under
 * that policy a browser sends `Origin: null` on a form submission even to its own origin; then
 * `Sec-Fetch-Site: same-origin`, which only the browser can set, vouches for it. `absent`: what
 * to answer when neither header is there (tools).
 */
export function fromPortalOrigin(headers: Record<string, string | undefined>, portalOrigin: string, absent: boolean): boolean {
  const origin = headers['origin'];
  if (origin === undefined) return absent && headers['sec-fetch-site'] === undefined;
  if (origin === portalOrigin) return true;
  return origin === 'null' && headers['sec-fetch-site'] === 'same-origin';
}

export const seeOther = (location: string, cookies?: string[]): HttpResponse => ({ statusCode: 303, headers: { location }, body: '', ...(cookies ? { cookies } : {}) });

/** An audit entry as an action states it (the guard adds who and when). */
export type AuditFact = Omit<AuditEntry, 'at' | 'actor'>;

export interface ConsoleGuard {
  portalOrigin: string;
  cookieName: string;
  /**
   * The caller's live session (401 without one); for a state-changing method also the
   * same-origin and CSRF checks and, unless `anyRole`, a role that may act (403 for a viewer);
   * `admin`: only an admin may.
   */
  session(request: RouteRequest, options?: { anyRole?: boolean; admin?: boolean }): Promise<LiveSession>;
  /** An HTML route's session: `undefined` when there is none or it expired (the route sends the browser to sign-in). */
  pageSession(request: RouteRequest): Promise<LiveSession | undefined>;
  /** Records an operator's action in the audit log. */
  audit(live: Pick<LiveSession, 'email'>, fact: AuditFact): Promise<void>;
  /** Sign-in, with a way back to `CONSOLE_PATH`. */
  toSignIn(): HttpResponse;
}

const adminOnly = () => new ForbiddenError('ROLE_FORBIDDEN', 'Chỉ tài khoản quản trị mới thực hiện được thao tác này.');

export function createConsoleGuard(signIn: SignInDeps): ConsoleGuard {
  const portalOrigin = new URL(signIn.portalUrl).origin;
  const cookieName = sessionCookieName(signIn.portalUrl);
  const session: ConsoleGuard['session'] = async (r, options = {}) => {
    const live = await getSession(signIn, readCookie(r, cookieName) ?? '');
    if (STATE_CHANGING.has(r.method)) {
      if (!fromPortalOrigin(r.headers, portalOrigin, false)) throw csrfRefused();
      const token = r.headers['x-csrf-token'] ?? (isFormPost(r) ? (formFields(r).get(CSRF_FIELD) ?? undefined) : undefined);
      if (!token || !sameSecret(token, live.csrfToken)) throw csrfRefused();
      if (!options.anyRole && live.role === 'viewer') throw roleForbidden();
      if (options.admin && live.role !== 'admin') throw adminOnly();
    }
    return live;
  };
  return {
    portalOrigin,
    cookieName,
    session,
    pageSession: async (r) => {
      try {
        return await session(r);
      } catch (err) {
        if (err instanceof UnauthorizedError) return undefined;
        throw err;
      }
    },
    audit: (live, fact) => signIn.audit.record({ at: signIn.clock.now().toISOString(), actor: live.email, ...fact }),
    toSignIn: () => seeOther(`${CONSOLE_PATH}/sign-in`),
  };
}

/** Titles of the console's error pages, by status. */
export function consoleErrorPageTitle(statusCode: number): string {
  if (statusCode === 401) return 'Không đăng nhập được';
  if (statusCode === 403) return 'Không có quyền truy cập';
  if (statusCode === 404) return 'Không tìm thấy';
  if (statusCode === 429) return 'Tạm thời chưa gửi được';
  if (statusCode < 500) return 'Yêu cầu không hợp lệ';
  return 'Hệ thống đang gặp sự cố';
}

/** A refusal as the console's Vietnamese message page, with its status and stable code. */
export function consoleRefusalPage(err: AppError): HttpResponse {
  return html(err.statusCode, renderConsoleMessagePage({ title: consoleErrorPageTitle(err.statusCode), message: err.message, code: err.code }));
}

/**
 * A page route whose refusals answer as the console's message page: the error mapper would answer
 * a POST with JSON, which a plain form post would show raw. Internal errors still go to the mapper.
 */
export const asConsolePage = (handle: (r: RouteRequest) => Promise<HttpResponse>) => async (r: RouteRequest): Promise<HttpResponse> => {
  try {
    return await handle(r);
  } catch (err) {
    if (err instanceof AppError && err.expose) return consoleRefusalPage(err);
    throw err;
  }
};

/** A page form's session: none → sign-in; refused (cross-site, viewer) → the message page; else the live session. */
export async function formSessionOf(guard: ConsoleGuard, r: RouteRequest): Promise<LiveSession | HttpResponse> {
  try {
    return await guard.session(r);
  } catch (err) {
    if (err instanceof UnauthorizedError) return guard.toSignIn();
    if (err instanceof AppError && err.expose) return consoleRefusalPage(err);
    throw err;
  }
}
