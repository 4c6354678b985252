/** DynamoOnceLedger at the SDK boundary: a claim is a conditional put; losing the race is `false`, not an error. */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoOnceLedger } from '../../../functions/adapters/dynamo-once-ledger';
import { FakeClock } from '../../support/in-memory';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-southeast-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
const ledger = new DynamoOnceLedger({ client, tableName: 'tbl', clock: new FakeClock(new Date('2026-03-18T00:30:00Z')) });

beforeEach(() => ddb.reset());

describe('DynamoOnceLedger', () => {
  describe('claim', () => {
    it('puts the claim only if the key is not there yet', async () => {
      ddb.on(PutCommand).resolves({});
      await expect(ledger.claim('email#f#2026-Q1', { recipients: 3 })).resolves.toBe(true);
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: 'tbl',
        ConditionExpression: 'attribute_not_exists(pk)',
        Item: { pk: 'ONCE#email#f#2026-Q1', sk: 'ONCE', gsi1pk: 'ONCE', gsi1sk: 'email#f#2026-Q1', key: 'email#f#2026-Q1', claimedAt: '2026-03-18T00:30:00.000Z', attributes: { recipients: 3 } },
      });
    });

    it('answers false when the conditional put fails', async () => {
      ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
      await expect(ledger.claim('email#f#2026-Q1')).resolves.toBe(false);
    });

    it('passes other failures on so the caller retries', async () => {
      expect.assertions(1);
      ddb.on(PutCommand).rejects(new Error('ProvisionedThroughputExceeded'));
      await expect(ledger.claim('k')).rejects.toThrow('ProvisionedThroughputExceeded');
    });
  });

  describe('release', () => {
    it('deletes the claim item', async () => {
      ddb.on(DeleteCommand).resolves({});
      await ledger.release('k');
      expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { TableName: 'tbl', Key: { pk: 'ONCE#k', sk: 'ONCE' } });
    });
  });
});
