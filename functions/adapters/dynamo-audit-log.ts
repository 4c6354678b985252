/**
 * `AuditLog` on DynamoDB, append-only: pk `AUDIT#<yyyy-mm-dd>` (the UTC day of the entry),
 * sk `<at ISO>#<random>`, written with a conditional put (`attribute_not_exists(pk)`) and never
 * updated or deleted by the code. A day per partition keeps a busy deadline week far under a
 * partition's limits, and a time range is one Query per day, newest first.
 * See functions/adapters/README.md.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../core/operators/model';
import type { AuditLog } from '../core/ports';

/** Longest range `list` reads (one Query per day); a longer one is cut to its latest days. */
export const AUDIT_MAX_DAYS = 366;
/** `before`/`after` larger than this (JSON) are replaced by a note: the log is for who/what/when, not for payloads. */
const MAX_DETAIL_CHARS = 4_000;
const DAY_MS = 86_400_000;

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

function bounded(detail: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (detail === undefined) return undefined;
  return JSON.stringify(detail).length > MAX_DETAIL_CHARS ? { truncated: true } : detail;
}

export class DynamoAuditLog implements AuditLog {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async record(entry: AuditEntry): Promise<void> {
    const at = new Date(entry.at);
    const before = bounded(entry.before);
    const after = bounded(entry.after);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `AUDIT#${dayOf(at)}`,
          sk: `${at.toISOString()}#${randomBytes(6).toString('hex')}`,
          at: at.toISOString(),
          actor: entry.actor.slice(0, 300),
          action: entry.action.slice(0, 100),
          target: entry.target.slice(0, 300),
          ...(before ? { before } : {}),
          ...(after ? { after } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async list(query: { from: Date; to: Date; limit: number }): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    // Newest first: a range longer than AUDIT_MAX_DAYS keeps its latest days.
    const last = Date.parse(dayOf(new Date(query.to.getTime() - 1)));
    const first = Math.max(Date.parse(dayOf(query.from)), last - (AUDIT_MAX_DAYS - 1) * DAY_MS);
    for (let day = last; day >= first && out.length < query.limit; day -= DAY_MS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': `AUDIT#${dayOf(new Date(day))}`, ':from': query.from.toISOString(), ':to': `${query.to.toISOString()}` },
            ScanIndexForward: false,
            Limit: query.limit - out.length,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (item.at >= query.to.toISOString()) continue;
          out.push({
            at: String(item.at),
            actor: String(item.actor),
            action: String(item.action),
            target: String(item.target),
            ...(item.before ? { before: item.before as Record<string, unknown> } : {}),
            ...(item.after ? { after: item.after as Record<string, unknown> } : {}),
          });
        }
        startKey = out.length < query.limit ? page.LastEvaluatedKey : undefined;
      } while (startKey);
    }
    return out.slice(0, query.limit);
  }
}
