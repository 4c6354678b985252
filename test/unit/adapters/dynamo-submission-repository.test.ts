/**
 * DynamoSubmissionRepository at the SDK boundary: the commands (and their conditions) that make
 * ingest idempotent and ordered without transactions.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoSubmissionRepository, LATEST_POINTER_GUARD } from '../../../functions/adapters/dynamo-submission-repository';
import type { Submission } from '../../../functions/core/model';
import { FakeClock } from '../../support/in-memory';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-southeast-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
const repo = new DynamoSubmissionRepository({ client, tableName: 'tbl', clock: new FakeClock(new Date('2026-03-16T03:00:00Z')) });

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const sub: Submission = {
  uploadId: 'mf1a2b3c4-abcdefghij', unitCode: 'HU-01', formId: 'sap-xep-bo-may', period: '2026-Q1', status: 'accepted',
  s3Key: 'uploads/sap-xep-bo-may/2026-Q1/HU-01/mf1a2b3c4-abcdefghij.xlsx', receivedAt: '2026-03-16T02:00:00.000Z', late: true,
  errors: [], warnings: [{ code: 'W', severity: 'warning', message: 'Tăng sau sắp xếp' }],
};
const values = { fields: { '01.truoc': 12, '17.so_tien': 4_500_000_000 }, tables: {} };

beforeEach(() => ddb.reset());

describe('DynamoSubmissionRepository', () => {
  describe('createIfAbsent', () => {
    it('puts the record only if the upload id is new, indexed by form-period and by unit', async () => {
      ddb.on(PutCommand).resolves({});

      const out = await repo.createIfAbsent({ ...sub, status: 'pending', version: 7 });

      expect(out.created).toBe(true);
      expect(out.submission.version).toBeUndefined();
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: 'tbl',
        ConditionExpression: 'attribute_not_exists(pk)',
        Item: expect.objectContaining({
          pk: 'SUB#mf1a2b3c4-abcdefghij', sk: 'SUB',
          gsi1pk: 'FP#sap-xep-bo-may#2026-Q1', gsi1sk: 'HU-01#2026-03-16T02:00:00.000Z#mf1a2b3c4-abcdefghij',
          gsi2pk: 'UNIT#HU-01', gsi2sk: '2026-03-16T02:00:00.000Z#mf1a2b3c4-abcdefghij',
        }),
      });
      const item = ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!;
      expect(item).not.toHaveProperty('version');
    });

    it('returns the stored record, not the caller’s, when the upload id exists', async () => {
      ddb.on(PutCommand).rejects(conditionFailed());
      ddb.on(GetCommand).resolves({ Item: { pk: 'SUB#x', sk: 'SUB', ...sub, status: 'rejected' } });

      const out = await repo.createIfAbsent({ ...sub, status: 'pending' });

      expect(out).toMatchObject({ created: false, submission: { status: 'rejected', uploadId: sub.uploadId } });
      expect(out.submission).not.toHaveProperty('pk');
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true, Key: { pk: `SUB#${sub.uploadId}`, sk: 'SUB' } });
    });
  });

  describe('advanceLatestAccepted', () => {
    it('moves the pointer only when it is absent or holds an earlier upload, copying the values, in one write', async () => {
      ddb.on(GetCommand, { Key: { pk: `SUB#${sub.uploadId}`, sk: 'VALUES' } }).resolves({ Item: { values } });
      ddb.on(PutCommand).resolves({});

      await expect(repo.advanceLatestAccepted(sub)).resolves.toBe(true);

      // The guard every province total relies on (the totals are summed from these pointers):
      // without it an older upload processed late, or a redelivered one, would replace the values that count.
      expect(LATEST_POINTER_GUARD).toBe('attribute_not_exists(pk) OR orderKey < :new');
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        ConditionExpression: 'attribute_not_exists(pk) OR orderKey < :new',
        ExpressionAttributeValues: { ':new': '2026-03-16T02:00:00.000Z#mf1a2b3c4-abcdefghij' },
        Item: expect.objectContaining({ pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: 'UNIT#HU-01', orderKey: '2026-03-16T02:00:00.000Z#mf1a2b3c4-abcdefghij', uploadId: sub.uploadId, values, late: true }),
      });
      expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
      expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    });

    it('makes no other call when the caller passes the values it just stored', async () => {
      ddb.on(PutCommand).resolves({});

      await repo.advanceLatestAccepted(sub, values);

      expect(ddb.calls()).toHaveLength(1);
      expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ sk: 'UNIT#HU-01', values }) });
    });

    it('reports no move, and writes nothing else, when the guard refuses (a later upload, or this one redelivered)', async () => {
      ddb.on(PutCommand).rejects(conditionFailed());

      await expect(repo.advanceLatestAccepted(sub, values)).resolves.toBe(false);

      expect(ddb.calls()).toHaveLength(1);
    });

    it('passes any other failure on, so the queue retries the upload', async () => {
      ddb.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));

      await expect(repo.advanceLatestAccepted(sub, values)).rejects.toThrow('ProvisionedThroughputExceeded');
    });
  });

  describe('getLatestAccepted', () => {
    it('reads the unit’s pointer, with its values, in one consistent GetItem', async () => {
      ddb.on(GetCommand).resolves({ Item: { pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: 'UNIT#HU-01', unitCode: 'HU-01', uploadId: sub.uploadId, receivedAt: sub.receivedAt, late: true, values, warnings: [] } });

      await expect(repo.getLatestAccepted('sap-xep-bo-may', '2026-Q1', 'HU-01')).resolves.toEqual({ unitCode: 'HU-01', uploadId: sub.uploadId, receivedAt: sub.receivedAt, late: true, values, warnings: [] });

      expect(ddb.calls()).toHaveLength(1);
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true, Key: { pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: 'UNIT#HU-01' } });
    });
  });

  describe('listByFormPeriod', () => {
    it('follows pagination and numbers versions per unit by upload order', async () => {
      const item = (unitCode: string, receivedAt: string, uploadId: string) => ({ ...sub, unitCode, receivedAt, uploadId });
      ddb
        .on(QueryCommand)
        .resolvesOnce({ Items: [item('A', '2026-03-02T00:00:00.000Z', 'b'), item('B', '2026-03-01T00:00:00.000Z', 'c')], LastEvaluatedKey: { pk: 'x' } })
        .resolvesOnce({ Items: [item('A', '2026-03-01T00:00:00.000Z', 'a')] });

      const list = await repo.listByFormPeriod('sap-xep-bo-may', '2026-Q1');

      expect(list.map((s) => [s.unitCode, s.uploadId, s.version])).toEqual([['A', 'a', 1], ['B', 'c', 1], ['A', 'b', 2]]);
      expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 2);
      expect(ddb).toHaveReceivedNthSpecificCommandWith(2, QueryCommand, { ExclusiveStartKey: { pk: 'x' }, IndexName: 'gsi1' });
    });
  });

  describe('listSummariesByFormPeriod', () => {
    it('reads the period in one projected Query without the errors lists, numbering versions', async () => {
      ddb.on(QueryCommand).resolves({
        Items: [
          { uploadId: 'b', unitCode: 'A', formId: 'sap-xep-bo-may', period: '2026-Q1', status: 'rejected', receivedAt: '2026-03-02T00:00:00.000Z' },
          { uploadId: 'a', unitCode: 'A', formId: 'sap-xep-bo-may', period: '2026-Q1', status: 'accepted', receivedAt: '2026-03-01T00:00:00.000Z', late: false, warnings: sub.warnings },
        ],
      });

      const list = await repo.listSummariesByFormPeriod('sap-xep-bo-may', '2026-Q1');

      expect(list).toEqual([
        { uploadId: 'a', unitCode: 'A', formId: 'sap-xep-bo-may', period: '2026-Q1', status: 'accepted', receivedAt: '2026-03-01T00:00:00.000Z', late: false, warnings: sub.warnings, version: 1 },
        { uploadId: 'b', unitCode: 'A', formId: 'sap-xep-bo-may', period: '2026-Q1', status: 'rejected', receivedAt: '2026-03-02T00:00:00.000Z', warnings: [], version: 2 },
      ]);
      expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
      const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
      expect(input).toMatchObject({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'FP#sap-xep-bo-may#2026-Q1' } });
      const projected = input.ProjectionExpression!.split(', ').map((n) => input.ExpressionAttributeNames![n]);
      expect(projected.sort()).toEqual(['formId', 'late', 'period', 'receivedAt', 'status', 'unitCode', 'uploadId', 'warnings']);
    });
  });
});
