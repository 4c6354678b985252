/**
 * The console's "Khóa kỳ" routes through the API handler: the lock page and its plain forms, the
 * `/api/admin/locks` JSON, and what a unit notices (its upload refused while the period is
 * locked, let through by an exception), on the portal's in-memory world.
 */
import { ADMIN, consoleHarness, FORM_POST, OPERATOR, VIEWER } from './console-harness';
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import { loadForm } from '../consolidation/fixtures';
import { HU_TH, SO_NV } from './world';

const FORM = 'sap-xep-bo-may';
const PERIOD = '2019-Q1';
const uploadBody = JSON.stringify({ formId: FORM, period: PERIOD, fileName: 'Báo cáo.xlsx', size: 40_000 });

function setup(options: { autoLockDays?: number } = {}) {
  const h = consoleHarness({
    configure: (world) => {
      if (options.autoLockDays === undefined) return;
      const form = loadForm(FORM);
      form.consolidation.autoLockDays = options.autoLockDays;
      world.catalog = createFormCatalog([form, loadForm('bien-che-thang')]);
    },
  });
  const { world, audit, call, origin } = h;
  const signedIn = (email: string) => h.signedIn(email);
  /** A page form's POST as the browser sends it (urlencoded, hidden `_csrf`). */
  const post = (path: string, who: { cookie: string; csrf: string }, fields: Record<string, string>, headers: Record<string, string> = FORM_POST) =>
    call('POST', path, { cookie: who.cookie, headers, body: new URLSearchParams({ _csrf: who.csrf, form: FORM, period: PERIOD, ...fields }).toString() });
  /** The JSON API as a script or tool calls it. */
  const api = (path: string, who: { cookie: string; csrf: string }, body: unknown) =>
    call('POST', path, { cookie: who.cookie, headers: { origin, 'x-csrf-token': who.csrf }, body: JSON.stringify(body) });
  const upload = (unit: typeof SO_NV) => call('POST', '/api/uploads', { bearer: world.tokenFor(unit), body: uploadBody });
  const lockActions = () => audit.entries.filter((e) => e.action.startsWith('period.'));
  return { world, audit, call, post, api, upload, signedIn, lockActions };
}

