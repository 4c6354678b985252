/**
 * `UnitRepository` on DynamoDB: the unit registry (đơn vị báo cáo) in the single table.
 *
 * Item: pk `UNIT`, sk `UNIT#<code>`, plus code, name, type, emails, active, keyVersion.
 * One partition holds the whole registry (~50 items, a few KB), so `list` is a single Query
 * in code order and never a Scan. `putMany` batches 25 puts per BatchWriteItem and retries
 * unprocessed items with backoff; `bumpKeyVersion` is an atomic `ADD`, so two revocations
 * never collapse into one. The console's `add` and `update` are single conditional writes
 * (PutItem / UpdateItem, no batch: the api function may not write in bulk).
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, InvalidInputError, NotFoundError } from '../core/errors';
import type { Unit } from '../core/model';
import { UNIT_TYPE_CODE_PATTERN } from '../core/units/unit-types';
import type { UnitDetails, UnitRepository } from '../core/ports';
import { isConditionalCheckFailed } from './dynamo-conditions';

export interface DynamoUnitRepositoryOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Retries of unprocessed batch items before giving up (default 8). */
  maxBatchRetries?: number;
  /** Backoff base in ms (default 50; doubled per retry). */
  backoffMs?: number;
}

const UNIT_PK = 'UNIT';
const unitKey = (code: string) => ({ pk: UNIT_PK, sk: `UNIT#${code}` });
const BATCH_SIZE = 25;

interface UnitItem extends Unit {
  pk: string;
  sk: string;
}

function toUnit(item: Record<string, unknown>): Unit {
  const i = item as Partial<UnitItem>;
  return {
    code: String(i.code),
    name: String(i.name),
    type: i.type as Unit['type'],
    emails: Array.isArray(i.emails) ? i.emails.map(String) : [],
    active: i.active !== false,
    keyVersion: typeof i.keyVersion === 'number' ? i.keyVersion : 1,
  };
}

/** Refuses a structurally broken unit before anything is written (callers validate user input first). */
function assertStorable(unit: Unit): void {
  const ok =
    typeof unit.code === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(unit.code) &&
    typeof unit.name === 'string' && unit.name.trim() !== '' &&
    typeof unit.type === 'string' &&
    UNIT_TYPE_CODE_PATTERN.test(unit.type) &&
    Array.isArray(unit.emails) && Number.isInteger(unit.keyVersion) && unit.keyVersion >= 1;
  if (!ok) throw new InvalidInputError('UNIT_INVALID', `Đơn vị "${String(unit.code)}" không hợp lệ, không ghi đơn vị nào.`);
}

/**
 * The condition "still exactly `expected`". The emails list is compared element by element with
 * its size (list equality is not compared by every DynamoDB implementation: the embedded one
 * refuses it). Units stored before a field existed read as active with no emails (`toUnit`): the
 * condition accepts the attribute's absence for those values.
 */
function sameDetailsCondition(expected: UnitDetails): { expression: string; values: Record<string, unknown> } {
  const emails = expected.emails.length === 0
    ? ['(size(emails) = :pcount OR attribute_not_exists(emails))']
    : ['size(emails) = :pcount', ...expected.emails.map((_, i) => `emails[${i}] = :pe${i}`)];
  return {
    expression: [
      'attribute_exists(pk)',
      '#name = :pn',
      '#type = :pt',
      ...emails,
      expected.active ? '(active = :pa OR attribute_not_exists(active))' : 'active = :pa',
    ].join(' AND '),
    values: { ':pn': expected.name, ':pt': expected.type, ':pcount': expected.emails.length, ':pa': expected.active, ...Object.fromEntries(expected.emails.map((e, i) => [`:pe${i}`, e])) },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DynamoUnitRepository implements UnitRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly maxBatchRetries: number;
  private readonly backoffMs: number;

  constructor(options: DynamoUnitRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxBatchRetries = options.maxBatchRetries ?? 8;
    this.backoffMs = options.backoffMs ?? 50;
  }

  async list(options: { includeInactive?: boolean } = {}): Promise<Unit[]> {
    const units: Unit[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': UNIT_PK, ':prefix': 'UNIT#' },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of out.Items ?? []) units.push(toUnit(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return options.includeInactive ? units : units.filter((u) => u.active);
  }

  async get(code: string): Promise<Unit | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: unitKey(code), ConsistentRead: true }));
    return out.Item ? toUnit(out.Item) : undefined;
  }

  async putMany(units: Unit[]): Promise<void> {
    units.forEach(assertStorable);
    for (let i = 0; i < units.length; i += BATCH_SIZE) {
      const requests = units.slice(i, i + BATCH_SIZE).map((u) => ({
        PutRequest: {
          Item: { ...unitKey(u.code), code: u.code, name: u.name, type: u.type, emails: u.emails, active: u.active, keyVersion: u.keyVersion },
        },
      }));
      await this.writeBatch(requests);
    }
  }

  private async writeBatch(requests: Array<{ PutRequest: { Item: Record<string, unknown> } }>): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > this.maxBatchRetries) {
        throw new Error(`BatchWriteItem left ${pending.length} unit(s) unprocessed after ${this.maxBatchRetries} retries`);
      }
      if (attempt > 0) await sleep(this.backoffMs * 2 ** (attempt - 1));
      const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }

  async bumpKeyVersion(code: string): Promise<number> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: unitKey(code),
          UpdateExpression: 'ADD keyVersion :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.keyVersion);
    } catch (err) {
      if (isConditionalCheckFailed(err)) {
        throw new NotFoundError('UNIT_NOT_FOUND', `Không có đơn vị mã "${code}".`, err);
      }
      throw err;
    }
  }

  async add(unit: Unit): Promise<void> {
    assertStorable(unit);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...unitKey(unit.code), code: unit.code, name: unit.name, type: unit.type, emails: unit.emails, active: unit.active, keyVersion: unit.keyVersion },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ConflictError('UNIT_EXISTS', `Đã có đơn vị mã "${unit.code}".`, err);
      throw err;
    }
  }

  async update(unit: Omit<Unit, 'keyVersion'>, expected: UnitDetails): Promise<void> {
    assertStorable({ ...unit, keyVersion: 1 });
    const condition = sameDetailsCondition(expected);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: unitKey(unit.code),
          UpdateExpression: 'SET #name = :name, #type = :type, emails = :emails, active = :active',
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: { '#name': 'name', '#type': 'type' },
          ExpressionAttributeValues: { ':name': unit.name, ':type': unit.type, ':emails': unit.emails, ':active': unit.active, ...condition.values },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      if (!(await this.get(unit.code))) throw new NotFoundError('UNIT_NOT_FOUND', `Không có đơn vị mã "${unit.code}".`, err);
      throw new ConflictError('UNIT_CHANGED', `Đơn vị "${unit.code}" vừa được thay đổi bởi người khác.`, err);
    }
  }
}
