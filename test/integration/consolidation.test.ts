/**
 * Consolidation on the embedded stack over the real wire protocols: real filled workbooks
 * uploaded to s3rver and ingested into dynalite by the ingest use case, then the consolidation
 * use case with the real adapters (S3FileStore, DynamoSubmissionRepository, DynamoOnceLedger)
 * and the `.eml` outbox mailer. What leadership relies on: one correct email with the workbook,
 * never a second one for the same figures, and a marked update when a late report arrives.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoOnceLedger } from '../../functions/adapters/dynamo-once-ledger';
import { DynamoReviewStore } from '../../functions/adapters/dynamo-review-store';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { computeTotals } from '../../functions/core/consolidation/totals';
import { figureKeys } from '../../functions/core/consolidation/report';
import type { FormCatalog } from '../../functions/core/forms';
import type { FormValues, Unit } from '../../functions/core/model';
import { consolidateReport, type ConsolidateDeps } from '../../functions/core/usecases/consolidate-report';
import { listConsolidations } from '../../functions/core/usecases/list-consolidations';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { OutboxMailer } from '../../infra/local/outbox-mailer';
import { FakeClock } from '../support/in-memory';
import { FORM_ID, testCatalog, unitOf, uploadFor, workbookFor } from '../unit/ingest/support';
import { testChartRenderer } from '../support/charts';

const PERIOD = '2019-Q1';

// The project-level testTimeout is not applied by jest 30; a loaded 2-core machine needs more than 5 s.
jest.setTimeout(120_000);

describe('consolidation (embedded stack)', () => {
  let emulators: Emulators;
  let outbox: string;
  let catalog: FormCatalog;
  let deps: ConsolidateDeps & { units: DynamoUnitRepository; clock: FakeClock; locks: DynamoReviewStore };
  let files: S3FileStore;
  const units: Unit[] = [unitOf('SNV', 'so-nganh', 'Sở Nội vụ'), unitOf('HTD', 'huyen', 'Huyện ủy Tam Đảo'), unitOf('BTG', 'ban-dang', 'Ban Tuyên giáo Tỉnh ủy')];
  const accepted = new Map<string, FormValues>();

  async function upload(unit: Unit, at: string, seed: number): Promise<void> {
    const { bytes, values } = await workbookFor(unit, PERIOD, { seed });
    const { key } = await uploadFor(files, unit.code, PERIOD, bytes, { at });
    deps.clock.set(at);
    await ingestUpload({ ...deps, catalog, maxUploadBytes: 5 * 1024 * 1024 }, { bucketKey: key, eventTime: at, size: bytes.length });
    accepted.set(unit.code, values);
  }

  beforeAll(async () => {
    emulators = await startEmulators();
    outbox = mkdtempSync(join(tmpdir(), 'tonghop-outbox-'));
    catalog = await testCatalog();
    const opts = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
    const dynamo = createDynamoDocumentClient(opts);
    const clock = new FakeClock(new Date('2019-03-12T02:00:00Z'));
    files = new S3FileStore({ client: createS3Client(opts), bucket: emulators.bucketName });
    deps = {
      forms: catalog,
      units: new DynamoUnitRepository({ client: dynamo, tableName: emulators.tableName }),
      submissions: new DynamoSubmissionRepository({ client: dynamo, tableName: emulators.tableName, clock }),
      files,
      ledger: new DynamoOnceLedger({ client: dynamo, tableName: emulators.tableName, clock }),
      mailer: new OutboxMailer({ dir: outbox, clock }),
      charts: testChartRenderer(),
      clock,
      mail: { from: 'Ban Tổ chức Tỉnh ủy <tonghop@tinhuy.example.vn>', portalUrl: 'http://localhost:3000' },
      reviews: new DynamoReviewStore({ client: dynamo, tableName: emulators.tableName }),
      locks: new DynamoReviewStore({ client: dynamo, tableName: emulators.tableName }),
    };
    await deps.units.putMany(units);
    await upload(units[0]!, '2019-03-12T02:00:00.000Z', 11);
    await upload(units[1]!, '2019-03-13T03:00:00.000Z', 12);
  });
  afterAll(async () => {
    await emulators?.stop();
    if (outbox) rmSync(outbox, { recursive: true, force: true });
  });

  const emails = () => readdirSync(outbox).sort();

  describe('consolidate --send', () => {
    it('stores the workbook under reports/ and puts one correct email with it in the outbox', async () => {
      // Act
      deps.clock.set('2019-03-19T00:30:00.000Z');
      const result = await consolidateReport(deps, { formId: FORM_ID, period: PERIOD, send: true });

      // Assert: the stored object is the attached workbook.
      expect(result.key).toMatch(/^reports\/sap-xep-bo-may\/2019-Q1\/20190319T003000-[0-9a-f]{8}\.xlsx$/);
      const stored = await files.get(result.key);
      expect(stored?.equals(result.workbook)).toBe(true);
      expect(emails()).toHaveLength(1);
      const mail = await simpleParser(readFileSync(join(outbox, emails()[0]!)));
      expect(mail.subject).toBe('Tổng hợp Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — 2/3 đơn vị đã báo cáo');
      expect(mail.text).toContain('Ban Tuyên giáo Tỉnh ủy (BTG) — quá hạn, nộp muộn');
      const wb = new ExcelJS.Workbook();
      // The workbook is the attachment named .xlsx (the charts are inline parts, the draft a .docx).
      await wb.xlsx.load(mail.attachments.find((a) => a.filename?.endsWith('.xlsx'))!.content as unknown as ExcelJS.Buffer);
      // The province totals in "Chi tiết đơn vị" equal the sums of what the units typed.
      const form = catalog.require(FORM_ID);
      const expected = computeTotals(form, [...accepted.values()]);
      const detail = wb.getWorksheet('Chi tiết đơn vị')!;
      let totalRow: ExcelJS.Row | undefined;
      detail.eachRow((row) => {
        if (String(row.getCell(3).value ?? '').startsWith('Tổng cộng')) totalRow = row;
      });
      figureKeys(form).forEach((f, i) => expect([f.key, totalRow!.getCell(6 + i).value ?? null]).toEqual([f.key, expected[f.key] ?? null]));
      let btg: ExcelJS.Row | undefined;
      detail.eachRow((row) => {
        if (row.getCell(2).value === 'BTG') btg = row;
      });
      expect(btg!.getCell(5).value).toBe('chưa báo cáo');
      expect(btg!.getCell(6).value).toBeNull();
    });

    it('does not send again when nothing changed', async () => {
      const again = await consolidateReport(deps, { formId: FORM_ID, period: PERIOD, send: true });
      expect(again.email.status).toBe('already-sent');
      expect(again.reused).toBe(true);
      expect(emails()).toHaveLength(1);
    });

    it('sends a marked update when a late report changes the figures', async () => {
      await upload(units[2]!, '2019-03-19T04:00:00.000Z', 13);
      deps.clock.set('2019-03-20T00:30:00.000Z');
      const update = await consolidateReport(deps, { formId: FORM_ID, period: PERIOD, send: true });
      expect(update.email).toMatchObject({ status: 'sent', updated: true });
      expect(emails()).toHaveLength(2);
      const mail = await simpleParser(readFileSync(join(outbox, emails()[1]!)));
      expect(mail.subject).toBe('[Bản cập nhật] Tổng hợp Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — 3/3 đơn vị đã báo cáo');
      expect(mail.text).toContain('Đơn vị báo cáo bổ sung (1): Ban Tuyên giáo Tỉnh ủy.');
      expect(mail.text).toContain('Đơn vị nộp muộn (1): Ban Tuyên giáo Tỉnh ủy.');
      const reports = await files.list('reports/sap-xep-bo-may/2019-Q1/');
      expect(reports).toHaveLength(2);
    });

    it('lists both workbooks for the console, newest first, with the units each counts and the email each went out in (S3 metadata, ledger on DynamoDB)', async () => {
      const listing = await listConsolidations(deps, { formId: FORM_ID, period: PERIOD });
      expect(listing.workbooks.map((w) => [w.unitsReported, w.unitsExpected, w.email.status])).toEqual([[3, 3, 'sent'], [2, 3, 'sent']]);
      expect(listing.workbooks[0]).toMatchObject({ fileName: 'Tổng hợp - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.xlsx', email: { subject: expect.stringMatching(/^\[Bản cập nhật\] .* 3\/3 đơn vị đã báo cáo$/) } });
    });
  });
});
