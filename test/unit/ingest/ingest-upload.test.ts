/**
 * ingestUpload on the in-memory ports with real generated workbooks: what a unit and the
 * province see after an upload — accepted, refused with Vietnamese errors, versioned, late,
 * counted once — and that a crash part-way is completed by the retry without partial state.
 */
import { computeTotals } from '../../../functions/core/consolidation/totals';
import type { FormCatalog } from '../../../functions/core/forms';
import { ruleCode } from '../../../functions/core/forms';
import { feedbackKey, uploadKey } from '../../../functions/core/upload-id';
import { uploadMetadata } from '../../../functions/core/usecases/upload-intent';
import { capIssues, ingestUpload, type IngestUploadDeps } from '../../../functions/core/usecases/ingest-upload';
import { listUnitReports } from '../../../functions/core/usecases/list-unit-reports';
import { readPeriodAggregate } from '../../../functions/core/usecases/period-aggregate';
import { longTextInNumberCells } from '../../fixtures/forms/bad-files';
import { issueIntent } from '../../support/uploads';
import { FakeClock, InMemoryFileStore, InMemoryReviewStore, InMemorySubmissionRepository, InMemoryUnitRepository } from '../../support/in-memory';
import { FORM_ID, keyFor, testCatalog, unitOf, uploadFor, workbookFor } from './support';

const PERIOD = '2026-Q1';
const soYTe = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
const soTaiChinh = unitOf('SO-TC', 'so-nganh', 'Sở Tài chính');
const huyen = unitOf('HU-TP', 'huyen', 'Huyện ủy Tiên Phước');

let catalog: FormCatalog;
beforeAll(async () => {
  catalog = await testCatalog();
});
/** The province totals as every reader computes them (nothing stored). */
const aggregateOf = (submissions: InMemorySubmissionRepository, period: string) => readPeriodAggregate(submissions, catalog.require(FORM_ID), period);

function setup(overrides: { files?: InMemoryFileStore; submissions?: InMemorySubmissionRepository; maxUploadBytes?: number; locks?: InMemoryReviewStore } = {}) {
  const clock = new FakeClock(new Date('2026-03-10T03:00:00Z'));
  const locks = overrides.locks ?? new InMemoryReviewStore();
  return {
    submissions: overrides.submissions ?? new InMemorySubmissionRepository(clock),
    files: overrides.files ?? new InMemoryFileStore(),
    units: new InMemoryUnitRepository([soYTe, soTaiChinh, huyen]),
    catalog,
    clock,
    locks,
    reviews: locks,
    maxUploadBytes: overrides.maxUploadBytes ?? 5 * 1024 * 1024,
  } satisfies IngestUploadDeps & { reviews: InMemoryReviewStore };
}

async function upload(deps: ReturnType<typeof setup>, unitCode: string, bytes: Buffer, at: string, period = PERIOD) {
  const { key, uploadId } = await uploadFor(deps.files, unitCode, period, bytes, { at, linkId: 'tok-1', fileName: 'Báo cáo quý 1.xlsx' });
  return { key, uploadId, input: { bucketKey: key, eventTime: at } };
}

// Real workbooks are generated, filled and validated: seconds each on a loaded machine.
jest.setTimeout(60_000);

