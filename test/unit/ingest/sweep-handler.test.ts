/**
 * The AWS upload sweeper end to end through its ports: the scheduled handler finds a stalled
 * upload, sends the ingest queue a message the ingest handler reads as that upload (SQS
 * SendMessage, mocked at the SDK), and publishes the metrics the stalled-upload alarm reads as
 * one Embedded Metric Format log line.
 */
import 'aws-sdk-client-mock-jest';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { emfMetrics } from '../../../functions/adapters/emf-metrics';
import { sqsIngestRequeue } from '../../../functions/adapters/sqs-ingest-requeue';
import { openPeriod } from '../../../functions/core/periods';
import { uploadsInMessage } from '../../../functions/handlers/ingest';
import { createSweepHandler, SWEEP_LEASE_MS } from '../../../functions/handlers/sweep';
import { FakeClock, InMemoryFileStore, InMemorySubmissionRepository } from '../../support/in-memory';
import { FORM_ID, keyFor, testCatalog } from './support';
import { silentLog as silent } from '../../../functions/core/log';

const NOW = new Date('2026-11-20T03:00:00.000Z');
const QUEUE_URL = 'https://sqs.ap-southeast-1.amazonaws.com/111122223333/tonghop-ingest';

describe('sweep handler (AWS)', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  async function arrange(ageMs: number) {
    const catalog = await testCatalog();
    const files = new InMemoryFileStore();
    const lastModified = new Date(NOW.getTime() - ageMs);
    const { key, uploadId } = keyFor('SO-NV', openPeriod(catalog.require(FORM_ID), NOW), lastModified);
    files.objects.set(key, { body: Buffer.from('xlsx'), lastModified });
    const lines: string[] = [];
    const clock = new FakeClock(NOW);
    const handler = createSweepHandler({
      files,
      submissions: new InMemorySubmissionRepository(),
      forms: Promise.resolve(catalog),
      requeue: sqsIngestRequeue({ client: new SQSClient({ region: 'ap-southeast-1' }), queueUrl: QUEUE_URL, bucketName: 'tonghop-data' }),
      clock,
      metrics: emfMetrics({ namespace: 'tonghop', clock, write: (line) => lines.push(line) }),
      log: silent,
    });
    return { handler, key, uploadId, lastModified, lines };
  }
  const context = { functionName: 'tonghop-SweepFunction-abc' } as Context;

  it('sends an upload whose event was lost past the lease back to the ingest queue, as ingest reads it', async () => {
    const { handler, key, lastModified } = await arrange(SWEEP_LEASE_MS + 60_000);

    const summary = await handler({}, context);

    expect(summary).toMatchObject({ stalled: 1, requeued: 1 });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    const sent = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(sent.QueueUrl).toBe(QUEUE_URL);
    expect(uploadsInMessage(sent.MessageBody!)).toEqual([expect.objectContaining({ bucketKey: key, eventTime: lastModified.toISOString() })]);
  });

  it('publishes StalledUploads and OldestPendingSeconds for the function as one EMF line', async () => {
    const { handler, lines } = await arrange(SWEEP_LEASE_MS + 60_000);

    await handler({}, context);

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      _aws: {
        Timestamp: NOW.getTime(),
        CloudWatchMetrics: [{ Namespace: 'tonghop', Dimensions: [['FunctionName']], Metrics: [{ Name: 'StalledUploads', Unit: 'Count' }, { Name: 'OldestPendingSeconds', Unit: 'Seconds' }] }],
      },
      FunctionName: 'tonghop-SweepFunction-abc',
      StalledUploads: 1,
      OldestPendingSeconds: (SWEEP_LEASE_MS + 60_000) / 1000,
    });
  });

  it('leaves an upload within its lease to its own event, and still reports its age', async () => {
    const { handler, lines } = await arrange(60_000);

    const summary = await handler({}, context);

    expect(summary).toMatchObject({ stalled: 0, requeued: 0, oldestPendingSeconds: 60 });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ StalledUploads: 0, OldestPendingSeconds: 60 });
  });
});
