/**
 * The review side of the console through the API handler: the drill-down's "Duyệt báo cáo" panel
 * and its plain forms (approve, return with a comment, withdraw), the status grid's "Duyệt"
 * column, filter and bulk approval, and `POST /api/admin/reviews` — what an operator, a viewer,
 * a unit receiving the return email, or another site would notice.
 */
import type { Submission, ValidationIssue } from '../../../functions/core/model';
import { ADMIN, consoleHarness, operator, OPERATOR, VIEWER, type CallOptions } from './console-harness';
import { submission } from './world';

const OTHER = 'canbo2@tinhuy.example.vn';
const Q1 = { formId: 'sap-xep-bo-may', period: '2019-Q1' };
const PAGE_QUERY = 'form=sap-xep-bo-may&period=2019-Q1';
const WARNING: ValidationIssue = { code: 'QUOTA_EXCEEDED', severity: 'warning', message: 'Có mặt vượt biên chế được giao.', sheet: 'Biểu', cell: 'F20' };

function setup(portalUrl = 'https://baocao.example.vn') {
  const h = consoleHarness({ portalUrl, operators: [operator(ADMIN, 'admin'), operator(VIEWER, 'viewer'), operator(OPERATOR, 'operator'), operator(OTHER, 'operator')] });
  const { world, mailer, origin } = h;
  const call = async (method: string, path: string, options: CallOptions = {}) => {
    const res = await h.call(method, path, options);
    return { ...res, body: res.body ?? '' };
  };
  /** Signed in with the mail cleared, so a test sees only the emails its own actions sent. */
  const signedIn = async (email = OPERATOR) => {
    const session = await h.signedIn(email);
    mailer.sent.length = 0;
    return session;
  };
  /** A page's form, posted as the browser posts it (urlencoded, the hidden `_csrf`, same origin). */
  const postForm = (who: { cookie: string; csrf: string }, path: string, fields: Array<[string, string]>, headers: Record<string, string> = { origin }) =>
    call('POST', path, { cookie: who.cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams([['_csrf', who.csrf], ...fields]).toString() });
  const review = (who: { cookie: string; csrf: string }, uploadId: string, action: string, comment?: string) =>
    postForm(who, '/quan-tri/duyet', [['uploadId', uploadId], ['action', action], ...(comment === undefined ? [] : [['comment', comment] as [string, string]])]);
  const page = (who: { cookie: string }, code = 'SO-NV') => call('GET', `/quan-tri/don-vi/${code}`, { cookie: who.cookie, query: PAGE_QUERY });
  const follow = (who: { cookie: string }, location: string) => {
    const url = new URL(location, portalUrl);
    return call('GET', url.pathname, { cookie: who.cookie, query: url.search.slice(1) });
  };
  /** An accepted version of `unitCode`'s 2019-Q1 report. */
  const accepted = async (unitCode: string, overrides: Partial<Submission> = {}) => {
    const s = submission({ unitCode, ...Q1, status: 'accepted', ...overrides });
    await world.submissions.createIfAbsent(s);
    return (await world.submissions.get(s.uploadId))!;
  };
  return { ...h, call, signedIn, postForm, review, page, follow, accepted };
}

type S = ReturnType<typeof setup>;
/** The "Duyệt báo cáo" panel of a drill-down page. */
const panel = (html: string) => /<section class="panel review"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
const stateOf = (html: string) => /data-review-state="([^"]+)"/.exec(html)?.[1];
const reviewActions = (s: S) => s.audit.entries.filter((e) => e.action.startsWith('review.'));

