/**
 * Reminders on the embedded stack: units and submissions in dynalite, claims in the
 * DynamoOnceLedger, emails as `.eml` files in the outbox. A unit that has not reported gets one
 * email with its own working link on its reminder day, even when the run is repeated.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { DynamoOnceLedger } from '../../functions/adapters/dynamo-once-ledger';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { createFormCatalog } from '../../functions/core/forms/catalog';
import { verifyLinkToken } from '../../functions/core/links';
import type { Unit } from '../../functions/core/model';
import { reminderRunAt, sendReminders, type RemindDeps } from '../../functions/core/usecases/send-reminders';
import type { SendUnitReminderDeps } from '../../functions/core/usecases/send-unit-reminder';
import { inProcessReminderQueue } from '../../infra/local/in-process-reminder-queue';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { OutboxMailer } from '../../infra/local/outbox-mailer';
import { FakeClock, fixedSecret } from '../support/in-memory';
import { loadForm } from '../unit/consolidation/fixtures';

// The project-level testTimeout is not applied by jest 30; a loaded 2-core machine needs more than 5 s.
jest.setTimeout(120_000);

describe('reminders (embedded stack)', () => {
  let emulators: Emulators;
  let outbox: string;
  let deps: RemindDeps & SendUnitReminderDeps & { clock: FakeClock };
  const form = loadForm('sap-xep-bo-may');
  const silent: Unit = { code: 'HNN', name: 'Hội Nông dân tỉnh', type: 'mttq-doan-the', emails: ['hoinongdan@example.vn'], active: true, keyVersion: 1 };
  const done: Unit = { code: 'SNV', name: 'Sở Nội vụ', type: 'so-nganh', emails: ['sonoivu@example.vn'], active: true, keyVersion: 1 };

  beforeAll(async () => {
    emulators = await startEmulators();
    outbox = mkdtempSync(join(tmpdir(), 'tonghop-outbox-'));
    const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
    const clock = new FakeClock(reminderRunAt(form, '2019-03-13'));
    const submissions = new DynamoSubmissionRepository({ client, tableName: emulators.tableName, clock });
    const base = {
      forms: createFormCatalog([form]),
      units: new DynamoUnitRepository({ client, tableName: emulators.tableName }),
      submissions,
      ledger: new DynamoOnceLedger({ client, tableName: emulators.tableName, clock }),
      mailer: new OutboxMailer({ dir: outbox, clock }),
      clock,
      secrets: fixedSecret(),
      portalUrl: 'http://localhost:3000',
      mail: { from: 'tonghop@tinhuy.example.vn' },
    };
    deps = { ...base, queue: inProcessReminderQueue(base) };
    await deps.units.putMany([silent, done]);
    const accepted = {
      uploadId: '20190312T020000000Z-aaaa', unitCode: done.code, formId: form.id, period: '2019-Q1', status: 'accepted' as const,
      s3Key: 'uploads/x.xlsx', receivedAt: '2019-03-12T02:00:00.000Z', errors: [], warnings: [],
    };
    await submissions.createIfAbsent(accepted);
    await submissions.putValues(accepted.uploadId, { fields: { '01.truoc': 3 }, tables: {} });
    await submissions.advanceLatestAccepted(accepted);
  });
  afterAll(async () => {
    await emulators?.stop();
    if (outbox) rmSync(outbox, { recursive: true, force: true });
  });

  it('emails only the unit that has not reported, once, with a link that opens its own page', async () => {
    // Act: the run on 13/03/2019 (3 working days before the deadline of Mon 18/03), twice.
    const first = await sendReminders(deps, { formId: form.id });
    const second = await sendReminders(deps, { formId: form.id });

    // Assert
    expect(first.reminders.map((r) => [r.unitCode, r.status])).toEqual([['HNN', 'sent']]);
    expect(second.reminders.map((r) => [r.unitCode, r.status])).toEqual([['HNN', 'already-sent']]);
    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(outbox, files[0]!)));
    expect(mail.to).toMatchObject({ text: 'hoinongdan@example.vn' });
    expect(mail.subject).toBe('[Nhắc nộp báo cáo] Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — hạn nộp 17:00 ngày 18/03/2019');
    const token = /http:\/\/localhost:3000\/u\/(\S+)/.exec(mail.text ?? '')![1]!;
    expect(verifyLinkToken(await deps.secrets.getLinkKeys(), token, deps.clock.now())).toMatchObject({ u: 'HNN', v: 1 });
  });
});
