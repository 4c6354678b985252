/**
 * The console's "Biểu mẫu" (forms) routes: the published forms and their definition downloads
 * (any role may read), and for admins the upload → check report → preview → publish flow and the
 * retirement.
 *
 * The file is read by the page's script and posted as JSON (base64) with the CSRF header, like
 * the units import (a Lambda behind API Gateway gets no streamed multipart body, and a page form
 * posts urlencoded). Its name and type are never trusted: the bytes say which it is (a ZIP
 * signature → a workbook, else JSON), each with its own cap. The check's outcome — the canonical
 * JSON of a clean definition, or its bounded problems — is kept in the bucket under
 * `staging/forms/<random id>.json` with the operator's email; the report, the preview and the
 * publish read it from there (only the same operator, within a day), so the definition that is
 * published is the one the server checked, not anything the browser sends again. Publishing
 * checks it once more (`publishFormDefinition`), writes conditionally, invalidates the live
 * catalog and audits `forms.publish`; retiring audits `forms.retire`.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { AppError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError, TooLargeError, UnauthorizedError } from '../../core/errors';
import { canonicalDefinitionJson, sha256Hex } from '../../core/forms/canonical';
import type { FormCatalog, FormCatalogEntry } from '../../core/forms/catalog';
import { checkFormDefinition, type DefinitionProblem } from '../../core/forms/check-definition';
import type { FormDefinition } from '../../core/forms/definition';
import { readDefinitionFile, writeDefinitionFile } from '../../core/forms/definition-files';
import { generateForm } from '../../core/forms';
import type { LiveSession, SignInDeps } from '../../core/operators/sign-in';
import { openPeriod } from '../../core/periods';
import type { FormDefinitionStore, ObjectStore } from '../../core/ports';
import { formStagingKey } from '../../core/storage-layout';
import { publishFormDefinition, retireForm, type PublishFormResult } from '../../core/usecases/publish-form';
import {
  checkReportPath, FORM_DEFINITION_MAX_BYTES, FORM_NOTICES, FORMS_PATH, isFormNoticeKey, MAX_SHOWN_PROBLEMS, renderConsoleFormCheckPage, renderConsoleFormPublishedPage,
  renderConsoleFormRetirePage, renderConsoleFormsPage, type PublishOutcomeView,
} from '../../portal/render-console-forms';
import { parseBody } from './portal-routes';
import { attachment, binary, html, json, type HttpResponse } from './responses';
import type { Route, RouteRequest } from './router';
import { bounded, consoleRefusalPage, createConsoleGuard, formFields, query, seeOther, type ConsoleGuard } from './console-session';

export interface ConsoleFormsDeps {
  signIn: SignInDeps;
  /** The live catalog object (the api handler readies it per request); invalidated after a change. */
  catalog: FormCatalog & { invalidate?: () => void };
  /** The published forms' index and bodies. */
  forms: FormDefinitionStore;
  /** The bucket: checked definitions awaiting publication (`staging/forms/`). */
  objects: ObjectStore;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A checked definition stays publishable this long after its check. */
export const STAGING_TTL_MS = 24 * 60 * 60 * 1000;
const STAGING_ID = /^[0-9a-f]{32}$/;
/** The JSON request's largest body: the workbook cap in base64, plus the file name and framing. */
const MAX_CHECK_BODY_CHARS = Math.ceil((FORM_DEFINITION_MAX_BYTES.xlsx * 4) / 3) + 4096;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const CheckBodySchema = z.object({ fileName: z.optional(z.string().check(z.maxLength(1000))), contentBase64: z.string() });
const PublishBodySchema = z.object({ id: z.string().check(z.maxLength(64)), effectiveFrom: z.optional(z.string().check(z.maxLength(64))) });

/** What is kept between the check and the publish. */
interface StagedCheck {
  operator: string;
  checkedAt: string;
  fileLabel: string;
  problemCount: number;
  problems: DefinitionProblem[];
  /** The checked definition's canonical JSON (only when clean). */
  canonical?: string;
}

