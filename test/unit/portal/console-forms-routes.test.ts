/**
 * The console's "Biểu mẫu": the list with its definition downloads, the upload → check report
 * (problems by sheet/row/column or path, escaped) → preview → publish flow for admins, the
 * retirement, what a viewer and an operator may not do, and the units' page seeing a published
 * form at once.
 */
import ExcelJS from 'exceljs';
import type { FormCatalog } from '../../../functions/core/forms/catalog';
import { writeDefinitionWorkbook } from '../../../functions/core/forms/authoring-workbook';
import { createLiveFormCatalog } from '../../../functions/core/forms/live-catalog';
import { silentLog } from '../../../functions/core/log';
import { seedFormCatalog } from '../../../functions/core/usecases/publish-form';
import { InMemoryFormStore } from '../../support/in-memory';
import { THIRD_FORM_RAW, thirdForm } from '../../support/third-form';
import { loadForm } from '../consolidation/fixtures';
import { ADMIN, consoleHarness, FORM_POST, OPERATOR, VIEWER } from './console-harness';
import { HU_TH } from './world';

const base64 = (x: string | Buffer) => Buffer.from(x).toString('base64');

async function setup() {
  const store = new InMemoryFormStore();
  let live: ReturnType<typeof createLiveFormCatalog> | undefined;
  const s = consoleHarness({
    forms: store,
    configure: (w) => {
      live = createLiveFormCatalog({ store, clock: w.clock, log: silentLog });
      (w as { catalog: FormCatalog }).catalog = live;
    },
  });
  await seedFormCatalog({ forms: store, clock: s.world.clock, log: silentLog }, [
    { source: 'sap-xep-bo-may.json', raw: loadForm('sap-xep-bo-may') },
    { source: 'bien-che-thang.json', raw: loadForm('bien-che-thang') },
  ]);
  // The third form's half-year is open in mid-2026.
  s.world.clock.set(new Date('2026-06-10T03:00:00Z'));
  return { s, store, live: live! };
}