describe('console review on the drill-down', () => {
  it('shows the latest accepted version as chờ duyệt with an approve button and a return form (required comment, maxlength 2000), each carrying the CSRF field', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV', { receivedAt: '2019-02-20T02:00:00.000Z' });
    const who = await s.signedIn(OPERATOR);
    const res = await s.page(who);
    expect(res.statusCode).toBe(200);
    const p = panel(res.body);
    expect(p).toContain('<h3 id="review-heading">Duyệt báo cáo</h3>');
    expect(p).toContain('<span class="badge badge-processing">chờ duyệt</span>');
    expect(p.match(/<form method="post" action="\/quan-tri\/duyet"/g)).toHaveLength(2);
    expect(p.match(new RegExp(`<input type="hidden" name="_csrf" value="${who.csrf}">`, 'g'))).toHaveLength(2);
    expect(p).toContain(`<input type="hidden" name="uploadId" value="${v.uploadId}">`);
    expect(p).toMatch(/<textarea id="return-comment" name="comment" rows="4" required maxlength="2000"/);
    expect(p).toContain('<button class="button" type="submit">Duyệt báo cáo</button>');
    expect(p).toContain('Trả lại báo cáo</button>');
    expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });

  it('offers nothing to review before a version is accepted: no panel without uploads, a note with only a refused one', async () => {
    const s = setup();
    const who = await s.signedIn(OPERATOR);
    expect((await s.page(who)).body).not.toContain('Duyệt báo cáo');
    await s.world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', ...Q1, status: 'rejected' }));
    const p = panel((await s.page(who)).body);
    expect(p).toContain('Chưa có bản nào được tiếp nhận để duyệt.');
    expect(p).not.toContain('<form');
  });

  it('approves: Post/Redirect/Get to the drill-down with a fixed message, the badge đã duyệt with who and when, and one audit entry before → after', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    const res = await s.review(who, v.uploadId, 'approve');
    expect(res.statusCode).toBe(303);
    expect(res.headers['location']).toBe('/quan-tri/don-vi/SO-NV?form=sap-xep-bo-may&period=2019-Q1&tb=da-duyet#duyet');
    const after = await s.follow(who, res.headers['location']!);
    const p = panel(after.body);
    expect(p).toContain('<p class="flash" role="status">Đã duyệt báo cáo.</p>');
    expect(stateOf(after.body)).toBe('da-duyet');
    expect(p).toContain(`Duyệt bởi ${OPERATOR} lúc 01/03/2019 10:00.`);
    // Now only withdrawal (with a reason) is offered.
    expect(p).toMatch(/<textarea id="withdraw-reason" name="comment" rows="2" required maxlength="2000">/);
    expect(p).not.toContain('Trả lại báo cáo</button>');
    expect(reviewActions(s)).toEqual([
      expect.objectContaining({ actor: OPERATOR, action: 'review.approve', target: v.uploadId, before: { state: 'cho-duyet' }, after: expect.objectContaining({ unit: 'SO-NV', state: 'da-duyet' }) }),
    ]);
  });

  it('ignores a message key it does not know (nothing typed is ever echoed)', async () => {
    const s = setup();
    await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    const res = await s.call('GET', '/quan-tri/don-vi/SO-NV', { cookie: who.cookie, query: `${PAGE_QUERY}&tb=${encodeURIComponent('<b>xin chào</b>')}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('xin chào');
    expect(res.body).not.toContain('class="flash"');
  });

  it('returns with a comment: the unit is emailed the comment and its link, the page says trả lại with the comment and that the email went, and the audit keeps the comment', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV', { version: 1 });
    const who = await s.signedIn(OPERATOR);
    const comment = 'Trả lại, đề nghị giải trình mã số 07 <b>gấp</b>.';
    const res = await s.review(who, v.uploadId, 'return', comment);
    expect(res.statusCode).toBe(303);
    expect(res.headers['location']).toContain('&tb=tra-lai#duyet');
    expect(s.mailer.sent).toHaveLength(1);
    const mail = s.mailer.sent[0]!;
    expect(mail.to).toEqual(['snv@example.vn']);
    expect(mail.subject).toContain('[Trả lại báo cáo]');
    expect(mail.text).toContain('Trả lại, đề nghị giải trình mã số 07 <b>gấp</b>.');
    expect(mail.text).toMatch(/https:\/\/baocao\.example\.vn\/u\/[A-Za-z0-9._-]+/);
    const after = await s.follow(who, res.headers['location']!);
    const p = panel(after.body);
    expect(p).toContain('Đã trả lại báo cáo và gửi email cho đơn vị');
    expect(stateOf(after.body)).toBe('tra-lai');
    expect(p).toContain('<blockquote class="comment">Trả lại, đề nghị giải trình mã số 07 &lt;b&gt;gấp&lt;/b&gt;.</blockquote>');
    expect(after.body).not.toContain('<b>gấp</b>');
    // A returned report can still be approved directly; it cannot be returned twice.
    expect(p).toContain('<button class="button" type="submit">Duyệt báo cáo</button>');
    expect(p).not.toContain('Trả lại báo cáo</button>');
    expect(reviewActions(s)).toEqual([expect.objectContaining({ actor: OPERATOR, action: 'review.return', after: expect.objectContaining({ state: 'tra-lai', comment }) })]);
  });

  it('says when a returned unit has no email address, so the operator tells it another way', async () => {
    const s = setup();
    await s.world.units.putMany([{ code: 'SO-KHONG', name: 'Sở Không Thư', type: 'so-nganh', emails: [], active: true, keyVersion: 1 }]);
    const v = await s.accepted('SO-KHONG');
    const who = await s.signedIn(OPERATOR);
    const res = await s.review(who, v.uploadId, 'return', 'Thiếu số liệu mục C.');
    expect(res.headers['location']).toContain('&tb=tra-lai-khong-email#duyet');
    expect(s.mailer.sent).toEqual([]);
    const after = await s.follow(who, res.headers['location']!);
    expect(after.body).toContain('Đơn vị chưa có địa chỉ email nên hệ thống không gửi thư');
  });

  it('withdraws an approval with a reason: back to chờ duyệt, the reason shown and audited', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    await s.review(who, v.uploadId, 'approve');
    const res = await s.review(who, v.uploadId, 'withdraw', 'Duyệt nhầm đơn vị.');
    expect(res.headers['location']).toContain('&tb=rut-duyet#duyet');
    const after = await s.follow(who, res.headers['location']!);
    expect(stateOf(after.body)).toBe('cho-duyet');
    expect(panel(after.body)).toContain('Đã rút duyệt: báo cáo trở lại chờ duyệt.');
    expect(panel(after.body)).toContain('<blockquote class="comment">Duyệt nhầm đơn vị.</blockquote>');
    expect(reviewActions(s).map((e) => [e.action, e.after?.['state'], e.after?.['comment']])).toEqual([['review.approve', 'da-duyet', undefined], ['review.withdraw', 'cho-duyet', 'Duyệt nhầm đơn vị.']]);
  });

  it.each([
    ['a return without a comment', 'return', '   ', 'REVIEW_COMMENT_REQUIRED', 'Trả lại báo cáo cần ghi ý kiến'],
    ['a return with a comment over 2,000 characters', 'return', 'x'.repeat(2001), 'REVIEW_COMMENT_INVALID', 'tối đa 2.000 ký tự'],
    ['a withdrawal without a reason', 'withdraw', '', 'REVIEW_COMMENT_REQUIRED', 'Rút duyệt cần ghi lý do'],
  ])('refuses %s with the drill-down, the Vietnamese message and the code, nothing changed and nobody emailed', async (_case, action, comment, code, message) => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    if (action === 'withdraw') await s.review(who, v.uploadId, 'approve');
    const before = reviewActions(s).length;
    const res = await s.review(who, v.uploadId, action, comment);
    expect([res.statusCode, res.headers['content-type']]).toEqual([400, 'text/html; charset=utf-8']);
    const p = panel(res.body);
    expect(p).toContain('role="alert"');
    expect(p).toContain(message);
    expect(p).toContain(`Mã lỗi: ${code}`);
    expect(reviewActions(s)).toHaveLength(before);
    expect(s.mailer.sent).toEqual([]);
    expect(stateOf(res.body)).toBe(action === 'withdraw' ? 'da-duyet' : 'cho-duyet');
  });

  it('puts a refused comment back into its box, escaped', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    const res = await s.review(who, v.uploadId, 'return', `</textarea><script>alert(1)</script>${'x'.repeat(2000)}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;xxx');
    expect(res.body).not.toContain('<script>alert(1)');
  });

  it('lets one of two operators approving at once win; the other sees REVIEW_CONFLICT and the current state (đã duyệt)', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const a = await s.signedIn(OPERATOR);
    const b = await s.signedIn(OTHER);
    // Both read the (absent) review before either writes: a real race.
    const get = s.world.reviews.get.bind(s.world.reviews);
    let release: (() => void) | undefined;
    let reads = 0;
    jest.spyOn(s.world.reviews, 'get').mockImplementation(async (...args) => {
      const found = await get(...args);
      reads += 1;
      // The first read waits for the second; later reads (the loser's page) pass.
      if (reads === 1) await new Promise<void>((resolve) => (release = resolve));
      else if (reads === 2) release!();
      return found;
    });
    const [ra, rb] = await Promise.all([s.review(a, v.uploadId, 'approve'), s.review(b, v.uploadId, 'approve')]);
    jest.restoreAllMocks();
    const results = [ra, rb].map((r) => r.statusCode).sort();
    expect(results).toEqual([303, 409]);
    const loser = [ra, rb].find((r) => r.statusCode === 409)!;
    expect(panel(loser.body)).toContain('Mã lỗi: REVIEW_CONFLICT');
    expect(panel(loser.body)).toContain('vừa được một cán bộ khác duyệt hoặc trả lại');
    expect(stateOf(loser.body)).toBe('da-duyet');
    expect(reviewActions(s)).toHaveLength(1);
  });

  it('refuses a version that is no longer the latest accepted one (REVIEW_NOT_LATEST) and shows the newer one', async () => {
    const s = setup();
    const older = await s.accepted('SO-NV', { version: 1, receivedAt: '2019-02-20T02:00:00.000Z' });
    const newer = await s.accepted('SO-NV', { version: 2, receivedAt: '2019-02-21T02:00:00.000Z' });
    const who = await s.signedIn(OPERATOR);
    const res = await s.review(who, older.uploadId, 'approve');
    expect(res.statusCode).toBe(409);
    expect(panel(res.body)).toContain('Mã lỗi: REVIEW_NOT_LATEST');
    expect(panel(res.body)).toContain(`<input type="hidden" name="uploadId" value="${newer.uploadId}">`);
    expect(panel(res.body)).toContain('<strong>lần 2</strong>');
  });

  it('refuses a review in a locked period (PERIOD_LOCKED) and says on the panel that the period is locked', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    await s.world.reviews.putLock({ ...Q1, locked: true, actor: ADMIN, at: '2019-02-28T01:00:00.000Z', rev: 1 }, undefined);
    const who = await s.signedIn(OPERATOR);
    const res = await s.review(who, v.uploadId, 'approve');
    expect(res.statusCode).toBe(409);
    expect(panel(res.body)).toContain('Mã lỗi: PERIOD_LOCKED');
    expect(panel(res.body)).toContain('Kỳ báo cáo đã khóa từ 28/02/2019 08:00');
    expect(reviewActions(s)).toEqual([]);
  });

  it('shows an older version that was returned as "trả lại" with its comment, and the new version as chờ duyệt, after the unit uploaded again', async () => {
    const s = setup();
    const v1 = await s.accepted('SO-NV', { version: 1, receivedAt: '2019-02-20T02:00:00.000Z' });
    const who = await s.signedIn(OPERATOR);
    await s.review(who, v1.uploadId, 'return', 'Sai tổng mã số 16.');
    const v2 = await s.accepted('SO-NV', { version: 2, receivedAt: '2019-02-25T02:00:00.000Z' });
    const res = await s.page(who);
    const rowOf = (id: string) => new RegExp(`<tr data-upload-id="${id}">.*?</tr>`).exec(res.body)?.[0] ?? '';
    expect(rowOf(v1.uploadId)).toContain('<td class="review"><span class="badge badge-rejected">trả lại</span><div class="comment">Sai tổng mã số 16.</div></td>');
    expect(rowOf(v2.uploadId)).toContain('<td class="review"><span class="badge badge-processing">chờ duyệt</span></td>');
    expect(stateOf(res.body)).toBe('cho-duyet');
    expect(panel(res.body)).toContain('Các lần trả lại gần đây (1)');
    expect(panel(res.body)).toContain('<strong>Lần 1</strong>');
  });
});

