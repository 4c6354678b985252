/**
 * The portal API over the embedded stack, real wire protocol end to end: DynamoDB (dynalite)
 * for units and submissions, S3 (s3rver) for the presigned POST, intents and feedback, the
 * real forms engine, and the ingest use case fed by the emulator's object-created events.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoReviewStore } from '../../functions/adapters/dynamo-review-store';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { StaticSecretSource } from '../../functions/adapters/secrets-manager-secret-source';
import { loadFormCatalog, type FormCatalog } from '../../functions/core/forms';
import { LEGACY_LINK_KEY_ID, signLinkToken, tokenId } from '../../functions/core/links';
import { silentLog as quiet } from '../../functions/core/log';
import type { Unit } from '../../functions/core/model';
import { openPeriod, periodLabel } from '../../functions/core/periods';
import { systemClock } from '../../functions/core/ports';
import { KEY_PREFIX } from '../../functions/core/storage-layout';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import { createApiHandler, type ApiHandler } from '../../functions/handlers/api';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { fillForm, sampleValues } from '../support/forms';
import { httpEvent } from '../unit/portal/http-event';

const SECRET = 'integration-secret-integration-secret-0123456789';
const SO_NV: Unit = { code: 'SO-NV', name: 'Sở Nội vụ', type: 'so-nganh', emails: ['snv@example.vn'], active: true, keyVersion: 1 };
const HU_TH: Unit = { code: 'HU-TH', name: 'Huyện ủy Thạch Hà', type: 'huyen', emails: ['th@example.vn'], active: true, keyVersion: 1 };

describe('portal API on the embedded stack', () => {
  let emulators: Emulators;
  let handler: ApiHandler;
  let units: DynamoUnitRepository;
  let files: S3FileStore;
  let catalog: FormCatalog;
  let period: string;
  const ingested: Array<Promise<unknown>> = [];

  const token = (unit: Unit, exp = Math.floor(Date.now() / 1000) + 3600, v = 1) => signLinkToken({ id: LEGACY_LINK_KEY_ID, secret: SECRET }, { u: unit.code, v, exp });
  const call = async (event: APIGatewayProxyEventV2) => {
    const res = await handler(event);
    return { ...res, json: () => JSON.parse(res.body ?? '') as Record<string, any> };
  };

  beforeAll(async () => {
    emulators = await startEmulators();
    const clientOptions = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
    const dynamo = createDynamoDocumentClient(clientOptions);
    files = new S3FileStore({ client: createS3Client(clientOptions), bucket: emulators.bucketName });
    units = new DynamoUnitRepository({ client: dynamo, tableName: emulators.tableName });
    const submissions = new DynamoSubmissionRepository({ client: dynamo, tableName: emulators.tableName });
    const reviews = new DynamoReviewStore({ client: dynamo, tableName: emulators.tableName });
    catalog = await loadFormCatalog();
    await units.putMany([SO_NV, HU_TH]);
    period = openPeriod(catalog.require('sap-xep-bo-may'), new Date());
    handler = createApiHandler({
      units, submissions, files, catalog, secrets: new StaticSecretSource(SECRET), clock: systemClock, logger: quiet, reviews, locks: reviews,
      config: { maxUploadBytes: 5 * 1024 * 1024, portalUrl: 'http://localhost:3000', uploadOrigin: emulators.endpoints.s3 },
    });
    // The S3 → ingest wiring of the local runtime, reduced to its essence.
    emulators.onObjectCreated((event) => {
      for (const r of event.Records) {
        if (!r.s3.object.key.startsWith('uploads/')) continue;
        ingested.push(ingestUpload({ submissions, files, units, catalog, clock: systemClock, locks: reviews, maxUploadBytes: 5 * 1024 * 1024 }, {
          bucketKey: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), eventTime: r.eventTime,
        }));
      }
    });
  });
  afterAll(async () => {
    await Promise.allSettled(ingested);
    await emulators.stop();
  });

  /** Asks for a presigned POST and submits the file to it as a browser would. */
  async function upload(unit: Unit, bytes: Buffer, fileName: string, linkToken = token(unit)) {
    const created = await call(httpEvent('POST', '/api/uploads', { bearer: linkToken, body: JSON.stringify({ formId: 'sap-xep-bo-may', period, fileName, size: bytes.length }) }));
    expect(created.statusCode).toBe(201);
    const { uploadId, url, fields } = created.json() as { uploadId: string; url: string; fields: Record<string, string> };
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
    const posted = await fetch(url, { method: 'POST', body: form });
    expect(posted.status).toBeLessThan(300);
    return uploadId;
  }

  async function outcome(unit: Unit, uploadId: string) {
    for (let i = 0; i < 150; i += 1) {
      const res = await call(httpEvent('GET', `/api/uploads/${uploadId}`, { bearer: token(unit) }));
      if (res.statusCode !== 200 || res.json()['status'] !== 'pending') return res;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`upload ${uploadId} still pending`);
  }

  async function downloadForm(unit: Unit) {
    const res = await call(httpEvent('GET', `/api/forms/sap-xep-bo-may/${period}`, { bearer: token(unit) }));
    expect(res.statusCode).toBe(200);
    return Buffer.from(res.body!, 'base64');
  }

  describe('a unit submitting its report', () => {
    it('downloads the pre-filled form, uploads it filled through the presigned POST and sees it accepted, on the page too', async () => {
      const blank = await downloadForm(SO_NV);
      const filled = await fillForm(blank, sampleValues(catalog.require('sap-xep-bo-may'), 'so-nganh', 7));

      const uploadId = await upload(SO_NV, filled, 'Báo cáo quý.xlsx');
      const res = await outcome(SO_NV, uploadId);
      const page = await call(httpEvent('GET', `/u/${token(SO_NV)}`));

      expect(res.json()).toMatchObject({ status: 'accepted', errors: [], fileName: 'Báo cáo quý.xlsx', version: 1 });
      expect(page.body).toContain(periodLabel(period));
      expect(page.body).toMatch(/badge-accepted">đã nộp</);
      expect(page.body).toContain('Báo cáo quý.xlsx');
    });

    it('refuses a workbook with wrong figures, names the cells in Vietnamese and links the annotated workbook', async () => {
      const values = sampleValues(catalog.require('sap-xep-bo-may'), 'so-nganh', 8);
      values.fields['01.truoc'] = Number(values.fields['01.truoc']) + 5;
      const filled = await fillForm(await downloadForm(SO_NV), values);

      const uploadId = await upload(SO_NV, filled, 'sai.xlsx');
      const res = await outcome(SO_NV, uploadId);
      const body = res.json() as { status: string; errors: Array<{ cell?: string; message: string }>; feedbackUrl: string };
      const feedback = await fetch(body.feedbackUrl);

      expect(body.status).toBe('rejected');
      expect(body.errors.some((e) => e.cell && /[A-Z]+\d+/.test(e.cell))).toBe(true);
      expect(body.errors[0]!.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
      expect(feedback.status).toBe(200);
      expect(Buffer.from(await feedback.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    });

    it('stores the upload under this unit\'s key with the link id and file name as metadata, and keeps its result from other units', async () => {
      const linkToken = token(HU_TH);
      const uploadId = await upload(HU_TH, Buffer.from('PK not really a workbook'), 'Thạch Hà.xlsx', linkToken);
      const res = await outcome(HU_TH, uploadId);
      const stored = await files.head(`uploads/sap-xep-bo-may/${period}/HU-TH/${uploadId}.xlsx`);
      const other = await call(httpEvent('GET', `/api/uploads/${uploadId}`, { bearer: token(SO_NV) }));

      expect(res.json()).toMatchObject({ status: 'rejected', fileName: 'Thạch Hà.xlsx' });
      expect(stored?.metadata).toEqual({ 'link-id': tokenId(linkToken), 'file-name': encodeURIComponent('Thạch Hà.xlsx') });
      expect(other.statusCode).toBe(403);
    });
  });

  describe('a unit cannot submit as another', () => {
    it('refuses another unit\'s workbook uploaded through this unit\'s link, naming both units', async () => {
      const theirs = await fillForm(await downloadForm(HU_TH), sampleValues(catalog.require('sap-xep-bo-may'), 'huyen', 9));

      const uploadId = await upload(SO_NV, theirs, 'cua-huyen.xlsx');
      const body = (await outcome(SO_NV, uploadId)).json() as { status: string; errors: Array<{ message: string }> };

      expect(body.status).toBe('rejected');
      expect(body.errors.map((e) => e.message).join(' ')).toMatch(/Huyện ủy Thạch Hà|HU-TH/);
      expect(body.errors.map((e) => e.message).join(' ')).toMatch(/Sở Nội vụ|SO-NV/);
    });
  });

  describe('refusals over the wire', () => {
    it('answers 403 when a unit asks for an upload issued to another unit that has not arrived yet', async () => {
      const created = await call(httpEvent('POST', '/api/uploads', { bearer: token(HU_TH), body: JSON.stringify({ formId: 'sap-xep-bo-may', period, fileName: 'a.xlsx', size: 10 }) }));
      const { uploadId } = created.json() as { uploadId: string };

      const res = await call(httpEvent('GET', `/api/uploads/${uploadId}`, { bearer: token(SO_NV) }));

      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'UPLOAD_FORBIDDEN' });
    });

    it('answers 401 for an expired link and for a link revoked in the registry', async () => {
      const expired = await call(httpEvent('GET', '/api/me', { bearer: token(SO_NV, Math.floor(Date.now() / 1000) - 60) }));
      const old = token(HU_TH);
      await units.bumpKeyVersion('HU-TH');
      const revoked = await call(httpEvent('GET', '/api/me', { bearer: old }));
      const fresh = await call(httpEvent('GET', '/api/me', { bearer: token(HU_TH, undefined, 2) }));

      expect([expired.statusCode, expired.json()['code']]).toEqual([401, 'LINK_EXPIRED']);
      expect([revoked.statusCode, revoked.json()['code']]).toEqual([401, 'LINK_REVOKED']);
      expect(fresh.statusCode).toBe(200);
    });

    it('answers 400, 404 and 413 for a bad body, an unknown period and a file over the limit', async () => {
      const post = (body: unknown) => call(httpEvent('POST', '/api/uploads', { bearer: token(SO_NV), body: JSON.stringify(body) }));

      const bad = await post({ formId: 'sap-xep-bo-may' });
      const unknown = await post({ formId: 'sap-xep-bo-may', period: '2099-Q1', fileName: 'a.xlsx', size: 10 });
      const large = await post({ formId: 'sap-xep-bo-may', period, fileName: 'a.xlsx', size: 50 * 1024 * 1024 });

      expect([bad.statusCode, unknown.statusCode, large.statusCode]).toEqual([400, 404, 413]);
    });

    it.each([
      ['a lone surrogate in the file name', { fileName: 'Báo cáo \ud800.xlsx' }],
      ['a lone surrogate in the period', { period: '2019-Q1\udfff' }],
      ['a lone surrogate in the form id', { formId: 'sap-xep-bo-may\ud83d' }],
      ['a control character in the file name', { fileName: 'Báo cáo\u0000\n.xlsx' }],
      ['a right-to-left override in the file name', { fileName: 'Báo cáo\u202exslx.exe' }],
      ['a file name too long to send as S3 metadata', { fileName: `${'ữ'.repeat(250)}.xlsx` }],
    ])('answers 400 BODY_INVALID in Vietnamese and stores no upload intent for %s', async (_case, change) => {
      const intentsBefore = (await files.list(KEY_PREFIX.intents)).length;
      const body = JSON.stringify({ formId: 'sap-xep-bo-may', period, fileName: 'Báo cáo.xlsx', size: 40_000, ...change });

      const res = await call(httpEvent('POST', '/api/uploads', { bearer: token(SO_NV), body }));

      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'BODY_INVALID', message: expect.stringMatching(/^Yêu cầu không hợp lệ: .*(Tên tệp|Mã biểu mẫu|Kỳ báo cáo)/) });
      expect(res.body).not.toMatch(/\\u(d[89a-f]|0000|202e)|ữữ/i);
      expect((await files.list(KEY_PREFIX.intents)).length).toBe(intentsBefore);
    });
  });
});
