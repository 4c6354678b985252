import { AppError } from '../../../functions/core/errors';
import { createUpload, CreateUploadBodySchema } from '../../../functions/core/usecases/create-upload';
import { loadUploadIntent } from '../../../functions/core/usecases/upload-intent';
import { parseUploadKey } from '../../../functions/core/upload-id';
import { createWorld, SO_NV } from './world';

const body = { formId: 'sap-xep-bo-may', period: '2019-Q1', fileName: 'Báo cáo quý I.xlsx', size: 48_000 };

describe('createUpload', () => {
  describe('issuing a presigned POST', () => {
    it('binds the POST to this unit\'s key for the form and period, the size limit and 15 minutes, with link id and file name as metadata', async () => {
      const world = createWorld();
      const post = jest.spyOn(world.files, 'createUploadPost');

      const created = await createUpload(world, { ...body, unit: SO_NV, linkId: 'abc123def456' });

      const key = parseUploadKey(post.mock.calls[0]![0].key);
      expect(key).toEqual({ formId: 'sap-xep-bo-may', period: '2019-Q1', unitCode: 'SO-NV', uploadId: created.uploadId });
      expect(post.mock.calls[0]![0]).toMatchObject({
        maxBytes: 5 * 1024 * 1024,
        expiresInSeconds: 900,
        metadata: { 'link-id': 'abc123def456', 'file-name': encodeURIComponent('Báo cáo quý I.xlsx') },
      });
      expect(created.expiresAt).toBe('2019-03-01T03:15:00.000Z');
      expect(created.url).toBe('http://files.test/upload');
    });

    it('remembers which unit the upload id was issued to, before any file arrives', async () => {
      const world = createWorld();

      const created = await createUpload(world, { ...body, unit: SO_NV, linkId: 'abc123def456' });

      expect(await loadUploadIntent(world.files, created.uploadId)).toMatchObject({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', fileName: 'Báo cáo quý I.xlsx' });
    });

    it('accepts a late report for an earlier period', async () => {
      const world = createWorld();
      await expect(createUpload(world, { ...body, period: '2018-Q2', unit: SO_NV, linkId: 'x' })).resolves.toMatchObject({ uploadId: expect.any(String) });
    });
  });

  describe('refusals', () => {
    const cases: Array<[string, Partial<typeof body>, number, string]> = [
      ['a file over the size limit', { size: 5 * 1024 * 1024 + 1 }, 413, 'FILE_TOO_LARGE'],
      ['an unknown form', { formId: 'khong-co' }, 404, 'FORM_NOT_FOUND'],
      ['a period of the wrong kind for the form', { period: '2019-03' }, 404, 'PERIOD_NOT_FOUND'],
      ['a period not open yet', { period: '2019-Q2' }, 404, 'PERIOD_NOT_FOUND'],
      ['an empty file', { size: 0 }, 400, 'FILE_EMPTY'],
      ['an old .xls workbook', { fileName: 'bao-cao.xls' }, 400, 'FILE_TYPE_INVALID'],
    ];
    it.each(cases)('refuses %s', async (_name, change, statusCode, code) => {
      expect.assertions(3);
      const world = createWorld();
      try {
        await createUpload(world, { ...body, ...change, unit: SO_NV, linkId: 'x' });
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect(err).toMatchObject({ statusCode, code });
        expect(world.files.objects.size).toBe(0);
      }
    });

    it('names the file, its size and the limit in Vietnamese when too large', async () => {
      const world = createWorld();
      await expect(createUpload(world, { ...body, size: 12 * 1024 * 1024, unit: SO_NV, linkId: 'x' })).rejects.toThrow('Tệp "Báo cáo quý I.xlsx" có dung lượng 12 MB, vượt quá mức cho phép 5 MB');
    });
  });

  describe('the request body', () => {
    it.each([
      ['Vietnamese marks', 'Báo cáo quý I – Sở Nội vụ.xlsx'],
      ['an emoji (a surrogate pair)', 'Báo cáo 📊.xlsx'],
      ['a 255-character name', `${'a'.repeat(250)}.xlsx`],
    ])('accepts a file name with %s', (_case, fileName) => {
      expect(CreateUploadBodySchema.safeParse({ ...body, fileName }).success).toBe(true);
    });

    it.each([
      ['a lone surrogate', 'Báo cáo \ud800.xlsx'],
      ['a tab', 'Báo\tcáo.xlsx'],
      ['a C1 control character', 'Báo cáo\u0085.xlsx'],
      ['a bidi isolate', 'Báo cáo\u2067.xlsx'],
      ['more than 600 UTF-8 bytes', `${'ữ'.repeat(201)}.xlsx`],
    ])('refuses a file name with %s, without echoing it', (_case, fileName) => {
      const parsed = CreateUploadBodySchema.safeParse({ ...body, fileName });

      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.message).join(' ')).toMatch(/^Tên tệp [^"]*$/);
    });
  });
});
