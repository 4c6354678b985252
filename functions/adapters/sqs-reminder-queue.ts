/**
 * `ReminderQueue` on SQS: one message per unit (`UnitReminder` as JSON), sent ten at a time with
 * SendMessageBatch (SQS's batch limit), a few batches in parallel, so the daily run queues 10,000
 * units in seconds. Entries SQS refuses in a batch are sent once more; any still refused make the
 * call throw (the scheduled run is retried, and the worker's once-ledger makes a reminder queued
 * twice go out once).
 */
import { SendMessageBatchCommand, type SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { ReminderDelivery, ReminderQueue, UnitReminder } from '../core/ports';

/** SQS's limit of entries per SendMessageBatch. */
export const SQS_BATCH_LIMIT = 10;

export interface SqsReminderQueueOptions {
  client: SQSClient;
  queueUrl: string;
  /** Batches in flight at once (default 4). */
  parallelBatches?: number;
}

export class SqsReminderQueue implements ReminderQueue {
  constructor(private readonly options: SqsReminderQueueOptions) {}

  async enqueue(reminders: UnitReminder[]): Promise<ReminderDelivery[]> {
    const batches: SendMessageBatchRequestEntry[][] = [];
    reminders.forEach((reminder, i) => {
      if (i % SQS_BATCH_LIMIT === 0) batches.push([]);
      batches.at(-1)!.push({ Id: String(i), MessageBody: JSON.stringify(reminder) });
    });
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.sendBatch(batches[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.parallelBatches ?? 4, batches.length) }, worker));
    return reminders.map(() => 'queued');
  }

  private async sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 0; attempt < 2 && pending.length > 0; attempt += 1) {
      const out = await this.options.client.send(new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: pending }));
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      pending = pending.filter((e) => failed.has(e.Id));
    }
    if (pending.length > 0) throw new Error(`SQS refused ${pending.length} reminder message(s) twice`);
  }
}
