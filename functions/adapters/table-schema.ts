/**
 * The single DynamoDB table's key schema, shared by the CDK stack, the embedded runtime's
 * create-table and the repositories so they cannot drift. Item types and access patterns are
 * documented in functions/adapters/README.md.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** (form, period) → submissions, sorted by unit then upload order. */
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** unit → submissions, sorted by upload order. */
  gsi2: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Optional expiry attribute (epoch seconds) for short-lived items. */
  ttlAttribute: 'ttl',
} as const;

/** CreateTable input for the embedded emulator (on-demand, both GSIs projecting all attributes). */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, gsi1, gsi2 } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [partitionKey, sortKey, gsi1.partitionKey, gsi1.sortKey, gsi2.partitionKey, gsi2.sortKey].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [gsi1, gsi2].map((g) => ({
      IndexName: g.name,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

/** The partition of the published forms' index (one item per version, one per retired form): see dynamo-s3-form-store.ts. */
export const FORM_PARTITION = 'FORM';
