/**
 * Passwordless sign-in to the console and its sessions, as use cases over ports (no HTTP: the
 * console's routes call these).
 *
 * - `requestSignIn`: an active operator's address gets a one-time link by email (15 minutes,
 *   single use); any other address gets the same answer and no email, so the form cannot tell
 *   who is registered — neither by what it says nor by how long it takes (every answer waits
 *   until a fixed floor). Attempts are counted per address and per IP, registered or not.
 * - `peekSignIn`: reads a link without spending it (the page a mail scanner may fetch).
 * - `redeemSignIn`: claims the token with one conditional write and opens a session.
 * - `getSession` / `endSession`: idle (8 h, sliding) and absolute (12 h) expiry, revocation, and
 *   a deactivated operator's sessions refused.
 *
 * Tokens and session ids are 32 random bytes (base64url); only their SHA-256 is stored, so a copy
 * of the table opens nothing. Neither ever reaches a log or the audit log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError, UnauthorizedError } from '../errors';
import type { Log } from '../log';
import type { AuditLog, Clock, Mailer, OperatorRegistry, RateLimiter, SessionRecord, SessionStore, SignInTokenStore, Timer } from '../ports';
import { CONSOLE_PATH, consoleReturnPath, type Operator, type OperatorRole, parseOperatorEmail } from './model';

export const SIGN_IN_TOKEN_TTL_MS = 15 * 60_000;
export const SESSION_IDLE_MS = 8 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** Sign-in requests allowed per address and per IP in each window. */
export const SIGN_IN_RATE = { max: 5, windowMs: 15 * 60_000 } as const;
/**
 * Every sign-in request is answered no sooner than this after it arrived. The registered path
 * (token write, email sent, audit entry) takes a few hundred milliseconds on SES; the unknown one
 * a few tens: without a floor the difference tells who is registered. A floor (rather than a fixed
 * pause on the unknown path only) follows the registered path's real cost, so it is never slower
 * than this, and is slower only by what is left of the floor.
 */
export const SIGN_IN_ANSWER_FLOOR_MS = 1_000;
/** A session's idle expiry is written again only when it would move by more than this (spares a write per request). */
const TOUCH_GRANULARITY_MS = 60_000;

export interface SignInDeps {
  operators: Pick<OperatorRegistry, 'get'>;
  signInTokens: SignInTokenStore;
  sessions: SessionStore;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
  /** Paces `requestSignIn`'s answer (`SIGN_IN_ANSWER_FLOOR_MS`); tests pass a fake. */
  timer: Timer;
  portalUrl: string;
  mail: { from: string };
  log?: Log;
}

/** A fresh opaque secret: 32 random bytes, base64url. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored in place of a token or session id. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The console's sign-in URL for a token. */
export function signInUrl(portalUrl: string, token: string): string {
  return `${portalUrl.replace(/\/+$/, '')}${CONSOLE_PATH}/sign-in/${token}`;
}

/** Tokens are base64url of 32 bytes; anything else is refused before touching the table. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Creates and stores a one-time sign-in token for `email` (the caller has checked it is an
 * active operator); returns the token, which exists only in the caller's hands from now on.
 * `next`: the console page to open once it is redeemed (kept only when `consoleReturnPath` accepts it).
 */
export async function issueSignInToken(deps: Pick<SignInDeps, 'signInTokens' | 'clock'>, email: string, next?: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newOpaqueToken();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SIGN_IN_TOKEN_TTL_MS);
  const returnTo = consoleReturnPath(next);
  await deps.signInTokens.put({ tokenHash: hashSecret(token), email, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString(), ...(returnTo ? { next: returnTo } : {}) });
  return { token, expiresAt };
}

function rateLimited(): AppError {
  return new AppError('SIGNIN_RATE_LIMITED', 'Quá nhiều yêu cầu đăng nhập. Vui lòng thử lại sau 15 phút.', { statusCode: 429 });
}

export interface SignInRequestResult {
  /** The same sentence whether or not the address is registered. */
  message: string;
}

export const SIGN_IN_REQUESTED_MESSAGE = 'Nếu địa chỉ này thuộc một cán bộ được cấp quyền, đường dẫn đăng nhập (hiệu lực 15 phút, dùng một lần) đã được gửi tới hộp thư.';

/**
 * Emails a one-time sign-in link if `email` belongs to an active operator. The answer does not
 * depend on whether it does; malformed addresses and rate limits are refused the same way for
 * every address (`OPERATOR_EMAIL_INVALID`, `SIGNIN_RATE_LIMITED` 429). `next`: the console page
 * the link opens after signing in (a download from a leadership email, say); anything but a
 * console path is dropped.
 */
