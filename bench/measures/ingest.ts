/**
 * `ingest_ms_p50`: one accepted `sap-xep-bo-may` workbook through the ingest Lambda's handler
 * (functions/handlers/ingest.ts) in this process, on the embedded stack: head + the upload
 * intent + read from s3rver, validate, store the submission, values and pointer in dynalite (no aggregate is stored
 * since issue 16: totals are computed where read). `ingest_storage_calls`: the SDK calls of one accepted upload,
 * budget ≤ 6 (the list is pinned by test/integration/ingest-storage-calls.test.ts). The upload itself
 * (the PUT to S3) is done before the clock starts. Compared with `exceljs_load_ms_p50`, a bare
 * `workbook.xlsx.load()` of the same bytes, interleaved in the same process.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import ExcelJS from 'exceljs';
import type { FormValues, Submission } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { UPLOAD_EXPIRES_SECONDS } from '../../functions/core/usecases/create-upload';
import { issueUploadIntent, putUnderIntent } from '../../functions/core/usecases/upload-intent';
import { filledForm, loadFormKit } from '../lib/forms';
import type { BenchContext, MeasureGroup, MetricRow } from '../lib/result';
import { countCalls, inParallel, startStack, syntheticUnits } from '../lib/stack';
import { median, round, spread, timeMs } from '../lib/stats';

const WARMUP = 3;
const RUNS = 25;
/** `ingest_scale_ratio`: the period holds this many reported units during the main runs, then this many. */
const SMALL_PROVINCE = 50;
const LARGE_PROVINCE = 10_000;

