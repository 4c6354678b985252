/**
 * Per-unit upload links: an unguessable HMAC-SHA256 signed token carrying the unit code, the
 * unit's key version (bump it to revoke one unit's links), an expiry and the id of the signing
 * key (rotate the key ring to replace the key itself). Format (URL-safe, no padding):
 * `<base64url(JSON payload)>.<base64url(hmac)>`. Never log a whole token: use `tokenId`.
 *
 * Key rotation: a token verifies against the ring's current or previous key, chosen by its `k`
 * claim; tokens issued before key ids existed carry no `k` and verify against the key whose id is
 * `LEGACY_LINK_KEY_ID`. A token naming a key the ring no longer holds answers LINK_REVOKED (its
 * key was dropped); its signature cannot be checked any more, so a forged token naming an unknown
 * key gets the same answer, which reveals nothing.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './errors';
import type { LinkKey, LinkKeyRing, SecretSource } from './ports';

/** The id of the key that signed tokens without a `k` claim (the single secret before rotation existed). */
export const LEGACY_LINK_KEY_ID = 'legacy';

/** Key ids: short, URL-safe, one per key ever generated (`20261202-9f3a1c`). */
export const LINK_KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/** Longest token accepted before any parsing (a real one is ~150 characters). */
const MAX_TOKEN_LENGTH = 1024;

export interface LinkClaims {
  /** Unit code. */
  u: string;
  /** The unit's key version when issued. */
  v: number;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Random nonce: two links for the same unit differ. */
  n: string;
  /** Id of the signing key (absent in tokens issued before key rotation: the legacy key). */
  k?: string;
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/** Signs a link token for a unit with `key` (the ring's current key). */
export function signLinkToken(key: LinkKey, claims: Omit<LinkClaims, 'n' | 'k'> & { n?: string }): string {
  const full: LinkClaims = { u: claims.u, v: claims.v, exp: claims.exp, n: claims.n ?? randomNonce(), k: key.id };
  const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
  return `${payload}.${mac(key.secret, payload).toString('base64url')}`;
}

function randomNonce(): string {
  return randomBytes(9).toString('base64url');
}

/** The parts of a token, or undefined when it is not shaped like one. The claims are NOT verified. */
function splitToken(token: string): { payload: string; signature: string; claims: Record<string, unknown> } | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
    return { payload, signature, claims: claims as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/**
 * The id of the key a token says signed it (`LEGACY_LINK_KEY_ID` when it names none), or
 * undefined when the token is malformed. Unverified: use it only to pick a key.
 */
export function tokenKeyId(token: string): string | undefined {
  const parts = splitToken(token);
  if (!parts) return undefined;
  const k = parts.claims.k;
  if (k === undefined) return LEGACY_LINK_KEY_ID;
  return typeof k === 'string' && LINK_KEY_ID_PATTERN.test(k) ? k : undefined;
}

/** The ring's key with this id, if it still holds one. */
export function findLinkKey(keys: LinkKeyRing, id: string): LinkKey | undefined {
  return [keys.current, keys.previous].find((key) => key?.id === id);
}

/**
 * Verifies key, signature and expiry (not the unit's key version, which needs the registry: see
 * `assertCurrentKeyVersion`). Throws `UnauthorizedError` with a Vietnamese message: LINK_INVALID,
 * LINK_REVOKED (its key left the ring) or LINK_EXPIRED.
 */
export function verifyLinkToken(keys: LinkKeyRing, token: string, now: Date): LinkClaims {
  const parts = splitToken(token);
  const keyId = tokenKeyId(token);
  if (!parts || !keyId) throw invalid();
  const key = findLinkKey(keys, keyId);
  if (!key) throw revoked();
  // Compare the canonical encodings: base64url decoding ignores a last character's spare bits,
  // so comparing decoded bytes would accept several spellings (and token ids) of one token.
  const expected = Buffer.from(mac(key.secret, parts.payload).toString('base64url'));
  const given = Buffer.from(parts.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  const { u, v, exp, n } = parts.claims;
  if (typeof u !== 'string' || typeof v !== 'number' || typeof exp !== 'number') throw invalid();
  if (exp * 1000 <= now.getTime()) {
    throw new UnauthorizedError('LINK_EXPIRED', 'Đường dẫn nộp báo cáo đã hết hạn. Vui lòng liên hệ Ban Tổ chức Tỉnh ủy để được cấp đường dẫn mới.');
  }
  return { u, v, exp, n: typeof n === 'string' ? n : '', k: keyId };
}

/**
 * `verifyLinkToken` against the source's keys. A token naming a key the (possibly cached) ring
 * does not hold makes one fresh read first: a warm container picks up a key rotated in by another
 * process at once instead of refusing its links until the cache expires.
 */
export async function verifyLinkTokenWith(source: SecretSource, token: string, now: Date): Promise<LinkClaims> {
  let keys = await source.getLinkKeys();
  const keyId = tokenKeyId(token);
  if (keyId && !findLinkKey(keys, keyId)) keys = await source.getLinkKeys({ fresh: true });
  return verifyLinkToken(keys, token, now);
}

/** A fresh random key (256 bits) with a new id that sorts by creation day. */
export function generateLinkKey(now: Date): LinkKey {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return { id: `${day}-${randomBytes(3).toString('hex')}`, secret: randomBytes(32).toString('base64url') };
}

/** The ring after a rotation: `next` signs from now on, the current key becomes the previous one (the old previous is dropped). */
export function rotateLinkKeys(keys: LinkKeyRing, next: LinkKey): LinkKeyRing {
  return { current: next, previous: keys.current };
}

/** The ring without its previous key: every link that key signed answers LINK_REVOKED. */
export function dropPreviousLinkKey(keys: LinkKeyRing): LinkKeyRing {
  return { current: keys.current };
}

/** Throws when the unit's key version moved on (the link was revoked). */
export function assertCurrentKeyVersion(claims: LinkClaims, currentKeyVersion: number): void {
  if (claims.v !== currentKeyVersion) throw revoked();
}

/** A short, non-secret identifier of a token, safe to log and store (first 12 chars of its MAC's hash). */
export function tokenId(token: string): string {
  return createHmac('sha256', 'token-id').update(token).digest('hex').slice(0, 12);
}

function revoked(): UnauthorizedError {
  return new UnauthorizedError('LINK_REVOKED', 'Đường dẫn nộp báo cáo này đã bị thu hồi. Vui lòng dùng đường dẫn mới nhất được gửi cho đơn vị.');
}

function invalid(cause?: unknown): UnauthorizedError {
  return new UnauthorizedError('LINK_INVALID', 'Đường dẫn nộp báo cáo không hợp lệ. Vui lòng mở lại đúng đường dẫn được gửi cho đơn vị.', cause);
}
