/**
 * A form the project has never seen (test/fixtures/forms/kiem-tra-giam-sat-6-thang.v1.json,
 * written from templates/README.md alone): half-year periods, alphanumeric Mã số (1a, 1b),
 * decimal, money, choice and date columns, a section for Huyện ủy only, a repeating table with
 * date and choice columns, compare rules, ratios and deadlines by unit type — end to end through
 * the engine: check, generate, fill as a person would, validate, consolidate.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { buildConsolidatedReport } from '../../../functions/core/consolidation/report';
import { sectionHeading, writeConsolidatedWorkbook } from '../../../functions/core/consolidation/workbook';
import { createFormCatalog, describeForm, generateForm, validateUpload } from '../../../functions/core/forms';
import { checkFormDefinition } from '../../../functions/core/forms/check-definition';
import { UNIT_TYPES_2019 } from '../../../functions/core/units/unit-types';
import { type FormValues, type Unit, type UnitType, type ValidationIssue } from '../../../functions/core/model';
import { consolidationAt, cutOff, deadlineFor, openPeriod, parsePeriod, periodLabel, shiftPeriod } from '../../../functions/core/periods';
import type { AcceptedValues } from '../../../functions/core/ports';
import { fillForm, sampleUnit, sampleValues, type FillOptions } from '../../support/forms';
import { goodValues, THIRD_FORM_RAW, thirdForm, thirdFormChecked } from '../../support/third-form';

jest.setTimeout(30_000);

const checked = thirdFormChecked;
const form = thirdForm;
const catalog = () => createFormCatalog([form]);
const PERIOD = '2026-H1';
const NOW = new Date('2026-06-01T03:00:00Z');

const blanks = new Map<UnitType, Promise<Buffer>>();
const blank = (type: UnitType) => {
  if (!blanks.has(type)) blanks.set(type, generateForm({ form, unit: sampleUnit(type), period: PERIOD, now: NOW }));
  return blanks.get(type)!;
};

async function uploadOf(type: UnitType, values: FormValues, fill: FillOptions = {}) {
  const bytes = await fillForm(await blank(type), values, { form, ...fill });
  return { bytes, result: await validateUpload(bytes, { catalog: catalog() }) };
}

const cellOf = (type: UnitType, key: string) => {
  const f = describeForm(form, type).fields.find((x) => x.key === key);
  if (!f) throw new Error(`no field ${key}`);
  return f.cell;
};
const errorAt = (issues: ValidationIssue[], key: string) => issues.find((i) => i.field === key);

async function sheetOf(bytes: Buffer, name: string): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb.getWorksheet(name)!;
}

describe('third form: kiem-tra-giam-sat-6-thang (never seen by the code)', () => {
  it('passes checkFormDefinition with no problem', () => {
    expect(checked.problems).toEqual([]);
    expect(form.periodType).toBe('half');
  });

  it('uses only properties, field types and operators that templates/README.md documents', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../templates/README.md'), 'utf8');
    const used = new Set<string>();
    const walk = (node: unknown, parent?: string) => {
      if (Array.isArray(node)) node.forEach((v) => walk(v, parent));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          // Under byUnitType the keys are unit type codes: documented as such, not as properties.
          if (parent !== 'byUnitType') used.add(k);
          walk(v, k);
        }
      } else if (typeof node === 'string' && (parent === 'type' || parent === 'op' || parent === 'kind' || parent === 'periodType' || parent === 'consolidate' || parent === 'severity')) used.add(node);
    };
    walk(THIRD_FORM_RAW);
    const undocumented = [...used].filter((name) => !doc.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
    expect(used.size).toBeGreaterThan(40);
  });

  describe('generated form', () => {
    it('gives section IV to a Huyện ủy only, with alphanumeric Mã số as text anchors', async () => {
      const huyen = describeForm(form, 'huyen').fields.map((f) => f.key);
      const so = describeForm(form, 'so-nganh').fields.map((f) => f.key);
      expect(huyen).toEqual(expect.arrayContaining(['6.so_cuoc', '6.kinh_phi', '7.so_cuoc', '1a.vi_pham']));
      expect(so).not.toContain('6.so_cuoc');
      expect(so).toContain('1a.vi_pham');
      const ws = await sheetOf(await blank('so-nganh'), 'Báo cáo');
      const codes: string[] = [];
      ws.getColumn(1).eachCell((c) => codes.push(String(c.value)));
      expect(codes).toEqual(expect.arrayContaining(['1', '1a', '1b', '2', '3', '3a', '3b', '5a']));
      expect(codes).not.toContain('6');
    });

    it('draws a dropdown for choices, date and decimal formats, and the table under its own caption', async () => {
      const ws = await sheetOf(await blank('huyen'), 'Báo cáo');
      const choice = ws.getCell(cellOf('huyen', '5.tinh_trang'));
      expect(choice.dataValidation).toMatchObject({ type: 'list', formulae: ['"Đã ban hành,Đang xây dựng,Chưa xây dựng"'] });
      expect(ws.getCell(cellOf('huyen', '5.ngay')).numFmt).toBe('dd/mm/yyyy');
      const land = ws.getCell(cellOf('huyen', '3.dat_kien_nghi'));
      expect(land.numFmt).toBe('#,##0.0');
      expect(land.dataValidation).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 100000000] });
      expect(ws.getCell(cellOf('huyen', '3.tien_kien_nghi')).numFmt).toBe('#,##0');
      const table = describeForm(form, 'huyen').tables[0]!;
      const caption = ws.getCell(table.firstRow - 2, 1);
      expect(caption.value).toBe('Các cuộc kiểm tra, giám sát đã kết thúc trong kỳ');
      const hinhThuc = table.columns.find((c) => c.key === 'hinh_thuc')!;
      expect(ws.getCell(`${hinhThuc.column}${table.firstRow}`).dataValidation).toMatchObject({ type: 'list' });
      // The table's column widths never narrow the Chỉ tiêu column of the sections above.
      expect(ws.getColumn(2).width).toBeGreaterThanOrEqual(46);
    });

    it('is for a half-year period only: 6 tháng đầu năm, cut-off 15/12 → 14/06', async () => {
      await expect(generateForm({ form, unit: sampleUnit('huyen'), period: '2026-Q2', now: NOW })).rejects.toMatchObject({ code: 'PERIOD_WRONG_TYPE' });
      const ws = await sheetOf(await blank('huyen'), 'Báo cáo');
      expect(ws.getCell('A5').value).toBe('Báo cáo định kỳ 6 tháng — 6 tháng đầu năm 2026');
      expect(ws.getCell('A7').value).toBe('(Số liệu tính từ ngày 15/12/2025 đến ngày 14/06/2026)');
    });
  });

  describe('upload', () => {
    it('accepts the form filled by a Huyện ủy and by a Sở, values read exactly', async () => {
      for (const type of ['huyen', 'so-nganh'] as UnitType[]) {
        const { result } = await uploadOf(type, goodValues(type));
        expect(result.errors).toEqual([]);
        expect(result.warnings).toEqual([]);
        expect(result.values).toEqual(goodValues(type));
      }
    });

    it('accepts generated sample values for every unit type (sections by type, table choices and dates)', async () => {
      for (const type of UNIT_TYPES_2019.map((t) => t.code)) {
        const values = sampleValues(form, type, 7);
        const { result } = await uploadOf(type, values);
        expect([type, result.errors]).toEqual([type, []]);
        expect(result.values.tables.cuoc).toEqual(values.tables.cuoc);
        expect('6.so_cuoc' in result.values.fields).toBe(type === 'huyen');
      }
    });

    it('names {col} by the label of the rule’s own section when two sections share a column key', async () => {
      const raw = JSON.parse(JSON.stringify(THIRD_FORM_RAW)) as { version: number; sections: Array<{ key: string; columns: Array<{ key: string; label: string }> }>; rules: unknown[] };
      raw.version = 2;
      raw.sections.find((x) => x.key === 'IV')!.columns.find((c) => c.key === 'so_cuoc')!.label = 'Số cuộc của cơ sở';
      raw.rules.push({ id: 'co-so', kind: 'compare', severity: 'warning', left: ['7.{col}'], op: 'lte', right: ['6.{col}'], columns: ['so_cuoc'], message: 'Mã số 7, cột "{col}": {leftValue} > {rightValue}.' });
      const v2 = checkFormDefinition(raw).form!;
      const bytes = await fillForm(await generateForm({ form: v2, unit: sampleUnit('huyen'), period: PERIOD, now: NOW }), goodValues('huyen'), { form: v2 });
      const result = await validateUpload(bytes, { catalog: createFormCatalog([v2]) });
      expect(result.warnings.map((w) => w.message)).toEqual(['Mã số 7, cột "Số cuộc của cơ sở": 22 > 14.']);
    });

    it('reads what a person types: 1.520,5 and 3.250.000.000 as text, dates as dd/mm/yyyy text, a choice in other case; decimals rounded to the form’s 1 place', async () => {
      const values = goodValues('so-nganh');
      const { result } = await uploadOf('so-nganh', values, {
        cells: {
          [cellOf('so-nganh', '3.dat_kien_nghi')]: '1.520,5',
          [cellOf('so-nganh', '3a.dat_kien_nghi')]: '1520,54',
          [cellOf('so-nganh', '3.tien_kien_nghi')]: '3.250.000.000',
          [cellOf('so-nganh', '4.ty_le')]: '87,46',
          [cellOf('so-nganh', '5.ngay')]: '12/01/2026',
          [cellOf('so-nganh', '5.tinh_trang')]: 'đã ban hành',
        },
      });
      expect(result.errors).toEqual([]);
      expect(result.values.fields).toMatchObject({ '3.dat_kien_nghi': 1520.5, '3a.dat_kien_nghi': 1520.5, '3.tien_kien_nghi': 3_250_000_000, '4.ty_le': 87.5, '5.ngay': '2026-01-12', '5.tinh_trang': 'Đã ban hành' });
    });

    it('refuses wrong values with Vietnamese per-cell messages', async () => {
      const values = goodValues('huyen');
      // Rule on row 1a: 5 violating organisations out of 3 inspected (row 1 kept consistent).
      Object.assign(values.fields, { '1a.vi_pham': 5, '1.vi_pham': 8 });
      values.tables.cuoc![1]!.hinh_thuc = 'Thanh tra';
      const { result } = await uploadOf('huyen', values, {
        cells: {
          [cellOf('huyen', '5.tinh_trang')]: 'Đã ký',
          [cellOf('huyen', 'header.ngay_lap')]: '31/02/2026',
          [cellOf('huyen', '4.ty_le')]: 120,
          [cellOf('huyen', '3b.tien_kien_nghi')]: '250.000.000,5',
        },
      });
      expect(result.accepted).toBe(false);
      const at = (key: string) => errorAt(result.errors, key);
      expect(at('5.tinh_trang')).toMatchObject({ code: 'NOT_IN_LIST', cell: cellOf('huyen', '5.tinh_trang') });
      expect(at('5.tinh_trang')!.message).toBe(`Ô ${cellOf('huyen', '5.tinh_trang')} (mã số 5, cột "Tình trạng"): "Đã ký" không có trong danh sách (Đã ban hành, Đang xây dựng, Chưa xây dựng).`);
      expect(at('header.ngay_lap')).toMatchObject({ code: 'NOT_A_DATE' });
      expect(at('header.ngay_lap')!.message).toContain('không phải ngày hợp lệ');
      expect(at('4.ty_le')).toMatchObject({ code: 'ABOVE_MAX' });
      expect(at('4.ty_le')!.message).toBe(`Ô ${cellOf('huyen', '4.ty_le')} (mã số 4, cột "Tỷ lệ (%)"): 120 lớn hơn mức tối đa 100.`);
      expect(at('3b.tien_kien_nghi')).toMatchObject({ code: 'NOT_WHOLE' });
      expect(at('1a.vi_pham')).toMatchObject({ code: 'RULE_VI_PHAM_TO_CHUC', cell: cellOf('huyen', '1a.vi_pham') });
      expect(at('1a.vi_pham')!.message).toBe('Mã số 1a: số tổ chức đảng có vi phạm (5) không được lớn hơn số tổ chức đảng được kiểm tra (3).');
      const table = result.errors.find((e) => e.field === 'cuoc.hinh_thuc');
      expect(table).toMatchObject({ code: 'NOT_IN_LIST' });
      expect(table!.message).toMatch(/^Ô C\d+ \(bảng "Các cuộc kiểm tra, giám sát đã kết thúc trong kỳ", dòng 2, cột "Hình thức"\): "Thanh tra" không có trong danh sách/);
    });

    it('refuses a bad date in the table and accepts no table row at all (minRows 0)', async () => {
      const values = goodValues('so-nganh');
      const table = describeForm(form, 'so-nganh').tables[0]!;
      const dateCol = table.columns.find((c) => c.key === 'ngay_ket_thuc')!.column;
      const bad = await uploadOf('so-nganh', values, { cells: { [`${dateCol}${table.firstRow}`]: '32/03/2026' } });
      expect(bad.result.errors).toEqual([expect.objectContaining({ code: 'NOT_A_DATE', field: 'cuoc.ngay_ket_thuc', cell: `${dateCol}${table.firstRow}` })]);
      const none = await uploadOf('so-nganh', { ...values, tables: { cuoc: [] } });
      expect(none.result.errors).toEqual([]);
      expect(none.result.values.tables.cuoc).toEqual([]);
    });

    it('warns when more money was recovered than recommended (rule over {row})', async () => {
      const values = goodValues('so-nganh');
      Object.assign(values.fields, { '3b.tien_da_thu': 300_000_000, '3.tien_da_thu': 1_300_000_000 });
      const { result } = await uploadOf('so-nganh', values);
      expect(result.errors).toEqual([]);
      expect(result.warnings.map((w) => [w.code, w.field])).toEqual([['RULE_DA_THU_VUOT', '3b.tien_da_thu']]);
      expect(result.warnings[0]!.message).toBe('Mã số 3b: tiền đã thu hồi (300.000.000) lớn hơn số kiến nghị thu hồi (250.000.000); đề nghị giải trình ở mã số 8.');
    });
  });

  describe('half-year periods and deadlines by unit type', () => {
    it('names and parses half years', () => {
      expect(parsePeriod('2026-H1', 'half')).toEqual({ id: '2026-H1', type: 'half', year: 2026, index: 1 });
      expect(periodLabel('2026-H1')).toBe('6 tháng đầu năm 2026');
      expect(periodLabel('2026-H2')).toBe('Năm 2026');
      expect(shiftPeriod('2026-H1', -1)).toBe('2025-H2');
      expect(cutOff('2026-H2')).toEqual({ from: { year: 2026, month: 6, day: 15 }, to: { year: 2026, month: 12, day: 14 } });
    });

    it('gives each unit type its deadline in the half’s last month, the consolidation after the last one, moved off weekends', () => {
      const at = (d: Date) => d.toISOString();
      expect(at(deadlineFor(form, 'huyen', '2026-H1'))).toBe('2026-06-15T10:00:00.000Z'); // Mon 15/06 17:00
      expect(at(deadlineFor(form, 'dang-uy-truc-thuoc', '2026-H1'))).toBe('2026-06-16T04:00:00.000Z'); // Tue 16/06 11:00
      expect(at(deadlineFor(form, 'so-nganh', '2026-H1'))).toBe('2026-06-18T10:00:00.000Z'); // Thu 18/06 17:00
      expect(at(consolidationAt(form, '2026-H1'))).toBe('2026-06-22T01:00:00.000Z'); // Sat 20/06 → Mon 22/06 08:00
      expect(at(deadlineFor(form, 'huyen', '2026-H2'))).toBe('2026-12-15T10:00:00.000Z');
      expect(at(consolidationAt(form, '2026-H2'))).toBe('2026-12-21T01:00:00.000Z'); // Sun 20/12 → Mon 21/12
      expect(openPeriod(form, new Date('2026-06-19T03:00:00Z'))).toBe('2026-H1');
      expect(openPeriod(form, new Date('2026-06-23T03:00:00Z'))).toBe('2026-H2');
      expect(() => deadlineFor(form, 'huyen', '2026-Q2')).toThrow(/6 tháng/);
    });
  });

  describe('consolidation of three units', () => {
    const units: Unit[] = [
      { ...sampleUnit('huyen', 'HU-01'), name: 'Huyện ủy Tiên Phước' },
      { ...sampleUnit('so-nganh', 'SO-01'), name: 'Sở Tài chính' },
      { ...sampleUnit('dang-uy-truc-thuoc', 'DU-01'), name: 'Đảng ủy Khối các cơ quan tỉnh' },
    ];
    let report: ReturnType<typeof buildConsolidatedReport>;
    let workbook: ExcelJS.Workbook;

    beforeAll(async () => {
      const a = goodValues('huyen');
      const b = goodValues('so-nganh');
      Object.assign(b.fields, { '3.dat_kien_nghi': 0.1, '3a.dat_kien_nghi': 0.1, '3.tien_kien_nghi': 999_999_999_999, '3a.tien_kien_nghi': 999_749_999_999, '5.tinh_trang': 'Đang xây dựng' });
      const c = goodValues('dang-uy-truc-thuoc');
      Object.assign(c.fields, { '3.dat_kien_nghi': 0.2, '3a.dat_kien_nghi': 0.2, '3.dat_da_thu': 0.1, '3a.dat_da_thu': 0.1 });
      c.tables.cuoc = [{ doi_tuong: 'Chi bộ Công ty Điện lực', hinh_thuc: 'Kiểm tra tài chính đảng', ngay_ket_thuc: '2026-04-02', so_dang_vien: 7, so_tien: 12_345_678, ket_luan: 'Có vi phạm' }];
      const latest: AcceptedValues[] = [];
      for (const [unit, values] of [[units[0]!, a], [units[1]!, b], [units[2]!, c]] as const) {
        // Through the real reader: what consolidation sums is what validation produced.
        const bytes = await fillForm(await generateForm({ form, unit, period: PERIOD, now: NOW }), values, { form });
        const result = await validateUpload(bytes, { catalog: catalog() });
        expect(result.errors).toEqual([]);
        latest.push({ unitCode: unit.code, uploadId: `u-${unit.code}`, receivedAt: '2026-06-12T03:00:00Z', late: false, values: result.values, warnings: result.warnings });
      }
      report = buildConsolidatedReport({ form, period: PERIOD, units, latest, submissions: [], previousLatest: [], now: new Date('2026-06-22T01:00:00Z') });
      workbook = new ExcelJS.Workbook();
      const bytes = await writeConsolidatedWorkbook(report);
      await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    });

    it('sums money exactly and decimals to the form’s places (no float drift)', () => {
      expect(report.totals['3.tien_kien_nghi']).toBe(3_250_000_000 + 999_999_999_999 + 3_250_000_000);
      expect(report.totals['3.tien_da_thu']).toBe(3 * 1_200_500_000);
      expect(report.totals['3.dat_kien_nghi']).toBe(1520.8); // 1520,5 + 0,1 + 0,2
      expect(report.totals['3.dat_da_thu']).toBe(600.5); // 300,2 + 300,2 + 0,1
      expect(report.totals['cuoc.so_tien']).toBe(150_000_000 + 150_000_000 + 12_345_678);
      expect(report.totals['cuoc.__rows']).toBe(5);
      expect(report.totals['1a.vi_pham']).toBe(3);
      expect(report.totals).not.toHaveProperty('4.ty_le'); // a percentage is not summed (consolidate none)
    });

    it('puts section IV in the Huyện ủy line only, and recomputes ratios from sums', () => {
      const huyen = report.byType.find((t) => t.type === 'huyen')!;
      const so = report.byType.find((t) => t.type === 'so-nganh')!;
      expect(huyen.totals['6.kinh_phi']).toBe(45_000_000);
      expect(so.totals).not.toHaveProperty('6.kinh_phi');
      expect(report.totals['6.so_cuoc']).toBe(14);
      const recovered = report.ratios.find((r) => r.ratio.key === 'ty_le_thu_hoi')!;
      expect(recovered.value).toBeCloseTo(report.totals['3.tien_da_thu']! / report.totals['3.tien_kien_nghi']!, 12);
      expect(recovered.meetsTarget).toBe(false);
      expect(report.ratios.find((r) => r.ratio.key === 'ty_le_vi_pham')!.value).toBeCloseTo(12 / 45, 12);
    });

    it('tallies choices over units (sections) and rows (table)', () => {
      expect(report.choices.find((c) => c.key === '5.tinh_trang')!.counts).toEqual([['Đã ban hành', 2], ['Đang xây dựng', 1], ['Chưa xây dựng', 0]]);
      expect(report.choices.find((c) => c.key === 'cuoc.ket_luan')).toMatchObject({ of: 'rows', counts: [['Có vi phạm', 3], ['Không vi phạm', 2]] });
    });

    it('writes the workbook: decimals with their place, dates as dates, choices listed per unit', () => {
      const names = workbook.worksheets.map((w) => w.name);
      expect(names).toEqual(['Tổng hợp', 'Theo loại đơn vị', 'Chi tiết đơn vị', 'Các cuộc kiểm tra, giám sát đã', 'Tình hình nộp', 'Thông tin theo đơn vị', 'Ý kiến', 'Cảnh báo', 'Dữ liệu']);
      const summary = workbook.getWorksheet('Tổng hợp')!;
      let land: ExcelJS.Cell | undefined;
      let choices: unknown[] | undefined;
      summary.eachRow((row) => {
        if (row.getCell(1).value === '3' && row.getCell(2).value === 'Tổng số kiến nghị thu hồi') land = row.getCell(5); // summed columns first (2 money, then land), computed ones last
        if (row.getCell(1).value === '5' && String(row.getCell(2).value).startsWith('Chương trình')) choices = [row.getCell(3).value];
      });
      expect(land?.value).toBe(1520.8);
      expect(land?.numFmt).toBe('#,##0.0');
      expect(choices).toEqual(['Đã ban hành: 2 đơn vị; Đang xây dựng: 1 đơn vị; Chưa xây dựng: 0 đơn vị']);

      const table = workbook.getWorksheet('Các cuộc kiểm tra, giám sát đã')!;
      const first = table.getRow(5);
      expect(first.getCell(3).value).toBe('Sở Tài chính'); // units by type order: Sở before Huyện ủy
      expect(first.getCell(7).value).toEqual(new Date('2026-03-20T00:00:00Z'));
      expect(first.getCell(7).numFmt).toBe('dd/mm/yyyy');
      expect(first.getCell(6).value).toBe('Kiểm tra dấu hiệu vi phạm');

      const listed = workbook.getWorksheet('Thông tin theo đơn vị')!;
      const header = (listed.getRow(4).values as unknown[]).slice(5);
      expect(header).toEqual([
        '5. Chương trình kiểm tra, giám sát năm của cấp ủy — Tình trạng',
        '5. Chương trình kiểm tra, giám sát năm của cấp ủy — Ngày ban hành',
        '5a. Kế hoạch giám sát chuyên đề 6 tháng — Tình trạng',
        '5a. Kế hoạch giám sát chuyên đề 6 tháng — Ngày ban hành',
      ]);
      const so = listed.getRow(5);
      expect(so.getCell(3).value).toBe('Sở Tài chính');
      expect(so.getCell(5).value).toBe('Đang xây dựng');
      expect(so.getCell(6).value).toEqual(new Date('2026-01-12T00:00:00Z'));
    });

    it('heads section IV with its label alone when the label already names its unit types (not "(…) (…)" twice)', () => {
      const headings: unknown[] = [];
      workbook.getWorksheet('Tổng hợp')!.eachRow((row) => {
        if (String(row.getCell(2).value).startsWith('IV.')) headings.push(row.getCell(2).value);
      });
      expect(headings).toEqual(['IV. Kiểm tra, giám sát của đảng ủy cơ sở (Huyện ủy, Thị ủy, Thành ủy)']);
      // A label that does not name them still gets them in brackets.
      expect(sectionHeading('IV. Đảng ủy cơ sở', ['Huyện ủy, thị ủy, thành ủy'])).toBe('IV. Đảng ủy cơ sở (Huyện ủy, thị ủy, thành ủy)');
      expect(sectionHeading('IV. Đảng ủy cơ sở', [])).toBe('IV. Đảng ủy cơ sở');
    });
  });
});
