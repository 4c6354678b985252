/**
 * Finds an upload by id on behalf of a unit: its submission record once ingest has seen it,
 * else the upload intent issued by the portal. Another unit's upload is a 403, an id never
 * issued a 404: a unit can neither read nor probe another unit's results.
 */
import { ForbiddenError, NotFoundError } from '../errors';
import type { Submission, Unit } from '../model';
import type { FileStore, SubmissionRepository } from '../ports';
import { isUploadId } from '../upload-id';
import { loadUploadIntent, type UploadIntent } from './upload-intent';

export interface FindUnitUploadDeps {
  submissions: SubmissionRepository;
  files: FileStore;
}

export type UnitUpload = { submission: Submission; intent?: undefined } | { submission?: undefined; intent: UploadIntent };

export async function findUnitUpload(deps: FindUnitUploadDeps, unit: Unit, uploadId: string): Promise<UnitUpload> {
  if (!isUploadId(uploadId)) throw notFound(uploadId);
  const submission = await deps.submissions.get(uploadId);
  if (submission) {
    if (submission.unitCode !== unit.code) throw forbidden();
    return { submission };
  }
  const intent = await loadUploadIntent(deps.files, uploadId);
  if (!intent) throw notFound(uploadId);
  if (intent.unitCode !== unit.code) throw forbidden();
  return { intent };
}

function notFound(uploadId: string): NotFoundError {
  return new NotFoundError('UPLOAD_NOT_FOUND', `Không tìm thấy lần nộp "${uploadId.slice(0, 40)}".`);
}

function forbidden(): ForbiddenError {
  return new ForbiddenError('UPLOAD_FORBIDDEN', 'Lần nộp này thuộc đơn vị khác; đường dẫn của đơn vị không xem được kết quả của đơn vị khác.');
}
