import { loadRuntimeConfig, settingsFrom } from '../../../functions/config';
import { DEFAULT_MAX_MESSAGE_BYTES, planAttachments } from '../../../functions/core/usecases/consolidate-report';

const ENV = { TONGHOP_TABLE: 't', TONGHOP_BUCKET: 'b', TONGHOP_PORTAL_URL: 'https://baocao.example.vn' };
const MB = 1_000_000;

describe('consolidation email size limit', () => {
  describe('default', () => {
    it('is 10 MB (under Postfix’s default 10,240,000 bytes) in the use case and in the configuration', () => {
      expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(10 * MB);
      expect(DEFAULT_MAX_MESSAGE_BYTES).toBeLessThanOrEqual(10_240_000);
      expect(settingsFrom(loadRuntimeConfig(ENV)).mail.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    });

    it('keeps the operator’s TONGHOP_MAIL_MAX_BYTES when set', () => {
      expect(settingsFrom(loadRuntimeConfig({ ...ENV, TONGHOP_MAIL_MAX_BYTES: String(25 * MB) })).mail.maxMessageBytes).toBe(25 * MB);
    });
  });

  describe('attach or link', () => {
    it('attaches a 5 MB workbook (about 6.8 MB in base64) with the draft and charts', () => {
      expect(planAttachments(DEFAULT_MAX_MESSAGE_BYTES, { charts: [80_000, 80_000], draft: 60_000, workbook: 5 * MB })).toEqual({ charts: 2, draft: true, workbook: true });
    });

    it('sends a link instead of an 8 MB workbook (about 10.8 MB in base64), which SES would accept and the leader’s server bounce', () => {
      expect(planAttachments(DEFAULT_MAX_MESSAGE_BYTES, { charts: [80_000, 80_000], draft: 60_000, workbook: 8 * MB })).toEqual({ charts: 2, draft: true, workbook: false });
      expect(planAttachments(40 * 1024 * 1024, { charts: [80_000, 80_000], draft: 60_000, workbook: 8 * MB }).workbook).toBe(true);
    });
  });
});
