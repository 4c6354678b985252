/**
 * `UnitTypeStore` on DynamoDB: the deployment's unit types as one item, pk `CONFIG#unit-types`,
 * sk `CONFIG`, with `types` (a list of { code, name, plural, order, legacy? }), `revision` and
 * `updatedAt`. At most 50 types of a few hundred bytes each: far under the item size limit, and
 * read in one consistent GetItem. Every write replaces the whole list on the condition that the
 * revision is still the one read (or that no item exists yet), so two changes at once cannot
 * lose one of them.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../core/errors';
import type { SavedUnitTypes, UnitTypeStore } from '../core/ports';
import { parseUnitTypes, type UnitTypeInfo } from '../core/units/unit-types';
import { isConditionalCheckFailed } from './dynamo-conditions';

export interface DynamoUnitTypeStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** The item's key (also named in the stack's key prefixes: `CONFIG#`). */
export const UNIT_TYPES_KEY = { pk: 'CONFIG#unit-types', sk: 'CONFIG' } as const;

export class DynamoUnitTypeStore implements UnitTypeStore {
  constructor(private readonly options: DynamoUnitTypeStoreOptions) {}

  async read(): Promise<SavedUnitTypes | undefined> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: UNIT_TYPES_KEY, ConsistentRead: true }));
    if (!Item) return undefined;
    // Checked on read too: the item may have been edited by hand.
    const types = parseUnitTypes(Item.types);
    return { types, revision: Number(Item.revision) || 1, ...(typeof Item.updatedAt === 'string' ? { updatedAt: Item.updatedAt } : {}) };
  }

  async write(types: UnitTypeInfo[], expectedRevision: number, at: string): Promise<number> {
    const checked = parseUnitTypes(types);
    const revision = expectedRevision + 1;
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { ...UNIT_TYPES_KEY, types: checked, revision, updatedAt: at },
          ...(expectedRevision === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#rev = :expected', ExpressionAttributeNames: { '#rev': 'revision' }, ExpressionAttributeValues: { ':expected': expectedRevision } }),
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ConflictError('UNIT_TYPES_CHANGED', 'Danh sách loại đơn vị vừa được người khác thay đổi. Chưa lưu: hãy xem lại danh sách (npx tonghop unit-types list) rồi làm lại.', err);
      throw err;
    }
    return revision;
  }
}
