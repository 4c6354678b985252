/** The generated form: the layout a Vietnamese office expects, protected yet fillable, with its hidden metadata. */
import ExcelJS from 'exceljs';
import { describeForm, generateForm, META_SHEET } from '../../../functions/core/forms';
import { readZipEntries } from '../../fixtures/forms/zip';
import { fillForm, sampleUnit } from '../../support/forms';
import { blankForm, cellOf, getCatalog, sample } from './harness';

async function load(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}
const xmlOf = (bytes: Buffer, name: string) => readZipEntries(bytes).find((e) => e.name === name)!.data.toString('utf8');
const texts = (ws: ExcelJS.Worksheet) => {
  const out: string[] = [];
  ws.eachRow((row) => row.eachCell((c) => void (typeof c.value === 'string' && out.push(c.value))));
  return out;
};

/** Every cell covered by a list of A1 ranges, to find overlaps. */
function cellsOf(sqref: string): string[] {
  const out: string[] = [];
  for (const ref of sqref.split(/\s+/)) {
    const [a, b = a] = ref.split(':') as [string, string?];
    const p = (x: string) => ({ c: x.replace(/\d+/, ''), r: Number(x.replace(/\D+/, '')) });
    const s = p(a);
    const e = p(b!);
    for (let r = s.r; r <= e.r; r++) for (let c = s.c.charCodeAt(0); c <= e.c.charCodeAt(0); c++) out.push(`${String.fromCharCode(c)}${r}`);
  }
  return out;
}

