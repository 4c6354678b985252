/**
 * A definition workbook saved by LibreOffice (`soffice --headless --convert-to xlsx`) publishes:
 * the blank workbook filled through exceljs, re-saved by LibreOffice, is checked and published
 * with `npx tonghop forms` as the same catalog entry (same sha256) as the equivalent JSON — also
 * with a leadership briefing typed into its sheets.
 * Fails loudly when soffice is missing (house style §11), as the other LibreOffice suites do.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalDefinitionJson, sha256Hex } from '../../functions/core/forms/canonical';
import { checkFormDefinition } from '../../functions/core/forms/check-definition';
import { command as forms } from '../../infra/cli/commands/forms';
import { AUTHORED_BRIEFING, AUTHORED_FORM_ID, authoredFormJson, authoredFormWorkbook, fillAuthoredBriefing, rowWith } from '../support/authored-form';
import { runCli, tempDataDir } from '../support/cli';
import { tempDirs } from '../support/temp-dirs';

jest.setTimeout(300_000);

function sofficePath(): string {
  const found = spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('LibreOffice (soffice) is required for this suite: install it (apt-get install libreoffice-calc) — the round trip cannot be skipped.');
  return found;
}

const tempDir = tempDirs('tonghop-acceptance-lo-');

describe('a definition workbook saved by LibreOffice', () => {
  let data: ReturnType<typeof tempDataDir> | undefined;
  beforeAll(() => {
    sofficePath();
    data = tempDataDir();
  });
  afterAll(() => data?.remove());

  it('publishes as the same catalog entry as the equivalent JSON, which then publishes as a no-op', async () => {
    const work = tempDir();
    const authored = path.join(work, `${AUTHORED_FORM_ID}.xlsx`);
    writeFileSync(authored, await (await authoredFormWorkbook()).save());
    const out = path.join(work, 'out');
    mkdirSync(out);
    execFileSync(sofficePath(), [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', 'xlsx', '--outdir', out, authored], { stdio: 'pipe', timeout: 240_000 });
    const resaved = path.join(out, `${AUTHORED_FORM_ID}.xlsx`);
    expect(readFileSync(resaved).equals(readFileSync(authored))).toBe(false);

    expect(await runCli(forms, ['check', resaved])).toMatchObject({ code: 0, out: expect.stringContaining('hợp lệ: không có lỗi') });
    const published = await runCli(forms, ['publish', resaved, '--json']);
    expect(published.code).toBe(0);
    const sha256 = sha256Hex(canonicalDefinitionJson(checkFormDefinition(authoredFormJson()).form!));
    expect(JSON.parse(published.out)).toMatchObject({ outcome: 'published', formId: AUTHORED_FORM_ID, version: 1, sha256 });

    const json = path.join(work, `${AUTHORED_FORM_ID}.json`);
    writeFileSync(json, JSON.stringify(authoredFormJson()));
    const again = await runCli(forms, ['publish', json, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ outcome: 'unchanged', sha256 });
  });

  it('with a leadership briefing typed into its sheets, publishes as the same catalog entry as the JSON with that briefing', async () => {
    const work = tempDir();
    const id = `${AUTHORED_FORM_ID}-bc`;
    const { workbook, save } = await authoredFormWorkbook();
    const general = workbook.getWorksheet('Thông tin chung')!;
    general.getRow(rowWith(general, 1, 'Mã biểu mẫu')).getCell(2).value = id;
    fillAuthoredBriefing(workbook);
    const authored = path.join(work, `${id}.xlsx`);
    writeFileSync(authored, await save());
    const out = path.join(work, 'out');
    mkdirSync(out);
    execFileSync(sofficePath(), [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', 'xlsx', '--outdir', out, authored], { stdio: 'pipe', timeout: 240_000 });
    const resaved = path.join(out, `${id}.xlsx`);
    expect(readFileSync(resaved).equals(readFileSync(authored))).toBe(false);

    const json = authoredFormJson({ id, briefing: AUTHORED_BRIEFING });
    const sha256 = sha256Hex(canonicalDefinitionJson(checkFormDefinition(json).form!));
    const published = await runCli(forms, ['publish', resaved, '--json']);
    expect({ code: published.code, err: published.err }).toMatchObject({ code: 0 });
    expect(JSON.parse(published.out)).toMatchObject({ outcome: 'published', formId: id, version: 1, sha256 });
  });
});
