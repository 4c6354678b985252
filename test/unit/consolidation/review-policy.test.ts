/**
 * The consolidation follows the form's review policy: returned reports never count; reports
 * awaiting review count unless the form says `includeUnreviewed: false`; the "Tình hình nộp"
 * sheet shows each unit's review and the approved / awaiting / returned counts.
 */
import ExcelJS from 'exceljs';
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import { consolidateReport } from '../../../functions/core/usecases/consolidate-report';
import { loadForm, makeUnits, memoryDeps, randomValues, rng, submit } from './fixtures';

const NOW = '2019-03-19T00:30:00Z';
const FORM = 'sap-xep-bo-may';
const PERIOD = '2019-Q1';

jest.setTimeout(60_000);

async function statusRows(bytes: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const out: unknown[][] = [];
  wb.getWorksheet('Tình hình nộp')!.eachRow({ includeEmpty: false }, (row) => void out.push((row.values as unknown[]).slice(1)));
  return out;
}

/** Three units reporting: one approved, one returned, one awaiting review. */
async function province(includeUnreviewed: boolean) {
  const form = loadForm(FORM);
  form.consolidation.includeUnreviewed = includeUnreviewed;
  const units = makeUnits(3, rng(7));
  const deps = { ...memoryDeps(units, NOW), forms: createFormCatalog([form]) };
  const ids: string[] = [];
  for (const [i, unit] of units.entries()) {
    const v = randomValues(form, unit, rng(100 + i));
    ids.push((await submit(deps.submissions, { unitCode: unit.code, formId: FORM, period: PERIOD, receivedAt: `2019-03-1${i}T02:00:00.000Z`, values: v })).uploadId);
  }
  const review = (i: number, state: 'da-duyet' | 'tra-lai') =>
    deps.reviews.put({ formId: FORM, period: PERIOD, unitCode: units[i]!.code, uploadId: ids[i]!, state, actor: 'lan@tinhuy.example.vn', at: NOW, rev: 1 }, undefined);
  await review(0, 'da-duyet');
  await review(1, 'tra-lai');
  return { deps, units };
}

describe('consolidation review policy', () => {
  it('counts approved and awaiting reports by default, never a returned one', async () => {
    const { deps, units } = await province(true);

    const result = await consolidateReport(deps, { formId: FORM, period: PERIOD, send: false });

    expect(result.unitsReported).toBe(2);
    expect(result.notReported.map((u) => u.code)).toEqual([units[1]!.code]);
    const rows = await statusRows(result.workbook);
    expect(String(rows[3]![0])).toBe('Duyệt báo cáo: 1 đã duyệt, 1 chờ duyệt, 1 trả lại (số liệu tính báo cáo đã duyệt và chờ duyệt; báo cáo bị trả lại không được tính).');
    const byCode = (code: string) => rows.find((r) => r[1] === code)!;
    expect([byCode(units[0]!.code)[6], byCode(units[1]!.code)[6], byCode(units[2]!.code)[6]]).toEqual(['Đã duyệt', 'Trả lại', 'Chờ duyệt']);
    expect(byCode(units[1]!.code)[5]).toBe('Trả lại — không tính');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(result.workbook as unknown as ExcelJS.Buffer);
    const dataUnits = new Set<unknown>();
    wb.getWorksheet('Dữ liệu')!.eachRow((row, n) => void (n > 1 && dataUnits.add((row.values as unknown[])[1])));
    expect([...dataUnits].sort()).toEqual([units[0]!.code, units[2]!.code].sort());
  });

  it('counts only approved reports when the form sets includeUnreviewed: false', async () => {
    const { deps, units } = await province(false);

    const result = await consolidateReport(deps, { formId: FORM, period: PERIOD, send: false });

    expect(result.unitsReported).toBe(1);
    expect(result.notReported.map((u) => u.code).sort()).toEqual([units[1]!.code, units[2]!.code].sort());
    const rows = await statusRows(result.workbook);
    expect(String(rows[3]![0])).toContain('số liệu chỉ tính báo cáo đã duyệt');
    expect(rows.find((r) => r[1] === units[2]!.code)![5]).toBe('Chờ duyệt — chưa tính');
  });

  it('makes a new workbook when an approval changes, even with the same figures', async () => {
    const { deps, units } = await province(true);
    const first = await consolidateReport(deps, { formId: FORM, period: PERIOD, send: false });
    const stored = (await deps.reviews.get(FORM, PERIOD, units[2]!.code));
    const latest = await deps.submissions.listLatestAccepted(FORM, PERIOD);
    await deps.reviews.put({ formId: FORM, period: PERIOD, unitCode: units[2]!.code, uploadId: latest.find((l) => l.unitCode === units[2]!.code)!.uploadId, state: 'da-duyet', actor: 'lan@tinhuy.example.vn', at: NOW, rev: 1 }, stored);

    const second = await consolidateReport(deps, { formId: FORM, period: PERIOD, send: false });

    expect(second.contentHash).not.toBe(first.contentHash);
    expect(second.unitsReported).toBe(first.unitsReported);
  });
});
