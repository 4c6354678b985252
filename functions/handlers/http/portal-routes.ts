/**
 * The portal's routes: each turns a request into use-case input and the result into a
 * response. Browser routes carry the unit token in the path (`/u/<token>…`, so plain links work
 * without script); API routes take it as `Authorization: Bearer <token>`.
 */
import type * as z from 'zod/mini';
import { InvalidInputError } from '../../core/errors';
import type { Log } from '../../core/log';
import type { Clock, FileStore, PeriodLockStore, ReviewStore, SecretSource, SubmissionRepository, UnitRepository } from '../../core/ports';
import { createUpload, CreateUploadBodySchema } from '../../core/usecases/create-upload';
import { downloadForm } from '../../core/usecases/download-form';
import type { FormLookup, GenerateForm } from '../../core/usecases/form-lookup';
import { getUploadFeedback } from '../../core/usecases/get-upload-feedback';
import { getUploadStatus } from '../../core/usecases/get-upload-status';
import { listUnitReports } from '../../core/usecases/list-unit-reports';
import { resolveUnitLink } from '../../core/usecases/resolve-unit-link';
import { PORTAL_ASSETS, type StaticAsset } from '../../portal/assets';
import { renderMessagePage, renderUnitPage } from '../../portal/render-unit-page';
import { attachment, binary, html, json, redirect, type HttpResponse } from './responses';
import type { Route, RouteRequest } from './router';

export interface PortalDeps {
  units: UnitRepository;
  submissions: SubmissionRepository;
  files: FileStore;
  catalog: FormLookup;
  secrets: SecretSource;
  clock: Clock;
  /** The unit's page shows each report's review ("trả lại" with the comment). */
  reviews: Pick<ReviewStore, 'get'>;
  /** A locked period refuses uploads (409 PERIOD_LOCKED). */
  locks: Pick<PeriodLockStore, 'getLockState'>;
  config: { maxUploadBytes: number; portalUrl: string };
  generateForm: GenerateForm;
  logger: Log;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function bearer(request: RouteRequest): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers['authorization'] ?? '');
  return m?.[1];
}

export function parseBody<T>(schema: z.ZodMiniType<T>, body: string | undefined): T {
  let raw: unknown;
  try {
    raw = JSON.parse(body ?? '');
  } catch (cause) {
    throw new InvalidInputError('BODY_INVALID', 'Nội dung yêu cầu phải là JSON hợp lệ.', cause);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const messages = [...new Set(parsed.error.issues.map((i) => i.message))];
    throw new InvalidInputError('BODY_INVALID', `Yêu cầu không hợp lệ: ${messages.join(' ')}`, parsed.error);
  }
  return parsed.data;
}

function serveAsset(a: StaticAsset): Route {
  return {
    method: 'GET',
    pattern: a.path,
    handle: async () => ({ statusCode: 200, headers: { 'content-type': a.contentType, 'cache-control': 'public, max-age=86400' }, body: a.body }),
  };
}

export function createPortalRoutes(deps: PortalDeps): Route[] {
  const viaPath = (r: RouteRequest) => resolveUnitLink(deps, r.params['token']);
  const viaBearer = (r: RouteRequest) => resolveUnitLink(deps, bearer(r));
  const download = async (r: RouteRequest, auth: typeof viaPath): Promise<HttpResponse> => {
    const { unit } = await auth(r);
    const file = await downloadForm(deps, { unit, formId: r.params['formId']!, period: r.params['period']! });
    return binary(200, file.bytes, { 'content-type': XLSX, 'content-disposition': attachment(file.fileName, file.asciiFileName) });
  };
  const feedback = async (r: RouteRequest, auth: typeof viaPath): Promise<HttpResponse> => {
    const { unit } = await auth(r);
    return redirect(await getUploadFeedback(deps, unit, r.params['uploadId']!));
  };
  return [
    serveAsset(PORTAL_ASSETS.css),
    serveAsset(PORTAL_ASSETS.js),
    serveAsset(PORTAL_ASSETS.consoleJs),
    {
      method: 'GET',
      pattern: '/',
      handle: async () => html(200, renderMessagePage({ title: 'Cổng nộp báo cáo', message: 'Mỗi đơn vị có một đường dẫn riêng để nộp báo cáo, được gửi qua email. Vui lòng mở đúng đường dẫn đó; nếu chưa có hoặc đã hết hạn, hãy liên hệ Ban Tổ chức Tỉnh ủy.' }), { 'cache-control': 'public, max-age=300' }),
    },
    {
      method: 'GET',
      pattern: '/u/:token',
      handle: async (r) => {
        const link = await viaPath(r);
        const { reports, history } = await listUnitReports(deps, link.unit);
        return html(200, renderUnitPage({ unit: link.unit, unitTypes: deps.catalog.unitTypes, token: r.params['token']!, reports, history, maxUploadBytes: deps.config.maxUploadBytes, linkExpiresAt: link.expiresAt }));
      },
    },
    { method: 'GET', pattern: '/u/:token/forms/:formId/:period', handle: (r) => download(r, viaPath) },
    { method: 'GET', pattern: '/u/:token/uploads/:uploadId/feedback', handle: (r) => feedback(r, viaPath) },
    {
      method: 'GET',
      pattern: '/api/me',
      handle: async (r) => {
        const { unit } = await viaBearer(r);
        const { reports } = await listUnitReports(deps, unit);
        return json(200, { unit: { code: unit.code, name: unit.name, type: unit.type }, reports });
      },
    },
    { method: 'GET', pattern: '/api/forms/:formId/:period', handle: (r) => download(r, viaBearer) },
    {
      method: 'POST',
      pattern: '/api/uploads',
      handle: async (r) => {
        const { unit, linkId } = await viaBearer(r);
        const body = parseBody(CreateUploadBodySchema, r.body);
        const created = await createUpload(deps, { ...body, unit, linkId });
        deps.logger.info('upload issued', { unit: unit.code, linkId, uploadId: created.uploadId, formId: body.formId, period: body.period, size: body.size });
        return json(201, created);
      },
    },
    {
      method: 'GET',
      pattern: '/api/uploads/:uploadId',
      handle: async (r) => json(200, await getUploadStatus(deps, (await viaBearer(r)).unit, r.params['uploadId']!)),
    },
    { method: 'GET', pattern: '/api/uploads/:uploadId/feedback', handle: (r) => feedback(r, viaBearer) },
  ];
}

/** Titles of the browser error pages, by status. */
export function errorPageTitle(statusCode: number): string {
  if (statusCode === 401) return 'Không mở được đường dẫn nộp báo cáo';
  if (statusCode === 403) return 'Không có quyền truy cập';
  if (statusCode === 404) return 'Không tìm thấy';
  if (statusCode < 500) return 'Yêu cầu không hợp lệ';
  return 'Hệ thống đang gặp sự cố';
}