describe('console review: who may act', () => {
  it('shows a viewer the state but no form, and refuses its post (403 ROLE_FORBIDDEN), changing nothing', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const viewer = await s.signedIn(VIEWER);
    const res = await s.page(viewer);
    expect(stateOf(res.body)).toBe('cho-duyet');
    expect(panel(res.body)).not.toContain('<form');
    expect(panel(res.body)).toContain('chỉ có quyền xem tình trạng duyệt');
    const post = await s.review(viewer, v.uploadId, 'approve');
    expect([post.statusCode, post.headers['content-type']]).toEqual([403, 'text/html; charset=utf-8']);
    expect(post.body).toContain('Mã lỗi: ROLE_FORBIDDEN');
    const api = await s.call('POST', '/api/admin/reviews', { cookie: viewer.cookie, headers: { origin: s.origin, 'x-csrf-token': viewer.csrf }, body: JSON.stringify({ uploadId: v.uploadId, action: 'approve' }) });
    expect(api.statusCode).toBe(403);
    expect(reviewActions(s)).toEqual([]);
    expect(await s.world.reviews.get(Q1.formId, Q1.period, 'SO-NV')).toBeUndefined();
  });

  it.each([
    ['from another site', { origin: 'https://evil.example.com' }],
    ['with Origin: null from another site', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
  ])('refuses a review posted %s (403 CSRF_REFUSED), changing nothing', async (_case, headers) => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    const res = await s.postForm(who, '/quan-tri/duyet', [['uploadId', v.uploadId], ['action', 'approve']], headers);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Mã lỗi: CSRF_REFUSED');
    const bulk = await s.postForm(who, '/quan-tri/duyet-nhieu', [['form', Q1.formId], ['period', Q1.period], ['u', v.uploadId]], headers);
    expect(bulk.statusCode).toBe(403);
    expect(reviewActions(s)).toEqual([]);
  });

  it('refuses a post without the session\'s CSRF token, and sends a browser without a session to sign-in', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    const forged = await s.postForm({ cookie: who.cookie, csrf: 'x'.repeat(43) }, '/quan-tri/duyet', [['uploadId', v.uploadId], ['action', 'approve']]);
    expect(forged.statusCode).toBe(403);
    const anonymous = await s.postForm({ cookie: '', csrf: '' }, '/quan-tri/duyet', [['uploadId', v.uploadId], ['action', 'approve']]);
    expect([anonymous.statusCode, anonymous.headers['location']]).toEqual([303, '/quan-tri/sign-in']);
    expect(reviewActions(s)).toEqual([]);
  });
});

