/**
 * The local stand-in for the ingest SQS queue. It receives the S3 notification JSON that the
 * embedded S3 emits (`emulators.onObjectCreated`), wraps each as an SQS record, and invokes the
 * SAME ingest handler Lambda runs, honouring its partial batch response. A failed message is
 * received again with backoff, up to `maxReceives` times (the AWS queue's maxReceiveCount), and
 * then written to `<dataDir>/dead-letter/<time>-<key>.json`, where `tonghop submissions list`
 * shows it: nothing is dropped silently. At most `concurrency` messages run at once.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FileStore, SubmissionRepository } from '../../functions/core/ports';
import { INGEST_MAX_RECEIVE_COUNT, KEY_PREFIX } from '../../functions/core/storage-layout';
import { parseUploadKey } from '../../functions/core/upload-id';
import type { S3EventNotification } from './emulators';

export type IngestSqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface LocalIngestQueueOptions {
  handler: IngestSqsHandler;
  /** Dead letters go to `<dataDir>/dead-letter/`. */
  dataDir: string;
  log?: { info(message: string, extra?: Record<string, unknown>): void; warn(message: string, extra?: Record<string, unknown>): void };
  /** Messages processed at the same time (default 4). */
  concurrency?: number;
  /** Receives before a message is dead-lettered (default `INGEST_MAX_RECEIVE_COUNT`, as the CDK queue). */
  maxReceives?: number;
  /** Delay before the first redelivery; doubles each time (default 500 ms). */
  backoffMs?: number;
  /** Only objects under this prefix are queued, as the S3 → SQS notification filter in AWS (default `uploads/`). */
  prefix?: string;
}

export interface LocalIngestQueue {
  enqueue(event: S3EventNotification): void;
  /** Resolves when no message is queued, running or waiting for a retry. */
  drain(): Promise<void>;
  /** Stops retry timers (their messages are dead-lettered, so they stay visible), waits for running ones. */
  stop(): Promise<void>;
}

/** One dead-lettered message, as written to disk. */
export interface DeadLetter {
  file: string;
  failedAt: string;
  receives: number;
  keys: string[];
  reason: string;
  body: unknown;
}

interface Message {
  id: string;
  body: string;
  keys: string[];
  receives: number;
  firstReceivedAt: number;
}

const QUEUE_ARN = 'arn:aws:sqs:ap-southeast-1:000000000000:tonghop-ingest-local';

export function deadLetterDir(dataDir: string): string {
  return join(dataDir, 'dead-letter');
}

