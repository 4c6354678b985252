/**
 * The cell-level diff between two versions of a unit's report, on both real forms with values
 * generated as a unit fills them, stored as ingest stores them (in-memory repository).
 */
import type { AppError } from '../../../functions/core/errors';
import type { FormValues } from '../../../functions/core/model';
import { diffFormValues, diffSubmissions, diffWithPreviousPeriod } from '../../../functions/core/usecases/diff-submissions';
import { sampleValues } from '../../support/forms';
import { InMemorySubmissionRepository, FakeClock } from '../../support/in-memory';
import { loadForm, submit } from '../consolidation/fixtures';
import { createFormCatalog } from '../../../functions/core/forms/catalog';

const sap = loadForm('sap-xep-bo-may');
const bien = loadForm('bien-che-thang');
const catalog = createFormCatalog([sap, bien]);

const copy = (v: FormValues): FormValues => structuredClone(v);

function setup() {
  const repo = new InMemorySubmissionRepository(new FakeClock(new Date('2026-04-20T01:00:00Z')));
  return { repo, deps: { submissions: repo, catalog } };
}

describe('diffFormValues', () => {
  describe('fields of sap-xep-bo-may', () => {
    const before = sampleValues(sap, 'huyen', 3);

    it('finds nothing between identical versions', () => {
      expect(diffFormValues({ before, after: copy(before), formBefore: sap, formAfter: sap })).toEqual({ changes: [], tables: [] });
    });

    it('names Mã số, chỉ tiêu and column of a changed number, and the recomputed Giảm and ratio', () => {
      const after = copy(before);
      after.fields['01.truoc'] = (before.fields['01.truoc'] as number) + 7;

      const { changes } = diffFormValues({ before, after, formBefore: sap, formAfter: sap });

      expect(changes).toEqual([
        { field: '01.truoc', code: '01', label: 'Tổng số đầu mối trực thuộc', column: 'Trước sắp xếp', before: before.fields['01.truoc'], after: (before.fields['01.truoc'] as number) + 7, kind: 'input', type: 'whole' },
        expect.objectContaining({ field: '01.giam', code: '01', column: 'Giảm', kind: 'computed', after: (before.fields['01.truoc'] as number) + 7 - (before.fields['01.hien_tai'] as number) }),
        // 01.truoc is the ratio's denominator: the unit's own ratio moves with it.
        expect.objectContaining({ field: 'ratio.giam_dau_moi', code: null, label: 'Tỷ lệ giảm đầu mối trực thuộc', column: null, kind: 'ratio' }),
      ]);
    });

    it('shows a cleared field as a value that disappeared, and a new one as appeared', () => {
      const after = copy(before);
      delete after.fields['26.noi_dung'];
      after.fields['27.noi_dung'] = '   ';
      const was27 = before.fields['27.noi_dung'];

      const { changes } = diffFormValues({ before, after, formBefore: sap, formAfter: sap });
      const back = diffFormValues({ before: after, after: before, formBefore: sap, formAfter: sap }).changes;

      expect(changes).toEqual([
        expect.objectContaining({ field: '26.noi_dung', code: '26', label: 'Khó khăn, vướng mắc và nguyên nhân', column: 'Nội dung', before: before.fields['26.noi_dung'], after: null }),
        expect.objectContaining({ field: '27.noi_dung', before: was27, after: null }),
      ]);
      expect(back[0]).toEqual(expect.objectContaining({ field: '26.noi_dung', before: null, after: before.fields['26.noi_dung'] }));
    });

    it('compares text after trimming, and reports a real text change', () => {
      const after = copy(before);
      after.fields['header.nguoi_lap'] = `  ${String(before.fields['header.nguoi_lap'])} `;
      after.fields['25.noi_dung'] = 'Đã sắp xếp xong 3 phòng.';

      const { changes } = diffFormValues({ before, after, formBefore: sap, formAfter: sap });

      expect(changes).toEqual([expect.objectContaining({ field: '25.noi_dung', code: '25', label: 'Kết quả nổi bật', before: before.fields['25.noi_dung'], after: 'Đã sắp xếp xong 3 phòng.' })]);
    });

    it('marks fields that only one version of the definition has', () => {
      const v2 = { ...sap, version: 2, header: sap.header.filter((h) => h.key !== 'dien_thoai'), sections: sap.sections.map((s) => (s.key === 'C' ? { ...s, rows: [...s.rows, { code: '17a', label: 'Hỗ trợ thêm', columns: ['so_tien'], required: false, indent: 1 }] } : s)) };
      const after = copy(before);
      after.fields['17a.so_tien'] = 2_000_000;
      delete after.fields['header.dien_thoai'];

      const { changes } = diffFormValues({ before, after, formBefore: sap, formAfter: v2 });

      expect(changes).toEqual([
        expect.objectContaining({ field: '17a.so_tien', code: '17a', column: 'Số tiền (đồng)', before: null, after: 2_000_000, onlyIn: 'after' }),
        expect.objectContaining({ field: 'header.dien_thoai', label: 'Số điện thoại', before: before.fields['header.dien_thoai'], after: null, onlyIn: 'before' }),
      ]);
    });
  });

  describe('tables of bien-che-thang', () => {
    const before = sampleValues(bien, 'so-nganh', 5, { tableRows: 4 });
    const rows = () => before.tables.don_vi!;

    it('matches rows by Tên đơn vị, so a reordered table with one changed row shows only that row', () => {
      const after = copy(before);
      after.tables.don_vi!.reverse();
      const moved = after.tables.don_vi![0]!; // was the last row
      moved.co_mat = 0;
      moved.ten_don_vi = `  ${String(moved.ten_don_vi).toUpperCase()} `; // same unit, typed differently

      const { tables } = diffFormValues({ before, after, formBefore: bien, formAfter: bien });

      expect(tables).toEqual([
        {
          table: 'don_vi', label: 'Đơn vị trực thuộc', matchedBy: 'key', keyColumn: { key: 'ten_don_vi', label: 'Tên đơn vị' },
          rows: [{
            change: 'changed', key: String(moved.ten_don_vi).trim(), rowBefore: 4, rowAfter: 1,
            cells: [
              { column: 'ten_don_vi', label: 'Tên đơn vị', type: 'text', before: rows()[3]!.ten_don_vi, after: String(moved.ten_don_vi).trim() },
              ...(rows()[3]!.co_mat === 0 ? [] : [{ column: 'co_mat', label: 'Có mặt', type: 'whole', before: rows()[3]!.co_mat, after: 0 }]),
            ],
          }],
        },
      ]);
    });

    it('lists an added and a removed row with their values, and the recomputed ratio', () => {
      const after = copy(before);
      const removed = after.tables.don_vi!.splice(1, 1)[0]!;
      after.tables.don_vi!.push({ ten_don_vi: 'Phòng Tổ chức mới', duoc_giao: 12, co_mat: 10, so_nghi: 1, ghi_chu: null });

      const diff = diffFormValues({ before, after, formBefore: bien, formAfter: bien });

      expect(diff.tables[0]!.rows).toEqual([
        { change: 'added', key: 'Phòng Tổ chức mới', rowBefore: null, rowAfter: 4, cells: [
          { column: 'ten_don_vi', label: 'Tên đơn vị', type: 'text', before: null, after: 'Phòng Tổ chức mới' },
          { column: 'duoc_giao', label: 'Biên chế được giao', type: 'whole', before: null, after: 12 },
          { column: 'co_mat', label: 'Có mặt', type: 'whole', before: null, after: 10 },
          { column: 'so_nghi', label: 'Số người nghỉ trong tháng', type: 'whole', before: null, after: 1 },
        ] },
        expect.objectContaining({ change: 'removed', key: removed.ten_don_vi, rowBefore: 2, rowAfter: null }),
      ]);
      const sum = (v: FormValues, k: string) => v.tables.don_vi!.reduce((s, r) => s + (r[k] as number), 0);
      expect(diff.changes).toEqual([
        expect.objectContaining({ field: 'ratio.ty_le_co_mat', kind: 'ratio', before: sum(before, 'co_mat') / sum(before, 'duoc_giao'), after: sum(after, 'co_mat') / sum(after, 'duoc_giao') }),
      ]);
    });

    it('pairs rows by position when the names are not distinct, and says so', () => {
      const b = copy(before);
      b.tables.don_vi![1]!.ten_don_vi = b.tables.don_vi![0]!.ten_don_vi ?? null;
      const after = copy(b);
      after.tables.don_vi![2]!.ghi_chu = 'Thiếu 2 người';

      const { tables } = diffFormValues({ before: b, after, formBefore: bien, formAfter: bien });

      expect(tables).toEqual([expect.objectContaining({ matchedBy: 'position', keyColumn: null, rows: [expect.objectContaining({ change: 'changed', key: null, rowBefore: 3, rowAfter: 3, cells: [expect.objectContaining({ column: 'ghi_chu', after: 'Thiếu 2 người' })] })] })]);
    });
  });
});

