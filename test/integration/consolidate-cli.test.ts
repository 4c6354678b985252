/**
 * `tonghop consolidate`, `reports list|get` and `remind` on a data dir the embedded stack
 * persisted: exit codes, what they print (where the workbook went, who was emailed) and the
 * `.eml` files they leave in the outbox.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { systemClock } from '../../functions/core/ports';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import type { CliCommand } from '../../infra/cli/command';
import { command as consolidate } from '../../infra/cli/commands/consolidate';
import { command as remind } from '../../infra/cli/commands/remind';
import { command as reports } from '../../infra/cli/commands/reports';
import { startEmulators } from '../../infra/local/emulators';
import { FORM_ID, keyFor, testCatalog, unitOf, workbookFor } from '../unit/ingest/support';

const PERIOD = '2019-Q1';

async function run(command: CliCommand, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    return { code: await command.run(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

jest.setTimeout(120_000);

describe('tonghop consolidate / reports / remind', () => {
  let dataDir: string;
  const previous = process.env.TONGHOP_DATA_DIR;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tonghop-cli-'));
    process.env.TONGHOP_DATA_DIR = dataDir;
    const emulators = await startEmulators({ dataDir });
    try {
      const options = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
      const dynamo = createDynamoDocumentClient(options);
      const deps = {
        submissions: new DynamoSubmissionRepository({ client: dynamo, tableName: emulators.tableName }),
        units: new DynamoUnitRepository({ client: dynamo, tableName: emulators.tableName }),
        files: new S3FileStore({ client: createS3Client(options), bucket: emulators.bucketName }),
        catalog: await testCatalog(),
        clock: systemClock,
        maxUploadBytes: 5 * 1024 * 1024,
      };
      const reporting = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
      await deps.units.putMany([reporting, unitOf('SO-TC', 'so-nganh', 'Sở Tài chính')]);
      const { bytes } = await workbookFor(reporting, PERIOD, { seed: 3 });
      const { key } = keyFor(reporting.code, PERIOD, '2019-03-12T02:00:00.000Z');
      await deps.files.put(key, bytes);
      await ingestUpload(deps, { bucketKey: key, eventTime: '2019-03-12T02:00:00.000Z', size: bytes.length });
    } finally {
      await emulators.stop();
    }
  });
  afterAll(() => {
    process.env.TONGHOP_DATA_DIR = previous;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('consolidates, writes --out, emails once and says who was emailed', async () => {
    const out = join(dataDir, 'tong-hop.xlsx');
    const first = await run(consolidate, ['--form', FORM_ID, '--period', PERIOD, '--send', '--out', out]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('1/2 đơn vị đã báo cáo');
    expect(first.out).toMatch(/Bảng tổng hợp: s3:\/\/tonghop-local\/reports\/sap-xep-bo-may\/2019-Q1\/\d{8}T\d{6}-[0-9a-f]{8}\.xlsx/);
    expect(first.out).toContain('Chưa báo cáo (1): Sở Tài chính (SO-TC)');
    expect(first.out).toContain('Email đã gửi tới: thuongtruc@tinhuy.example.vn, vanphong@tinhuy.example.vn (cc: bantochuc@tinhuy.example.vn)');
    expect(existsSync(out)).toBe(true);
    const outbox = readdirSync(join(dataDir, 'outbox'));
    expect(outbox).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(dataDir, 'outbox', outbox[0]!)));
    expect(mail.attachments[0]!.content.equals(readFileSync(out))).toBe(true);

    const second = await run(consolidate, ['--form', FORM_ID, '--period', PERIOD, '--send']);
    expect(second.code).toBe(0);
    expect(second.out).toContain('đã được gửi lúc');
    expect(readdirSync(join(dataDir, 'outbox'))).toHaveLength(1);
  });

  it('lists the stored workbooks and gets the latest one', async () => {
    const listed = await run(reports, ['list', '--form', FORM_ID, '--json']);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.out) as Array<{ key: string; period: string }>;
    expect(rows).toHaveLength(1);
    const file = join(dataDir, 'latest.xlsx');
    const got = await run(reports, ['get', 'latest', '--form', FORM_ID, '--out', file]);
    expect(got.code).toBe(0);
    expect(readFileSync(file).equals(readFileSync(join(dataDir, 'tong-hop.xlsx')))).toBe(true);
  });

  it('reminds the unit that has not reported on 13/03/2019', async () => {
    const result = await run(remind, ['--form', FORM_ID, '--date', '2019-03-13']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('SO-TC  Sở Tài chính (2019-Q1, trước hạn) — đã gửi');
    expect(result.out).not.toContain('SO-YTE');
  });

  it('exits 1 for an unknown form and 2 for bad usage', async () => {
    expect((await run(consolidate, ['--form', 'khong-co', '--period', PERIOD])).code).toBe(1);
    expect((await run(consolidate, ['--form', FORM_ID])).code).toBe(2);
    expect((await run(reports, ['get', 'reports/none.xlsx', '--out', join(dataDir, 'x.xlsx')])).code).toBe(1);
  });
});
