/**
 * `OnceLedger` on DynamoDB: one item per claimed key, written with a conditional put
 * (`attribute_not_exists(pk)`), so exactly one caller wins a claim even when several Lambdas
 * race (real DynamoDB and dynalite alike: no transactions needed).
 *
 * Item: pk `ONCE#<key>`, sk `ONCE`, gsi1pk `ONCE`, gsi1sk `<key>` (so `list(prefix)` is one
 * Query with `begins_with` on gsi1, not a Scan). Claims are few (one per email, reminder, …),
 * so the single gsi1 partition is nowhere near DynamoDB's per-partition limits.
 * See functions/adapters/README.md.
 */
import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, OnceLedger } from '../core/ports';
import { systemClock } from '../core/ports';
import { TABLE_KEYS } from './table-schema';
import { isConditionalCheckFailed } from './dynamo-conditions';

export interface DynamoOnceLedgerOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  clock?: Clock;
}

const onceKey = (key: string) => ({ pk: `ONCE#${key}`, sk: 'ONCE' });

/** A claim made at most once per key, across all Lambdas and the local runtime. */
export class DynamoOnceLedger implements OnceLedger {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor(options: DynamoOnceLedgerOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.clock = options.clock ?? systemClock;
  }

  /** True if this call claimed `key`; false when someone already holds it. */
  async claim(key: string, attributes: Record<string, string | number> = {}): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...onceKey(key), gsi1pk: 'ONCE', gsi1sk: key, key, claimedAt: this.clock.now().toISOString(), attributes },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /** Deletes the claim so a retry can make it again (idempotent). */
  async release(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: onceKey(key) }));
  }

  /** Every claim whose key starts with `prefix`, newest first. */
  async list(prefix: string): Promise<Array<{ key: string; claimedAt: string; attributes: Record<string, string | number> }>> {
    const out: Array<{ key: string; claimedAt: string; attributes: Record<string, string | number> }> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE_KEYS.gsi1.name,
          // DynamoDB refuses an empty key value, so an empty prefix lists the whole partition.
          KeyConditionExpression: prefix ? 'gsi1pk = :p AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :p',
          ExpressionAttributeValues: prefix ? { ':p': 'ONCE', ':prefix': prefix } : { ':p': 'ONCE' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({ key: String(item.key), claimedAt: String(item.claimedAt), attributes: (item.attributes ?? {}) as Record<string, string | number> });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out.sort((a, b) => b.claimedAt.localeCompare(a.claimedAt));
  }
}
