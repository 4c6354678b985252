/**
 * Province totals: the sum of every numeric field over the latest accepted values of each unit.
 * Used by ingest (the (form, period) aggregate) and by consolidation, so both agree exactly.
 * Ratios are computed from these sums, never averaged (see `computeRatio`).
 */
import { roundDecimal } from '../forms/cell-values';
import { DEFAULT_DECIMALS, type FormDefinition, type Ratio } from '../forms/definition';
import type { FormValues } from '../model';

/** Key of the total number of table rows (e.g. subordinate bodies): `<table>.__rows`. */
export const rowCountKey = (tableKey: string): string => `${tableKey}.__rows`;

/** Numeric field keys of a form that consolidate by sum: `<mã số>.<column>` and `<table>.<column>`. */
export function summedFieldKeys(form: FormDefinition): string[] {
  const keys: string[] = [];
  for (const section of form.sections) {
    const byKey = new Map(section.columns.map((c) => [c.key, c]));
    for (const row of section.rows) {
      for (const colKey of row.columns) {
        const col = byKey.get(colKey);
        if (col && isSummed(col.type, col.consolidate)) keys.push(`${row.code}.${colKey}`);
      }
    }
  }
  for (const table of form.tables) {
    for (const col of table.columns) if (isSummed(col.type, col.consolidate)) keys.push(`${table.key}.${col.key}`);
  }
  return keys;
}

/**
 * Decimal places of each summed `decimal` field (`<mã số>.<column>`, `<table>.<column>`): its
 * sums are rounded to them, so 0,1 + 0,2 is 0,3 and not 0,30000000000000004. Whole numbers and
 * money (whole đồng, exact up to 9 million billion) need no rounding.
 */
export function decimalPlaces(form: FormDefinition): Map<string, number> {
  const out = new Map<string, number>();
  for (const section of form.sections) {
    const byKey = new Map(section.columns.map((c) => [c.key, c]));
    for (const row of section.rows) {
      for (const colKey of row.columns) {
        const col = byKey.get(colKey);
        if (col?.type === 'decimal') out.set(`${row.code}.${colKey}`, col.decimals ?? DEFAULT_DECIMALS);
      }
    }
  }
  for (const table of form.tables) for (const col of table.columns) if (col.type === 'decimal') out.set(`${table.key}.${col.key}`, col.decimals ?? DEFAULT_DECIMALS);
  return out;
}

/** Whether a column consolidates by sum: `consolidate: "sum"`, or a numeric type by default. */
export function isSummed(type: string, consolidate: string | undefined): boolean {
  if (consolidate) return consolidate === 'sum';
  return type === 'whole' || type === 'decimal' || type === 'money';
}

/**
 * Sums each summed field over the given units' values. A field no unit filled is absent
 * (not 0: blank is not zero). Table columns sum over all rows; `<table>.__rows` counts rows.
 */
export function computeTotals(form: FormDefinition, units: readonly FormValues[]): Record<string, number> {
  const totals: Record<string, number> = {};
  const summed = summedFieldKeys(form);
  const add = (key: string, v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) totals[key] = (totals[key] ?? 0) + v;
  };
  for (const values of units) {
    for (const key of summed) {
      const dot = key.indexOf('.');
      const tableKey = key.slice(0, dot);
      const rows = values.tables[tableKey];
      if (rows) {
        const col = key.slice(dot + 1);
        for (const row of rows) add(key, row[col]);
      } else {
        add(key, values.fields[key]);
      }
    }
    for (const table of form.tables) {
      const rows = values.tables[table.key];
      if (rows) totals[rowCountKey(table.key)] = (totals[rowCountKey(table.key)] ?? 0) + rows.length;
    }
  }
  for (const [key, places] of decimalPlaces(form)) if (key in totals) totals[key] = roundDecimal(totals[key]!, places);
  return totals;
}

/** A ratio from sums: (Σadd − Σsub) / Σdenominator; undefined when the denominator is 0 or missing. */
export function computeRatio(ratio: Ratio, totals: Record<string, number>): number | undefined {
  const sum = (keys: readonly string[]) => keys.reduce((s, k) => s + (totals[k] ?? 0), 0);
  const denominator = sum(ratio.denominator);
  if (!ratio.denominator.some((k) => k in totals) || denominator === 0) return undefined;
  return (sum(ratio.numerator.add) - sum(ratio.numerator.sub)) / denominator;
}