const adminOnly = () => new ForbiddenError('ROLE_FORBIDDEN', 'Chỉ tài khoản quản trị mới thực hiện được thao tác này.');
const stagingGone = () => new NotFoundError('FORM_CHECK_NOT_FOUND', 'Không tìm thấy kết quả kiểm tra này (đã quá một ngày, hoặc của tài khoản khác). Vui lòng tải tệp định nghĩa lên và kiểm tra lại.');
const tooLarge = (kind: 'xlsx' | 'json') =>
  new TooLargeError('FORM_FILE_TOO_LARGE', kind === 'xlsx' ? `Sổ thiết kế biểu mẫu lớn quá ${FORM_DEFINITION_MAX_BYTES.xlsx / 1024 / 1024} MB.` : `Tệp JSON định nghĩa biểu mẫu lớn quá ${FORM_DEFINITION_MAX_BYTES.json / 1024 / 1024} MB.`);

/** The file's kind by its bytes: a ZIP container (every .xlsx) or else JSON text. */
function kindOf(bytes: Buffer): 'xlsx' | 'json' {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04 ? 'xlsx' : 'json';
}

/** The file name as a label only (never a path or a type): printable, bounded. */
function fileLabelOf(name: string | undefined, kind: 'xlsx' | 'json'): string {
  const clean = (name ?? '').replace(/[\u0000-\u001f\u007f]/g, '').split(/[\\/]/).pop()!.trim().slice(0, 120);
  return clean || (kind === 'xlsx' ? 'sổ thiết kế biểu mẫu' : 'tệp JSON');
}

/** A problem as kept and shown: every text cut to a sane length. */
const boundedProblem = (p: DefinitionProblem): DefinitionProblem => ({
  path: p.path.slice(0, 300),
  code: p.code.slice(0, 64),
  message: p.message.slice(0, 500),
  ...(p.sheet !== undefined ? { sheet: p.sheet.slice(0, 64) } : {}),
  ...(p.row !== undefined ? { row: p.row } : {}),
  ...(p.column !== undefined ? { column: p.column.slice(0, 8) } : {}),
  ...(p.header !== undefined ? { header: p.header.slice(0, 100) } : {}),
});

function entryJson(e: FormCatalogEntry) {
  return {
    id: e.id, name: e.name, periodType: e.periodType, latestVersion: e.latestVersion,
    versions: e.versions.map((v) => ({ version: v.version, effectiveFrom: v.effectiveFrom ?? null, publishedAt: v.publishedAt ?? null, publishedBy: v.publishedBy ?? null, sha256: v.sha256 ?? null })),
    retired: e.retired ?? null,
  };
}

