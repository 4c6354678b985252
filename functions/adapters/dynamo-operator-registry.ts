/**
 * `OperatorRegistry` on DynamoDB: pk `OPERATOR`, sk `OPERATOR#<email>` (one partition, like the
 * unit registry: a few dozen items). `add` and `deactivate` are conditional puts/updates, so two
 * CLI runs cannot both create the same address or overwrite each other's change.
 * See functions/adapters/README.md.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../core/errors';
import type { Operator } from '../core/operators/model';
import type { OperatorRegistry } from '../core/ports';
import { isConditionalCheckFailed } from './dynamo-conditions';

const PK = 'OPERATOR';
const key = (email: string) => ({ pk: PK, sk: `OPERATOR#${email}` });


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
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async list(): Promise<Operator[]> {
    const out: Operator[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.options.client.send(
        new QueryCommand({ TableName: this.options.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PK }, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      out.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out.sort((a, b) => a.email.localeCompare(b.email));
  }

  async get(email: string): Promise<Operator | undefined> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: key(email), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async add(operator: Operator): Promise<Operator> {
    const existing = await this.get(operator.email);
    // Reactivating keeps the first createdAt; the condition still refuses an active entry.
    const stored = { ...operator, createdAt: existing?.createdAt ?? operator.createdAt };
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { ...key(operator.email), ...stored },
          ConditionExpression: 'attribute_not_exists(pk) OR active = :false',
          ExpressionAttributeValues: { ':false': false },
        }),
      );
      return stored;
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ConflictError('OPERATOR_EXISTS', 'Đã có cán bộ đang hoạt động với địa chỉ email này.', err);
      throw err;
    }
  }

  async deactivate(email: string, expected: Pick<Operator, 'updatedAt'>, at: string): Promise<Operator> {
    try {
      const { Attributes } = await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: key(email),
          UpdateExpression: 'SET active = :false, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND updatedAt = :expected',
          ExpressionAttributeValues: { ':false': false, ':at': at, ':expected': expected.updatedAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(Attributes ?? {});
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ConflictError('OPERATOR_CHANGED', 'Thông tin cán bộ vừa bị thay đổi ở nơi khác. Vui lòng thử lại.', err);
      throw err;
    }
  }
}