describe('console forms routes', () => {
  it('lists the published forms with their versions and downloads; a viewer reads it without the admin actions', async () => {
    const { s } = await setup();
    const admin = await s.signedIn(ADMIN);
    const page = await s.call('GET', '/quan-tri/bieu-mau', { cookie: admin.cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('sap-xep-bo-may');
    expect(page.body).toContain('bien-che-thang');
    expect(page.body).toContain('/quan-tri/bieu-mau/bien-che-thang/tai/v1.xlsx');
    expect(page.body).toContain('id="form-upload"');
    expect(page.body).toContain('/quan-tri/bieu-mau/thiet-ke-bieu-mau.xlsx');
    expect(page.body).toContain('aria-current="page">Biểu mẫu');

    const viewer = await s.signedIn(VIEWER);
    const seen = await s.call('GET', '/quan-tri/bieu-mau', { cookie: viewer.cookie });
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('bien-che-thang');
    expect(seen.body).not.toContain('id="form-upload"');
    expect(seen.body).not.toContain('ngung-su-dung');

    const asJson = await s.call('GET', '/quan-tri/bieu-mau/bien-che-thang/tai/v1.json', { cookie: viewer.cookie });
    expect(asJson.statusCode).toBe(200);
    expect(JSON.parse(Buffer.from(asJson.body!, 'base64').toString('utf8'))).toMatchObject({ id: 'bien-che-thang', version: 1 });
    const asXlsx = await s.call('GET', '/quan-tri/bieu-mau/bien-che-thang/tai/v1.xlsx', { cookie: viewer.cookie });
    expect(asXlsx.headers['content-type']).toMatch(/spreadsheetml/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(asXlsx.body!, 'base64') as unknown as ArrayBuffer);
    expect(book.worksheets.length).toBeGreaterThan(1);
    expect((await s.call('GET', '/quan-tri/bieu-mau/bien-che-thang/tai/v9.json', { cookie: viewer.cookie })).statusCode).toBe(404);
    const blank = await s.call('GET', '/quan-tri/bieu-mau/thiet-ke-bieu-mau.xlsx', { cookie: viewer.cookie });
    expect(blank.statusCode).toBe(200);
    expect((await s.call('GET', '/quan-tri/bieu-mau')).statusCode).toBe(303);
  });

  it('checks a clean JSON definition, shows its summary, previews it for a unit type, publishes it (audited) and the unit page shows it at once', async () => {
    const { s } = await setup();
    const admin = await s.signedIn(ADMIN);
    const checked = await admin.postJson('/api/admin/forms/check', { fileName: 'evil<script>.xlsx', contentBase64: base64(JSON.stringify(THIRD_FORM_RAW)) });
    expect(checked.statusCode).toBe(200);
    const { reportUrl, ok, id } = checked.json() as { reportUrl: string; ok: boolean; id: string };
    expect(ok).toBe(true);

    const report = await s.call('GET', reportUrl, { cookie: admin.cookie });
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain('Định nghĩa hợp lệ');
    expect(report.body).toContain(thirdForm.id);
    expect(report.body).toContain('6 tháng');
    expect(report.body).toContain('Biểu mẫu mới');
    expect(report.body).toContain('evil&lt;script&gt;.xlsx');
    expect(report.body).not.toContain('evil<script>');
    // Deadlines by unit type, with the registry's labels.
    expect(report.body).toContain('Huyện ủy, thị ủy, thành ủy: ngày');

    const preview = await s.call('GET', `${reportUrl}/xem-thu`, { cookie: admin.cookie, query: 'loai=huyen' });
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-disposition']).toContain('2026-H1');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(preview.body!, 'base64') as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.getSheetValues().flat().join(' ')).toContain('Đơn vị mẫu');

    // Not confirmed: nothing published.
    expect((await admin.post(`${reportUrl}/phat-hanh`, { 'hieu-luc': '' })).statusCode).toBe(400);
    expect(s.audit.entries.filter((e) => e.action === 'forms.publish')).toEqual([]);

    const published = await admin.post(`${reportUrl}/phat-hanh`, { 'hieu-luc': '2026-H1', 'xac-nhan': '1' });
    expect(published.statusCode).toBe(200);
    expect(published.body).toContain('Đã phát hành biểu mẫu');
    expect(published.body).toContain('6 tháng đầu năm 2026');
    expect(s.audit.entries.filter((e) => e.action === 'forms.publish')).toEqual([expect.objectContaining({ actor: ADMIN, target: `${thirdForm.id}/v1`, after: expect.objectContaining({ effectiveFrom: '2026-H1' }) })]);

    // The units' page shows it at once (the live catalog was invalidated).
    const me = (await s.call('GET', '/api/me', { bearer: s.world.tokenFor(HU_TH) })).json() as { reports: Array<{ formId?: string; form?: { id: string } }> };
    expect(JSON.stringify(me.reports)).toContain(thirdForm.id);
    const list = await s.call('GET', '/quan-tri/bieu-mau', { cookie: admin.cookie });
    expect(list.body).toContain(thirdForm.id);
    expect(list.body).toContain(ADMIN);

    // Publishing again is a no-op; the JSON twin says so too.
    const again = await admin.post(`${reportUrl}/phat-hanh`, { 'xac-nhan': '1' });
    expect(again.body).toContain('Không thay đổi gì');
    expect((await admin.postJson('/api/admin/forms/publish', { id })).json()).toMatchObject({ outcome: 'unchanged' });
    expect(s.audit.entries.filter((e) => e.action === 'forms.publish')).toHaveLength(1);
  });

  it('refuses a changed definition under a published id and version with the conflict message', async () => {
    const { s } = await setup();
    const admin = await s.signedIn(ADMIN);
    const changed = { ...loadForm('bien-che-thang'), name: 'Tên khác' };
    const { reportUrl } = (await admin.postJson('/api/admin/forms/check', { fileName: 'b.json', contentBase64: base64(JSON.stringify(changed)) })).json() as { reportUrl: string };
    const report = await s.call('GET', reportUrl, { cookie: admin.cookie });
    expect(report.body).toContain('đã được phát hành với nội dung khác');
    const res = await admin.post(`${reportUrl}/phat-hanh`, { 'xac-nhan': '1' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('FORM_VERSION_CONFLICT');
    expect(res.body).toContain('Chưa phát hành được');
  });

  it('reports every problem of a broken JSON by path and of a broken workbook by sheet, row and column; nothing can be published', async () => {
    const { s, store } = await setup();
    const admin = await s.signedIn(ADMIN);
    const broken = JSON.parse(JSON.stringify(THIRD_FORM_RAW)) as { periodType: string; name: string };
    broken.periodType = 'fortnight';
    broken.name = '<img src=x onerror=alert(1)>';
    const res = (await admin.postJson('/api/admin/forms/check', { fileName: 'x.json', contentBase64: base64(JSON.stringify(broken)) })).json() as { ok: boolean; reportUrl: string; problemCount: number };
    expect(res.ok).toBe(false);
    const page = await s.call('GET', res.reportUrl, { cookie: admin.cookie });
    expect(page.body).toContain('chưa phát hành được');
    expect(page.body).toContain('periodType');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).not.toContain('phat-hanh');
    const refused = await admin.post(`${res.reportUrl}/phat-hanh`, { 'xac-nhan': '1' });
    expect(refused.statusCode).toBe(409);
    expect(store.versions.size).toBe(2);

    // A workbook with a bad period type: its sheet, row and column.
    const bytes = await writeDefinitionWorkbook(thirdForm);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Thông tin chung')!;
    sheet.getCell('B7').value = 'hai tuần';
    const out = Buffer.from(await book.xlsx.writeBuffer());
    // Named .json, yet it is a workbook: the bytes decide.
    const wb = (await admin.postJson('/api/admin/forms/check', { fileName: 'thiet-ke.json', contentBase64: base64(out) })).json() as { ok: boolean; reportUrl: string };
    expect(wb.ok).toBe(false);
    const wbPage = await s.call('GET', wb.reportUrl, { cookie: admin.cookie });
    expect(wbPage.body).toContain('Trang &quot;Thông tin chung&quot;, dòng 7, cột B');

    // Garbage is a problem, not a crash; an oversized file is refused.
    const junk = (await admin.postJson('/api/admin/forms/check', { fileName: 'a.xlsx', contentBase64: base64('not json at all') })).json() as { ok: boolean; problems: Array<{ code: string }> };
    expect(junk.problems[0]!.code).toBe('DEF_NOT_JSON');
    const big = await admin.postJson('/api/admin/forms/check', { fileName: 'a.json', contentBase64: base64(Buffer.alloc(2 * 1024 * 1024 + 1, 32)) });
    expect(big.statusCode).toBe(413);
  });

  it('keeps a check to the admin who made it; viewers and operators may neither check, preview, publish nor retire', async () => {
    const { s } = await setup();
    const admin = await s.signedIn(ADMIN);
    const { reportUrl } = (await admin.postJson('/api/admin/forms/check', { fileName: 'c.json', contentBase64: base64(JSON.stringify(THIRD_FORM_RAW)) })).json() as { reportUrl: string };
    for (const email of [VIEWER, OPERATOR]) {
      const other = await s.signedIn(email);
      expect((await other.postJson('/api/admin/forms/check', { fileName: 'c.json', contentBase64: base64('{}') })).statusCode).toBe(403);
      expect((await s.call('GET', reportUrl, { cookie: other.cookie })).statusCode).toBe(403);
      expect((await other.post(`${reportUrl}/phat-hanh`, { 'xac-nhan': '1' })).statusCode).toBe(403);
      expect((await other.post('/quan-tri/bieu-mau/bien-che-thang/ngung-su-dung', { 'xac-nhan': '1' })).statusCode).toBe(403);
    }
    // Without the CSRF token: refused.
    const noCsrf = await s.call('POST', `${reportUrl}/phat-hanh`, { cookie: admin.cookie, headers: FORM_POST, body: 'xac-nhan=1' });
    expect(noCsrf.statusCode).toBe(403);
    expect(s.audit.entries.filter((e) => e.action.startsWith('forms.'))).toEqual([]);
    // An id that is no check at all.
    expect((await s.call('GET', '/quan-tri/bieu-mau/kiem-tra/..%2f..%2fforms', { cookie: admin.cookie })).statusCode).toBe(404);
  });

  it('retires a form after a confirmation page naming the consequences, audited; the units no longer see it', async () => {
    const { s } = await setup();
    const admin = await s.signedIn(ADMIN);
    const confirm = await s.call('GET', '/quan-tri/bieu-mau/bien-che-thang/ngung-su-dung', { cookie: admin.cookie });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('không còn trên trang nộp báo cáo');
    expect((await admin.post('/quan-tri/bieu-mau/bien-che-thang/ngung-su-dung', {})).statusCode).toBe(400);
    const done = await admin.post('/quan-tri/bieu-mau/bien-che-thang/ngung-su-dung', { 'xac-nhan': '1' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/quan-tri/bieu-mau?tb=da-ngung');
    expect(s.audit.entries).toContainEqual(expect.objectContaining({ action: 'forms.retire', actor: ADMIN, target: 'bien-che-thang' }));
    const list = await s.call('GET', '/quan-tri/bieu-mau', { cookie: admin.cookie, query: 'tb=da-ngung' });
    expect(list.body).toContain('Đã ngừng sử dụng biểu mẫu');
    expect(list.body).toContain('ngừng sử dụng</span>');
    const me = (await s.call('GET', '/api/me', { bearer: s.world.tokenFor(HU_TH) })).json();
    expect(JSON.stringify(me)).not.toContain('bien-che-thang');
  });
});