describe('console period locks', () => {
  describe('the lock page', () => {
    it('shows an open period with its auto-lock rule, the lock button and the exception form listing the units that report on the form', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      const res = await s.call('GET', '/quan-tri/khoa-ky', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Kỳ đang mở');
      expect(res.body).toMatch(/id="auto-lock">Biểu mẫu này (không tự động khóa kỳ|tự động khóa kỳ \d+ ngày)/);
      expect(res.body).toContain('id="lock"');
      expect(res.body).toContain(`<option value="${SO_NV.code}">${SO_NV.name} (${SO_NV.code})</option>`);
      expect(res.body).not.toContain('SO-CU');
      expect(res.body).toContain(`name="_csrf" value="${who.csrf}"`);
      expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
    });

    it('sends a browser without a session to sign-in', async () => {
      const s = setup();
      const res = await s.call('GET', '/quan-tri/khoa-ky', { query: `form=${FORM}&period=${PERIOD}` });
      expect([res.statusCode, res.headers['location']]).toEqual([303, '/quan-tri/sign-in']);
    });

    it('asks for confirmation naming the consequences before locking', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      const res = await s.call('GET', '/quan-tri/khoa-ky/khoa', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('không nộp thêm được');
      expect(res.body).toContain('được giữ nguyên');
      expect(res.body).toContain('<form class="unit-form" method="post" action="/quan-tri/khoa-ky/khoa">');
      expect(s.lockActions()).toEqual([]);
    });

    it('shows a small panel on the status page with the lock state and a link to manage it', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      const open = await s.call('GET', '/quan-tri/', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(open.body).toContain('Kỳ đang mở');
      expect(open.body).toContain(`href="/quan-tri/khoa-ky?form=${FORM}&amp;period=${PERIOD}"`);
      await s.post('/quan-tri/khoa-ky/khoa', who, {});
      const locked = await s.call('GET', '/quan-tri/', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(locked.body).toContain(`Đã khóa từ 10:00 ngày 01/03/2019 bởi ${OPERATOR}`);
    });
  });

  describe('the auto-lock rule', () => {
    // 2019-Q1 is consolidated at 07:30 on 19/03/2019 (Hà Nội); two days later it locks by itself.
    it('shows the auto-lock date while open, then "Đã tự động khóa", refusing uploads without anyone locking', async () => {
      const s = setup({ autoLockDays: 2 });
      const who = await s.signedIn(OPERATOR);
      const open = await s.call('GET', '/quan-tri/', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(open.body).toContain('Tự động khóa lúc 07:30 ngày 21/03/2019.');
      const page = await s.call('GET', '/quan-tri/khoa-ky', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(page.body).toContain('Biểu mẫu này tự động khóa kỳ 2 ngày sau ngày tổng hợp: kỳ này khóa lúc 07:30 ngày 21/03/2019');
      s.world.clock.set(new Date('2019-03-21T01:00:00Z'));
      const later = await s.call('GET', '/quan-tri/khoa-ky', { cookie: (await s.signedIn(OPERATOR)).cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(later.body).toContain('Đã tự động khóa từ 07:30 ngày 21/03/2019');
      const refused = await s.upload(SO_NV);
      expect([refused.statusCode, refused.json()['code']]).toEqual([409, 'PERIOD_LOCKED']);
    });
  });

  describe('locking', () => {
    it('locks from the confirmation form (303 back with a fixed message), after which a unit\'s upload is refused with 409 PERIOD_LOCKED', async () => {
      const s = setup();
      expect((await s.upload(SO_NV)).statusCode).toBe(201);
      const who = await s.signedIn(OPERATOR);
      const res = await s.post('/quan-tri/khoa-ky/khoa', who, { reason: 'Đã gửi báo cáo tỉnh' });
      expect([res.statusCode, res.headers['location']]).toEqual([303, `/quan-tri/khoa-ky?form=${FORM}&period=${PERIOD}&thong-bao=da-khoa`]);
      const page = await s.call('GET', '/quan-tri/khoa-ky', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}&thong-bao=da-khoa` });
      expect(page.body).toContain('Đã khóa kỳ báo cáo');
      expect(page.body).toContain(`Đã khóa từ 10:00 ngày 01/03/2019 bởi ${OPERATOR}`);
      expect(page.body).toContain('Lý do khóa: Đã gửi báo cáo tỉnh');
      const refused = await s.upload(SO_NV);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toEqual({ code: 'PERIOD_LOCKED', message: expect.stringContaining('đã khóa') });
    });

    it('audits the lock once, with who, what, target and before → after', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await s.post('/quan-tri/khoa-ky/khoa', who, {});
      expect(s.lockActions()).toEqual([
        expect.objectContaining({ actor: OPERATOR, action: 'period.lock', target: `${FORM}/${PERIOD}`, before: expect.objectContaining({ locked: false }), after: expect.objectContaining({ locked: true, by: OPERATOR }) }),
      ]);
    });

    it('refuses to lock a period twice (409 PERIOD_ALREADY_LOCKED on the page, with the code)', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await s.post('/quan-tri/khoa-ky/khoa', who, {});
      const again = await s.post('/quan-tri/khoa-ky/khoa', who, {});
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('Mã lỗi: PERIOD_ALREADY_LOCKED');
      expect(s.lockActions()).toHaveLength(1);
    });
  });

  describe('unlocking', () => {
    it('shows an operator the unlock button disabled with the reason, and refuses its POST (403 ADMIN_REQUIRED)', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await s.post('/quan-tri/khoa-ky/khoa', who, {});
      const page = await s.call('GET', '/quan-tri/khoa-ky', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(page.body).toContain('id="unlock" disabled aria-describedby="unlock-why"');
      expect(page.body).toContain('Chỉ quản trị viên được mở khóa kỳ báo cáo');
      const res = await s.post('/quan-tri/khoa-ky/mo-khoa', who, {});
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Mã lỗi: ADMIN_REQUIRED');
      expect((await s.upload(SO_NV)).statusCode).toBe(409);
    });

    it('lets an admin unlock, after which units upload again; audited', async () => {
      const s = setup();
      await s.post('/quan-tri/khoa-ky/khoa', await s.signedIn(OPERATOR), {});
      const admin = await s.signedIn(ADMIN);
      const res = await s.post('/quan-tri/khoa-ky/mo-khoa', admin, {});
      expect([res.statusCode, res.headers['location']]).toEqual([303, `/quan-tri/khoa-ky?form=${FORM}&period=${PERIOD}&thong-bao=da-mo-khoa`]);
      expect((await s.upload(SO_NV)).statusCode).toBe(201);
      expect(s.lockActions().map((e) => [e.action, e.actor])).toEqual([['period.lock', OPERATOR], ['period.unlock', ADMIN]]);
    });
  });

  describe('exceptions', () => {
    it('lets the one unit upload in the locked period until the date, not the others; listed on the page and audited', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await s.post('/quan-tri/khoa-ky/khoa', who, {});
      const res = await s.post('/quan-tri/khoa-ky/ngoai-le', who, { unit: SO_NV.code, until: '2019-03-10', reason: 'Sở nộp bổ sung số liệu quý' });
      expect([res.statusCode, res.headers['location']]).toEqual([303, `/quan-tri/khoa-ky?form=${FORM}&period=${PERIOD}&thong-bao=da-cap-ngoai-le`]);
      expect((await s.upload(SO_NV)).statusCode).toBe(201);
      expect((await s.upload(HU_TH)).statusCode).toBe(409);
      const page = await s.call('GET', '/quan-tri/khoa-ky', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(page.body).toMatch(new RegExp(`<tr data-unit="${SO_NV.code}"><td>${SO_NV.name} \\(${SO_NV.code}\\)</td><td class="nowrap">23:59 ngày 10/03/2019</td><td><span class="badge badge-accepted">còn hiệu lực</span><form class="end-exception" [^]*?</form></td><td>Sở nộp bổ sung số liệu quý</td><td>${OPERATOR}`));
      expect(s.lockActions().at(-1)).toEqual(expect.objectContaining({ actor: OPERATOR, action: 'period.exception', target: `${FORM}/${PERIOD}/${SO_NV.code}`, after: expect.objectContaining({ reason: 'Sở nộp bổ sung số liệu quý' }) }));
    });

    it('ends with its date: after it the unit is refused again', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await s.post('/quan-tri/khoa-ky/khoa', who, {});
      await s.post('/quan-tri/khoa-ky/ngoai-le', who, { unit: SO_NV.code, until: '2019-03-02', reason: 'Nộp bổ sung' });
      s.world.clock.set(new Date('2019-03-02T17:00:00Z'));
      expect((await s.upload(SO_NV)).statusCode).toBe(409);
    });

    it.each([
      ['a past date', { until: '2019-02-28', reason: 'Nộp bổ sung' }, 'UNTIL_INVALID'],
      ['a date that does not exist', { until: '2019-02-30', reason: 'Nộp bổ sung' }, 'UNTIL_INVALID'],
      ['a date beyond a year', { until: '2020-06-01', reason: 'Nộp bổ sung' }, 'UNTIL_INVALID'],
      ['no reason', { until: '2019-03-10', reason: '   ' }, 'REASON_REQUIRED'],
      ['a reason over 500 characters', { until: '2019-03-10', reason: 'x'.repeat(501) }, 'REASON_INVALID'],
    ])('refuses %s (400, the page with the Vietnamese message and code), granting nothing', async (_case, fields, code) => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await s.post('/quan-tri/khoa-ky/khoa', who, {});
      const res = await s.post('/quan-tri/khoa-ky/ngoai-le', who, { unit: SO_NV.code, ...fields });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`(Mã lỗi: ${code})`);
      expect(res.body).not.toContain('x'.repeat(501));
      expect((await s.upload(SO_NV)).statusCode).toBe(409);
      expect(s.lockActions().map((e) => e.action)).toEqual(['period.lock']);
    });

    it('refuses a unit that does not report on the form, and one that does not exist', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      const inactive = await s.post('/quan-tri/khoa-ky/ngoai-le', who, { unit: 'SO-CU', until: '2019-03-10', reason: 'Nộp bổ sung' });
      expect([inactive.statusCode, inactive.body!.includes('UNIT_NOT_REPORTING')]).toEqual([400, true]);
      const unknown = await s.post('/quan-tri/khoa-ky/ngoai-le', who, { unit: 'KHONG-CO', until: '2019-03-10', reason: 'Nộp bổ sung' });
      expect([unknown.statusCode, unknown.body!.includes('UNIT_NOT_FOUND')]).toEqual([404, true]);
    });
  });

  describe('ending an exception early', () => {
    const granted = async (s: ReturnType<typeof setup>, who: { cookie: string; csrf: string }) => {
      await s.post('/quan-tri/khoa-ky/khoa', who, {});
      await s.post('/quan-tri/khoa-ky/ngoai-le', who, { unit: SO_NV.code, until: '2019-03-10', reason: 'Sở nộp bổ sung' });
    };
    const page = async (s: ReturnType<typeof setup>, who: { cookie: string }, message = '') =>
      (await s.call('GET', '/quan-tri/khoa-ky', { cookie: who.cookie, query: `form=${FORM}&period=${PERIOD}${message}` })).body!;

    it('offers each live exception a "Kết thúc sớm" form with a required, bounded reason', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await granted(s, who);
      const body = await page(s, who);
      expect(body).toContain(`<form class="end-exception" method="post" action="/quan-tri/khoa-ky/ket-thuc-ngoai-le"><input type="hidden" name="_csrf" value="${who.csrf}">`);
      expect(body).toContain(`<input type="hidden" name="unit" value="${SO_NV.code}">`);
      expect(body).toMatch(/<label for="end-SO-NV">Lý do kết thúc sớm \(bắt buộc\)<\/label> <input id="end-SO-NV" name="reason" type="text" required maxlength="500"> <button class="button" type="submit">Kết thúc sớm<\/button>/);
      expect(body).not.toContain('chưa thu hồi sớm được');
    });

    it('ends it (303 back with a fixed message): the unit\'s upload is refused again, the row says who ended it, when and why; audited', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await granted(s, who);
      expect((await s.upload(SO_NV)).statusCode).toBe(201);
      s.world.clock.set(new Date('2019-03-02T02:00:00Z'));
      const admin = await s.signedIn(ADMIN);

      const res = await s.post('/quan-tri/khoa-ky/ket-thuc-ngoai-le', admin, { unit: SO_NV.code, reason: 'Sở đã nộp đủ <b>số liệu</b>' });

      expect([res.statusCode, res.headers['location']]).toEqual([303, `/quan-tri/khoa-ky?form=${FORM}&period=${PERIOD}&thong-bao=da-ket-thuc-ngoai-le`]);
      const refused = await s.upload(SO_NV);
      expect([refused.statusCode, refused.json()['code']]).toEqual([409, 'PERIOD_LOCKED']);
      const body = await page(s, admin, '&thong-bao=da-ket-thuc-ngoai-le');
      expect(body).toContain('Đã kết thúc sớm ngoại lệ');
      expect(body).toContain(`Đã kết thúc sớm lúc 09:00 ngày 02/03/2019 bởi ${ADMIN} (Sở đã nộp đủ &lt;b&gt;số liệu&lt;/b&gt;)`);
      expect(body).not.toContain('class="end-exception"');
      expect(s.lockActions().at(-1)).toEqual(expect.objectContaining({
        actor: ADMIN, action: 'period.exception-end', target: `${FORM}/${PERIOD}/${SO_NV.code}`,
        before: { until: '2019-03-10T16:59:00.000Z', reason: 'Sở nộp bổ sung' }, after: { until: '2019-03-02T02:00:00.000Z', reason: 'Sở nộp bổ sung', endReason: 'Sở đã nộp đủ <b>số liệu</b>' },
      }));
    });

    it.each([
      ['no reason', { unit: SO_NV.code, reason: '  ' }, 400, 'REASON_REQUIRED'],
      ['a reason over 500 characters', { unit: SO_NV.code, reason: 'x'.repeat(501) }, 400, 'REASON_INVALID'],
      ['a unit without a live exception', { unit: HU_TH.code, reason: 'Kết thúc' }, 409, 'EXCEPTION_NOT_ACTIVE'],
    ])('refuses %s (the page with the message and code), ending nothing', async (_case, fields, status, code) => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await granted(s, who);
      const res = await s.post('/quan-tri/khoa-ky/ket-thuc-ngoai-le', who, fields);
      expect(res.statusCode).toBe(status);
      expect(res.body).toContain(`(Mã lỗi: ${code})`);
      expect(res.body).not.toContain('x'.repeat(501));
      expect((await s.upload(SO_NV)).statusCode).toBe(201);
      expect(s.lockActions().map((e) => e.action)).toEqual(['period.lock', 'period.exception']);
    });

    it('shows a viewer no form and refuses its POST (403); refuses a cross-site post (403 CSRF_REFUSED); the exception keeps running', async () => {
      const s = setup();
      await granted(s, await s.signedIn(OPERATOR));
      const viewer = await s.signedIn(VIEWER);
      expect(await page(s, viewer)).not.toContain('end-exception');
      const byViewer = await s.post('/quan-tri/khoa-ky/ket-thuc-ngoai-le', viewer, { unit: SO_NV.code, reason: 'Kết thúc' });
      expect([byViewer.statusCode, byViewer.body!.includes('ROLE_FORBIDDEN')]).toEqual([403, true]);
      expect((await s.api('/api/admin/locks/exceptions/end', viewer, { formId: FORM, period: PERIOD, unit: SO_NV.code, reason: 'Kết thúc' })).statusCode).toBe(403);
      const admin = await s.signedIn(ADMIN);
      const crossSite = await s.post('/quan-tri/khoa-ky/ket-thuc-ngoai-le', admin, { unit: SO_NV.code, reason: 'Kết thúc' }, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example.com' });
      expect([crossSite.statusCode, crossSite.body!.includes('CSRF_REFUSED')]).toEqual([403, true]);
      expect((await s.upload(SO_NV)).statusCode).toBe(201);
      expect(s.lockActions().map((e) => e.action)).toEqual(['period.lock', 'period.exception']);
    });

    it('ends it through POST /api/admin/locks/exceptions/end; GET /api/admin/locks shows who ended it', async () => {
      const s = setup();
      const who = await s.signedIn(OPERATOR);
      await granted(s, who);
      const ended = await s.api('/api/admin/locks/exceptions/end', who, { formId: FORM, period: PERIOD, unit: SO_NV.code, reason: 'Đã nộp đủ' });
      expect(ended.statusCode).toBe(200);
      expect(ended.json()).toEqual({ formId: FORM, period: PERIOD, unit: SO_NV.code, until: '2019-03-01T03:00:00.000Z', reason: 'Sở nộp bổ sung', by: OPERATOR, at: '2019-03-01T03:00:00.000Z', endedAt: '2019-03-01T03:00:00.000Z', endedBy: OPERATOR, endReason: 'Đã nộp đủ' });
      const state = await s.call('GET', '/api/admin/locks', { cookie: who.cookie, query: `formId=${FORM}&period=${PERIOD}` });
      expect(state.json()).toMatchObject({ exceptions: [{ unit: SO_NV.code, endedBy: OPERATOR, endReason: 'Đã nộp đủ' }] });
      const again = await s.api('/api/admin/locks/exceptions/end', who, { formId: FORM, period: PERIOD, unit: SO_NV.code, reason: 'Đã nộp đủ' });
      expect([again.statusCode, again.json()['code']]).toEqual([409, 'EXCEPTION_NOT_ACTIVE']);
      const noReason = await s.api('/api/admin/locks/exceptions/end', who, { formId: FORM, period: PERIOD, unit: SO_NV.code });
      expect([noReason.statusCode, noReason.json()['code']]).toEqual([400, 'BODY_INVALID']);
      expect((await s.upload(SO_NV)).statusCode).toBe(409);
    });
  });

  describe('who may act', () => {
    it('lets a viewer read the page without any action, and refuses its POSTs (403), changing nothing', async () => {
      const s = setup();
      const viewer = await s.signedIn(VIEWER);
      const page = await s.call('GET', '/quan-tri/khoa-ky', { cookie: viewer.cookie, query: `form=${FORM}&period=${PERIOD}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('id="lock"');
      expect(page.body).not.toContain('id="grant-exception"');
      expect(page.body).toContain('Tài khoản xem');
      const lock = await s.post('/quan-tri/khoa-ky/khoa', viewer, {});
      expect([lock.statusCode, lock.body!.includes('ROLE_FORBIDDEN')]).toEqual([403, true]);
      const x = await s.post('/quan-tri/khoa-ky/ngoai-le', viewer, { unit: SO_NV.code, until: '2019-03-10', reason: 'Nộp bổ sung' });
      expect(x.statusCode).toBe(403);
      expect((await s.api('/api/admin/locks', viewer, { formId: FORM, period: PERIOD, action: 'lock' })).statusCode).toBe(403);
      expect(s.lockActions()).toEqual([]);
      expect((await s.upload(SO_NV)).statusCode).toBe(201);
    });

    it.each([
      ['from another site', { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example.com' }],
      ['with Origin: null from another site', { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'cross-site' }],
    ])('refuses a lock posted %s (403 CSRF_REFUSED), locking nothing', async (_case, headers) => {
      const s = setup();
      const who = await s.signedIn(ADMIN);
      const res = await s.post('/quan-tri/khoa-ky/khoa', who, {}, headers);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Mã lỗi: CSRF_REFUSED');
      expect((await s.upload(SO_NV)).statusCode).toBe(201);
    });

    it('refuses a form post without the CSRF field', async () => {
      const s = setup();
      const who = await s.signedIn(ADMIN);
      const res = await s.call('POST', '/quan-tri/khoa-ky/khoa', { cookie: who.cookie, headers: FORM_POST, body: `form=${FORM}&period=${PERIOD}` });
      expect(res.statusCode).toBe(403);
      expect(s.lockActions()).toEqual([]);
    });
  });

  describe('JSON', () => {
    it('locks, reads the state, grants an exception and unlocks (admin) through /api/admin/locks', async () => {
      const s = setup();
      const operator = await s.signedIn(OPERATOR);
      const locked = await s.api('/api/admin/locks', operator, { formId: FORM, period: PERIOD, action: 'lock' });
      expect(locked.statusCode).toBe(200);
      expect(locked.json()).toMatchObject({ formId: FORM, period: PERIOD, locked: true, source: 'manual', since: '2019-03-01T03:00:00.000Z', lastChange: { locked: true, by: OPERATOR } });
      const granted = await s.api('/api/admin/locks/exceptions', operator, { formId: FORM, period: PERIOD, unit: SO_NV.code, until: '2019-03-10', reason: 'Nộp bổ sung' });
      expect(granted.statusCode).toBe(201);
      expect(granted.json()).toMatchObject({ unit: SO_NV.code, until: '2019-03-10T16:59:00.000Z', by: OPERATOR });
      const state = await s.call('GET', '/api/admin/locks', { cookie: operator.cookie, query: `formId=${FORM}&period=${PERIOD}` });
      expect(state.json()).toMatchObject({ locked: true, exceptions: [{ unit: SO_NV.code, reason: 'Nộp bổ sung' }] });
      const refused = await s.api('/api/admin/locks', operator, { formId: FORM, period: PERIOD, action: 'unlock' });
      expect([refused.statusCode, refused.json()['code']]).toEqual([403, 'ADMIN_REQUIRED']);
      const unlocked = await s.api('/api/admin/locks', await s.signedIn(ADMIN), { formId: FORM, period: PERIOD, action: 'unlock' });
      expect(unlocked.json()).toMatchObject({ locked: false, lastChange: { locked: false, by: ADMIN } });
      expect(s.lockActions().map((e) => e.action)).toEqual(['period.lock', 'period.exception', 'period.unlock']);
    });

    it.each([
      ['an unknown action', { formId: FORM, period: PERIOD, action: 'delete' }, 'BODY_INVALID', 400],
      ['an overlong form id', { formId: 'f'.repeat(65), period: PERIOD, action: 'lock' }, 'BODY_INVALID', 400],
      ['a period of another kind', { formId: FORM, period: '2019-03', action: 'lock' }, 'PERIOD_NOT_FOUND', 404],
    ])('refuses %s', async (_case, body, code, status) => {
      const s = setup();
      const res = await s.api('/api/admin/locks', await s.signedIn(OPERATOR), body);
      expect([res.statusCode, res.json()['code']]).toEqual([status, code]);
      expect(s.lockActions()).toEqual([]);
    });

    it('refuses a JSON lock without the X-CSRF-Token header (403 CSRF_REFUSED)', async () => {
      const s = setup();
      const who = await s.signedIn(ADMIN);
      const res = await s.call('POST', '/api/admin/locks', { cookie: who.cookie, headers: { origin: 'https://baocao.example.vn' }, body: JSON.stringify({ formId: FORM, period: PERIOD, action: 'lock' }) });
      expect([res.statusCode, res.json()['code']]).toEqual([403, 'CSRF_REFUSED']);
    });
  });
});
