/**
 * The console's "Đơn vị" section: the unit registry under `/quan-tri/don-vi` (list, search, type
 * filter, add, edit, deactivate, file import, link revocation, showing and emailing a unit's
 * link) and its JSON twins under `/api/admin/units`. The drill-down `/quan-tri/don-vi/<code>`
 * stays in console-routes.ts; a unit's management page is `/quan-tri/don-vi/<code>/sua`.
 *
 * Pages post plain urlencoded forms with the hidden `_csrf` field and land, Post/Redirect/Get, on
 * a page with a fixed message key (`?tb=`); a refused form is rendered again with its values
 * (escaped) and each field's Vietnamese error. The file import is the one action that needs
 * script: console.js reads the file and posts it base64 in JSON with `X-CSRF-Token` (API Gateway
 * hands bodies to the function as text, so a small JSON body is simpler and stricter than parsing
 * multipart here). Reading is open to every signed-in role; every change needs an operator or an
 * admin (the guard: 403 for a viewer, 403 cross-site) and writes one audit entry. A unit's link
 * is a credential: it is put into the page or the email only, never into a log or the audit log.
 */
import * as z from 'zod/mini';
import { AppError, ConflictError, InvalidInputError, NotFoundError, TooLargeError } from '../../core/errors';
import type { FormCatalog } from '../../core/forms/catalog';
import { foldVietnamese } from '../../core/format-vi';
import type { Log } from '../../core/log';
import type { Unit, UnitType } from '../../core/model';
import { UNIT_TYPE_CODE_PATTERN } from '../../core/units/unit-types';
import type { SignInDeps, LiveSession } from '../../core/operators/sign-in';
import { openPeriod, periodLabel } from '../../core/periods';
import type { SecretSource, UnitRepository } from '../../core/ports';
import { MAX_SEARCH_LENGTH } from '../../core/usecases/form-status';
import { importUnitsChecked, UnitImportConflictError, UnitImportError, type ImportUnitsResult } from '../../core/usecases/import-units';
import { issueUnitLink, sendUnitLink, type IssuedUnitLink } from '../../core/usecases/issue-unit-link';
import { addUnit, checkUnitInput, editUnit, UnitInputError, unitDetails, unitVersion, type UnitFormInput } from '../../core/usecases/manage-units';
import {
  isUnitNoticeKey, renderConsoleRevokeConfirmPage, renderConsoleUnitManagePage, renderConsoleUnitsPage, renderConsoleUnitsRefusedPage, unitFormValues, unitManagePath, UNIT_NOTICES, UNITS_IMPORT_MAX_BYTES, UNITS_PATH,
  type UnitFormState,
} from '../../portal/render-console-units';
import { consoleErrorPageTitle } from './console-routes';
import { bounded, createConsoleGuard, formFields, formSessionOf, query, roleForbidden, seeOther } from './console-session';
import { parseBody } from './portal-routes';
import { html, json, type HttpResponse } from './responses';
import type { Route, RouteRequest } from './router';

export interface ConsoleUnitsDeps {
  /** Sessions and the audit log (the guard), and the clock, mailer, sender and portal URL the link email uses. */
  signIn: SignInDeps;
  units: UnitRepository;
  catalog: FormCatalog;
  /** The link-signing keys (a unit's link is signed as the CLI's `links` signs it). */
  secrets: SecretSource;
  logger: Log;
}

/** The JSON import's body: the file base64 (a third larger) plus its name. */
const MAX_IMPORT_BODY_CHARS = Math.ceil(UNITS_IMPORT_MAX_BYTES / 3) * 4 + 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ImportBodySchema = z.object({
  fileName: z.string().check(z.minLength(1, 'Thiếu tên tệp.'), z.maxLength(200, 'Tên tệp quá dài.')),
  contentBase64: z.string().check(z.minLength(1, 'Tệp rỗng.')),
});
const EmailsSchema = z.union([z.string().check(z.maxLength(2000)), z.array(z.string().check(z.maxLength(254))).check(z.maxLength(20))]);
const UnitBodySchema = z.object({
  code: z.string().check(z.maxLength(64)),
  name: z.string().check(z.maxLength(300)),
  type: z.string().check(z.maxLength(64)),
  emails: z.optional(EmailsSchema),
  active: z.optional(z.boolean()),
});
const EditBodySchema = z.object({
  version: z.string().check(z.maxLength(64)),
  name: z.string().check(z.maxLength(300)),
  type: z.string().check(z.maxLength(64)),
  emails: z.optional(EmailsSchema),
  active: z.boolean(),
});
const SendLinkBodySchema = z.object({ formId: z.optional(z.string().check(z.maxLength(64))) });

