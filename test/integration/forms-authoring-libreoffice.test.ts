/**
 * Definition workbooks ("Thiết kế biểu mẫu") re-saved by LibreOffice
 * (`soffice --headless --convert-to xlsx`) still read as the same definitions — with a full
 * leadership briefing (every chart kind, percentages, multi-line cells), with a default one, and
 * without one; the blank one still reads as empty. Fails loudly when soffice is missing (house
 * style §11).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDefinitionWorkbook, writeDefinitionWorkbook } from '../../functions/core/forms/authoring-workbook';
import { checkFormDefinition } from '../../functions/core/forms/check-definition';
import { canonicalJson } from '../../functions/core/consolidation/report';
import { EVERY_FEATURE_DEFINITION } from '../support/definition-fixtures';

jest.setTimeout(300_000);

const TEMPLATES = path.resolve(__dirname, '../../templates');

function sofficePath(): string {
  const found = spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('LibreOffice (soffice) is required for this suite: install it (apt-get install libreoffice-calc) — the round trip cannot be skipped.');
  return found;
}

let work: string;
beforeAll(() => {
  sofficePath();
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-authoring-lo-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('definition workbooks re-saved by LibreOffice', () => {
  it('read back as the same definitions (both forms, an every-field form with a full briefing, a form with the default briefing), and the blank one as empty', async () => {
    const templates = readdirSync(TEMPLATES)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(TEMPLATES, f), 'utf8')) as Record<string, unknown>);
    const defaultBriefing = { ...templates.find((t) => t.id === 'sap-xep-bo-may')!, id: 'bao-cao-mac-dinh', briefing: {} };
    const forms = [EVERY_FEATURE_DEFINITION, defaultBriefing, ...templates].map((raw) => checkFormDefinition(raw).form!);
    expect(forms[0]!.briefing!.charts).toHaveLength(5);
    expect(forms[1]!.briefing).toBeDefined();
    expect(forms[1]!.briefing!.charts).toBeUndefined();
    const files = forms.map((f) => path.join(work, `${f.id}.xlsx`));
    for (const [i, form] of forms.entries()) writeFileSync(files[i]!, await writeDefinitionWorkbook(form));
    const blank = path.join(work, 'thiet-ke-bieu-mau.xlsx');
    writeFileSync(blank, await writeDefinitionWorkbook());

    const out = path.join(work, 'out');
    mkdirSync(out);
    execFileSync(sofficePath(), [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', 'xlsx', '--outdir', out, ...files, blank], { stdio: 'pipe', timeout: 240_000 });

    for (const [i, form] of forms.entries()) {
      const resaved = readFileSync(path.join(out, path.basename(files[i]!)));
      expect(resaved.equals(readFileSync(files[i]!))).toBe(false);
      const { form: read, problems } = await readDefinitionWorkbook(resaved);
      expect([form.id, problems]).toEqual([form.id, []]);
      expect(canonicalJson(read)).toBe(canonicalJson(form));
      expect([form.id, read!.briefing === undefined]).toEqual([form.id, form.briefing === undefined]);
    }
    const empty = await readDefinitionWorkbook(readFileSync(path.join(out, 'thiet-ke-bieu-mau.xlsx')));
    expect(empty.problems[0]).toMatchObject({ code: 'WB_EMPTY' });
    expect(empty.problems).toEqual(expect.arrayContaining([expect.objectContaining({ sheet: 'Thông tin chung', row: 2, column: 'B', message: 'Ô bắt buộc còn trống.' })]));
  });
});
