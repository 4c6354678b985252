/**
 * An operator loads a file on a unit's behalf (`tonghop submissions upload`): the same upload
 * intent the portal issues, marked with who issued it, then the object under the intent's key
 * with the metadata a presigned POST would carry. Ingest then treats it like any upload of that
 * unit: validated, versioned, counted only if accepted.
 */
import { NotFoundError } from '../errors';
import type { Clock, ObjectStore, PeriodLockStore, UnitRepository } from '../ports';
import { requireUploadOpen } from './period-locks';
import type { FormLookup } from './form-lookup';
import { requireUploadable, UPLOAD_EXPIRES_SECONDS } from './create-upload';
import { issueUploadIntent, putUnderIntent, type UploadIntent } from './upload-intent';

/** The link id recorded on operator uploads (no unit link was used). */
export const OPERATOR_LINK_ID = 'operator-cli';

export interface OperatorUploadDeps {
  catalog: FormLookup;
  units: UnitRepository;
  files: ObjectStore;
  clock: Clock;
  /** A locked period refuses the file here too (ingest would record it rejected). */
  locks: Pick<PeriodLockStore, 'getLockState'>;
  config: { maxUploadBytes: number };
}

export interface OperatorUploadInput {
  unitCode: string;
  formId: string;
  period: string;
  fileName: string;
  bytes: Buffer;
  /** Who loads it (the OS user running the CLI), recorded on the intent as `operator-cli:<who>`. */
  operator: string;
}

/** Throws 404 (unit, form, period), 413 (too large), 400 (empty, not .xlsx) or 409 PERIOD_LOCKED before writing anything. */
export async function operatorUpload(deps: OperatorUploadDeps, input: OperatorUploadInput): Promise<UploadIntent> {
  const now = deps.clock.now();
  const unit = await deps.units.get(input.unitCode);
  if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', `Không có đơn vị báo cáo mã "${input.unitCode.slice(0, 40)}".`);
  const form = requireUploadable(deps.catalog, { ...input, size: input.bytes.length }, deps.config.maxUploadBytes, now);
  await requireUploadOpen(deps.locks, form, input.period, unit.code, now);
  const intent = await issueUploadIntent(deps.files, {
    unitCode: unit.code, formId: input.formId, period: input.period, fileName: input.fileName, size: input.bytes.length,
    linkId: OPERATOR_LINK_ID, now, expiresInSeconds: UPLOAD_EXPIRES_SECONDS, issuedBy: `${OPERATOR_LINK_ID}:${input.operator}`,
  });
  await putUnderIntent(deps.files, intent, input.bytes);
  return intent;
}
