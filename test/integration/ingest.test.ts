/**
 * The ingest pipeline on the embedded stack over the real wire protocols: objects PUT to
 * s3rver → object-created events → the local SQS stand-in → the same ingest handler Lambda
 * runs → dynalite. What the province relies on: each upload counted once, the latest upload
 * wins, refused files are kept with feedback, and a failure part-way leaves no partial state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoReviewStore } from '../../functions/adapters/dynamo-review-store';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { computeTotals } from '../../functions/core/consolidation/totals';
import { ruleCode, type FormCatalog } from '../../functions/core/forms';
import { silentLog as silent } from '../../functions/core/log';
import type { FormValues, Unit } from '../../functions/core/model';
import { systemClock } from '../../functions/core/ports';
import { feedbackKey } from '../../functions/core/upload-id';
import { createIngestHandler } from '../../functions/handlers/ingest';
import { startEmulators, type Emulators, type S3EventNotification } from '../../infra/local/emulators';
import { readPeriodAggregate, type Aggregate } from '../../functions/core/usecases/period-aggregate';
import { sweepStalledUploads } from '../../functions/core/usecases/sweep-stalled-uploads';
import { createLocalIngestQueue, listDeadLetters, requeueToLocalQueue, type LocalIngestQueue } from '../../infra/local/ingest-queue';
import { longTextInNumberCells } from '../fixtures/forms/bad-files';
import { FORM_ID, keyFor, testCatalog, unitOf, uploadFor, workbookFor } from '../unit/ingest/support';

// The project-level testTimeout is not applied by jest 30 (a global option); a loaded 2-core machine needs more than 5 s.
jest.setTimeout(120_000);

describe('ingest pipeline (embedded stack)', () => {
  let emulators: Emulators;
  let dataDir: string;
  let catalog: FormCatalog;
  let submissions: DynamoSubmissionRepository;
  let units: DynamoUnitRepository;
  let files: S3FileStore;
  let queue: LocalIngestQueue;
  /** Every object-created event seen; `autoEnqueue` off lets a test deliver them in its own order. */
  const seen: S3EventNotification[] = [];
  let autoEnqueue = true;
  /** Set by a test to make the repository fail once, mid-way through an ingest. */
  let failOnceBeforePointer: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tonghop-ingest-'));
    emulators = await startEmulators();
    catalog = await testCatalog();
    const clientOptions = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
    const dynamo = createDynamoDocumentClient(clientOptions);
    submissions = new DynamoSubmissionRepository({ client: dynamo, tableName: emulators.tableName });
    units = new DynamoUnitRepository({ client: dynamo, tableName: emulators.tableName });
    files = new S3FileStore({ client: createS3Client(clientOptions), bucket: emulators.bucketName });
    // The repository as the handler sees it: real, except for an injected one-off failure after putValues.
    const flaky = Object.create(submissions) as DynamoSubmissionRepository;
    flaky.advanceLatestAccepted = async (s) => {
      const fail = failOnceBeforePointer;
      failOnceBeforePointer = undefined;
      if (fail) {
        await fail();
        throw new Error('DynamoDB: InternalServerError (injected)');
      }
      return submissions.advanceLatestAccepted(s);
    };
    const handler = createIngestHandler({ submissions: flaky, units, files, catalog, clock: systemClock, locks: new DynamoReviewStore({ client: dynamo, tableName: emulators.tableName }), maxUploadBytes: 5 * 1024 * 1024, log: silent });
    queue = createLocalIngestQueue({ handler, dataDir, backoffMs: 50 });
    emulators.onObjectCreated((event) => {
      seen.push(event);
      if (autoEnqueue) queue.enqueue(event);
    });
  });

  afterAll(async () => {
    await queue?.stop();
    await emulators?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    autoEnqueue = true;
  });

  async function eventFor(key: string): Promise<S3EventNotification> {
    for (let i = 0; i < 500; i++) {
      const found = seen.find((e) => e.Records.some((r) => r.s3.object.key === key));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no object-created event for ${key}`);
  }

  /** PUTs the workbook as the browser's POST would leave it and waits until ingest has settled. */
  async function uploadAndIngest(unitCode: string, period: string, bytes: Buffer): Promise<{ key: string; uploadId: string }> {
    const { key, uploadId } = await uploadFor(files, unitCode, period, bytes);
    await eventFor(key);
    await queue.drain();
    return { key, uploadId };
  }

  const totalsOf = (values: FormValues[]) => computeTotals(catalog.require(FORM_ID), values);
  /** The province totals as every reader computes them (nothing stored). */
  const aggregateOf = (repo: DynamoSubmissionRepository, period: string) => readPeriodAggregate(repo, catalog.require(FORM_ID), period);

  describe('redelivery', () => {
    it('keeps one submission when the same event arrives twice more', async () => {
      const unit = unitOf('DUP-01');
      await units.putMany([unit]);
      const { bytes } = await workbookFor(unit, '2026-Q1');
      const { key, uploadId } = await uploadAndIngest('DUP-01', '2026-Q1', bytes);

      const event = await eventFor(key);
      queue.enqueue(event);
      queue.enqueue(event);
      await queue.drain();

      const mine = (await submissions.listByFormPeriod(FORM_ID, '2026-Q1')).filter((s) => s.unitCode === 'DUP-01');
      expect(mine).toEqual([expect.objectContaining({ uploadId, status: 'accepted', version: 1 })]);
      expect((await aggregateOf(submissions, '2026-Q1')).unitsReported).toBe(1);
    });
  });

  describe('a deadline afternoon', () => {
    it('accepts 50 units uploading at once, each event delivered twice, and the province totals equal the sum of their values', async () => {
      const period = '2026-Q2';
      const fifty: Unit[] = Array.from({ length: 50 }, (_, i) => unitOf(`DV-${String(i + 1).padStart(2, '0')}`));
      await units.putMany(fifty);
      const made = await Promise.all(fifty.map((u, i) => workbookFor(u, period, { seed: 100 + i })));

      const keys = await Promise.all(
        fifty.map(async (u, i) => {
          const { key } = await uploadFor(files, u.code, period, made[i]!.bytes);
          return key;
        }),
      );
      // SQS delivers at least once: every event a second time, racing the first delivery.
      for (const event of await Promise.all(keys.map(eventFor))) queue.enqueue(event);
      await queue.drain();

      const listed = await submissions.listByFormPeriod(FORM_ID, period);
      expect(listed).toHaveLength(50);
      expect(listed.filter((s) => s.status === 'accepted')).toHaveLength(50);
      const agg = await aggregateOf(submissions, period);
      expect(agg.unitsReported).toBe(50);
      expect(agg.totals).toEqual(totalsOf(made.map((m) => m.values)));
    }, 300_000);
  });

  describe('resubmissions', () => {
    it('gives the pointer to the later upload when its event is processed first', async () => {
      const period = '2026-Q3';
      const unit = unitOf('ORD-01');
      await units.putMany([unit]);
      const first = await workbookFor(unit, period, { seed: 11 });
      const second = await workbookFor(unit, period, { seed: 12 });
      autoEnqueue = false;
      const k1 = await uploadFor(files, 'ORD-01', period, first.bytes);
      const e1 = await eventFor(k1.key);
      await new Promise((r) => setTimeout(r, 5));
      const k2 = await uploadFor(files, 'ORD-01', period, second.bytes);
      const e2 = await eventFor(k2.key);

      queue.enqueue(e2);
      await queue.drain();
      queue.enqueue(e1);
      await queue.drain();

      const versions = (await submissions.listByUnit('ORD-01', { formId: FORM_ID, period })).map((s) => [s.uploadId, s.version, s.status]);
      expect(versions).toEqual([[k2.uploadId, 2, 'accepted'], [k1.uploadId, 1, 'accepted']]);
      const latest = await submissions.listLatestAccepted(FORM_ID, period);
      expect(latest.map((l) => [l.uploadId, l.version])).toEqual([[k2.uploadId, 2]]);
      expect((await aggregateOf(submissions, period)).totals).toEqual(totalsOf([second.values]));
    });
  });

  describe('a refused upload', () => {
    it('is kept in S3, recorded as rejected with cell errors, and gets an annotated workbook', async () => {
      const period = '2026-Q4';
      const unit = unitOf('REF-01');
      await units.putMany([unit]);
      const { bytes } = await workbookFor(unit, period, { change: (v) => void (v.fields['16.so_nguoi'] = Number(v.fields['16.so_nguoi']) + 2) });

      const { key, uploadId } = await uploadAndIngest('REF-01', period, bytes);

      const s = await submissions.get(uploadId);
      expect(s).toMatchObject({ status: 'rejected', fileName: 'báo cáo.xlsx', linkId: 'tok', feedbackKey: feedbackKey(uploadId) });
      expect(s?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: ruleCode('tong-tinh-gian'), cell: expect.any(String) })]));
      expect((await files.head(key))?.size).toBe(bytes.length);
      expect((await files.head(feedbackKey(uploadId)))?.size).toBeGreaterThan(0);
      expect(await submissions.listLatestAccepted(FORM_ID, period)).toEqual([]);
    });
  });

  describe('a hostile upload', () => {
    it('refuses 38 number cells of 12,000 characters with per-cell errors on a record under 64 KB, nothing dead-lettered', async () => {
      const period = '2028-Q1';
      const unit = unitOf('LONG-01', 'so-nganh');
      await units.putMany([unit]);
      const { bytes } = await workbookFor(unit, period);

      const { uploadId } = await uploadAndIngest('LONG-01', period, await longTextInNumberCells(bytes));

      const s = await submissions.get(uploadId);
      expect(s?.status).toBe('rejected');
      expect(s?.errors.map((e) => e.code)).toEqual(Array.from({ length: 38 }, () => 'NOT_A_NUMBER'));
      expect(Buffer.byteLength(JSON.stringify(s))).toBeLessThan(64 * 1024);
      expect(listDeadLetters(dataDir)).toEqual([]);
    });

    it('refuses a file placed under another unit’s key without an upload intent and never counts it', async () => {
      const period = '2028-Q2';
      const victim = unitOf('VIC-01', 'so-nganh');
      await units.putMany([victim]);
      const { bytes } = await workbookFor(victim, period);
      const { key, uploadId } = keyFor('VIC-01', period);

      await files.put(key, bytes);
      await eventFor(key);
      await queue.drain();

      expect(await submissions.get(uploadId)).toMatchObject({ status: 'rejected', unitCode: '-', errors: [expect.objectContaining({ code: 'UPLOAD_NOT_ISSUED' })] });
      expect(await submissions.listByUnit('VIC-01')).toEqual([]);
      expect((await aggregateOf(submissions, period)).unitsReported).toBe(0);
      expect(listDeadLetters(dataDir)).toEqual([]);
    });
  });

  describe('a DynamoDB failure part-way', () => {
    it('shows no partial state until the queue’s retry completes the upload', async () => {
      const period = '2027-Q1';
      const unit = unitOf('CRASH-01');
      const other = unitOf('CRASH-02');
      await units.putMany([unit, other]);
      const otherBook = await workbookFor(other, period, { seed: 21 });
      await uploadAndIngest('CRASH-02', period, otherBook.bytes);
      const before = await aggregateOf(submissions, period);
      const book = await workbookFor(unit, period, { seed: 22 });
      let key: { key: string; uploadId: string } = { key: '', uploadId: '' };
      let during: { status?: string; pointers: string[]; aggregate?: Aggregate } | undefined;
      failOnceBeforePointer = async () => {
        during = {
          status: (await submissions.get(key.uploadId))?.status,
          pointers: (await submissions.listLatestAccepted(FORM_ID, period)).map((l) => l.unitCode),
          aggregate: await aggregateOf(submissions, period),
        };
      };

      key = await uploadFor(files, 'CRASH-01', period, book.bytes);
      await eventFor(key.key);
      await queue.drain();

      expect(during).toEqual({ status: 'pending', pointers: ['CRASH-02'], aggregate: before });
      expect(await submissions.get(key.uploadId)).toMatchObject({ status: 'accepted', version: 1 });
      const agg = await aggregateOf(submissions, period);
      expect(agg).toMatchObject({ unitsReported: 2, totals: totalsOf([otherBook.values, book.values]) });
      expect(listDeadLetters(dataDir)).toEqual([]);
    });
  });

  describe('restart', () => {
    it('requeues an upload whose event was lost when the local runtime stopped', async () => {
      const unit = unitOf('LOST-01');
      await units.putMany([unit]);
      const { bytes } = await workbookFor(unit, '2027-Q4', { seed: 41 });
      autoEnqueue = false;
      const { key, uploadId } = await uploadFor(files, 'LOST-01', '2027-Q4', bytes);
      await eventFor(key);
      expect(await submissions.get(uploadId)).toBeUndefined();

      const sweep = await sweepStalledUploads(
        { files, submissions, forms: catalog.list(), clock: systemClock, requeue: requeueToLocalQueue(queue, emulators.bucketName) },
        { leaseMs: 0, scope: 'all' },
      );
      await queue.drain();

      expect(sweep).toMatchObject({ stalled: 1, requeued: 1, keys: [key] });
      expect((await submissions.get(uploadId))?.status).toBe('accepted');
    });
  });

  describe('cross-period baseline', () => {
    it('warns when a "trước" value moved since the unit’s accepted report of the previous period', async () => {
      const unit = unitOf('BASE-01');
      await units.putMany([unit]);
      const q4 = await workbookFor(unit, '2027-Q2', { seed: 31 });
      await uploadAndIngest('BASE-01', '2027-Q2', q4.bytes);
      const moved = await workbookFor(unit, '2027-Q3', { seed: 31, change: (v) => void (v.fields['07.truoc'] = Number(q4.values.fields['07.truoc']) + 1) });

      const { uploadId } = await uploadAndIngest('BASE-01', '2027-Q3', moved.bytes);

      const s = await submissions.get(uploadId);
      expect(s?.status).toBe('accepted');
      expect(s?.warnings.filter((w) => w.code === ruleCode('moc-truoc-sap-xep')).map((w) => w.field)).toEqual(['07.truoc']);
    });
  });
});
