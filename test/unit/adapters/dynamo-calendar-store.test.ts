/** DynamoCalendarStore at the SDK boundary: one item, saved conditionally on the revision read. */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoCalendarStore } from '../../../functions/adapters/dynamo-calendar-store';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-southeast-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
const store = new DynamoCalendarStore({ client, tableName: 'tbl' });
const day = { date: '2027-02-20', kind: 'working' as const, name: 'Làm bù' };
const by = { at: '2026-12-02T01:00:00.000Z', actor: 'cli:lan' };

beforeEach(() => ddb.reset());

describe('DynamoCalendarStore', () => {
  describe('save', () => {
    it('creates the item only when none exists (first save)', async () => {
      ddb.on(PutCommand).resolves({});
      await expect(store.save([day], 0, by)).resolves.toEqual({ days: [day], revision: 1, updatedAt: by.at, updatedBy: 'cli:lan' });
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: 'tbl',
        ConditionExpression: 'attribute_not_exists(pk)',
        Item: { pk: 'CONFIG#calendar', sk: 'CALENDAR', days: [day], revision: 1, updatedAt: by.at, updatedBy: 'cli:lan' },
      });
    });

    it('replaces it only at the revision read, and says so in Vietnamese when someone saved meanwhile', async () => {
      expect.assertions(2);
      ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
      await expect(store.save([day], 3, by)).rejects.toMatchObject({ code: 'CALENDAR_CHANGED', statusCode: 409, message: expect.stringContaining('Lịch làm việc vừa được sửa ở nơi khác') });
      expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: '#revision = :expected', ExpressionAttributeValues: { ':expected': 3 }, Item: expect.objectContaining({ revision: 4 }) });
    });
  });

  describe('get', () => {
    it('answers undefined when nothing is saved, and the saved days otherwise', async () => {
      ddb.on(GetCommand).resolvesOnce({}).resolvesOnce({ Item: { pk: 'CONFIG#calendar', sk: 'CALENDAR', days: [day], revision: 2, updatedAt: by.at, updatedBy: 'cli:lan' } });
      await expect(store.get()).resolves.toBeUndefined();
      await expect(store.get()).resolves.toEqual({ days: [day], revision: 2, updatedAt: by.at, updatedBy: 'cli:lan' });
    });

    it('refuses a malformed item rather than silently moving deadlines', async () => {
      expect.assertions(1);
      ddb.on(GetCommand).resolves({ Item: { pk: 'CONFIG#calendar', sk: 'CALENDAR', days: [{ ...day, date: '2027-02-19' }], revision: 2, updatedAt: by.at, updatedBy: 'x' } });
      await expect(store.get()).rejects.toThrow('malformed');
    });
  });
});
