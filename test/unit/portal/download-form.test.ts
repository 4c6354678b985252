import { downloadForm } from '../../../functions/core/usecases/download-form';
import type { GenerateForm } from '../../../functions/core/usecases/form-lookup';
import { createWorld, SO_NV } from './world';

describe('downloadForm', () => {
  it('generates the form for the unit and period and names the file so people can read it', async () => {
    const world = createWorld();
    const generateForm = jest.fn<ReturnType<GenerateForm>, Parameters<GenerateForm>>(async () => Buffer.from('xlsx'));

    const file = await downloadForm({ ...world, generateForm }, { unit: SO_NV, formId: 'sap-xep-bo-may', period: '2019-Q1' });

    expect(generateForm.mock.calls[0]![0]).toMatchObject({ form: { id: 'sap-xep-bo-may' }, unit: { code: 'SO-NV' }, period: '2019-Q1' });
    expect(file.fileName).toBe('Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019 - Sở Nội vụ.xlsx');
    expect(file.asciiFileName).toBe('Bao-cao-sap-xep-bo-may-2019-Q1-SO-NV.xlsx');
    expect(file.bytes.toString()).toBe('xlsx');
  });

  it('answers 404 for an unknown form or period without generating anything', async () => {
    const world = createWorld();
    const generateForm = jest.fn<ReturnType<GenerateForm>, Parameters<GenerateForm>>(async () => Buffer.from('xlsx'));

    await expect(downloadForm({ ...world, generateForm }, { unit: SO_NV, formId: 'khong-co', period: '2019-Q1' })).rejects.toMatchObject({ statusCode: 404, code: 'FORM_NOT_FOUND' });
    await expect(downloadForm({ ...world, generateForm }, { unit: SO_NV, formId: 'sap-xep-bo-may', period: '2019-13' })).rejects.toMatchObject({ statusCode: 404, code: 'PERIOD_NOT_FOUND' });
    expect(generateForm).not.toHaveBeenCalled();
  });
});
