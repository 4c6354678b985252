/**
 * What one accepted upload costs in storage calls, counted at the SDK on the embedded stack
 * (dynalite, s3rver): a fixed list, the same whether 1 or 300 units have already reported, and
 * no call reads the period's pointers (the province totals are computed where they are read).
 * The list is the one BENCHMARKS.md explains (`ingest_storage_calls`).
 */
import type { Context, SQSEvent } from 'aws-lambda';
import type { MiddlewareStack } from '@smithy/types';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoReviewStore } from '../../functions/adapters/dynamo-review-store';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import type { FormCatalog } from '../../functions/core/forms';
import { silentLog } from '../../functions/core/log';
import type { Submission } from '../../functions/core/model';
import { systemClock } from '../../functions/core/ports';
import { createIngestHandler } from '../../functions/handlers/ingest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { FORM_ID, s3Notification, testCatalog, unitOf, uploadFor, workbookFor } from '../unit/ingest/support';

jest.setTimeout(300_000);

/** Every SDK call the clients send while `on`, as `service:Operation target`. */
function recordCalls(clients: Record<string, { middlewareStack: object }>) {
  const calls: string[] = [];
  const state = { on: false };
  for (const [service, client] of Object.entries(clients)) {
    (client.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        if (state.on) {
          const input = (args as { input: { Key?: unknown; Item?: { pk?: string }; ExpressionAttributeValues?: Record<string, unknown> } }).input;
          const target =
            typeof input.Key === 'string' ? input.Key.replace(/\/[^/]+$/, '/…')
            : input.Key ? String((input.Key as { pk: string }).pk).replace(/#.*/, '#…')
            : input.Item?.pk ? input.Item.pk.replace(/#.*/, '#…')
            : String(input.ExpressionAttributeValues?.[':pk'] ?? '').replace(/#.*/, '#…');
          calls.push(`${service}:${String(context.commandName).replace(/Command$/, '')} ${target}`);
        }
        return next(args);
      },
      { step: 'initialize', name: 'storageCallRecorder' },
    );
  }
  return { calls, state };
}

describe('storage calls of one accepted upload (embedded stack)', () => {
  let emulators: Emulators;
  let catalog: FormCatalog;
  let files: S3FileStore;
  let submissions: DynamoSubmissionRepository;
  let units: DynamoUnitRepository;
  let recorder: ReturnType<typeof recordCalls>;
  let handler: ReturnType<typeof createIngestHandler>;

  beforeAll(async () => {
    emulators = await startEmulators();
    catalog = await testCatalog();
    const options = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
    const dynamo = createDynamoDocumentClient(options);
    const s3 = createS3Client(options);
    files = new S3FileStore({ client: s3, bucket: emulators.bucketName });
    submissions = new DynamoSubmissionRepository({ client: dynamo, tableName: emulators.tableName });
    units = new DynamoUnitRepository({ client: dynamo, tableName: emulators.tableName });
    recorder = recordCalls({ dynamodb: dynamo, s3 });
    handler = createIngestHandler({
      submissions, units, files, catalog, clock: systemClock, locks: new DynamoReviewStore({ client: dynamo, tableName: emulators.tableName }), maxUploadBytes: 5 * 1024 * 1024, log: silentLog,
    });
  });
  afterAll(async () => {
    await emulators?.stop();
  });

  /** `count` units that already have an accepted report for the period (pointers written directly). */
  async function seedReported(prefix: string, period: string, count: number): Promise<void> {
    const { values } = await workbookFor(unitOf(`${prefix}-000`), period, { seed: 5 });
    for (let i = 0; i < count; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, count - i) }, async (_, j) => {
          const unitCode = `${prefix}-${String(i + j).padStart(3, '0')}`;
          const s: Submission = {
            uploadId: `0seed${String(i + j).padStart(4, '0')}-${prefix.toLowerCase().padEnd(10, 'x')}`, unitCode, formId: FORM_ID, period, status: 'accepted',
            s3Key: `uploads/${FORM_ID}/${period}/${unitCode}/seed.xlsx`, receivedAt: '2026-01-01T00:00:00.000Z', errors: [], warnings: [],
          };
          await submissions.createIfAbsent(s);
          await submissions.putValues(s.uploadId, values);
          await submissions.advanceLatestAccepted(s, values);
        }),
      );
    }
  }

  /** Uploads one unit's workbook (accepted, with a previous period on record) and returns the calls its ingest made. */
  async function callsOfOneUpload(unitCode: string, period: string, previous: string): Promise<string[]> {
    const unit = unitOf(unitCode);
    await units.putMany([unit]);
    const before = await workbookFor(unit, previous, { seed: 7 });
    const now = await workbookFor(unit, period, { seed: 7 });
    const earlier = await uploadFor(files, unitCode, previous, before.bytes);
    await handler({ Records: [{ messageId: 'm0', body: s3Notification(earlier.key, new Date().toISOString()), attributes: { ApproximateReceiveCount: '1' } }] } as unknown as SQSEvent, {} as Context);
    const { key, uploadId } = await uploadFor(files, unitCode, period, now.bytes);

    recorder.calls.length = 0;
    recorder.state.on = true;
    const out = await handler({ Records: [{ messageId: 'm1', body: s3Notification(key, new Date().toISOString()), attributes: { ApproximateReceiveCount: '1' } }] } as unknown as SQSEvent, {} as Context);
    recorder.state.on = false;

    expect(out.batchItemFailures).toEqual([]);
    expect(await submissions.get(uploadId)).toMatchObject({ status: 'accepted' });
    return [...recorder.calls].sort();
  }

  it('makes the same 10 calls whether 1 or 300 units already reported, none over the period’s pointers', async () => {
    await seedReported('ONE', '2028-Q2', 1);
    await seedReported('MANY', '2028-Q4', 300);

    const withOne = await callsOfOneUpload('ONE-X', '2028-Q2', '2028-Q1');
    const withMany = await callsOfOneUpload('MANY-X', '2028-Q4', '2028-Q3');

    const expected = [
      'dynamodb:GetItem LATEST#…', // the baseline: the unit's previous-period pointer, with its values
      'dynamodb:GetItem UNIT', // the unit (its type sets the deadline)
      'dynamodb:PutItem LATEST#…', // the pointer, conditional on upload order (carries the values)
      'dynamodb:PutItem SUB#…', // the record, created pending once per upload id
      'dynamodb:PutItem SUB#…', // the final status, written last
      'dynamodb:PutItem SUB#…', // the values
      'dynamodb:Query LOCK#…', // the period's lock and exceptions
      's3:GetObject intents/…', // the upload intent
      's3:GetObject uploads/sap-xep-bo-may/2028-Q2/ONE-X/…', // the workbook, bounded
      's3:HeadObject uploads/sap-xep-bo-may/2028-Q2/ONE-X/…', // size and link id before reading
    ];
    expect(withOne).toEqual(expected.sort());
    expect(withMany).toEqual(withOne.map((c) => c.replace('2028-Q2/ONE-X', '2028-Q4/MANY-X')));
    // The province totals are still exact: read where needed, from the pointers.
    expect(await submissions.listLatestAccepted(FORM_ID, '2028-Q4')).toHaveLength(301);
  });
});
