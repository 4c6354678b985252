import { ForbiddenError, NotFoundError } from '../../../functions/core/errors';
import { createUpload, UPLOAD_EXPIRES_SECONDS } from '../../../functions/core/usecases/create-upload';
import { getUploadFeedback } from '../../../functions/core/usecases/get-upload-feedback';
import { getUploadStatus, UPLOAD_ARRIVAL_GRACE_SECONDS } from '../../../functions/core/usecases/get-upload-status';
import { createWorld, HU_TH, SO_NV, submission } from './world';

const issue = { code: 'SUM_MISMATCH', severity: 'error' as const, message: 'Tổng số đầu mối (ô D12) phải bằng tổng các dòng 02–05.', sheet: 'Biểu mẫu', cell: 'D12', field: '01.truoc' };

async function issued(world: ReturnType<typeof createWorld>, unit = SO_NV) {
  return createUpload(world, { formId: 'sap-xep-bo-may', period: '2019-Q1', fileName: 'bc.xlsx', size: 1000, unit, linkId: 'l1' });
}

describe('getUploadStatus', () => {
  describe('before ingest', () => {
    it('answers pending for an upload id issued to this unit that has not been processed yet', async () => {
      const world = createWorld();
      const { uploadId } = await issued(world);

      const status = await getUploadStatus(world, SO_NV, uploadId);

      expect(status).toMatchObject({ uploadId, status: 'pending', errors: [], warnings: [], fileName: 'bc.xlsx' });
      expect(status.feedbackUrl).toBeUndefined();
    });

    it('says the file never arrived once the upload form has expired with nothing stored, instead of pending forever', async () => {
      const world = createWorld();
      const { uploadId } = await issued(world);
      world.clock.advance((UPLOAD_EXPIRES_SECONDS + UPLOAD_ARRIVAL_GRACE_SECONDS + 1) * 1000);

      const status = await getUploadStatus(world, SO_NV, uploadId);

      expect(status).toMatchObject({ uploadId, status: 'rejected', fileName: 'bc.xlsx', errors: [{ code: 'UPLOAD_NOT_RECEIVED', severity: 'error', message: expect.stringMatching(/^Hệ thống chưa nhận được tệp/) }] });
    });

    it('stays pending past the expiry while the file is stored but not yet processed', async () => {
      const world = createWorld();
      const { uploadId, fields } = await issued(world);
      await world.files.put(fields['key']!, Buffer.from('x'));
      world.clock.advance((UPLOAD_EXPIRES_SECONDS + UPLOAD_ARRIVAL_GRACE_SECONDS + 1) * 1000);

      await expect(getUploadStatus(world, SO_NV, uploadId)).resolves.toMatchObject({ status: 'pending', errors: [] });
    });

    it('refuses with 403 an upload id issued to another unit', async () => {
      const world = createWorld();
      const { uploadId } = await issued(world, HU_TH);
      await expect(getUploadStatus(world, SO_NV, uploadId)).rejects.toBeInstanceOf(ForbiddenError);
    });

    it('answers 404 for an upload id never issued, and for a malformed one', async () => {
      const world = createWorld();
      await expect(getUploadStatus(world, SO_NV, 'jsq000000-0000000000')).rejects.toMatchObject({ statusCode: 404, code: 'UPLOAD_NOT_FOUND' });
      await expect(getUploadStatus(world, SO_NV, '../../etc')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('after ingest', () => {
    it('returns the errors with their cells and a download link for the annotated workbook when refused', async () => {
      const world = createWorld();
      const { uploadId } = await issued(world);
      await world.submissions.createIfAbsent(submission({ uploadId, unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', status: 'rejected', errors: [issue], feedbackKey: `feedback/${uploadId}.xlsx`, fileName: 'bc.xlsx' }));

      const status = await getUploadStatus(world, SO_NV, uploadId);

      expect(status).toMatchObject({ status: 'rejected', errors: [{ cell: 'D12', message: issue.message }], version: 1 });
      expect(status.feedbackUrl).toBe(`http://files.test/${encodeURIComponent(`feedback/${uploadId}.xlsx`)}`);
    });

    it('returns accepted with the warnings', async () => {
      const world = createWorld();
      const warning = { ...issue, severity: 'warning' as const, code: 'OVER_QUOTA', message: 'Có mặt vượt biên chế được giao.' };
      await world.submissions.createIfAbsent(submission({ uploadId: 'jsq11111a-abcdefghij', unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', status: 'accepted', warnings: [warning] }));

      await expect(getUploadStatus(world, SO_NV, 'jsq11111a-abcdefghij')).resolves.toMatchObject({ status: 'accepted', errors: [], warnings: [{ message: warning.message }] });
    });

    it('reports a processing failure as refused, with a Vietnamese explanation instead of silence', async () => {
      const world = createWorld();
      await world.submissions.createIfAbsent(submission({ uploadId: 'jsq22222a-abcdefghij', unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', status: 'failed' }));

      const status = await getUploadStatus(world, SO_NV, 'jsq22222a-abcdefghij');

      expect(status.status).toBe('rejected');
      expect(status.errors[0]).toMatchObject({ code: 'PROCESSING_FAILED', message: expect.stringContaining('nộp lại') });
    });

    it('refuses with 403 another unit\'s processed upload', async () => {
      const world = createWorld();
      await world.submissions.createIfAbsent(submission({ uploadId: 'jsq33333a-abcdefghij', unitCode: 'HU-TH', formId: 'sap-xep-bo-may', period: '2019-Q1', status: 'rejected', errors: [issue] }));

      await expect(getUploadStatus(world, SO_NV, 'jsq33333a-abcdefghij')).rejects.toMatchObject({ statusCode: 403, code: 'UPLOAD_FORBIDDEN' });
      await expect(getUploadFeedback(world, SO_NV, 'jsq33333a-abcdefghij')).rejects.toMatchObject({ statusCode: 403 });
    });
  });
});

describe('getUploadFeedback', () => {
  it('gives a presigned download named after the uploaded file', async () => {
    const world = createWorld();
    const download = jest.spyOn(world.files, 'createDownloadUrl');
    await world.submissions.createIfAbsent(submission({ uploadId: 'jsq44444a-abcdefghij', unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', status: 'rejected', fileName: 'Quý I.xlsx', feedbackKey: 'feedback/jsq44444a-abcdefghij.xlsx' }));

    await getUploadFeedback(world, SO_NV, 'jsq44444a-abcdefghij');

    expect(download).toHaveBeenCalledWith('feedback/jsq44444a-abcdefghij.xlsx', { expiresInSeconds: 900, fileName: 'Quý I - kết quả kiểm tra.xlsx' });
  });

  it('answers 404 while there is no annotated workbook', async () => {
    const world = createWorld();
    const { uploadId } = await issued(world);
    await expect(getUploadFeedback(world, SO_NV, uploadId)).rejects.toMatchObject({ statusCode: 404, code: 'FEEDBACK_NOT_FOUND' });
  });
});