export async function requestSignIn(deps: SignInDeps, input: { email: unknown; ip: string; next?: unknown }): Promise<SignInRequestResult> {
  const email = parseOperatorEmail(input.email);
  const now = deps.clock.now();
  const windowEnd = new Date((Math.floor(now.getTime() / SIGN_IN_RATE.windowMs) + 1) * SIGN_IN_RATE.windowMs);
  // Counter keys are hashed: the table holds no list of addresses or IPs that tried.
  const byIp = await deps.rateLimiter.hit(`signin-ip#${hashSecret(input.ip)}`, windowEnd, SIGN_IN_RATE.max);
  if (!byIp) throw rateLimited();
  const byEmail = await deps.rateLimiter.hit(`signin-email#${hashSecret(email)}`, windowEnd, SIGN_IN_RATE.max);
  if (!byEmail) throw rateLimited();

  const started = deps.timer.elapsedMs();
  try {
    const operator = await deps.operators.get(email);
    if (!operator?.active) {
      deps.log?.info('sign-in requested for an address that is not an active operator');
      return { message: SIGN_IN_REQUESTED_MESSAGE };
    }
    const { token } = await issueSignInToken(deps, email, typeof input.next === 'string' ? input.next : undefined);
    await deps.mailer.send(signInEmail(deps.mail.from, operator, signInUrl(deps.portalUrl, token)));
    await deps.audit.record({ at: now.toISOString(), actor: email, action: 'signin.request', target: email });
    return { message: SIGN_IN_REQUESTED_MESSAGE };
  } finally {
    // Both paths (and a failure on either) answer after the same floor.
    const left = SIGN_IN_ANSWER_FLOOR_MS - (deps.timer.elapsedMs() - started);
    if (left > 0) await deps.timer.sleep(left);
  }
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The sign-in email (Vietnamese). */
export function signInEmail(from: string, operator: Pick<Operator, 'email' | 'name'>, url: string) {
  const minutes = SIGN_IN_TOKEN_TTL_MS / 60_000;
  const text = [
    `Kính gửi ${operator.name},`,
    '',
    'Để đăng nhập trang quản trị hệ thống tổng hợp báo cáo, mở đường dẫn sau rồi bấm nút "Đăng nhập":',
    url,
    '',
    `Đường dẫn có hiệu lực ${minutes} phút và chỉ dùng được một lần. Nếu không phải đồng chí yêu cầu, hãy bỏ qua thư này.`,
  ].join('\n');
  const html = `<p>Kính gửi ${escapeText(operator.name)},</p><p>Để đăng nhập trang quản trị hệ thống tổng hợp báo cáo, mở đường dẫn sau rồi bấm nút &quot;Đăng nhập&quot;:</p>`
    + `<p><a href="${escapeText(url)}" style="word-break:break-all">${escapeText(url)}</a></p>`
    + `<p>Đường dẫn có hiệu lực ${minutes} phút và chỉ dùng được một lần. Nếu không phải đồng chí yêu cầu, hãy bỏ qua thư này.</p>`;
  return { from, to: [operator.email], subject: 'Đăng nhập trang quản trị — tổng hợp báo cáo', text, html };
}

export class SignInError extends UnauthorizedError {}

const SIGN_IN_ERRORS = {
  used: () => new SignInError('SIGNIN_USED', 'Đường dẫn đăng nhập này đã được dùng. Vui lòng yêu cầu đường dẫn mới.'),
  expired: () => new SignInError('SIGNIN_EXPIRED', 'Đường dẫn đăng nhập đã hết hạn (15 phút). Vui lòng yêu cầu đường dẫn mới.'),
  unknown: () => new SignInError('SIGNIN_INVALID', 'Đường dẫn đăng nhập không hợp lệ. Vui lòng yêu cầu đường dẫn mới.'),
};

/** A session as handed to the caller: the opaque id (for the cookie) exists only here. */
export interface OpenedSession {
  sessionId: string;
  csrfToken: string;
  email: string;
  name: string;
  role: OperatorRole;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  /** The console page the sign-in was asked from, to open now (a console path, checked again here). */
  next?: string;
}

/** `canbo@tinhuy.vn` → `ca•••@tinhuy.vn` (always three dots, so not even the length shows): enough for its owner to recognise, little for anyone else holding the link. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : email;
  const domain = at > 0 ? email.slice(at) : '';
  const keep = local.length > 4 ? 2 : 1;
  return `${local.slice(0, keep)}•••${domain}`;
}

/** What the link's confirmation page shows: whose account (masked) and until when. */
export interface SignInPreview {
  maskedEmail: string;
  expiresAt: string;
}

/**
 * Reads a sign-in link without spending it: link scanners (Outlook Safe Links, antivirus
 * gateways) fetch every link of an email, so opening the link only shows a button that POSTs
 * the redemption. Refuses as `redeemSignIn` would (used, expired, unknown, operator removed).
 */
export async function peekSignIn(deps: Pick<SignInDeps, 'signInTokens' | 'operators' | 'clock'>, token: string): Promise<SignInPreview> {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) throw SIGN_IN_ERRORS.unknown();
  const peeked = await deps.signInTokens.peek(hashSecret(token), deps.clock.now());
  if (peeked.outcome !== 'valid') throw SIGN_IN_ERRORS[peeked.outcome]();
  const operator = await deps.operators.get(peeked.record.email);
  if (!operator?.active) throw SIGN_IN_ERRORS.unknown();
  return { maskedEmail: maskEmail(operator.email), expiresAt: peeked.record.expiresAt };
}

