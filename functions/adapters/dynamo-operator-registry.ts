/**
 * `OperatorRegistry` on DynamoDB: pk `OPERATOR`, sk `OPERATOR#<email>` (one partition, like the
 * unit registry: a few dozen items). `add` and `deactivate` are conditional puts/updates, so two
 * CLI runs cannot both create the same address or overwrite each other's change.
 *
 * "At least one active admin" without transactions: a guard item (pk `OPERATOR`, sk `#ADMINS`)
 * counts active admins. Deactivating an admin first takes one off the count with `n > 1` as the
 * condition (so of two admins removing each other at once, one is refused), then deactivates;
 * adding an admin writes the operator, then adds one. A crash between the two writes leaves the
 * count low, never high: at worst a later removal is refused, never the last admin removed.
 * See functions/adapters/README.md.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../core/errors';
import type { Operator } from '../core/operators/model';
import type { OperatorRegistry } from '../core/ports';
import { isConditionalCheckFailed } from './dynamo-conditions';

const PK = 'OPERATOR';
const key = (email: string) => ({ pk: PK, sk: `OPERATOR#${email}` });
const ADMINS_KEY = { pk: PK, sk: '#ADMINS' };

const lastAdmin = (cause?: unknown) =>
  new ConflictError('LAST_ADMIN', 'Không thể gỡ quản trị viên cuối cùng: thêm một quản trị viên khác trước (npx tonghop operators add --role admin).', cause);


function fromItem(item: Record<string, unknown>): Operator {
  return {
    email: String(item.email),
    name: String(item.name),
    role: item.role as Operator['role'],
    active: item.active === true,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

export class DynamoOperatorRegistry implements OperatorRegistry {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async list(): Promise<Operator[]> {
    const out: Operator[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :op)',
          ExpressionAttributeValues: { ':pk': PK, ':op': 'OPERATOR#' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out.sort((a, b) => a.email.localeCompare(b.email));
  }

  async get(email: string): Promise<Operator | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key(email), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async add(operator: Operator): Promise<Operator> {
    const existing = await this.get(operator.email);
    // Reactivating keeps the first createdAt; the condition still refuses an active entry.
    const stored = { ...operator, createdAt: existing?.createdAt ?? operator.createdAt };
    // The count exists before the new admin does, so creating it cannot count them twice.
    if (stored.role === 'admin') await this.ensureAdminCount();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(operator.email), ...stored },
          ConditionExpression: 'attribute_not_exists(pk) OR active = :false',
          ExpressionAttributeValues: { ':false': false },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ConflictError('OPERATOR_EXISTS', 'Đã có cán bộ đang hoạt động với địa chỉ email này.', err);
      throw err;
    }
    if (stored.role === 'admin') await this.countAdmins(1);
    return stored;
  }

  /** Adds `delta` to the active-admin count (which `ensureAdminCount` has created). */
  private async countAdmins(delta: number): Promise<void> {
    await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: ADMINS_KEY, UpdateExpression: 'ADD n :d', ExpressionAttributeValues: { ':d': delta } }));
  }

  /** Creates the count from the registry if it does not exist yet (a registry older than the count). */
  private async ensureAdminCount(): Promise<void> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: ADMINS_KEY, ConsistentRead: true }));
    if (Item) return;
    const n = (await this.list()).filter((o) => o.active && o.role === 'admin').length;
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...ADMINS_KEY, n }, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err; // someone else created it meanwhile
    }
  }

  async deactivate(email: string, expected: Pick<Operator, 'updatedAt'>, at: string): Promise<Operator> {
    const current = await this.get(email);
    const admin = current?.active === true && current.role === 'admin';
    if (admin) {
      await this.ensureAdminCount();
      try {
        await this.client.send(
          new UpdateCommand({ TableName: this.tableName, Key: ADMINS_KEY, UpdateExpression: 'ADD n :minus', ConditionExpression: 'n > :one', ExpressionAttributeValues: { ':minus': -1, ':one': 1 } }),
        );
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw lastAdmin(err);
        throw err;
      }
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(email),
          UpdateExpression: 'SET active = :false, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND updatedAt = :expected',
          ExpressionAttributeValues: { ':false': false, ':at': at, ':expected': expected.updatedAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(Attributes ?? {});
    } catch (err) {
      // Not deactivated: give back the admin taken off the count.
      if (admin) await this.countAdmins(1);
      if (isConditionalCheckFailed(err)) throw new ConflictError('OPERATOR_CHANGED', 'Thông tin cán bộ vừa bị thay đổi ở nơi khác. Vui lòng thử lại.', err);
      throw err;
    }
  }
}
