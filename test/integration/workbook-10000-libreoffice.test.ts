/**
 * Acceptance for 10,000 units: the consolidated workbook of a synthetic national-scale province
 * (every unit reported on a 150-figure form: 1.5 million "Dữ liệu" rows, where form 1's 45
 * figures would make 430,000 and not reach the split) stays within Excel's limits on every sheet and opens in
 * LibreOffice. The check reads the .xlsx with exceljs's streaming reader (a 1.4-million-row
 * workbook would not fit a model in memory); LibreOffice converts every sheet to CSV (the `-1`
 * sheet option, LibreOffice ≥ 7.2): a PDF of 30,000 pages would take far longer and prove no more,
 * and the CSV line counts prove LibreOffice read every row of every "Dữ liệu" sheet, not only
 * that it started. Fails loudly when soffice is missing (it cannot be skipped).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { buildConsolidatedReport, figureKeys } from '../../functions/core/consolidation/report';
import { DATA_SHEET_HEADER, EXCEL_LIMITS, writeConsolidatedWorkbook } from '../../functions/core/consolidation/workbook';
import { generateSyntheticProvince } from '../../functions/core/units/synthetic-province';
import { UNIT_TYPES_2019 } from '../../functions/core/units/unit-types';
import { parseFormDefinition } from '../../functions/core/forms/definition';
import { randomValues, rng } from '../unit/consolidation/fixtures';

const UNITS = 10_000;

/** 30 rows × 5 whole-number columns: the size of a full yearly staffing report. */
const form = parseFormDefinition({
  id: 'bien-che-nam-rong',
  version: 1,
  name: 'Biên chế năm (đầy đủ)',
  title: 'BÁO CÁO BIÊN CHẾ NĂM',
  periodType: 'quarter',
  sections: [
    {
      key: 'A',
      label: 'A. Biên chế',
      columns: ['duoc_giao', 'co_mat', 'nu', 'dang_vien', 'tuyen_moi'].map((key, i) => ({ key, label: ['Được giao', 'Có mặt', 'Nữ', 'Đảng viên', 'Tuyển mới'][i]!, type: 'whole' })),
      rows: Array.from({ length: 30 }, (_, i) => ({ code: String(i + 1), label: `Cơ quan, đơn vị số ${i + 1}`, columns: ['duoc_giao', 'co_mat', 'nu', 'dang_vien', 'tuyen_moi'] })),
    },
  ],
  deadlines: { default: { day: 15 } },
  consolidation: { day: 18, time: '07:30' },
  recipients: { leadership: ['a@example.vn'] },
});

function soffice(): string {
  const found = spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('soffice is required for this suite: install it (apt-get install libreoffice-calc) — the 10,000-unit check cannot be skipped.');
  return found;
}

interface SheetShape {
  name: string;
  rows: number;
  columns: number;
  longestText: number;
}

/** Every sheet's last row, widest row and longest text, read as a stream. */
async function shapes(file: string): Promise<SheetShape[]> {
  const out: SheetShape[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', entries: 'ignore' });
  for await (const ws of reader) {
    const sheet = ws as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
    const shape: SheetShape = { name: sheet.name, rows: 0, columns: 0, longestText: 0 };
    for await (const row of sheet) {
      shape.rows = Math.max(shape.rows, row.number);
      shape.columns = Math.max(shape.columns, row.cellCount);
      for (const v of row.values as unknown[]) if (typeof v === 'string') shape.longestText = Math.max(shape.longestText, v.length);
    }
    out.push(shape);
  }
  return out;
}

let work: string;
beforeAll(() => {
  soffice();
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-10000-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('consolidated workbook of 10,000 units', () => {
  it('stays within Excel’s limits on every sheet, splits "Dữ liệu", and opens in LibreOffice with every row', async () => {
    // Arrange: 10,000 units, every one reported.
    const units = generateSyntheticProvince(UNIT_TYPES_2019, UNITS).map((u) => ({ ...u, keyVersion: 1 }));
    const latest = units.map((unit, i) => ({ unitCode: unit.code, uploadId: `up${i}`, receivedAt: '2026-03-10T01:00:00Z', late: false, values: randomValues(form, unit, rng(i + 1)), warnings: [] }));
    const report = buildConsolidatedReport({ form, period: '2026-Q1', units, latest, submissions: [], previousLatest: [], now: new Date('2026-03-20T01:00:00Z') });
    const dataRows = report.units.reduce((n, l) => n + figureKeys(form).filter((f) => l.totals[f.key] !== undefined).length, 0);
    expect(dataRows).toBeGreaterThan(EXCEL_LIMITS.maxRows);

    // Act
    const file = path.join(work, 'tong-hop-10000.xlsx');
    writeFileSync(file, await writeConsolidatedWorkbook(report));

    // Assert: within the limits, "Dữ liệu" split into sheets of at most 1,000,000 rows + header.
    const sheets = await shapes(file);
    for (const s of sheets) {
      expect({ sheet: s.name, rows: s.rows <= EXCEL_LIMITS.maxRows, columns: s.columns <= EXCEL_LIMITS.maxColumns, text: s.longestText <= EXCEL_LIMITS.maxCellChars }).toEqual({ sheet: s.name, rows: true, columns: true, text: true });
    }
    const data = sheets.filter((s) => /^Dữ liệu( \(\d+\))?$/.test(s.name));
    expect(data.map((s) => s.name)).toEqual(['Dữ liệu', 'Dữ liệu (2)']);
    expect(data.map((s) => s.rows)).toEqual([1_000_001, dataRows - 1_000_000 + 1]);
    expect(sheets.find((s) => s.name === 'Chi tiết đơn vị')!.rows).toBeGreaterThan(UNITS);

    // LibreOffice reads it: every sheet to CSV, the "Dữ liệu" sheets with every row.
    execFileSync(soffice(), [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1', '--outdir', path.join(work, 'csv'), file], {
      stdio: 'pipe',
      timeout: 900_000,
    });
    const csvs = readdirSync(path.join(work, 'csv'));
    expect(csvs).toHaveLength(sheets.length);
    const lines = (name: string) => readFileSync(path.join(work, 'csv', csvs.find((c) => c === `tong-hop-10000-${name}.csv`)!), 'utf8').split('\n').filter(Boolean);
    const first = lines('Dữ liệu');
    expect(first[0]).toBe(DATA_SHEET_HEADER.join(','));
    expect(first).toHaveLength(1_000_001);
    expect(lines('Dữ liệu (2)')).toHaveLength(dataRows - 1_000_000 + 1);
  }, 1_200_000);
});