export function createConsoleFormsRoutes(deps: ConsoleFormsDeps): Route[] {
  const guard: ConsoleGuard = createConsoleGuard(deps.signIn);
  const { catalog } = deps;
  const publishDeps = () => ({ forms: deps.forms, clock: deps.signIn.clock, audit: deps.signIn.audit, catalog: catalog.invalidate ? { invalidate: () => catalog.invalidate!() } : undefined, unitTypes: catalog.unitTypes });

  /** An admin's page (GET): none → sign-in; another role → 403 page. */
  const adminPage = async (r: RouteRequest): Promise<LiveSession | HttpResponse> => {
    const live = await guard.pageSession(r);
    if (!live) return guard.toSignIn();
    if (live.role !== 'admin') return consoleRefusalPage(adminOnly());
    return live;
  };
  /** An admin's form post: the guard's origin, CSRF and role checks; refusals as the console's page. */
  const adminForm = async (r: RouteRequest): Promise<LiveSession | HttpResponse> => {
    try {
      return await guard.session(r, { admin: true });
    } catch (err) {
      if (err instanceof UnauthorizedError) return guard.toSignIn();
      if (err instanceof AppError && err.expose) return consoleRefusalPage(err);
      throw err;
    }
  };

  const readStaged = async (id: string | undefined, live: LiveSession): Promise<StagedCheck> => {
    if (!id || !STAGING_ID.test(id)) throw stagingGone();
    const body = await deps.objects.get(formStagingKey(id), { maxBytes: 4 * 1024 * 1024 });
    if (!body) throw stagingGone();
    const staged = JSON.parse(body.toString('utf8')) as StagedCheck;
    if (staged.operator !== live.email || deps.signIn.clock.now().getTime() - Date.parse(staged.checkedAt) > STAGING_TTL_MS) throw stagingGone();
    return staged;
  };
  /** The staged definition, checked again (the registry may have changed since). */
  const stagedForm = (staged: StagedCheck): { form?: FormDefinition; problems: DefinitionProblem[] } => {
    if (!staged.canonical) return { problems: staged.problems };
    return checkFormDefinition(JSON.parse(staged.canonical), { unitTypes: catalog.unitTypes });
  };

  /** Reads and checks an uploaded definition, keeps the outcome, and returns its id. */
  const check = async (live: LiveSession, bytes: Buffer, fileName: string | undefined) => {
    const kind = kindOf(bytes);
    if (bytes.length > FORM_DEFINITION_MAX_BYTES[kind]) throw tooLarge(kind);
    const read = await readDefinitionFile(bytes, kind === 'xlsx' ? 'definition.xlsx' : 'definition.json');
    const checked = 'raw' in read ? checkFormDefinition(read.raw, { unitTypes: catalog.unitTypes }) : { form: undefined, problems: read.problems };
    const clean = checked.form !== undefined && checked.problems.length === 0;
    const staged: StagedCheck = {
      operator: live.email,
      checkedAt: deps.signIn.clock.now().toISOString(),
      fileLabel: fileLabelOf(fileName, kind),
      problemCount: clean ? 0 : Math.max(1, checked.problems.length),
      problems: clean ? [] : (checked.problems.length ? checked.problems : [{ path: '(toàn bộ định nghĩa)', code: 'DEF_INVALID', message: 'Định nghĩa không hợp lệ.' }]).slice(0, MAX_SHOWN_PROBLEMS).map(boundedProblem),
      ...(clean ? { canonical: canonicalDefinitionJson(checked.form!) } : {}),
    };
    const id = randomBytes(16).toString('hex');
    await deps.objects.put(formStagingKey(id), JSON.stringify(staged), { contentType: 'application/json' });
    return { id, staged, form: clean ? checked.form : undefined };
  };

  const summaryOf = (form: FormDefinition) => {
    const existing = catalog.entries().find((e) => e.id === form.id);
    const same = existing?.versions.find((v) => v.version === form.version);
    const published: 'same' | 'different' | undefined = same ? (same.sha256 === sha256Hex(canonicalDefinitionJson(form)) ? 'same' : 'different') : undefined;
    return { form, openPeriod: openPeriod(form, deps.signIn.clock.now()), ...(published ? { published } : {}), ...(existing && !same ? { latestVersion: existing.latestVersion } : {}) };
  };

  const reportPage = (live: LiveSession, id: string, staged: StagedCheck, error?: string) => {
    const { form, problems } = stagedForm(staged);
    const clean = form !== undefined && problems.length === 0;
    return renderConsoleFormCheckPage({
      operator: live, stagingId: id, fileLabel: staged.fileLabel, checkedAt: staged.checkedAt, unitTypes: catalog.unitTypes, error,
      problems: clean ? [] : problems.slice(0, MAX_SHOWN_PROBLEMS).map(boundedProblem), problemCount: clean ? 0 : Math.max(staged.problemCount, problems.length),
      ...(clean ? { summary: summaryOf(form) } : {}),
    });
  };

  /** Publishes a staged definition: the outcome as the page shows it. */
  const publish = async (live: LiveSession, staged: StagedCheck, effectiveFrom: string | undefined): Promise<{ view: PublishOutcomeView; status: number; result?: PublishFormResult }> => {
    if (!staged.canonical) return { status: 409, view: { kind: 'refused', code: 'FORM_DEFINITION_INVALID', message: 'Định nghĩa còn lỗi: sửa tệp, kiểm tra lại rồi mới phát hành.' } };
    try {
      const result = await publishFormDefinition(publishDeps(), { raw: JSON.parse(staged.canonical), effectiveFrom: effectiveFrom?.slice(0, 64), actor: live.email });
      if (result.outcome === 'invalid') return { status: 409, result, view: { kind: 'refused', code: 'FORM_DEFINITION_INVALID', message: `Định nghĩa không còn hợp lệ (${result.problems.length} lỗi): ${result.problems[0]?.message.slice(0, 300) ?? ''}` } };
      return { status: 200, result, view: { kind: result.outcome, formId: result.form.id, version: result.form.version, name: result.form.name, effectiveFrom: result.entry.effectiveFrom } };
    } catch (err) {
      if (err instanceof ConflictError || err instanceof InvalidInputError) return { status: err.statusCode, view: { kind: 'refused', code: err.code, message: err.message } };
      throw err;
    }
  };

  const entryOf = (formId: string | undefined): FormCatalogEntry => {
    const entry = catalog.entries().find((e) => e.id === bounded(formId, 'form'));
    if (!entry) throw new NotFoundError('FORM_NOT_FOUND', 'Không tìm thấy biểu mẫu này.');
    return entry;
  };

  const download = async (r: RouteRequest): Promise<HttpResponse> => {
    const live = await guard.pageSession(r);
    if (!live) return guard.toSignIn();
    const entry = entryOf(r.params['id']);
    const m = /^v([1-9][0-9]{0,5})\.(json|xlsx)$/.exec(r.params['file'] ?? '');
    if (!m) throw new NotFoundError('FORM_VERSION_NOT_FOUND', 'Không tìm thấy phiên bản này của biểu mẫu.');
    const version = Number(m[1]);
    const format = m[2] as 'json' | 'xlsx';
    const form = catalog.versions(entry.id).find((f) => f.version === version);
    if (!form) throw new NotFoundError('FORM_VERSION_NOT_FOUND', 'Không tìm thấy phiên bản này của biểu mẫu.');
    const bytes = format === 'json' ? await writeDefinitionFile(form, 'json') : await writeDefinitionFile(form, 'xlsx');
    const name = `${form.id}.v${form.version}.${format}`;
    return binary(200, bytes!, { 'content-type': format === 'json' ? 'application/json; charset=utf-8' : XLSX, 'content-disposition': attachment(name, name), 'cache-control': 'no-store' });
  };

  return [
    {
      method: 'GET',
      pattern: FORMS_PATH,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        const key = query(r).get('tb');
        return html(200, renderConsoleFormsPage({ operator: live, entries: catalog.entries(), notice: isFormNoticeKey(key) ? FORM_NOTICES[key] : undefined }));
      },
    },
    {
      method: 'GET',
      pattern: `${FORMS_PATH}/thiet-ke-bieu-mau.xlsx`,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        const { writeDefinitionWorkbook } = await import('../../core/forms/authoring-workbook');
        const bytes = await writeDefinitionWorkbook(undefined, { unitTypes: catalog.unitTypes.offered() });
        return binary(200, bytes, { 'content-type': XLSX, 'content-disposition': attachment('thiet-ke-bieu-mau.xlsx', 'thiet-ke-bieu-mau.xlsx'), 'cache-control': 'no-store' });
      },
    },
    { method: 'GET', pattern: `${FORMS_PATH}/:id/tai/:file`, handle: download },
    {
      method: 'GET',
      pattern: `${FORMS_PATH}/kiem-tra/:id`,
      handle: async (r) => {
        const live = await adminPage(r);
        if (!('email' in live)) return live;
        const id = r.params['id'] ?? '';
        return html(200, reportPage(live, id, await readStaged(id, live)), { 'cache-control': 'no-store' });
      },
    },
    {
      method: 'GET',
      pattern: `${FORMS_PATH}/kiem-tra/:id/xem-thu`,
      handle: async (r) => {
        const live = await adminPage(r);
        if (!('email' in live)) return live;
        const { form } = stagedForm(await readStaged(r.params['id'], live));
        if (!form) throw new InvalidInputError('FORM_DEFINITION_INVALID', 'Định nghĩa còn lỗi: chưa xem thử được.');
        const type = bounded(query(r).get('loai'), 'loai') ?? catalog.unitTypes.offered()[0]?.code ?? '';
        const info = catalog.unitTypes.get(type);
        if (!info) throw new InvalidInputError('UNIT_TYPE_UNKNOWN', 'Loại đơn vị không có trong danh mục.');
        const period = openPeriod(form, deps.signIn.clock.now());
        const bytes = await generateForm({ form, unit: { code: 'DON-VI-MAU', name: `Đơn vị mẫu (${info.name})`, type }, period, now: deps.signIn.clock.now() });
        const name = `xem-thu-${form.id}-v${form.version}-${type}-${period}.xlsx`;
        return binary(200, bytes, { 'content-type': XLSX, 'content-disposition': attachment(name, name), 'cache-control': 'no-store' });
      },
    },
    {
      method: 'POST',
      pattern: `${FORMS_PATH}/kiem-tra/:id/phat-hanh`,
      handle: async (r) => {
        const live = await adminForm(r);
        if (!('email' in live)) return live;
        try {
          const id = r.params['id'] ?? '';
          const staged = await readStaged(id, live);
          const fields = formFields(r);
          if (fields.get('xac-nhan') !== '1') return html(400, reportPage(live, id, staged, 'Chưa phát hành: đánh dấu ô xác nhận rồi bấm "Phát hành".'));
          const { view, status } = await publish(live, staged, fields.get('hieu-luc') ?? undefined);
          return html(status, renderConsoleFormPublishedPage({ operator: live, outcome: view, back: checkReportPath(id) }));
        } catch (err) {
          if (err instanceof AppError && err.expose) return consoleRefusalPage(err);
          throw err;
        }
      },
    },
    {
      method: 'GET',
      pattern: `${FORMS_PATH}/:id/ngung-su-dung`,
      handle: async (r) => {
        const live = await adminPage(r);
        if (!('email' in live)) return live;
        const entry = entryOf(r.params['id']);
        if (entry.retired) return seeOther(`${FORMS_PATH}?tb=da-ngung-truoc`);
        return html(200, renderConsoleFormRetirePage({ operator: live, entry }));
      },
    },
    {
      method: 'POST',
      pattern: `${FORMS_PATH}/:id/ngung-su-dung`,
      handle: async (r) => {
        const live = await adminForm(r);
        if (!('email' in live)) return live;
        try {
          const entry = entryOf(r.params['id']);
          if (formFields(r).get('xac-nhan') !== '1') return html(400, renderConsoleFormRetirePage({ operator: live, entry }).replace('<form method="post"', '<p class="error" role="alert">Chưa ngừng sử dụng: đánh dấu ô xác nhận rồi bấm nút.</p><form method="post"'));
          const result = await retireForm(publishDeps(), { formId: entry.id, actor: live.email });
          return seeOther(`${FORMS_PATH}?tb=${result.outcome === 'retired' ? 'da-ngung' : 'da-ngung-truoc'}`);
        } catch (err) {
          if (err instanceof AppError && err.expose) return consoleRefusalPage(err);
          throw err;
        }
      },
    },

    // JSON twins (session + X-CSRF-Token): the page's script posts the file to the check.
    {
      method: 'GET',
      pattern: '/api/admin/forms',
      handle: async (r) => {
        await guard.session(r);
        return json(200, { forms: catalog.entries().map(entryJson) });
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/forms/check',
      handle: async (r) => {
        const live = await guard.session(r, { admin: true });
        if ((r.body ?? '').length > MAX_CHECK_BODY_CHARS) throw tooLarge('xlsx');
        const body = parseBody(CheckBodySchema, r.body);
        if (!BASE64.test(body.contentBase64)) throw new InvalidInputError('BODY_INVALID', 'Nội dung tệp phải được mã hóa base64.');
        const { id, staged, form } = await check(live, Buffer.from(body.contentBase64, 'base64'), body.fileName);
        return json(200, {
          id, ok: staged.problemCount === 0, problemCount: staged.problemCount, problems: staged.problems, reportUrl: checkReportPath(id),
          ...(form ? { form: { id: form.id, version: form.version, name: form.name, periodType: form.periodType } } : {}),
        });
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/forms/publish',
      handle: async (r) => {
        const live = await guard.session(r, { admin: true });
        const body = parseBody(PublishBodySchema, r.body);
        const { view, status, result } = await publish(live, await readStaged(body.id, live), body.effectiveFrom);
        if (view.kind === 'refused') return json(status, { code: view.code, message: view.message });
        return json(200, { outcome: view.kind, formId: view.formId, version: view.version, effectiveFrom: view.effectiveFrom ?? null, publishedAt: result && 'entry' in result ? result.entry.publishedAt : null });
      },
    },
  ];
}
