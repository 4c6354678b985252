/**
 * The cell map a third-party tool needs to fill a form (`npx tonghop template <id> --describe`).
 * Positions depend on the unit type (section D exists only for `huyen`): pass it for exact cells.
 * Without it, the map is the superset layout (every section), and restricted fields list the
 * unit types that fill them.
 */
import type { UnitType } from '../model';
import type { FieldType, FormDefinition } from './definition';
import { a1, columnLetter, layoutForm } from './layout';

export interface FormDescription {
  formId: string;
  version: number;
  title: string;
  fields: Array<{ key: string; label: string; type: FieldType; required: boolean; sheet: string; cell: string; unitTypes?: UnitType[] }>;
  tables: Array<{
    key: string;
    sheet: string;
    firstRow: number;
    maxRows: number;
    columns: Array<{ key: string; label: string; type: FieldType; column: string }>;
  }>;
}

export function describeForm(form: FormDefinition, unitType?: UnitType): FormDescription {
  const layout = layoutForm(form, unitType);
  return {
    formId: form.id,
    version: form.version,
    title: form.title,
    fields: layout.fields.map((f) => ({
      key: f.key,
      label: f.label,
      type: f.type,
      required: f.required,
      sheet: layout.sheet,
      cell: a1(f.row, f.col),
      ...(f.unitTypes ? { unitTypes: f.unitTypes } : {}),
    })),
    tables: layout.tables.map((t) => ({
      key: t.key,
      sheet: layout.sheet,
      firstRow: t.firstRow,
      maxRows: t.maxRows,
      columns: t.columns.map((c) => ({ key: c.key, label: c.label, type: c.type, column: columnLetter(c.col) })),
    })),
  };
}