export const ingestGroup: MeasureGroup = {
  name: 'ingest',
  metrics: ['ingest_ms_p50', 'exceljs_load_ms_p50', 'ingest_validate_ms_p50', 'ingest_storage_calls', 'ingest_scale_ratio'],
  async run(ctx: BenchContext): Promise<MetricRow[]> {
    const kit = await loadFormKit('sap-xep-bo-may');
    const { createIngestHandler } = await import('../../functions/handlers/ingest');
    const { validateUpload } = await import('../../functions/core/forms/index');
    const period = openPeriod(kit.form, new Date());
    // One unit per upload (as on a deadline afternoon), all of the same type so every file is alike.
    const units = syntheticUnits((WARMUP + 2 * RUNS) * 5, 'ING').filter((u) => u.type === 'so-nganh');
    const files = await Promise.all(units.map((u, i) => filledForm(kit, u, period, i + 1)));
    ctx.log(`ingest: ${files.length} filled workbooks of ~${Math.round(files[0]!.length / 1024)} KB for period ${period}`);

    const { emulators, deps } = await startStack(ctx.outDir);
    try {
      await deps.units.putMany(units);
      // Count and time every storage call the handler makes (the story behind the number).
      const calls = countCalls({ dynamodb: deps.clients.dynamo, s3: deps.clients.s3 });
      // The ingest Lambda's own dependencies (functions/compose.ts), with the bench's catalog.
      const handler = createIngestHandler({ ...deps.handlers.ingest, catalog: kit.catalog });

      type Calls = Map<string, { count: number; ms: number }>;
      const ingestOnce = async (i: number): Promise<{ ms: number; submission?: Submission; calls: Calls }> => {
        const unit = units[i]!;
        // The upload intent the portal issues, then the upload as the browser's presigned POST leaves it: not timed.
        const intent = await issueUploadIntent(deps.files, {
          unitCode: unit.code, formId: kit.form.id, period, fileName: 'báo cáo.xlsx', size: files[i]!.length, linkId: 'bench', now: new Date(), expiresInSeconds: UPLOAD_EXPIRES_SECONDS,
        });
        const { uploadId, key } = intent;
        await putUnderIntent(deps.files, intent, files[i]!);
        const body = JSON.stringify({
          Records: [{ eventName: 'ObjectCreated:Post', eventTime: new Date().toISOString(), s3: { bucket: { name: emulators.bucketName }, object: { key: encodeURIComponent(key), size: files[i]!.length } } }],
        });
        // Only the fields the ingest handler reads.
        const event = { Records: [{ messageId: uploadId, body, attributes: { ApproximateReceiveCount: '1' } }] } as unknown as SQSEvent;
        let response: { batchItemFailures: unknown[] } | undefined;
        calls.clear();
        const ms = await timeMs(async () => {
          response = await handler(event, {} as Context);
        });
        // A copy of each entry: the entries themselves keep counting (the check below reads the record back).
        const made: Calls = new Map([...calls].map(([k, v]) => [k, { ...v }]));
        if (response && response.batchItemFailures.length > 0) throw new Error(`ingest handler reported a failure for ${key}`);
        return { ms, submission: await deps.submissions.get(uploadId), calls: made };
      };
      const validateOnce = (i: number) => timeMs(() => validateUpload(files[i]!, { catalog: kit.catalog, maxBytes: deps.config.maxUploadBytes }));
      const loadOnce = (i: number) => timeMs(() => new ExcelJS.Workbook().xlsx.load(files[i]! as unknown as ArrayBuffer));

      /** Pointers of `count` other units that already reported the period, as ingest writes them (25 per BatchWriteItem). */
      const seedReported = async (from: number, count: number, values: FormValues) => {
        const item = (n: number) => {
          const unitCode = `SEED${String(n).padStart(5, '0')}`;
          const uploadId = `0seed${String(n).padStart(4, '0')}-benchseedx`;
          const receivedAt = '2020-01-01T00:00:00.000Z';
          return { pk: `LATEST#${kit.form.id}#${period}`, sk: `UNIT#${unitCode}`, type: 'latest', orderKey: `${receivedAt}#${uploadId}`, uploadId, unitCode, formId: kit.form.id, period, receivedAt, late: false, warnings: [], values };
        };
        const batches: Array<Array<Record<string, unknown>>> = [];
        for (let n = from; n < from + count; n += 25) batches.push(Array.from({ length: Math.min(25, from + count - n) }, (_, j) => item(n + j)));
        await inParallel(batches, 4, async (batch) => {
          let pending: Record<string, unknown>[] = batch;
          for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt > 20) throw new Error('seeding: BatchWriteItem kept items unprocessed');
            const out = await deps.clients.dynamo.send(new BatchWriteCommand({ RequestItems: { [emulators.tableName]: pending.map((Item) => ({ PutRequest: { Item } })) } }));
            pending = (out.UnprocessedItems?.[emulators.tableName] ?? []).map((r) => r.PutRequest!.Item as Record<string, unknown>);
          }
        });
      };
      const sampleValues = (await validateUpload(files[0]!, { catalog: kit.catalog, maxBytes: deps.config.maxUploadBytes })).values;
      calls.clear();
      await seedReported(0, SMALL_PROVINCE, sampleValues);

      for (let i = 0; i < WARMUP; i++) {
        const { submission } = await ingestOnce(i);
        if (submission?.status !== 'accepted') {
          throw new Error(`the sample workbook was not accepted (${submission?.status}): ${JSON.stringify(submission?.errors.slice(0, 3))}`);
        }
        await loadOnce(i);
      }
      const ingestTimes: number[] = [];
      const loadTimes: number[] = [];
      const validateTimes: number[] = [];
      const perCall: Calls = new Map();
      let warned = 0;
      for (let i = WARMUP; i < WARMUP + RUNS; i++) {
        // Interleaved, so the machine's drift hits metric and floor alike.
        loadTimes.push(await loadOnce(i));
        validateTimes.push(await validateOnce(i));
        const { ms, submission, calls: made } = await ingestOnce(i);
        for (const [k, v] of made) {
          const e = perCall.get(k) ?? { count: 0, ms: 0 };
          e.count += v.count;
          e.ms += v.ms;
          perCall.set(k, e);
        }
        if (submission?.status !== 'accepted') throw new Error(`upload ${i} was ${submission?.status}`);
        if (submission.warnings.length > 0) warned++;
        ingestTimes.push(ms);
      }
      // The same ingest with the period holding 10,000 reported units (seeded after the main runs, so they ran at 50).
      const seedStart = performance.now();
      await seedReported(SMALL_PROVINCE, LARGE_PROVINCE - SMALL_PROVINCE, sampleValues);
      const seedSeconds = (performance.now() - seedStart) / 1000;
      const largeTimes: number[] = [];
      for (let i = WARMUP + RUNS; i < WARMUP + 2 * RUNS; i++) {
        // The same interleaving as the main runs, so both series run under the same load.
        await loadOnce(i);
        await validateOnce(i);
        const { ms, submission } = await ingestOnce(i);
        if (submission?.status !== 'accepted') throw new Error(`upload ${i} was ${submission?.status} with ${LARGE_PROVINCE} units seeded`);
        largeTimes.push(ms);
      }
      const scaleRatio = median(largeTimes) / median(ingestTimes);
      return [
        {
          metric: 'ingest_scale_ratio',
          value: round(scaleRatio, 2),
          unit: '×',
          note: `ingest_ms_p50 with ${LARGE_PROVINCE.toLocaleString('en')} units reported in the period ${round(median(largeTimes))} ms (${spread(largeTimes)}) ÷ with ${SMALL_PROVINCE} + the runs' own ${round(median(ingestTimes))} ms; the series run one after the other, each interleaved alike; seeding ${round(seedSeconds)} s`,
        },
        {
          metric: 'ingest_ms_p50',
          value: round(median(ingestTimes)),
          unit: 'ms',
          note: `${spread(ingestTimes)}; ${files[0]!.length} B workbook${warned ? `; ${warned} with warnings (feedback workbook built)` : ''}`,
        },
        { metric: 'exceljs_load_ms_p50', value: round(median(loadTimes)), unit: 'ms', note: spread(loadTimes) },
        {
          metric: 'ingest_validate_ms_p50',
          value: round(median(validateTimes)),
          unit: 'ms',
          note: `validateUpload alone on the same bytes (no storage); ${spread(validateTimes)}`,
        },
        {
          metric: 'ingest_storage_calls',
          value: round([...perCall.values()].reduce((sum, c) => sum + c.count, 0) / RUNS),
          unit: 'calls',
          note: `per ingest, mean ms per ingest by call: ${[...perCall.entries()]
            .sort((a, b) => b[1].ms - a[1].ms)
            .map(([k, c]) => `${k} ×${round(c.count / RUNS)} ${round(c.ms / RUNS)} ms`)
            .join(', ')}`,
        },
      ];
    } finally {
      deps.close();
      await emulators.stop();
    }
  },
};