describe('POST /api/admin/reviews', () => {
  const api = (s: S, who: { cookie: string; csrf: string }, body: unknown) =>
    s.call('POST', '/api/admin/reviews', { cookie: who.cookie, headers: { origin: s.origin, 'content-type': 'application/json', 'x-csrf-token': who.csrf }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('approves, returns and withdraws, answering the review result (before → after, and whether the return email went)', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV', { version: 1 });
    const who = await s.signedIn(ADMIN);
    const returned = await api(s, who, { uploadId: v.uploadId, action: 'return', comment: 'Đề nghị giải trình mã số 07.' });
    expect(returned.statusCode).toBe(200);
    expect(returned.json()).toEqual({ uploadId: v.uploadId, unitCode: 'SO-NV', formId: Q1.formId, period: Q1.period, version: 1, before: 'cho-duyet', after: 'tra-lai', email: 'sent' });
    expect(s.mailer.sent[0]!.text).toContain('Đề nghị giải trình mã số 07.');
    expect((await api(s, who, { uploadId: v.uploadId, action: 'approve' })).json()).toMatchObject({ before: 'tra-lai', after: 'da-duyet' });
    expect((await api(s, who, { uploadId: v.uploadId, action: 'withdraw', comment: 'Xem lại.' })).json()).toMatchObject({ before: 'da-duyet', after: 'cho-duyet' });
    expect(reviewActions(s).map((e) => e.action)).toEqual(['review.return', 'review.approve', 'review.withdraw']);
  });

  it.each([
    ['an unknown action', { action: 'delete' }, 400, 'BODY_INVALID'],
    ['a comment far too long for the body', { action: 'return', comment: 'x'.repeat(4001) }, 400, 'BODY_INVALID'],
    ['a comment over 2,000 characters', { action: 'return', comment: 'x'.repeat(2001) }, 400, 'REVIEW_COMMENT_INVALID'],
    ['a return without a comment', { action: 'return' }, 400, 'REVIEW_COMMENT_REQUIRED'],
    ['an approval of an approved report', { action: 'approve', twice: true }, 409, 'REVIEW_STATE_INVALID'],
  ] as const)('refuses %s', async (_case, body, status, code) => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    const { twice, ...rest } = { twice: false, ...body };
    if (twice) await api(s, who, { uploadId: v.uploadId, action: 'approve' });
    const res = await api(s, who, { uploadId: v.uploadId, ...rest });
    expect([res.statusCode, res.json()['code']]).toEqual([status, code]);
  });

  it('refuses a malformed upload id, an unknown one, and JSON that is not an object', async () => {
    const s = setup();
    const who = await s.signedIn(OPERATOR);
    expect((await api(s, who, { uploadId: '../x', action: 'approve' })).json()['code']).toBe('UPLOAD_ID_INVALID');
    expect((await api(s, who, { uploadId: 'jsq0zzzzz-abcdefghij', action: 'approve' })).statusCode).toBe(404);
    expect((await api(s, who, '[1,2]')).json()['code']).toBe('BODY_INVALID');
  });

  it('refuses a call without the X-CSRF-Token header (403)', async () => {
    const s = setup();
    const v = await s.accepted('SO-NV');
    const who = await s.signedIn(OPERATOR);
    const res = await s.call('POST', '/api/admin/reviews', { cookie: who.cookie, headers: { origin: s.origin }, body: JSON.stringify({ uploadId: v.uploadId, action: 'approve' }) });
    expect([res.statusCode, res.json()['code']]).toEqual([403, 'CSRF_REFUSED']);
  });
});

