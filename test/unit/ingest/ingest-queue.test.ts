/**
 * The local SQS stand-in: redelivers failed messages with backoff up to three receives, then
 * writes them to the dead-letter folder where the CLI lists them; never runs more than the
 * configured number of messages at once; a stop leaves unfinished work for the sweeper instead
 * of dead-lettering it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { INGEST_MAX_RECEIVE_COUNT } from '../../../functions/core/storage-layout';
import { createLocalIngestQueue, listDeadLetters } from '../../../infra/local/ingest-queue';
import type { S3EventNotification } from '../../../infra/local/emulators';

const event = (key: string): S3EventNotification => ({
  Records: [{ eventName: 'ObjectCreated:Post', eventTime: '2026-03-16T02:00:00.000Z', s3: { bucket: { name: 'b' }, object: { key, size: 10 } } }],
});
const keyOf = (e: SQSEvent) => (JSON.parse(e.Records[0]!.body) as S3EventNotification).Records[0]!.s3.object.key;

describe('createLocalIngestQueue', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tonghop-queue-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('retries', () => {
    it('redelivers a message that failed once and does not dead-letter it', async () => {
      const receives: string[] = [];
      const queue = createLocalIngestQueue({
        dataDir, backoffMs: 5,
        handler: async (e) => {
          const r = e.Records[0]!;
          receives.push(r.attributes.ApproximateReceiveCount);
          return { batchItemFailures: receives.length === 1 ? [{ itemIdentifier: r.messageId }] : [] };
        },
      });
      queue.enqueue(event('uploads/f/2026-Q1/U1/a.xlsx'));
      await queue.drain();
      expect(receives).toEqual(['1', '2']);
      expect(listDeadLetters(dataDir)).toEqual([]);
    });

    it('dead-letters a message after the queue\'s receive count of failed receives, with its key and reason', async () => {
      let calls = 0;
      const queue = createLocalIngestQueue({
        dataDir, backoffMs: 5,
        handler: async () => {
          calls += 1;
          throw new Error('DynamoDB unreachable');
        },
      });
      queue.enqueue(event('uploads/f/2026-Q1/U1/b.xlsx'));
      await queue.drain();
      expect(calls).toBe(INGEST_MAX_RECEIVE_COUNT);
      const dead = listDeadLetters(dataDir);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ receives: INGEST_MAX_RECEIVE_COUNT, keys: ['uploads/f/2026-Q1/U1/b.xlsx'], reason: expect.stringContaining('DynamoDB unreachable') });
    });
  });

  describe('concurrency', () => {
    it('runs at most the configured number of messages at once and delivers all', async () => {
      let active = 0;
      let peak = 0;
      const seen: string[] = [];
      const queue = createLocalIngestQueue({
        dataDir, concurrency: 2,
        handler: async (e) => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          seen.push(keyOf(e));
          active -= 1;
          return { batchItemFailures: [] };
        },
      });
      for (let i = 0; i < 7; i++) queue.enqueue(event(`uploads/k${i}`));
      await queue.drain();
      expect(peak).toBe(2);
      expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `uploads/k${i}`));
    });
  });

  describe('filter', () => {
    it('queues only uploads, not the feedback and report objects written to the same bucket', async () => {
      const delivered: string[] = [];
      const queue = createLocalIngestQueue({ dataDir, handler: async (e) => (delivered.push(keyOf(e)), { batchItemFailures: [] }) });
      queue.enqueue(event('feedback/0mwzlpvv4-6v0f1wba39.xlsx'));
      queue.enqueue(event('reports/f/2026-Q1/x.xlsx'));
      queue.enqueue(event('uploads/f/2026-Q1/U1/d.xlsx'));
      await queue.drain();
      expect(delivered).toEqual(['uploads/f/2026-Q1/U1/d.xlsx']);
    });
  });

  describe('stop', () => {
    it('leaves messages waiting for a retry or a slot unfinished, not dead-lettered, and names them', async () => {
      const queue = createLocalIngestQueue({
        dataDir, backoffMs: 60_000, concurrency: 1,
        handler: async (e) => {
          await new Promise((r) => setTimeout(r, 20));
          return { batchItemFailures: [{ itemIdentifier: e.Records[0]!.messageId }] };
        },
      });
      queue.enqueue(event('uploads/f/2026-Q1/U1/c.xlsx'));
      queue.enqueue(event('uploads/f/2026-Q1/U2/d.xlsx'));
      await new Promise((r) => setTimeout(r, 10));
      const held = queue.holds('uploads/f/2026-Q1/U2/d.xlsx');

      const left = await queue.stop();

      expect(held).toBe(true);
      expect(left.sort()).toEqual(['uploads/f/2026-Q1/U1/c.xlsx', 'uploads/f/2026-Q1/U2/d.xlsx']);
      expect(listDeadLetters(dataDir)).toEqual([]);
      expect(queue.holds('uploads/f/2026-Q1/U2/d.xlsx')).toBe(false);
    });

    it('waits for a message being processed and does not leave it once it succeeded', async () => {
      const done: string[] = [];
      const queue = createLocalIngestQueue({
        dataDir,
        handler: async (e) => {
          await new Promise((r) => setTimeout(r, 30));
          done.push(keyOf(e));
          return { batchItemFailures: [] };
        },
      });
      queue.enqueue(event('uploads/f/2026-Q1/U1/e.xlsx'));
      await new Promise((r) => setTimeout(r, 5));

      const left = await queue.stop();

      expect(done).toEqual(['uploads/f/2026-Q1/U1/e.xlsx']);
      expect(left).toEqual([]);
    });
  });
});
