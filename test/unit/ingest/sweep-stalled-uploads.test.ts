/**
 * The upload sweeper's use case: which uploads it hands back to ingest (no submission, or one
 * still pending past the lease), which it leaves alone, how far it looks, and what it measures
 * for the alarm.
 */
import type { FormCatalog } from '../../../functions/core/forms';
import type { Submission } from '../../../functions/core/model';
import { openPeriod, shiftPeriod } from '../../../functions/core/periods';
import { RECENT_UPLOADS, sweepStalledUploads, type StalledUpload, type SweepStalledUploadsDeps } from '../../../functions/core/usecases/sweep-stalled-uploads';
import { FakeClock, InMemoryFileStore, InMemorySubmissionRepository } from '../../support/in-memory';
import { FORM_ID, keyFor, testCatalog } from './support';

const NOW = new Date('2026-11-20T03:00:00.000Z');
const MINUTE = 60_000;

describe('sweepStalledUploads', () => {
  let catalog: FormCatalog;
  let files: InMemoryFileStore;
  let submissions: InMemorySubmissionRepository;
  let requeued: StalledUpload[];
  let deps: SweepStalledUploadsDeps;
  let period: string;
  beforeAll(async () => {
    catalog = await testCatalog();
  });
  beforeEach(() => {
    files = new InMemoryFileStore();
    submissions = new InMemorySubmissionRepository();
    requeued = [];
    deps = { files, submissions, forms: catalog.list(), clock: new FakeClock(NOW), requeue: async (u) => (requeued.push(u), true) };
    period = openPeriod(catalog.require(FORM_ID), NOW);
  });

  /** An object uploaded `ageMs` before NOW, optionally with a submission in `status`. */
  function uploaded(unit: string, ageMs: number, status?: Submission['status'], inPeriod = period): { key: string; uploadId: string } {
    const at = new Date(NOW.getTime() - ageMs);
    const { key, uploadId } = keyFor(unit, inPeriod, at);
    files.objects.set(key, { body: Buffer.from('xlsx'), lastModified: at });
    if (status) {
      submissions.submissions.set(uploadId, { uploadId, unitCode: unit, formId: FORM_ID, period: inPeriod, status, s3Key: key, receivedAt: at.toISOString(), errors: [], warnings: [] });
    }
    return { key, uploadId };
  }

  describe('what it requeues', () => {
    it('requeues an upload whose event never reached ingest and one left pending, once past the lease', async () => {
      const lost = uploaded('SO-NV', 10 * MINUTE);
      const crashed = uploaded('SO-TC', 7 * MINUTE, 'pending');

      const result = await sweepStalledUploads(deps, { leaseMs: 5 * MINUTE, scope: { periodsBack: 1 } });

      expect(requeued.map((u) => [u.key, u.reason])).toEqual(expect.arrayContaining([[lost.key, 'missing'], [crashed.key, 'pending']]));
      expect(requeued.find((u) => u.key === lost.key)?.lastModified).toEqual(new Date(NOW.getTime() - 10 * MINUTE));
      expect(result).toMatchObject({ scanned: 2, stalled: 2, requeued: 2, oldestPendingSeconds: 600 });
    });

    it('leaves finished uploads alone and gives a young one its lease, while still measuring it', async () => {
      uploaded('SO-NV', 60 * MINUTE, 'accepted');
      uploaded('SO-TC', 60 * MINUTE, 'rejected');
      uploaded('SO-YT', 60 * MINUTE, 'failed');
      uploaded('SO-GD', 2 * MINUTE, 'pending');

      const result = await sweepStalledUploads(deps, { leaseMs: 5 * MINUTE, scope: { periodsBack: 1 } });

      expect(requeued).toEqual([]);
      expect(result).toMatchObject({ scanned: 4, stalled: 0, requeued: 0, oldestPendingSeconds: 120 });
    });

    it('counts an upload the queue already holds as stalled but not requeued', async () => {
      uploaded('SO-NV', 10 * MINUTE);
      deps.requeue = async () => false;

      const result = await sweepStalledUploads(deps, { leaseMs: 5 * MINUTE, scope: { periodsBack: 1 } });

      expect(result).toMatchObject({ stalled: 1, requeued: 0 });
    });

    it('skips objects outside the upload key layout', async () => {
      files.objects.set('uploads/ghi-chu.txt', { body: Buffer.from('x'), lastModified: new Date(NOW.getTime() - 60 * MINUTE) });

      const result = await sweepStalledUploads(deps, { leaseMs: 0, scope: 'all' });

      expect(result).toMatchObject({ stalled: 0 });
      expect(requeued).toEqual([]);
    });
  });

  describe('how far it looks', () => {
    it('lists only the open and previous periods of each form, and everything with scope "all"', async () => {
      const recent = uploaded('SO-NV', 10 * MINUTE, undefined, shiftPeriod(period, -1));
      const old = uploaded('SO-TC', 10 * MINUTE, undefined, shiftPeriod(period, -3));
      const listed: string[] = [];
      const list = files.list.bind(files);
      files.list = async (prefix) => (listed.push(prefix), list(prefix));

      await sweepStalledUploads(deps, { leaseMs: 0, scope: { periodsBack: 1 } });
      const bounded = requeued.map((u) => u.key);
      requeued = [];
      await sweepStalledUploads(deps, { leaseMs: 0, scope: 'all' });

      expect(bounded).toEqual([recent.key]);
      expect(listed).toEqual(expect.arrayContaining([`uploads/${FORM_ID}/${period}/`, `uploads/${FORM_ID}/${shiftPeriod(period, -1)}/`]));
      expect(listed).not.toContain(`uploads/${FORM_ID}/${shiftPeriod(period, -2)}/`);
      expect(requeued.map((u) => u.key).sort()).toEqual([recent.key, old.key].sort());
    });

    it('does not read the submissions of a period whose uploads are all older than the horizon', async () => {
      uploaded('SO-NV', 3 * 24 * 60 * MINUTE);
      const queried: string[] = [];
      const listByFormPeriod = submissions.listByFormPeriod.bind(submissions);
      submissions.listByFormPeriod = async (formId, p) => (queried.push(p), listByFormPeriod(formId, p));

      const result = await sweepStalledUploads(deps, { ...RECENT_UPLOADS, leaseMs: 5 * MINUTE });

      expect(result).toMatchObject({ scanned: 0, stalled: 0 });
      expect(queried).toEqual([]);
      expect(requeued).toEqual([]);
    });
  });
});
