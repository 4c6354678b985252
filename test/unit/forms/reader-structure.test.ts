/**
 * The reader finds cells through the structure recorded in the file: a renamed sheet, restyled
 * cells, numbers typed as text and moved rows still read right; what it cannot map it names
 * precisely. Values are read the way people type them; cached formula values are used.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { createFormCatalog, validateUpload, META_SHEET } from '../../../functions/core/forms';
import { parseFormDefinition } from '../../../functions/core/forms/definition';
import type { ValidationResult } from '../../../functions/core/model';
import { fillForm } from '../../support/forms';
import { blankForm, cellOf, getCatalog, sample } from './harness';

const FORM = 'sap-xep-bo-may';

async function filledHuyen(seed = 4): Promise<Buffer> {
  return fillForm(await blankForm(FORM, 'huyen'), await sample(FORM, 'huyen', seed));
}

async function edit(bytes: Buffer, f: (wb: ExcelJS.Workbook, ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  f(wb, wb.getWorksheet('Báo cáo')!);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const validate = async (bytes: Buffer): Promise<ValidationResult> => validateUpload(bytes, { catalog: await getCatalog() });

describe('validateUpload reading a form', () => {
  describe('identifies the form from its hidden metadata', () => {
    it('returns form, version, unit and period', async () => {
      const result = await validate(await filledHuyen());
      expect(result).toEqual(expect.objectContaining({ accepted: true, formId: FORM, version: 1, unit: 'TEST-HUYEN', period: '2026-Q1' }));
    });

    it('refuses a file whose hidden metadata was edited', async () => {
      const bytes = await edit(await filledHuyen(), (wb) => {
        const meta = wb.getWorksheet(META_SHEET)!;
        meta.eachRow((row) => {
          if (row.getCell(1).value === 'structure') row.getCell(2).value = String(row.getCell(2).value).replace('"01"', '"1"');
        });
      });
      const result = await validate(bytes);
      expect(result.errors).toEqual([expect.objectContaining({ code: 'FORM_METADATA_INVALID' })]);
    });

    it.each([
      ['unit code', 'unitCode', 'SO-KHAC'],
      ['period', 'period', '2025-Q4'],
    ])('refuses a file whose hidden %s was edited (the fingerprint covers it)', async (_what, key, value) => {
      const bytes = await edit(await filledHuyen(), (wb) => {
        wb.getWorksheet(META_SHEET)!.eachRow((row) => {
          if (row.getCell(1).value === key) row.getCell(2).value = value;
        });
      });
      const result = await validate(bytes);
      expect(result.errors).toEqual([expect.objectContaining({ code: 'FORM_METADATA_INVALID' })]);
    });

    it('still reads a form generated before the fingerprint covered unit and period (metadata format 1)', async () => {
      const bytes = await edit(await filledHuyen(), (wb) => {
        const meta = wb.getWorksheet(META_SHEET)!;
        const text: Record<string, string> = {};
        meta.eachRow((row) => void (text[String(row.getCell(1).value)] = String(row.getCell(2).value)));
        // The format-1 generator: B1 "1", a fingerprint of form, version, unit type and structure only.
        const old = createHash('sha256').update(JSON.stringify([text.formId, Number(text.version), text.unitType, text.structure])).digest('hex').slice(0, 24);
        meta.getCell('B1').value = '1';
        meta.eachRow((row) => {
          if (row.getCell(1).value === 'fingerprint') row.getCell(2).value = old;
        });
      });
      const result = await validate(bytes);
      expect(result).toEqual(expect.objectContaining({ accepted: true, unit: 'TEST-HUYEN', period: '2026-Q1' }));
    });

    it('still reads a file of an older version when a newer one is published', async () => {
      const v1 = (await getCatalog()).require(FORM);
      const v2 = parseFormDefinition({ ...JSON.parse(JSON.stringify(v1)), version: 2, title: `${v1.title} (sửa đổi)` });
      const catalog = createFormCatalog([v1, v2]);
      const result = await validateUpload(await filledHuyen(), { catalog });
      expect(catalog.get(FORM)?.version).toBe(2);
      expect(result).toEqual(expect.objectContaining({ accepted: true, version: 1 }));
    });

    it('refuses a version the system no longer has', async () => {
      const v1 = (await getCatalog()).require(FORM);
      const catalog = createFormCatalog([parseFormDefinition({ ...JSON.parse(JSON.stringify(v1)), version: 2 })]);
      const result = await validateUpload(await filledHuyen(), { catalog });
      expect(result.errors).toEqual([expect.objectContaining({ code: 'FORM_VERSION_UNKNOWN', message: expect.stringContaining('phiên bản 1') })]);
    });
  });

  describe('survives what people do to a workbook', () => {
    it('reads a renamed sheet and locates issues on it', async () => {
      const values = await sample(FORM, 'huyen', 4);
      values.fields['01.truoc'] = (values.fields['01.truoc'] as number) + 1;
      const bytes = await edit(await fillForm(await blankForm(FORM, 'huyen'), values), (_wb, ws) => (ws.name = 'Sheet1'));
      const result = await validate(bytes);
      expect(result.errors).toEqual([expect.objectContaining({ code: 'RULE_TONG_DAU_MOI', sheet: 'Sheet1', cell: await cellOf(FORM, 'huyen', '01.truoc') })]);
    });

    it('ignores changed fonts, fills and number formats', async () => {
      const original = await validate(await filledHuyen());
      const bytes = await edit(await filledHuyen(), (_wb, ws) => {
        ws.eachRow((row) => row.eachCell((cell) => ((cell.font = { name: 'Arial', size: 9 }), (cell.numFmt = '0.00'), (cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF00FF00' } }))));
      });
      const result = await validate(bytes);
      expect(result.accepted).toBe(true);
      expect(result.values).toEqual(original.values);
    });

    it('reads numbers typed as Vietnamese text exactly', async () => {
      const values = await sample(FORM, 'huyen', 4);
      values.fields['17.so_tien'] = 1_234_567_000;
      const result = (await validateUpload(await fillForm(await blankForm(FORM, 'huyen'), values, { numbersAsText: true }), { catalog: await getCatalog() }));
      expect(result.errors).toEqual([]);
      expect(result.values.fields).toEqual(values.fields);
    });

    it('maps rows moved by an inserted row through their Mã số', async () => {
      const original = await validate(await filledHuyen());
      const bytes = await edit(await filledHuyen(), (_wb, ws) => ws.spliceRows(13, 0, ['', 'Dòng thêm của người dùng', 5]));
      const result = await validate(bytes);
      expect(result.errors).toEqual([]);
      expect(result.values).toEqual(original.values);
    });

    it('says precisely which row it lost when a row was deleted', async () => {
      const cell03 = await cellOf(FORM, 'huyen', '03.truoc');
      const row03 = Number(cell03.replace(/\D+/, ''));
      const bytes = await edit(await filledHuyen(), (_wb, ws) => ws.spliceRows(row03, 1));
      const result = await validate(bytes);
      expect(result.accepted).toBe(false);
      expect(result.errors).toContainEqual(
        expect.objectContaining({ code: 'STRUCTURE_ROW_NOT_FOUND', cell: `A${row03}`, field: '03.truoc', message: expect.stringContaining(`mã số 03`) }),
      );
      expect(result.errors.find((e) => e.code === 'STRUCTURE_ROW_NOT_FOUND')!.message).toContain(`dòng ${row03}`);
    });

    it('refuses to guess when a Mã số appears twice', async () => {
      const cell04 = await cellOf(FORM, 'huyen', '04.truoc');
      const row04 = Number(cell04.replace(/\D+/, ''));
      const bytes = await edit(await filledHuyen(), (_wb, ws) => ws.spliceRows(row04 + 1, 0, ['04', 'Chi cục (chép thêm)', 1, 1]));
      const result = await validate(bytes);
      expect(result.errors).toContainEqual(expect.objectContaining({ code: 'STRUCTURE_ROW_NOT_FOUND', field: '04.truoc', message: expect.stringContaining('xuất hiện 2 lần') }));
    });
  });

  describe('cell values', () => {
    const cases: Array<[string, string, ExcelJS.CellValue, string]> = [
      ['text that is not a number', '02.truoc', 'mười hai', 'NOT_A_NUMBER'],
      ['ambiguous 1,234', '02.truoc', '1,234', 'NUMBER_AMBIGUOUS'],
      ['a fraction in a whole-number cell', '02.truoc', 2.5, 'NOT_WHOLE'],
      ['a negative count', '02.truoc', -1, 'BELOW_MIN'],
      ['a text longer than 4.000 characters', '25.noi_dung', 'x'.repeat(4001), 'TEXT_TOO_LONG'],
      ['a date that is not a date', 'header.ngay_lap', 'hôm qua', 'NOT_A_DATE'],
      ['a formula with no cached value', '17.so_tien', { formula: 'C30*2' } as ExcelJS.CellValue, 'FORMULA_NO_VALUE'],
      ['a formula error', '17.so_tien', { error: '#REF!' } as ExcelJS.CellValue, 'CELL_ERROR'],
    ];
    it.each(cases)('refuses %s at its cell', async (_name, key, value, code) => {
      const cell = await cellOf(FORM, 'huyen', key);
      const bytes = await fillForm(await blankForm(FORM, 'huyen'), await sample(FORM, 'huyen', 4), { cells: { [cell]: value } });
      const result = await validate(bytes);
      expect(result.errors).toContainEqual(expect.objectContaining({ code, cell, field: key, sheet: 'Báo cáo' }));
      expect(result.accepted).toBe(false);
    });

    it('uses the cached value of a formula typed into an input cell', async () => {
      const cell = await cellOf(FORM, 'huyen', '17.so_tien');
      const bytes = await fillForm(await blankForm(FORM, 'huyen'), await sample(FORM, 'huyen', 4), { cells: { [cell]: { formula: '1000*2', result: 2000 } as ExcelJS.CellValue } });
      const result = await validate(bytes);
      expect(result.errors).toEqual([]);
      expect(result.values.fields['17.so_tien']).toBe(2000);
    });

    it('treats a typed 0 as a value and a blank as missing', async () => {
      const values = await sample(FORM, 'huyen', 4);
      values.fields['17.so_tien'] = 0;
      const result = await validate(await fillForm(await blankForm(FORM, 'huyen'), values));
      expect(result.values.fields['17.so_tien']).toBe(0);
      expect(result.accepted).toBe(true);
      delete values.fields['17.so_tien'];
      const blank = await validate(await fillForm(await blankForm(FORM, 'huyen'), values));
      expect(blank.values.fields).not.toHaveProperty('17.so_tien');
      expect(blank.errors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: '17.so_tien' })]);
    });
  });
});

describe('validateUpload with columns changed', () => {
  it('says which column moved when a column was inserted, instead of reading shifted values', async () => {
    const bytes = await edit(await filledHuyen(), (_wb, ws) => ws.spliceColumns(4, 0, []));
    const result = await validate(bytes);
    expect(result.accepted).toBe(false);
    expect(result.errors).toContainEqual(
      expect.objectContaining({ code: 'STRUCTURE_COLUMN_MOVED', cell: 'D10', message: expect.stringContaining('cột "Tại thời điểm chốt số liệu" không còn ở cột D') }),
    );
    expect(result.errors.filter((e) => e.code.startsWith('RULE_'))).toEqual([]);
  });
});

describe('validateUpload and its previousValues callback', () => {
  it('lets a storage failure in previousValues propagate (the caller retries), never turning it into a refusal', async () => {
    expect.assertions(1);
    const failure = new Error('DynamoDB unavailable');
    await expect(validateUpload(await filledHuyen(), { catalog: await getCatalog(), previousValues: async () => Promise.reject(failure) })).rejects.toBe(failure);
  });
});
