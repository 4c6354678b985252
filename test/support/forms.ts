/**
 * Test helpers for forms: valid values for any form and unit type, and filling a generated
 * workbook the way a person would (through the cell map recorded in the file), so tests, the
 * browser test and the benchmark can make valid and invalid uploads.
 */
import ExcelJS from 'exceljs';
import { expandRule, formulaCells, layoutForm, readMetadata, type FormDefinition } from '../../functions/core/forms';
import type { FieldValue, FormValues, TableRow, Unit, UnitType } from '../../functions/core/model';

/** Small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Hoàng Cường', 'Phạm Thu Dung', 'Hoàng Minh Đức', 'Vũ Thị Hương'];
const BODIES = ['Phòng Tổ chức cán bộ', 'Văn phòng', 'Trung tâm Dịch vụ', 'Chi cục Quản lý', 'Phòng Kế hoạch - Tài chính', 'Ban Quản lý dự án', 'Trường Chính trị', 'Bệnh viện Đa khoa'];

export interface SampleOptions {
  /** Rows per repeating table (default 3–8, from the seed). */
  tableRows?: number;
}

/**
 * Values that satisfy every rule of the form (errors and warnings alike) for a unit type:
 * random numbers, then each compare rule is made to hold (sums set, ≤ clamped) until stable.
 */
