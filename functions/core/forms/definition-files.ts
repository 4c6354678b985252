/**
 * Definition files in and out: what `forms check|publish` read and `forms export` writes. JSON
 * and the definition workbook ("Thiết kế biểu mẫu", .xlsx) are built in; another format plugs in
 * through `registerDefinitionFormat` (reader: bytes → raw definition or problems; writer:
 * definition → bytes), so the CLI and the console accept it with no change of their own.
 */
import type { DefinitionProblem } from './check-definition';
import type { FormDefinition } from './definition';
import { pristineDefinition } from '../calendar/resolve-calendar';

export type DefinitionRead = { raw: unknown } | { problems: DefinitionProblem[] };

export interface DefinitionFormat {
  /** Lower-case file extension with its dot, e.g. `.json`. */
  extension: string;
  read?: (bytes: Buffer, fileName: string) => Promise<DefinitionRead>;
  write?: (form: FormDefinition) => Promise<Buffer>;
}

const WHOLE = '(toàn bộ định nghĩa)';

const json: DefinitionFormat = {
  extension: '.json',
  async read(bytes) {
    try {
      return { raw: JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as unknown };
    } catch {
      return { problems: [{ path: WHOLE, code: 'DEF_NOT_JSON', message: 'Tệp không phải JSON hợp lệ.' }] };
    }
  },
  // Readable (two-space indent, the schema's key order); publishing it again is a no-op.
  write: async (form) => Buffer.from(`${JSON.stringify(form, null, 2)}\n`, 'utf8'),
};

/**
 * The definition workbook ("Thiết kế biểu mẫu"): its problems keep their sheet, row and column;
 * exceljs is loaded only when a workbook is read or written.
 */
const xlsx: DefinitionFormat = {
  extension: '.xlsx',
  async read(bytes) {
    const { readDefinitionWorkbook, describeLocation } = await import('./authoring-workbook');
    const read = await readDefinitionWorkbook(bytes);
    if (read.problems.length > 0 || read.raw === undefined) {
      return { problems: read.problems.map((p) => ({ path: describeLocation(p), code: p.code, message: p.message, sheet: p.sheet, row: p.row, column: p.column, header: p.header })) };
    }
    return { raw: read.raw };
  },
  async write(form) {
    const { writeDefinitionWorkbook } = await import('./authoring-workbook');
    return writeDefinitionWorkbook(form);
  },
};

const formats = new Map<string, DefinitionFormat>([
  ['json', json],
  ['xlsx', xlsx],
]);

/** Adds (or replaces) a format by name, e.g. `registerDefinitionFormat('xlsx', { extension: '.xlsx', read, write })`. */
export function registerDefinitionFormat(name: string, format: DefinitionFormat): void {
  formats.set(name, format);
}

/** The format names a definition can be exported to. */
export function exportFormats(): string[] {
  return [...formats.entries()].filter(([, f]) => f.write).map(([name]) => name);
}

/** Reads a definition file by its extension; a format nobody registered is a problem (Vietnamese), not a crash. */
export async function readDefinitionFile(bytes: Buffer, fileName: string): Promise<DefinitionRead> {
  const lower = fileName.toLowerCase();
  const format = [...formats.values()].find((f) => f.read && lower.endsWith(f.extension));
  if (!format?.read) {
    const known = [...formats.values()].filter((f) => f.read).map((f) => f.extension).join(', ');
    return { problems: [{ path: WHOLE, code: 'DEF_UNSUPPORTED_FILE', message: `Chưa đọc được loại tệp này; dùng tệp ${known}.` }] };
  }
  return format.read(bytes, fileName);
}

/** Writes a definition in format `name`; undefined when no such format can be written. */
export async function writeDefinitionFile(form: FormDefinition, name: string): Promise<Buffer | undefined> {
  // The catalog hands out forms resolved against the province calendar; the file is the definition as published.
  return formats.get(name)?.write?.(pristineDefinition(form));
}
