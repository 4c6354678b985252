/**
 * Per-unit upload links: an unguessable HMAC-SHA256 signed token carrying the unit code, the
 * unit's key version (bump it to revoke) and an expiry. Format (URL-safe, no padding):
 * `<base64url(JSON payload)>.<base64url(hmac)>`. Never log a whole token: use `tokenId`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './errors';

export interface LinkClaims {
  /** Unit code. */
  u: string;
  /** The unit's key version when issued. */
  v: number;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Random nonce: two links for the same unit differ. */
  n: string;
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/** Signs a link token for a unit. */
export function signLinkToken(secret: string, claims: Omit<LinkClaims, 'n'> & { n?: string }): string {
  const full: LinkClaims = { u: claims.u, v: claims.v, exp: claims.exp, n: claims.n ?? randomNonce() };
  const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

function randomNonce(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Verifies signature and expiry (not the key version, which needs the registry: see
 * `assertCurrentKeyVersion`). Throws `UnauthorizedError` with a Vietnamese message.
 */
export function verifyLinkToken(secret: string, token: string, now: Date): LinkClaims {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw invalid();
  // Compare the canonical encodings: base64url decoding ignores a last character's spare bits,
  // so comparing decoded bytes would accept several spellings (and token ids) of one token.
  const expected = Buffer.from(mac(secret, payload).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims;
  } catch (cause) {
    throw invalid(cause);
  }
  if (typeof claims.u !== 'string' || typeof claims.v !== 'number' || typeof claims.exp !== 'number') throw invalid();
  if (claims.exp * 1000 <= now.getTime()) {
    throw new UnauthorizedError('LINK_EXPIRED', 'Đường dẫn nộp báo cáo đã hết hạn. Vui lòng liên hệ Ban Tổ chức Tỉnh ủy để được cấp đường dẫn mới.');
  }
  return claims;
}

/** Throws when the unit's key version moved on (the link was revoked). */
export function assertCurrentKeyVersion(claims: LinkClaims, currentKeyVersion: number): void {
  if (claims.v !== currentKeyVersion) {
    throw new UnauthorizedError('LINK_REVOKED', 'Đường dẫn nộp báo cáo này đã bị thu hồi. Vui lòng dùng đường dẫn mới nhất được gửi cho đơn vị.');
  }
}

/** A short, non-secret identifier of a token, safe to log and store (first 12 chars of its MAC's hash). */
export function tokenId(token: string): string {
  return createHmac('sha256', 'token-id').update(token).digest('hex').slice(0, 12);
}

function invalid(cause?: unknown): UnauthorizedError {
  return new UnauthorizedError('LINK_INVALID', 'Đường dẫn nộp báo cáo không hợp lệ. Vui lòng mở lại đúng đường dẫn được gửi cho đơn vị.', cause);
}
