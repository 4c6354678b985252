/**
 * The hidden, protected metadata sheet of a generated form: which form, version, unit and period
 * the file is for, and the recorded structure (cell map) with its fingerprint. One key per row,
 * text values, so Excel and LibreOffice keep it byte-for-byte when they re-save the file.
 */
import type { Workbook, Worksheet } from 'exceljs';
import * as z from 'zod/mini';
import type { UnitType } from '../model';
import { UNIT_TYPE_CODE_PATTERN } from '../units/unit-types';
import { fingerprintOf, META_SHEET, type FormStructure } from './layout';

export const META_MARKER = 'tonghop-form';
/**
 * The metadata format written next to the marker (B1). Format 2's fingerprint covers the unit
 * code and period; format 1 files (generated before) are still read, since a unit may hold one
 * for the open period, and the upload intent, not the file, decides which unit an upload is for.
 */
export const META_FORMAT = 2;

/** What the generator records; the fingerprint is derived from it. */
export type FormMetadataInput = Omit<FormMetadata, 'fingerprint'>;

export interface FormMetadata {
  formId: string;
  version: number;
  unitCode: string;
  unitName: string;
  unitType: UnitType;
  period: string;
  generatedAt: string;
  fingerprint: string;
  structure: FormStructure;
}

const StructureSchema = z.object({
  sheet: z.string(),
  anchors: z.array(z.tuple([z.int(), z.int(), z.string()])),
  fields: z.record(z.string(), z.tuple([z.int(), z.int()])),
  tables: z.array(
    z.object({
      key: z.string(),
      headerAnchor: z.tuple([z.int(), z.int(), z.string()]),
      totalsAnchor: z.tuple([z.int(), z.int(), z.string()]),
      maxRows: z.int(),
      columns: z.record(z.string(), z.int()),
    }),
  ),
  columnChecks: z.optional(z.array(z.tuple([z.int(), z.int(), z.string()]))),
});

const MetadataSchema = z.object({
  formId: z.string(),
  version: z.coerce.number().check(z.int()),
  unitCode: z.string(),
  unitName: z._default(z.string(), ''),
  unitType: z.string().check(z.regex(UNIT_TYPE_CODE_PATTERN)),
  period: z.string(),
  generatedAt: z._default(z.string(), ''),
  fingerprint: z.string(),
  structure: StructureSchema,
});

const ORDER: Array<keyof FormMetadata> = ['formId', 'version', 'unitCode', 'unitName', 'unitType', 'period', 'generatedAt', 'fingerprint', 'structure'];

/** Writes the metadata sheet (hidden, protected, no password: nothing secret lives there). */
export async function writeMetadataSheet(workbook: Workbook, input: FormMetadataInput): Promise<Worksheet> {
  const structureJson = JSON.stringify(input.structure);
  const meta: FormMetadata = { ...input, fingerprint: fingerprintOf(input, structureJson, META_FORMAT) };
  const ws = workbook.addWorksheet(META_SHEET, { state: 'veryHidden' });
  ws.getCell('A1').value = META_MARKER;
  ws.getCell('B1').value = String(META_FORMAT);
  ORDER.forEach((key, i) => {
    const value = meta[key];
    ws.getCell(i + 2, 1).value = key;
    ws.getCell(i + 2, 2).value = key === 'structure' ? structureJson : String(value);
  });
  await ws.protect('', { selectLockedCells: false, selectUnlockedCells: false });
  return ws;
}

export type MetadataRead = { ok: true; meta: FormMetadata } | { ok: false; reason: 'missing' | 'invalid' | 'tampered' };

function cellText(ws: Worksheet, row: number, col: number): string {
  const v = ws.getCell(row, col).value as unknown;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && v !== null && 'richText' in v) return (v as { richText: Array<{ text: string }> }).richText.map((p) => p.text).join('');
  return String(v);
}

/** Finds and checks the metadata sheet: the fingerprint must match the recorded structure. */
export function readMetadata(workbook: Workbook): MetadataRead {
  const ws = workbook.worksheets.find((w) => w.name === META_SHEET) ?? workbook.worksheets.find((w) => cellText(w, 1, 1) === META_MARKER);
  if (!ws || cellText(ws, 1, 1) !== META_MARKER) return { ok: false, reason: 'missing' };
  const raw: Record<string, unknown> = {};
  let structureJson = '';
  for (let r = 2; r <= 40; r++) {
    const key = cellText(ws, r, 1);
    if (!key) continue;
    const text = cellText(ws, r, 2);
    if (key === 'structure') {
      structureJson = text;
      try {
        raw[key] = JSON.parse(text);
      } catch {
        return { ok: false, reason: 'invalid' };
      }
    } else raw[key] = text;
  }
  const parsed = MetadataSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid' };
  const meta = parsed.data as FormMetadata;
  const format = cellText(ws, 1, 2) === '1' ? 1 : META_FORMAT;
  if (fingerprintOf(meta, structureJson, format) !== meta.fingerprint) return { ok: false, reason: 'tampered' };
  return { ok: true, meta };
}
