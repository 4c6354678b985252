/**
 * The SQS handler: S3 notifications in, partial batch failures out, so only the failed
 * message is redelivered; S3's test event is acknowledged; after the last receive the
 * submission is marked failed rather than left pending.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { silentLog as silent } from '../../../functions/core/log';
import { INGEST_MAX_RECEIVE_COUNT } from '../../../functions/core/storage-layout';
import { createIngestHandler, uploadsInMessage } from '../../../functions/handlers/ingest';
import { FakeClock, InMemoryFileStore, InMemoryReviewStore, InMemorySubmissionRepository, InMemoryUnitRepository } from '../../support/in-memory';
import { s3Notification, testCatalog, unitOf, uploadFor, workbookFor } from './support';

const PERIOD = '2026-Q1';
const unit = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
const record = (messageId: string, body: string, receives = 1): SQSRecord =>
  ({ messageId, body, attributes: { ApproximateReceiveCount: String(receives) } }) as unknown as SQSRecord;

async function setup() {
  const clock = new FakeClock(new Date('2026-03-10T03:00:00Z'));
  const deps = {
    submissions: new InMemorySubmissionRepository(clock),
    files: new InMemoryFileStore(),
    units: new InMemoryUnitRepository([unit]),
    catalog: testCatalog(),
    clock,
    locks: new InMemoryReviewStore(),
    maxUploadBytes: 5 * 1024 * 1024,
    log: silent,
  };
  return { deps, handler: createIngestHandler(deps) };
}

// Real workbooks are generated, filled and validated: seconds each on a loaded machine.
jest.setTimeout(60_000);

describe('createIngestHandler', () => {
  describe('message bodies', () => {
    it('reads the URL-encoded key and event time of each created object', () => {
      const body = JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', eventTime: 't', s3: { object: { key: 'uploads/a+b/%C4%91.xlsx', size: 5 } } }] });
      expect(uploadsInMessage(body)).toEqual([{ bucketKey: 'uploads/a b/đ.xlsx', eventTime: 't', size: 5 }]);
    });

    it('finds no upload in S3’s test event', () => {
      expect(uploadsInMessage(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' }))).toEqual([]);
    });
  });

  describe('partial batch failures', () => {
    it('reports only the message that failed, and processes the others', async () => {
      const { deps, handler } = await setup();
      const { bytes } = await workbookFor(unit, PERIOD);
      const { key, uploadId } = await uploadFor(deps.files, 'SO-YTE', PERIOD, bytes, { at: '2026-03-10T02:00:00.000Z' });
      const event: SQSEvent = {
        Records: [record('m-ok', s3Notification(key, '2026-03-10T02:00:00.000Z')), record('m-bad', '{"not":"s3"}'), record('m-test', JSON.stringify({ Event: 's3:TestEvent' }))],
      };

      const out = await handler(event, {} as Context);

      expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
      expect((await deps.submissions.get(uploadId))?.status).toBe('accepted');
    });

    it('marks the submission failed when the last allowed receive fails, with a fixed Vietnamese message and no exception text', async () => {
      const { deps, handler } = await setup();
      const { bytes } = await workbookFor(unit, PERIOD);
      const { key, uploadId } = await uploadFor(deps.files, 'SO-YTE', PERIOD, bytes, { at: '2026-03-10T02:00:00.000Z' });
      const internal = Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
      jest.spyOn(deps.submissions, 'putValues').mockRejectedValue(internal);
      const body = s3Notification(key, '2026-03-10T02:00:00.000Z');

      const beforeLast = await handler({ Records: [record('m1', body, INGEST_MAX_RECEIVE_COUNT - 1)] }, {} as Context);
      expect((await deps.submissions.get(uploadId))?.status).toBe('pending');
      const last = await handler({ Records: [record('m1', body, INGEST_MAX_RECEIVE_COUNT)] }, {} as Context);

      expect(beforeLast.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
      expect(last.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
      const failed = await deps.submissions.get(uploadId);
      expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 'PROCESSING_FAILED', severity: 'error', message: expect.stringMatching(/^Hệ thống chưa xử lý được tệp này do sự cố kỹ thuật\./) }] });
      expect(JSON.stringify(failed)).not.toMatch(/ValidationException|Item size|exceeded/);
    });
  });
});
