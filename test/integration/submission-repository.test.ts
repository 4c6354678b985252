/**
 * DynamoSubmissionRepository against dynalite (real DynamoDB wire protocol): idempotent create,
 * numbered versions, the ordered latest pointer, and province totals (computed from the
 * pointers) that equal the sum of the latest accepted values even when hundreds of units are
 * accepted at once, with resubmissions and redelivered messages.
 */
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import type { FormValues, Submission } from '../../functions/core/model';
import type { AcceptedValues } from '../../functions/core/ports';
import { newUploadId, uploadKey } from '../../functions/core/upload-id';
import { startEmulators, type Emulators } from '../../infra/local/emulators';

const FORM = 'sap-xep-bo-may';

function submission(unitCode: string, receivedAt: string, period = '2026-Q1', overrides: Partial<Submission> = {}): Submission {
  const uploadId = newUploadId(new Date(receivedAt));
  return {
    uploadId, unitCode, formId: FORM, period, status: 'pending',
    s3Key: uploadKey({ formId: FORM, period, unitCode, uploadId }), receivedAt, errors: [], warnings: [], ...overrides,
  };
}

const values = (n: number): FormValues => ({ fields: { '01.truoc': n, '17.so_tien': n * 1_000_000_007, '25.noi_dung': `Kết quả ${n}` }, tables: {} });
const sumField = (latest: AcceptedValues[]) => ({
  '01.truoc': latest.reduce((s, l) => s + Number(l.values.fields['01.truoc'] ?? 0), 0),
  '17.so_tien': latest.reduce((s, l) => s + Number(l.values.fields['17.so_tien'] ?? 0), 0),
});

/** Runs the tasks with at most `limit` in flight (the emulator is one process on a shared machine). */
async function inPool(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  }));
}

// The project-level testTimeout is not applied by jest 30 (a global option); a loaded 2-core machine needs more than 5 s.
jest.setTimeout(120_000);

