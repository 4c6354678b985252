/**
 * The operator console's routes through the API handler (sign-in pages, session cookie, CSRF,
 * roles, `/api/admin/`), on the portal's in-memory world plus the console's in-memory stores:
 * what an operator, or someone attacking the console from another site, would notice.
 */
import type { FormValues, Submission } from '../../../functions/core/model';
import { SESSION_IDLE_MS, SIGN_IN_ANSWER_FLOOR_MS, SIGN_IN_REQUESTED_MESSAGE, SIGN_IN_TOKEN_TTL_MS } from '../../../functions/core/operators/sign-in';
import { ADMIN, consoleHarness, OPERATOR, VIEWER } from './console-harness';
import { sampleValues } from '../../support/forms';
import { loadForm, submit } from '../consolidation/fixtures';
import { HU_TH, SO_NV, submission } from './world';

function setup(portalUrl = 'https://baocao.example.vn') {
  return consoleHarness({ portalUrl });
}

describe('console sign-in', () => {
  it('serves a Vietnamese sign-in page with an email form posting to the sign-in API', async () => {
    const s = setup();
    const res = await s.call('GET', '/quan-tri/sign-in');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="vi">');
    expect(res.body).toContain('Đăng nhập');
    expect(res.body).toMatch(/<form method="post" action="\/quan-tri\/api\/sign-in">/);
    expect(res.body).toContain('type="email"');
    expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });

  it('answers an unknown address exactly as a registered one (202, same body) and emails nobody', async () => {
    const s = setup();
    const known = await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const unknown = await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: 'khongco@tinhuy.example.vn' }) });
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(unknown.json()).toEqual({ message: SIGN_IN_REQUESTED_MESSAGE });
    expect(s.mailer.sent.map((m) => m.to)).toEqual([[ADMIN]]);
    // Both answers waited for the same floor (nothing can be told from how long they took).
    expect(s.timer.sleeps).toEqual([SIGN_IN_ANSWER_FLOOR_MS, SIGN_IN_ANSWER_FLOOR_MS]);
  });

  it('audits the request and the opened session with the operator as actor (never the token)', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    await s.call('GET', `/quan-tri/sign-in/${s.lastToken()}`);
    await s.confirm(s.lastToken());
    expect(s.audit.entries).toEqual([expect.objectContaining({ actor: ADMIN, action: 'signin.request' }), expect.objectContaining({ actor: ADMIN, action: 'signin.redeem' })]);
    expect(JSON.stringify(s.audit.entries)).not.toContain(s.lastToken());
  });

  it('refuses a sign-in request posted from another site\'s page (403 CSRF_REFUSED) and emails nobody', async () => {
    const s = setup();
    const res = await s.call('POST', '/quan-tri/api/sign-in', { headers: { origin: 'https://evil.example.com', 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(ADMIN)}` });
    expect(res.statusCode).toBe(403);
    expect(s.mailer.sent).toEqual([]);
    const same = await s.call('POST', '/quan-tri/api/sign-in', { headers: { origin: s.origin }, body: JSON.stringify({ email: ADMIN }) });
    expect(same.statusCode).toBe(202);
  });

  it('accepts the sign-in form posted from its own page, where the browser sends Origin: null (Referrer-Policy: no-referrer) with Sec-Fetch-Site: same-origin', async () => {
    const s = setup();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const res = await s.call('POST', '/quan-tri/api/sign-in', { headers: { ...form, origin: 'null', 'sec-fetch-site': 'same-origin' }, body: `email=${encodeURIComponent(ADMIN)}` });
    expect(res.statusCode).toBe(202);
    expect(s.mailer.sent.map((m) => m.to)).toEqual([[ADMIN]]);
    const forged = await s.call('POST', '/quan-tri/api/sign-in', { headers: { ...form, origin: 'null', 'sec-fetch-site': 'cross-site' }, body: `email=${encodeURIComponent(ADMIN)}` });
    expect(forged.statusCode).toBe(403);
    expect(s.mailer.sent).toHaveLength(1);
  });

  it('answers the page\'s form post (urlencoded) with a Vietnamese page', async () => {
    const s = setup();
    const res = await s.call('POST', '/quan-tri/api/sign-in', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(ADMIN)}` });
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Kiểm tra hộp thư');
    expect(s.mailer.sent).toHaveLength(1);
  });

  it('counts requests by the client IP API Gateway saw', async () => {
    const s = setup();
    for (let i = 0; i < 5; i += 1) await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: `x${i}@tinhuy.example.vn` }), sourceIp: '203.0.113.9' });
    const limited = await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }), sourceIp: '203.0.113.9' });
    const other = await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }), sourceIp: '203.0.113.10' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()['code']).toBe('SIGNIN_RATE_LIMITED');
    expect(other.statusCode).toBe(202);
  });

  it('shows the emailed link as a page naming the account (masked) with one button that posts to the link, spending nothing and setting no cookie', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const token = s.lastToken();
    const res = await s.call('GET', `/quan-tri/sign-in/${token}`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.statusCode).toBe(200);
    expect(res.cookies).toBeUndefined();
    expect(res.body).toContain('<h2>Đăng nhập vào trang quản trị</h2>');
    expect(res.body).toContain('<strong>qu•••@tinhuy.example.vn</strong>');
    expect(res.body).not.toContain(ADMIN);
    expect(res.body).toContain(`<form method="post" action="/quan-tri/sign-in/${token}">`);
    expect(res.body).toContain('<button class="button" type="submit">Đăng nhập</button>');
    expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="|http-equiv="refresh"/);
    expect(s.audit.entries.map((e) => e.action)).toEqual(['signin.request']);
  });

  it('survives a mail scanner: a second GET still shows the button, the POST then opens the session once, and a second POST is refused', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const token = s.lastToken();
    await s.call('GET', `/quan-tri/sign-in/${token}`, { headers: { 'user-agent': 'Safe Links scanner' } });
    const again = await s.call('GET', `/quan-tri/sign-in/${token}`);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain(`action="/quan-tri/sign-in/${token}"`);
    const first = await s.confirm(token);
    expect(first.statusCode).toBe(303);
    expect(first.headers['location']).toBe('/quan-tri/');
    const cookie = first.cookies![0]!.split(';')[0]!;
    expect((await s.call('GET', '/api/admin/me', { cookie })).statusCode).toBe(200);
    const second = await s.confirm(token);
    expect([second.statusCode, second.headers['content-type']]).toEqual([401, 'text/html; charset=utf-8']);
    expect(second.body).toContain('SIGNIN_USED');
    expect(second.cookies).toBeUndefined();
    // And the link, opened after, says it was used.
    const used = await s.call('GET', `/quan-tri/sign-in/${token}`);
    expect([used.statusCode, used.body?.includes('đã được dùng')]).toEqual([401, true]);
    expect(s.audit.entries.filter((e) => e.action === 'signin.redeem')).toHaveLength(1);
  });

  it('opens a session from the button: a __Host- cookie (HttpOnly, SameSite=Strict, Secure, Path=/) and 303 to the console', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const res = await s.confirm(s.lastToken(), { origin: s.origin });
    expect(res.statusCode).toBe(303);
    expect(res.headers['location']).toBe('/quan-tri/');
    expect(res.cookies).toHaveLength(1);
    const attrs = res.cookies![0]!.split('; ');
    expect(attrs[0]).toMatch(/^__Host-tonghop-phien=[A-Za-z0-9_-]{43}$/);
    expect(attrs).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure']));
    expect(attrs.some((a) => a.startsWith('Domain'))).toBe(false);
  });

  it.each([
    ['from another site', { origin: 'https://evil.example.com' }],
    ['with Origin: null from another site', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
  ])('refuses the button\'s POST %s (403 CSRF_REFUSED), spending nothing', async (_case, headers) => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const token = s.lastToken();
    const res = await s.confirm(token, headers);
    expect([res.statusCode, res.headers['content-type']]).toEqual([403, 'text/html; charset=utf-8']);
    expect(res.body).toContain('Mã lỗi: CSRF_REFUSED');
    expect(res.cookies).toBeUndefined();
    expect((await s.confirm(token)).statusCode).toBe(303);
  });

  it('uses a plain cookie name without Secure on an http portal (local)', async () => {
    const s = setup('http://localhost:3000');
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const res = await s.confirm(s.lastToken());
    expect(res.cookies![0]).toMatch(/^tonghop-phien=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  });

  it('refuses an expired link (after 15 minutes) with SIGNIN_EXPIRED, on the page and on the button', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const token = s.lastToken();
    expect((await s.call('GET', `/quan-tri/sign-in/${token}`)).statusCode).toBe(200);
    s.world.clock.advance(SIGN_IN_TOKEN_TTL_MS + 1000);
    for (const res of [await s.call('GET', `/quan-tri/sign-in/${token}`), await s.confirm(token)]) {
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('SIGNIN_EXPIRED');
      expect(res.body).toContain('hết hạn');
      expect(res.body).not.toContain('<form method="post" action="/quan-tri/sign-in/');
      expect(res.cookies).toBeUndefined();
    }
  });

  it('refuses an unknown or malformed link with SIGNIN_INVALID, without echoing it', async () => {
    const s = setup();
    for (const token of ['A'.repeat(43), '%3Cscript%3E']) {
      const res = await s.call('GET', `/quan-tri/sign-in/${token}`);
      expect([res.statusCode, res.body?.includes('SIGNIN_INVALID'), res.body?.includes('<script>')]).toEqual([401, true, false]);
    }
  });

  it('answers an unknown console page with a Vietnamese HTML page (404), and unknown console JSON with JSON', async () => {
    const s = setup();
    const page = await s.call('GET', '/quan-tri/khong-co');
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Trang quản trị');
    expect(page.body).toContain('ROUTE_NOT_FOUND');
    const api = await s.call('GET', '/quan-tri/api/khong-co');
    expect(api.json()['code']).toBe('ROUTE_NOT_FOUND');
  });

  it('does not spend the link on a HEAD (link checkers)', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const head = await s.call('HEAD', `/quan-tri/sign-in/${s.lastToken()}`);
    expect(head.cookies).toBeUndefined();
    expect((await s.call('GET', `/quan-tri/sign-in/${s.lastToken()}`)).statusCode).toBe(200);
    expect((await s.confirm(s.lastToken())).statusCode).toBe(303);
  });

  it('never logs a sign-in token, even when the link is refused', async () => {
    const s = setup();
    await s.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email: ADMIN }) });
    const token = s.lastToken();
    s.world.clock.advance(SIGN_IN_TOKEN_TTL_MS + 1000);
    await s.call('GET', `/quan-tri/sign-in/${token}`);
    await s.confirm(token);
    await s.confirm(token, { origin: 'https://evil.example.com' }); // 403
    await s.call('DELETE', `/quan-tri/sign-in/${token}`); // 405, logged by the error mapper
    expect(s.lines.filter((l) => l.includes('sign-in link refused'))).toHaveLength(2);
    expect(s.lines.join('\n')).not.toContain(token);
    expect(s.lines.some((l) => l.includes('/quan-tri/sign-in/[token:'))).toBe(true);
  });

  it('signs out: the session ends (audited), the cookie is cleared, and the next request answers 401', async () => {
    const s = setup();
    const { cookie, csrf } = await s.signedIn();
    const res = await s.call('POST', '/quan-tri/api/sign-out', { cookie, headers: { origin: s.origin, 'x-csrf-token': csrf } });
    expect(res.statusCode).toBe(200);
    expect(res.cookies![0]).toMatch(/^__Host-tonghop-phien=; .*Max-Age=0$/);
    expect(s.audit.entries.at(-1)).toMatchObject({ actor: ADMIN, action: 'signin.end' });
    expect((await s.call('GET', '/api/admin/me', { cookie })).statusCode).toBe(401);
  });
  it('signs out from the masthead form without script: the hidden _csrf field counts, the browser lands on sign-in told so', async () => {
    const s = setup();
    const { cookie, csrf } = await s.signedIn();
    const page = await s.call('GET', '/quan-tri', { cookie });
    expect(page.body).toContain(`<form method="post" action="/quan-tri/api/sign-out" class="sign-out-form"><input type="hidden" name="_csrf" value="${csrf}">`);
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'same-origin' };
    // Another session's token (or none) in the field is refused and the session lives on.
    const refused = await s.call('POST', '/quan-tri/api/sign-out', { cookie, headers: form, body: '_csrf=not-the-token' });
    expect(refused.statusCode).toBe(403);
    expect((await s.call('GET', '/api/admin/me', { cookie })).statusCode).toBe(200);
    const res = await s.call('POST', '/quan-tri/api/sign-out', { cookie, headers: form, body: `_csrf=${encodeURIComponent(csrf)}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers!['location']).toBe('/quan-tri/sign-in?da-dang-xuat=1');
    expect(res.cookies![0]).toMatch(/Max-Age=0$/);
    expect((await s.call('GET', '/api/admin/me', { cookie })).statusCode).toBe(401);
    const signInPage = await s.call('GET', '/quan-tri/sign-in', { query: 'da-dang-xuat=1' });
    expect(signInPage.body).toContain('Đồng chí đã đăng xuất.');
  });

  it('a form post from another site is refused even with the right _csrf field', async () => {
    const s = setup();
    const { cookie, csrf } = await s.signedIn();
    const res = await s.call('POST', '/quan-tri/api/sign-out', { cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: `_csrf=${encodeURIComponent(csrf)}` });
    expect(res.statusCode).toBe(403);
    expect(res.json()['code']).toBe('CSRF_REFUSED');
    expect((await s.call('GET', '/api/admin/me', { cookie })).statusCode).toBe(200);
  });

  it('every signed-in page carries the sections navigation, the current one marked', async () => {
    const s = setup();
    const { cookie } = await s.signedIn();
    const page = await s.call('GET', '/quan-tri', { cookie });
    expect(page.body).toMatch(/<nav class="console-nav" aria-label="Các mục quản trị">/);
    expect(page.body).toContain('<a href="/quan-tri/" aria-current="page">Tình hình nộp báo cáo</a>');
    expect(page.body).toContain('<a href="/quan-tri/don-vi">Đơn vị</a>');
  });
});

describe('console sessions', () => {
  it('GET /api/admin/me answers who is signed in and the CSRF token', async () => {
    const s = setup();
    const { cookie } = await s.signedIn();
    const me = await s.call('GET', '/api/admin/me', { cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ email: ADMIN, name: 'Cán bộ admin', role: 'admin', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('answers 401 { code, message } in Vietnamese without a session, and for an expired one', async () => {
    const s = setup();
    const none = await s.call('GET', '/api/admin/me');
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ code: 'SESSION_INVALID', message: expect.stringContaining('đăng nhập') });
    const { cookie } = await s.signedIn();
    s.world.clock.advance(SESSION_IDLE_MS + 1000);
    const expired = await s.call('GET', '/api/admin/status/sap-xep-bo-may/2019-Q1', { cookie });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()['code']).toBe('SESSION_EXPIRED');
  });

  it('sends the browser to sign-in (303) from the console root without a session, and greets the operator with one', async () => {
    const s = setup();
    const anonymous = await s.call('GET', '/quan-tri/');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers['location']).toBe('/quan-tri/sign-in');
    const { cookie } = await s.signedIn();
    const page = await s.call('GET', '/quan-tri/', { cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cán bộ admin');
    expect(page.body).toContain(ADMIN);
  });

  it('answers the console root with "Tình hình nộp báo cáo" of the open period, filtered by the page\'s GET query', async () => {
    const s = setup();
    await s.world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' }));
    const { cookie } = await s.signedIn(VIEWER);
    expect((await s.call('GET', '/quan-tri/', { cookie })).body).toContain('Tình hình nộp báo cáo');
    const page = await s.call('GET', '/quan-tri/', { cookie, query: 'form=sap-xep-bo-may' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-form-id="sap-xep-bo-may" data-period="2019-Q1"');
    expect(page.body).toContain('<tr data-code="SO-NV">');
    expect(page.body).toContain('<tr data-code="HU-TH">');

    const filtered = await s.call('GET', '/quan-tri/', { cookie, query: 'form=sap-xep-bo-may&period=2019-Q1&status=chua-nop&search=thach+ha' });
    expect(filtered.body).toContain('<tr data-code="HU-TH">');
    expect(filtered.body).not.toContain('<tr data-code="SO-NV">');
    // Any recent period can be chosen: the previous quarter is offered and shown.
    expect(page.body).toContain('<option value="2018-Q4">');
    expect((await s.call('GET', '/quan-tri/', { cookie, query: 'form=sap-xep-bo-may&period=2018-Q4' })).body).toContain('data-period="2018-Q4"');
  });

  it('shows a form\'s open period when the asked period belongs to another form, and refuses a bad filter with a Vietnamese page', async () => {
    const s = setup();
    const { cookie } = await s.signedIn();
    const switched = await s.call('GET', '/quan-tri/', { cookie, query: 'form=bien-che-thang&period=2019-Q1' });
    expect(switched.statusCode).toBe(200);
    expect(switched.body).toMatch(/data-form-id="bien-che-thang" data-period="2019-\d{2}"/);
    expect(switched.body).toContain('không thuộc biểu mẫu này');
    const bad = await s.call('GET', '/quan-tri/', { cookie, query: 'status=%3Cscript%3E' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^text\/html/);
    expect(bad.body).toContain('STATUS_FILTER_INVALID');
    expect(bad.body).not.toContain('<script>');
  });

  it('serves the console script as a versioned asset', async () => {
    const s = setup();
    const res = await s.call('GET', '/assets/console.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.body).toContain('/api/admin/status/');
  });

  describe('a state-changing request', () => {
    it.each([
      ['from another site', (o: string, csrf: string) => ({ origin: 'https://evil.example.com', 'x-csrf-token': csrf })],
      ['without Origin', (_o: string, csrf: string) => ({ 'x-csrf-token': csrf })],
      ['with Origin: null from another site', (_o: string, csrf: string) => ({ origin: 'null', 'sec-fetch-site': 'cross-site', 'x-csrf-token': csrf })],
      ['without the CSRF token', (o: string) => ({ origin: o })],
      ['with a wrong CSRF token', (o: string, csrf: string) => ({ origin: o, 'x-csrf-token': `${csrf.slice(0, -1)}A` === csrf ? `${csrf.slice(0, -1)}B` : `${csrf.slice(0, -1)}A` })],
    ])('is refused (403 CSRF_REFUSED) %s, and changes nothing', async (_label, headers) => {
      const s = setup();
      const { cookie, csrf } = await s.signedIn();
      const before = s.audit.entries.length;
      const res = await s.call('POST', '/quan-tri/api/sign-out', { cookie, headers: headers(s.origin, csrf) });
      expect(res.statusCode).toBe(403);
      expect(res.json()['code']).toBe('CSRF_REFUSED');
      expect(s.audit.entries).toHaveLength(before);
      expect((await s.call('GET', '/api/admin/me', { cookie })).statusCode).toBe(200);
    });
  });
});

describe('console JSON', () => {
  it('GET /api/admin/status/<form>/<period> answers the grid of every unit', async () => {
    const s = setup();
    await s.world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' }));
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', '/api/admin/status/sap-xep-bo-may/2019-Q1', { cookie });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { formId: string; period: string; units: Array<{ code: string; status: string }> };
    expect(body).toMatchObject({ formId: 'sap-xep-bo-may', period: '2019-Q1' });
    expect(body.units.map((u) => [u.code, u.status]).sort()).toEqual([[HU_TH.code, 'chua-nop'], [SO_NV.code, 'da-nop']]);
  });

  it('GET /api/admin/units/<code>/submissions answers every version, newest first', async () => {
    const s = setup();
    const older = submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', receivedAt: '2019-02-20T02:00:00.000Z', status: 'rejected' });
    const newer = submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1', receivedAt: '2019-02-21T02:00:00.000Z' });
    await s.world.submissions.createIfAbsent(older);
    await s.world.submissions.createIfAbsent(newer);
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', '/api/admin/units/SO-NV/submissions', { cookie, query: 'form=sap-xep-bo-may&period=2019-Q1' });
    expect(res.statusCode).toBe(200);
    expect((res.json()['submissions'] as Array<{ uploadId: string }>).map((v) => v.uploadId)).toEqual([newer.uploadId, older.uploadId]);
    expect((await s.call('GET', '/api/admin/units/KHONG-CO/submissions', { cookie })).statusCode).toBe(404);
    const long = await s.call('GET', `/api/admin/units/${'X'.repeat(65)}/submissions`, { cookie });
    expect([long.statusCode, long.json()['code']]).toEqual([400, 'PARAM_INVALID']);
    const badQuery = await s.call('GET', '/api/admin/units/SO-NV/submissions', { cookie, query: `period=${'9'.repeat(65)}` });
    expect([badQuery.statusCode, badQuery.json()['code']]).toEqual([400, 'PARAM_INVALID']);
  });

  it('GET /api/admin/diff/<A>/<B> answers what the unit changed between two versions', async () => {
    const s = setup();
    const sap = loadForm('sap-xep-bo-may');
    const values = sampleValues(sap, 'so-nganh', 2);
    const a = await submit(s.world.submissions, { unitCode: 'SO-NV', formId: sap.id, period: '2019-Q1', receivedAt: '2019-02-20T01:00:00Z', values });
    const changed = structuredClone(values);
    changed.fields['09.co_mat'] = (values.fields['09.co_mat'] as number) + 1;
    const b = await submit(s.world.submissions, { unitCode: 'SO-NV', formId: sap.id, period: '2019-Q1', receivedAt: '2019-02-21T01:00:00Z', values: changed });
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', `/api/admin/diff/${a.uploadId}/${b.uploadId}`, { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.json()['changes']).toEqual([expect.objectContaining({ field: '09.co_mat', code: '09', column: 'Có mặt', before: values.fields['09.co_mat'], after: changed.fields['09.co_mat'] })]);
    expect((await s.call('GET', `/api/admin/diff/${a.uploadId}/${b.uploadId}`)).statusCode).toBe(401);
  });

  it('GET /api/admin/audit answers the entries of a bounded, validated range', async () => {
    const s = setup();
    const { cookie } = await s.signedIn();
    const res = await s.call('GET', '/api/admin/audit', { cookie, query: 'from=2019-03-01&to=2019-03-01' });
    expect(res.statusCode).toBe(200);
    expect((res.json()['entries'] as Array<{ action: string }>).map((e) => e.action).sort()).toEqual(['signin.redeem', 'signin.request']);
    for (const q of ['from=2019-02-30', 'from=01/03/2019', 'from=2017-01-01&to=2019-03-01', 'from=2019-03-02&to=2019-03-01']) {
      const bad = await s.call('GET', '/api/admin/audit', { cookie, query: q });
      expect([q, bad.statusCode, bad.json()['code']]).toEqual([q, 400, 'AUDIT_RANGE_INVALID']);
    }
  });
});

describe('POST /api/admin/consolidations', () => {
  const build = { formId: 'sap-xep-bo-may', period: '2019-Q1', send: false };
  const post = async (s: ReturnType<typeof setup>, email: string, body: unknown) => {
    const { cookie, csrf } = await s.signedIn(email);
    return s.call('POST', '/api/admin/consolidations', { cookie, headers: { origin: s.origin, 'x-csrf-token': csrf }, body: JSON.stringify(body) });
  };

  it('builds the workbook for an operator, answers a fresh download link, and audits it with the operator as actor', async () => {
    const s = setup();
    await s.world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' }));
    const res = await post(s, OPERATOR, build);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ formId: 'sap-xep-bo-may', period: '2019-Q1', email: { status: 'not-requested' }, downloadUrl: expect.any(String) });
    expect(body).not.toHaveProperty('workbook');
    expect(s.audit.entries.at(-1)).toMatchObject({ actor: OPERATOR, action: 'consolidation.build', target: 'sap-xep-bo-may/2019-Q1' });
  });

  it('sends it when asked, audited as consolidation.send', async () => {
    const s = setup();
    const res = await post(s, ADMIN, { ...build, send: true });
    expect(res.statusCode).toBe(200);
    expect(s.audit.entries.at(-1)).toMatchObject({ actor: ADMIN, action: 'consolidation.send', target: 'sap-xep-bo-may/2019-Q1', after: { email: (res.json()['email'] as { status: string }).status } });
  });

  it('refuses a viewer (403 ROLE_FORBIDDEN) and builds nothing', async () => {
    const s = setup();
    const res = await post(s, VIEWER, build);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 'ROLE_FORBIDDEN', message: expect.stringContaining('chỉ có quyền xem') });
    expect(s.audit.entries.map((e) => e.action)).not.toContain('consolidation.build');
    expect(await s.world.files.list('reports/')).toEqual([]);
  });

  it.each([
    ['send missing', { formId: 'sap-xep-bo-may', period: '2019-Q1' }],
    ['send not a boolean', { ...build, send: 'yes' }],
    ['an over-long form id', { ...build, formId: 'x'.repeat(65) }],
  ])('refuses a body with %s (400 BODY_INVALID)', async (_case, body) => {
    const s = setup();
    const res = await post(s, OPERATOR, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()['code']).toBe('BODY_INVALID');
  });
});

describe('console unit drill-down', () => {
  const Q1 = { unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' };
  const sap = loadForm('sap-xep-bo-may');
  /** An accepted version as ingest stores it: the record, its values, and the latest-accepted pointer. */
  const accepted = async (s: ReturnType<typeof setup>, overrides: Partial<Submission> & Pick<Submission, 'unitCode' | 'formId' | 'period'>, values: FormValues) => {
    const sub = submission({ ...overrides, status: 'accepted' });
    await s.world.submissions.createIfAbsent(sub);
    await s.world.submissions.putValues(sub.uploadId, values);
    await s.world.submissions.advanceLatestAccepted(sub);
    return sub;
  };
  const twoVersions = async (s: ReturnType<typeof setup>) => {
    const older = submission({
      ...Q1, status: 'rejected', receivedAt: '2019-02-20T02:00:00.000Z', fileName: 'bao-cao-lan-1.xlsx', size: 20_480,
      errors: [{ code: 'NOT_A_NUMBER', severity: 'error', message: 'Ô phải là số.', sheet: 'Biểu', cell: 'D12' }],
      feedbackKey: 'feedback/older.xlsx',
    });
    await s.world.submissions.createIfAbsent(older);
    const newer = await accepted(s, {
      ...Q1, receivedAt: '2019-02-21T02:05:00.000Z', fileName: 'bao-cao-lan-2.xlsx', size: 21_000, sha256: 'ab'.repeat(32),
      warnings: [{ code: 'TOTAL_MISMATCH', severity: 'warning', message: 'Tổng không khớp.', sheet: 'Biểu', cell: 'E9' }],
    }, sampleValues(sap, 'so-nganh', 2));
    return { older, newer: (await s.world.submissions.get(newer.uploadId))! };
  };
  const page = (s: ReturnType<typeof setup>, cookie: string, code = 'SO-NV') => s.call('GET', `/quan-tri/don-vi/${code}`, { cookie, query: 'form=sap-xep-bo-may&period=2019-Q1' });

  it('lists every version of the unit\'s report, newest first, with its time, file, size, SHA-256, status, errors and warnings by cell, and console download links', async () => {
    const s = setup();
    const { older, newer } = await twoVersions(s);
    const { cookie } = await s.signedIn(VIEWER);
    const res = await page(s, cookie);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Sở Nội vụ');
    expect(res.body).toContain('Sở, ban, ngành');
    const rows = (res.body ?? '').match(/<tr data-upload-id="[^"]+">.*?<\/tr>/g) ?? [];
    expect(rows.map((r) => /data-upload-id="([^"]+)"/.exec(r)![1])).toEqual([newer.uploadId, older.uploadId]);
    expect(rows[0]).toContain('21/02/2019 09:05');
    expect(rows[0]).toContain('bao-cao-lan-2.xlsx');
    expect(rows[0]).toContain('>21 KB<');
    expect(rows[1]).toContain('>20 KB<');
    expect(rows[0]).toContain(`<code title="${'ab'.repeat(32)}">abababababab…</code>`);
    expect(rows[0]).toContain('đã nộp');
    expect(rows[0]).toMatch(/Biểu!E9<\/span> Tổng không khớp\./);
    expect(rows[0]).toContain(`href="/quan-tri/tai/ban-goc/${newer.uploadId}"`);
    expect(rows[0]).not.toContain('/quan-tri/tai/ket-qua/');
    expect(rows[1]).toContain('bị từ chối');
    expect(rows[1]).toMatch(/Biểu!D12<\/span> Ô phải là số\./);
    expect(rows[1]).toContain(`href="/quan-tri/tai/ket-qua/${older.uploadId}"`);
    expect(res.body).not.toContain('uploads/');
    expect(res.body).not.toContain('feedback/older');
  });

  it('escapes a hostile file name', async () => {
    const s = setup();
    await s.world.submissions.createIfAbsent(submission({ ...Q1, fileName: '<img src=x onerror=alert(1)>.xlsx' }));
    const { cookie } = await s.signedIn(VIEWER);
    const res = await page(s, cookie);
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;.xlsx');
    expect(res.body).not.toContain('<img src=x');
  });

  it('links each unit\'s name in the status grid to its drill-down for the form and period shown', async () => {
    const s = setup();
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', '/quan-tri/', { cookie, query: 'form=sap-xep-bo-may&period=2019-Q1' });
    expect(res.body).toContain('<a href="/quan-tri/don-vi/SO-NV?form=sap-xep-bo-may&amp;period=2019-Q1">Sở Nội vụ</a>');
  });

  it('sends the browser to sign-in without a session (page and downloads), presigning nothing', async () => {
    const s = setup();
    const { newer } = await twoVersions(s);
    const presign = jest.spyOn(s.world.files, 'createDownloadUrl');
    for (const path of ['/quan-tri/don-vi/SO-NV', `/quan-tri/tai/ban-goc/${newer.uploadId}`, `/quan-tri/tai/ket-qua/${newer.uploadId}`, `/quan-tri/don-vi/SO-NV/so-sanh`]) {
      const res = await s.call('GET', path);
      expect([path, res.statusCode, res.headers['location']]).toEqual([path, 303, '/quan-tri/sign-in']);
    }
    expect(presign).not.toHaveBeenCalled();
    expect(s.audit.entries.map((e) => e.action)).not.toContain('submission.download.original');
  });

  it('downloads a version\'s original and its annotated workbook through a fresh 5-minute link on each click, audited with the operator as actor', async () => {
    const s = setup();
    const { older } = await twoVersions(s);
    const presign = jest.spyOn(s.world.files, 'createDownloadUrl');
    const { cookie } = await s.signedIn(OPERATOR);
    const first = await s.call('GET', `/quan-tri/tai/ban-goc/${older.uploadId}`, { cookie });
    const second = await s.call('GET', `/quan-tri/tai/ban-goc/${older.uploadId}`, { cookie });
    const feedback = await s.call('GET', `/quan-tri/tai/ket-qua/${older.uploadId}`, { cookie });
    expect([first.statusCode, second.statusCode, feedback.statusCode]).toEqual([303, 303, 303]);
    expect(first.headers['location']).toBe(`http://files.test/${encodeURIComponent(older.s3Key)}`);
    expect(presign.mock.calls).toEqual([
      [older.s3Key, { expiresInSeconds: 300, fileName: 'bao-cao-lan-1.xlsx' }],
      [older.s3Key, { expiresInSeconds: 300, fileName: 'bao-cao-lan-1.xlsx' }],
      ['feedback/older.xlsx', { expiresInSeconds: 300, fileName: 'bao-cao-lan-1 - kết quả kiểm tra.xlsx' }],
    ]);
    expect(s.audit.entries.filter((e) => e.action.startsWith('submission.download'))).toEqual([
      expect.objectContaining({ actor: OPERATOR, action: 'submission.download.original', target: older.uploadId }),
      expect.objectContaining({ actor: OPERATOR, action: 'submission.download.original', target: older.uploadId }),
      expect.objectContaining({ actor: OPERATOR, action: 'submission.download.feedback', target: older.uploadId }),
    ]);
  });

  it('refuses a download with no annotated workbook, an unknown upload, and a malformed id with a Vietnamese page and the code', async () => {
    const s = setup();
    const { newer } = await twoVersions(s);
    const { cookie } = await s.signedIn(VIEWER);
    for (const [path, status, code] of [
      [`/quan-tri/tai/ket-qua/${newer.uploadId}`, 404, 'FEEDBACK_NOT_FOUND'],
      ['/quan-tri/tai/ban-goc/jsq0zzzzz-abcdefghij', 404, 'SUBMISSION_NOT_FOUND'],
      [`/quan-tri/tai/ban-goc/${'a'.repeat(65)}`, 400, 'PARAM_INVALID'],
      ['/quan-tri/tai/ban-goc/..%2Fuploads', 400, 'PARAM_INVALID'],
    ] as const) {
      const res = await s.call('GET', path, { cookie });
      expect([path, res.statusCode, res.headers['content-type']]).toEqual([path, status, 'text/html; charset=utf-8']);
      expect(res.body).toContain(`Mã lỗi: ${code}`);
    }
  });

  it('offers a diff form over the accepted versions and a "So với kỳ trước" link', async () => {
    const s = setup();
    const { newer, older } = await twoVersions(s);
    const { cookie } = await s.signedIn(VIEWER);
    const res = await page(s, cookie);
    expect(res.body).toContain('<form class="filters" method="get" action="/quan-tri/don-vi/SO-NV/so-sanh">');
    expect(res.body).toMatch(new RegExp(`<select id="d-b" name="b"><option value="${newer.uploadId}" selected>`));
    expect(res.body).not.toContain(`<option value="${older.uploadId}"`);
    expect(res.body).toContain(`<a href="/quan-tri/don-vi/SO-NV/so-sanh?b=${newer.uploadId}">So với kỳ trước</a>`);
  });

  it('shows the cells a unit changed between two versions (Mã số, Chỉ tiêu, Cột, Trước, Sau)', async () => {
    const s = setup();
    const values = sampleValues(sap, 'so-nganh', 2);
    const a = await accepted(s, { ...Q1, receivedAt: '2019-02-20T01:00:00Z' }, values);
    const changed = structuredClone(values);
    changed.fields['09.co_mat'] = (values.fields['09.co_mat'] as number) + 1001;
    const b = await accepted(s, { ...Q1, receivedAt: '2019-02-21T01:00:00Z' }, changed);
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', '/quan-tri/don-vi/SO-NV/so-sanh', { cookie, query: `a=${a.uploadId}&b=${b.uploadId}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<th scope="col">Mã số<\/th><th scope="col">Chỉ tiêu<\/th><th scope="col">Cột<\/th><th scope="col" class="num">Trước<\/th><th scope="col" class="num">Sau<\/th>/);
    const fmt = (n: number) => n.toLocaleString('vi-VN');
    expect(res.body).toMatch(new RegExp(`<tr><td class="nowrap">09</td><td>[^<]+</td><td>Có mặt</td><td class="num">${fmt(values.fields['09.co_mat'] as number)}</td><td class="num">${fmt(changed.fields['09.co_mat'] as number)}</td></tr>`));
  });

  it('shows table rows added, removed and changed, escaping what the unit typed', async () => {
    const s = setup();
    const bien = loadForm('bien-che-thang');
    const M = { unitCode: 'SO-NV', formId: bien.id, period: '2019-02' };
    const values = sampleValues(bien, 'so-nganh', 2);
    const changed = structuredClone(values);
    const rows = changed.tables['don_vi']!;
    rows[0]!['co_mat'] = (rows[0]!['co_mat'] as number) + 1;
    rows.splice(1, 1);
    rows.push({ ten_don_vi: '<b>Phòng mới</b>', duoc_giao: 5, co_mat: 4, so_nghi: 0, ghi_chu: null });
    const a = await accepted(s, { ...M, receivedAt: '2019-02-20T01:00:00Z' }, values);
    const b = await accepted(s, { ...M, receivedAt: '2019-02-21T01:00:00Z' }, changed);
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', '/quan-tri/don-vi/SO-NV/so-sanh', { cookie, query: `a=${a.uploadId}&b=${b.uploadId}` });
    expect(res.statusCode).toBe(200);
    const body = res.body ?? '';
    expect(body).toMatch(/<td rowspan="\d+">sửa<\/td><td rowspan="\d+">Phòng Tổ chức cán bộ 1<\/td>/);
    expect(body).toMatch(/<td rowspan="\d+">bỏ dòng<\/td><td rowspan="\d+">Văn phòng 2<\/td>/);
    expect(body).toMatch(/<td rowspan="\d+">thêm dòng<\/td><td rowspan="\d+">&lt;b&gt;Phòng mới&lt;\/b&gt;<\/td>/);
    expect(body).not.toContain('<b>Phòng mới');
  });

  it('compares a version with the previous period\'s accepted report', async () => {
    const s = setup();
    const values = sampleValues(sap, 'so-nganh', 2);
    await accepted(s, { ...Q1, period: '2018-Q4', receivedAt: '2018-11-20T01:00:00Z' }, values);
    const changed = structuredClone(values);
    changed.fields['09.co_mat'] = (values.fields['09.co_mat'] as number) + 3;
    const q1 = await accepted(s, { ...Q1, receivedAt: '2019-02-21T01:00:00Z' }, changed);
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', '/quan-tri/don-vi/SO-NV/so-sanh', { cookie, query: `b=${q1.uploadId}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('trước là lần 1 kỳ Năm 2018');
    expect(res.body).toContain('<td>Có mặt</td>');
  });

  it.each([
    ['a version that was not accepted', 409, 'SUBMISSION_NOT_ACCEPTED'],
    ['another unit\'s versions through this unit\'s page', 400, 'DIFF_OTHER_UNIT'],
    ['two units\' versions', 400, 'DIFF_DIFFERENT_UNITS'],
    ['no previous period\'s report', 404, 'PREVIOUS_PERIOD_NOT_FOUND'],
    ['a malformed id', 400, 'PARAM_INVALID'],
  ] as const)('refuses to compare %s with a Vietnamese page and the code', async (which, status, code) => {
    const s = setup();
    const { older, newer } = await twoVersions(s);
    const other = await accepted(s, { unitCode: 'HU-TH', formId: 'sap-xep-bo-may', period: '2019-Q1' }, sampleValues(sap, 'huyen', 2));
    const query = {
      'a version that was not accepted': ['SO-NV', `a=${older.uploadId}&b=${newer.uploadId}`],
      'another unit\'s versions through this unit\'s page': ['HU-TH', `a=${newer.uploadId}&b=${newer.uploadId}`],
      'two units\' versions': ['SO-NV', `a=${other.uploadId}&b=${newer.uploadId}`],
      'no previous period\'s report': ['SO-NV', `b=${newer.uploadId}`],
      'a malformed id': ['SO-NV', `a=${encodeURIComponent('<script>')}&b=${newer.uploadId}`],
    }[which];
    const { cookie } = await s.signedIn(VIEWER);
    const res = await s.call('GET', `/quan-tri/don-vi/${query[0]}/so-sanh`, { cookie, query: query[1] });
    expect([res.statusCode, res.headers['content-type']]).toEqual([status, 'text/html; charset=utf-8']);
    expect(res.body).toContain(`Mã lỗi: ${code}`);
    expect(res.body).not.toContain('<script>');
  });
});