describe('diffSubmissions', () => {
  const values = sampleValues(sap, 'so-nganh', 2);

  it('compares two accepted versions of one unit, older first', async () => {
    const { repo, deps } = setup();
    const a = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2026-Q1', receivedAt: '2026-04-10T01:00:00Z', values });
    const changed = copy(values);
    changed.fields['09.co_mat'] = (values.fields['09.co_mat'] as number) + 1;
    const b = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2026-Q1', receivedAt: '2026-04-11T01:00:00Z', values: changed });

    const diff = await diffSubmissions(deps, { uploadIdA: a.uploadId, uploadIdB: b.uploadId });

    expect(diff.before).toEqual(expect.objectContaining({ uploadId: a.uploadId, period: '2026-Q1' }));
    expect(diff.changes).toEqual([expect.objectContaining({ field: '09.co_mat', code: '09', label: 'Cán bộ, công chức', column: 'Có mặt' })]);
  });

  it.each([
    ['different units', { unitCode: 'SO-TC' }, 400, 'DIFF_DIFFERENT_UNITS'],
    ['different forms', { formId: bien.id, period: '2026-03' }, 400, 'DIFF_DIFFERENT_FORMS'],
    ['a rejected version', { status: 'rejected' as const }, 409, 'SUBMISSION_NOT_ACCEPTED'],
  ])('refuses %s', async (_name, other, status, code) => {
    expect.assertions(2);
    const { repo, deps } = setup();
    const a = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2026-Q1', receivedAt: '2026-04-10T01:00:00Z', values });
    const b = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2026-Q1', receivedAt: '2026-04-11T01:00:00Z', values, ...other });

    await diffSubmissions(deps, { uploadIdA: a.uploadId, uploadIdB: b.uploadId }).catch((err: AppError) => {
      expect(err.statusCode).toBe(status);
      expect(err.code).toBe(code);
    });
  });

  it('refuses an accepted version whose values were never stored (409)', async () => {
    expect.assertions(1);
    const { repo, deps } = setup();
    const a = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2026-Q1', receivedAt: '2026-04-10T01:00:00Z', values });
    const { submission: b } = await repo.createIfAbsent({ ...a, uploadId: 'zz-no-values', receivedAt: '2026-04-11T01:00:00Z' });

    await expect(diffSubmissions(deps, { uploadIdA: a.uploadId, uploadIdB: b.uploadId })).rejects.toMatchObject({ code: 'SUBMISSION_VALUES_MISSING', statusCode: 409 });
  });

  it('refuses an unknown upload with 404 and a Vietnamese message', async () => {
    expect.assertions(2);
    const { repo, deps } = setup();
    const a = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2026-Q1', receivedAt: '2026-04-10T01:00:00Z', values });

    await expect(diffSubmissions(deps, { uploadIdA: a.uploadId, uploadIdB: 'khong-co' })).rejects.toMatchObject({ code: 'SUBMISSION_NOT_FOUND', statusCode: 404 });
    await expect(diffSubmissions(deps, { uploadIdA: 'khong-co', uploadIdB: a.uploadId })).rejects.toThrow('Không có lần nộp "khong-co".');
  });
});

