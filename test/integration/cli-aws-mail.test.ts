/**
 * `TONGHOP_TARGET=aws`: `consolidate --send` and `remind` email through SES, as the scheduled
 * Lambdas do, and claim the once-ledger only around a successful send. The "deployed stack" is
 * the embedded emulators and a stand-in SES endpoint (SendEmail over HTTP, the SDK's real wire
 * protocol), reached through the SDK's endpoint variables.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { runTonghop } from '../support/cli';
import { seedDeployedCatalog } from '../support/seed-forms';

jest.setTimeout(180_000);

interface SesRequest {
  path: string;
  body: { FromEmailAddress?: string; Destination?: { ToAddresses?: string[]; CcAddresses?: string[] } };
}

/** A stand-in for the SES v2 API: records each request, answers as `mode` says. */
async function startFakeSes(): Promise<{ url: string; requests: SesRequest[]; mode: { reject: boolean }; stop(): Promise<void> }> {
  const requests: SesRequest[] = [];
  const mode = { reject: false };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', body: JSON.parse(raw || '{}') as SesRequest['body'] });
      if (mode.reject) {
        res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' });
        res.end(JSON.stringify({ message: 'Email address is not verified.' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ MessageId: `ses-${requests.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    mode,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('tonghop CLI', () => {
  describe('email on a deployed stack (TONGHOP_TARGET=aws)', () => {
    let emulators: Emulators;
    let ses: Awaited<ReturnType<typeof startFakeSes>>;
    let work: string;
    let dataDir: string;
    let env: Record<string, string>;
    const sendEmails = () => ses.requests.filter((r) => r.path === '/v2/email/outbound-emails');
    const outboxFiles = () => (existsSync(join(dataDir, 'outbox')) ? readdirSync(join(dataDir, 'outbox')) : []);

    beforeAll(async () => {
      emulators = await startEmulators();
      // The deploy's seed trigger published templates/ into the stack's catalog.
      await seedDeployedCatalog(emulators);
      ses = await startFakeSes();
      work = mkdtempSync(join(tmpdir(), 'tonghop-aws-mail-'));
      dataDir = join(work, 'local-data');
      env = {
        TONGHOP_TARGET: 'aws',
        TONGHOP_DATA_DIR: dataDir,
        TONGHOP_TABLE: emulators.tableName,
        TONGHOP_BUCKET: emulators.bucketName,
        TONGHOP_PORTAL_URL: 'https://baocao.tinhuy.example.vn',
        TONGHOP_LINK_SECRET: 'a-deployed-stack-link-secret-0123456789',
        TONGHOP_MAIL_FROM: 'baocao@tinhuy.example.vn',
        AWS_REGION: emulators.region,
        AWS_ACCESS_KEY_ID: emulators.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emulators.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
        AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
        AWS_ENDPOINT_URL_SESV2: ses.url,
      };
      const csv = join(work, 'units.csv');
      writeFileSync(csv, 'code,name,type,emails,active\nSO-NV,Sở Nội vụ,so-nganh,vanphong@sonv.example.vn,true\nH-TS,Huyện ủy Tây Sơn,huyen,vp@tayson.example.vn,true\n');
      const imported = await runTonghop(['units', 'import', csv], env);
      expect(imported.code).toBe(0);
    });
    afterAll(async () => {
      await ses?.stop();
      await emulators?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });
    beforeEach(() => {
      ses.requests.length = 0;
      ses.mode.reject = false;
    });

    it('sends the consolidation to leadership through SES, and claims it only once SES accepted it', async () => {
      const consolidate = ['consolidate', '--form', 'sap-xep-bo-may', '--period', '2019-Q1', '--send', '--json'];

      // Act: SES refuses, then accepts, then the same figures are asked for again.
      ses.mode.reject = true;
      const refused = await runTonghop(consolidate, env);
      const rejectedCalls = sendEmails().length;
      ses.mode.reject = false;
      const sent = await runTonghop(consolidate, env);
      const again = await runTonghop(consolidate, env);

      // Assert: the refused send left nothing claimed, so the retry really sent; no local .eml.
      expect(refused.code).not.toBe(0);
      expect(rejectedCalls).toBe(1);
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout).email).toMatchObject({ status: 'sent', to: ['thuongtruc@tinhuy.example.vn', 'vanphong@tinhuy.example.vn'] });
      expect(sendEmails()).toHaveLength(2);
      expect(sendEmails()[1]!.body).toMatchObject({ FromEmailAddress: 'baocao@tinhuy.example.vn', Destination: { ToAddresses: ['thuongtruc@tinhuy.example.vn', 'vanphong@tinhuy.example.vn'] } });
      expect(JSON.parse(again.stdout).email).toMatchObject({ status: 'already-sent' });
      expect(outboxFiles()).toEqual([]);
    });

    it('sends the reminders through SES, and a unit whose email SES refused is reminded on the retry', async () => {
      const remind = ['remind', '--form', 'sap-xep-bo-may', '--date', '2019-03-13', '--json'];

      ses.mode.reject = true;
      const refused = await runTonghop(remind, env);
      const rejectedCalls = sendEmails().length;
      ses.mode.reject = false;
      const retried = await runTonghop(remind, env);

      expect(refused.code).not.toBe(0);
      expect(rejectedCalls).toBe(2);
      expect(retried.code).toBe(0);
      expect(JSON.parse(retried.stdout).reminders.map((r: { unitCode: string; status: string }) => [r.unitCode, r.status])).toEqual([['H-TS', 'sent'], ['SO-NV', 'sent']]);
      expect(sendEmails().map((r) => r.body.Destination?.ToAddresses)).toEqual(expect.arrayContaining([['vp@tayson.example.vn'], ['vanphong@sonv.example.vn']]));
      expect(outboxFiles()).toEqual([]);
    });
  });
});
