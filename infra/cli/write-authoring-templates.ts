/**
 * Writes the definition workbooks shipped in `templates/`: the blank "Thiết kế biểu mẫu"
 * (`templates/thiet-ke-bieu-mau.xlsx`) and every form definition `templates/*.json` exported in
 * that format (`templates/thiet-ke/<id>.v<version>.xlsx`). `npm run templates:authoring` runs it;
 * a unit test fails when the shipped files no longer match what this writes, so they never drift
 * from the JSON definitions. The catalog still reads `templates/*.json` only.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeDefinitionWorkbook } from '../../functions/core/forms/authoring-workbook';
import { DEFAULT_TEMPLATES_DIR } from '../../functions/core/forms/catalog';
import { parseFormDefinition } from '../../functions/core/forms/definition';

export const BLANK_AUTHORING_WORKBOOK = 'thiet-ke-bieu-mau.xlsx';
export const AUTHORING_EXPORT_DIR = 'thiet-ke';

/** The files to ship, by path relative to the templates directory, each with its bytes. */
export async function buildAuthoringTemplates(templatesDir: string = DEFAULT_TEMPLATES_DIR): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  out.set(BLANK_AUTHORING_WORKBOOK, await writeDefinitionWorkbook());
  const files = (await readdir(templatesDir)).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const form = parseFormDefinition(JSON.parse(await readFile(path.join(templatesDir, file), 'utf8')), file);
    out.set(path.join(AUTHORING_EXPORT_DIR, `${form.id}.v${form.version}.xlsx`), await writeDefinitionWorkbook(form));
  }
  return out;
}

/** Writes the shipped definition workbooks into `templatesDir`; returns their relative paths. */
export async function writeAuthoringTemplates(templatesDir: string = DEFAULT_TEMPLATES_DIR): Promise<string[]> {
  const files = await buildAuthoringTemplates(templatesDir);
  await mkdir(path.join(templatesDir, AUTHORING_EXPORT_DIR), { recursive: true });
  for (const [name, bytes] of files) await writeFile(path.join(templatesDir, name), bytes);
  return [...files.keys()];
}

if (require.main === module) {
  writeAuthoringTemplates().then(
    (names) => process.stdout.write(`Đã ghi ${names.length} tệp thiết kế biểu mẫu vào templates/:\n${names.map((n) => `  ${n}`).join('\n')}\n`),
    (err: unknown) => {
      process.stderr.write(`Lỗi: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
