/**
 * `consolidate_1000_ms` / `consolidate_1000_rss_mb`: one full consolidation of 1,000 synthetic
 * units (query every latest accepted submission, build and store the workbook, email it to the
 * `.eml` outbox), in a fresh child process so the peak RSS is the consolidation's own.
 * `stream_write_ms`: the bare exceljs streaming writer writing as many cells (numbers and
 * strings) as that workbook holds, in a fresh child process too.
 *
 * The 1,000 units and their latest accepted values are seeded first through the real
 * repositories (DynamoUnitRepository, DynamoSubmissionRepository) into dynalite.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { Submission } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { newUploadId, uploadKey } from '../../functions/core/upload-id';
import { countCells } from '../lib/cells';
import { buildChild, runNode } from '../lib/child';
import { loadFormKit } from '../lib/forms';
import { importExports } from '../lib/optional';
import { rootPath } from '../lib/paths';
import type { BenchContext, MeasureGroup, MetricRow } from '../lib/result';
import { inParallel, startStack, syntheticUnits } from '../lib/stack';
import { median, round } from '../lib/stats';

const UNITS = 1000;
const RUNS = 3;

interface ConsolidateOutput {
  ms: number;
  rssMb: number;
  rssBeforeMb: number;
  key: string;
  reused: boolean;
  contentHash: string;
  workbookBytes: number;
  unitsReported: number;
  unitsExpected: number;
  email: string;
  delivery?: string;
}

interface StreamOutput {
  ms: number;
  rssMb: number;
  cells: number;
}

export const consolidateGroup: MeasureGroup = {
  name: 'consolidate',
  metrics: ['consolidate_1000_ms', 'consolidate_1000_rss_mb', 'stream_write_ms'],
  async run(ctx: BenchContext): Promise<MetricRow[]> {
    const kit = await loadFormKit('sap-xep-bo-may');
    // Present before bundling the child, so a missing piece reads "n/a", not a build error.
    await importExports('functions/core/usecases/consolidate-report', ['consolidateReport'] as const);
    await importExports('infra/local/outbox-mailer', ['createOutboxMailer'] as const);
    const form = kit.form;
    const period = openPeriod(form, new Date());
    const [consolidateChild, streamChild] = await Promise.all([buildChild('consolidate', ctx.outDir), buildChild('stream-write', ctx.outDir)]);

    const { emulators, address, deps, dataDir } = await startStack(ctx.outDir);
    try {
      const units = syntheticUnits(UNITS, 'CON');
      const seedStart = Date.now();
      await deps.units.putMany(units);
      const receivedAt = new Date().toISOString();
      await inParallel(units, 8, async (unit, index) => {
        const uploadId = newUploadId();
        const submission: Submission = {
          uploadId,
          unitCode: unit.code,
          formId: form.id,
          period,
          status: 'accepted',
          s3Key: uploadKey({ formId: form.id, period, unitCode: unit.code, uploadId }),
          receivedAt,
          processedAt: receivedAt,
          late: false,
          formVersion: form.version,
          errors: [],
          warnings: [],
        };
        await deps.submissions.createIfAbsent(submission);
        await deps.submissions.putValues(uploadId, kit.sampleValues(unit, index + 1));
        await deps.submissions.advanceLatestAccepted(submission);
      });
      ctx.log(`consolidate: seeded ${UNITS} units with accepted values in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

      const outboxDir = join(ctx.outDir, 'outbox');
      mkdirSync(outboxDir, { recursive: true });
      const input = { address, dataDir, templatesDir: rootPath('templates'), outboxDir, formId: form.id, period };
      const runs: ConsolidateOutput[] = [];
      for (let i = 0; i < RUNS; i++) {
        const { output } = await runNode<ConsolidateOutput>(consolidateChild, input);
        if (output.reused || output.email !== 'sent') throw new Error(`run ${i + 1} did not do the full work (reused=${output.reused}, email=${output.email})`);
        if (output.unitsReported !== UNITS) throw new Error(`consolidation saw ${output.unitsReported} of ${UNITS} units`);
        runs.push(output);
        if (i === 0) {
          const workbook = await deps.files.get(output.key);
          if (!workbook) throw new Error(`workbook ${output.key} not stored`);
          Object.assign(output, { cells: await countCells(workbook) });
        }
        // Undo the run's two idempotent effects so the next run does all the work again.
        await deps.clients.s3.send(new DeleteObjectCommand({ Bucket: address.bucketName, Key: output.key }));
        await deps.ledger.release(`consolidation#${form.id}#${period}#${output.contentHash}`);
        ctx.log(`consolidate: run ${i + 1}: ${Math.round(output.ms)} ms, peak RSS ${Math.round(output.rssMb)} MB`);
      }
      const cells = (runs[0] as ConsolidateOutput & { cells: Awaited<ReturnType<typeof countCells>> }).cells;
      const floorTimes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const { output } = await runNode<StreamOutput>(streamChild, { numbers: cells.numbers, strings: cells.strings, columns: cells.columns });
        floorTimes.push(output.ms);
      }
      const first = runs[0]!;
      return [
        {
          metric: 'consolidate_1000_ms',
          value: round(median(runs.map((r) => r.ms))),
          unit: 'ms',
          note: `median of ${RUNS} fresh processes (${runs.map((r) => Math.round(r.ms)).join(', ')} ms); workbook ${Math.round(first.workbookBytes / 1024)} KB, ${cells.sheets} sheets, ${cells.numbers + cells.strings} cells (${cells.strings} strings); email ${first.delivery}`,
        },
        {
          metric: 'consolidate_1000_rss_mb',
          value: round(Math.max(...runs.map((r) => r.rssMb))),
          unit: 'MB',
          note: `peak RSS of the child (process at start: ${Math.round(first.rssBeforeMb)} MB)`,
        },
        { metric: 'stream_write_ms', value: round(median(floorTimes)), unit: 'ms', note: `${cells.numbers + cells.strings} cells, median of ${RUNS} fresh processes (${floorTimes.map(Math.round).join(', ')} ms)` },
      ];
    } finally {
      deps.close();
      await emulators.stop();
    }
  },
};
