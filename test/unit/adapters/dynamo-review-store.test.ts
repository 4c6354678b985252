/** DynamoReviewStore at the SDK boundary: each review or lock change is one conditional put on what was read. */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoReviewStore } from '../../../functions/adapters/dynamo-review-store';
import type { ReviewRecord } from '../../../functions/core/review/model';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-southeast-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
const store = new DynamoReviewStore({ client, tableName: 'tbl' });
const record: ReviewRecord = { formId: 'sap-xep-bo-may', period: '2026-Q1', unitCode: 'SO-NV', uploadId: 'mmx0a1b2c-abcdefghij', state: 'tra-lai', comment: 'Sửa mã số 07.', actor: 'lan', at: '2026-03-19T02:00:00.000Z', rev: 2 };

beforeEach(() => ddb.reset());

describe('DynamoReviewStore', () => {
  describe('put', () => {
    it('writes the review only if the stored one still has the revision, upload and state read', async () => {
      ddb.on(PutCommand).resolves({});
      await store.put(record, { rev: 1, uploadId: 'mmx0a1b2c-abcdefghij', state: 'cho-duyet' });
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: 'tbl',
        Item: { pk: 'REVIEW#sap-xep-bo-may#2026-Q1', sk: 'UNIT#SO-NV', ...record },
        ConditionExpression: '#rev = :rev AND uploadId = :uploadId AND #state = :state',
        ExpressionAttributeValues: { ':rev': 1, ':uploadId': 'mmx0a1b2c-abcdefghij', ':state': 'cho-duyet' },
      });
    });

    it('writes a first review only if there is none, and turns a lost race into REVIEW_CONFLICT (409)', async () => {
      ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
      await expect(store.put({ ...record, rev: 1 }, undefined)).rejects.toMatchObject({ statusCode: 409, code: 'REVIEW_CONFLICT' });
      expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' });
    });
  });

  describe('getLockState', () => {
    it('reads the lock and its exceptions in one consistent query of the period\'s partition', async () => {
      ddb.on(QueryCommand).resolves({
        Items: [
          { pk: 'LOCK#f#2026-Q1', sk: 'EXC#SO-NV', formId: 'f', period: '2026-Q1', unitCode: 'SO-NV', until: '2026-03-25T16:59:00.000Z', reason: 'Bổ sung', actor: 'lan', at: '2026-03-20T03:00:00.000Z' },
          { pk: 'LOCK#f#2026-Q1', sk: 'LOCK', formId: 'f', period: '2026-Q1', locked: true, actor: 'lan', at: '2026-03-20T02:00:00.000Z', rev: 1 },
        ],
      });
      const state = await store.getLockState('f', '2026-Q1');
      expect(ddb).toHaveReceivedCommandWith(QueryCommand, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'LOCK#f#2026-Q1' }, ConsistentRead: true });
      expect(state.lock).toEqual({ formId: 'f', period: '2026-Q1', locked: true, actor: 'lan', at: '2026-03-20T02:00:00.000Z', rev: 1 });
      expect(state.exceptions.map((e) => [e.unitCode, e.until])).toEqual([['SO-NV', '2026-03-25T16:59:00.000Z']]);
    });
  });
});
