/**
 * Turns a unit link token into the unit it was issued for. Checks, in order: signing key,
 * signature and expiry (links.ts), that the unit still exists and is active, and that the unit's key version
 * has not moved on (revocation). Every failure is a 401 with a Vietnamese message and a stable
 * code; the token itself is never echoed or logged, only its `tokenId`.
 */
import { UnauthorizedError } from '../errors';
import { assertCurrentKeyVersion, tokenId, verifyLinkTokenWith } from '../links';
import type { Unit } from '../model';
import type { Clock, SecretSource, UnitRepository } from '../ports';

export interface ResolveUnitLinkDeps {
  units: UnitRepository;
  secrets: SecretSource;
  clock: Clock;
}

export interface ResolvedUnitLink {
  unit: Unit;
  /** Non-secret id of the token (safe to log, stored as the upload's `link-id`). */
  linkId: string;
  expiresAt: Date;
}

/** Verifies a unit link token; throws `UnauthorizedError` (LINK_MISSING, LINK_INVALID, LINK_EXPIRED, LINK_REVOKED). */
export async function resolveUnitLink(deps: ResolveUnitLinkDeps, token: string | undefined): Promise<ResolvedUnitLink> {
  if (!token) {
    throw new UnauthorizedError('LINK_MISSING', 'Thiếu mã truy cập. Vui lòng mở đúng đường dẫn nộp báo cáo được gửi cho đơn vị.');
  }
  const claims = await verifyLinkTokenWith(deps.secrets, token, deps.clock.now());
  const unit = await deps.units.get(claims.u);
  if (!unit || !unit.active) {
    throw new UnauthorizedError('LINK_UNIT_INACTIVE', 'Đơn vị của đường dẫn này không còn trong danh sách báo cáo. Vui lòng liên hệ Ban Tổ chức Tỉnh ủy.');
  }
  assertCurrentKeyVersion(claims, unit.keyVersion);
  return { unit, linkId: tokenId(token), expiresAt: new Date(claims.exp * 1000) };
}
