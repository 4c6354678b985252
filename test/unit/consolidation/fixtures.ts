/**
 * Test fixtures for consolidation: the real form definitions, a seeded random unit registry and
 * random valid-looking values (property-style tests run over many seeds).
 */
import { inProcessReminderQueue } from '../../../infra/local/in-process-reminder-queue';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFormDefinition, type FormDefinition } from '../../../functions/core/forms/definition';
import type { FormValues, Unit, UnitType } from '../../../functions/core/model';
import { UNIT_TYPES_2019 } from '../../../functions/core/units/unit-types';

import { isSummedColumn, isTextColumn } from '../../../functions/core/consolidation/report';
import { seededRandom } from '../../support/forms';
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import type { Submission, ValidationIssue } from '../../../functions/core/model';
import { testChartRenderer } from '../../support/charts';
import type { SubmissionRepository } from '../../../functions/core/ports';
import {
  FakeClock, InMemoryFileStore, InMemoryOnceLedger, InMemoryReviewStore, InMemorySubmissionRepository, InMemoryUnitRepository, RecordingMailer, fixedSecret,
} from '../../support/in-memory';

const UNIT_TYPES = UNIT_TYPES_2019.map((t) => t.code);

export function loadForm(id: 'sap-xep-bo-may' | 'bien-che-thang'): FormDefinition {
  const raw: unknown = JSON.parse(readFileSync(join(__dirname, '../../../templates', `${id}.v1.json`), 'utf8'));
  return parseFormDefinition(raw, `${id}.v1.json`);
}

/** A seeded PRNG (shared with the forms tests) so a failing seed can be replayed. */
export const rng = seededRandom;

export const int = (r: () => number, max: number) => Math.floor(r() * (max + 1));

export function makeUnits(count: number, r: () => number = rng(1)): Unit[] {
  return Array.from({ length: count }, (_, i) => {
    const type = UNIT_TYPES[int(r, UNIT_TYPES.length - 1)] as UnitType;
    const code = `DV${String(i + 1).padStart(3, '0')}`;
    return { code, name: `Đơn vị số ${i + 1} (${type})`, type, emails: [`dv${i + 1}@example.vn`], active: true, keyVersion: 1 };
  });
}

/** Random values for every applicable field of the form (numbers 0–max, text for narrative rows, table rows). */
export function randomValues(form: FormDefinition, unit: Unit, r: () => number, max = 500): FormValues {
  const fields: FormValues['fields'] = { 'header.nguoi_lap': 'Nguyễn Văn A' };
  for (const section of form.sections) {
    if (section.unitTypes && !section.unitTypes.includes(unit.type)) continue;
    for (const row of section.rows) {
      for (const key of row.columns) {
        const col = section.columns.find((c) => c.key === key)!;
        if (isSummedColumn(col)) fields[`${row.code}.${key}`] = col.type === 'money' ? int(r, 5_000_000_000) : int(r, max);
        else if (isTextColumn(col) && r() < 0.8) fields[`${row.code}.${key}`] = `Ý kiến ${row.code} của ${unit.name}: khó khăn về biên chế.`;
      }
    }
  }
  const tables: FormValues['tables'] = {};
  for (const table of form.tables) {
    tables[table.key] = Array.from({ length: 1 + int(r, 5) }, (_, i) => {
      const row: Record<string, string | number | null> = {};
      for (const c of table.columns) row[c.key] = c.type === 'text' ? (c.required ? `Phòng ${i + 1} — ${unit.code}` : null) : int(r, max);
      return row;
    });
  }
  return { fields, tables };
}

// ---- in-memory deps for the use cases ----

export function memoryDeps(units: Unit[], now: string) {
  const clock = new FakeClock(new Date(now));
  const deps = {
    forms: createFormCatalog([loadForm('sap-xep-bo-may'), loadForm('bien-che-thang')]),
    units: new InMemoryUnitRepository(units),
    submissions: new InMemorySubmissionRepository(clock),
    files: new InMemoryFileStore(),
    ledger: new InMemoryOnceLedger(clock),
    reviews: new InMemoryReviewStore(),
    mailer: new RecordingMailer(),
    charts: testChartRenderer(),
    secrets: fixedSecret(),
    portalUrl: 'https://baocao.example.vn',
    clock,
    mail: { from: 'Ban Tổ chức Tỉnh ủy <tonghop@tinhuy.example.vn>', portalUrl: 'https://baocao.example.vn' },
  };
  // Reminders go through the same in-process queue as the local runtime (the worker use case).
  return { ...deps, queue: inProcessReminderQueue(deps) };
}

let uploadSeq = 0;
/** Stores an upload the way ingest does: the record, and for an accepted one its values and the latest pointer. */
export async function submit(
  repo: Pick<SubmissionRepository, 'createIfAbsent' | 'putValues' | 'advanceLatestAccepted'>,
  input: { unitCode: string; formId: string; period: string; receivedAt: string; values?: FormValues; status?: Submission['status']; late?: boolean; warnings?: ValidationIssue[] },
): Promise<Submission> {
  uploadSeq += 1;
  const uploadId = `u${String(uploadSeq).padStart(6, '0')}`;
  const submission: Submission = {
    uploadId, unitCode: input.unitCode, formId: input.formId, period: input.period, status: input.status ?? 'accepted',
    s3Key: `uploads/${input.formId}/${input.period}/${input.unitCode}/${uploadId}.xlsx`, receivedAt: input.receivedAt,
    late: input.late ?? false, errors: [], warnings: input.warnings ?? [],
  };
  await repo.createIfAbsent(submission);
  if (submission.status === 'accepted') {
    await repo.putValues(uploadId, input.values ?? { fields: {}, tables: {} });
    await repo.advanceLatestAccepted(submission);
  }
  return submission;
}