/** Claims a sign-in token (once) and opens a session for its operator, if still active. */
export async function redeemSignIn(deps: Omit<SignInDeps, 'mailer' | 'mail' | 'rateLimiter' | 'portalUrl' | 'timer'>, token: string): Promise<OpenedSession> {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) throw SIGN_IN_ERRORS.unknown();
  const now = deps.clock.now();
  const claim = await deps.signInTokens.claim(hashSecret(token), now);
  if (claim.outcome !== 'claimed') throw SIGN_IN_ERRORS[claim.outcome]();
  const operator = await deps.operators.get(claim.record.email);
  if (!operator?.active) throw SIGN_IN_ERRORS.unknown();
  const sessionId = newOpaqueToken();
  const record: SessionRecord = {
    idHash: hashSecret(sessionId),
    email: operator.email,
    role: operator.role,
    csrfToken: newOpaqueToken(),
    createdAt: now.toISOString(),
    idleExpiresAt: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
    absoluteExpiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
  };
  await deps.sessions.put(record);
  await deps.audit.record({ at: now.toISOString(), actor: operator.email, action: 'signin.redeem', target: operator.email, after: { role: operator.role } });
  const next = consoleReturnPath(claim.record.next);
  return {
    sessionId, csrfToken: record.csrfToken, email: operator.email, name: operator.name, role: operator.role, idleExpiresAt: record.idleExpiresAt, absoluteExpiresAt: record.absoluteExpiresAt,
    ...(next ? { next } : {}),
  };
}

const sessionExpired = () => new UnauthorizedError('SESSION_EXPIRED', 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.');
const sessionInvalid = () => new UnauthorizedError('SESSION_INVALID', 'Chưa đăng nhập hoặc phiên làm việc không còn hiệu lực. Vui lòng đăng nhập lại.');

/** A live session (the id not included: the caller has it). */
export type LiveSession = Omit<OpenedSession, 'sessionId' | 'next'>;

/**
 * The session behind `sessionId`, its idle expiry slid forward (never past the absolute one).
 * Refuses (401) an unknown, revoked or expired session, and that of an operator since deactivated
 * (revoking it). The role answered is the registry's current one.
 */
export async function getSession(deps: Pick<SignInDeps, 'operators' | 'sessions' | 'clock'>, sessionId: string): Promise<LiveSession> {
  if (typeof sessionId !== 'string' || !TOKEN_PATTERN.test(sessionId)) throw sessionInvalid();
  const idHash = hashSecret(sessionId);
  const record = await deps.sessions.get(idHash);
  if (!record || record.revokedAt) throw sessionInvalid();
  const now = deps.clock.now();
  const absolute = new Date(record.absoluteExpiresAt).getTime();
  if (now.getTime() >= new Date(record.idleExpiresAt).getTime() || now.getTime() >= absolute) throw sessionExpired();
  const operator = await deps.operators.get(record.email);
  if (!operator?.active) {
    await deps.sessions.revoke(idHash, now.toISOString());
    throw sessionInvalid();
  }
  const idle = Math.min(now.getTime() + SESSION_IDLE_MS, absolute);
  let idleExpiresAt = record.idleExpiresAt;
  if (idle - new Date(record.idleExpiresAt).getTime() > TOUCH_GRANULARITY_MS) {
    idleExpiresAt = new Date(idle).toISOString();
    if (!(await deps.sessions.touch(idHash, idleExpiresAt))) throw sessionInvalid();
  }
  return { csrfToken: record.csrfToken, email: operator.email, name: operator.name, role: operator.role, idleExpiresAt, absoluteExpiresAt: record.absoluteExpiresAt };
}

/** Ends a session (sign-out); unknown or already ended sessions are fine. */
export async function endSession(deps: Pick<SignInDeps, 'sessions' | 'clock' | 'audit'>, sessionId: string): Promise<void> {
  if (typeof sessionId !== 'string' || !TOKEN_PATTERN.test(sessionId)) return;
  const idHash = hashSecret(sessionId);
  const record = await deps.sessions.get(idHash);
  if (!record || record.revokedAt) return;
  const at = deps.clock.now().toISOString();
  await deps.sessions.revoke(idHash, at);
  await deps.audit.record({ at, actor: record.email, action: 'signin.end', target: record.email });
}