const emailsText = (emails: string | string[] | undefined) => (Array.isArray(emails) ? emails.join('; ') : (emails ?? ''));
/** A unit's details as the audit log keeps them. */
const audited = (u: Pick<Unit, 'name' | 'type' | 'emails' | 'active'>) => unitDetails(u);

/** The registry filtered by `search` (name or code, accents ignored) and `type`. */
function filterUnits(units: Unit[], filters: { search?: string; type?: UnitType }): Unit[] {
  const needle = filters.search ? foldVietnamese(filters.search).replace(/\s+/g, ' ').trim() : '';
  return units.filter((u) => (!filters.type || u.type === filters.type) && (!needle || foldVietnamese(`${u.code} ${u.name}`).includes(needle)));
}

function listFilters(q: URLSearchParams): { search?: string; type?: UnitType } {
  const search = q.get('search') ?? '';
  if (search.length > MAX_SEARCH_LENGTH) throw new InvalidInputError('PARAM_INVALID', `Từ khóa tìm kiếm dài quá ${MAX_SEARCH_LENGTH} ký tự.`);
  const type = q.get('type') ?? '';
  // Any well-formed code filters (a unit of a type that left the registry stays findable); a malformed one shows every type.
  return { ...(search.trim() ? { search } : {}), ...(UNIT_TYPE_CODE_PATTERN.test(type) ? { type } : {}) };
}

