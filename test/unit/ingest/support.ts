/**
 * Fixtures shared by the ingest tests (unit and integration): real generated workbooks filled
 * like a unit's staff would, and S3 notification bodies as S3 and s3rver send them.
 */
import { generateForm, loadFormCatalog, type FormCatalog } from '../../../functions/core/forms';
import type { FormValues, Unit, UnitType } from '../../../functions/core/model';
import { newUploadId, uploadKey } from '../../../functions/core/upload-id';
import type { ObjectStore } from '../../../functions/core/ports';
import { fillForm, sampleUnit, sampleValues } from '../../support/forms';
import { putIssuedUpload } from '../../support/uploads';

export const FORM_ID = 'sap-xep-bo-may';

let catalog: Promise<FormCatalog> | undefined;
export const testCatalog = (): Promise<FormCatalog> => (catalog ??= loadFormCatalog());

export function unitOf(code: string, type: UnitType = 'so-nganh', name?: string): Unit {
  const u = sampleUnit(type, code);
  return name ? { ...u, name } : u;
}

/** Valid values for the unit, then `change` applied (to break a rule or move a baseline). */
export async function workbookFor(unit: Unit, period: string, options: { seed?: number; change?: (v: FormValues) => void } = {}): Promise<{ bytes: Buffer; values: FormValues }> {
  const form = (await testCatalog()).require(FORM_ID);
  const values = sampleValues(form, unit.type, options.seed ?? 1);
  options.change?.(values);
  const bytes = await fillForm(await generateForm({ form, unit, period }), values);
  return { bytes, values };
}

/**
 * A fresh upload key for the unit, with an upload id from `at` (ids sort by time like S3 keys),
 * and no upload intent: what a unit that bypassed the portal would post. Real uploads go through
 * `uploadFor`.
 */
export function keyFor(unitCode: string, period: string, at: string | Date = new Date()): { key: string; uploadId: string } {
  const uploadId = newUploadId(new Date(at));
  return { key: uploadKey({ formId: FORM_ID, period, unitCode, uploadId }), uploadId };
}

/** An upload of the test form issued as the portal issues it, the object put as the browser's POST leaves it. */
export function uploadFor(files: ObjectStore, unitCode: string, period: string, bytes: Buffer, options: { at?: string | Date; linkId?: string; fileName?: string } = {}) {
  return putIssuedUpload(files, { formId: FORM_ID, period, unitCode, bytes, ...options });
}

/** An S3 ObjectCreated notification body as S3 puts it on the queue (key URL-encoded). */
export function s3Notification(key: string, eventTime: string, size = 1): string {
  return JSON.stringify({
    Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Post', eventTime, s3: { bucket: { name: 'tonghop' }, object: { key: encodeURIComponent(key), size } } }],
  });
}
