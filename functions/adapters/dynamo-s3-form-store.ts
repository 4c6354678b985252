/**
 * `FormDefinitionStore` over S3 (bodies) and DynamoDB (the index):
 * - body: `forms/<formId>/v<version>.json`, the canonical JSON of the checked definition;
 * - version: pk `FORM`, sk `VERSION#<formId>#<version, 6 digits>` (id, version, sha256,
 *   effectiveFrom, publishedAt, publishedBy, the body's key and object version);
 * - retirement: pk `FORM`, sk `RETIRED#<formId>` (retiredAt, retiredBy).
 * The whole index is one partition, read with one consistent Query (a province has tens of
 * forms, not thousands). Writes are conditional (`attribute_not_exists`): no version is ever
 * overwritten, and the body is written before its index entry, so readers trust only the index.
 * See functions/adapters/README.md.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFINITION_LIMITS } from '../core/forms/check-definition';
import { formBodyKey } from '../core/storage-layout';
import type { FormDefinitionStore, FormRetirement, ObjectStore, PublishedFormVersion } from '../core/ports';
import { isConditionalCheckFailed } from './dynamo-conditions';
import { FORM_PARTITION } from './table-schema';

const versionKey = (formId: string, version: number) => `VERSION#${formId}#${String(version).padStart(6, '0')}`;
const retiredKey = (formId: string) => `RETIRED#${formId}`;
/** A stored body is read up to this size (a definition is at most `DEFINITION_LIMITS.maxBytes` as written; canonical JSON is compact). */
const MAX_BODY_BYTES = 4 * DEFINITION_LIMITS.maxBytes;

export interface DynamoS3FormStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The bucket's objects (`S3ObjectStore`). */
  objects: ObjectStore;
}

function toVersion(item: Record<string, unknown>): PublishedFormVersion {
  return {
    formId: String(item.formId),
    version: Number(item.version),
    sha256: String(item.sha256),
    ...(typeof item.effectiveFrom === 'string' ? { effectiveFrom: item.effectiveFrom } : {}),
    publishedAt: String(item.publishedAt),
    publishedBy: String(item.publishedBy),
    ...(typeof item.bodyVersionId === 'string' ? { bodyVersionId: item.bodyVersionId } : {}),
  };
}

export class DynamoS3FormStore implements FormDefinitionStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly objects: ObjectStore;
  constructor(options: DynamoS3FormStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.objects = options.objects;
  }

  async readIndex(): Promise<{ versions: PublishedFormVersion[]; retirements: FormRetirement[] }> {
    const versions: PublishedFormVersion[] = [];
    const retirements: FormRetirement[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': FORM_PARTITION }, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of out.Items ?? []) {
        const sk = String(item.sk);
        if (sk.startsWith('VERSION#')) versions.push(toVersion(item));
        else if (sk.startsWith('RETIRED#')) retirements.push({ formId: String(item.formId), retiredAt: String(item.retiredAt), retiredBy: String(item.retiredBy) });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return { versions, retirements };
  }

  async getVersion(formId: string, version: number): Promise<PublishedFormVersion | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: FORM_PARTITION, sk: versionKey(formId, version) }, ConsistentRead: true }));
    return out.Item ? toVersion(out.Item) : undefined;
  }

  async readBody(entry: PublishedFormVersion): Promise<string | undefined> {
    const body = await this.objects.get(formBodyKey(entry.formId, entry.version), { maxBytes: MAX_BODY_BYTES, versionId: entry.bodyVersionId });
    return body?.toString('utf8');
  }

  async writeBody(formId: string, version: number, body: string): Promise<{ versionId?: string }> {
    const out = await this.objects.put(formBodyKey(formId, version), body, { contentType: 'application/json; charset=utf-8' });
    return out.versionId && out.versionId !== 'null' ? { versionId: out.versionId } : {};
  }

  async putVersion(entry: PublishedFormVersion): Promise<boolean> {
    return this.putIfAbsent({ pk: FORM_PARTITION, sk: versionKey(entry.formId, entry.version), type: 'formVersion', ...entry, bodyKey: formBodyKey(entry.formId, entry.version) });
  }

  async retire(retirement: FormRetirement): Promise<boolean> {
    return this.putIfAbsent({ pk: FORM_PARTITION, sk: retiredKey(retirement.formId), type: 'formRetirement', ...retirement });
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}
