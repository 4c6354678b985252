/**
 * The console's "Báo cáo tổng hợp" routes through the API handler, on the portal's in-memory
 * world: listing a period's workbooks, "Tổng hợp ngay", "Gửi" after a confirmation naming the
 * recipients, downloads re-signed on each click, and the large-report email's link that goes
 * through sign-in and back — what an operator, a leader or an attacker would notice.
 */
import { ADMIN, consoleHarness, FORM_POST, OPERATOR, VIEWER } from './console-harness';
import { sampleValues } from '../../support/forms';
import { loadForm, submit } from '../consolidation/fixtures';
import { NOW } from './world';

const sap = loadForm('sap-xep-bo-may');
const Q1 = 'form=sap-xep-bo-may&period=2019-Q1';

// Builds real workbooks: more than jest's 5 s default on a busy 2-core machine.
jest.setTimeout(60_000);

function setup(options: { maxMessageBytes?: number } = {}) {
  const h = consoleHarness(options);
  const { world, mailer, call } = h;
  const signedIn = (email = OPERATOR) => h.signedIn(email);
  /** A page form's POST, as the browser sends it without script. */
  const post = (path: string, session: { cookie: string; csrf: string }, fields: string = Q1) =>
    call('POST', path, { cookie: session.cookie, headers: FORM_POST, body: `_csrf=${encodeURIComponent(session.csrf)}&${fields}` });
  /** Two accepted reports for 2019-Q1 (Sở Nội vụ and Huyện ủy Thạch Hà). */
  const reported = async () => {
    await submit(world.submissions, { unitCode: 'SO-NV', formId: sap.id, period: '2019-Q1', receivedAt: '2019-02-20T01:00:00Z', values: sampleValues(sap, 'so-nganh', 2) });
  };
  const consolidationMails = () => mailer.sent.filter((m) => m.subject.startsWith('Tổng hợp'));
  return { ...h, signedIn, post, reported, consolidationMails };
}

const rowsOf = (body: string | undefined) => (body ?? '').match(/<tr data-key="[^"]+">.*?<\/tr>/g) ?? [];