describe('generateForm', () => {
  describe('sap-xep-bo-may for a huyện', () => {
    let bytes: Buffer;
    let ws: ExcelJS.Worksheet;
    let wb: ExcelJS.Workbook;
    beforeAll(async () => {
      bytes = await blankForm('sap-xep-bo-may', 'huyen');
      wb = await load(bytes);
      ws = wb.getWorksheet('Báo cáo')!;
    });

    it('has the heading block, title, and the unit and period pre-filled', async () => {
      const form = (await getCatalog()).require('sap-xep-bo-may');
      const all = texts(ws);
      expect(ws.getCell('A1').value).toBe('TỈNH ỦY');
      expect(all).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
      expect(all).toContain('HUYỆN ỦY TIÊN PHƯỚC');
      expect(all).toContain(form.title);
      expect(all).toContain('Kỳ báo cáo: Quý I năm 2026');
      expect(all).toContain('Đơn vị báo cáo: Huyện ủy Tiên Phước');
      expect(all).toContain('(Số liệu tính từ ngày 15/12/2025 đến ngày 14/03/2026)');
      expect(all).toEqual(expect.arrayContaining(['Mã số', 'Chỉ tiêu', 'NGƯỜI LẬP BIỂU', 'THỦ TRƯỞNG ĐƠN VỊ', 'A. Tổ chức bộ máy', 'D. Cấp xã, thôn']));
    });

    it('locks everything but the input cells, which carry #,##0', async () => {
      const input = ws.getCell(await cellOf('sap-xep-bo-may', 'huyen', '02.truoc'));
      expect(input.protection).toEqual(expect.objectContaining({ locked: false }));
      expect(input.numFmt).toBe('#,##0');
      for (const address of ['A1', 'A4', 'A5', 'A6', 'A11', 'B11']) expect(ws.getCell(address).protection?.locked).not.toBe(false);
      const describe = describeForm((await getCatalog()).require('sap-xep-bo-may'), 'huyen');
      for (const f of describe.fields) expect([f.cell, ws.getCell(f.cell).protection?.locked]).toEqual([f.cell, false]);
    });

    it('protects the sheet without a password hash (no costly spin count)', () => {
      const sheetXml = xmlOf(bytes, 'xl/worksheets/sheet1.xml');
      const protection = /<sheetProtection[^>]*>/.exec(sheetXml)![0];
      expect(protection).toContain('sheet="1"');
      expect(protection).not.toMatch(/hashValue|spinCount|password/);
    });

    it('computes giảm as a locked formula whose cached value is trước − hiện tại', async () => {
      const values = await sample('sap-xep-bo-may', 'huyen', 8);
      const filled = await load(await fillForm(bytes, values));
      const truoc = await cellOf('sap-xep-bo-may', 'huyen', '02.truoc');
      const row = truoc.replace(/\D+/, '');
      const giam = filled.getWorksheet('Báo cáo')!.getCell(`E${row}`);
      expect(giam.formula).toMatch(new RegExp(`C${row}-D${row}`));
      expect(giam.result).toBe((values.fields['02.truoc'] as number) - (values.fields['02.hien_tai'] as number));
      expect(giam.protection?.locked).not.toBe(false);
    });

    it('adds data validation by range, never overlapping, with Vietnamese messages', () => {
      const sheetXml = xmlOf(bytes, 'xl/worksheets/sheet1.xml');
      const validations = [...sheetXml.matchAll(/<dataValidation\b[^>]*>/g)].map((m) => m[0]);
      expect(validations.length).toBeGreaterThan(3);
      const covered = validations.flatMap((v) => cellsOf(/sqref="([^"]+)"/.exec(v)![1]!));
      expect(new Set(covered).size).toBe(covered.length);
      const whole = validations.find((v) => v.includes('type="whole"'))!;
      expect(whole).toMatch(/sqref="C\d+:C\d+"/);
      expect(whole).toContain('operator="greaterThanOrEqual"');
      expect(whole).toContain('prompt="Nhập số nguyên');
      expect(whole).toContain('error="Chỉ nhập số nguyên');
      expect(validations.some((v) => v.includes('type="textLength"') && v.includes('Tối đa 4000 ký tự'))).toBe(true);
    });

    it('sets up A4 printing fitted to the page width with repeated header rows', () => {
      expect(ws.pageSetup).toEqual(expect.objectContaining({ paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 }));
      expect(xmlOf(bytes, 'xl/workbook.xml')).toMatch(/_xlnm\.Print_Titles[^<]*<\/definedName>|Print_Titles/);
      expect(ws.pageSetup.margins).toEqual(expect.objectContaining({ left: 0.6, top: 0.6 }));
    });

    it('keeps a very hidden, protected metadata sheet', () => {
      const meta = wb.getWorksheet(META_SHEET)!;
      expect(meta.state).toBe('veryHidden');
      expect(xmlOf(bytes, 'xl/worksheets/sheet2.xml')).toContain('<sheetProtection');
      expect(meta.getCell('A1').value).toBe('tonghop-form');
    });
  });

  it('gives section D only to huyện', async () => {
    const codes = async (type: 'huyen' | 'so-nganh') => {
      const ws = (await load(await blankForm('sap-xep-bo-may', type))).getWorksheet('Báo cáo')!;
      return texts(ws).filter((t) => /^\d\d$/.test(t));
    };
    expect(await codes('huyen')).toEqual(expect.arrayContaining(['18', '19', '20', '21']));
    expect(await codes('so-nganh')).not.toEqual(expect.arrayContaining(['18']));
    expect(await codes('so-nganh')).toHaveLength(23);
  });

  it('gives bien-che-thang room for 500 rows and a totals row', async () => {
    const bytes = await blankForm('bien-che-thang', 'so-nganh');
    const ws = (await load(bytes)).getWorksheet('Báo cáo')!;
    const d = describeForm((await getCatalog()).require('bien-che-thang'), 'so-nganh');
    const t = d.tables[0]!;
    expect(t).toEqual(expect.objectContaining({ key: 'don_vi', firstRow: 10, maxRows: 500 }));
    expect(ws.getCell(`B${t.firstRow + 499}`).protection).toEqual(expect.objectContaining({ locked: false }));
    expect(ws.getCell(`A${t.firstRow + 500}`).value).toBe('Tổng cộng');
    expect(ws.getCell(`C${t.firstRow + 500}`).formula).toBe(`SUM(C${t.firstRow}:C${t.firstRow + 499})`);
    expect(texts(ws)).toContain('Kỳ báo cáo: Tháng 3 năm 2026');
  });

  it('refuses a period of the wrong kind for the form', async () => {
    expect.assertions(1);
    const form = (await getCatalog()).require('bien-che-thang');
    await expect(generateForm({ form, unit: sampleUnit('huyen'), period: '2026-Q1' })).rejects.toMatchObject({ code: 'PERIOD_WRONG_TYPE' });
  });
});