describe('status grid: review column, filter and bulk approval', () => {
  /** SO-NV's report awaits review with no warning; HU-TH's awaits review with a warning. */
  const world = async (s: S) => ({
    sonv: await s.accepted('SO-NV', { version: 1 }),
    huth: await s.accepted('HU-TH', { version: 1, warnings: [WARNING] }),
  });
  const rowOf = (html: string, code: string) => new RegExp(`<tr data-code="${code}">.*?</tr>`).exec(html)?.[0] ?? '';

  it('shows each unit\'s review state in a "Duyệt" column, the counts by review state, and filters by it', async () => {
    const s = setup();
    const { sonv } = await world(s);
    const who = await s.signedIn(OPERATOR);
    await s.review(who, sonv.uploadId, 'approve');
    const res = await s.call('GET', '/quan-tri/', { cookie: who.cookie, query: PAGE_QUERY });
    expect(res.body).toContain('<th scope="col">Duyệt</th>');
    expect(rowOf(res.body, 'SO-NV')).toContain('<td class="review"><span class="badge badge-accepted">đã duyệt</span></td>');
    expect(rowOf(res.body, 'HU-TH')).toContain('<td class="review"><span class="badge badge-processing">chờ duyệt</span></td>');
    expect(res.body).toContain('<span class="count-n" data-count="da-duyet">1</span>');
    expect(res.body).toMatch(/<select id="f-review" name="review"><option value="" selected>Tất cả<\/option><option value="cho-duyet">chờ duyệt<\/option><option value="da-duyet">đã duyệt<\/option><option value="tra-lai">trả lại<\/option><\/select>/);
    const filtered = await s.call('GET', '/quan-tri/', { cookie: who.cookie, query: `${PAGE_QUERY}&review=cho-duyet` });
    expect(filtered.body).toContain('<tr data-code="HU-TH">');
    expect(filtered.body).not.toContain('<tr data-code="SO-NV">');
    expect(filtered.body).toContain('<option value="cho-duyet" selected>');
    const json = await s.call('GET', '/api/admin/status/sap-xep-bo-may/2019-Q1', { cookie: who.cookie, query: 'review=da-duyet' });
    const units = json.json()['units'] as Array<{ code: string; review: unknown }>;
    expect(units).toEqual([expect.objectContaining({ code: 'SO-NV', review: { state: 'da-duyet', actor: OPERATOR, at: '2019-03-01T03:00:00.000Z' } })]);
    const bad = await s.call('GET', '/api/admin/status/sap-xep-bo-may/2019-Q1', { cookie: who.cookie, query: 'review=approved' });
    expect([bad.statusCode, bad.json()['code']]).toEqual([400, 'STATUS_FILTER_INVALID']);
  });

  it('offers an operator a box on each report awaiting review and the bulk button; a viewer gets neither', async () => {
    const s = setup();
    const { sonv, huth } = await world(s);
    const who = await s.signedIn(OPERATOR);
    const res = await s.call('GET', '/quan-tri/', { cookie: who.cookie, query: PAGE_QUERY });
    expect(res.body).toContain(`<form method="post" action="/quan-tri/duyet-nhieu" id="bulk-review"><input type="hidden" name="_csrf" value="${who.csrf}">`);
    expect(rowOf(res.body, 'SO-NV')).toContain(`<input type="checkbox" name="u" value="${sonv.uploadId}" aria-label="Chọn Sở Nội vụ">`);
    expect(rowOf(res.body, 'HU-TH')).toContain(`value="${huth.uploadId}"`);
    expect(res.body).toContain('Duyệt các báo cáo đã chọn (không có cảnh báo)</button>');
    const viewer = await s.signedIn(VIEWER);
    const seen = await s.call('GET', '/quan-tri/', { cookie: viewer.cookie, query: PAGE_QUERY });
    expect(seen.body).not.toContain('type="checkbox"');
    expect(seen.body).not.toContain('duyet-nhieu');
  });

  it('approves the selected reports without warnings, each its own write and audit entry, and lists those skipped (warnings, changed meanwhile)', async () => {
    const s = setup();
    const { sonv, huth } = await world(s);
    const who = await s.signedIn(OPERATOR);
    // Drawn, then the unit uploads again: the checked version is no longer its latest.
    const stale = await s.accepted('SO-KHAC-XX', { version: 1 });
    await s.world.units.putMany([{ code: 'SO-KHAC-XX', name: 'Sở Khác', type: 'so-nganh', emails: [], active: true, keyVersion: 1 }]);
    await s.accepted('SO-KHAC-XX', { version: 2, receivedAt: '2019-02-28T02:00:00.000Z' });
    const res = await s.postForm(who, '/quan-tri/duyet-nhieu', [['form', Q1.formId], ['period', Q1.period], ['u', sonv.uploadId], ['u', huth.uploadId], ['u', stale.uploadId]]);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h2>Duyệt nhiều báo cáo</h2>');
    expect(res.body).toContain('Đã duyệt 1 báo cáo, bỏ qua 2.');
    const approved = /<ul class="approved">(.*?)<\/ul>/.exec(res.body)?.[1] ?? '';
    const skipped = /<ul class="skipped">(.*?)<\/ul>/.exec(res.body)?.[1] ?? '';
    expect(approved).toContain('Sở Nội vụ</a> (SO-NV, lần 1)');
    expect(skipped).toContain('Huyện ủy Thạch Hà</a> (HU-TH, lần 1): Có 1 cảnh báo số liệu: cần xem và duyệt riêng. <span class="code">(REVIEW_HAS_WARNINGS)</span>');
    expect(skipped).toContain('Sở Khác</a> (SO-KHAC-XX, lần 1)');
    expect(skipped).toContain('(REVIEW_NOT_LATEST)');
    expect(reviewActions(s)).toEqual([expect.objectContaining({ actor: OPERATOR, action: 'review.approve', target: sonv.uploadId })]);
    expect((await s.world.reviews.get(Q1.formId, Q1.period, 'SO-NV'))?.state).toBe('da-duyet');
    expect(await s.world.reviews.get(Q1.formId, Q1.period, 'HU-TH')).toBeUndefined();
  });

  it('skips a report already approved by someone else in between, and refuses an empty selection with a way back', async () => {
    const s = setup();
    const { sonv } = await world(s);
    const a = await s.signedIn(OPERATOR);
    const b = await s.signedIn(OTHER);
    await s.review(b, sonv.uploadId, 'approve');
    const res = await s.postForm(a, '/quan-tri/duyet-nhieu', [['form', Q1.formId], ['period', Q1.period], ['u', sonv.uploadId]]);
    expect(res.body).toContain('Đã duyệt 0 báo cáo, bỏ qua 1.');
    expect(res.body).toContain('(REVIEW_STATE_INVALID)');
    const empty = await s.postForm(a, '/quan-tri/duyet-nhieu', [['form', Q1.formId], ['period', Q1.period]]);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Chưa chọn báo cáo nào để duyệt.');
    expect(empty.body).toContain('Mã lỗi: BULK_REVIEW_EMPTY');
    expect(empty.body).toContain('href="/quan-tri/?form=sap-xep-bo-may&amp;period=2019-Q1"');
    const bad = await s.postForm(a, '/quan-tri/duyet-nhieu', [['form', Q1.formId], ['period', Q1.period], ['u', '<script>']]);
    expect([bad.statusCode, bad.body.includes('BULK_REVIEW_INVALID'), bad.body.includes('<script>')]).toEqual([400, true, false]);
  });
});
