import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoUnitRepository } from '../../../functions/adapters/dynamo-unit-repository';
import type { Unit } from '../../../functions/core/model';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-southeast-1' }));
const repo = new DynamoUnitRepository({ client, tableName: 't', backoffMs: 1, maxBatchRetries: 3 });
const unit = (code: string): Unit => ({ code, name: code, type: 'huyen', emails: [], active: true, keyVersion: 1 });

beforeEach(() => ddb.reset());

describe('DynamoUnitRepository.putMany', () => {
  it('retries the items DynamoDB left unprocessed until all are written', async () => {
    const leftOver = { PutRequest: { Item: { pk: 'UNIT', sk: 'UNIT#B', code: 'B' } } };
    ddb.on(BatchWriteCommand).resolvesOnce({ UnprocessedItems: { t: [leftOver] } }).resolves({ UnprocessedItems: {} });

    await repo.putMany([unit('A'), unit('B')]);

    expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 2);
    expect(ddb.commandCalls(BatchWriteCommand)[1]?.args[0].input.RequestItems).toEqual({ t: [leftOver] });
  });

  it('sends at most 25 puts per batch', async () => {
    ddb.on(BatchWriteCommand).resolves({});

    await repo.putMany(Array.from({ length: 51 }, (_, i) => unit(`U${i}`)));

    expect(ddb.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems?.t?.length)).toEqual([25, 25, 1]);
  });

  it('fails loudly when items stay unprocessed after the retries', async () => {
    expect.assertions(2);
    ddb.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));

    await expect(repo.putMany([unit('A')])).rejects.toThrow(/unprocessed/);
    expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 4);
  });
});
