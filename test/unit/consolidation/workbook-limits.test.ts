import ExcelJS from 'exceljs';
import { buildConsolidatedReport, figureKeys, textFields, type ConsolidatedReport } from '../../../functions/core/consolidation/report';
import { DATA_SHEET_HEADER, TRUNCATED_MARKER, writeConsolidatedWorkbook, type SheetLimits } from '../../../functions/core/consolidation/workbook';
import type { FormDefinition } from '../../../functions/core/forms/definition';
import { loadForm, makeUnits, randomValues, rng } from './fixtures';

function reportOf(form: FormDefinition, count: number, edit: (values: ReturnType<typeof randomValues>, i: number) => void = () => {}): ConsolidatedReport {
  const units = makeUnits(count);
  const latest = units.map((unit, i) => {
    const values = randomValues(form, unit, rng(11 + i));
    edit(values, i);
    return { unitCode: unit.code, uploadId: `up${i}`, receivedAt: '2026-03-10T01:00:00Z', late: false, values, warnings: [] };
  });
  const period = form.periodType === 'month' ? '2026-03' : '2026-Q1';
  return buildConsolidatedReport({ form, period, units, latest, submissions: [], previousLatest: [], now: new Date('2026-03-20T01:00:00Z') });
}

async function open(report: ConsolidatedReport, limits: Partial<SheetLimits> = {}): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await writeConsolidatedWorkbook(report, undefined, [], limits)) as unknown as ExcelJS.Buffer);
  return wb;
}

const rowsOf = (ws: ExcelJS.Worksheet) => {
  const out: unknown[][] = [];
  ws.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
  return out;
};
const names = (wb: ExcelJS.Workbook) => wb.worksheets.map((ws) => ws.name);

function expectWithin(wb: ExcelJS.Workbook, limits: Pick<SheetLimits, 'maxRows' | 'maxColumns' | 'maxCellChars'>): void {
  for (const ws of wb.worksheets) {
    expect({ sheet: ws.name, rows: ws.rowCount <= limits.maxRows, columns: ws.columnCount <= limits.maxColumns }).toEqual({ sheet: ws.name, rows: true, columns: true });
    ws.eachRow((r) => r.eachCell((c) => expect(typeof c.value === 'string' ? c.value.length : 0).toBeLessThanOrEqual(limits.maxCellChars)));
  }
}

