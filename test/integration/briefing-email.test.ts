/**
 * The leadership briefing on the wire: a 50-unit province consolidated on the embedded stack
 * (dynalite, s3rver) with the real adapters and the `.eml` outbox. The message leadership gets
 * must carry the charts as inline PNG parts (Content-ID, multipart/related) that its HTML
 * shows, the workbook and the draft report, and stay under 2 MB so it reaches a phone.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoOnceLedger } from '../../functions/adapters/dynamo-once-ledger';
import { DynamoReviewStore } from '../../functions/adapters/dynamo-review-store';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import type { Submission } from '../../functions/core/model';
import { consolidateReport, type ConsolidateDeps } from '../../functions/core/usecases/consolidate-report';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { OutboxMailer } from '../../infra/local/outbox-mailer';
import { SAMPLE_PROVINCE } from '../../infra/local/sample-province';
import { testChartRenderer } from '../support/charts';
import { FakeClock } from '../support/in-memory';
import { loadForm, randomValues, rng } from '../unit/consolidation/fixtures';

const PERIOD = '2019-Q1';
const MB = 1024 * 1024;
jest.setTimeout(180_000);

describe('briefing email (embedded stack, 50-unit province)', () => {
  let emulators: Emulators;
  let outbox: string;
  let deps: ConsolidateDeps;
  const form = loadForm('sap-xep-bo-may');

  beforeAll(async () => {
    emulators = await startEmulators();
    outbox = mkdtempSync(join(tmpdir(), 'tonghop-outbox-'));
    const opts = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
    const dynamo = createDynamoDocumentClient(opts);
    const clock = new FakeClock(new Date('2019-03-19T00:30:00Z'));
    const { createFormCatalog } = await import('../../functions/core/forms/catalog');
    const submissions = new DynamoSubmissionRepository({ client: dynamo, tableName: emulators.tableName, clock });
    const units = new DynamoUnitRepository({ client: dynamo, tableName: emulators.tableName });
    deps = {
      forms: createFormCatalog([form]),
      units,
      submissions,
      files: new S3FileStore({ client: createS3Client(opts), bucket: emulators.bucketName }),
      ledger: new DynamoOnceLedger({ client: dynamo, tableName: emulators.tableName, clock }),
      reviews: new DynamoReviewStore({ client: dynamo, tableName: emulators.tableName }),
      mailer: new OutboxMailer({ dir: outbox, clock }),
      charts: testChartRenderer(),
      clock,
      mail: { from: 'Ban Tổ chức Tỉnh ủy <tonghop@tinhuy.example.vn>', portalUrl: 'http://localhost:3000' },
    };
    await units.putMany([...SAMPLE_PROVINCE]);
    // 49 of 50 units reported (the last one did not), through the real repository.
    let n = 0;
    for (const unit of SAMPLE_PROVINCE.slice(0, 49)) {
      n += 1;
      const uploadId = `u-${String(n).padStart(4, '0')}`;
      const submission: Submission = {
        uploadId, unitCode: unit.code, formId: form.id, period: PERIOD, status: 'accepted', s3Key: `uploads/${form.id}/${PERIOD}/${unit.code}/${uploadId}.xlsx`,
        receivedAt: '2019-03-12T02:00:00.000Z', late: false, errors: [], warnings: [],
      };
      await submissions.createIfAbsent(submission);
      await submissions.putValues(uploadId, randomValues(form, unit, rng(n)));
      await submissions.advanceLatestAccepted(submission);
    }
  });
  afterAll(async () => {
    await emulators?.stop();
    if (outbox) rmSync(outbox, { recursive: true, force: true });
  });

  it('sends one message under 2 MB whose HTML shows each inline PNG part by its Content-ID, with the workbook and the draft attached', async () => {
    // Act
    const result = await consolidateReport(deps, { formId: form.id, period: PERIOD, send: true });

    // Assert
    expect(result.email).toMatchObject({ status: 'sent', delivery: 'attachment', draftAttached: true });
    const [file] = readdirSync(outbox);
    const path = join(outbox, file!);
    expect(statSync(path).size).toBeLessThanOrEqual(2 * MB);
    const mail = await simpleParser(readFileSync(path), { keepCidLinks: true });
    const inline = mail.attachments.filter((a) => a.contentDisposition === 'inline');
    expect(inline.length).toBeGreaterThanOrEqual(3);
    for (const part of inline) {
      expect(part.contentType).toBe('image/png');
      expect(part.content.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(part.cid).toMatch(/^bieu-do-[a-z0-9-]+@tonghop$/);
    }
    const referenced = [...String(mail.html).matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]);
    expect(referenced).toEqual(inline.map((a) => a.cid));
    expect(mail.attachments.filter((a) => a.contentDisposition === 'attachment').map((a) => a.filename)).toEqual([
      'Tổng hợp - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.xlsx',
      'Dự thảo báo cáo - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.docx',
    ]);
    expect(mail.subject).toBe('Tổng hợp Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — 49/50 đơn vị đã báo cáo');
    expect(mail.text).toContain(result.summary[0]);
    expect(mail.text).toContain(SAMPLE_PROVINCE[49]!.name);
  });
});