/** Creates the queue; `enqueue` is what `emulators.onObjectCreated` should call. */
export function createLocalIngestQueue(options: LocalIngestQueueOptions): LocalIngestQueue {
  const concurrency = options.concurrency ?? 4;
  const maxReceives = options.maxReceives ?? INGEST_MAX_RECEIVE_COUNT;
  const backoffMs = options.backoffMs ?? 500;
  const prefix = options.prefix ?? KEY_PREFIX.uploads;
  const ready: Message[] = [];
  const timers = new Map<NodeJS.Timeout, Message>();
  const running = new Set<Promise<void>>();
  let waiters: Array<() => void> = [];
  let stopped = false;

  const idle = () => ready.length === 0 && timers.size === 0 && running.size === 0;
  const notify = () => {
    if (!idle()) return;
    const resolve = waiters;
    waiters = [];
    for (const w of resolve) w();
  };

  const pump = () => {
    while (!stopped && running.size < concurrency && ready.length > 0) {
      const message = ready.shift()!;
      const run = deliver(message).finally(() => {
        running.delete(run);
        pump();
        notify();
      });
      running.add(run);
    }
  };

  const deadLetter = (message: Message, reason: string) => {
    const dir = deadLetterDir(options.dataDir);
    mkdirSync(dir, { recursive: true });
    const failedAt = new Date().toISOString();
    const name = `${failedAt.replace(/[:.]/g, '-')}-${(message.keys[0] ?? message.id).replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
    const entry: Omit<DeadLetter, 'file'> = { failedAt, receives: message.receives, keys: message.keys, reason, body: JSON.parse(message.body) };
    writeFileSync(join(dir, name), JSON.stringify(entry, null, 2));
    options.log?.warn('ingest message dead-lettered', { file: join(dir, name), keys: message.keys, receives: message.receives, reason });
  };

  async function deliver(message: Message): Promise<void> {
    message.receives += 1;
    let failed: string | undefined;
    try {
      const response = await options.handler({ Records: [sqsRecord(message)] }, lambdaContext());
      if (response?.batchItemFailures.some((f) => f.itemIdentifier === message.id)) failed = 'reported in batchItemFailures';
    } catch (err) {
      failed = `handler threw: ${(err as Error).message}`;
    }
    if (!failed) return;
    if (message.receives >= maxReceives) return deadLetter(message, failed);
    if (stopped) return deadLetter(message, `${failed}; queue stopped before the retry`);
    const delay = backoffMs * 2 ** (message.receives - 1);
    options.log?.info('ingest message will be retried', { keys: message.keys, receives: message.receives, delayMs: delay });
    const timer = setTimeout(() => {
      timers.delete(timer);
      ready.push(message);
      pump();
      notify();
    }, delay);
    timers.set(timer, message);
  }

  return {
    enqueue(event) {
      if (stopped) throw new Error('local ingest queue is stopped');
      // Feedback and report objects are written to the same bucket; like S3's filter, skip them.
      const records = event.Records.filter((r) => r.s3.object.key.startsWith(prefix));
      if (records.length === 0) return;
      event = { ...event, Records: records };
      ready.push({ id: randomUUID(), body: JSON.stringify(event), keys: event.Records.map((r) => r.s3.object.key), receives: 0, firstReceivedAt: Date.now() });
      pump();
    },
    drain() {
      if (idle()) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    async stop() {
      stopped = true;
      for (const [timer, message] of timers) {
        clearTimeout(timer);
        deadLetter(message, 'queue stopped before the retry');
      }
      timers.clear();
      for (const message of ready.splice(0)) deadLetter(message, 'queue stopped before delivery');
      await Promise.allSettled([...running]);
      notify();
    },
  };
}

/**
 * The local queue lives in memory, so a process stopped mid-ingest would leave uploads that no
 * event will ever reach. Call this once at start-up: every object under `uploads/` whose
 * submission is missing or still `pending` gets an object-created event again (its time is the
 * object's LastModified, as S3's eventTime; an existing record keeps its own receivedAt).
 * Returns the keys queued.
 */
export async function requeueUnfinishedUploads(deps: {
  files: Pick<FileStore, 'list'>;
  submissions: Pick<SubmissionRepository, 'get'>;
  queue: Pick<LocalIngestQueue, 'enqueue'>;
  bucketName: string;
}): Promise<string[]> {
  const queued: string[] = [];
  for (const object of await deps.files.list(KEY_PREFIX.uploads)) {
    const parts = parseUploadKey(object.key);
    // Off-layout objects were recorded as failed when their event came; they would only fail again.
    if (!parts) continue;
    const existing = await deps.submissions.get(parts.uploadId);
    if (existing && existing.status !== 'pending') continue;
    deps.queue.enqueue({
      Records: [{
        eventName: 'ObjectCreated:Put',
        eventTime: (object.lastModified ?? new Date()).toISOString(),
        s3: { bucket: { name: deps.bucketName }, object: { key: object.key, size: object.size, eTag: object.etag } },
      }],
    });
    queued.push(object.key);
  }
  return queued;
}

/** Dead-lettered messages, oldest first (unreadable files are listed with their parse error). */
export function listDeadLetters(dataDir: string): DeadLetter[] {
  let files: string[];
  try {
    files = readdirSync(deadLetterDir(dataDir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((file) => {
    const path = join(deadLetterDir(dataDir), file);
    try {
      return { file: path, ...(JSON.parse(readFileSync(path, 'utf8')) as Omit<DeadLetter, 'file'>) };
    } catch (err) {
      return { file: path, failedAt: '', receives: 0, keys: [], reason: `unreadable: ${(err as Error).message}`, body: undefined };
    }
  });
}

function sqsRecord(message: Message): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: `${message.id}#${message.receives}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receives),
      SentTimestamp: String(message.firstReceivedAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'ap-southeast-1',
  };
}

function lambdaContext(): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'tonghop-ingest-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:tonghop-ingest-local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, 60_000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
