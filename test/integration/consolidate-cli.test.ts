/**
 * `tonghop consolidate`, `reports list|get|draft` and `remind` on a data dir the embedded stack
 * persisted: exit codes, what they print (where the workbook or draft report went, who was
 * emailed) and the `.eml` files they leave in the outbox.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import { command as consolidate } from '../../infra/cli/commands/consolidate';
import { command as remind } from '../../infra/cli/commands/remind';
import { command as reports } from '../../infra/cli/commands/reports';
import { runCli as run, seedDataDir, tempDataDir } from '../support/cli';
import { unzip } from '../support/draft-report';
import { FORM_ID, unitOf, uploadFor, workbookFor } from '../unit/ingest/support';

const PERIOD = '2019-Q1';

jest.setTimeout(120_000);

describe('tonghop consolidate / reports / remind', () => {
  let dataDir: string;
  let temp: ReturnType<typeof tempDataDir> | undefined;

  beforeAll(async () => {
    temp = tempDataDir();
    dataDir = temp.dir;
    await seedDataDir(dataDir, async (deps) => {
      const reporting = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
      await deps.units.putMany([reporting, unitOf('SO-TC', 'so-nganh', 'Sở Tài chính')]);
      const { bytes } = await workbookFor(reporting, PERIOD, { seed: 3 });
      const { key } = await uploadFor(deps.files, reporting.code, PERIOD, bytes, { at: '2019-03-12T02:00:00.000Z' });
      await ingestUpload(deps, { bucketKey: key, eventTime: '2019-03-12T02:00:00.000Z', size: bytes.length });
    });
  });
  afterAll(() => temp?.remove());

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
    // The workbook is the attachment named .xlsx (the charts are inline parts, the draft a .docx).
    const workbook = mail.attachments.find((a) => a.filename?.endsWith('.xlsx'));
    expect(workbook?.content.equals(readFileSync(out))).toBe(true);

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

  it('writes the draft report of the period as .docx, with the reporting unit\'s figures and the unit not reported', async () => {
    const file = join(dataDir, 'du-thao.docx');
    const result = await run(reports, ['draft', '--form', FORM_ID, '--period', PERIOD, '--out', file]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Đã ghi dự thảo báo cáo "Dự thảo báo cáo - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.docx" (1/2 đơn vị đã báo cáo)');
    const xml = (await unzip(readFileSync(file))).get('word/document.xml')!.toString('utf8');
    expect(xml).toContain('DỰ THẢO');
    expect(xml).toContain('Trên cơ sở báo cáo của 1/2 đơn vị');
    expect(xml).toContain('Sở Tài chính');
  });

  it('refuses a draft report without --out or to a file that is not .docx (exit 2), and an unknown form (exit 1)', async () => {
    const noOut = await run(reports, ['draft', '--form', FORM_ID, '--period', PERIOD]);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toContain('Cần --out <tệp.docx>.');
    const xlsx = await run(reports, ['draft', '--form', FORM_ID, '--period', PERIOD, '--out', join(dataDir, 'du-thao.xlsx')]);
    expect(xlsx.code).toBe(2);
    expect(xlsx.err).toContain('Tệp ra phải có đuôi .docx');
    expect(existsSync(join(dataDir, 'du-thao.xlsx'))).toBe(false);
    expect((await run(reports, ['draft', '--form', 'khong-co', '--period', PERIOD, '--out', join(dataDir, 'x.docx')])).code).toBe(1);
  });

  it('reminds the unit that has not reported on 13/03/2019', async () => {
    const result = await run(remind, ['--form', FORM_ID, '--date', '2019-03-13']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('SO-TC  Sở Tài chính (2019-Q1, trước hạn) — đã gửi');
    expect(result.out).not.toContain('SO-YTE');
    expect(result.out).toContain('Nhắc nộp báo cáo sap-xep-bo-may, ngày 13/03/2019:');
    expect(result.out).not.toContain('2019-03-13');
  });

  it('names the day after the deadline in dd/mm/yyyy and the digest as the overdue units not yet submitted', async () => {
    const result = await run(remind, ['--form', FORM_ID, '--date', '2019-03-19']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Nhắc nộp báo cáo sap-xep-bo-may, ngày 19/03/2019:');
    expect(result.out).toMatch(/Danh sách quá hạn chưa nộp 2019-Q1 \(1 đơn vị\)/);
    expect(result.out).not.toMatch(/2019-03-19|nộp muộn/);
  });

  it('exits 1 for an unknown form and 2 for bad usage', async () => {
    expect((await run(consolidate, ['--form', 'khong-co', '--period', PERIOD])).code).toBe(1);
    expect((await run(consolidate, ['--form', FORM_ID])).code).toBe(2);
    expect((await run(reports, ['get', 'reports/none.xlsx', '--out', join(dataDir, 'x.xlsx')])).code).toBe(1);
  });
});
