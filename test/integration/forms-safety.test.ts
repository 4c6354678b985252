/**
 * Bad files get a clear refusal, never a crash: each kind runs through the reader in a child
 * process with a capped heap (an out-of-memory there would kill the child, not pass silently),
 * must finish in bounded time, and must leave no temp file behind (the child's TMPDIR is a
 * private empty folder checked afterwards).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateForm, loadFormCatalog } from '../../functions/core/forms';
import { buildBadFiles, type BadFile } from '../fixtures/forms/bad-files';
import { fillForm, sampleUnit, sampleValues } from '../support/forms';

const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(ROOT, 'test/fixtures/forms/validate-child.ts');
const HEAP_MB = 160;
/** A hang or a runaway inflate would blow far past this; normal runs take well under a second of reader time. */
const READER_TIME_BOUND_MS = 10_000;

interface ChildResult {
  accepted: boolean;
  codes: string[];
  messages: string[];
  ms: number;
  newTempEntries: string[];
}

let work: string;
let filled: Buffer;
let badFiles: BadFile[];

function runChild(bytes: Buffer, maxBytes?: number): { result: ChildResult; leftovers: string[] } {
  const file = path.join(work, `upload-${Math.random().toString(36).slice(2)}.xlsx`);
  writeFileSync(file, bytes);
  const childTmp = mkdtempSync(path.join(work, 'child-tmp-'));
  const run = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', CHILD, file, ...(maxBytes ? [String(maxBytes)] : [])], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: childTmp, TMP: childTmp, TEMP: childTmp },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`child exited ${run.status} ${run.signal ?? ''}: ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildResult;
  // tsx keeps its compile cache in TMPDIR (tsx-<uid>); anything else is ours and must be gone.
  const leftovers = [...readdirSync(childTmp).filter((f) => !/^tsx-\d+$/.test(f)), ...result.newTempEntries];
  return { result, leftovers };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-forms-safety-'));
  const catalog = await loadFormCatalog();
  const form = catalog.require('sap-xep-bo-may');
  const unit = sampleUnit('huyen');
  filled = await fillForm(await generateForm({ form, unit, period: '2026-Q1' }), sampleValues(form, 'huyen', 3));
  badFiles = await buildBadFiles(filled);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('validateUpload in a heap-capped child process', () => {
  it('accepts a correctly filled form under the same heap cap (control)', () => {
    const { result, leftovers } = runChild(filled);
    expect(result.accepted).toBe(true);
    expect(result.codes).toEqual([]);
    expect(leftovers).toEqual([]);
  });

  const kinds = [
    'empty file',
    'CSV renamed to .xlsx',
    'HTML page saved as .xlsx',
    'PNG image renamed',
    'OLE container (.xls or password-protected)',
    'macro-enabled .xlsm',
    'Word document (.docx)',
    'LibreOffice .ods',
    'truncated upload',
    'corrupt zip (garbage after the signature)',
    'entry name climbing out of its folder',
    'DOCTYPE with entities (billion laughs)',
    'too many sheets',
    'a workbook that is not one of our forms',
    'zip bomb (1 GB of zeros, honest headers)',
    'zip bomb with lying size headers (1 GB declared as 800 bytes)',
    'merge range covering the whole sheet',
    'hundreds of thousands of cells',
    'file over the size limit',
    '38 number cells holding 12,000 characters each',
  ];

  it('covers every bad-file kind built by the fixtures', () => {
    expect(badFiles.map((f) => f.kind).sort()).toEqual([...kinds].sort());
  });

  it.each(kinds)('refuses the bad file "%s" with its code, a Vietnamese message, in bounded time, leaving no temp file', (kind) => {
    const bad = badFiles.find((f) => f.kind === kind)!;
    const { result, leftovers } = runChild(bad.bytes, bad.maxBytes);
    expect(result.accepted).toBe(false);
    expect(result.codes).toEqual(Array.from({ length: bad.perCell ?? 1 }, () => bad.code));
    // A message quotes at most ~60 characters of anything in the file (it is stored and shown to the unit).
    expect(Math.max(...result.messages.map((m) => m.length))).toBeLessThan(400);
    expect(result.messages[0]).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
    expect(result.ms).toBeLessThan(READER_TIME_BOUND_MS);
    expect(leftovers).toEqual([]);
  });
});
