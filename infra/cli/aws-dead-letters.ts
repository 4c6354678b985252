/**
 * The deployed ingest dead-letter queue, read by `tonghop submissions list` on the AWS target
 * (the local runtime keeps its dead letters as files in the data dir instead). The queue URL is
 * the stack's `DeadLetterQueueUrl` output, given as TONGHOP_DLQ_URL.
 *
 * Reading is a peek: ReceiveMessage with a visibility timeout of 0 leaves every message visible
 * and in the queue (nothing is deleted), so the operator can still redrive them
 * (`aws sqs start-message-move-task`) after looking.
 */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '../../functions/core/errors';
import { INGEST_MAX_RECEIVE_COUNT } from '../../functions/core/storage-layout';
import { uploadsInMessage } from '../../functions/handlers/ingest';
import type { DeadLetter } from '../local/ingest-queue';

/** How many ReceiveMessage calls one listing makes at most (10 messages each; SQS samples servers, so a few rounds find them all). */
const MAX_ROUNDS = 20;
/** Rounds in a row that find nothing new before the listing stops. */
const EMPTY_ROUNDS_TO_STOP = 2;

/** The dead-letter queue's URL from the environment, or a ConfigError naming the variable and the stack output. */
export function deadLetterQueueUrl(env: Record<string, string | undefined>): string {
  const url = env.TONGHOP_DLQ_URL;
  if (!url || !/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]+$/.test(url)) {
    throw new ConfigError('Cần TONGHOP_DLQ_URL (đầu ra DeadLetterQueueUrl của stack) để xem hàng đợi lỗi trên AWS.');
  }
  return url;
}

/**
 * Every message in the dead-letter queue, as the local dead letters are shown: the upload keys
 * its S3 notification names, when it was first queued and how many receives it failed.
 */
export async function listQueueDeadLetters(client: SQSClient, queueUrl: string): Promise<DeadLetter[]> {
  const found = new Map<string, DeadLetter>();
  let emptyRounds = 0;
  for (let round = 0; round < MAX_ROUNDS && emptyRounds < EMPTY_ROUNDS_TO_STOP; round++) {
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['SentTimestamp'] }),
    );
    const fresh = (out.Messages ?? []).filter((m) => m.MessageId && !found.has(m.MessageId));
    emptyRounds = fresh.length === 0 ? emptyRounds + 1 : 0;
    for (const m of fresh) found.set(m.MessageId!, toDeadLetter(m.MessageId!, m.Body ?? '', m.Attributes?.SentTimestamp));
  }
  return [...found.values()].sort((a, b) => a.failedAt.localeCompare(b.failedAt));
}

function toDeadLetter(messageId: string, body: string, sentTimestamp: string | undefined): DeadLetter {
  let keys: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
    keys = uploadsInMessage(body).map((u) => u.bucketKey);
  } catch {
    // Not an S3 notification: listed with no key, as an unreadable local dead letter is.
  }
  return {
    file: `sqs:${messageId}`,
    // SQS keeps the time the message was first queued when it moves it to the dead-letter queue.
    failedAt: sentTimestamp ? new Date(Number(sentTimestamp)).toISOString() : '',
    receives: INGEST_MAX_RECEIVE_COUNT,
    keys,
    reason: 'xử lý thất bại sau mọi lần thử (xem nhật ký hàm ingest)',
    body: parsed,
  };
}

/** The dead letters of the deployed stack named by the environment (TONGHOP_DLQ_URL, AWS_REGION). */
export async function listAwsDeadLetters(env: Record<string, string | undefined>, client?: SQSClient): Promise<DeadLetter[]> {
  const queueUrl = deadLetterQueueUrl(env);
  const sqs = client ?? new SQSClient({ region: env.AWS_REGION ?? queueUrl.split('.')[1] });
  try {
    return await listQueueDeadLetters(sqs, queueUrl);
  } finally {
    if (!client) sqs.destroy();
  }
}
