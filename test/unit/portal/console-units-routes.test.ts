/**
 * The console's "Đơn vị" section through the API handler: the registry page, add, edit (stale
 * edits refused), deactivate, the file import (all or nothing), revoking, showing and emailing a
 * unit's link, on the portal's in-memory world plus the console's in-memory stores: what an
 * operator, a viewer or another site's page would notice.
 */
import ExcelJS from 'exceljs';
import { ADMIN, consoleHarness, FORM_POST, OPERATOR, VIEWER } from './console-harness';
import { httpEvent } from './http-event';
import { SO_NV } from './world';

const FORM_HEADERS = FORM_POST;

function setup(portalUrl = 'https://baocao.example.vn') {
  const h = consoleHarness({ portalUrl });
  /** Signed in with the mail and audit cleared, so a test sees only what its own actions wrote. */
  const signedIn = async (email = OPERATOR) => {
    const session = await h.signedIn(email);
    h.mailer.sent.length = 0;
    h.audit.entries.length = 0;
    return session;
  };
  return { ...h, signedIn };
}

const fieldValue = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
const tokenIn = (text: string) => /\/u\/([A-Za-z0-9_.-]+)/.exec(text)?.[1] ?? '';
const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

describe('console units page', () => {
  describe('the registry', () => {
    it('lists every unit, active and inactive (marked), each linking to its drill-down, for a viewer too, without the add form', async () => {
      const s = setup();
      const { cookie } = await s.signedIn(VIEWER);
      const res = await s.call('GET', '/quan-tri/don-vi', { cookie });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<a href="/quan-tri/don-vi/SO-NV">Sở Nội vụ</a>');
      expect(res.body).toContain('<a href="/quan-tri/don-vi/HU-TH">Huyện ủy Thạch Hà</a>');
      expect(res.body).toMatch(/<tr data-code="SO-CU" class="inactive">.*Ngừng hoạt động/);
      expect(res.body).toContain('aria-current="page">Đơn vị</a>');
      expect(res.body).not.toContain('Thêm đơn vị');
      expect(res.body).toContain('chỉ có quyền xem');
      expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
    });

    it('finds units by name without accents or by code, and filters by type', async () => {
      const s = setup();
      const { cookie } = await s.signedIn();
      const byName = await s.call('GET', '/quan-tri/don-vi', { cookie, query: 'search=thach%20ha' });
      expect(byName.body).toContain('data-code="HU-TH"');
      expect(byName.body).not.toContain('data-code="SO-NV"');
      expect(byName.body).toContain('1 / 3 đơn vị theo bộ lọc');
      const byCode = await s.call('GET', '/quan-tri/don-vi', { cookie, query: 'search=so-nv' });
      expect(byCode.body).toContain('data-code="SO-NV"');
      expect(byCode.body).not.toContain('data-code="HU-TH"');
      const byType = await s.call('GET', '/quan-tri/don-vi', { cookie, query: 'type=so-nganh' });
      expect(byType.body).toContain('data-code="SO-NV"');
      expect(byType.body).toContain('data-code="SO-CU"');
      expect(byType.body).not.toContain('data-code="HU-TH"');
      expect(byType.body).toContain('<option value="so-nganh" selected>');
    });

    it('escapes the search text echoed into the box and a hostile unit name, and refuses an overlong search', async () => {
      const s = setup();
      await s.world.units.putMany([{ ...SO_NV, code: 'SO-XSS', name: '<b onmouseover=alert(1)>Sở</b>' }]);
      const { cookie } = await s.signedIn();
      const list = await s.call('GET', '/quan-tri/don-vi', { cookie });
      expect(list.body).toContain('&lt;b onmouseover=alert(1)&gt;Sở&lt;/b&gt;');
      expect(list.body).not.toContain('<b onmouseover');
      const res = await s.call('GET', '/quan-tri/don-vi', { cookie, query: `search=${encodeURIComponent('"><script>alert(1)</script>')}` });
      expect(res.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(res.body).not.toContain('<script>alert(1)');
      const long = await s.call('GET', '/quan-tri/don-vi', { cookie, query: `search=${'a'.repeat(101)}` });
      expect(long.statusCode).toBe(400);
    });

    it('sends a browser without a session to sign-in, and answers the JSON 401', async () => {
      const s = setup();
      const page = await s.call('GET', '/quan-tri/don-vi');
      expect(page.statusCode).toBe(303);
      expect(page.headers['location']).toBe('/quan-tri/sign-in');
      expect((await s.call('GET', '/api/admin/units')).statusCode).toBe(401);
    });

    it('answers the JSON list with each unit\'s version for an edit', async () => {
      const s = setup();
      const { cookie } = await s.signedIn(VIEWER);
      const res = await s.call('GET', '/api/admin/units', { cookie, query: 'type=huyen' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ total: 3, units: [expect.objectContaining({ code: 'HU-TH', name: 'Huyện ủy Thạch Hà', version: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) })] });
    });
  });

  describe('adding a unit', () => {
    it('adds a unit from the page form, checked by the import rules, lands on its page and audits it', async () => {
      const s = setup();
      const { post, cookie } = await s.signedIn();
      const res = await post('/quan-tri/don-vi', { code: 'SO-YT', name: '  Sở   Y tế ', type: 'so-nganh', emails: 'VP@soyte.example.vn; ketoan@soyte.example.vn', active: '1' });
      expect(res.statusCode).toBe(303);
      expect(res.headers['location']).toBe('/quan-tri/don-vi/SO-YT/sua?tb=da-them');
      expect(await s.world.units.get('SO-YT')).toEqual({ code: 'SO-YT', name: 'Sở Y tế', type: 'so-nganh', emails: ['vp@soyte.example.vn', 'ketoan@soyte.example.vn'], active: true, keyVersion: 1 });
      expect(s.audit.entries).toEqual([expect.objectContaining({ actor: OPERATOR, action: 'units.add', target: 'SO-YT', after: { code: 'SO-YT', name: 'Sở Y tế', type: 'so-nganh', emails: ['vp@soyte.example.vn', 'ketoan@soyte.example.vn'], active: true } })]);
      const landed = await s.call('GET', '/quan-tri/don-vi/SO-YT/sua', { cookie, query: 'tb=da-them' });
      expect(landed.body).toContain('Đã thêm đơn vị.');
    });

    it('refuses a code already used, whatever its case (409), and keeps the registered unit', async () => {
      const s = setup();
      const { post } = await s.signedIn();
      const res = await post('/quan-tri/don-vi', { code: 'so-nv', name: 'Trùng mã', type: 'so-nganh', emails: '', active: '1' });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Đã có đơn vị mã SO-NV');
      expect(res.body).toContain('value="Trùng mã"');
      expect(await s.world.units.get('SO-NV')).toEqual(SO_NV);
      expect(await s.world.units.get('so-nv')).toBeUndefined();
      expect(s.audit.entries).toEqual([]);
    });

    it('shows every bad field\'s Vietnamese error in the form again, the typed values escaped, and writes nothing', async () => {
      const s = setup();
      const { post } = await s.signedIn();
      const res = await post('/quan-tri/don-vi', { code: 'SỞ Y TẾ', name: '<img src=x onerror=alert(1)>', type: 'xa', emails: 'khong-phai-email', active: '1' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Mã đơn vị &quot;SỞ Y TẾ&quot; không hợp lệ');
      expect(res.body).toContain('Loại đơn vị &quot;xa&quot; không hợp lệ');
      expect(res.body).toContain('Địa chỉ email &quot;khong-phai-email&quot; không hợp lệ');
      expect(res.body).toContain('aria-invalid="true"');
      expect(res.body).toContain('value="&lt;img src=x onerror=alert(1)&gt;"');
      expect(res.body).not.toContain('<img src=x');
      // The refused form comes first, where the operator lands, not below the registry.
      expect(res.body!.indexOf('id="them"')).toBeLessThan(res.body!.indexOf('units-registry'));
      expect((await s.world.units.list({ includeInactive: true })).map((u) => u.code)).toEqual(['HU-TH', 'SO-CU', 'SO-NV']);
    });

    it('bounds what it reads: an overlong name is refused with its own message', async () => {
      const s = setup();
      const { post } = await s.signedIn();
      const res = await post('/quan-tri/don-vi', { code: 'SO-X', name: 'x'.repeat(301), type: 'so-nganh', emails: '', active: '1' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Dài quá 300 ký tự.');
      expect(res.body).not.toContain('x'.repeat(301));
    });

    it('adds through the JSON twin, answering field errors by field', async () => {
      const s = setup();
      const { postJson } = await s.signedIn();
      const ok = await postJson('/api/admin/units', { code: 'HU-CX', name: 'Huyện ủy Can Lộc', type: 'huyen', emails: ['cl@example.vn'] });
      expect(ok.statusCode).toBe(201);
      expect(await s.world.units.get('HU-CX')).toMatchObject({ name: 'Huyện ủy Can Lộc', active: true, keyVersion: 1 });
      const bad = await postJson('/api/admin/units', { code: 'HU-CY', name: '', type: 'huyen' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'UNIT_INPUT_INVALID', fields: { name: 'Thiếu tên đơn vị (cột name).' } });
      const dup = await postJson('/api/admin/units', { code: 'HU-CX', name: 'Lần hai', type: 'huyen' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json()['code']).toBe('UNIT_EXISTS');
    });
  });

  describe('editing a unit', () => {
    it('saves the edit made on the unit\'s page and audits before and after', async () => {
      const s = setup();
      const { post, cookie } = await s.signedIn();
      const page = await s.call('GET', '/quan-tri/don-vi/SO-NV/sua', { cookie });
      expect(page.statusCode).toBe(200);
      const res = await post('/quan-tri/don-vi/SO-NV/sua', { unitVersion: fieldValue(page.body ?? '', 'unitVersion'), name: 'Sở Nội vụ tỉnh', type: 'so-nganh', emails: 'snv@example.vn\nvanthu@example.vn', active: '1' });
      expect(res.statusCode).toBe(303);
      expect(res.headers['location']).toBe('/quan-tri/don-vi/SO-NV/sua?tb=da-luu');
      expect(await s.world.units.get('SO-NV')).toEqual({ ...SO_NV, name: 'Sở Nội vụ tỉnh', emails: ['snv@example.vn', 'vanthu@example.vn'] });
      expect(s.audit.entries).toEqual([
        expect.objectContaining({ action: 'units.edit', target: 'SO-NV', before: { name: 'Sở Nội vụ', type: 'so-nganh', emails: ['snv@example.vn'], active: true }, after: { name: 'Sở Nội vụ tỉnh', type: 'so-nganh', emails: ['snv@example.vn', 'vanthu@example.vn'], active: true } }),
      ]);
    });

    it('refuses a stale edit (409) with a clear message, keeps the other operator\'s change and shows it', async () => {
      const s = setup();
      const mine = await s.signedIn();
      const page = await s.call('GET', '/quan-tri/don-vi/SO-NV/sua', { cookie: mine.cookie });
      const version = fieldValue(page.body ?? '', 'unitVersion');
      // Another operator saves first.
      const theirs = await s.signedIn(ADMIN);
      expect((await theirs.post('/quan-tri/don-vi/SO-NV/sua', { unitVersion: version, name: 'Sở Nội vụ (đổi tên)', type: 'so-nganh', emails: 'snv@example.vn', active: '1' })).statusCode).toBe(303);

      const res = await mine.post('/quan-tri/don-vi/SO-NV/sua', { unitVersion: version, name: 'Sở Nội vụ', type: 'so-nganh', emails: 'moi@example.vn', active: '1' });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('vừa được người khác thay đổi sau khi đồng chí mở trang. Chưa lưu thay đổi của đồng chí');
      expect(res.body).toContain('value="Sở Nội vụ (đổi tên)"');
      expect(fieldValue(res.body ?? '', 'unitVersion')).not.toBe(version);
      expect(await s.world.units.get('SO-NV')).toMatchObject({ name: 'Sở Nội vụ (đổi tên)', emails: ['snv@example.vn'] });
      expect(s.audit.entries.filter((a) => a.action === 'units.edit')).toHaveLength(1);
    });

    it('refuses a stale JSON edit too (409 UNIT_CHANGED)', async () => {
      const s = setup();
      const { postJson } = await s.signedIn();
      const res = await postJson('/api/admin/units/SO-NV/edit', { version: 'not-the-version', name: 'X', type: 'so-nganh', emails: [], active: true });
      expect(res.statusCode).toBe(409);
      expect(res.json()['code']).toBe('UNIT_CHANGED');
      expect(await s.world.units.get('SO-NV')).toEqual(SO_NV);
    });

    it('deactivates only after a confirmation, then the unit\'s link is refused', async () => {
      const s = setup();
      const { post, cookie } = await s.signedIn();
      const token = s.world.tokenFor(SO_NV);
      const page = await s.call('GET', '/quan-tri/don-vi/SO-NV/sua', { cookie });
      const fields = { unitVersion: fieldValue(page.body ?? '', 'unitVersion'), name: 'Sở Nội vụ', type: 'so-nganh', emails: 'snv@example.vn' };

      const asked = await post('/quan-tri/don-vi/SO-NV/sua', fields);
      expect(asked.statusCode).toBe(200);
      expect(asked.body).toContain('Tôi xác nhận ngừng hoạt động đơn vị này');
      expect((await s.world.units.get('SO-NV'))?.active).toBe(true);

      const res = await post('/quan-tri/don-vi/SO-NV/sua', { ...fields, 'xac-nhan-ngung': '1' });
      expect(res.statusCode).toBe(303);
      expect(res.headers['location']).toBe('/quan-tri/don-vi/SO-NV/sua?tb=da-ngung');
      expect((await s.world.units.get('SO-NV'))?.active).toBe(false);
      expect(s.audit.entries).toEqual([expect.objectContaining({ action: 'units.edit', before: expect.objectContaining({ active: true }), after: expect.objectContaining({ active: false }) })]);
      expect((await s.call('GET', `/u/${token}`)).statusCode).toBe(401);
    });
  });

  describe('importing a file', () => {
    it('imports a good CSV posted by the page\'s script: counts, units written, audited', async () => {
      const s = setup();
      const { postJson } = await s.signedIn();
      const csv = 'code,name,type,emails,active\nSO-NV,Sở Nội vụ,so-nganh,snv@example.vn,có\nSO-TC,Sở Tài chính,so-nganh,stc@example.vn,\nHU-TH,Huyện ủy Thạch Hà,huyen,th@example.vn;vp-th@example.vn,\n';
      const res = await postJson('/api/admin/units/import', { fileName: 'don-vi.csv', contentBase64: base64(csv) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ created: ['SO-TC'], updated: ['HU-TH'], unchanged: ['SO-NV'], total: 3 });
      expect(await s.world.units.get('SO-TC')).toMatchObject({ name: 'Sở Tài chính', keyVersion: 1 });
      expect((await s.world.units.get('HU-TH'))?.emails).toEqual(['th@example.vn', 'vp-th@example.vn']);
      expect(s.audit.entries).toEqual([expect.objectContaining({ action: 'units.import', target: 'units', after: expect.objectContaining({ total: 3, created: 1, updated: 1, unchanged: 1, createdCodes: ['SO-TC'] }) })]);
    });

    it('imports an .xlsx file', async () => {
      const s = setup();
      const { postJson } = await s.signedIn();
      const wb = new ExcelJS.Workbook();
      const sheet = wb.addWorksheet('Đơn vị');
      sheet.addRow(['Mã đơn vị', 'Tên đơn vị', 'Loại đơn vị', 'Email']);
      sheet.addRow(['DU-KCQ', 'Đảng ủy Khối các cơ quan tỉnh', 'dang-uy-truc-thuoc', 'kcq@example.vn']);
      const bytes = Buffer.from(await wb.xlsx.writeBuffer());
      const res = await postJson('/api/admin/units/import', { fileName: 'don-vi.xlsx', contentBase64: base64(bytes) });
      expect(res.statusCode).toBe(200);
      expect(await s.world.units.get('DU-KCQ')).toMatchObject({ type: 'dang-uy-truc-thuoc', emails: ['kcq@example.vn'] });
    });

    it('refuses a file with bad rows, listing every row\'s error in Vietnamese, and writes nothing', async () => {
      const s = setup();
      const { postJson } = await s.signedIn();
      const before = await s.world.units.list({ includeInactive: true });
      const csv = 'code,name,type,emails\nSO-TC,Sở Tài chính,so-nganh,stc@example.vn\nSO NV,Sở Nội vụ,so-nganh,\nHU-X,,huyen,sai-email\n';
      const res = await postJson('/api/admin/units/import', { fileName: 'don-vi.csv', contentBase64: base64(csv) });
      expect(res.statusCode).toBe(400);
      const body = res.json() as { code: string; message: string; issues: Array<{ row: number; message: string }> };
      expect(body.code).toBe('UNITS_IMPORT_INVALID');
      expect(body.message).toBe('Không nhập danh sách đơn vị: 3 lỗi, chưa ghi đơn vị nào.');
      expect(body.issues.map((i) => i.message)).toEqual([
        expect.stringMatching(/^Dòng 3: mã đơn vị "SO NV" không hợp lệ/),
        'Dòng 4: thiếu tên đơn vị (cột name).',
        'Dòng 4: địa chỉ email "sai-email" không hợp lệ.',
      ]);
      expect(await s.world.units.list({ includeInactive: true })).toEqual(before);
      expect(s.audit.entries).toEqual([]);
    });

    it('refuses a file over 1 MB before reading it (413), and a body that is not base64', async () => {
      const s = setup();
      const { postJson } = await s.signedIn();
      const big = await postJson('/api/admin/units/import', { fileName: 'to.csv', contentBase64: base64(Buffer.alloc(1024 * 1024 + 1, 65)) });
      expect(big.statusCode).toBe(413);
      expect(big.json()['code']).toBe('UNITS_FILE_TOO_LARGE');
      const garbled = await postJson('/api/admin/units/import', { fileName: 'a.csv', contentBase64: '<<not base64>>' });
      expect(garbled.statusCode).toBe(400);
    });

    it('accepts the body API Gateway hands over base64-encoded', async () => {
      const s = setup();
      const { cookie, csrf } = await s.signedIn();
      const json = JSON.stringify({ fileName: 'a.csv', contentBase64: base64('code,name,type\nSO-GD,Sở Giáo dục và Đào tạo,so-nganh\n') });
      const event = httpEvent('POST', '/api/admin/units/import', { headers: { origin: s.origin, 'x-csrf-token': csrf }, body: base64(json) });
      event.isBase64Encoded = true;
      event.cookies = [cookie];
      const res = await s.handler(event);
      expect(res.statusCode).toBe(200);
      expect(await s.world.units.get('SO-GD')).toBeDefined();
    });
  });

  describe('links', () => {
    it('revokes a unit\'s links after a confirmation page: the old link is refused, audited with the key versions', async () => {
      const s = setup();
      const { post, cookie } = await s.signedIn();
      const token = s.world.tokenFor(SO_NV);
      expect((await s.call('GET', `/u/${token}`)).statusCode).toBe(200);

      const confirm = await s.call('GET', '/quan-tri/don-vi/SO-NV/thu-hoi', { cookie });
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('<form method="post" action="/quan-tri/don-vi/SO-NV/thu-hoi">');
      expect(confirm.body).toContain('Xác nhận thu hồi');
      expect((await s.world.units.get('SO-NV'))?.keyVersion).toBe(1);

      const res = await post('/quan-tri/don-vi/SO-NV/thu-hoi');
      expect(res.statusCode).toBe(303);
      expect(res.headers['location']).toBe('/quan-tri/don-vi/SO-NV/sua?tb=da-thu-hoi');
      expect((await s.world.units.get('SO-NV'))?.keyVersion).toBe(2);
      const old = await s.call('GET', `/u/${token}`);
      expect(old.statusCode).toBe(401);
      expect(old.body).toContain('LINK_REVOKED');
      expect(s.audit.entries).toEqual([expect.objectContaining({ actor: OPERATOR, action: 'units.revoke-links', target: 'SO-NV', before: { keyVersion: 1 }, after: { keyVersion: 2 } })]);
      const landed = await s.call('GET', '/quan-tri/don-vi/SO-NV/sua', { cookie, query: 'tb=da-thu-hoi' });
      expect(landed.body).toContain('Đã thu hồi mọi đường dẫn nộp báo cáo đã cấp cho đơn vị.');
    });

    it('shows the unit\'s current link only in answer to "Hiện đường dẫn", uncached, never in the audit log or the logs', async () => {
      const s = setup();
      const { post, cookie } = await s.signedIn();
      const page = await s.call('GET', '/quan-tri/don-vi/SO-NV/sua', { cookie });
      expect(page.body).not.toContain('/u/');
      const res = await post('/quan-tri/don-vi/SO-NV/duong-dan', { form: 'sap-xep-bo-may' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const token = tokenIn(res.body ?? '');
      expect(res.body).toContain(`value="https://baocao.example.vn/u/${token}"`);
      expect(res.body).toContain('Quý I năm 2019');
      expect((await s.call('GET', `/u/${token}`)).statusCode).toBe(200);
      expect(s.audit.entries).toEqual([expect.objectContaining({ action: 'units.link-shown', target: 'SO-NV', after: expect.objectContaining({ formId: 'sap-xep-bo-may', period: '2019-Q1', keyVersion: 1 }) })]);
      expect(JSON.stringify(s.audit.entries)).not.toContain(token);
      expect(s.lines.join('\n')).not.toContain(token);
    });

    it('emails the unit its link for the chosen form\'s open period, to every address, audited without the token', async () => {
      const s = setup();
      const { post } = await s.signedIn();
      const res = await post('/quan-tri/don-vi/SO-NV/gui-duong-dan', { form: 'bien-che-thang' });
      expect(res.statusCode).toBe(303);
      expect(res.headers['location']).toBe('/quan-tri/don-vi/SO-NV/sua?tb=da-gui');
      expect(s.mailer.sent).toHaveLength(1);
      const mail = s.mailer.sent[0]!;
      expect(mail.to).toEqual(['snv@example.vn']);
      expect(mail.subject).toContain('[Đường dẫn nộp báo cáo]');
      expect(mail.subject).toContain('Tháng 3 năm 2019');
      const token = tokenIn(mail.text);
      expect((await s.call('GET', `/u/${token}`)).statusCode).toBe(200);
      expect(s.audit.entries).toEqual([expect.objectContaining({ action: 'units.link-sent', target: 'SO-NV', after: expect.objectContaining({ to: ['snv@example.vn'], formId: 'bien-che-thang', period: '2019-03' }) })]);
      expect(JSON.stringify(s.audit.entries)).not.toContain(token);
    });

    it('says so, without sending, when the unit has no email or is inactive', async () => {
      const s = setup();
      await s.world.units.putMany([{ ...SO_NV, code: 'SO-KM', emails: [] }]);
      const { post } = await s.signedIn();
      const none = await post('/quan-tri/don-vi/SO-KM/gui-duong-dan', {});
      expect(none.statusCode).toBe(409);
      expect(none.body).toContain('Đơn vị chưa có địa chỉ email nào');
      const inactive = await post('/quan-tri/don-vi/SO-CU/duong-dan', {});
      expect(inactive.statusCode).toBe(409);
      expect(inactive.body).toContain('Đơn vị đã ngừng hoạt động');
      expect(s.mailer.sent).toEqual([]);
    });
  });

  describe('who may act', () => {
    it.each([
      ['/quan-tri/don-vi', { code: 'SO-YT', name: 'Sở Y tế', type: 'so-nganh', active: '1' }],
      ['/quan-tri/don-vi/SO-NV/sua', { name: 'Đổi', type: 'so-nganh', active: '1' }],
      ['/quan-tri/don-vi/SO-NV/thu-hoi', {}],
      ['/quan-tri/don-vi/SO-NV/duong-dan', {}],
      ['/quan-tri/don-vi/SO-NV/gui-duong-dan', {}],
    ])('refuses a viewer\'s post to %s (403 page), changing and sending nothing', async (path, fields) => {
      const s = setup();
      const { post } = await s.signedIn(VIEWER);
      const res = await post(path, fields);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('chỉ có quyền xem');
      expect(await s.world.units.get('SO-NV')).toEqual(SO_NV);
      expect(await s.world.units.get('SO-YT')).toBeUndefined();
      expect(s.mailer.sent).toEqual([]);
      expect(s.audit.entries).toEqual([]);
    });

    it('refuses a viewer the revoke confirmation page and every JSON change', async () => {
      const s = setup();
      const { cookie, postJson } = await s.signedIn(VIEWER);
      expect((await s.call('GET', '/quan-tri/don-vi/SO-NV/thu-hoi', { cookie })).statusCode).toBe(403);
      expect((await postJson('/api/admin/units/SO-NV/revoke-links', {})).statusCode).toBe(403);
      expect((await postJson('/api/admin/units/import', { fileName: 'a.csv', contentBase64: base64('code,name,type\nA,B,huyen\n') })).statusCode).toBe(403);
      expect((await s.world.units.get('SO-NV'))?.keyVersion).toBe(1);
    });

    it('refuses a post from another site\'s page even with the right _csrf field (403), and one without the field', async () => {
      const s = setup();
      const { cookie, csrf } = await s.signedIn();
      const evil = await s.call('POST', '/quan-tri/don-vi/SO-NV/thu-hoi', { cookie, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: `_csrf=${encodeURIComponent(csrf)}` });
      expect(evil.statusCode).toBe(403);
      expect(evil.body).toContain('CSRF_REFUSED');
      const noToken = await s.call('POST', '/quan-tri/don-vi/SO-NV/thu-hoi', { cookie, headers: FORM_HEADERS, body: '' });
      expect(noToken.statusCode).toBe(403);
      expect((await s.world.units.get('SO-NV'))?.keyVersion).toBe(1);
      expect(s.audit.entries).toEqual([]);
    });
  });
});