describe('diffWithPreviousPeriod', () => {
  it("compares with the unit's latest accepted report of the period before", async () => {
    const { repo, deps } = setup();
    const q4 = sampleValues(sap, 'so-nganh', 4);
    const older = copy(q4);
    older.fields['12.so_nguoi'] = 99;
    await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2025-Q4', receivedAt: '2026-01-10T01:00:00Z', values: older });
    const latest = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2025-Q4', receivedAt: '2026-01-12T01:00:00Z', values: q4 });
    await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2025-Q4', receivedAt: '2026-01-13T01:00:00Z', values: older, status: 'rejected' });
    const q1 = copy(q4);
    q1.fields['13.so_nguoi'] = (q4.fields['13.so_nguoi'] as number) + 2;
    const current = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2026-Q1', receivedAt: '2026-04-10T01:00:00Z', values: q1 });

    const diff = await diffWithPreviousPeriod(deps, current.uploadId);

    expect(diff.before).toEqual(expect.objectContaining({ uploadId: latest.uploadId, period: '2025-Q4' }));
    expect(diff.changes.map((c) => c.field)).toEqual(['13.so_nguoi']);
  });

  it('refuses when the previous period has no accepted report', async () => {
    expect.assertions(1);
    const { repo, deps } = setup();
    const current = await submit(repo, { unitCode: 'SO-YTE', formId: sap.id, period: '2026-Q1', receivedAt: '2026-04-10T01:00:00Z', values: sampleValues(sap, 'so-nganh', 4) });

    await expect(diffWithPreviousPeriod(deps, current.uploadId)).rejects.toMatchObject({ code: 'PREVIOUS_PERIOD_NOT_FOUND', statusCode: 404 });
  });
});
