/**
 * `tonghop submissions list` on the AWS target shows the deployed dead-letter queue (not the
 * local data dir): a peek that leaves every message in the queue for a redrive.
 */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { INGEST_MAX_RECEIVE_COUNT } from '../../../functions/core/storage-layout';
import { deadLetterQueueUrl, listAwsDeadLetters } from '../../../infra/cli/aws-dead-letters';

const QUEUE_URL = 'https://sqs.ap-southeast-1.amazonaws.com/111122223333/Tonghop-IngestDeadLetterQueue-AbC123';
const KEY = 'uploads/sap-xep-bo-may/2026-Q1/SO-YTE/01J9Z8Y7X6W5V4T3S2R1Q0P9N8.xlsx';
const notification = (key: string) => JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Post', eventTime: '2026-03-10T02:00:00.000Z', s3: { object: { key, size: 1000 } } }] });

describe('listAwsDeadLetters', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  describe('reading the deployed queue', () => {
    it('lists each message once with the upload key it names, without hiding or deleting it', async () => {
      sqs
        .on(ReceiveMessageCommand)
        .resolvesOnce({ Messages: [{ MessageId: 'm1', Body: notification(KEY), Attributes: { SentTimestamp: '1773108000000' } }, { MessageId: 'm2', Body: 'not json' }] })
        // SQS samples its servers: the same message can come back on the next call.
        .resolvesOnce({ Messages: [{ MessageId: 'm1', Body: notification(KEY), Attributes: { SentTimestamp: '1773108000000' } }] })
        .resolves({});

      const letters = await listAwsDeadLetters({ TONGHOP_DLQ_URL: QUEUE_URL, AWS_REGION: 'ap-southeast-1' }, new SQSClient({ region: 'ap-southeast-1' }));

      expect(letters.map((l) => ({ file: l.file, keys: l.keys, receives: l.receives }))).toEqual([
        { file: 'sqs:m2', keys: [], receives: INGEST_MAX_RECEIVE_COUNT },
        { file: 'sqs:m1', keys: [KEY], receives: INGEST_MAX_RECEIVE_COUNT },
      ]);
      expect(letters[1]!.failedAt).toBe(new Date(1773108000000).toISOString());
      expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, { QueueUrl: QUEUE_URL, VisibilityTimeout: 0 });
      expect(sqs.commandCalls(ReceiveMessageCommand).every((c) => c.args[0].input.VisibilityTimeout === 0)).toBe(true);
      expect(sqs.calls().every((c) => c.args[0] instanceof ReceiveMessageCommand)).toBe(true);
    });
  });

  describe('without the queue URL', () => {
    it.each([[undefined], ['https://example.com/queue'], ['']])('refuses TONGHOP_DLQ_URL=%j, naming the variable and the stack output', (url) => {
      expect.assertions(1);
      expect(() => deadLetterQueueUrl({ TONGHOP_DLQ_URL: url })).toThrow(/TONGHOP_DLQ_URL[\s\S]*DeadLetterQueueUrl/);
    });
  });
});
