/**
 * One full consolidation in a fresh process (so its peak RSS is its own, not the seeding's):
 * the real use case with the real adapters on the parent's emulators and the local outbox
 * mailer — query every unit's latest values, build and store the workbook, email it to the
 * outbox. Prints the time, the peak RSS, where the workbook went and the size of the email
 * (charts inline, workbook and draft attached or linked).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeDraftReport } from '../../functions/core/briefing/draft-report';
import { briefingFor, buildReportFor, consolidateReport } from '../../functions/core/usecases/consolidate-report';
import { childInput, childOutput, peakRssMb } from '../lib/child';
import type { LocalEndpoints } from '../../infra/local/compose';
import { composeBench } from '../lib/stack';

interface Input {
  address: LocalEndpoints;
  dataDir: string;
  /** The repository's templates/ (a bundled child cannot find it from its own location). */
  templatesDir: string;
  formId: string;
  period: string;
}

async function main(): Promise<void> {
  const input = childInput<Input>();
  // The local composition root as `tonghop consolidate` uses it: outbox mailer under the data dir.
  const local = composeBench(input.dataDir, input.address, input.templatesDir);
  const deps = { ...local.handlers.consolidate, forms: await local.catalog };
  const rssBefore = peakRssMb();
  const start = performance.now();
  const result = await consolidateReport(deps, { formId: input.formId, period: input.period, send: true });
  const ms = performance.now() - start;
  const rssMb = peakRssMb();
  // The briefing's share of that run, measured again on its own (warm: the renderer is loaded):
  // the earlier periods and the briefing, the charts, the draft document.
  const report = await buildReportFor(deps, { formId: input.formId, period: input.period });
  const t0 = performance.now();
  const briefing = await briefingFor(deps, report);
  const t1 = performance.now();
  const charts = await deps.charts.render(briefing.charts);
  const t2 = performance.now();
  await writeDraftReport({ report, briefing, charts });
  const t3 = performance.now();
  local.close();
  childOutput({
    ms,
    rssMb,
    rssBeforeMb: rssBefore,
    key: result.key,
    reused: result.reused,
    contentHash: result.contentHash,
    workbookBytes: result.workbook.length,
    unitsReported: result.unitsReported,
    unitsExpected: result.unitsExpected,
    email: result.email.status,
    delivery: result.email.status === 'sent' ? result.email.delivery : undefined,
    charts: result.email.status === 'sent' ? result.email.charts : undefined,
    draftAttached: result.email.status === 'sent' ? result.email.draftAttached : undefined,
    emailBytes: newestEmailBytes(join(input.dataDir, 'outbox')),
    briefingMs: t1 - t0,
    chartsMs: t2 - t1,
    draftMs: t3 - t2,
  });
}

/** The size of the message the outbox mailer wrote last (the raw MIME, as SES would send it). */
function newestEmailBytes(dir: string): number | undefined {
  const files = readdirSync(dir, { withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.eml')).map((f) => statSync(join(dir, f.name)));
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs)[0]?.size;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
