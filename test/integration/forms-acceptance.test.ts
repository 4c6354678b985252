/**
 * Acceptance of run-time form publishing (the "Done when" list), with the CLI as an operator
 * runs it against one running `npm start` (its emulators serve every command of this file):
 * - a form the project never shipped, typed into the blank definition workbook through exceljs,
 *   publishes as the same catalog entry (sha256, canonical body) as its JSON published on another
 *   data dir; its workbook export publishes again as a no-op;
 * - broken definitions (unknown key in a rule, duplicate Mã số, bad period type, 10,000 rows),
 *   as JSON and as workbooks, are refused (exit 1) with Vietnamese messages at their place, and
 *   nothing is published: no body under forms/, no index item, `forms list` unchanged;
 * - a form naming a unit type the deployment does not have is refused until `unit-types add`;
 * - a holiday added with `calendar add` on the published form's deadline moves the deadline
 *   `status` shows to the next working day, and a compensatory working Saturday counts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store';
import { AUTHORING_SHEETS as S } from '../../functions/core/forms/authoring-workbook';
import { canonicalDefinitionJson, sha256Hex } from '../../functions/core/forms/canonical';
import { checkFormDefinition } from '../../functions/core/forms/check-definition';
import { formatViDateTime } from '../../functions/core/format-vi';
import { command as calendar } from '../../infra/cli/commands/calendar';
import { command as forms } from '../../infra/cli/commands/forms';
import { command as status } from '../../infra/cli/commands/status';
import { command as unitTypes } from '../../infra/cli/commands/unit-types';
import { silentLog } from '../../infra/local/compose';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { AUTHORED_FORM_ID, authoredFormJson, authoredFormWorkbook, rowWith } from '../support/authored-form';
import { runCli } from '../support/cli';
import { tempDirs } from '../support/temp-dirs';

jest.setTimeout(240_000);

const tempDir = tempDirs('tonghop-forms-acceptance-');

interface ListedForm {
  id: string;
  versions: Array<{ version: number; sha256: string | null }>;
}

describe('publishing forms at run time (acceptance)', () => {
  let runtime: LocalRuntime;
  let work: string;
  let objects: S3ObjectStore;
  const previousDataDir = process.env.TONGHOP_DATA_DIR;

  /** Runs `npx tonghop <command> …` in-process on `dataDir` (by default the running system's). */
  async function tonghop(command: typeof forms, args: string[], dataDir = runtime.deps.config.dataDir) {
    process.env.TONGHOP_DATA_DIR = dataDir;
    try {
      return await runCli(command, args);
    } finally {
      process.env.TONGHOP_DATA_DIR = runtime.deps.config.dataDir;
    }
  }
  const file = (name: string, content: Buffer | string | object) => {
    const p = path.join(work, name);
    writeFileSync(p, Buffer.isBuffer(content) || typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };
  const listed = async (dataDir?: string) => {
    const out = await tonghop(forms, ['list', '--json'], dataDir);
    expect(out.code).toBe(0);
    return JSON.parse(out.out) as ListedForm[];
  };

  beforeAll(async () => {
    work = tempDir();
    runtime = await startLocalRuntime({ port: 0, dataDir: path.join(work, 'data'), log: silentLog });
    process.env.TONGHOP_DATA_DIR = runtime.deps.config.dataDir;
    objects = new S3ObjectStore({ client: runtime.deps.clients.s3, bucket: runtime.deps.config.bucketName });
  });
  afterAll(async () => {
    if (previousDataDir === undefined) delete process.env.TONGHOP_DATA_DIR;
    else process.env.TONGHOP_DATA_DIR = previousDataDir;
    await runtime?.stop();
  });

  describe('Excel authoring', () => {
    it('publishes the blank workbook filled through exceljs as the same catalog entry as the equivalent JSON on another data dir', async () => {
      const workbook = file('kiem-tra-nhanh-quy.xlsx', await (await authoredFormWorkbook()).save());
      const checked = await tonghop(forms, ['check', workbook]);
      expect(checked).toMatchObject({ code: 0, out: expect.stringContaining('hợp lệ: không có lỗi') });

      // From 2026-Q1: the calendar test below reads its 2026-Q3 (a form new to the system otherwise applies from the open period).
      const fromWorkbook = await tonghop(forms, ['publish', workbook, '--effective-from', '2026-Q1', '--json']);
      expect(fromWorkbook.code).toBe(0);
      const published = JSON.parse(fromWorkbook.out) as { outcome: string; formId: string; version: number; sha256: string };
      expect(published).toMatchObject({ outcome: 'published', formId: AUTHORED_FORM_ID, version: 1 });

      // The same form as JSON, on a data dir of its own (a second province): the same entry.
      const json = file('kiem-tra-nhanh-quy.json', authoredFormJson());
      const otherDir = path.join(work, 'other');
      const fromJson = await tonghop(forms, ['publish', json, '--effective-from', '2026-Q1', '--json'], otherDir);
      expect(fromJson.code).toBe(0);
      expect(JSON.parse(fromJson.out)).toMatchObject({ outcome: 'published', formId: AUTHORED_FORM_ID, version: 1, sha256: published.sha256 });
      const entry = (dir?: string) => listed(dir).then((all) => all.find((f) => f.id === AUTHORED_FORM_ID));
      expect((await entry())?.versions).toEqual([expect.objectContaining({ version: 1, sha256: published.sha256 })]);
      expect((await entry(otherDir))?.versions).toEqual([expect.objectContaining({ version: 1, sha256: published.sha256 })]);
      // What is stored is the canonical body of the JSON the author would have written.
      const body = (await objects.get(`forms/${AUTHORED_FORM_ID}/v1.json`))?.toString('utf8');
      expect(body).toBe(canonicalDefinitionJson(checkFormDefinition(authoredFormJson()).form!));
      expect(sha256Hex(body!)).toBe(published.sha256);
      expect((await objects.list(`forms/${AUTHORED_FORM_ID}/`)).map((o) => o.key)).toEqual([`forms/${AUTHORED_FORM_ID}/v1.json`]);

      const exported = [path.join(work, 'a.json'), path.join(work, 'b.json')];
      expect((await tonghop(forms, ['export', AUTHORED_FORM_ID, '--format', 'json', '--out', exported[0]!])).code).toBe(0);
      expect((await tonghop(forms, ['export', AUTHORED_FORM_ID, '--format', 'json', '--out', exported[1]!], otherDir)).code).toBe(0);
      expect(readFileSync(exported[0]!, 'utf8')).toBe(readFileSync(exported[1]!, 'utf8'));
      // Exported and shown as written: the province calendar's days are not copied into the form.
      const shown = await tonghop(forms, ['show', AUTHORED_FORM_ID, '--json']);
      expect(JSON.parse(shown.out)).toEqual(JSON.parse(readFileSync(exported[0]!, 'utf8')));
      expect(JSON.parse(shown.out)).toMatchObject({ holidays: [] });

      // And the JSON published into the running system is the same version: nothing changes.
      const again = await tonghop(forms, ['publish', json]);
      expect(again).toMatchObject({ code: 0, out: `Biểu mẫu ${AUTHORED_FORM_ID} phiên bản 1 đã được phát hành với đúng nội dung này: không thay đổi gì.\n` });
    });

    it('exports the published form as a definition workbook whose publish is a no-op', async () => {
      const before = await listed();
      const out = path.join(work, 'xuat.xlsx');
      const exported = await tonghop(forms, ['export', AUTHORED_FORM_ID, '--format', 'xlsx', '--out', out]);
      expect(exported).toMatchObject({ code: 0, out: expect.stringContaining(`${AUTHORED_FORM_ID} phiên bản 1`) });

      const republished = await tonghop(forms, ['publish', out]);
      expect(republished).toMatchObject({ code: 0, out: expect.stringContaining('không thay đổi gì') });
      expect(await listed()).toEqual(before);
    });
  });

  describe('broken definitions', () => {
    /** Publishes `name` (exit 1 expected) and checks that nothing of form `id` was stored. */
    async function refused(name: string, content: Buffer | object, id: string) {
      const before = await listed();
      const out = await tonghop(forms, ['publish', file(name, content)]);
      expect(out.code).toBe(1);
      expect(out.out).toMatch(new RegExp(`^Không phát hành: định nghĩa .*${name.replace('.', '\\.')} có \\d+ lỗi:`));
      expect(await listed()).toEqual(before);
      expect(await objects.list(`forms/${id}/`)).toEqual([]);
      expect((await runtime.deps.formStore.readIndex()).versions.filter((v) => v.formId === id)).toEqual([]);
      return out.out;
    }
    const json = (id: string, changes: (raw: ReturnType<typeof authoredFormJson>) => void) => {
      const raw = authoredFormJson({ id });
      changes(raw);
      return raw;
    };
    type Section = { rows: Array<Record<string, unknown>> };
    const sectionOf = (raw: Record<string, unknown>) => (raw.sections as Section[])[0]!;

    describe('as JSON', () => {
      it('refuses a rule on an unknown key, naming the rule and the field', async () => {
        const raw = json('hong-quy-tac', (r) => ((r.rules as Array<{ left: string[] }>)[0]!.left = ['99.so_luong']));
        expect(await refused('hong-quy-tac.json', raw, 'hong-quy-tac')).toContain('• rules[0] (dot-xuat): Quy tắc nêu trường không có trong biểu mẫu: "99.so_luong". [DEF_UNKNOWN_KEY]');
      });

      it('refuses a duplicate Mã số, naming the row', async () => {
        const raw = json('hong-ma-so', (r) => (sectionOf(r).rows[1]!.code = '01'));
        expect(await refused('hong-ma-so.json', raw, 'hong-ma-so')).toMatch(/• sections\[0\][^\n]*rows\[1\][^\n]*: Mã số "01" bị trùng trong cùng phần\. \[DEF_DUPLICATE_CODE\]/);
      });

      it('refuses a period type that is not month, quarter, half or year', async () => {
        const raw = json('hong-ky', (r) => (r.periodType = 'week'));
        expect(await refused('hong-ky.json', raw, 'hong-ky')).toContain('• periodType: Loại kỳ báo cáo phải là một trong: month, quarter, half, year. [DEF_BAD_PERIOD_TYPE]');
      });

      it('refuses 10,000 rows with the limit in words', async () => {
        const raw = json('hong-10000', (r) => {
          sectionOf(r).rows = Array.from({ length: 10_000 }, (_, i) => ({ code: `${i + 1}`, label: `Chỉ tiêu ${i + 1}`, columns: ['so_luong'] }));
          r.rules = [];
        });
        const text = await refused('hong-10000.json', raw, 'hong-10000');
        expect(text).toContain('• sections[0] (A).rows: Quá nhiều dòng (mã số): 10000, tối đa 500. [DEF_TOO_MANY_ROWS]');
      });
    });

    describe('as a definition workbook (sheet, row and column in the output)', () => {
      async function broken(id: string, edit: (wb: Awaited<ReturnType<typeof authoredFormWorkbook>>['workbook']) => void): Promise<Buffer> {
        const authored = await authoredFormWorkbook();
        const general = authored.workbook.getWorksheet(S.general)!;
        general.getRow(rowWith(general, 1, 'Mã biểu mẫu')).getCell(2).value = id;
        edit(authored.workbook);
        return authored.save();
      }

      it('refuses a rule on an unknown key at its row of Kiểm tra, column Vế trái', async () => {
        const bytes = await broken('hong-quy-tac-xlsx', (wb) => (wb.getWorksheet(S.rules)!.getCell('E2').value = '99.so_luong'));
        expect(await refused('hong-quy-tac.xlsx', bytes, 'hong-quy-tac-xlsx')).toContain('• Trang Kiểm tra, dòng 2, cột E (Vế trái): Quy tắc nêu trường không có trong biểu mẫu: "99.so_luong". [DEF_UNKNOWN_KEY]');
      });

      it('refuses a duplicate Mã số at its row of Chỉ tiêu, column Mã số', async () => {
        let row = 0;
        const bytes = await broken('hong-ma-so-xlsx', (wb) => {
          const rows = wb.getWorksheet(S.rows)!;
          row = rowWith(rows, 2, '1a');
          rows.getRow(row).getCell(2).value = '01';
        });
        expect(await refused('hong-ma-so.xlsx', bytes, 'hong-ma-so-xlsx')).toContain(`• Trang Chỉ tiêu, dòng ${row}, cột B (Mã số): Mã số "01" bị trùng trong cùng phần. [DEF_DUPLICATE_CODE]`);
      });

      it('refuses a period type not in the list at its cell of Thông tin chung', async () => {
        const bytes = await broken('hong-ky-xlsx', (wb) => {
          const general = wb.getWorksheet(S.general)!;
          general.getRow(rowWith(general, 1, 'Kỳ báo cáo')).getCell(2).value = 'Tuần';
        });
        expect(await refused('hong-ky.xlsx', bytes, 'hong-ky-xlsx')).toMatch(/• Trang Thông tin chung, dòng \d+, cột B[^:]*: Kỳ báo cáo "Tuần" không hợp lệ; chọn một trong: Tháng, Quý, 6 tháng, Năm\. \[DEF_BAD_PERIOD_TYPE\]/);
      });

      it('refuses 10,000 rows in Chỉ tiêu, naming the sheet and the first row not read', async () => {
        const bytes = await broken('hong-10000-xlsx', (wb) => {
          const rows = wb.getWorksheet(S.rows)!;
          for (let i = 0; i < 10_000; i++) rows.addRow(['A', `Z${i}`, 'Thêm', 'so_luong']);
        });
        const text = await refused('hong-10000.xlsx', bytes, 'hong-10000-xlsx');
        expect(text).toMatch(/• Trang Chỉ tiêu, dòng 522[^\n]*10\.004 dòng dữ liệu, tối đa 520[^\n]*\[WB_TOO_MANY_ROWS\]/);
      });
    });
  });

  describe('unit types', () => {
    it('refuses a form naming a unit type the system does not have (exit 1), and publishes it after unit-types add', async () => {
      const raw = authoredFormJson({ id: 'rieng-dang-uy-xa', deadlines: { default: { day: 10, time: '17:00' }, byUnitType: { 'dang-uy-xa': { day: 5, time: '17:00' } } } });
      const definition = file('rieng-dang-uy-xa.json', raw);
      const before = await listed();

      const unknown = await tonghop(forms, ['publish', definition]);
      expect(unknown.code).toBe(1);
      expect(unknown.out).toMatch(/• deadlines\.byUnitType\.dang-uy-xa[^\n]*: Loại đơn vị "dang-uy-xa" không có trong danh sách loại đơn vị của hệ thống[^\n]*\[DEF_UNKNOWN_UNIT_TYPE\]/);
      expect(await listed()).toEqual(before);
      expect(await objects.list('forms/rieng-dang-uy-xa/')).toEqual([]);

      // The dry run checks against the same list (the data dir's), before and after it changes.
      expect((await tonghop(forms, ['check', definition])).code).toBe(1);
      expect((await tonghop(unitTypes, ['add', 'dang-uy-xa', '--name', 'Đảng ủy xã, phường, đặc khu'])).code).toBe(0);
      expect((await tonghop(forms, ['check', definition])).code).toBe(0);
      const accepted = await tonghop(forms, ['publish', definition]);
      expect(accepted).toMatchObject({ code: 0, out: expect.stringContaining('Đã phát hành biểu mẫu rieng-dang-uy-xa phiên bản 1') });
      expect((await listed()).map((f) => f.id)).toContain('rieng-dang-uy-xa');
    });
  });

  describe('the province calendar on the published form', () => {
    /** The deadlines `status` shows for the form's 2026-Q3 (due on the 10th of September), one per unit. */
    async function deadlines(): Promise<string[]> {
      const out = await tonghop(status, ['--form', AUTHORED_FORM_ID, '--period', '2026-Q3', '--json']);
      expect(out.code).toBe(0);
      const units = (JSON.parse(out.out) as { units: Array<{ deadline: string }> }).units;
      expect(units.length).toBeGreaterThan(0);
      return [...new Set(units.map((u) => formatViDateTime(new Date(u.deadline))))];
    }

    it('moves a deadline that falls on a holiday added with calendar add to the next working day, a làm bù Saturday included', async () => {
      expect(await deadlines()).toEqual(['10/09/2026 17:00']);

      expect((await tonghop(calendar, ['add', '2026-09-10', '--kind', 'nghi', '--name', 'Ngày nghỉ của tỉnh'])).code).toBe(0);
      // Thursday 10/09 is off: Friday 11/09.
      expect(await deadlines()).toEqual(['11/09/2026 17:00']);

      expect((await tonghop(calendar, ['add', '2026-09-11', '--kind', 'nghi', '--name', 'Ngày nghỉ của tỉnh (tiếp)'])).code).toBe(0);
      expect((await tonghop(calendar, ['add', '2026-09-12', '--kind', 'lam-bu', '--name', 'Làm bù ngày 11/09/2026'])).code).toBe(0);
      // Friday 11/09 is off too; Saturday 12/09 is worked (làm bù), so the deadline is that Saturday, not Monday 14/09.
      expect(await deadlines()).toEqual(['12/09/2026 17:00']);
    });
  });
});
