/**
 * The local stand-in for the ingest SQS queue. It receives the S3 notification JSON that the
 * embedded S3 emits (`emulators.onObjectCreated`), wraps each as an SQS record, and invokes the
 * SAME ingest handler Lambda runs, honouring its partial batch response. A failed message is
 * received again with backoff, up to `maxReceives` times (the AWS queue's maxReceiveCount), and
 * then written to `<dataDir>/dead-letter/<time>-<key>.json`, where `tonghop submissions list`
 * shows it: nothing is dropped silently. At most `concurrency` messages run at once.
 *
 * The queue lives in memory: a stop or a crash loses what it holds. A stop waits for the
 * messages being processed and leaves the others (queued or waiting for a retry) unfinished —
 * not dead-lettered, since nothing failed — and the upload sweeper below (the same use case as
 * the AWS `sweep` function) sends them again at the next start, and every minute for an upload
 * whose event never arrived.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Clock, ObjectStore, SubmissionRepository } from '../../functions/core/ports';
import { INGEST_MAX_RECEIVE_COUNT, KEY_PREFIX } from '../../functions/core/storage-layout';
import { currentForms, type FormLookup } from '../../functions/core/usecases/form-lookup';
import { objectCreatedNotification, RECENT_UPLOADS, sweepStalledUploads, type RequeueUpload, type SweepResult, type SweepStalledUploadsInput } from '../../functions/core/usecases/sweep-stalled-uploads';
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
  /** Whether a message for this object key is queued, running or waiting for a retry. */
  holds(key: string): boolean;
  /** Resolves when no message is queued, running or waiting for a retry. */
  drain(): Promise<void>;
  /**
   * Waits for the messages being processed; the others are left unfinished (their uploads stay
   * `pending` or unrecorded, for the sweeper at the next start) and their keys returned.
   */
  stop(): Promise<string[]>;
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
  /** Messages per object key, from enqueue until handled, dead-lettered or left at a stop. */
  const held = new Map<string, number>();
  const hold = (message: Message, delta: 1 | -1) => {
    for (const key of message.keys) {
      const n = (held.get(key) ?? 0) + delta;
      if (n > 0) held.set(key, n);
      else held.delete(key);
    }
  };
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
    if (!failed) return hold(message, -1);
    if (message.receives >= maxReceives) {
      hold(message, -1);
      return deadLetter(message, failed);
    }
    if (stopped) return; // Left for the sweeper at the next start, like a queued message.
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
      const message: Message = { id: randomUUID(), body: JSON.stringify(event), keys: event.Records.map((r) => r.s3.object.key), receives: 0, firstReceivedAt: Date.now() };
      hold(message, 1);
      ready.push(message);
      pump();
    },
    holds(key) {
      return held.has(key);
    },
    drain() {
      if (idle()) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    async stop() {
      stopped = true;
      for (const timer of timers.keys()) clearTimeout(timer);
      timers.clear();
      ready.splice(0);
      await Promise.allSettled([...running]);
      const left = [...held.keys()];
      held.clear();
      if (left.length > 0) options.log?.warn('ingest queue stopped with uploads unfinished; they are sent again at the next start', { count: left.length, keys: left });
      notify();
      return left;
    },
  };
}

/** Sends a stalled upload to the local queue as the object-created event S3 would have sent, unless the queue holds it already. */
export function requeueToLocalQueue(queue: Pick<LocalIngestQueue, 'enqueue' | 'holds'>, bucketName: string): RequeueUpload {
  return async (upload) => {
    if (queue.holds(upload.key)) return false;
    queue.enqueue(objectCreatedNotification(upload, bucketName));
    return true;
  };
}

export interface LocalUploadSweeperOptions {
  files: Pick<ObjectStore, 'list'>;
  submissions: Pick<SubmissionRepository, 'listByFormPeriod'>;
  /** The form catalog (its current forms' recent periods are swept). */
  forms: FormLookup;
  clock: Clock;
  queue: Pick<LocalIngestQueue, 'enqueue' | 'holds'>;
  bucketName: string;
  log: { warn(message: string, extra?: Record<string, unknown>): void; error(message: string, extra?: Record<string, unknown>): void };
  /** Time between sweeps after the start-up one (default 60 s). */
  intervalMs?: number;
  /** How long an upload may wait for its event before a periodic sweep sends it (default 60 s). */
  leaseMs?: number;
}

export interface LocalUploadSweeper {
  /** The start-up sweep (every upload, no lease: nothing can be in flight before this process queued it). */
  started: Promise<SweepResult | undefined>;
  /** Runs one periodic sweep now (what the timer does). */
  sweep(): Promise<SweepResult | undefined>;
  /** Clears the timer and waits for a sweep under way. */
  stop(): Promise<void>;
}

/**
 * Starts the local upload sweeper: once at start-up over every upload, then every `intervalMs`
 * over the recent periods of each form with a lease, so an upload whose event was lost (the
 * process was killed, or the event never came) reaches ingest without anyone noticing first.
 * A sweep that finds stalled uploads says so in the log. The timer does not keep the process alive.
 */
export function startLocalUploadSweeper(options: LocalUploadSweeperOptions): LocalUploadSweeper {
  const deps = { ...options, forms: currentForms(options.forms), requeue: requeueToLocalQueue(options.queue, options.bucketName) };
  let stopped = false;
  let current: Promise<SweepResult | undefined> = Promise.resolve(undefined);
  const run = (input: SweepStalledUploadsInput) => {
    current = current.then(async () => {
      if (stopped) return undefined;
      try {
        const result = await sweepStalledUploads(deps, input);
        if (result.stalled > 0) {
          options.log.warn('uploads without a final status were sent to ingest again', { stalled: result.stalled, requeued: result.requeued, oldestPendingSeconds: result.oldestPendingSeconds, keys: result.keys });
        }
        return result;
      } catch (err) {
        options.log.error('upload sweep failed', { error: err as Error });
        return undefined;
      }
    });
    return current;
  };
  const started = run({ leaseMs: 0, scope: 'all' });
  const periodic = () => run({ ...RECENT_UPLOADS, leaseMs: options.leaseMs ?? 60_000 });
  const timer = setInterval(() => void periodic(), options.intervalMs ?? 60_000);
  timer.unref();
  return {
    started,
    sweep: periodic,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
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