describe('ingestUpload', () => {
  describe('an accepted upload', () => {
    it('records it with version, checksum, file name, link and on-time status, and counts it in the aggregate', async () => {
      const deps = setup();
      const { bytes, values } = await workbookFor(soYTe, PERIOD);
      const { input, uploadId } = await upload(deps, 'SO-YTE', bytes, '2026-03-10T02:00:00.000Z');

      await ingestUpload(deps, input);
      const s = (await deps.submissions.get(uploadId))!;

      expect(s).toMatchObject({
        uploadId, status: 'accepted', version: 1, unitCode: 'SO-YTE', formId: FORM_ID, period: PERIOD, late: false,
        fileName: 'Báo cáo quý 1.xlsx', linkId: 'tok-1', size: bytes.length, formVersion: 1, errors: [],
      });
      expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(s.deadline).toBe('2026-03-17T10:00:00.000Z');
      const latest = await deps.submissions.listLatestAccepted(FORM_ID, PERIOD);
      expect(latest.map((l) => l.uploadId)).toEqual([uploadId]);
      const agg = await aggregateOf(deps.submissions, PERIOD);
      expect(agg).toMatchObject({ unitsReported: 1, totals: computeTotals(catalog.require(FORM_ID), [values]) });
      expect(agg?.totals['01.truoc']).toBe(values.fields['01.truoc']);
    });

    it('marks it late when it arrives after the unit type’s deadline', async () => {
      const deps = setup();
      const { bytes } = await workbookFor(huyen, PERIOD);
      // Huyện deadline: the 16th at 17:00 (10:00 UTC); this arrives on the 16th at 18:00 local.
      const { input } = await upload(deps, 'HU-TP', bytes, '2026-03-16T11:00:00.000Z');

      const s = await ingestUpload(deps, input);

      expect(s).toMatchObject({ status: 'accepted', late: true, deadline: '2026-03-16T10:00:00.000Z' });
    });

    it('keeps an annotated workbook when it is accepted with warnings', async () => {
      const deps = setup();
      const { bytes } = await workbookFor(soYTe, PERIOD, { change: (v) => void (v.fields['11.co_mat'] = Number(v.fields['11.duoc_giao']) + 5) });
      const { input, uploadId } = await upload(deps, 'SO-YTE', bytes, '2026-03-10T02:00:00.000Z');

      const s = await ingestUpload(deps, input);

      expect(s.status).toBe('accepted');
      expect(s.warnings.map((w) => w.code)).toContain(ruleCode('vuot-bien-che'));
      expect(s.feedbackKey).toBe(feedbackKey(uploadId));
      expect(deps.files.objects.has(feedbackKey(uploadId))).toBe(true);
    });
  });

  describe('a locked period', () => {
    const lock = async (deps: ReturnType<typeof setup>) =>
      deps.locks.putLock({ formId: FORM_ID, period: PERIOD, locked: true, actor: 'lan@tinhuy.example.vn', at: '2026-03-10T01:00:00.000Z', rev: 1 }, undefined);

    it('refuses a file posted through an upload issued before the lock: kept, recorded rejected PERIOD_LOCKED, never counted', async () => {
      const deps = setup();
      await lock(deps);
      const { bytes } = await workbookFor(soYTe, PERIOD);
      const { input, uploadId, key } = await upload(deps, 'SO-YTE', bytes, '2026-03-10T02:00:00.000Z');

      const s = await ingestUpload(deps, input);

      expect(s).toMatchObject({ uploadId, status: 'rejected', errors: [expect.objectContaining({ code: 'PERIOD_LOCKED', message: expect.stringContaining('liên hệ Ban Tổ chức Tỉnh ủy') })] });
      expect(deps.files.objects.has(key)).toBe(true);
      expect(await deps.submissions.listLatestAccepted(FORM_ID, PERIOD)).toEqual([]);
      expect((await aggregateOf(deps.submissions, PERIOD)).unitsReported).toBe(0);
      expect(await deps.submissions.getValues(uploadId)).toBeUndefined();
    });

    it('counts the file of the unit holding a live exception', async () => {
      const deps = setup();
      await lock(deps);
      await deps.locks.putException({ formId: FORM_ID, period: PERIOD, unitCode: 'SO-YTE', until: '2026-03-20T16:59:00.000Z', reason: 'Bổ sung', actor: 'lan@tinhuy.example.vn', at: '2026-03-10T01:30:00.000Z' }, undefined);
      const { bytes } = await workbookFor(soYTe, PERIOD);
      const { input, uploadId } = await upload(deps, 'SO-YTE', bytes, '2026-03-10T02:00:00.000Z');

      await expect(ingestUpload(deps, input)).resolves.toMatchObject({ status: 'accepted' });
      expect((await deps.submissions.listLatestAccepted(FORM_ID, PERIOD)).map((l) => l.uploadId)).toEqual([uploadId]);
    });
  });

  describe('idempotency', () => {
    it('yields one submission when the same event is delivered twice or processed by two workers', async () => {
      const deps = setup();
      const { bytes } = await workbookFor(soYTe, PERIOD);
      const { input } = await upload(deps, 'SO-YTE', bytes, '2026-03-10T02:00:00.000Z');

      const [a, b] = await Promise.all([ingestUpload(deps, input), ingestUpload(deps, input)]);
      const c = await ingestUpload(deps, input);
      const stored = await deps.submissions.get(c.uploadId);

      expect(new Set([a.uploadId, b.uploadId, c.uploadId]).size).toBe(1);
      expect(await deps.submissions.listByFormPeriod(FORM_ID, PERIOD)).toHaveLength(1);
      expect((await aggregateOf(deps.submissions, PERIOD)).unitsReported).toBe(1);
      expect(stored).toMatchObject({ status: 'accepted', version: 1 });
    });
  });

  describe('resubmissions', () => {
    it('lets the later upload hold the pointer even when the earlier one is processed last', async () => {
      const deps = setup();
      const first = await workbookFor(soYTe, PERIOD, { seed: 1 });
      const second = await workbookFor(soYTe, PERIOD, { seed: 2 });
      const up1 = await upload(deps, 'SO-YTE', first.bytes, '2026-03-10T02:00:00.000Z');
      const up2 = await upload(deps, 'SO-YTE', second.bytes, '2026-03-11T02:00:00.000Z');

      await ingestUpload(deps, up2.input);
      await ingestUpload(deps, up1.input);

      expect(await deps.submissions.get(up1.uploadId)).toMatchObject({ status: 'accepted', version: 1 });
      expect((await deps.submissions.get(up2.uploadId))?.version).toBe(2);
      const latest = await deps.submissions.listLatestAccepted(FORM_ID, PERIOD);
      expect(latest).toEqual([expect.objectContaining({ uploadId: up2.uploadId, version: 2 })]);
      expect((await aggregateOf(deps.submissions, PERIOD)).totals['01.truoc']).toBe(second.values.fields['01.truoc']);
    });

    it('keeps the earlier accepted values when a later upload is refused', async () => {
      const deps = setup();
      const good = await workbookFor(soYTe, PERIOD, { seed: 3 });
      const bad = await workbookFor(soYTe, PERIOD, { seed: 4, change: (v) => void (v.fields['01.truoc'] = Number(v.fields['01.truoc']) + 1) });
      const up1 = await upload(deps, 'SO-YTE', good.bytes, '2026-03-10T02:00:00.000Z');
      const up2 = await upload(deps, 'SO-YTE', bad.bytes, '2026-03-11T02:00:00.000Z');

      await ingestUpload(deps, up1.input);
      await ingestUpload(deps, up2.input);
      const refused = (await deps.submissions.get(up2.uploadId))!;

      expect(refused).toMatchObject({ status: 'rejected', version: 2, feedbackKey: feedbackKey(up2.uploadId) });
      expect(refused.errors[0]).toMatchObject({ code: ruleCode('tong-dau-moi'), severity: 'error', cell: expect.stringMatching(/^[A-Z]+\d+$/) });
      expect(deps.files.objects.has(feedbackKey(up2.uploadId))).toBe(true);
      expect(deps.files.objects.has(up2.key)).toBe(true);
      expect((await deps.submissions.listLatestAccepted(FORM_ID, PERIOD)).map((l) => l.uploadId)).toEqual([up1.uploadId]);
      expect((await aggregateOf(deps.submissions, PERIOD)).totals['01.truoc']).toBe(good.values.fields['01.truoc']);
    });
  });

  describe('refusals', () => {
    it('refuses another unit’s workbook, naming both units', async () => {
      const deps = setup();
      const { bytes } = await workbookFor(soTaiChinh, PERIOD);
      const { input } = await upload(deps, 'SO-YTE', bytes, '2026-03-10T02:00:00.000Z');

      const s = await ingestUpload(deps, input);

      expect(s.status).toBe('rejected');
      expect(s.errors[0]).toMatchObject({ code: 'UNIT_MISMATCH', message: expect.stringContaining('Tệp này là báo cáo của đơn vị Sở Tài chính, không phải của đơn vị Sở Y tế') });
      expect(await deps.submissions.listLatestAccepted(FORM_ID, PERIOD)).toEqual([]);
    });

    it('refuses a file over the limit from its size alone, without downloading it', async () => {
      const files = new InMemoryFileStore();
      const get = jest.spyOn(files, 'get');
      const deps = setup({ files, maxUploadBytes: 1024 });
      const { input, key } = await upload(deps, 'SO-YTE', Buffer.alloc(4096, 1), '2026-03-10T02:00:00.000Z');

      const s = await ingestUpload(deps, input);

      expect(s).toMatchObject({ status: 'rejected', errors: [expect.objectContaining({ code: 'FILE_TOO_LARGE', message: expect.stringContaining('dung lượng') })] });
      expect(get.mock.calls.map(([read]) => read)).not.toContain(key);
    });

    it('refuses a file that is not a workbook with a coded Vietnamese error and no feedback file', async () => {
      const deps = setup();
      const { input } = await upload(deps, 'SO-YTE', Buffer.from('not a spreadsheet'), '2026-03-10T02:00:00.000Z');

      const s = await ingestUpload(deps, input);

      expect(s.status).toBe('rejected');
      expect(s.errors.length).toBeGreaterThan(0);
      expect(s.errors[0]!.message).toMatch(/[ạảãáàặẳẵắằậẩẫấầệểễếềịỉĩíìọỏõóòộổỗốồợởỡớờụủũúùựửữứừỵỷỹýỳđ]/i);
    });

    it('refuses 38 number cells of 12,000 characters each with short per-cell errors on a record under 64 KB', async () => {
      const deps = setup();
      const { bytes } = await workbookFor(soYTe, PERIOD);
      const { input, uploadId } = await upload(deps, 'SO-YTE', await longTextInNumberCells(bytes), '2026-03-10T02:00:00.000Z');

      const s = await ingestUpload(deps, input);
      const stored = await deps.submissions.get(uploadId);

      expect(s.status).toBe('rejected');
      expect(s.errors).toHaveLength(38);
      expect(s.errors.every((e) => e.code === 'NOT_A_NUMBER' && e.cell !== undefined && e.message.length < 300)).toBe(true);
      expect(s.errors[0]!.message).toContain('…');
      expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(64 * 1024);
      expect(await deps.submissions.listLatestAccepted(FORM_ID, PERIOD)).toEqual([]);
    });

    it('keeps at most 32 KB of issues on the record and counts the rest', () => {
      const many = Array.from({ length: 150 }, (_, i) => ({ code: 'NOT_A_NUMBER', severity: 'error' as const, message: `Ô C${i + 10}: ${'x'.repeat(500)}`, cell: `C${i + 10}` }));

      const kept = capIssues(many);

      expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(32 * 1024);
      expect(kept.at(-1)).toEqual({ code: 'MORE_ISSUES', severity: 'error', message: `… và ${150 - (kept.length - 1)} mục khác; xem đầy đủ trong tệp phản hồi.` });
      expect(kept.length).toBeGreaterThan(40);
    });

    it('records an object outside the key layout as failed instead of dropping it', async () => {
      const deps = setup();
      await deps.files.put('uploads/sap-xep-bo-may/2026-Q1/oops.xlsx', Buffer.from('x'));

      const s = await ingestUpload(deps, { bucketKey: 'uploads/sap-xep-bo-may/2026-Q1/oops.xlsx', eventTime: '2026-03-10T02:00:00.000Z' });
      const again = await ingestUpload(deps, { bucketKey: 'uploads/sap-xep-bo-may/2026-Q1/oops.xlsx', eventTime: '2026-03-10T02:00:00.000Z' });

      expect(s).toMatchObject({ status: 'failed', s3Key: 'uploads/sap-xep-bo-may/2026-Q1/oops.xlsx', errors: [expect.objectContaining({ code: 'UPLOAD_KEY_INVALID' })] });
      expect(again.uploadId).toBe(s.uploadId);
      expect(await deps.submissions.listByFormPeriod('sap-xep-bo-may', '2026-Q1')).toHaveLength(1);
    });

    it('records a key with ".." segments against no unit, so no unit’s page lists it', async () => {
      const deps = setup();
      const key = 'uploads/sap-xep-bo-may/2026-Q1/SO-YTE/../SO-TC/x.xlsx';
      await deps.files.put(key, Buffer.from('x'));

      const s = await ingestUpload(deps, { bucketKey: key, eventTime: '2026-03-10T02:00:00.000Z' });
      const pages = await Promise.all([soYTe, soTaiChinh].map((u) => listUnitReports(deps, u)));

      expect(s).toMatchObject({ status: 'failed', unitCode: '-', errors: [expect.objectContaining({ code: 'UPLOAD_KEY_INVALID' })] });
      expect(pages.flatMap((p) => p.history)).toEqual([]);
      expect(pages.flatMap((p) => p.reports).filter((r) => r.status !== 'not_submitted' && r.status !== 'late')).toEqual([]);
      expect(await deps.submissions.listByFormPeriod('sap-xep-bo-may', '2026-Q1')).toEqual([expect.objectContaining({ uploadId: s.uploadId, unitCode: '-' })]);
    });
  });

  describe('uploads no link issued', () => {
    it('refuses a file put under another unit’s key with no upload intent, against no unit, and never counts it', async () => {
      const deps = setup();
      // What s3rver let a unit do: a workbook claiming Sở Tài chính, under its key, no link, no metadata.
      const { bytes } = await workbookFor(soTaiChinh, PERIOD);
      const { key, uploadId } = keyFor('SO-TC', PERIOD, '2026-03-10T02:00:00.000Z');
      await deps.files.put(key, bytes);

      const s = await ingestUpload(deps, { bucketKey: key, eventTime: '2026-03-10T02:00:00.000Z' });
      const page = await listUnitReports(deps, soTaiChinh);

      expect(s).toMatchObject({ uploadId, status: 'rejected', unitCode: '-', errors: [expect.objectContaining({ code: 'UPLOAD_NOT_ISSUED', message: expect.stringContaining('không được tiếp nhận') })] });
      expect(page.history).toEqual([]);
      expect(await deps.submissions.listLatestAccepted(FORM_ID, PERIOD)).toEqual([]);
      expect((await aggregateOf(deps.submissions, PERIOD)).unitsReported).toBe(0);
      expect(deps.files.objects.has(key)).toBe(true);
    });

    it('refuses a unit’s upload posted under another unit’s key, shown to the unit that was issued it', async () => {
      const deps = setup();
      const { bytes } = await workbookFor(soTaiChinh, PERIOD);
      const intent = await issueIntent(deps.files, { formId: FORM_ID, period: PERIOD, unitCode: 'SO-YTE', at: '2026-03-10T02:00:00.000Z', linkId: 'link-yte' });
      const key = uploadKey({ formId: FORM_ID, period: PERIOD, unitCode: 'SO-TC', uploadId: intent.uploadId });
      await deps.files.put(key, bytes, { metadata: uploadMetadata(intent) });

      const s = await ingestUpload(deps, { bucketKey: key, eventTime: '2026-03-10T02:00:00.000Z' });
      const [yte, tc] = await Promise.all([listUnitReports(deps, soYTe), listUnitReports(deps, soTaiChinh)]);

      expect(s).toMatchObject({ status: 'rejected', unitCode: 'SO-YTE', s3Key: key, errors: [expect.objectContaining({ code: 'UPLOAD_NOT_BOUND' })] });
      expect(yte.history.map((h) => [h.uploadId, h.status])).toEqual([[intent.uploadId, 'rejected']]);
      expect(tc.history).toEqual([]);
      expect((await aggregateOf(deps.submissions, PERIOD)).unitsReported).toBe(0);
    });

    it('refuses a file under an issued key that arrived without the link’s id, against no unit', async () => {
      const deps = setup();
      const { bytes } = await workbookFor(soYTe, PERIOD);
      const intent = await issueIntent(deps.files, { formId: FORM_ID, period: PERIOD, unitCode: 'SO-YTE', at: '2026-03-10T02:00:00.000Z', linkId: 'link-yte' });
      await deps.files.put(intent.key, bytes, { metadata: { 'link-id': 'someone-else' } });

      const s = await ingestUpload(deps, { bucketKey: intent.key, eventTime: '2026-03-10T02:00:00.000Z' });

      expect(s).toMatchObject({ status: 'rejected', unitCode: '-', errors: [expect.objectContaining({ code: 'UPLOAD_NOT_BOUND' })] });
      expect(await deps.submissions.listLatestAccepted(FORM_ID, PERIOD)).toEqual([]);
    });
  });

  describe('objects that are not uploads', () => {
    it('never overwrites an upload’s record from an object whose key merely contains its id', async () => {
      const deps = setup();
      const { bytes } = await workbookFor(soYTe, PERIOD, { change: (v) => void (v.fields['11.co_mat'] = Number(v.fields['11.duoc_giao']) + 5) });
      const { input, uploadId } = await upload(deps, 'SO-YTE', bytes, '2026-03-10T02:00:00.000Z');
      await ingestUpload(deps, input);

      const stray = await ingestUpload(deps, { bucketKey: feedbackKey(uploadId), eventTime: '2026-03-10T02:00:01.000Z' });

      expect(stray.uploadId).not.toBe(uploadId);
      expect((await deps.submissions.get(uploadId))?.status).toBe('accepted');
    });
  });

  describe('a crash part-way', () => {
    it('leaves the submission pending and the aggregate untouched, and the retry completes it', async () => {
      const submissions = new InMemorySubmissionRepository();
      const earlier = await workbookFor(soYTe, PERIOD, { seed: 5 });
      const later = await workbookFor(soYTe, PERIOD, { seed: 6 });
      const deps = setup({ submissions });
      const up1 = await upload(deps, 'SO-YTE', earlier.bytes, '2026-03-10T02:00:00.000Z');
      await ingestUpload(deps, up1.input);
      const before = await aggregateOf(submissions, PERIOD);
      const advance = jest.spyOn(submissions, 'advanceLatestAccepted').mockRejectedValueOnce(new Error('DynamoDB: ServiceUnavailable'));
      const up2 = await upload(deps, 'SO-YTE', later.bytes, '2026-03-11T02:00:00.000Z');

      await expect(ingestUpload(deps, up2.input)).rejects.toThrow('ServiceUnavailable');
      expect((await submissions.get(up2.uploadId))?.status).toBe('pending');
      expect(await aggregateOf(submissions, PERIOD)).toEqual(before);

      await ingestUpload(deps, up2.input);
      expect(await submissions.get(up2.uploadId)).toMatchObject({ status: 'accepted', version: 2 });
      expect(advance).toHaveBeenCalledTimes(2);
      expect((await aggregateOf(submissions, PERIOD)).totals['01.truoc']).toBe(later.values.fields['01.truoc']);
    });
  });

  describe('cross-period baseline', () => {
    it('warns when a "trước" value differs from the unit’s accepted report of the previous period', async () => {
      const deps = setup();
      const q4 = await workbookFor(soYTe, '2025-Q4', { seed: 7 });
      await ingestUpload(deps, (await upload(deps, 'SO-YTE', q4.bytes, '2025-12-10T02:00:00.000Z', '2025-Q4')).input);
      const moved = await workbookFor(soYTe, PERIOD, {
        seed: 7,
        change: (v) => void (v.fields['08.truoc'] = Number(q4.values.fields['08.truoc']) + 3),
      });
      const same = await workbookFor(soYTe, PERIOD, { seed: 7 });

      const warned = await ingestUpload(deps, (await upload(deps, 'SO-YTE', moved.bytes, '2026-03-10T02:00:00.000Z')).input);
      const quiet = await ingestUpload(deps, (await upload(deps, 'SO-YTE', same.bytes, '2026-03-11T02:00:00.000Z')).input);

      const baseline = ruleCode('moc-truoc-sap-xep');
      expect(warned.warnings.filter((w) => w.code === baseline).map((w) => w.field)).toEqual(['08.truoc']);
      expect(quiet.warnings.filter((w) => w.code === baseline)).toEqual([]);
    });
  });
});