export function createConsoleUnitsRoutes(deps: ConsoleUnitsDeps): Route[] {
  const { signIn } = deps;
  const guard = createConsoleGuard(signIn);
  const linkDeps = { units: deps.units, forms: deps.catalog, secrets: deps.secrets, clock: signIn.clock, portalUrl: signIn.portalUrl };
  // The registry as the catalog holds it now (a run-time catalog refreshes it).
  const unitDeps = () => ({ units: deps.units, unitTypes: deps.catalog.unitTypes });

  const unitOf = async (code: string | undefined): Promise<Unit> => {
    const unit = await deps.units.get(bounded(code, 'code') ?? '');
    if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', 'Không tìm thấy đơn vị này.');
    return unit;
  };
  const formsWithOpenPeriod = () => {
    const now = signIn.clock.now();
    return deps.catalog.list().map((f) => ({ id: f.id, name: f.name, periodLabel: periodLabel(openPeriod(f, now)) }));
  };
  const formIdOf = (value: string | null | undefined) => bounded(value, 'form') ?? deps.catalog.list()[0]?.id ?? '';
  const listPage = async (live: LiveSession, q: URLSearchParams, extra: { notice?: string; add?: UnitFormState & { message?: string } } = {}) => {
    const all = await deps.units.list({ includeInactive: true });
    const filters = listFilters(q);
    return renderConsoleUnitsPage({ operator: live, units: filterUnits(all, filters), total: all.length, filters, unitTypes: deps.catalog.unitTypes, ...extra });
  };
  const managePage = (live: LiveSession, unit: Unit, extra: Partial<Parameters<typeof renderConsoleUnitManagePage>[0]> = {}) =>
    renderConsoleUnitManagePage({ operator: live, unit, version: unitVersion(unit), forms: formsWithOpenPeriod(), unitTypes: deps.catalog.unitTypes, ...extra });
  const noticeOf = (r: RouteRequest) => {
    const key = query(r).get('tb');
    return isUnitNoticeKey(key) ? UNIT_NOTICES[key] : undefined;
  };

  /**
   * A page's form action: the guard (no session → sign-in; refused → a Vietnamese page with the
   * status), then `act`; an exposed error `act` does not handle itself becomes a page with the
   * way back instead of JSON.
   */
  const formAction = (back: (r: RouteRequest) => string, act: (r: RouteRequest, live: LiveSession, fields: URLSearchParams) => Promise<HttpResponse>) => async (r: RouteRequest): Promise<HttpResponse> => {
    const live = await formSessionOf(guard, r);
    if (!('email' in live)) return live;
    try {
      return await act(r, live, formFields(r));
    } catch (err) {
      if (!(err instanceof AppError) || !err.expose) throw err;
      return html(err.statusCode, renderConsoleUnitsRefusedPage({ operator: live, title: consoleErrorPageTitle(err.statusCode), message: err.message, code: err.code, back: back(r) }));
    }
  };
  const unitForm = (fields: URLSearchParams, code?: string): UnitFormInput => ({
    code: code ?? (fields.get('code') ?? '').trim(),
    name: fields.get('name') ?? '',
    type: fields.get('type') ?? '',
    emails: fields.get('emails') ?? '',
    active: fields.get('active') === '1',
  });
  /** The typed values as the refused form shows them again: each cut to its field's length (escaped on output). */
  const shownValues = (input: UnitFormInput): UnitFormInput => ({ ...input, code: input.code.slice(0, 64), name: input.name.slice(0, 300), type: input.type.slice(0, 64), emails: input.emails.slice(0, 2000) });
  const backToUnit = (r: RouteRequest) => unitManagePath(r.params['code'] ?? '');
  const linkAudit = (l: IssuedUnitLink) => ({ formId: l.form.id, period: l.period, expiresAt: l.expiresAt.toISOString(), keyVersion: l.unit.keyVersion });
  const importAudit = (result: ImportUnitsResult, conflicts: string[] = []) => ({
    total: result.total, created: result.created.length, updated: result.updated.length, unchanged: result.unchanged.length,
    createdCodes: result.created.slice(0, 100), updatedCodes: result.updated.slice(0, 100), ...(conflicts.length ? { conflicts: conflicts.slice(0, 100) } : {}),
  });

  /** Revokes every link of the unit (its key version moves on), audited. */
  const revoke = async (live: LiveSession, unit: Unit) => {
    const keyVersion = await deps.units.bumpKeyVersion(unit.code);
    await guard.audit(live, { action: 'units.revoke-links', target: unit.code, before: { keyVersion: keyVersion - 1 }, after: { keyVersion } });
    return keyVersion;
  };
  const sendLink = async (live: LiveSession, unitCode: string, formId: string) => {
    const sent = await sendUnitLink({ ...linkDeps, mailer: signIn.mailer, mail: signIn.mail }, { unitCode, formId });
    await guard.audit(live, { action: 'units.link-sent', target: unitCode, after: { ...linkAudit(sent), to: sent.unit.emails } });
    return sent;
  };

  return [
    {
      method: 'GET',
      pattern: UNITS_PATH,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        return html(200, await listPage(live, query(r), { notice: noticeOf(r) }));
      },
    },
    {
      method: 'POST',
      pattern: UNITS_PATH,
      handle: formAction(() => UNITS_PATH, async (r, live, fields) => {
        const input = unitForm(fields);
        try {
          const unit = await addUnit(unitDeps(), input);
          await guard.audit(live, { action: 'units.add', target: unit.code, after: { code: unit.code, ...audited(unit) } });
          return seeOther(`${unitManagePath(unit.code)}?tb=da-them`);
        } catch (err) {
          const values = shownValues(input);
          if (err instanceof UnitInputError) return html(400, await listPage(live, new URLSearchParams(), { add: { values, errors: err.fields, message: 'Chưa thêm được đơn vị: xem lỗi ở từng ô bên dưới.' } }));
          if (err instanceof ConflictError) return html(409, await listPage(live, new URLSearchParams(), { add: { values, errors: { code: err.message }, message: 'Chưa thêm được đơn vị: mã đã có.' } }));
          throw err;
        }
      }),
    },
    {
      method: 'GET',
      pattern: `${UNITS_PATH}/:code/sua`,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        return html(200, managePage(live, await unitOf(r.params['code']), { notice: noticeOf(r) }));
      },
    },
    {
      method: 'POST',
      pattern: `${UNITS_PATH}/:code/sua`,
      handle: formAction(backToUnit, async (r, live, fields) => {
        const unit = await unitOf(r.params['code']);
        const input = unitForm(fields, unit.code);
        const values = shownValues(input);
        try {
          // Deactivating asks once more, on the same form (no script needed).
          if (unit.active && !input.active && fields.get('xac-nhan-ngung') !== '1') {
            checkUnitInput(input, { unitTypes: deps.catalog.unitTypes, allowTypes: [unit.type] });
            return html(200, managePage(live, unit, { edit: { values, errors: {}, confirmDeactivate: true }, error: 'Chưa lưu: đánh dấu ô "Tôi xác nhận ngừng hoạt động đơn vị này" bên dưới rồi bấm "Lưu thay đổi".' }));
          }
          const { before, after } = await editUnit(unitDeps(), { code: unit.code, version: fields.get('unitVersion') ?? '', details: input });
          await guard.audit(live, { action: 'units.edit', target: unit.code, before: audited(before), after: audited(after) });
          return seeOther(`${unitManagePath(unit.code)}?tb=${before.active && !after.active ? 'da-ngung' : 'da-luu'}`);
        } catch (err) {
          if (err instanceof UnitInputError) return html(400, managePage(live, unit, { edit: { values, errors: err.fields }, error: 'Chưa lưu: xem lỗi ở từng ô bên dưới.' }));
          if (err instanceof ConflictError) {
            // The form again with what is stored now (and its new version): the operator redoes the change knowingly.
            const fresh = await unitOf(unit.code);
            return html(409, managePage(live, fresh, { edit: { values: unitFormValues(fresh), errors: {} }, error: err.message }));
          }
          throw err;
        }
      }),
    },
    {
      method: 'GET',
      pattern: `${UNITS_PATH}/:code/thu-hoi`,
      handle: async (r) => {
        const live = await guard.pageSession(r);
        if (!live) return guard.toSignIn();
        if (live.role === 'viewer') throw roleForbidden();
        return html(200, renderConsoleRevokeConfirmPage({ operator: live, unit: await unitOf(r.params['code']) }));
      },
    },
    {
      method: 'POST',
      pattern: `${UNITS_PATH}/:code/thu-hoi`,
      handle: formAction(backToUnit, async (r, live) => {
        await revoke(live, await unitOf(r.params['code']));
        return seeOther(`${backToUnit(r)}?tb=da-thu-hoi`);
      }),
    },
    {
      method: 'POST',
      pattern: `${UNITS_PATH}/:code/duong-dan`,
      handle: formAction(backToUnit, async (r, live, fields) => {
        const unit = await unitOf(r.params['code']);
        try {
          const link = await issueUnitLink(linkDeps, { unitCode: unit.code, formId: formIdOf(fields.get('form')) });
          await guard.audit(live, { action: 'units.link-shown', target: unit.code, after: linkAudit(link) });
          const shownLink = { url: link.url, expiresAt: link.expiresAt.toISOString(), formName: link.form.name, periodLabel: periodLabel(link.period), formId: link.form.id };
          // The link is a credential: kept out of every cache.
          return html(200, managePage(live, link.unit, { shownLink }), { 'cache-control': 'no-store' });
        } catch (err) {
          if (err instanceof ConflictError) return html(409, managePage(live, unit, { error: err.message }));
          throw err;
        }
      }),
    },
    {
      method: 'POST',
      pattern: `${UNITS_PATH}/:code/gui-duong-dan`,
      handle: formAction(backToUnit, async (r, live, fields) => {
        const unit = await unitOf(r.params['code']);
        try {
          await sendLink(live, unit.code, formIdOf(fields.get('form')));
          return seeOther(`${backToUnit(r)}?tb=da-gui`);
        } catch (err) {
          if (err instanceof ConflictError) return html(409, managePage(live, unit, { error: err.message }));
          throw err;
        }
      }),
    },

    // JSON twins (session + X-CSRF-Token), for the page's script and for tools.
    {
      method: 'GET',
      pattern: '/api/admin/units',
      handle: async (r) => {
        await guard.session(r);
        const all = await deps.units.list({ includeInactive: true });
        const units = filterUnits(all, listFilters(query(r)));
        return json(200, { total: all.length, units: units.map((u) => ({ ...u, version: unitVersion(u) })) });
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/units',
      handle: async (r) => {
        const live = await guard.session(r);
        const body = parseBody(UnitBodySchema, r.body);
        try {
          const unit = await addUnit(unitDeps(), { code: body.code.trim(), name: body.name, type: body.type, emails: emailsText(body.emails), active: body.active ?? true });
          await guard.audit(live, { action: 'units.add', target: unit.code, after: { code: unit.code, ...audited(unit) } });
          return json(201, { unit: { ...unit, version: unitVersion(unit) } });
        } catch (err) {
          if (err instanceof UnitInputError) return json(400, { code: err.code, message: err.message, fields: err.fields });
          throw err;
        }
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/units/import',
      handle: async (r) => {
        const live = await guard.session(r);
        if ((r.body ?? '').length > MAX_IMPORT_BODY_CHARS) throw importTooLarge();
        const body = parseBody(ImportBodySchema, r.body);
        if (!BASE64.test(body.contentBase64)) throw new InvalidInputError('BODY_INVALID', 'Nội dung tệp phải được mã hóa base64.');
        const bytes = Buffer.from(body.contentBase64, 'base64');
        if (bytes.length > UNITS_IMPORT_MAX_BYTES) throw importTooLarge();
        try {
          const result = await importUnitsChecked(unitDeps(), { bytes, fileName: body.fileName });
          await guard.audit(live, { action: 'units.import', target: 'units', after: importAudit(result) });
          return json(200, result);
        } catch (err) {
          if (err instanceof UnitImportError) return json(400, { code: err.code, message: `Không nhập danh sách đơn vị: ${err.issues.length} lỗi, chưa ghi đơn vị nào.`, issues: err.issues.slice(0, 500) });
          if (err instanceof UnitImportConflictError) {
            await guard.audit(live, { action: 'units.import', target: 'units', after: importAudit(err.result, err.conflicts) });
            return json(409, { code: err.code, message: err.message, conflicts: err.conflicts });
          }
          throw err;
        }
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/units/:code/edit',
      handle: async (r) => {
        const live = await guard.session(r);
        const body = parseBody(EditBodySchema, r.body);
        const code = bounded(r.params['code'], 'code') ?? '';
        try {
          const { before, after } = await editUnit(unitDeps(), { code, version: body.version, details: { name: body.name, type: body.type, emails: emailsText(body.emails), active: body.active } });
          await guard.audit(live, { action: 'units.edit', target: before.code, before: audited(before), after: audited(after) });
          return json(200, { unit: { ...after, version: unitVersion(after) } });
        } catch (err) {
          if (err instanceof UnitInputError) return json(400, { code: err.code, message: err.message, fields: err.fields });
          throw err;
        }
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/units/:code/revoke-links',
      handle: async (r) => {
        const live = await guard.session(r);
        const unit = await unitOf(r.params['code']);
        return json(200, { code: unit.code, keyVersion: await revoke(live, unit) });
      },
    },
    {
      method: 'POST',
      pattern: '/api/admin/units/:code/send-link',
      handle: async (r) => {
        const live = await guard.session(r);
        const body = parseBody(SendLinkBodySchema, r.body || '{}');
        const unit = await unitOf(r.params['code']);
        const sent = await sendLink(live, unit.code, formIdOf(body.formId));
        return json(200, { code: unit.code, to: sent.unit.emails, formId: sent.form.id, period: sent.period, expiresAt: sent.expiresAt.toISOString() });
      },
    },
  ];
}

const importTooLarge = () => new TooLargeError('UNITS_FILE_TOO_LARGE', `Tệp danh sách đơn vị lớn quá ${UNITS_IMPORT_MAX_BYTES / 1024 / 1024} MB.`);
