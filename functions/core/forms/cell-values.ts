/**
 * Reading what a person typed into a cell. Staff type numbers as text in Vietnamese notation
 * (`1.234`, `1.234.567`, `12,5`), paste from Word (non-breaking spaces), or use a Vietnamese IME
 * that produces full-width digits. We read those exactly, flag what is ambiguous (`1,234`:
 * one thousand two hundred thirty-four, or one point two three four?) and never guess.
 * Blank is not zero: an empty cell, or one holding only spaces, is `blank`.
 */

/** The raw content of a cell, independent of the spreadsheet library. */
export type RawCell =
  | { kind: 'blank' }
  | { kind: 'number'; value: number; fromFormula?: boolean }
  | { kind: 'text'; value: string; fromFormula?: boolean }
  | { kind: 'date'; value: Date; fromFormula?: boolean }
  | { kind: 'boolean'; value: boolean; fromFormula?: boolean }
  | { kind: 'error'; value: string }
  /** A formula the file carries no computed value for. */
  | { kind: 'formula-no-value'; formula: string };

export type NumberParse =
  | { ok: true; value: number; fromText: boolean }
  | { ok: false; reason: 'blank' | 'ambiguous' | 'not-number' };

/** Folds full-width digits and punctuation and every kind of space to their ASCII forms, trims. */
export function normalizeText(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/\uFF0E/g, '.')
    .replace(/\uFF0C/g, ',')
    .replace(/[\uFF0D\u2212\u2012\u2013]/g, '-')
    .replace(/[\u00A0\u2007\u202F\u2009\u200A\u3000\t]/g, ' ')
    .replace(/[\u200B\uFEFF]/g, '')
    .trim();
}

const GROUPED_DOT = /^\d{1,3}(\.\d{3})+(,\d+)?$/; // 1.234 · 1.234.567 · 1.234,5
const GROUPED_COMMA_MULTI = /^\d{1,3}(,\d{3}){2,}(\.\d+)?$/; // 1,234,567 (two commas: cannot be a decimal)
const GROUPED_COMMA_DOT = /^\d{1,3}(,\d{3})+\.\d+$/; // 1,234.5 (English notation, unambiguous)
const GROUPED_SPACE = /^\d{1,3}( \d{3})+(,\d+)?$/; // 1 234 567 · 1 234,5
const DECIMAL_COMMA = /^\d+,\d+$/; // 12,5 (but 1,234 is ambiguous)
const DECIMAL_DOT = /^\d*\.\d+$/; // 12.5 — a dot followed by other than 3 digits is not a thousands separator
const PLAIN = /^\d+$/;

/** Parses number text written the Vietnamese way (or unambiguously the English way). */
export function parseNumberText(input: string): NumberParse {
  let s = normalizeText(input);
  if (s === '') return { ok: false, reason: 'blank' };
  let sign = 1;
  if (s.startsWith('-')) {
    sign = -1;
    s = s.slice(1).trim();
  } else if (s.startsWith('+')) {
    s = s.slice(1).trim();
  }
  const done = (text: string): NumberParse => ({ ok: true, value: sign * Number(text), fromText: true });
  if (PLAIN.test(s)) return done(s);
  if (GROUPED_DOT.test(s)) return done(s.replaceAll('.', '').replace(',', '.'));
  if (GROUPED_SPACE.test(s)) return done(s.replaceAll(' ', '').replace(',', '.'));
  if (GROUPED_COMMA_MULTI.test(s) || GROUPED_COMMA_DOT.test(s)) return done(s.replaceAll(',', ''));
  if (/^\d{1,3},\d{3}$/.test(s)) return { ok: false, reason: 'ambiguous' };
  if (DECIMAL_COMMA.test(s)) return done(s.replace(',', '.'));
  if (DECIMAL_DOT.test(s)) return done(s.startsWith('.') ? `0${s}` : s);
  return { ok: false, reason: 'not-number' };
}

/** A number from a cell: typed numbers, formula results, or number text. */
export function readNumber(cell: RawCell): NumberParse {
  switch (cell.kind) {
    case 'blank':
      return { ok: false, reason: 'blank' };
    case 'number':
      return { ok: true, value: cell.value, fromText: false };
    case 'text':
      return parseNumberText(cell.value);
    default:
      return { ok: false, reason: 'not-number' };
  }
}

/** Text from a cell (numbers as typed, e.g. a phone number stored as a number). */
export function readText(cell: RawCell): string | undefined {
  switch (cell.kind) {
    case 'text': {
      const t = cell.value.replace(/[\u00A0\u202F\u2007]/g, ' ').replace(/[\u200B\uFEFF]/g, '').trim();
      return t === '' ? undefined : t.normalize('NFC');
    }
    case 'number':
      return String(cell.value);
    case 'date':
      return toIsoDate(cell.value);
    case 'boolean':
      return cell.value ? 'TRUE' : 'FALSE';
    default:
      return undefined;
  }
}

function toIsoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Excel serial day numbers (1900 system): 25569 = 1970-01-01. */
function fromSerial(n: number): string | undefined {
  if (!Number.isFinite(n) || n < 1 || n > 2958465) return undefined;
  return toIsoDate(new Date(Math.round((n - 25569) * 86400_000)));
}

function validIso(y: number, m: number, d: number): string | undefined {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return undefined;
  return toIsoDate(t);
}

/** A date from a cell as ISO yyyy-mm-dd: real dates, serial numbers, `dd/mm/yyyy` or `yyyy-mm-dd` text. */
export function readDate(cell: RawCell): { ok: true; value: string } | { ok: false; reason: 'blank' | 'not-date' } {
  switch (cell.kind) {
    case 'blank':
      return { ok: false, reason: 'blank' };
    case 'date':
      return { ok: true, value: toIsoDate(cell.value) };
    case 'number': {
      const iso = fromSerial(cell.value);
      return iso ? { ok: true, value: iso } : { ok: false, reason: 'not-date' };
    }
    case 'text': {
      const s = normalizeText(cell.value);
      if (s === '') return { ok: false, reason: 'blank' };
      let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
      if (m) {
        const iso = validIso(Number(m[3]), Number(m[2]), Number(m[1]));
        if (iso) return { ok: true, value: iso };
      }
      m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      if (m) {
        const iso = validIso(Number(m[1]), Number(m[2]), Number(m[3]));
        if (iso) return { ok: true, value: iso };
      }
      return { ok: false, reason: 'not-date' };
    }
    default:
      return { ok: false, reason: 'not-date' };
  }
}

/**
 * Converts an exceljs cell value to a `RawCell`. Kept structural (no exceljs import) so the
 * reader's logic is testable without a workbook.
 */
export function toRawCell(value: unknown): RawCell {
  if (value === null || value === undefined) return { kind: 'blank' };
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'error', value: '#NUM!' };
  if (typeof value === 'string') return value.trim() === '' && normalizeText(value) === '' ? { kind: 'blank' } : { kind: 'text', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (value instanceof Date) return { kind: 'date', value };
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('formula' in v || 'sharedFormula' in v) {
      const result = v.result;
      if (result === undefined || result === null) return { kind: 'formula-no-value', formula: String(v.formula ?? v.sharedFormula ?? '') };
      const inner = toRawCell(result);
      if (inner.kind === 'blank' || inner.kind === 'error' || inner.kind === 'formula-no-value') return inner;
      return { ...inner, fromFormula: true } as RawCell;
    }
    if (Array.isArray(v.richText)) {
      return toRawCell((v.richText as Array<{ text?: string }>).map((p) => p.text ?? '').join(''));
    }
    if ('text' in v && 'hyperlink' in v) return toRawCell(v.text);
    if ('error' in v) return { kind: 'error', value: String(v.error) };
  }
  return { kind: 'text', value: String(value) };
}

/**
 * The text a `unique` table column compares by: Unicode NFC, lower case, runs of spaces folded,
 * trimmed. Vietnamese has no locale-specific case mapping: toLowerCase is exact and much faster
 * than toLocaleLowerCase('vi').
 */
export function uniqueTextKey(value: string): string {
  return value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** How much of a cell's text (or any text from a file) a message quotes. */
export const QUOTE_MAX_CHARS = 60;

/**
 * Text from an uploaded file as a message may quote it: at most `max` characters, cut with "…",
 * never splitting a character. Messages are stored on the submission record and shown on the
 * unit's page, so a cell holding thousands of characters must not be repeated in each of them.
 */
export function quoteText(text: string, max: number = QUOTE_MAX_CHARS): string {
  if (text.length <= max) return text;
  const chars = Array.from(text.slice(0, max * 2));
  if (chars.length <= max && text.length <= max * 2) return text;
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/**
 * A decimal rounded half away from zero to `places`, through its shortest decimal text so that
 * 1.005 (stored as 1.00499…) rounds to 1.01 as the person typed it. Sums of rounded values then
 * carry no more places than the form asks for.
 */
export function roundDecimal(n: number, places: number): number {
  const scaled = Number(`${Math.abs(n)}e${places}`);
  const rounded = Number(`${Math.round(scaled)}e-${places}`);
  return Number.isFinite(rounded) ? Math.sign(n) * rounded : n;
}