describe('console reports page', () => {
  it('lists the period\'s workbooks newest first with their time, units reported and email status, and a console download link each', async () => {
    const s = setup();
    await s.reported();
    const session = await s.signedIn(OPERATOR);
    await s.post('/quan-tri/bao-cao/tong-hop', session);
    s.world.clock.advance(3_600_000);
    await submit(s.world.submissions, { unitCode: 'HU-TH', formId: sap.id, period: '2019-Q1', receivedAt: '2019-03-01T03:30:00Z', values: sampleValues(sap, 'huyen', 3) });
    await s.post('/quan-tri/bao-cao/gui', session);

    const page = await s.call('GET', '/quan-tri/bao-cao', { cookie: session.cookie, query: Q1 });

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<a href="/quan-tri/bao-cao" aria-current="page">Báo cáo tổng hợp</a>');
    const rows = rowsOf(page.body);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('01/03/2019 11:00');
    expect(rows[0]).toContain('>2/2<');
    expect(rows[0]).toMatch(/đã gửi lúc 01\/03\/2019 11:00 \(tiêu đề &quot;Tổng hợp Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — 2\/2 đơn vị đã báo cáo&quot;\)/);
    expect(rows[0]).toMatch(/<a href="\/quan-tri\/bao-cao\/tai\/sap-xep-bo-may\/2019-Q1\/20190301T040000-[0-9a-f]{8}\.xlsx">Tải về<\/a>/);
    expect(rows[1]).toContain('01/03/2019 10:00');
    expect(rows[1]).toContain('>1/2<');
    expect(rows[1]).toContain('chưa gửi');
    expect(page.body).not.toContain('files.test');
  });

  it('opens on the first form\'s open period, says when nothing was built yet, and sends the browser to sign-in without a session', async () => {
    const s = setup();
    const { cookie } = await s.signedIn(VIEWER);
    const page = await s.call('GET', '/quan-tri/bao-cao', { cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<option value="bien-che-thang" selected>');
    expect(page.body).toContain('<option value="2019-03" selected>Tháng 3 năm 2019</option>');
    expect(page.body).toContain('Chưa có bảng tổng hợp nào cho kỳ này.');
    const anonymous = await s.call('GET', '/quan-tri/bao-cao');
    expect([anonymous.statusCode, anonymous.headers['location']]).toEqual([303, '/quan-tri/sign-in']);
  });

  it('shows a viewer no build or send button', async () => {
    const s = setup();
    const viewer = await s.call('GET', '/quan-tri/bao-cao', { cookie: (await s.signedIn(VIEWER)).cookie, query: Q1 });
    expect(viewer.body).not.toContain('Tổng hợp ngay');
    expect(viewer.body).not.toContain('id="send"');
    const operator = await s.call('GET', '/quan-tri/bao-cao', { cookie: (await s.signedIn(OPERATOR)).cookie, query: Q1 });
    expect(operator.body).toMatch(/<form method="post" action="\/quan-tri\/bao-cao\/tong-hop"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="form" value="sap-xep-bo-may"><input type="hidden" name="period" value="2019-Q1"><button class="button" type="submit" id="build-now">Tổng hợp ngay<\/button><\/form>/);
    expect(operator.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });

  it('shows only its own fixed messages, never what the query says', async () => {
    const s = setup();
    const { cookie } = await s.signedIn(VIEWER);
    const hostile = await s.call('GET', '/quan-tri/bao-cao', { cookie, query: `${Q1}&thong-bao=%3Cscript%3Ealert(1)%3C%2Fscript%3E` });
    expect(hostile.body).not.toContain('<p class="flash"');
    expect(hostile.body).not.toContain('alert(1)');
  });
});

describe('Tổng hợp ngay', () => {
  it('builds the workbook without emailing anyone, redirects back with a fixed message (PRG), and audits before → after', async () => {
    const s = setup();
    await s.reported();
    const session = await s.signedIn(OPERATOR);
    const res = await s.post('/quan-tri/bao-cao/tong-hop', session);
    expect(res.statusCode).toBe(303);
    expect(res.headers['location']).toBe('/quan-tri/bao-cao?form=sap-xep-bo-may&period=2019-Q1&thong-bao=da-tong-hop');
    expect(s.consolidationMails()).toEqual([]);
    const [key] = (await s.world.files.list('reports/')).map((o) => o.key);
    expect(key).toMatch(/^reports\/sap-xep-bo-may\/2019-Q1\/20190301T030000-[0-9a-f]{8}\.xlsx$/);
    expect(s.audit.entries.at(-1)).toEqual({
      at: NOW.replace('Z', '.000Z'), actor: OPERATOR, action: 'consolidation.build', target: 'sap-xep-bo-may/2019-Q1',
      before: { key: null }, after: { key, reused: false, unitsReported: 1, unitsExpected: 2, email: 'not-requested' },
    });
    const page = await s.call('GET', '/quan-tri/bao-cao', { cookie: session.cookie, query: `${Q1}&thong-bao=da-tong-hop` });
    expect(page.body).toContain('<p class="flash" role="status">Đã tổng hợp: bảng tổng hợp mới đã được lưu (chưa gửi email).</p>');
  });

  it('reuses the stored workbook when the figures did not change, and says so', async () => {
    const s = setup();
    await s.reported();
    const session = await s.signedIn(OPERATOR);
    await s.post('/quan-tri/bao-cao/tong-hop', session);
    s.world.clock.advance(60_000);
    const again = await s.post('/quan-tri/bao-cao/tong-hop', session);
    expect(again.headers['location']).toMatch(/&thong-bao=khong-doi$/);
    expect(await s.world.files.list('reports/')).toHaveLength(1);
    expect(s.audit.entries.at(-1)).toMatchObject({ before: { key: expect.stringMatching(/^reports\//), email: 'not-sent' }, after: { reused: true } });
  });

  it('refuses a viewer with the Vietnamese page and code (403 ROLE_FORBIDDEN), building nothing', async () => {
    const s = setup();
    await s.reported();
    const res = await s.post('/quan-tri/bao-cao/tong-hop', await s.signedIn(VIEWER));
    expect([res.statusCode, res.headers['content-type']]).toEqual([403, 'text/html; charset=utf-8']);
    expect(res.body).toContain('Mã lỗi: ROLE_FORBIDDEN');
    expect(res.body).toContain('chỉ có quyền xem');
    expect(await s.world.files.list('reports/')).toEqual([]);
    expect(s.audit.entries.map((e) => e.action)).not.toContain('consolidation.build');
  });

  it('refuses a post from another site\'s page even with the right _csrf (403 CSRF_REFUSED), building nothing', async () => {
    const s = setup();
    await s.reported();
    const session = await s.signedIn(ADMIN);
    const res = await s.call('POST', '/quan-tri/bao-cao/tong-hop', { cookie: session.cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: `_csrf=${encodeURIComponent(session.csrf)}&${Q1}` });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Mã lỗi: CSRF_REFUSED');
    const noToken = await s.call('POST', '/quan-tri/bao-cao/tong-hop', { cookie: session.cookie, headers: FORM_POST, body: Q1 });
    expect(noToken.statusCode).toBe(403);
    expect(await s.world.files.list('reports/')).toEqual([]);
  });

  it('refuses an unknown form or a period of another kind with the page and the code, echoing neither', async () => {
    const s = setup();
    const session = await s.signedIn(OPERATOR);
    const unknown = await s.post('/quan-tri/bao-cao/tong-hop', session, 'form=%3Cb%3Ekhong-co&period=2019-Q1');
    expect([unknown.statusCode, unknown.body?.includes('Mã lỗi: FORM_NOT_FOUND')]).toEqual([404, true]);
    expect(unknown.body).not.toContain('<b>khong-co');
    const wrongKind = await s.post('/quan-tri/bao-cao/tong-hop', session, 'form=sap-xep-bo-may&period=2019-03');
    expect(wrongKind.statusCode).toBe(400);
    expect(await s.world.files.list('reports/')).toEqual([]);
  });
});

describe('Gửi', () => {
  it('first shows a confirmation naming the recipients (To: leadership, CC: organisation committee) and the units not yet reported, sending nothing', async () => {
    const s = setup();
    await s.reported();
    const { cookie } = await s.signedIn(OPERATOR);
    const page = await s.call('GET', '/quan-tri/bao-cao/gui', { cookie, query: Q1 });
    expect(page.statusCode).toBe(200);
    const body = page.body ?? '';
    expect(body).toMatch(/<h3>Người nhận<\/h3>\s*<ul class="recipients"><li>thuongtruc@tinhuy\.example\.vn<\/li><li>vanphong@tinhuy\.example\.vn<\/li><\/ul>/);
    expect(body).toMatch(/<h3>Đồng gửi \(CC\)<\/h3>\s*<ul class="recipients"><li>bantochuc@tinhuy\.example\.vn<\/li><\/ul>/);
    expect(body).toContain('<h3>Đơn vị chưa báo cáo (1)</h3><ul class="not-reported"><li>Huyện ủy Thạch Hà (HU-TH)</li></ul>');
    expect(body).toContain('(1/2 đơn vị đã báo cáo)');
    expect(body).toMatch(/<form method="post" action="\/quan-tri\/bao-cao\/gui"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="form" value="sap-xep-bo-may"><input type="hidden" name="period" value="2019-Q1"><button class="button" type="submit" id="confirm-send">Xác nhận gửi<\/button><\/form>/);
    expect(s.consolidationMails()).toEqual([]);
    expect(await s.world.files.list('reports/')).toEqual([]);
  });

  it('sends once on the confirm post (audited with the recipients), and a second send of the same figures says it was already sent', async () => {
    const s = setup();
    await s.reported();
    const session = await s.signedIn(ADMIN);
    const first = await s.post('/quan-tri/bao-cao/gui', session);
    expect(first.statusCode).toBe(303);
    expect(first.headers['location']).toBe('/quan-tri/bao-cao?form=sap-xep-bo-may&period=2019-Q1&thong-bao=da-gui');
    expect(s.consolidationMails().map((m) => [m.to, m.cc])).toEqual([[['thuongtruc@tinhuy.example.vn', 'vanphong@tinhuy.example.vn'], ['bantochuc@tinhuy.example.vn']]]);
    expect(s.audit.entries.at(-1)).toMatchObject({
      actor: ADMIN, action: 'consolidation.send', target: 'sap-xep-bo-may/2019-Q1', before: { key: null },
      after: { email: 'sent', to: ['thuongtruc@tinhuy.example.vn', 'vanphong@tinhuy.example.vn'], cc: ['bantochuc@tinhuy.example.vn'], unitsReported: 1, unitsExpected: 2 },
    });

    s.world.clock.advance(60_000);
    const second = await s.post('/quan-tri/bao-cao/gui', session);
    expect(second.headers['location']).toMatch(/&thong-bao=da-gui-truoc$/);
    expect(s.consolidationMails()).toHaveLength(1);
    expect(s.audit.entries.at(-1)).toMatchObject({ action: 'consolidation.send', before: { email: 'sent' }, after: { email: 'already-sent' } });
    const page = await s.call('GET', '/quan-tri/bao-cao', { cookie: session.cookie, query: `${Q1}&thong-bao=da-gui-truoc` });
    expect(page.body).toContain('Bảng tổng hợp với đúng số liệu này đã được gửi trước đó: không gửi lại.');
    expect(rowsOf(page.body)[0]).toContain('đã gửi lúc 01/03/2019 10:00');
  });

  it('refuses a viewer the confirmation page and the send (403 with the page and code), emailing nobody', async () => {
    const s = setup();
    await s.reported();
    const session = await s.signedIn(VIEWER);
    const confirm = await s.call('GET', '/quan-tri/bao-cao/gui', { cookie: session.cookie, query: Q1 });
    expect([confirm.statusCode, confirm.body?.includes('Mã lỗi: ROLE_FORBIDDEN')]).toEqual([403, true]);
    const send = await s.post('/quan-tri/bao-cao/gui', session);
    expect([send.statusCode, send.body?.includes('Mã lỗi: ROLE_FORBIDDEN')]).toEqual([403, true]);
    expect(s.consolidationMails()).toEqual([]);
  });

  it('refuses a cross-site send (403 CSRF_REFUSED), emailing nobody', async () => {
    const s = setup();
    await s.reported();
    const session = await s.signedIn(ADMIN);
    const res = await s.call('POST', '/quan-tri/bao-cao/gui', { cookie: session.cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'cross-site' }, body: `_csrf=${encodeURIComponent(session.csrf)}&${Q1}` });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('CSRF_REFUSED');
    expect(s.consolidationMails()).toEqual([]);
  });
});

describe('downloading a workbook', () => {
  const built = async (s: ReturnType<typeof setup>) => {
    await s.reported();
    await s.post('/quan-tri/bao-cao/tong-hop', await s.signedIn(OPERATOR));
    const [key] = (await s.world.files.list('reports/')).map((o) => o.key);
    return key!;
  };

  it('hands out a fresh 5-minute link under the workbook\'s name on each click, audited as consolidation.download', async () => {
    const s = setup();
    const key = await built(s);
    const presign = jest.spyOn(s.world.files, 'createDownloadUrl');
    const { cookie } = await s.signedIn(VIEWER);
    const path = `/quan-tri/bao-cao/tai/${key.slice('reports/'.length)}`;
    const first = await s.call('GET', path, { cookie });
    const second = await s.call('GET', path, { cookie });
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    expect(first.headers['location']).toBe(`http://files.test/${encodeURIComponent(key)}`);
    const fileName = `Tổng hợp - ${sap.name} - Quý I năm 2019.xlsx`;
    expect(presign.mock.calls).toEqual([[key, { expiresInSeconds: 300, fileName }], [key, { expiresInSeconds: 300, fileName }]]);
    expect(s.audit.entries.filter((e) => e.action === 'consolidation.download')).toEqual([
      expect.objectContaining({ actor: VIEWER, target: key }),
      expect.objectContaining({ actor: VIEWER, target: key }),
    ]);
    // A mail scanner's HEAD signs and audits nothing.
    expect((await s.call('HEAD', path, { cookie })).statusCode).toBe(200);
    expect(presign).toHaveBeenCalledTimes(2);
    expect(s.audit.entries.filter((e) => e.action === 'consolidation.download')).toHaveLength(2);
  });

  it.each([
    ['a path out of reports/', '/quan-tri/bao-cao/tai/sap-xep-bo-may/2019-Q1/..%2F..%2F..%2Fuploads%2Fx.xlsx', 400, 'PARAM_INVALID'],
    ['another prefix by its form segment', '/quan-tri/bao-cao/tai/..%2Fuploads/2019-Q1/20190301T030000-0123abcd.xlsx', 400, 'PARAM_INVALID'],
    ['a file that is not a workbook key', '/quan-tri/bao-cao/tai/sap-xep-bo-may/2019-Q1/%3Cscript%3E.xlsx', 400, 'PARAM_INVALID'],
    ['an unknown form', '/quan-tri/bao-cao/tai/khong-co/2019-Q1/20190301T030000-0123abcd.xlsx', 404, 'FORM_NOT_FOUND'],
    ['a workbook that is not stored', '/quan-tri/bao-cao/tai/sap-xep-bo-may/2019-Q1/20190301T030000-0123abcd.xlsx', 404, 'REPORT_NOT_FOUND'],
  ])('refuses %s with the page and the code, signing nothing', async (_case, path, status, code) => {
    const s = setup();
    await built(s);
    const presign = jest.spyOn(s.world.files, 'createDownloadUrl');
    const head = jest.spyOn(s.world.files, 'head');
    const res = await s.call('GET', path, { cookie: (await s.signedIn(OPERATOR)).cookie });
    expect([res.statusCode, res.headers['content-type']]).toEqual([status, 'text/html; charset=utf-8']);
    expect(res.body).toContain(`Mã lỗi: ${code}`);
    expect(res.body).not.toContain('<script>');
    expect(presign).not.toHaveBeenCalled();
    if (code === 'PARAM_INVALID') expect(head).not.toHaveBeenCalled();
  });
});

describe('the large-report email\'s link', () => {
  it('points at the console\'s download route; a reader without a session signs in and lands on that download', async () => {
    const s = setup({ maxMessageBytes: 64 * 1024 });
    await s.reported();
    await s.post('/quan-tri/bao-cao/gui', await s.signedIn(ADMIN));
    const mail = s.consolidationMails()[0]!;
    expect(mail.attachments).toEqual([]);
    const link = /https:\/\/baocao\.example\.vn(\/quan-tri\/bao-cao\/tai\/[^\s)]+)/.exec(mail.text)?.[1];
    expect(link).toMatch(/^\/quan-tri\/bao-cao\/tai\/sap-xep-bo-may\/2019-Q1\/\d{8}T\d{6}-[0-9a-f]{8}\.xlsx$/);
    expect(mail.text).toContain('cần đăng nhập trang quản trị');

    // No session: to sign-in, carrying the download as `next`.
    const anonymous = await s.call('GET', link!);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers['location']).toBe(`/quan-tri/sign-in?next=${encodeURIComponent(link!)}`);
    const signInPage = await s.call('GET', '/quan-tri/sign-in', { query: `next=${encodeURIComponent(link!)}` });
    expect(signInPage.body).toContain(`<input type="hidden" name="next" value="${link}">`);
    expect(signInPage.body).toContain('Cần đăng nhập để mở trang này.');

    // The page's form (no script) asks for the link; its confirmation button returns to the download.
    await s.call('POST', '/quan-tri/api/sign-in', { headers: FORM_POST, body: `email=${encodeURIComponent(VIEWER)}&next=${encodeURIComponent(link!)}` });
    const redeemed = await s.call('POST', `/quan-tri/sign-in/${s.lastToken()}`, { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'same-origin' }, body: '' });
    expect([redeemed.statusCode, redeemed.headers['location']]).toEqual([303, link]);
    const cookie = redeemed.cookies![0]!.split(';')[0]!;
    const download = await s.call('GET', link!, { cookie });
    expect(download.statusCode).toBe(303);
    expect(download.headers['location']).toMatch(/^http:\/\/files\.test\/reports%2Fsap-xep-bo-may%2F2019-Q1%2F/);
  });

  it.each([
    ['another site', 'https://evil.example/quan-tri/'],
    ['a protocol-relative address', '//evil.example/quan-tri/bao-cao'],
    ['a page outside the console', '/u/khong-phai-trang-quan-tri'],
  ])('ignores a next that names %s: the sign-in page does not carry it and the link opens the console root', async (_case, next) => {
    const s = setup();
    const page = await s.call('GET', '/quan-tri/sign-in', { query: `next=${encodeURIComponent(next)}` });
    expect(page.body).not.toContain('name="next"');
    await s.call('POST', '/quan-tri/api/sign-in', { headers: FORM_POST, body: `email=${encodeURIComponent(VIEWER)}&next=${encodeURIComponent(next)}` });
    const res = await s.call('POST', `/quan-tri/sign-in/${s.lastToken()}`, { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'same-origin' }, body: '' });
    expect([res.statusCode, res.headers['location']]).toEqual([303, '/quan-tri/']);
  });
});
