/**
 * `ReviewStore` and `PeriodLockStore` on DynamoDB (two narrow ports, one table):
 * - review: pk `REVIEW#<formId>#<period>`, sk `UNIT#<unitCode>`; a (form, period)'s reviews are
 *   one Query. Every write is a conditional put on the revision, upload and state it read.
 * - lock: pk `LOCK#<formId>#<period>`, sk `LOCK`; exception: same pk, sk `EXC#<unitCode>`; the
 *   lock and its exceptions are one Query (what create-upload and ingest read).
 * No transactions (dynalite has none): each transition is one single-item conditional write.
 * See functions/adapters/README.md.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PeriodLockStore, ReviewExpectation, ReviewStore } from '../core/ports';
import { lockConflict, reviewConflict, type LockException, type PeriodLockRecord, type PeriodLockState, type ReviewRecord, type ReviewState } from '../core/review/model';
import { isConditionalCheckFailed } from './dynamo-conditions';

export const reviewPartition = (formId: string, period: string) => `REVIEW#${formId}#${period}`;
export const lockPartition = (formId: string, period: string) => `LOCK#${formId}#${period}`;

export interface DynamoReviewStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

function toReview(item: Record<string, unknown>): ReviewRecord {
  return {
    formId: String(item.formId),
    period: String(item.period),
    unitCode: String(item.unitCode),
    uploadId: String(item.uploadId),
    state: item.state as ReviewState,
    ...(typeof item.comment === 'string' ? { comment: item.comment } : {}),
    actor: String(item.actor),
    at: String(item.at),
    rev: Number(item.rev),
    ...(Array.isArray(item.returns) ? { returns: (item.returns as Array<Record<string, unknown>>).map((r) => ({ uploadId: String(r.uploadId), comment: String(r.comment), at: String(r.at) })) } : {}),
  };
}

export class DynamoReviewStore implements ReviewStore, PeriodLockStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(options: DynamoReviewStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async get(formId: string, period: string, unitCode: string): Promise<ReviewRecord | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: reviewPartition(formId, period), sk: `UNIT#${unitCode}` }, ConsistentRead: true }));
    return out.Item ? toReview(out.Item) : undefined;
  }

  async listByFormPeriod(formId: string, period: string): Promise<ReviewRecord[]> {
    return (await this.queryAll(reviewPartition(formId, period), 'UNIT#')).map(toReview);
  }

  async put(next: ReviewRecord, expected: ReviewExpectation): Promise<void> {
    const item = { pk: reviewPartition(next.formId, next.period), sk: `UNIT#${next.unitCode}`, ...next };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(expected
            ? {
                ConditionExpression: '#rev = :rev AND uploadId = :uploadId AND #state = :state',
                ExpressionAttributeNames: { '#rev': 'rev', '#state': 'state' },
                ExpressionAttributeValues: { ':rev': expected.rev, ':uploadId': expected.uploadId, ':state': expected.state },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw reviewConflict(err);
      throw err;
    }
  }

  async getLockState(formId: string, period: string): Promise<PeriodLockState> {
    const items = await this.queryAll(lockPartition(formId, period));
    const lockItem = items.find((i) => i.sk === 'LOCK');
    const exceptions = items
      .filter((i) => typeof i.sk === 'string' && i.sk.startsWith('EXC#'))
      .map((i): LockException => ({
        formId: String(i.formId), period: String(i.period), unitCode: String(i.unitCode), until: String(i.until), reason: String(i.reason), actor: String(i.actor), at: String(i.at),
        ...(typeof i.endedAt === 'string' ? { endedAt: i.endedAt } : {}),
        ...(typeof i.endedBy === 'string' ? { endedBy: i.endedBy } : {}),
        ...(typeof i.endReason === 'string' ? { endReason: i.endReason } : {}),
      }));
    const lock: PeriodLockRecord | undefined = lockItem && {
      formId: String(lockItem.formId),
      period: String(lockItem.period),
      locked: lockItem.locked === true,
      actor: String(lockItem.actor),
      at: String(lockItem.at),
      ...(typeof lockItem.reason === 'string' ? { reason: lockItem.reason } : {}),
      rev: Number(lockItem.rev),
    };
    return { ...(lock ? { lock } : {}), exceptions };
  }

  async putLock(next: PeriodLockRecord, expectedRev: number | undefined): Promise<void> {
    await this.conditionalPut({ pk: lockPartition(next.formId, next.period), sk: 'LOCK', ...next }, expectedRev === undefined ? undefined : ['#rev = :v', { '#rev': 'rev' }, { ':v': expectedRev }]);
  }

  async putException(next: LockException, expectedAt: string | undefined): Promise<void> {
    await this.conditionalPut({ pk: lockPartition(next.formId, next.period), sk: `EXC#${next.unitCode}`, ...next }, expectedAt === undefined ? undefined : ['#at = :v', { '#at': 'at' }, { ':v': expectedAt }]);
  }

  private async conditionalPut(item: Record<string, unknown>, condition: [string, Record<string, string>, Record<string, unknown>] | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(condition
            ? { ConditionExpression: condition[0], ExpressionAttributeNames: condition[1], ExpressionAttributeValues: condition[2] }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw lockConflict(err);
      throw err;
    }
  }

  private async queryAll(pk: string, skPrefix?: string): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':sk': skPrefix } : {}) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}
