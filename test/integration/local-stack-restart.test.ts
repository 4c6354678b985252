/**
 * `npm start` stopped in the middle of a deadline rush, as an operator would meet it: the real
 * process (`node bin/tonghop.cjs start`) on a data dir, 40 units uploading at once through the
 * portal API and the presigned POST to the embedded S3, the process killed (SIGKILL, or a
 * Ctrl-C-like SIGTERM) while uploads are still being validated, and started again on the same
 * data dir. Every unit's page must reach a final status within a minute of the restart and the
 * province aggregate must equal the sum of what was sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { computeTotals } from '../../functions/core/consolidation/totals';
import { readPeriodAggregate } from '../../functions/core/usecases/period-aggregate';
import { generateForm, loadFormCatalog, type FormDefinition } from '../../functions/core/forms';
import { signLinkToken } from '../../functions/core/links';
import type { FormValues } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { composeLocal, silentLog } from '../../infra/local/compose';
import { LOCAL_CREDENTIALS } from '../../infra/local/emulators';
import { listDeadLetters } from '../../infra/local/ingest-queue';
import { localSecretSource } from '../../infra/local/local-secrets';
import { readLiveRuntime } from '../../infra/local/runtime-file';
import { SAMPLE_PROVINCE } from '../../infra/local/sample-province';
import { fillForm, sampleValues } from '../support/forms';
import { freePort } from '../support/free-port';
import { tempDirs } from '../support/temp-dirs';

jest.setTimeout(400_000);

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tonghop.cjs');
const FORM_ID = 'sap-xep-bo-may';
const UNITS = 40;
/** The bar: every upload final within a minute of the restart. */
const FINAL_WITHIN_MS = 60_000;
const newDataDir = tempDirs('tonghop-restart-');

interface Stack {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<void>;
}

const started: ChildProcess[] = [];

/** `npm start` in its own process group, resolved once the banner is printed. */
async function startStack(dataDir: string): Promise<Stack> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, NODE_NO_WARNINGS: '1', PORT: String(port), TONGHOP_DATA_DIR: dataDir },
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not start: ${output}`)), 150_000);
    const check = () => {
      if (output.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`npm start exited: ${output}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

afterAll(async () => {
  for (const child of started) killGroup(child, 'SIGKILL');
});

interface Upload {
  unit: string;
  token: string;
  uploadId: string;
  values: FormValues;
}

/** One unit as the portal page does it: create the upload, then POST the file to S3. */
async function upload(api: string, form: FormDefinition, period: string, unitIndex: number, token: string): Promise<Upload> {
  const unit = SAMPLE_PROVINCE[unitIndex]!;
  const values = sampleValues(form, unit.type, unitIndex + 1);
  const bytes = await fillForm(await generateForm({ form, unit, period }), values);
  const auth = { authorization: `Bearer ${token}` };
  const created = await fetch(`${api}/api/uploads`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ formId: form.id, period, fileName: `Báo cáo ${unit.code}.xlsx`, size: bytes.length }),
  });
  if (created.status !== 201) throw new Error(`POST /api/uploads → ${created.status} ${await created.text()}`);
  const { uploadId, url, fields } = (await created.json()) as { uploadId: string; url: string; fields: Record<string, string> };
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('file', new Blob([bytes]), `Báo cáo ${unit.code}.xlsx`);
  const posted = await fetch(url, { method: 'POST', body });
  if (posted.status >= 300) throw new Error(`presigned POST → ${posted.status}`);
  await posted.arrayBuffer();
  return { unit: unit.code, token, uploadId, values };
}

/** What the unit's page shows for the upload. */
async function statusOf(api: string, u: Upload): Promise<string> {
  const res = await fetch(`${api}/api/uploads/${u.uploadId}`, { headers: { authorization: `Bearer ${u.token}` } });
  if (res.status !== 200) return `http ${res.status}`;
  return ((await res.json()) as { status: string }).status;
}

describe('npm start stopped during a 40-unit rush', () => {
  let form: FormDefinition;
  beforeAll(async () => {
    form = (await loadFormCatalog()).require(FORM_ID) as FormDefinition;
  });

  it.each([
    ['killed with SIGKILL', 'SIGKILL'],
    ['stopped with SIGTERM (Ctrl-C)', 'SIGTERM'],
  ] as const)('finishes every upload within a minute of the restart when %s, and the aggregate equals what was sent', async (_label, signal) => {
    // Arrange: the stack up, 40 units of the sample province with their links.
    const dataDir = newDataDir();
    const first = await startStack(dataDir);
    const period = openPeriod(form, new Date());
    const { current: secret } = await localSecretSource(dataDir).getLinkKeys();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const tokens = SAMPLE_PROVINCE.slice(0, UNITS).map((u) => signLinkToken(secret, { u: u.code, v: u.keyVersion, exp }));

    // Act: all upload at once; stop the stack as soon as every file is in S3.
    const uploads = await Promise.all(tokens.map((token, i) => upload(first.url, form, period, i, token)));
    const atStop = await Promise.all(uploads.map((u) => statusOf(first.url, u)));
    killGroup(first.child, signal);
    await first.exited;
    const second = await startStack(dataDir);
    const restartedAt = Date.now();
    let statuses: string[];
    for (;;) {
      statuses = await Promise.all(uploads.map((u) => statusOf(second.url, u)));
      if (statuses.every((s) => s !== 'pending') || Date.now() - restartedAt > FINAL_WITHIN_MS) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const finalAfterMs = Date.now() - restartedAt;
    const live = readLiveRuntime(dataDir)!;
    const deps = composeLocal({ dataDir, portalUrl: second.url, log: silentLog, emulators: { ...live, credentials: LOCAL_CREDENTIALS } });
    const aggregate = await readPeriodAggregate(deps.submissions, form, period).finally(() => deps.close());
    killGroup(second.child, 'SIGTERM');
    await second.exited;

    // Assert
    expect(atStop.filter((s) => s === 'pending').length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 'accepted')).toEqual([]);
    expect(finalAfterMs).toBeLessThanOrEqual(FINAL_WITHIN_MS);
    expect(aggregate.unitsReported).toBe(UNITS);
    expect(aggregate.totals).toEqual(computeTotals(form, uploads.map((u) => u.values)));
    expect(listDeadLetters(dataDir)).toEqual([]);
    // The operator is told: the restart says it sent unfinished uploads to ingest again.
    expect(second.output()).toContain('uploads without a final status were sent to ingest again');
  });
});
