/**
 * The rules of a form, recomputed by the system on every upload (cached formula results in the
 * file are never trusted for a check). Compare rules expand `{row}` × `{col}`; a rule instance
 * is checked only when every field it names applies to the unit and has a value — a blank
 * required field is reported once, on its own, not again by every rule that uses it.
 */
import type { FieldValue, FormValues, Severity } from '../model';
import type { BaselineRule, CompareRule, FormDefinition, Rule } from './definition';

export interface RuleInstance {
  rule: Rule;
  row?: string;
  col?: string;
  left: string[];
  right: string[];
  /** Every key named (left then right, or the baseline fields). */
  keys: string[];
}

const substitute = (key: string, row?: string, col?: string) => key.replaceAll('{row}', row ?? '{row}').replaceAll('{col}', col ?? '{col}');

/** Expands `{row}`/`{col}` placeholders into concrete instances. */
export function expandRule(rule: Rule): RuleInstance[] {
  const rows: Array<string | undefined> = rule.rows?.length ? rule.rows : [undefined];
  const cols: Array<string | undefined> = rule.columns?.length ? rule.columns : [undefined];
  const out: RuleInstance[] = [];
  for (const row of rows) {
    for (const col of cols) {
      if (rule.kind === 'compare') {
        const left = rule.left.map((k) => substitute(k, row, col));
        const right = rule.right.map((k) => substitute(k, row, col));
        out.push({ rule, row, col, left, right, keys: [...left, ...right] });
      } else {
        const fields = rule.fields.map((k) => substitute(k, row, col));
        out.push({ rule, row, col, left: fields, right: [], keys: fields });
      }
    }
  }
  return out;
}

export function compare(op: CompareRule['op'], a: number, b: number): boolean {
  // Decimal inputs may carry binary noise (0.1 + 0.2); whole numbers compare exactly.
  const eps = 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  switch (op) {
    case 'eq':
      return Math.abs(a - b) <= eps;
    case 'lte':
      return a <= b + eps;
    case 'gte':
      return a + eps >= b;
    case 'lt':
      return a < b - eps;
    case 'gt':
      return a > b + eps;
  }
}

let viNumber: Intl.NumberFormat | undefined;

/** Vietnamese number text: 1.234.567 and 12,5 (one formatter, made on first use: `toLocaleString` with options builds a new one per call). */
export function formatNumberVi(n: number): string {
  viNumber ??= new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 6 });
  return viNumber.format(n);
}

export interface RuleFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** The field the finding is shown on (first field of the left side). */
  field: string;
  fields: string[];
}

export interface RuleContext {
  form: FormDefinition;
  /** Field keys that apply to this unit (present in its layout). */
  applicable: ReadonlySet<string>;
  values: FormValues;
  /**
   * Column label by column key, for `{col}` in messages; `field` is the instance's first field
   * (`<mã số>.<column>`), so that a key two sections share is named by the label of its own section.
   */
  columnLabel: (key: string, field?: string) => string;
  previous?: FormValues;
}

const num = (v: FieldValue | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The stable code of a rule's findings, e.g. `RULE_TONG_DAU_MOI`. */
export const ruleCode = (ruleId: string): string => `RULE_${ruleId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/** Evaluates every rule of the form against one upload's values. */
export function evaluateRules(ctx: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const rule of ctx.form.rules) {
    for (const inst of expandRule(rule)) {
      if (!inst.keys.every((k) => ctx.applicable.has(k))) continue;
      const finding = rule.kind === 'compare' ? checkCompare(rule, inst, ctx) : checkBaseline(rule, inst, ctx);
      findings.push(...finding);
    }
  }
  return findings;
}

function checkCompare(rule: CompareRule, inst: RuleInstance, ctx: RuleContext): RuleFinding[] {
  const leftVals = inst.left.map((k) => num(ctx.values.fields[k]));
  const rightVals = inst.right.map((k) => num(ctx.values.fields[k]));
  if ([...leftVals, ...rightVals].some((v) => v === undefined)) return [];
  const l = (leftVals as number[]).reduce((s, v) => s + v, 0);
  const r = (rightVals as number[]).reduce((s, v) => s + v, 0);
  if (compare(rule.op, l, r)) return [];
  const message = fill(rule.message, {
    left: inst.left.join(' + '),
    right: inst.right.join(' + '),
    leftValue: formatNumberVi(l),
    rightValue: formatNumberVi(r),
    row: inst.row ?? '',
    col: inst.col ? ctx.columnLabel(inst.col, inst.left[0]) : '',
  });
  return [{ ruleId: rule.id, severity: rule.severity, message, field: inst.left[0]!, fields: inst.keys }];
}

function checkBaseline(rule: BaselineRule, inst: RuleInstance, ctx: RuleContext): RuleFinding[] {
  if (!ctx.previous) return [];
  const out: RuleFinding[] = [];
  for (const key of inst.left) {
    const now = ctx.values.fields[key];
    const before = ctx.previous.fields[key];
    if (now === undefined || before === undefined) continue;
    const same = typeof now === 'number' && typeof before === 'number' ? compare('eq', now, before) : String(now) === String(before);
    if (same) continue;
    const fmt = (v: FieldValue) => (typeof v === 'number' ? formatNumberVi(v) : v);
    const message = fill(rule.message, {
      value: fmt(now),
      previousValue: fmt(before),
      row: inst.row ?? '',
      col: inst.col ? ctx.columnLabel(inst.col, key) : '',
      field: key,
    });
    out.push({ ruleId: rule.id, severity: rule.severity, message, field: key, fields: [key] });
  }
  return out;
}
