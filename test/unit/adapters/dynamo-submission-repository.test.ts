/**
 * DynamoSubmissionRepository at the SDK boundary: the commands (and their conditions) that make
 * ingest idempotent and ordered without transactions.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoSubmissionRepository } from '../../../functions/adapters/dynamo-submission-repository';
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
    it('moves the pointer only when it is absent or older, copying the values, then bumps the pointer-set revision', async () => {
      ddb.on(GetCommand, { Key: { pk: `SUB#${sub.uploadId}`, sk: 'VALUES' } }).resolves({ Item: { values } });
      ddb.on(PutCommand).resolves({});
      ddb.on(UpdateCommand).resolves({});

      await expect(repo.advanceLatestAccepted(sub)).resolves.toBe(true);

      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        ConditionExpression: 'attribute_not_exists(pk) OR orderKey < :new',
        ExpressionAttributeValues: { ':new': '2026-03-16T02:00:00.000Z#mf1a2b3c4-abcdefghij' },
        Item: expect.objectContaining({ pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: 'UNIT#HU-01', uploadId: sub.uploadId, values, late: true }),
      });
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        Key: { pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: '#META' },
        UpdateExpression: expect.stringContaining('ADD rev :one'),
      });
    });

    it('does not read the values back when the caller passes the ones it just stored', async () => {
      ddb.on(PutCommand).resolves({});
      ddb.on(UpdateCommand).resolves({});

      await repo.advanceLatestAccepted(sub, values);

      expect(ddb).not.toHaveReceivedCommand(GetCommand);
      expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ sk: 'UNIT#HU-01', values }) });
    });

    it('leaves the revision alone when a later upload holds the pointer', async () => {
      ddb.on(GetCommand, { Key: { pk: `SUB#${sub.uploadId}`, sk: 'VALUES' } }).resolves({ Item: { values } });
      ddb.on(PutCommand).rejects(conditionFailed());
      ddb.on(GetCommand, { Key: { pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: 'UNIT#HU-01' } }).resolves({ Item: { uploadId: 'zzzzzzzzz-later00000' } });

      await expect(repo.advanceLatestAccepted(sub)).resolves.toBe(false);

      expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    });

    it('bumps the revision again when a retry finds its own upload already in the pointer', async () => {
      ddb.on(GetCommand, { Key: { pk: `SUB#${sub.uploadId}`, sk: 'VALUES' } }).resolves({ Item: { values } });
      ddb.on(PutCommand).rejects(conditionFailed());
      ddb.on(GetCommand, { Key: { pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: 'UNIT#HU-01' } }).resolves({ Item: { uploadId: sub.uploadId } });
      ddb.on(UpdateCommand).resolves({});

      await repo.advanceLatestAccepted(sub);

      expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });
  });

  describe('refreshAggregate', () => {
    it('writes totals computed from the pointers, guarded by the revision read before the query', async () => {
      ddb.on(GetCommand, { Key: { pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: '#META' } }).resolves({ Item: { rev: 41 } });
      ddb.on(QueryCommand).resolves({ Items: [{ unitCode: 'HU-01', uploadId: sub.uploadId, receivedAt: sub.receivedAt, late: true, values, warnings: [] }] });
      ddb.on(PutCommand).resolves({});

      const agg = await repo.refreshAggregate('sap-xep-bo-may', '2026-Q1', (latest) => ({ units: latest.length, money: Number(latest[0]!.values.fields['17.so_tien']) }));

      expect(agg).toEqual({ formId: 'sap-xep-bo-may', period: '2026-Q1', unitsReported: 1, totals: { units: 1, money: 4_500_000_000 }, updatedAt: '2026-03-16T03:00:00.000Z' });
      expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ConsistentRead: true, ExpressionAttributeValues: { ':pk': 'LATEST#sap-xep-bo-may#2026-Q1', ':unit': 'UNIT#' } });
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        ConditionExpression: 'attribute_not_exists(rev) OR rev < :rev',
        ExpressionAttributeValues: { ':rev': 41 },
        Item: expect.objectContaining({ pk: 'AGG#sap-xep-bo-may#2026-Q1', sk: 'AGG', rev: 41 }),
      });
    });

    it('returns the stored aggregate when a snapshot at least as recent won the write', async () => {
      const stored = { formId: 'sap-xep-bo-may', period: '2026-Q1', unitsReported: 2, totals: { units: 2 }, updatedAt: '2026-03-16T02:59:59.000Z' };
      ddb.on(GetCommand, { Key: { pk: 'LATEST#sap-xep-bo-may#2026-Q1', sk: '#META' } }).resolves({ Item: { rev: 5 } });
      ddb.on(QueryCommand).resolves({ Items: [] });
      ddb.on(PutCommand).rejects(conditionFailed());
      ddb.on(GetCommand, { Key: { pk: 'AGG#sap-xep-bo-may#2026-Q1', sk: 'AGG' } }).resolves({ Item: { pk: 'AGG#…', sk: 'AGG', rev: 6, ...stored } });

      await expect(repo.refreshAggregate('sap-xep-bo-may', '2026-Q1', () => ({}))).resolves.toEqual(stored);
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
