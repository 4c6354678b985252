/**
 * `concurrent_60_s`: a deadline rush. 60 units upload at once through the RUNNING local stack
 * (infra/local/runtime.ts `startLocalRuntime` on a temp data dir), exactly as the portal page
 * does it: `POST /api/uploads` with the unit's link token → a presigned POST → the browser's
 * multipart POST to S3 (fetch + FormData) → poll `GET /api/uploads/<id>` until accepted.
 * The clock runs from the first request until the last unit's page would show "accepted" (it
 * polls like the portal page: at once, then every second); every upload must end accepted
 * (none lost, none rejected). Only loopback traffic; polling is bounded in count and time.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { signLinkToken } from '../../functions/core/links';
import { openPeriod } from '../../functions/core/periods';
import { filledForm, loadFormKit } from '../lib/forms';
import type { BenchContext, MeasureGroup, MetricRow } from '../lib/result';
import { countCalls, syntheticUnits } from '../lib/stack';
import { round } from '../lib/stats';

const UNITS = 60;
/** The portal page's polling schedule (functions/portal/portal-js.ts): at once, then every 1 s, after 20 tries every 3 s. */
const pollDelayMs = (attempt: number) => (attempt < 20 ? 1000 : 3000);
/** Give up (and report the missing uploads as lost) after this long. */
const GIVE_UP_MS = 90_000;

/** The runtime's log: quiet, except errors (an Error inside the details is printed by its message). */
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  error: (m: string, extra?: Record<string, unknown>) =>
    void process.stderr.write(`[runtime] ${m} ${JSON.stringify(extra ?? {}, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}\n`),
};

interface Outcome {
  unit: string;
  status: string;
  /** ms from the start of the rush to the final status. */
  doneMs: number;
  /** ms from the start to the presigned POST issued, and to the file stored in S3. */
  issuedMs?: number;
  storedMs?: number;
  error?: string;
}

export const concurrentGroup: MeasureGroup = {
  name: 'concurrent',
  metrics: ['concurrent_60_s'],
  async run(ctx: BenchContext): Promise<MetricRow[]> {
    const kit = await loadFormKit('sap-xep-bo-may');
    const { startLocalRuntime } = await import('../../infra/local/runtime');
    const period = openPeriod(kit.form, new Date());
    const units = syntheticUnits(UNITS, 'RUSH');
    const files = await Promise.all(units.map((u, i) => filledForm(kit, u, period, i + 1)));

    const dataDir = mkdtempSync(join(ctx.outDir, 'runtime-'));
    const runtime = await startLocalRuntime({ port: 0, host: '127.0.0.1', dataDir, log: quiet, seed: false });
    try {
      await runtime.deps.units.putMany(units);
      const { current: signingKey } = await runtime.deps.secrets.getLinkKeys();
      const exp = Math.floor(Date.now() / 1000) + 24 * 3600;
      const tokens = units.map((u) => signLinkToken(signingKey, { u: u.code, v: u.keyVersion, exp }));
      // The portal origin is announced as localhost; talk to the address it listens on.
      const api = `http://127.0.0.1:${runtime.port}`;
      ctx.log(`concurrent: runtime at ${api}, ${UNITS} units, period ${period}`);

      const calls = countCalls({ dynamodb: runtime.deps.clients.dynamo, s3: runtime.deps.clients.s3 });
      let polls = 0;
      const start = performance.now();
      const deadline = start + GIVE_UP_MS;
      const one = async (i: number): Promise<Outcome> => {
        const unit = units[i]!;
        const auth = { authorization: `Bearer ${tokens[i]}` };
        let issuedMs: number | undefined;
        let storedMs: number | undefined;
        try {
          const created = await fetch(`${api}/api/uploads`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ formId: kit.form.id, period, fileName: `Báo cáo ${unit.code}.xlsx`, size: files[i]!.length }),
          });
          if (created.status !== 201) throw new Error(`POST /api/uploads → ${created.status} ${await created.text()}`);
          const { uploadId, url, fields } = (await created.json()) as { uploadId: string; url: string; fields: Record<string, string> };
          issuedMs = performance.now() - start;
          const form = new FormData();
          for (const [k, v] of Object.entries(fields)) form.append(k, v);
          form.append('file', new Blob([files[i]!], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), `Báo cáo ${unit.code}.xlsx`);
          const posted = await fetch(url, { method: 'POST', body: form });
          if (posted.status >= 300) throw new Error(`presigned POST → ${posted.status} ${await posted.text()}`);
          await posted.arrayBuffer();
          storedMs = performance.now() - start;
          for (let attempt = 0; performance.now() < deadline; attempt++) {
            polls++;
            const res = await fetch(`${api}/api/uploads/${uploadId}`, { headers: auth });
            // Like the page: a 5xx is retried, anything else but 200 is final.
            if (res.status === 200) {
              const { status } = (await res.json()) as { status: string };
              if (status !== 'pending') return { unit: unit.code, status, doneMs: performance.now() - start, issuedMs, storedMs };
            } else if (res.status < 500) throw new Error(`GET /api/uploads/${uploadId} → ${res.status}`);
            else await res.arrayBuffer();
            await new Promise((r) => setTimeout(r, pollDelayMs(attempt)));
          }
          return { unit: unit.code, status: 'lost', doneMs: performance.now() - start, issuedMs, storedMs };
        } catch (err) {
          return { unit: unit.code, status: 'error', doneMs: performance.now() - start, issuedMs, storedMs, error: (err as Error).message };
        }
      };
      const outcomes = await Promise.all(units.map((_, i) => one(i)));
      const seconds = Math.max(...outcomes.map((o) => o.doneMs)) / 1000;
      const accepted = outcomes.filter((o) => o.status === 'accepted').length;
      const failed = outcomes.filter((o) => o.status !== 'accepted');
      const firstError = failed.find((o) => o.error)?.error;
      const sorted = outcomes.map((o) => o.doneMs).sort((a, b) => a - b);
      const lastOf = (pick: (o: Outcome) => number | undefined) => round(Math.max(...outcomes.map((o) => pick(o) ?? 0)) / 1000, 2);
      const row: MetricRow = {
        metric: 'concurrent_60_s',
        value: round(seconds, 2),
        unit: 's',
        note: `${accepted}/${UNITS} accepted; all presigned POSTs issued after ${lastOf((o) => o.issuedMs)} s, all files in S3 after ${lastOf((o) => o.storedMs)} s; first accepted after ${round(sorted[0]! / 1000, 2)} s, half after ${round(sorted[UNITS / 2 - 1]! / 1000, 2)} s; ${polls} status polls; ${[...calls.values()].reduce((n, c) => n + c.count, 0)} storage calls (${[...calls.entries()].sort((a, b) => b[1].count - a[1].count).map(([k, c]) => `${k} ×${c.count}`).join(', ')})${failed.length ? `; NOT accepted: ${failed.map((o) => `${o.unit} ${o.status}`).join(', ')}${firstError ? ` (${firstError})` : ''}` : ''}`,
      };
      // "None lost" is part of the budget: a run that lost uploads cannot pass on time alone.
      if (failed.length > 0) row.invalid = `${failed.length} of ${UNITS} uploads not accepted`;
      return [row];
    } finally {
      await runtime.stop();
    }
  },
};
