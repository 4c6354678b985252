import ExcelJS from 'exceljs';
import { consolidateReport } from '../../../functions/core/usecases/consolidate-report';
import { DATA_SHEET_HEADER } from '../../../functions/core/consolidation/workbook';
import { figureKeys } from '../../../functions/core/consolidation/report';
import type { FormValues, Unit } from '../../../functions/core/model';
import { int, loadForm, makeUnits, memoryDeps, randomValues, rng, submit } from './fixtures';

const NOW = '2019-03-19T00:30:00Z'; // 07:30 on 19/03/2019 in Hà Nội, the Q1 consolidation moment

async function openWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}

/** Rows of a sheet as arrays of cell values (1-based columns dropped to 0-based). */
function rows(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const values = row.values as unknown[];
    out.push(values.slice(1));
  });
  return out;
}

/** An independent oracle: the sum of every numeric field and table cell, per key. */
function sumByHand(values: FormValues[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const v of values) {
    for (const [k, x] of Object.entries(v.fields)) if (typeof x === 'number') totals[k] = (totals[k] ?? 0) + x;
    for (const [t, tableRows] of Object.entries(v.tables)) {
      totals[`${t}.__rows`] = (totals[`${t}.__rows`] ?? 0) + tableRows.length;
      for (const r of tableRows) for (const [c, x] of Object.entries(r)) if (typeof x === 'number') totals[`${t}.${c}`] = (totals[`${t}.${c}`] ?? 0) + x;
    }
  }
  return totals;
}

// Each case writes and reopens real workbooks: more than jest's 5 s default on a busy 2-core machine.
jest.setTimeout(60_000);

