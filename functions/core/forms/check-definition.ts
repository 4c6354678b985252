/**
 * A form definition checked as a whole: every problem (schema, cross-references, duplicates,
 * safety limits) is collected with a readable location, a Vietnamese message and a stable code,
 * instead of stopping at the first. The loader (`catalog.ts`) and `npx tonghop forms check`
 * share these rules. Core code: no fs, no AWS.
 */
import * as z from 'zod/mini';
import { formatCalendarDate, parseCalendarDate, weekdayName, weekdayOf } from '../calendar/check-calendar';
import { FormDefinitionSchema, type FormDefinition } from './definition';
import { estimateFormSize, uploadLimitExcesses, type UploadLimitExcess } from './form-size';
import { DEFAULT_LIMITS } from './inspect-file';
import { expandRule } from './rules';
import { figureKeys } from '../consolidation/report';
import type { UnitTypeRegistry } from '../units/unit-types';

export interface DefinitionProblem {
  /** Where, e.g. `sections[0].rows[3] (Mã số 07).columns[1]`. */
  path: string;
  /** Stable code, e.g. DEF_UNKNOWN_KEY. */
  code: string;
  message: string;
  /** A definition workbook's problem: its sheet, row, column letter and heading (`path` then says the same in words). */
  sheet?: string;
  row?: number;
  column?: string;
  header?: string;
}

/** Safety limits of a definition: a form is rendered, generated and checked on every upload, so its size is bounded. */
export const DEFINITION_LIMITS = {
  /** JSON size of the whole definition. */
  maxBytes: 512 * 1024,
  maxSections: 20,
  maxRowsPerSection: 500,
  maxRowsTotal: 500,
  maxColumnsPerSection: 40,
  maxTables: 20,
  maxColumnsPerTable: 40,
  maxRules: 1000,
  maxRatios: 100,
  maxHeaderFields: 40,
  /** Labels, titles, notes and any other text. */
  maxTextLength: 500,
  /** Rule messages (they carry placeholders and explanations). */
  maxMessageLength: 1000,
  /** At most this many problems are listed (the rest are counted). */
  maxProblems: 200,
} as const;

/** The parts the cross-reference checks read: checked on their own when another part is wrong, so all problems show in one run. */
const StructureSchema = z.pick(FormDefinitionSchema, { header: true, sections: true, tables: true, rules: true, ratios: true });
type Structure = Pick<FormDefinition, 'header' | 'sections' | 'tables' | 'rules' | 'ratios'>;

const PERIOD_TYPES = ['month', 'quarter', 'half', 'year'];

type Segment = string | number;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const arrayAt = (v: unknown, key: string): unknown[] => (isRecord(v) && Array.isArray(v[key]) ? (v[key] as unknown[]) : []);

/** A short, safe rendering of a value taken from the definition (never unbounded). */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return `"${text.length > 60 ? `${text.slice(0, 60)}…` : text}"`;
}

/** `sections[0].rows[3] (Mã số 07).code`: the path with the row code, rule id or key of each element named. */
export function describePath(raw: unknown, path: readonly Segment[]): string {
  let out = '';
  let node: unknown = raw;
  let parentKey: Segment | undefined;
  for (const seg of path) {
    if (typeof seg === 'number') {
      out += `[${seg}]`;
      node = Array.isArray(node) ? node[seg] : undefined;
      if (isRecord(node)) {
        const name = parentKey === 'rows' ? node.code : parentKey === 'rules' ? node.id : node.key;
        if (typeof name === 'string' && name.length > 0) out += parentKey === 'rows' ? ` (Mã số ${quote(name).slice(1, -1)})` : ` (${quote(name).slice(1, -1)})`;
      }
    } else {
      out += out ? `.${seg}` : seg;
      node = isRecord(node) ? node[seg] : undefined;
    }
    parentKey = seg;
  }
  return out || '(toàn bộ định nghĩa)';
}

interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  expected?: string;
  values?: unknown[];
  minimum?: unknown;
  maximum?: unknown;
  origin?: string;
  format?: string;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'một chuỗi',
  number: 'một số',
  int: 'một số nguyên',
  boolean: 'true hoặc false',
  array: 'một danh sách',
  object: 'một đối tượng',
  record: 'một đối tượng',
};

function valueAt(raw: unknown, path: readonly Segment[]): unknown {
  let node = raw;
  for (const seg of path) {
    if (typeof seg === 'number') node = Array.isArray(node) ? node[seg] : undefined;
    else node = isRecord(node) ? node[seg] : undefined;
  }
  return node;
}

function schemaProblem(raw: unknown, issue: ZodLikeIssue): DefinitionProblem {
  const path = issue.path.filter((s): s is Segment => typeof s === 'string' || typeof s === 'number');
  const where = describePath(raw, path);
  const field = path[path.length - 1];
  if (field === 'periodType' && path.length === 1) {
    return { path: where, code: 'DEF_BAD_PERIOD_TYPE', message: `Loại kỳ báo cáo phải là một trong: ${PERIOD_TYPES.join(', ')}.` };
  }
  const present = valueAt(raw, path) !== undefined;
  let message: string;
  switch (issue.code) {
    case 'invalid_type':
      message = present ? `Phải là ${TYPE_NAMES[issue.expected ?? ''] ?? issue.expected}.` : 'Thiếu trường bắt buộc.';
      break;
    case 'invalid_value':
      message = `Giá trị phải là một trong: ${(issue.values ?? []).map((v) => String(v)).join(', ')}.`;
      break;
    case 'invalid_union':
      message = field === 'kind' || isRecord(valueAt(raw, path)) ? 'Loại quy tắc (kind) phải là compare hoặc baseline.' : 'Giá trị không đúng dạng.';
      break;
    case 'invalid_format':
      message = 'Sai định dạng (khóa chỉ gồm a-z, 0-9, _; mã số gồm chữ và số; ngày yyyy-mm-dd; giờ hh:mm).';
      break;
    case 'too_small':
      message = `Giá trị nhỏ nhất là ${String(issue.minimum)}.`;
      break;
    case 'too_big':
      message = `Giá trị lớn nhất là ${String(issue.maximum)}.`;
      break;
    default:
      message = 'Giá trị không hợp lệ.';
  }
  return { path: where, code: 'DEF_SCHEMA', message };
}