export function sampleValues(form: FormDefinition, unitType: UnitType, seed = 1, options: SampleOptions = {}): FormValues {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const layout = layoutForm(form, unitType);
  const fields: Record<string, FieldValue> = {};
  for (const f of layout.fields) {
    switch (f.type) {
      case 'whole':
        fields[f.key] = int(0, 40);
        break;
      case 'money':
        fields[f.key] = int(0, 5_000) * 1_000_000;
        break;
      case 'decimal':
        fields[f.key] = int(0, 1000) / 10;
        break;
      case 'date':
        fields[f.key] = `2026-0${int(1, 9)}-1${int(0, 9)}`;
        break;
      case 'choice':
        fields[f.key] = f.choices?.[int(0, (f.choices.length || 1) - 1)] ?? '';
        break;
      case 'text':
        fields[f.key] = f.key.startsWith('header.') ? (f.key === 'header.dien_thoai' ? `0912 ${int(100, 999)} ${int(100, 999)}` : PEOPLE[int(0, PEOPLE.length - 1)]!) : `Nội dung mẫu ${f.key} số ${int(1, 999)}: đã triển khai theo kế hoạch.`;
        break;
    }
  }
  const applicable = new Set(layout.fields.map((f) => f.key));
  const n = (k: string) => (typeof fields[k] === 'number' ? (fields[k] as number) : 0);
  for (let pass = 0; pass < 10; pass++) {
    let changed = false;
    for (const rule of form.rules) {
      if (rule.kind !== 'compare') continue;
      for (const inst of expandRule(rule)) {
        if (!inst.keys.every((k) => applicable.has(k)) || inst.left.length !== 1) continue;
        const target = inst.left[0]!;
        const right = inst.right.reduce((s, k) => s + n(k), 0);
        const left = n(target);
        let next = left;
        if (rule.op === 'eq') next = right;
        else if (rule.op === 'lte' && left > right) next = int(0, right);
        else if (rule.op === 'gte' && left < right) next = right + int(0, 5);
        if (next !== left) {
          fields[target] = next;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const tables: Record<string, TableRow[]> = {};
  for (const t of layout.tables) {
    const count = options.tableRows ?? int(3, 8);
    const rows: TableRow[] = [];
    for (let i = 0; i < count; i++) {
      const row: TableRow = {};
      for (const c of t.columns) {
        if (c.type === 'text') row[c.key] = c.unique ? `${BODIES[i % BODIES.length]} ${i + 1}` : c.required ? `Ghi chú ${i + 1}` : i % 2 ? null : `Ghi chú ${i + 1}`;
        else if (c.type === 'choice') row[c.key] = c.column.choices?.[int(0, (c.column.choices.length || 1) - 1)] ?? null;
        else if (c.type === 'date') row[c.key] = `2026-0${int(1, 9)}-1${int(0, 9)}`;
        else if (c.type === 'money') row[c.key] = int(0, 5_000) * 1_000_000;
        else if (c.type === 'decimal') row[c.key] = int(0, 600) / 10;
        else row[c.key] = int(0, 60);
      }
      for (const rule of t.table.rules) {
        if (rule.left.length !== 1) continue;
        const right = rule.right.reduce((s, k) => s + (typeof row[k] === 'number' ? (row[k] as number) : 0), 0);
        const key = rule.left[0]!;
        if (rule.op === 'lte' && (row[key] as number) > right) row[key] = int(0, right);
        if (rule.op === 'eq') row[key] = right;
      }
      rows.push(row);
    }
    tables[t.key] = rows;
  }
  return { fields, tables };
}

export interface FillOptions {
  /** Write numbers as Vietnamese text ("1.234") instead of numbers. */
  numbersAsText?: boolean;
  /** Raw cell overrides by A1 address on the main sheet (applied last), e.g. `{ C12: '1,234' }`. */
  cells?: Record<string, ExcelJS.CellValue>;
  /** Write formula cells' cached results for the values (default true). */
  cachedResults?: boolean;
  /** The form definition, when it is not in templates/ (default: looked up there by the file's form id and version). */
  form?: FormDefinition;
}

const viText = (n: number) => n.toLocaleString('vi-VN', { maximumFractionDigits: 6 });

/** Writes `values` into a generated form through its recorded cell map; returns the new file. Absent/null values leave cells blank. */
export async function fillForm(generatedXlsx: Buffer, values: FormValues, options: FillOptions = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(generatedXlsx as unknown as ExcelJS.Buffer);
  const read = readMetadata(wb);
  if (!read.ok) throw new Error(`fillForm: not a generated form (${read.reason})`);
  const { meta } = read;
  const ws = wb.getWorksheet(meta.structure.sheet)!;
  const toCell = (v: FieldValue | null | undefined, type: string): ExcelJS.CellValue => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return options.numbersAsText ? viText(v) : v;
    if (type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
    return v;
  };
  const layout = layoutForm(options.form ?? (await formOf(meta.formId, meta.version)), meta.unitType);
  const types = new Map(layout.fields.map((f) => [f.key, f.type]));
  for (const [key, [anchor, col]] of Object.entries(meta.structure.fields)) {
    const row = meta.structure.anchors[anchor]![1];
    ws.getCell(row, col).value = toCell(values.fields[key], types.get(key) ?? 'text');
  }
  for (const t of meta.structure.tables) {
    const rows = values.tables[t.key] ?? [];
    const firstRow = t.headerAnchor[1] + 1;
    const lt = layout.tables.find((x) => x.key === t.key)!;
    rows.forEach((row, i) => {
      for (const [key, col] of Object.entries(t.columns)) {
        const type = lt.columns.find((c) => c.key === key)?.type ?? 'text';
        ws.getCell(firstRow + i, col).value = toCell(row[key], type);
      }
    });
  }
  if (options.cachedResults !== false) {
    // What Excel would have cached: SUM skips numbers typed as text.
    const excelView: FormValues = options.numbersAsText
      ? { fields: values.fields, tables: Object.fromEntries(Object.entries(values.tables).map(([k, rows]) => [k, rows.map((r) => Object.fromEntries(Object.entries(r).map(([c, v]) => [c, typeof v === 'number' ? null : v])))])) }
      : values;
    for (const f of formulaCells(layout, excelView)) ws.getCell(f.row, f.col).value = { formula: f.formula, result: f.result } as ExcelJS.CellFormulaValue;
  }
  for (const [address, value] of Object.entries(options.cells ?? {})) ws.getCell(address).value = value;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

let catalogPromise: Promise<import('../../functions/core/forms').FormCatalog> | undefined;
async function formOf(formId: string, version: number): Promise<FormDefinition> {
  const { loadFormCatalog } = await import('../../functions/core/forms');
  catalogPromise ??= loadFormCatalog();
  return (await catalogPromise).require(formId, version);
}

/** A sample unit of each type (codes as in the sample province). */
export function sampleUnit(type: UnitType, code = `TEST-${type.toUpperCase()}`): Unit {
  const names: Record<string, string> = {
    'ban-dang': 'Ban Tổ chức Tỉnh ủy',
    'so-nganh': 'Sở Y tế',
    'mttq-doan-the': 'Hội Liên hiệp Phụ nữ tỉnh',
    huyen: 'Huyện ủy Tiên Phước',
    'dang-uy-truc-thuoc': 'Đảng ủy Khối các cơ quan tỉnh',
  };
  return { code, name: names[type] ?? `Đơn vị ${type}`, type, emails: [`${code.toLowerCase()}@example.vn`], active: true, keyVersion: 1 };
}