describe('consolidateReport', () => {
  describe('province totals', () => {
    it.each(Array.from({ length: 24 }, (_, i) => i + 1))('equal the sum of each unit’s latest accepted values (seed %i)', async (seed) => {
      // Arrange: random units, each with 0–3 uploads (accepted or rejected) at random times.
      const r = rng(seed);
      const formId = seed % 2 === 0 ? 'sap-xep-bo-may' : 'bien-che-thang';
      const form = loadForm(formId);
      const period = formId === 'sap-xep-bo-may' ? '2019-Q1' : '2019-03';
      const units = makeUnits(3 + int(r, 15), r);
      const deps = memoryDeps(units, NOW);
      const latestByUnit = new Map<string, { at: string; id: string; values: FormValues }>();
      for (const unit of units) {
        for (let n = int(r, 3); n > 0; n--) {
          const at = new Date(Date.UTC(2019, 2, 1 + int(r, 17), int(r, 23), int(r, 59))).toISOString();
          const values = randomValues(form, unit, r);
          const status = r() < 0.2 ? 'rejected' : 'accepted';
          const s = await submit(deps.submissions, { unitCode: unit.code, formId, period, receivedAt: at, values, status });
          const cur = latestByUnit.get(unit.code);
          if (status === 'accepted' && (!cur || `${at}#${s.uploadId}` > `${cur.at}#${cur.id}`)) latestByUnit.set(unit.code, { at, id: s.uploadId, values });
        }
      }
      const expected = sumByHand([...latestByUnit.values()].map((x) => x.values));

      // Act
      const result = await consolidateReport(deps, { formId, period, send: false });

      // Assert: the long "Dữ liệu" sheet sums, per key, to the hand-computed totals.
      const wb = await openWorkbook(result.workbook);
      const data = rows(wb.getWorksheet('Dữ liệu')!);
      expect(data[0]).toEqual([...DATA_SHEET_HEADER]);
      const fromSheet: Record<string, number> = {};
      for (const [code, , , key, value] of data.slice(1)) {
        expect(latestByUnit.has(code as string)).toBe(true);
        expect(typeof value).toBe('number');
        fromSheet[key as string] = (fromSheet[key as string] ?? 0) + (value as number);
      }
      expect(fromSheet).toEqual(expected);
      expect(result.unitsReported).toBe(latestByUnit.size);
      expect(result.unitsExpected).toBe(units.length);
      // … and the "Chi tiết đơn vị" total row carries the same sums.
      const detail = rows(wb.getWorksheet('Chi tiết đơn vị')!);
      const totalRow = detail.find((row) => String(row[2] ?? '').startsWith('Tổng cộng'))!;
      figureKeys(form).forEach((f, i) => expect([f.key, totalRow[5 + i] ?? null]).toEqual([f.key, expected[f.key] ?? null]));
    });
  });

  describe('ratios', () => {
    it('computes the staffing reduction from the province sums, not the average of unit ratios', async () => {
      // Arrange: a big unit reducing 5% and a small unit reducing 50%: average 27.5%, true 5.8%.
      const form = loadForm('sap-xep-bo-may');
      const [big, small] = makeUnits(2);
      const deps = memoryDeps([big!, small!], NOW);
      const valuesFor = (unit: Unit, giao2015: number, duocGiao: number): FormValues => {
        const v = randomValues(form, unit, rng(3));
        v.fields['09.giao_2015'] = giao2015;
        v.fields['09.duoc_giao'] = duocGiao;
        v.fields['10.giao_2015'] = 0;
        v.fields['10.duoc_giao'] = 0;
        return v;
      };
      await submit(deps.submissions, { unitCode: big!.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-10T01:00:00Z', values: valuesFor(big!, 1000, 950) });
      await submit(deps.submissions, { unitCode: small!.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-10T02:00:00Z', values: valuesFor(small!, 20, 10) });

      // Act
      const result = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: false });

      // Assert
      const summary = rows((await openWorkbook(result.workbook)).getWorksheet('Tổng hợp')!);
      const ratioRow = summary.find((row) => row[1] === 'Tỷ lệ tinh giản biên chế so với năm 2015')!;
      expect(ratioRow[2]).toBeCloseTo(60 / 1020, 10);
      expect(ratioRow[6]).toBe('Chưa đạt'); // 5.9% < the 10% target
    });
  });

  describe('units without an accepted report', () => {
    it('lists them as "chưa báo cáo" with blank figures, never 0, and counts n/m', async () => {
      // Arrange: three units; one accepted, one rejected, one silent.
      const form = loadForm('sap-xep-bo-may');
      const units = makeUnits(3);
      const deps = memoryDeps(units, NOW);
      await submit(deps.submissions, { unitCode: units[0]!.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-10T01:00:00Z', values: randomValues(form, units[0]!, rng(9)) });
      await submit(deps.submissions, { unitCode: units[1]!.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-10T01:00:00Z', status: 'rejected' });

      // Act
      const result = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: false });

      // Assert
      const wb = await openWorkbook(result.workbook);
      const detail = rows(wb.getWorksheet('Chi tiết đơn vị')!);
      for (const unit of units.slice(1)) {
        const row = detail.find((r) => r[1] === unit.code)!;
        expect(row[4]).toBe('chưa báo cáo');
        expect(row.slice(5).filter((v) => v !== null && v !== undefined && v !== '')).toEqual([]);
      }
      const status = rows(wb.getWorksheet('Tình hình nộp')!);
      expect(status.find((r) => r[1] === units[1]!.code)![5]).toBe('Chưa báo cáo (bản nộp bị từ chối)');
      expect(status.find((r) => r[1] === units[2]!.code)![9]).toBe('Quá hạn (nộp muộn)');
      expect(result.notReported.map((u) => u.code)).toEqual([units[1]!.code, units[2]!.code].sort());
      expect(String(rows(wb.getWorksheet('Tổng hợp')!)[2]![0])).toContain('Số đơn vị đã báo cáo: 1/3');
      const data = rows(wb.getWorksheet('Dữ liệu')!);
      expect(data.slice(1).every((r) => r[0] === units[0]!.code)).toBe(true);
    });
  });

  describe('previous period', () => {
    it('shows last period’s totals beside this period’s and the change', async () => {
      // Arrange: the same unit reports 2018-Q4 and 2019-Q1 with different 01.hien_tai.
      const form = loadForm('sap-xep-bo-may');
      const [unit] = makeUnits(1);
      const deps = memoryDeps([unit!], NOW);
      const q4 = randomValues(form, unit!, rng(1));
      const q1 = randomValues(form, unit!, rng(2));
      q4.fields['01.hien_tai'] = 40;
      q1.fields['01.hien_tai'] = 31;
      await submit(deps.submissions, { unitCode: unit!.code, formId: form.id, period: '2018-Q4', receivedAt: '2018-12-10T01:00:00Z', values: q4 });
      await submit(deps.submissions, { unitCode: unit!.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-10T01:00:00Z', values: q1 });

      // Act
      const result = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: false });

      // Assert: row 01 of section A: [Mã số, Chỉ tiêu, truoc, hien_tai, giam, prev truoc, prev hien_tai, prev giam, Δ truoc, Δ hien_tai, Δ giam]
      const summary = rows((await openWorkbook(result.workbook)).getWorksheet('Tổng hợp')!);
      const header = summary.find((r) => r[0] === 'Mã số')!;
      expect(header[5]).toBe('Kỳ trước (Năm 2018)');
      const row01 = summary.find((r) => r[0] === '01')!;
      expect(row01[3]).toBe(31);
      expect(row01[6]).toBe(40);
      expect(row01[9]).toBe(-9);
      expect(row01[4]).toBe((q1.fields['01.truoc'] as number) - 31); // giảm = trước − hiện tại, from the sums
    });
  });

  describe('narrative fields and tables', () => {
    it('compiles Mã số 25–27 under each unit’s name and lists every subordinate body with its parent unit', async () => {
      // Arrange
      const f1 = loadForm('sap-xep-bo-may');
      const f2 = loadForm('bien-che-thang');
      const units = makeUnits(2);
      const deps = memoryDeps(units, NOW);
      const v1 = randomValues(f1, units[0]!, rng(5));
      v1.fields['26.noi_dung'] = 'Thiếu trụ sở làm việc sau hợp nhất.';
      await submit(deps.submissions, { unitCode: units[0]!.code, formId: f1.id, period: '2019-Q1', receivedAt: '2019-03-10T01:00:00Z', values: v1 });
      const v2 = randomValues(f2, units[1]!, rng(6));
      await submit(deps.submissions, { unitCode: units[1]!.code, formId: f2.id, period: '2019-03', receivedAt: '2019-03-10T01:00:00Z', values: v2 });

      // Act
      const one = await consolidateReport(deps, { formId: f1.id, period: '2019-Q1', send: false });
      const two = await consolidateReport(deps, { formId: f2.id, period: '2019-03', send: false });

      // Assert
      const opinions = rows((await openWorkbook(one.workbook)).getWorksheet('Ý kiến')!);
      const at = opinions.findIndex((r) => r[0] === `${units[0]!.name} (${units[0]!.code})`);
      expect(at).toBeGreaterThan(0);
      expect(opinions.slice(at + 1)).toContainEqual(['26. Khó khăn, vướng mắc và nguyên nhân', 'Thiếu trụ sở làm việc sau hợp nhất.']);
      const wb2 = await openWorkbook(two.workbook);
      const bodies = rows(wb2.getWorksheet('Đơn vị trực thuộc')!);
      const listed = bodies.filter((r) => r[1] === units[1]!.code);
      expect(listed.map((r) => r[4])).toEqual(v2.tables.don_vi!.map((b) => b.ten_don_vi));
      expect(listed.every((r) => r[2] === units[1]!.name)).toBe(true);
      const summary = rows(wb2.getWorksheet('Tổng hợp')!);
      expect(summary.find((r) => r[1] === 'Số đơn vị trực thuộc')![2]).toBe(v2.tables.don_vi!.length);
    });
  });
});
