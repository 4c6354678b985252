/**
 * `tonghop submissions diff` on a data dir the embedded stack persisted: versions uploaded as the
 * portal uploads them, ingested, then compared cell by cell as an operator reads it.
 */
import { generateForm } from '../../functions/core/forms';
import type { FormValues, Unit } from '../../functions/core/model';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import { command } from '../../infra/cli/commands/submissions';
import { runCli, seedDataDir, tempDataDir } from '../support/cli';
import { fillForm, sampleValues } from '../support/forms';
import { putIssuedUpload } from '../support/uploads';
import { testCatalog, unitOf } from '../unit/ingest/support';

const run = (args: string[]) => runCli(command, args);

// The project-level testTimeout is not applied by jest 30 (a global option); a loaded 2-core machine needs more than 5 s.
jest.setTimeout(180_000);

describe('tonghop submissions diff', () => {
  let temp: ReturnType<typeof tempDataDir> | undefined;
  const ids: Record<string, string> = {};
  const unit: Unit = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
  let base: FormValues;
  let table: FormValues;

  beforeAll(async () => {
    temp = tempDataDir();
    await seedDataDir(temp.dir, async (deps) => {
      await deps.units.putMany([unit]);
      const catalog = await testCatalog();
      const upload = async (name: string, formId: string, period: string, values: FormValues, at: string) => {
        const bytes = await fillForm(await generateForm({ form: catalog.require(formId), unit, period }), values);
        const { key, uploadId } = await putIssuedUpload(deps.files, { formId, period, unitCode: unit.code, bytes, at });
        await ingestUpload(deps, { bucketKey: key, eventTime: at });
        ids[name] = uploadId;
      };
      base = sampleValues(catalog.require('sap-xep-bo-may'), unit.type, 1);
      base.fields['01.truoc'] = 1234;
      base.fields['02.truoc'] = 1234 - (base.fields['03.truoc'] as number) - (base.fields['04.truoc'] as number) - (base.fields['05.truoc'] as number);
      const v2 = structuredClone(base);
      v2.fields['01.truoc'] = 1240;
      v2.fields['02.truoc'] = (base.fields['02.truoc'] as number) + 6;
      v2.fields['25.noi_dung'] = 'Đã giảm 6 đầu mối.\nCòn 2 phòng.';
      delete v2.fields['26.noi_dung'];
      const bad = structuredClone(base);
      bad.fields['16.so_nguoi'] = (bad.fields['16.so_nguoi'] as number) + 1;
      const q4 = structuredClone(base);
      q4.fields['12.so_nguoi'] = (base.fields['12.so_nguoi'] as number) + 3;
      q4.fields['16.so_nguoi'] = (base.fields['16.so_nguoi'] as number) + 3; // Tổng số = 12 + … + 15
      await upload('q4', 'sap-xep-bo-may', '2025-Q4', q4, '2026-01-10T01:00:00.000Z');
      await upload('v1', 'sap-xep-bo-may', '2026-Q1', base, '2026-03-10T01:00:00.000Z');
      await upload('v2', 'sap-xep-bo-may', '2026-Q1', v2, '2026-03-11T01:00:00.000Z');
      await upload('bad', 'sap-xep-bo-may', '2026-Q1', bad, '2026-03-12T01:00:00.000Z');

      table = sampleValues(catalog.require('bien-che-thang'), unit.type, 2, { tableRows: 3 });
      const t2 = structuredClone(table);
      t2.tables.don_vi![0]!.duoc_giao = 1500;
      t2.tables.don_vi!.push({ ten_don_vi: 'Phòng Tổ chức cán bộ', duoc_giao: 9, co_mat: 8, so_nghi: 0, ghi_chu: null });
      await upload('m1', 'bien-che-thang', '2026-03', table, '2026-03-12T02:00:00.000Z');
      await upload('m2', 'bien-che-thang', '2026-03', t2, '2026-03-13T02:00:00.000Z');
    });
  }, 180_000);

  afterAll(() => temp?.remove());

  it('prints Mã số, Chỉ tiêu, Cột, Trước, Sau with Vietnamese numbers, the recomputed Giảm, a changed and a cleared text', async () => {
    const { code, out, err } = await run(['diff', ids.v1!, ids.v2!]);

    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('So sánh báo cáo của đơn vị SO-YTE — Sở Y tế, biểu mẫu sap-xep-bo-may');
    expect(out).toMatch(/Trước: lần nộp thứ 1, kỳ Quý I năm 2026, nộp 10\/03\/2026 08:00/);
    expect(out).toMatch(/^Mã số\s+Chỉ tiêu\s+Cột\s+Trước\s+Sau$/m);
    expect(out).toMatch(/^01\s+Tổng số đầu mối trực thuộc\s+Trước sắp xếp\s+1\.234\s+1\.240$/m);
    expect(out).toMatch(/^02\s+Ban, văn phòng và tương đương\s+Trước sắp xếp\s+/m);
    expect(out).toMatch(/^01\s+Tổng số đầu mối trực thuộc\s+Giảm \(tự tính\)\s+/m);
    expect(out).toMatch(/^25\s+Kết quả nổi bật\s+Nội dung\s+".*"\s+"Đã giảm 6 đầu mối\. Còn 2 phòng\."$/m); // a line break in the cell does not break the table
    expect(out).toMatch(/^26\s+Khó khăn, vướng mắc và nguyên nhân\s+Nội dung\s+".*"\s+\(trống\)$/m);
  });

  it('prints table rows added and changed, matched by Tên đơn vị', async () => {
    const { code, out } = await run(['diff', ids.m1!, ids.m2!]);

    expect(code).toBe(0);
    expect(out).toContain('Bảng "Đơn vị trực thuộc" (khớp dòng theo Tên đơn vị): 2 dòng thay đổi');
    expect(out).toContain(`~ Sửa dòng 1 "${String(table.tables.don_vi![0]!.ten_don_vi)}": Biên chế được giao ${String(table.tables.don_vi![0]!.duoc_giao)} → 1.500`);
    expect(out).toContain('+ Thêm dòng 4 "Phòng Tổ chức cán bộ": Tên đơn vị "Phòng Tổ chức cán bộ"; Biên chế được giao 9; Có mặt 8; Số người nghỉ trong tháng 0');
  });

  it('compares with the previous period and answers JSON in the API shape', async () => {
    const { code, out, err } = await run(['diff', ids.v1!, '--previous-period', '--json']);

    expect(err).toBe('');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { before: { uploadId: string }; changes: Array<Record<string, unknown>>; tables: unknown[] };
    expect(parsed.before.uploadId).toBe(ids.q4);
    expect(parsed.changes).toEqual([
      { field: '12.so_nguoi', code: '12', label: 'Nghỉ hưu trước tuổi', column: 'Số người', before: (base.fields['12.so_nguoi'] as number) + 3, after: base.fields['12.so_nguoi'], kind: 'input', type: 'whole' },
      expect.objectContaining({ field: '16.so_nguoi', code: '16', label: 'Tổng số', before: (base.fields['16.so_nguoi'] as number) + 3, after: base.fields['16.so_nguoi'] }),
    ]);
    expect(parsed.tables).toEqual([]);
  });

  it('says there is no change between a version and itself', async () => {
    const { code, out } = await run(['diff', ids.v1!, ids.v1!]);
    expect(code).toBe(0);
    expect(out).toContain('Không có thay đổi nào.');
  });

  it('refuses a rejected version (exit 1) and two forms, in Vietnamese', async () => {
    const rejected = await run(['diff', ids.v1!, ids.bad!]);
    const forms = await run(['diff', ids.v1!, ids.m1!]);

    expect(rejected.code).toBe(1);
    expect(rejected.err).toContain(`Lần nộp ${ids.bad} chưa được chấp nhận`);
    expect(forms.code).toBe(1);
    expect(forms.err).toContain('Hai lần nộp thuộc hai biểu mẫu khác nhau');
  });

  it('exits 2 with usage when only one upload is given without --previous-period', async () => {
    const { code, err } = await run(['diff', ids.v1!]);
    expect(code).toBe(2);
    expect(err).toContain('--previous-period');
  });
});
