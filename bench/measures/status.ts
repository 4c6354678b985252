/**
 * `status_1000_ms_p50`: the "Tình hình nộp báo cáo" grid (`formStatus`) of one form and period
 * for 1,000 units on the embedded stack (dynalite), in this process: the unit registry, ONE
 * paginated Query of the period's submissions and ONE of its reviews, then the grid. The console's
 * `GET /api/admin/status/<form>/<period>` is this call plus JSON; budget ≤ 300 ms.
 *
 * The 1,000 units (five types) and ~1,400 submission records are written through the real
 * repositories (`putMany`, `createIfAbsent`) with realistic records: accepted versions with a
 * few warnings, refused ones with a dozen errors, re-uploads, pending ones, and units that have
 * not reported. Seeding takes a few seconds to a minute (throwaway stack, every run).
 * `status_storage_calls`: SDK calls per `formStatus`, with the time spent in each kind.
 */
import type { Submission, SubmissionStatus, ValidationIssue } from '../../functions/core/model';
import { openPeriod } from '../../functions/core/periods';
import { systemClock } from '../../functions/core/ports';
import { newUploadId, uploadKey } from '../../functions/core/upload-id';
import { formStatus } from '../../functions/core/usecases/form-status';
import { loadFormKit } from '../lib/forms';
import type { BenchContext, MeasureGroup, MetricRow } from '../lib/result';
import { countCalls, inParallel, startStack, syntheticUnits } from '../lib/stack';
import { median, round, spread, timeMs } from '../lib/stats';

const UNITS = 1000;
const WARMUP = 3;
const RUNS = 15;

const issues = (n: number, severity: ValidationIssue['severity']): ValidationIssue[] =>
  Array.from({ length: n }, (_, i) => ({
    code: severity === 'error' ? 'RULE_COMPARE' : 'BASELINE_MOVED',
    severity,
    message: `Mã số ${String(i + 1).padStart(2, '0')}: số liệu cột "Hiện tại" phải bằng tổng các dòng chi tiết (đang là ${100 + i}, tổng là ${90 + i}).`,
    sheet: 'Biểu mẫu',
    cell: `D${12 + i}`,
    field: `${String(i + 1).padStart(2, '0')}.hien_tai`,
  }));

/** A unit's uploads for the period, by its index: mostly one accepted, some refused then accepted, refused only, pending, none. */
function uploadsOf(index: number): Array<{ status: SubmissionStatus; errors: number; warnings: number }> {
  switch (index % 20) {
    case 0:
      return [];
    case 1:
    case 2:
      return [{ status: 'rejected', errors: 12, warnings: 0 }];
    case 3:
      return [{ status: 'pending', errors: 0, warnings: 0 }];
    case 4:
    case 5:
    case 6:
    case 7:
      return [{ status: 'rejected', errors: 12, warnings: 0 }, { status: 'accepted', errors: 0, warnings: 3 }];
    case 8:
      return [{ status: 'accepted', errors: 0, warnings: 3 }, { status: 'accepted', errors: 0, warnings: 1 }, { status: 'rejected', errors: 5, warnings: 0 }];
    default:
      return [{ status: 'accepted', errors: 0, warnings: index % 3 }];
  }
}

export const statusGroup: MeasureGroup = {
  name: 'status',
  metrics: ['status_1000_ms_p50', 'status_storage_calls'],
  async run(ctx: BenchContext): Promise<MetricRow[]> {
    const kit = await loadFormKit('sap-xep-bo-may');
    const form = kit.form;
    const period = openPeriod(form, new Date());
    const { emulators, deps } = await startStack(ctx.outDir);
    try {
      const units = syntheticUnits(UNITS, 'STA');
      const seedStart = Date.now();
      await deps.units.putMany(units);
      const base = Date.now() - 3 * 24 * 3600_000;
      const records = units.flatMap((unit, index) =>
        uploadsOf(index).map((u, version): Submission => {
          const receivedAt = new Date(base + index * 60_000 + version * 3600_000).toISOString();
          const uploadId = newUploadId(new Date(receivedAt));
          return {
            uploadId, unitCode: unit.code, formId: form.id, period, status: u.status,
            s3Key: uploadKey({ formId: form.id, period, unitCode: unit.code, uploadId }),
            sha256: 'ab'.repeat(32), size: 12_800, fileName: `Báo cáo ${unit.name}.xlsx`,
            receivedAt, ...(u.status === 'pending' ? {} : { processedAt: receivedAt }), late: false, linkId: 'bench', formVersion: form.version,
            errors: issues(u.errors, 'error'), warnings: issues(u.warnings, 'warning'),
          };
        }),
      );
      await inParallel(records, 8, (s) => deps.submissions.createIfAbsent(s));
      // Reviews on a third of the units' last accepted versions (approved, some returned): the grid's "Duyệt" column reads them in one Query.
      const lastAccepted = new Map<string, Submission>();
      for (const r of records) if (r.status === 'accepted') lastAccepted.set(r.unitCode, r);
      const reviewed = [...lastAccepted.values()].filter((_, i) => i % 3 === 0);
      await inParallel(reviewed, 8, (s) =>
        deps.reviews.put({ formId: form.id, period, unitCode: s.unitCode, uploadId: s.uploadId, state: s.warnings.length ? 'tra-lai' : 'da-duyet', ...(s.warnings.length ? { comment: 'Đề nghị giải trình mã số 07.' } : {}), actor: 'bench@tinhuy.example.vn', at: s.receivedAt, rev: 1 }, undefined),
      );
      ctx.log(`status: seeded ${UNITS} units, ${records.length} submissions and ${reviewed.length} reviews in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

      const calls = countCalls({ dynamodb: deps.clients.dynamo, s3: deps.clients.s3 });
      const statusDeps = { forms: kit.catalog, units: deps.units, submissions: deps.submissions, reviews: deps.reviews, clock: systemClock };
      let last: Awaited<ReturnType<typeof formStatus>> | undefined;
      const once = () => timeMs(async () => (last = await formStatus(statusDeps, { formId: form.id, period })));
      for (let i = 0; i < WARMUP; i++) await once();
      calls.clear();
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await once());
      const perCall = [...calls.entries()].sort((a, b) => b[1].ms - a[1].ms);
      const totalCalls = perCall.reduce((sum, [, c]) => sum + c.count, 0);
      if (!last || last.counts.total !== UNITS) throw new Error(`the grid showed ${last?.counts.total} of ${UNITS} units`);
      const c = last.counts;
      return [
        {
          metric: 'status_1000_ms_p50',
          value: round(median(times)),
          unit: 'ms',
          note: `${spread(times)}; ${records.length} submissions; ${c.byStatus['da-nop']} đã nộp, ${c.byStatus['bi-tu-choi']} bị từ chối, ${c.byStatus['dang-xu-ly']} đang xử lý, ${c.byStatus['chua-nop']} chưa nộp; ${c.byReview['da-duyet']} đã duyệt, ${c.byReview['tra-lai']} trả lại`,
        },
        {
          metric: 'status_storage_calls',
          value: round(totalCalls / RUNS),
          unit: 'calls',
          note: `per formStatus, mean ms by call: ${perCall.map(([k, v]) => `${k} ×${round(v.count / RUNS)} ${round(v.ms / RUNS)} ms`).join(', ')}`,
        },
      ];
    } finally {
      deps.close();
      await emulators.stop();
    }
  },
};