/** Size, counts and text lengths, checked on the raw JSON (before the schema, so a huge definition is refused by its numbers). */
function limitProblems(raw: unknown): DefinitionProblem[] {
  const L = DEFINITION_LIMITS;
  const out: DefinitionProblem[] = [];
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8');
  } catch {
    bytes = Infinity;
  }
  if (bytes > L.maxBytes) out.push({ path: '(toàn bộ định nghĩa)', code: 'DEF_TOO_LARGE', message: `Định nghĩa quá lớn: tối đa ${L.maxBytes / 1024} KB JSON.` });
  const count = (items: unknown[], max: number, path: string, code: string, what: string) => {
    if (items.length > max) out.push({ path, code, message: `Quá nhiều ${what}: ${items.length}, tối đa ${max}.` });
  };
  const sections = arrayAt(raw, 'sections');
  count(sections, L.maxSections, 'sections', 'DEF_TOO_MANY_SECTIONS', 'phần');
  let totalRows = 0;
  sections.forEach((section, i) => {
    const rows = arrayAt(section, 'rows');
    totalRows += rows.length;
    count(rows, L.maxRowsPerSection, describePath(raw, ['sections', i, 'rows']), 'DEF_TOO_MANY_ROWS', 'dòng (mã số)');
    count(arrayAt(section, 'columns'), L.maxColumnsPerSection, describePath(raw, ['sections', i, 'columns']), 'DEF_TOO_MANY_COLUMNS', 'cột');
  });
  if (totalRows > L.maxRowsTotal && !out.some((p) => p.code === 'DEF_TOO_MANY_ROWS')) {
    out.push({ path: 'sections', code: 'DEF_TOO_MANY_ROWS', message: `Quá nhiều dòng (mã số) trong biểu mẫu: ${totalRows}, tối đa ${L.maxRowsTotal}.` });
  }
  const tables = arrayAt(raw, 'tables');
  count(tables, L.maxTables, 'tables', 'DEF_TOO_MANY_TABLES', 'bảng');
  tables.forEach((table, i) => count(arrayAt(table, 'columns'), L.maxColumnsPerTable, describePath(raw, ['tables', i, 'columns']), 'DEF_TOO_MANY_COLUMNS', 'cột'));
  count(arrayAt(raw, 'rules'), L.maxRules, 'rules', 'DEF_TOO_MANY_RULES', 'quy tắc');
  count(arrayAt(raw, 'ratios'), L.maxRatios, 'ratios', 'DEF_TOO_MANY_RATIOS', 'tỷ lệ');
  count(arrayAt(raw, 'header'), L.maxHeaderFields, 'header', 'DEF_TOO_MANY_FIELDS', 'trường đầu biểu');

  // Every string: messages up to maxMessageLength, anything else up to maxTextLength.
  const walk = (node: unknown, path: Segment[], depth: number) => {
    if (out.length > L.maxProblems || depth > 12) return;
    if (typeof node === 'string') {
      const max = path[path.length - 1] === 'message' ? L.maxMessageLength : L.maxTextLength;
      if (node.length > max) out.push({ path: describePath(raw, path), code: 'DEF_TEXT_TOO_LONG', message: `Văn bản quá dài: ${node.length} ký tự, tối đa ${max}.` });
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...path, i], depth + 1));
    } else if (isRecord(node)) {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k], depth + 1);
    }
  };
  if (bytes !== Infinity) walk(raw, [], 0);
  return out;
}

