/**
 * `ingest_ms_p50`: one accepted `sap-xep-bo-may` workbook through the ingest Lambda's handler
 * (functions/handlers/ingest.ts) in this process, on the embedded stack: head + the upload
 * intent + read from s3rver, validate, store the submission, values and pointer in dynalite (no aggregate is stored
 * since issue 16: totals are computed where read). `ingest_storage_calls`: the SDK calls of one accepted upload,
 * budget ≤ 6 (the list is pinned by test/integration/ingest-storage-calls.test.ts). The upload itself
 * (the PUT to S3) is done before the clock starts. Compared with `exceljs_load_ms_p50`, a bare
 * `workbook.xlsx.load()` of the same bytes, interleaved in the same process.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import ExcelJS from 'exceljs';
import type { Submission } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { UPLOAD_EXPIRES_SECONDS } from '../../functions/core/usecases/create-upload';
import { issueUploadIntent, putUnderIntent } from '../../functions/core/usecases/upload-intent';
import { filledForm, loadFormKit } from '../lib/forms';
import type { BenchContext, MeasureGroup, MetricRow } from '../lib/result';
import { countCalls, startStack, syntheticUnits } from '../lib/stack';
import { median, round, spread, timeMs } from '../lib/stats';

const WARMUP = 3;
const RUNS = 25;

export const ingestGroup: MeasureGroup = {
  name: 'ingest',
  metrics: ['ingest_ms_p50', 'exceljs_load_ms_p50', 'ingest_validate_ms_p50', 'ingest_storage_calls'],
  async run(ctx: BenchContext): Promise<MetricRow[]> {
    const kit = await loadFormKit('sap-xep-bo-may');
    const { createIngestHandler } = await import('../../functions/handlers/ingest');
    const { validateUpload } = await import('../../functions/core/forms/index');
    const period = openPeriod(kit.form, new Date());
    // One unit per upload (as on a deadline afternoon), all of the same type so every file is alike.
    const units = syntheticUnits((WARMUP + RUNS) * 5, 'ING').filter((u) => u.type === 'so-nganh');
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
      return [
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