describe('DynamoSubmissionRepository', () => {
  let emulators: Emulators;
  let repo: DynamoSubmissionRepository;

  beforeAll(async () => {
    emulators = await startEmulators();
    const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
    repo = new DynamoSubmissionRepository({ client, tableName: emulators.tableName });
  });
  afterAll(async () => {
    await emulators?.stop();
  });

  describe('createIfAbsent', () => {
    it('keeps one record when the same upload is created concurrently', async () => {
      const s = submission('HU-01', '2026-03-10T02:00:00.000Z');
      const results = await Promise.all([repo.createIfAbsent(s), repo.createIfAbsent({ ...s, status: 'failed' }), repo.createIfAbsent(s)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const listed = (await repo.listByFormPeriod(FORM, '2026-Q1')).filter((x) => x.unitCode === 'HU-01');
      expect(listed).toHaveLength(1);
      expect(results.every((r) => r.submission.uploadId === s.uploadId)).toBe(true);
    });
  });

  describe('listSummariesByFormPeriod', () => {
    it('lists the period like listByFormPeriod, numbered, without the errors lists', async () => {
      const error = { code: 'RULE', severity: 'error' as const, message: 'Sai tổng', cell: 'D12' };
      const warning = { code: 'W', severity: 'warning' as const, message: 'Tăng so với kỳ trước' };
      const refused = submission('SUM-01', '2025-11-10T01:00:00.000Z', '2025-Q4', { status: 'rejected', errors: [error], fileName: 'a.xlsx', sha256: 'ab' });
      const accepted = submission('SUM-01', '2025-11-11T01:00:00.000Z', '2025-Q4', { status: 'accepted', late: true, warnings: [warning] });
      await repo.createIfAbsent(accepted);
      await repo.createIfAbsent(refused);

      const summaries = await repo.listSummariesByFormPeriod(FORM, '2025-Q4');

      expect(summaries).toEqual([
        { uploadId: refused.uploadId, unitCode: 'SUM-01', formId: FORM, period: '2025-Q4', status: 'rejected', receivedAt: refused.receivedAt, warnings: [], version: 1 },
        { uploadId: accepted.uploadId, unitCode: 'SUM-01', formId: FORM, period: '2025-Q4', status: 'accepted', receivedAt: accepted.receivedAt, late: true, warnings: [warning], version: 2 },
      ]);
      expect((await repo.listByFormPeriod(FORM, '2025-Q4')).map((s) => [s.uploadId, s.version, s.errors.length])).toEqual([[refused.uploadId, 1, 1], [accepted.uploadId, 2, 0]]);
    });
  });

  describe('versions', () => {
    it('numbers a unit’s uploads by upload time, whatever order they were stored in', async () => {
      const first = submission('SO-02', '2026-03-10T01:00:00.000Z');
      const second = submission('SO-02', '2026-03-11T01:00:00.000Z');
      await repo.createIfAbsent(second);
      await repo.createIfAbsent(first);

      expect((await repo.get(first.uploadId))?.version).toBe(1);
      expect((await repo.get(second.uploadId))?.version).toBe(2);
      const byUnit = await repo.listByUnit('SO-02', { formId: FORM });
      expect(byUnit.map((s) => [s.uploadId, s.version])).toEqual([[second.uploadId, 2], [first.uploadId, 1]]);
      const byUnitPeriod = await repo.listByUnit('SO-02', { formId: FORM, period: '2026-Q1' });
      expect(byUnitPeriod.map((s) => s.version)).toEqual([2, 1]);
    });

    it('stores the outcome written by update', async () => {
      const s = submission('SO-03', '2026-03-12T01:00:00.000Z');
      await repo.createIfAbsent(s);
      await repo.update({ ...s, status: 'rejected', errors: [{ code: 'SUM_MISMATCH', severity: 'error', message: 'Sai tổng', cell: 'D12' }], processedAt: '2026-03-12T01:00:05.000Z' });
      const got = await repo.get(s.uploadId);
      expect(got).toMatchObject({ status: 'rejected', version: 1, errors: [{ code: 'SUM_MISMATCH', cell: 'D12' }] });
    });
  });

  describe('latest pointer', () => {
    it('keeps the later upload when the earlier one is processed last', async () => {
      const earlier = submission('HU-04', '2026-03-10T01:00:00.000Z', '2026-Q2');
      const later = submission('HU-04', '2026-03-10T05:00:00.000Z', '2026-Q2');
      for (const [s, n] of [[later, 2], [earlier, 1]] as const) {
        await repo.createIfAbsent(s);
        await repo.putValues(s.uploadId, values(n));
      }

      await expect(repo.advanceLatestAccepted(later)).resolves.toBe(true);
      await expect(repo.advanceLatestAccepted(earlier)).resolves.toBe(false);

      const latest = await repo.listLatestAccepted(FORM, '2026-Q2');
      expect(latest).toHaveLength(1);
      expect(latest[0]).toMatchObject({ unitCode: 'HU-04', uploadId: later.uploadId, version: 2, values: values(2) });
    });

    it('refuses to point at an upload whose values were not stored', async () => {
      expect.assertions(1);
      await expect(repo.advanceLatestAccepted(submission('HU-05', '2026-03-10T01:00:00.000Z', '2026-Q2'))).rejects.toThrow(/putValues/);
    });
  });

  describe('province totals (computed from the pointers, nothing stored)', () => {
    /** The read-time total every reader computes: the sum over the pointers. */
    const totalsNow = async (period: string) => {
      const latest = await repo.listLatestAccepted(FORM, period);
      return { unitsReported: latest.length, totals: sumField(latest) };
    };

    it('equals the sum of the latest accepted values after 50 concurrent acceptances', async () => {
      const period = '2026-Q3';
      const subs = Array.from({ length: 50 }, (_, i) => submission(`DV-${String(i).padStart(2, '0')}`, `2026-09-15T0${i % 10}:00:00.000Z`, period));
      await Promise.all(
        subs.map(async (s, i) => {
          await repo.createIfAbsent(s);
          await repo.putValues(s.uploadId, values(i + 1));
          await repo.advanceLatestAccepted(s);
        }),
      );

      const expectedCount = (50 * 51) / 2;
      expect(await totalsNow(period)).toEqual({ unitsReported: 50, totals: { '01.truoc': expectedCount, '17.so_tien': expectedCount * 1_000_000_007 } });
    });

    it('equals the sum of each unit’s latest upload after 500 units upload at once, with resubmissions, redeliveries and late processing', async () => {
      const period = '2027-Q1';
      // Each unit uploads 1–3 versions a minute apart; the last one (by upload order) must count.
      const units = Array.from({ length: 500 }, (_, u) => {
        const code = `R5-${String(u).padStart(3, '0')}`;
        return Array.from({ length: 1 + (u % 3) }, (_, v) => ({
          s: submission(code, `2027-03-${String(1 + (u % 28)).padStart(2, '0')}T0${v}:00:00.000Z`, period),
          n: u * 10 + v + 1,
        }));
      });
      const accept = async ({ s, n }: { s: Submission; n: number }) => {
        await repo.createIfAbsent(s);
        await repo.putValues(s.uploadId, values(n));
        await repo.advanceLatestAccepted(s);
      };
      // Every version of every unit processed concurrently, each message delivered twice (the
      // second delivery racing the first); every third unit's versions also arrive newest first,
      // so an older upload is processed after the newer one has moved the pointer.
      const deliveries = units.flatMap((versions, u) => {
        const ordered = u % 3 === 2 ? [...versions].reverse() : versions;
        return [
          async () => {
            for (const v of ordered) await accept(v);
          },
          ...versions.map((v) => () => accept(v)),
        ];
      });
      await inPool(deliveries, 40);

      const latestOf = units.map((versions) => versions[versions.length - 1]!);
      const expected = latestOf.reduce((sum, { n }) => sum + n, 0);
      const now = await totalsNow(period);
      expect(now).toEqual({ unitsReported: 500, totals: { '01.truoc': expected, '17.so_tien': expected * 1_000_000_007 } });
      const pointers = await repo.listLatestAccepted(FORM, period);
      expect(pointers.map((p) => p.uploadId).sort()).toEqual(latestOf.map(({ s }) => s.uploadId).sort());
    }, 300_000);

    it('refuses a stale pointer write: an older upload, or the same upload again, never replaces the values that count', async () => {
      const period = '2027-Q2';
      const older = submission('ST-01', '2027-04-01T01:00:00.000Z', period);
      const newer = submission('ST-01', '2027-04-01T02:00:00.000Z', period);
      await repo.putValues(older.uploadId, values(1));
      await repo.putValues(newer.uploadId, values(2));

      await expect(repo.advanceLatestAccepted(newer)).resolves.toBe(true);
      await expect(repo.advanceLatestAccepted(older)).resolves.toBe(false);
      await expect(repo.advanceLatestAccepted(newer, values(99))).resolves.toBe(false);

      expect(await totalsNow(period)).toEqual({ unitsReported: 1, totals: { '01.truoc': 2, '17.so_tien': 2 * 1_000_000_007 } });
      expect(await repo.getLatestAccepted(FORM, period, 'ST-01')).toMatchObject({ uploadId: newer.uploadId, values: values(2) });
      expect(await repo.getLatestAccepted(FORM, period, 'ST-02')).toBeUndefined();
    });

    it('keeps whole-đồng amounts in the billions exact', async () => {
      const s = submission('HU-06', '2026-12-01T01:00:00.000Z', '2026-Q4');
      await repo.createIfAbsent(s);
      await repo.putValues(s.uploadId, { fields: { '17.so_tien': 9_007_199_254_740_991 }, tables: {} });
      await repo.advanceLatestAccepted(s);
      expect((await totalsNow('2026-Q4')).totals['17.so_tien']).toBe(9_007_199_254_740_991);
    });
  });
});
