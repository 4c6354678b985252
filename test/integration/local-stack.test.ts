/**
 * The embedded stack end to end, over the real wire protocols (no mocks): the S3 and DynamoDB
 * APIs, S3 events reaching the ingest handler, persistence across restarts, two instances side
 * by side, and the portal answering a unit's link.
 */
import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { signLinkToken } from '../../functions/core/links';
import { startEmulators } from '../../infra/local/emulators';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { SAMPLE_ADMIN, SAMPLE_PROVINCE } from '../../infra/local/sample-province';
import { silentLog } from '../../infra/local/compose';
import { tempDirs } from '../support/temp-dirs';
import { putIssuedUpload } from '../support/uploads';

// jest 30 ignores the project-level testTimeout; the shared machine can be slow.
jest.setTimeout(120_000);

const newDataDir = tempDirs('tonghop-stack-');

describe('embedded emulators', () => {
  it('stores and reads an object through the S3 API and an item through the DynamoDB API', async () => {
    const emulators = await startEmulators({ dataDir: newDataDir() });
    const options = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
    const s3 = createS3Client(options);
    const dynamo = createDynamoDocumentClient(options);
    try {
      await s3.send(new PutObjectCommand({ Bucket: emulators.bucketName, Key: 'probe/a.txt', Body: 'Tổng hợp' }));
      await dynamo.send(new PutCommand({ TableName: emulators.tableName, Item: { pk: 'PROBE', sk: 'A', label: 'Sở Nội vụ' } }));

      const object = await s3.send(new GetObjectCommand({ Bucket: emulators.bucketName, Key: 'probe/a.txt' }));
      const item = await dynamo.send(new GetCommand({ TableName: emulators.tableName, Key: { pk: 'PROBE', sk: 'A' } }));

      expect(await object.Body?.transformToString()).toBe('Tổng hợp');
      expect(item.Item?.label).toBe('Sở Nội vụ');
    } finally {
      s3.destroy();
      dynamo.destroy();
      await emulators.stop();
    }
  });

  it('refuses a second owner of the same data dir instead of crashing', async () => {
    expect.assertions(1);
    const dataDir = newDataDir();
    const first = await startEmulators({ dataDir });
    try {
      await expect(startEmulators({ dataDir })).rejects.toMatchObject({ code: 'DATA_DIR_BUSY' });
    } finally {
      await first.stop();
    }
  });
});

describe('local runtime', () => {
  let runtime: LocalRuntime | undefined;
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it('seeds the sample province on first start and serves the portal over HTTP', async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: newDataDir(), log: silentLog });

    const health = await fetch(`${runtime.url}/health`);
    const home = await fetch(`${runtime.url}/`);

    expect(runtime.seeded).toBe(true);
    expect(await runtime.deps.units.list()).toHaveLength(SAMPLE_PROVINCE.length);
    expect(runtime.consoleAdmin).toBe(SAMPLE_ADMIN.email);
    expect(await runtime.deps.operators.list()).toEqual([expect.objectContaining({ email: SAMPLE_ADMIN.email, role: 'admin', active: true })]);
    expect(health.status).toBe(200);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
  });

  it('opens a unit link signed with the data dir secret on the portal, and refuses a forged one', async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: newDataDir(), log: silentLog });
    const { current } = await runtime.deps.secrets.getLinkKeys();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = signLinkToken(current, { u: 'SO-NV', v: 1, exp });
    const forged = signLinkToken({ id: current.id, secret: 'another-secret-another-secret-another' }, { u: 'SO-NV', v: 1, exp });

    const page = await fetch(`${runtime.url}/u/${token}`);
    const refused = await fetch(`${runtime.url}/u/${forged}`);

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sở Nội vụ');
    expect(refused.status).toBe(401);
  });

  it('delivers an S3 object-created event for an upload to the ingest handler, which records a submission', async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: newDataDir(), log: silentLog, ingestBackoffMs: 10 });
    const { uploadId } = await putIssuedUpload(runtime.deps.files, { formId: 'sap-xep-bo-may', period: '2026-Q4', unitCode: 'SO-NV', bytes: Buffer.from('không phải tệp Excel'), fileName: 'bao-cao.xlsx' });

    await waitFor(async () => (await runtime!.deps.submissions.get(uploadId)) !== undefined);
    await runtime.ingest.drain();
    const submission = await runtime.deps.submissions.get(uploadId);

    expect(submission).toMatchObject({ uploadId, unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2026-Q4' });
    expect(submission?.status).not.toBe('pending');
  });

  it('keeps units, files, the link secret and seeding state across a restart on the same data dir', async () => {
    const dataDir = newDataDir();
    runtime = await startLocalRuntime({ port: 0, dataDir, log: silentLog });
    await runtime.deps.units.bumpKeyVersion('SO-NV');
    // An operator who removed the sample admin: a restart must not bring it back.
    await runtime.deps.operators.add({ email: 'lan@tinhuy.example.vn', name: 'Lan', role: 'admin', active: true, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    const sample = await runtime.deps.operators.get(SAMPLE_ADMIN.email);
    await runtime.deps.operators.deactivate(SAMPLE_ADMIN.email, sample!, '2026-01-02T00:00:00.000Z');
    await runtime.deps.files.put('reports/probe.txt', 'còn đây');
    const secret = await runtime.deps.secrets.getLinkKeys();
    await runtime.stop();
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);

    runtime = await startLocalRuntime({ port: 0, dataDir, log: silentLog });

    expect(runtime.seeded).toBe(false);
    expect(runtime.consoleAdmin).toBe('lan@tinhuy.example.vn');
    expect((await runtime.deps.operators.get(SAMPLE_ADMIN.email))?.active).toBe(false);
    expect((await runtime.deps.units.get('SO-NV'))?.keyVersion).toBe(2);
    expect(await runtime.deps.units.list()).toHaveLength(SAMPLE_PROVINCE.length);
    expect((await runtime.deps.files.get('reports/probe.txt'))?.toString()).toBe('còn đây');
    expect(await runtime.deps.secrets.getLinkKeys()).toEqual(secret);
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('runs two instances with different ports and data dirs side by side', async () => {
    const a = await startLocalRuntime({ port: 0, dataDir: newDataDir(), log: silentLog });
    try {
      runtime = await startLocalRuntime({ port: 0, dataDir: newDataDir(), log: silentLog });
      await a.deps.units.bumpKeyVersion('SO-NV');

      const [ha, hb] = await Promise.all([fetch(`${a.url}/health`), fetch(`${runtime.url}/health`)]);

      expect(a.url).not.toBe(runtime.url);
      expect([ha.status, hb.status]).toEqual([200, 200]);
      expect((await runtime.deps.units.get('SO-NV'))?.keyVersion).toBe(1);
      expect((await a.deps.secrets.getLinkKeys()).current.secret).not.toBe((await runtime.deps.secrets.getLinkKeys()).current.secret);
    } finally {
      await a.stop();
    }
  });

  it('refuses a port that is already taken with a message naming it', async () => {
    expect.assertions(1);
    runtime = await startLocalRuntime({ port: 0, dataDir: newDataDir(), log: silentLog });

    await expect(startLocalRuntime({ port: runtime.port, dataDir: newDataDir(), log: silentLog })).rejects.toThrow(`Cổng ${runtime.port} đang được dùng`);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
