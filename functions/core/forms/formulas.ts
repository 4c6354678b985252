/**
 * The formulas a generated form carries (giảm = trước − hiện tại, table STT and totals, the
 * place/date line, names under the signatures) and their results for given values. exceljs does
 * not calculate, so whoever writes a form writes the cached results too: a file opened in a
 * viewer that does not recalculate (mail preview, phone) still shows the right numbers.
 */
import type { FormValues } from '../model';
import { a1, type FormLayout } from './layout';

export interface FormulaCell {
  row: number;
  col: number;
  formula: string;
  result: number | string;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Formats an ISO date as the Vietnamese date line: "Hà Nội, ngày 5 tháng 3 năm 2026". */
function dateLine(place: string, iso: string | undefined): string {
  const where = place || '……';
  if (!iso || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return `${where}, ngày …… tháng …… năm ……`;
  const [y, m, d] = iso.split('-').map(Number);
  return `${where}, ngày ${d} tháng ${m} năm ${y}`;
}

/** Every formula cell of the layout with its result for `values` (empty values: a fresh form). */
export function formulaCells(layout: FormLayout, values: FormValues = { fields: {}, tables: {} }): FormulaCell[] {
  const out: FormulaCell[] = [];
  for (const s of layout.sections) {
    for (const { row, rowNumber } of s.rows) {
      for (const c of s.columns) {
        const computed = c.computed;
        if (!computed) continue;
        const operands = [...computed.add, ...computed.sub];
        if (!operands.every((k) => row.columns.includes(k))) continue;
        const ref = (k: string) => a1(rowNumber, s.columns.find((x) => x.key === k)!.col);
        const expr = [...computed.add.map((k, i) => (i === 0 ? ref(k) : `+${ref(k)}`)), ...computed.sub.map((k) => `-${ref(k)}`)].join('');
        const formula = `IF(AND(${operands.map((k) => `ISNUMBER(${ref(k)})`).join(',')}),${expr},"")`;
        const vals = operands.map((k) => values.fields[`${row.code}.${k}`]);
        const result = vals.every(isNum)
          ? computed.add.reduce((t, k) => t + (values.fields[`${row.code}.${k}`] as number), 0) - computed.sub.reduce((t, k) => t + (values.fields[`${row.code}.${k}`] as number), 0)
          : '';
        out.push({ row: rowNumber, col: c.col, formula, result });
      }
    }
  }
  for (const t of layout.tables) {
    const rows = values.tables[t.key] ?? [];
    const first = t.columns[0]!.col;
    const last = t.columns[t.columns.length - 1]!.col;
    for (let i = 0; i < t.maxRows; i++) {
      const r = t.firstRow + i;
      const row = rows[i];
      const filled = row !== undefined && Object.values(row).some((v) => v !== null && v !== undefined && v !== '');
      out.push({ row: r, col: t.numberCol, formula: `IF(COUNTA(${a1(r, first)}:${a1(r, last)})=0,"",ROW()-${t.headerRow})`, result: filled ? i + 1 : '' });
    }
    for (const key of t.table.totals) {
      const c = t.columns.find((x) => x.key === key)!;
      const sum = rows.reduce((s, row) => s + (isNum(row[key]) ? (row[key] as number) : 0), 0);
      out.push({ row: t.totalsRow, col: c.col, formula: `SUM(${a1(t.firstRow, c.col)}:${a1(t.firstRow + t.maxRows - 1, c.col)})`, result: sum });
    }
  }
  const dateField = layout.header.find((h) => h.field.type === 'date');
  const dateRef = dateField ? a1(dateField.row, dateField.col) : undefined;
  const dateValue = dateField ? values.fields[`header.${dateField.field.key}`] : undefined;
  const placeholder = dateLine(layout.form.place, undefined);
  const where = layout.form.place || '……';
  out.push({
    row: layout.dateLineRow,
    col: layout.lastCol - 3,
    formula: dateRef ? `IF(ISNUMBER(${dateRef}),"${where}, ngày "&DAY(${dateRef})&" tháng "&MONTH(${dateRef})&" năm "&YEAR(${dateRef}),"${placeholder}")` : `"${placeholder}"`,
    result: typeof dateValue === 'string' ? dateLine(layout.form.place, dateValue) : placeholder,
  });
  for (const sig of signatures(layout)) {
    const ref = a1(sig.source.row, sig.source.col);
    const v = values.fields[`header.${sig.source.field.key}`];
    out.push({ row: layout.signatureRow + 4, col: sig.col, formula: `IF(${ref}="","",${ref})`, result: v === undefined ? '' : String(v) });
  }
  return out;
}

/** The two signature columns: người lập biểu (left) and thủ trưởng đơn vị (right), when the form has those header fields. */
export function signatures(layout: FormLayout): Array<{ title: string; hint: string; col: number; toCol: number; source: FormLayout['header'][number] }> {
  const out: Array<{ title: string; hint: string; col: number; toCol: number; source: FormLayout['header'][number] }> = [];
  const preparer = layout.header.find((h) => h.field.key === 'nguoi_lap');
  const head = layout.header.find((h) => h.field.key === 'thu_truong');
  if (preparer) out.push({ title: 'NGƯỜI LẬP BIỂU', hint: '(Ký, ghi rõ họ tên)', col: 2, toCol: 2, source: preparer });
  if (head) out.push({ title: 'THỦ TRƯỞNG ĐƠN VỊ', hint: '(Ký tên, đóng dấu)', col: layout.lastCol - 3, toCol: layout.lastCol, source: head });
  return out;
}
