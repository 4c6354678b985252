/**
 * A small province for the portal tests: two units of different types, the two real form
 * definitions from templates/, in-memory ports and a clock set to 1 March 2019, 10:00 in
 * Hà Nội (open periods: 2019-Q1 and 2019-03; previous: 2018-Q4 and 2019-02).
 */
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import { signLinkToken } from '../../../functions/core/links';
import type { Submission, Unit } from '../../../functions/core/model';
import { FakeClock, InMemoryFileStore, InMemoryLinkKeyStore, InMemoryReviewStore, InMemorySubmissionRepository, InMemoryUnitRepository } from '../../support/in-memory';
import { loadForm } from '../consolidation/fixtures';

export const SECRET = 'portal-test-secret-portal-test-secret-0123';
export const KEY = { id: '20190101-a1b2c3', secret: SECRET };
export const NOW = '2019-03-01T03:00:00Z';

export const SO_NV: Unit = { code: 'SO-NV', name: 'Sở Nội vụ', type: 'so-nganh', emails: ['snv@example.vn'], active: true, keyVersion: 1 };
export const HU_TH: Unit = { code: 'HU-TH', name: 'Huyện ủy Thạch Hà', type: 'huyen', emails: ['th@example.vn'], active: true, keyVersion: 1 };

export function createWorld() {
  const clock = new FakeClock(new Date(NOW));
  const units = new InMemoryUnitRepository([SO_NV, HU_TH, { ...SO_NV, code: 'SO-CU', name: 'Sở Cũ', active: false }]);
  const submissions = new InMemorySubmissionRepository(clock);
  const files = new InMemoryFileStore();
  const catalog = createFormCatalog([loadForm('sap-xep-bo-may'), loadForm('bien-che-thang')]);
  const secrets = new InMemoryLinkKeyStore({ current: KEY });
  const reviews = new InMemoryReviewStore();
  const config = { maxUploadBytes: 5 * 1024 * 1024, portalUrl: 'https://baocao.example.vn' };
  /** A link token for `unit`, valid for 30 days from the clock unless `exp` is given (epoch seconds). */
  const tokenFor = (unit: Unit, options: { exp?: number; v?: number } = {}) =>
    signLinkToken(KEY, { u: unit.code, v: options.v ?? unit.keyVersion, exp: options.exp ?? Math.floor(clock.now().getTime() / 1000) + 30 * 86400 });
  return { clock, units, submissions, files, catalog, secrets, reviews, locks: reviews, config, tokenFor };
}

let counter = 0;
/** A submission record as ingest would store it. */
export function submission(overrides: Partial<Submission> & Pick<Submission, 'unitCode' | 'formId' | 'period'>): Submission {
  counter += 1;
  const uploadId = overrides.uploadId ?? `jsq0${String(counter).padStart(5, '0')}-abcdefghij`;
  return {
    uploadId,
    status: 'accepted',
    s3Key: `uploads/${overrides.formId}/${overrides.period}/${overrides.unitCode}/${uploadId}.xlsx`,
    receivedAt: '2019-02-20T02:00:00.000Z',
    errors: [],
    warnings: [],
    ...overrides,
  };
}
