/**
 * `TONGHOP_TARGET=aws`: the operator CLI works on a deployed stack through the Lambdas' own
 * adapters and the SDK's default configuration. Here the "deployed stack" is the embedded
 * emulators, reached through the SDK's standard endpoint variables (AWS_ENDPOINT_URL_DYNAMODB),
 * so the test runs the real wire protocol with no AWS account.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { DynamoAuditLog } from '../../functions/adapters/dynamo-audit-log';
import { LEGACY_LINK_KEY_ID, verifyLinkToken } from '../../functions/core/links';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { runTonghop } from '../support/cli';
import { seedDeployedCatalog } from '../support/seed-forms';

jest.setTimeout(120_000);

const SECRET = 'a-deployed-stack-link-secret-0123456789';

const tonghop = runTonghop;

describe('tonghop CLI', () => {
  describe('on a deployed stack (TONGHOP_TARGET=aws)', () => {
    let emulators: Emulators;
    let work: string;
    let env: Record<string, string>;
    beforeAll(async () => {
      emulators = await startEmulators();
      // The deploy's seed trigger published templates/ into the stack's catalog.
      await seedDeployedCatalog(emulators);
      work = mkdtempSync(join(tmpdir(), 'tonghop-aws-cli-'));
      env = {
        TONGHOP_TARGET: 'aws',
        TONGHOP_DATA_DIR: join(work, 'unused-local-data'),
        TONGHOP_TABLE: emulators.tableName,
        TONGHOP_BUCKET: emulators.bucketName,
        TONGHOP_PORTAL_URL: 'https://baocao.tinhuy.example.vn',
        TONGHOP_LINK_SECRET: SECRET,
        AWS_REGION: emulators.region,
        AWS_ACCESS_KEY_ID: emulators.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emulators.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
        // The stack's bucket: the run-time form catalog's bodies are read there.
        AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
      };
    });
    afterAll(async () => {
      await emulators.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('says a stack with no unit registry yet needs units import (npm start has nothing to do with it)', async () => {
      const result = await tonghop(['units', 'list', '--json'], env);

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([]);
      expect(result.stderr).toContain('Stack đã triển khai chưa có danh sách đơn vị');
      expect(result.stderr).toContain('TONGHOP_TARGET=aws npx tonghop units import <tệp.csv|tệp.xlsx>');
      expect(result.stderr).not.toContain('npm start');
    });

    it('imports units into the stack table and issues links signed with the stack secret', async () => {
      const csv = join(work, 'units.csv');
      writeFileSync(csv, 'code,name,type,emails,active\nSO-NV,Sở Nội vụ,so-nganh,vanphong@sonv.example.vn,true\nH-TS,Huyện ủy Tây Sơn,huyen,vp@tayson.example.vn,true\n');

      const imported = await tonghop(['units', 'import', csv], env);
      const listed = await tonghop(['units', 'list', '--json'], env);
      const links = await tonghop(['links', '--period', '2019-Q1', '--form', 'sap-xep-bo-may', '--json'], env);

      expect(imported.code).toBe(0);
      expect(JSON.parse(listed.stdout).map((u: { code: string }) => u.code)).toEqual(['H-TS', 'SO-NV']);
      expect(links.code).toBe(0);
      const issued = JSON.parse(links.stdout) as Array<{ unit: string; url: string; token: string }>;
      expect(issued.map((l) => l.unit)).toEqual(['H-TS', 'SO-NV']);
      for (const link of issued) {
        expect(link.url).toBe(`https://baocao.tinhuy.example.vn/u/${link.token}`);
        expect(verifyLinkToken({ current: { id: LEGACY_LINK_KEY_ID, secret: SECRET } }, link.token, new Date('2019-03-01T00:00:00Z')).u).toBe(link.unit);
      }
    });

    it('writes the draft report from the stack\'s records with no sender configured (a draft sends nothing)', async () => {
      const out = join(work, 'du-thao.docx');

      const result = await tonghop(['reports', 'draft', '--form', 'sap-xep-bo-may', '--period', '2019-Q1', '--out', out], env);

      expect(result.stderr).not.toContain('TONGHOP_MAIL_FROM');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('(0/2 đơn vị đã báo cáo)');
      expect(readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK');
    });

    it('adds the stack\'s first admin and prints a sign-in link on the stack\'s portal, audited with the AWS profile', async () => {
      // An operator's named profile (credentials file), as on a workstation.
      const credentials = join(work, 'aws-credentials');
      writeFileSync(credentials, `[tinhuy-prod]\naws_access_key_id = ${emulators.credentials.accessKeyId}\naws_secret_access_key = ${emulators.credentials.secretAccessKey}\n`);
      const profileEnv = { ...env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: 'tinhuy-prod', AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(work, 'no-aws-config') };
      const added = await tonghop(['operators', 'add', '--email', 'QuanTri@TinhUy.example.vn', '--name', 'Quản trị', '--role', 'admin'], profileEnv);
      const link = await tonghop(['operators', 'link', '--email', 'quantri@tinhuy.example.vn', '--json'], profileEnv);

      expect(added.code).toBe(0);
      expect(link.code).toBe(0);
      const { url } = JSON.parse(link.stdout) as { url: string };
      expect(url).toMatch(/^https:\/\/baocao\.tinhuy\.example\.vn\/quan-tri\/sign-in\/[A-Za-z0-9_-]{43}$/);
      const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
      try {
        const audit = await new DynamoAuditLog({ client, tableName: emulators.tableName }).list({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000), limit: 10 });
        expect(audit.filter((e) => e.action.startsWith('operator.')).map((e) => [e.action, e.actor])).toEqual([
          ['operator.link', expect.stringMatching(/^cli:.+ aws:tinhuy-prod$/)],
          ['operator.add', expect.stringMatching(/^cli:.+ aws:tinhuy-prod$/)],
        ]);
      } finally {
        client.destroy();
      }
    });

    it("edits the stack's province calendar: the shipped one first, then the saved one, audited", async () => {
      const shipped = await tonghop(['calendar', 'list', '--year', '2026', '--json'], env);
      expect(shipped.code).toBe(0);
      expect(JSON.parse(shipped.stdout)).toEqual(expect.arrayContaining([{ date: '2026-01-10', kind: 'working', name: 'Làm bù ngày 02/01/2026 (hoán đổi dịp Tết Dương lịch)' }]));

      const credentials = join(work, 'aws-credentials-calendar');
      writeFileSync(credentials, `[tinhuy-prod]\naws_access_key_id = ${emulators.credentials.accessKeyId}\naws_secret_access_key = ${emulators.credentials.secretAccessKey}\n`);
      const profileEnv = { ...env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: 'tinhuy-prod', AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(work, 'no-aws-config') };
      const added = await tonghop(['calendar', 'add', '2027-02-20', '--kind', 'lam-bu', '--name', 'Làm bù ngày 04/02/2027'], profileEnv);
      expect(added.stderr).toBe('');
      expect(added).toMatchObject({ code: 0, stdout: 'Đã thêm ngày 20/02/2027 (thứ Bảy): làm bù — Làm bù ngày 04/02/2027\n' });
      const listed = await tonghop(['calendar', 'list', '--year', '2027'], env);
      expect(listed.stdout).toContain('20/02/2027  thứ Bảy   làm bù  Làm bù ngày 04/02/2027');
      expect(listed.stdout).toMatch(/Lịch đã lưu, lần sửa thứ 1 lúc .* bởi cli:.+ aws:tinhuy-prod\./);

      const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
      try {
        const today = new Date();
        const entries = await new DynamoAuditLog({ client, tableName: emulators.tableName }).list({ from: new Date(today.getTime() - 3_600_000), to: new Date(today.getTime() + 60_000), limit: 50 });
        expect(entries.find((e) => e.action === 'calendar.add')).toMatchObject({ target: '2027-02-20', actor: expect.stringMatching(/ aws:tinhuy-prod$/) });
      } finally {
        client.destroy();
      }
    });

    it('refuses with exit 2 and names the missing settings when the stack is not configured', async () => {
      const result = await tonghop(['units', 'list', '--json'], { ...env, TONGHOP_TABLE: '' });

      expect(result.code).toBe(2);
      expect(result.stderr).toContain('TONGHOP_TABLE');
    });
  });
});