describe('consolidated workbook within Excel’s limits', () => {
  const form = loadForm('sap-xep-bo-may');

  describe('"Dữ liệu"', () => {
    it('continues on "Dữ liệu (2)", "Dữ liệu (3)", … each with the header, no row lost or repeated', async () => {
      const report = reportOf(form, 12);
      const whole = rowsOf((await open(report)).getWorksheet('Dữ liệu')!).slice(1);
      const wb = await open(report, { maxRows: 100, dataRowsPerSheet: 40 });

      const parts = wb.worksheets.filter((ws) => /^Dữ liệu( \(\d+\))?$/.test(ws.name));
      expect(parts.map((ws) => ws.name)).toEqual(['Dữ liệu', ...Array.from({ length: Math.ceil(whole.length / 40) - 1 }, (_, i) => `Dữ liệu (${i + 2})`)]);
      expect(parts.length).toBeGreaterThan(3);
      for (const ws of parts) {
        expect(rowsOf(ws)[0]).toEqual([...DATA_SHEET_HEADER]);
        expect(ws.rowCount).toBeLessThanOrEqual(41);
      }
      expect(parts.flatMap((ws) => rowsOf(ws).slice(1))).toEqual(whole);
      expect(whole.length).toBe(report.units.reduce((n, l) => n + figureKeys(form).filter((f) => l.totals[f.key] !== undefined).length, 0));
      expectWithin(wb, { maxRows: 100, maxColumns: 16_384, maxCellChars: 32_767 });
    });

    it('stays one sheet when the rows fit', async () => {
      const wb = await open(reportOf(form, 3));
      expect(names(wb).filter((n) => n.startsWith('Dữ liệu'))).toEqual(['Dữ liệu']);
    });
  });

  describe('repeating tables', () => {
    it('continue on a numbered sheet with the same header and the total on the last part', async () => {
      const tableForm = loadForm('bien-che-thang');
      const table = tableForm.tables[0]!;
      const report = reportOf(tableForm, 40);
      const expected = report.units.reduce((n, l) => n + (l.accepted?.values.tables[table.key]?.length ?? 0), 0);
      const wb = await open(report, { maxRows: 30 });

      const parts = wb.worksheets.filter((ws) => ws.name.startsWith(table.label.slice(0, 24)));
      expect(parts.length).toBeGreaterThan(2);
      expect(parts[1]!.name).toBe(`${table.label.slice(0, 24)} (2)`);
      const numbered = parts.flatMap((ws) => rowsOf(ws).filter((r) => typeof r[0] === 'number').map((r) => r[0]));
      expect(numbered).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      expect(String(rowsOf(parts[parts.length - 1]!).at(-1)?.[2])).toContain(`Tổng cộng: ${expected}`);
      for (const ws of parts) expect(rowsOf(ws)[3]?.[0]).toBe('STT');
      expectWithin(wb, { maxRows: 30, maxColumns: 16_384, maxCellChars: 32_767 });
    });
  });

  describe('other sheets', () => {
    it('stop at the row limit and say on their last row how many rows are not shown', async () => {
      const wb = await open(reportOf(form, 60), { maxRows: 40 });
      const status = wb.getWorksheet('Tình hình nộp')!;
      expect(status.rowCount).toBe(40);
      expect(rowsOf(status)[38]?.[0]).toBe(34);
      // 5 heading rows, 60 units: 34 shown (rows 6–39), 26 not shown.
      expect(String(rowsOf(status).at(-1)?.[0])).toBe(
        '…(đã rút gọn) Sheet dừng ở giới hạn 40 dòng của Excel: 26 dòng sau không hiển thị; số liệu đầy đủ ở sheet "Dữ liệu".',
      );
      expectWithin(wb, { maxRows: 40, maxColumns: 16_384, maxCellChars: 32_767 });
    });
  });

  describe('"Chi tiết đơn vị" columns', () => {
    it('shows the first figures within the column limit and says so in its title', async () => {
      const wb = await open(reportOf(form, 3), { maxColumns: 20 });
      const ws = wb.getWorksheet('Chi tiết đơn vị')!;
      expect(ws.columnCount).toBeLessThanOrEqual(20);
      expect(String(rowsOf(ws)[1]?.[0])).toContain(`chỉ hiện 15/${figureKeys(form).length} chỉ tiêu đầu (giới hạn 20 cột của Excel), đủ số liệu ở sheet "Dữ liệu"`);
      expectWithin(wb, { maxRows: 1_048_576, maxColumns: 20, maxCellChars: 32_767 });
    });

    it('keeps every figure when they fit (the shipped forms)', async () => {
      const ws = (await open(reportOf(form, 3))).getWorksheet('Chi tiết đơn vị')!;
      expect(ws.columnCount).toBe(5 + figureKeys(form).length);
      expect(String(rowsOf(ws)[1]?.[0])).not.toContain('chỉ hiện');
    });
  });

  describe('text cells', () => {
    const field = textFields(form)[0]!;

    it('cuts a text longer than the cell limit and ends it with a visible marker', async () => {
      const long = 'Khó khăn về biên chế. '.repeat(2_000); // 44,000 characters
      const wb = await open(reportOf(form, 2, (v) => (v.fields[field.key] = long)));
      const cells = rowsOf(wb.getWorksheet('Ý kiến')!).map((r) => r[1]).filter((v): v is string => typeof v === 'string' && v.startsWith('Khó khăn'));
      expect(cells).toHaveLength(2);
      for (const c of cells) {
        expect(c).toHaveLength(32_767);
        expect(c.endsWith(TRUNCATED_MARKER)).toBe(true);
        expect(long.startsWith(c.slice(0, -TRUNCATED_MARKER.length))).toBe(true);
      }
    });

    it('cuts at an injected limit and leaves shorter texts whole', async () => {
      const wb = await open(reportOf(form, 2, (v, i) => (v.fields[field.key] = i === 0 ? 'x'.repeat(500) : 'Ngắn.')), { maxCellChars: 200 });
      const texts = rowsOf(wb.getWorksheet('Ý kiến')!).map((r) => r[1]);
      expect(texts).toContain(`${'x'.repeat(200 - TRUNCATED_MARKER.length)}${TRUNCATED_MARKER}`);
      expect(texts).toContain('Ngắn.');
      expectWithin(wb, { maxRows: 1_048_576, maxColumns: 16_384, maxCellChars: 200 });
    });
  });
});