/** Duplicates and references between parts of a parsed definition (what the schema alone cannot see). */
function referenceProblems(form: Structure): DefinitionProblem[] {
  const out: DefinitionProblem[] = [];
  const at = (path: Segment[]) => describePath(form, path);
  const duplicates = (items: readonly { key?: string; id?: string }[], field: 'key' | 'id', path: Segment[], what: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const value = item[field];
      if (value === undefined) return;
      if (seen.has(value)) out.push({ path: at([...path, i]), code: 'DEF_DUPLICATE_KEY', message: `${what} ${quote(value)} bị trùng.` });
      seen.add(value);
    });
  };
  duplicates(form.sections, 'key', ['sections'], 'Khóa phần');
  duplicates(form.tables, 'key', ['tables'], 'Khóa bảng');
  duplicates(form.header, 'key', ['header'], 'Khóa trường đầu biểu');
  duplicates(form.rules, 'id', ['rules'], 'Mã quy tắc');
  duplicates(form.ratios, 'key', ['ratios'], 'Khóa tỷ lệ');

  const keys = new Set<string>();
  const codes = new Map<string, number>();
  form.sections.forEach((section, s) => {
    const cols = new Set(section.columns.map((c) => c.key));
    duplicates([...section.columns, ...section.computed], 'key', ['sections', s, 'columns'], 'Khóa cột');
    section.computed.forEach((computed, c) => {
      for (const k of [...computed.add, ...computed.sub]) {
        if (!cols.has(k)) out.push({ path: at(['sections', s, 'computed', c]), code: 'DEF_UNKNOWN_KEY', message: `Cột tính toán dùng cột không có trong phần: ${quote(k)}.` });
      }
    });
    section.rows.forEach((row, r) => {
      const first = codes.get(row.code);
      if (first !== undefined) {
        const where = first === s ? 'trong cùng phần' : 'trong biểu mẫu';
        out.push({ path: at(['sections', s, 'rows', r]), code: 'DEF_DUPLICATE_CODE', message: `Mã số ${quote(row.code)} bị trùng ${where}.` });
      } else codes.set(row.code, s);
      for (const c of row.columns) {
        if (!cols.has(c)) out.push({ path: at(['sections', s, 'rows', r]), code: 'DEF_UNKNOWN_KEY', message: `Dòng dùng cột không có trong phần: ${quote(c)}.` });
        keys.add(`${row.code}.${c}`);
      }
    });
  });
  for (const table of form.tables) for (const c of table.columns) keys.add(`${table.key}.${c.key}`);
  form.rules.forEach((rule, i) => {
    const unknown = new Set<string>();
    for (const instance of expandRule(rule)) for (const k of instance.keys) if (!keys.has(k)) unknown.add(k);
    for (const k of [...unknown].slice(0, 10)) out.push({ path: at(['rules', i]), code: 'DEF_UNKNOWN_KEY', message: `Quy tắc nêu trường không có trong biểu mẫu: ${quote(k)}.` });
  });
  form.ratios.forEach((ratio, i) => {
    for (const k of [...ratio.numerator.add, ...ratio.numerator.sub, ...ratio.denominator]) {
      if (!keys.has(k)) out.push({ path: at(['ratios', i]), code: 'DEF_UNKNOWN_KEY', message: `Tỷ lệ nêu trường không có trong biểu mẫu: ${quote(k)}.` });
    }
  });
  const checkChoices = (columns: readonly { type: string; choices?: string[] | undefined; key: string }[], path: Segment[]) => {
    columns.forEach((c, i) => {
      const where = at([...path, i]);
      if (c.type !== 'choice') return;
      const choices = c.choices ?? [];
      if (choices.length === 0) {
        out.push({ path: where, code: 'DEF_CHOICES_MISSING', message: 'Cột kiểu choice phải có danh sách lựa chọn (choices) không rỗng.' });
        return;
      }
      const bad = choices.find((x) => x.trim() === '' || /[,"]/.test(x));
      if (bad !== undefined) out.push({ path: where, code: 'DEF_CHOICES_INVALID', message: `Lựa chọn ${quote(bad)} không hợp lệ: không được rỗng, không chứa dấu phẩy hay dấu nháy kép (Excel dùng dấu phẩy để ngăn cách danh sách).` });
      const folded = choices.map((x) => x.trim().toLocaleLowerCase('vi-VN'));
      const dup = folded.find((x, j) => folded.indexOf(x) !== j);
      if (dup !== undefined) out.push({ path: where, code: 'DEF_CHOICES_INVALID', message: `Lựa chọn ${quote(dup)} bị trùng (không phân biệt hoa thường).` });
      const joined = choices.join(',').length;
      if (joined > EXCEL_LIST_MAX_CHARS) out.push({ path: where, code: 'DEF_CHOICES_INVALID', message: `Danh sách lựa chọn dài ${joined} ký tự; Excel chỉ nhận danh sách thả xuống tối đa ${EXCEL_LIST_MAX_CHARS} ký tự (kể cả dấu phẩy).` });
    });
  };
  form.sections.forEach((section, s) => checkChoices(section.columns, ['sections', s, 'columns']));
  form.tables.forEach((table, t) => checkChoices(table.columns, ['tables', t, 'columns']));
  form.tables.forEach((table, t) => {
    if (table.maxRows < 1) out.push({ path: at(['tables', t, 'maxRows']), code: 'DEF_SCHEMA', message: 'Số dòng tối đa (maxRows) phải từ 1 trở lên.' });
    if (table.minRows < 0 || table.minRows > table.maxRows) out.push({ path: at(['tables', t, 'minRows']), code: 'DEF_SCHEMA', message: `Số dòng tối thiểu (minRows) phải từ 0 đến maxRows (${table.maxRows}).` });
  });
  form.tables.forEach((table, t) => {
    const cols = new Set(table.columns.map((c) => c.key));
    duplicates(table.columns, 'key', ['tables', t, 'columns'], 'Khóa cột');
    for (const k of table.totals) if (!cols.has(k)) out.push({ path: at(['tables', t, 'totals']), code: 'DEF_UNKNOWN_KEY', message: `Dòng tổng dùng cột không có trong bảng: ${quote(k)}.` });
    table.rules.forEach((rule, r) => {
      for (const k of [...rule.left, ...rule.right]) {
        if (!cols.has(k)) out.push({ path: at(['tables', t, 'rules', r]), code: 'DEF_UNKNOWN_KEY', message: `Quy tắc của bảng nêu cột không có trong bảng: ${quote(k)}.` });
      }
    });
  });
  return out;
}

/** Excel refuses (and repairs away) a dropdown list written in the validation longer than this. */
export const EXCEL_LIST_MAX_CHARS = 255;

const LIMIT_WORDS: Record<UploadLimitExcess['what'], (e: UploadLimitExcess) => string> = {
  rows: (e) => `${vi(e.estimate)} dòng trên trang tính, nhưng bộ đọc chỉ tìm mã số và dòng tiêu đề trong ${vi(e.limit)} dòng đầu`,
  cells: (e) => `tới ${vi(e.estimate)} ô, vượt giới hạn ${vi(e.limit)} ô của một tệp nộp lên`,
  rangeCells: (e) => `vùng ô gộp và vùng kiểm tra dữ liệu tới ${vi(e.estimate)} ô, vượt giới hạn ${vi(e.limit)} ô`,
  sheets: (e) => `${vi(e.estimate)} trang tính, vượt giới hạn ${vi(e.limit)}`,
  inflatedBytes: (e) => `khi điền đầy, nội dung giải nén tới khoảng ${mb(e.estimate)}, vượt giới hạn ${mb(e.limit)} một phần của tệp`,
  fileBytes: (e) => `khi điền đầy, tệp có thể nặng khoảng ${mb(e.estimate)}, vượt giới hạn tải lên ${mb(e.limit)}`,
};
const vi = (n: number) => n.toLocaleString('vi-VN');
const mb = (n: number) => `${(n / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;

/**
 * The generated form, filled to the brim, must pass the upload validator's own limits (cells,
 * ranges, sheets, inflated and file size, rows the reader scans): else every unit's upload of it
 * would be refused. One problem per limit exceeded, on the largest table when there is one.
 */
function uploadLimitProblems(form: FormDefinition): DefinitionProblem[] {
  const estimate = estimateFormSize(form);
  const excesses = uploadLimitExcesses(estimate, DEFAULT_LIMITS);
  const table = estimate.largestTable;
  const where = table ? describePath(form, ['tables', table.index, 'maxRows']) : 'sections';
  const advice = table ? ' Hãy giảm số dòng tối đa (maxRows) hoặc số cột của bảng, hoặc độ dài tối đa (maxLength) của cột chữ.' : ' Hãy giảm số dòng, số cột hoặc độ dài tối đa (maxLength) của cột chữ.';
  return excesses.map((e) => ({ path: where, code: 'DEF_FORM_EXCEEDS_UPLOAD_LIMITS', message: `Biểu mẫu sinh ra sẽ bị bộ kiểm tra tệp nộp lên từ chối: ${LIMIT_WORDS[e.what](e)}.${advice}` }));
}

/** Upload-limit problems, only for a definition that is otherwise sound (its layout can be computed). */
function sizeProblems(form: FormDefinition, others: readonly DefinitionProblem[]): DefinitionProblem[] {
  return others.length === 0 ? uploadLimitProblems(form) : [];
}

/** What a definition is checked against besides itself. */
export interface CheckDefinitionOptions {
  /**
   * The deployment's unit types: every type a form names (deadlines by type, sections and rows
   * for some types) must be one of them (DEF_UNKNOWN_UNIT_TYPE). Absent: only the code's shape
   * is checked.
   */
  unitTypes?: UnitTypeRegistry;
}

/** Every unit type the form names (deadlines, sections, rows) that the registry does not know. */
function unitTypeProblems(raw: unknown, structure: Pick<Structure, 'sections'> | undefined, registry: UnitTypeRegistry): DefinitionProblem[] {
  const out: DefinitionProblem[] = [];
  const known = registry.list().map((t) => t.code).join(', ');
  const unknown = (path: Segment[], code: unknown) => {
    if (typeof code !== 'string' || registry.has(code)) return;
    out.push({
      path: describePath(raw, path),
      code: 'DEF_UNKNOWN_UNIT_TYPE',
      message: `Loại đơn vị ${quote(code)} không có trong danh sách loại đơn vị của hệ thống (npx tonghop unit-types list). Các loại hiện có: ${known || '(chưa có)'}.`,
    });
  };
  const deadlines = isRecord(raw) && isRecord(raw.deadlines) ? raw.deadlines : undefined;
  if (deadlines && isRecord(deadlines.byUnitType)) for (const code of Object.keys(deadlines.byUnitType)) unknown(['deadlines', 'byUnitType', code.length > 60 ? `${code.slice(0, 60)}…` : code], code);
  structure?.sections.forEach((section, s) => {
    section.unitTypes?.forEach((code, i) => unknown(['sections', s, 'unitTypes', i], code));
    section.rows.forEach((row, r) => row.unitTypes?.forEach((code, i) => unknown(['sections', s, 'rows', r, 'unitTypes', i], code)));
  });
  return out;
}

/**
 * Checks a definition (parsed JSON) and lists every problem. `form` is the parsed definition when
 * the schema accepts it (it may still have other problems; use it only when `problems` is empty).
 */
export function checkFormDefinition(raw: unknown, options: CheckDefinitionOptions = {}): { form?: FormDefinition; problems: DefinitionProblem[] } {
  const problems = limitProblems(raw);
  const result = FormDefinitionSchema.safeParse(raw);
  let form: FormDefinition | undefined;
  let structure: Structure | undefined;
  if (result.success) {
    form = result.data;
    structure = form;
    problems.push(...referenceProblems(form));
    problems.push(...briefingProblems(form));
    problems.push(...sizeProblems(form, problems));
  } else {
    problems.push(...result.error.issues.map((issue) => schemaProblem(raw, issue as unknown as ZodLikeIssue)));
    const parsed = StructureSchema.safeParse(raw);
    if (parsed.success) {
      structure = parsed.data;
      problems.push(...referenceProblems(parsed.data));
    }
  }
  if (options.unitTypes) problems.push(...unitTypeProblems(raw, structure, options.unitTypes));
  if (problems.length > DEFINITION_LIMITS.maxProblems) {
    const rest = problems.length - DEFINITION_LIMITS.maxProblems;
    problems.length = DEFINITION_LIMITS.maxProblems;
    problems.push({ path: '(toàn bộ định nghĩa)', code: 'DEF_TOO_MANY_PROBLEMS', message: `Còn ${rest} lỗi khác không liệt kê.` });
  }
  return { form, problems };
}

/** Checks an already-parsed definition (limits, duplicates, references); the problems, empty when fine. */
export function checkParsedDefinition(form: FormDefinition, options: CheckDefinitionOptions = {}): DefinitionProblem[] {
  const problems = [...limitProblems(form), ...referenceProblems(form), ...briefingProblems(form), ...ownDaysProblems(form), ...(options.unitTypes ? unitTypeProblems(form, form, options.unitTypes) : [])];
  return [...problems, ...sizeProblems(form, problems)];
}

/**
 * The briefing's references: ratios by key (DEF_BRIEFING_UNKNOWN_RATIO), figures by a summed
 * figure key — `<mã số>.<cột>`, `<bảng>.<cột>` or `<bảng>.__rows` (DEF_BRIEFING_UNKNOWN_FIELD).
 * A text or choice field has no total, so a chart or rule naming one would show nothing.
 */
function briefingProblems(form: FormDefinition): DefinitionProblem[] {
  const briefing = form.briefing;
  if (!briefing) return [];
  const out: DefinitionProblem[] = [];
  const at = (path: Segment[]) => describePath(form, ['briefing', ...path]);
  const ratios = new Set(form.ratios.map((r) => r.key));
  const figures = new Set(figureKeys(form).map((f) => f.key));
  const ratio = (key: string, path: Segment[]) => {
    if (!ratios.has(key)) out.push({ path: at(path), code: 'DEF_BRIEFING_UNKNOWN_RATIO', message: `Phần tóm tắt nêu tỷ lệ không có trong biểu mẫu: ${quote(key)}.` });
  };
  const field = (key: string, path: Segment[]) => {
    if (!figures.has(key)) out.push({ path: at(path), code: 'DEF_BRIEFING_UNKNOWN_FIELD', message: `Phần tóm tắt nêu số liệu không có tổng trong biểu mẫu: ${quote(key)} (cần khóa dạng <mã số>.<cột> hoặc <bảng>.<cột> của cột số được cộng, hoặc <bảng>.__rows).` });
  };
  briefing.highlights.forEach((h, i) => field(h.key, ['highlights', i]));
  (briefing.charts ?? []).forEach((chart, c) => {
    if (chart.kind === 'targets') (chart.ratios ?? []).forEach((k, i) => ratio(k, ['charts', c, 'ratios', i]));
    if (chart.kind === 'trend') {
      chart.ratios.forEach((k, i) => ratio(k, ['charts', c, 'ratios', i]));
      chart.fields.forEach((f, i) => field(f.key, ['charts', c, 'fields', i]));
    }
    if (chart.kind === 'breakdown') chart.parts.forEach((f, i) => field(f.key, ['charts', c, 'parts', i]));
  });
  briefing.attention.shares.forEach((rule, r) => {
    rule.numerator.forEach((k, i) => field(k, ['attention', 'shares', r, 'numerator', i]));
    rule.denominator.forEach((k, i) => field(k, ['attention', 'shares', r, 'denominator', i]));
  });
  briefing.attention.changes.forEach((rule, r) => field(rule.key, ['attention', 'changes', r]));
  return out;
}

/** The form's own extra days: real dates, and a compensatory working day only on a Saturday or Sunday. */
function ownDaysProblems(form: Pick<FormDefinition, 'holidays' | 'workingDays'>): DefinitionProblem[] {
  const out: DefinitionProblem[] = [];
  const list = (field: 'holidays' | 'workingDays', days: readonly string[]) =>
    days.forEach((date, i) => {
      const path = `${field}[${i}]`;
      if (parseCalendarDate(date) !== date) out.push({ path, code: 'DEF_DATE_INVALID', message: 'Ngày không có thật hoặc ngoài các năm 2000–2100 (cần dạng yyyy-mm-dd).' });
      else if (field === 'workingDays' && weekdayOf(date) !== 0 && weekdayOf(date) !== 6) out.push({ path, code: 'DEF_WORKING_DAY_ON_WEEKDAY', message: `Ngày ${formatCalendarDate(date)} là ${weekdayName(date)}: ngày làm bù phải là thứ Bảy hoặc Chủ nhật.` });
    });
  list('holidays', form.holidays.slice(0, 1_000));
  list('workingDays', (form.workingDays ?? []).slice(0, 1_000));
  return out.slice(0, 100);
}

/** One line per problem: `  • <vị trí>: <thông báo> [CODE]`. */
export function formatDefinitionProblems(problems: readonly DefinitionProblem[]): string {
  return problems.map((p) => `  • ${p.path}: ${p.message} [${p.code}]`).join('\n');
}
