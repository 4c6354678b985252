import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
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

describe('DynamoUnitRepository console writes', () => {
  it('adds a unit with a put that refuses an existing item, and answers UNIT_EXISTS when it is refused', async () => {
    expect.assertions(2);
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));

    await expect(repo.add(unit('A'))).rejects.toMatchObject({ code: 'UNIT_EXISTS', statusCode: 409 });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ pk: 'UNIT', sk: 'UNIT#A', keyVersion: 1 }) });
  });

  it('edits with one update conditional on every previous value (each email and the list size), leaving the key version alone', async () => {
    ddb.on(UpdateCommand).resolves({});

    await repo.update({ code: 'A', name: 'Mới', type: 'huyen', emails: ['x@example.vn'], active: false }, { name: 'Cũ', type: 'so-nganh', emails: ['a@example.vn', 'b@example.vn'], active: true });

    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.UpdateExpression).toBe('SET #name = :name, #type = :type, emails = :emails, active = :active');
    expect(input.ConditionExpression).toBe('attribute_exists(pk) AND #name = :pn AND #type = :pt AND size(emails) = :pcount AND emails[0] = :pe0 AND emails[1] = :pe1 AND (active = :pa OR attribute_not_exists(active))');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':pn': 'Cũ', ':pt': 'so-nganh', ':pcount': 2, ':pe0': 'a@example.vn', ':pe1': 'b@example.vn', ':pa': true, ':name': 'Mới', ':active': false });
  });

  it('tells a stale edit (UNIT_CHANGED) from a unit that is gone (UNIT_NOT_FOUND)', async () => {
    expect.assertions(2);
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'changed', $metadata: {} }));
    const details = { name: 'A', type: 'huyen' as const, emails: [], active: true };
    ddb.on(GetCommand).resolvesOnce({ Item: { pk: 'UNIT', sk: 'UNIT#A', code: 'A', name: 'B', type: 'huyen', emails: [], active: true, keyVersion: 1 } }).resolves({});

    await expect(repo.update({ code: 'A', ...details }, details)).rejects.toMatchObject({ code: 'UNIT_CHANGED' });
    await expect(repo.update({ code: 'A', ...details }, details)).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND' });
  });
});
