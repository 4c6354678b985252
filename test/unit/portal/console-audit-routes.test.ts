/**
 * The console's "Nhật ký" (`/quan-tri/nhat-ky` and its .xlsx download) through the API handler,
 * on the in-memory stores: what an operator or a leader reading the log would notice.
 */
import ExcelJS from 'exceljs';
import type { AuditEntry } from '../../../functions/core/operators/model';
import { AUDIT_PAGE_SIZE, AUDIT_SCAN_LIMIT } from '../../../functions/core/operators/audit-view';
import '../../../functions/core/spreadsheet-text';
import { ADMIN, consoleHarness, operator, VIEWER, type CallOptions, type ConsoleHarnessOptions } from './console-harness';
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import { createUnitTypeRegistry, UNIT_TYPES_2019 } from '../../../functions/core/units/unit-types';

/** The world's clock reads 1 March 2019, 10:00 in Hà Nội. */
function setup(configure?: ConsoleHarnessOptions['configure']) {
  const h = consoleHarness({ operators: [operator(ADMIN, 'admin', 'Nguyễn Văn Quản'), operator(VIEWER, 'viewer', 'Trần Thị Lãnh')], configure });
  const { world, audit } = h;
  const call = (path: string, options: CallOptions & { method?: string } = {}) => h.call(options.method ?? 'GET', path, options);
  const signedIn = async (email: string) => {
    await h.call('POST', '/quan-tri/api/sign-in', { body: JSON.stringify({ email }) });
    const token = h.lastToken();
    world.clock.advance(60_000); // the link is opened a minute later
    const res = await h.confirm(token);
    return res.cookies![0]!.split(';')[0]!;
  };
  const entry = (at: string, action: string, target: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({ at, actor: ADMIN, action, target, ...extra });
  return { world, audit, call, signedIn, entry };
}

/** The table's rows, as tags. */
const rowsOf = (body: string | undefined) => (body ?? '').match(/<tr data-action="[^"]*">[\s\S]*?<\/tr>/g) ?? [];

describe('console audit page', () => {
  it('shows a viewer every action of the last 7 days, newest first: Hà Nội time, who (name and email), the Vietnamese label and the stable name, the target and before → after', async () => {
    const s = setup();
    await s.audit.record(s.entry('2019-02-20T03:00:00.000Z', 'units.import', 'units')); // 9 days before: outside the default range
    await s.audit.record({ ...s.entry('2019-02-27T16:30:00.000Z', 'operator.add', 'lan@tinhuy.vn', { before: { name: 'Lan', role: 'viewer', active: false }, after: { name: 'Lan', role: 'operator', active: true } }), actor: 'cli:quantri' });
    await s.audit.record(s.entry('2019-02-28T01:05:00.000Z', 'units.revoke-links', 'SO-NV', { before: { keyVersion: 1 }, after: { keyVersion: 2 } }));
    const cookie = await s.signedIn(VIEWER);
    const res = await s.call('/quan-tri/nhat-ky', { cookie });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/quan-tri/nhat-ky" aria-current="page">Nhật ký</a>');
    expect(res.body).toContain('<input id="a-from" name="from" type="date" required value="2019-02-23">');
    expect(res.body).toContain('<input id="a-to" name="to" type="date" required value="2019-03-01">');
    const rows = rowsOf(res.body);
    expect(rows.map((r) => /data-action="([^"]+)"/.exec(r)![1])).toEqual(['signin.redeem', 'signin.request', 'units.revoke-links', 'operator.add']);
    expect(rows[0]).toContain('<td class="nowrap">01/03/2019 10:01</td>');
    expect(rows[0]).toContain(`Trần Thị Lãnh<br><span class="muted">${VIEWER}</span>`);
    expect(rows[0]).toContain('Đăng nhập<br><code>signin.redeem</code>');
    expect(rows[2]).toContain('<td class="nowrap">28/02/2019 08:05</td>');
    expect(rows[2]).toContain('Thu hồi đường dẫn nộp của đơn vị<br><code>units.revoke-links</code>');
    expect(rows[2]).toContain('<td class="target">SO-NV</td>');
    expect(rows[2]).toContain('<span class="change-key">phiên bản khóa đường dẫn:</span> <del>1</del> → <ins>2</ins>');
    // 16:30 UTC on the 27th is 23:30 in Hà Nội.
    expect(rows[3]).toContain('<td class="nowrap">27/02/2019 23:30</td>');
    expect(rows[3]).toContain('<td>cli:quantri</td>');
    expect(rows[3]).toContain('<li><span class="change-key">tên:</span> Lan</li>');
    expect(rows[3]).toContain('<span class="change-key">vai trò:</span> <del>xem</del> → <ins>vận hành</ins>');
    expect(rows[3]).toContain('<span class="change-key">còn hiệu lực:</span> <del>không</del> → <ins>có</ins>');
    expect(res.body).toContain('<span id="audit-count">4</span> thao tác từ 23/02/2019 đến 01/03/2019');
    expect(res.body).toContain('href="/quan-tri/nhat-ky/tai?from=2019-02-23&amp;to=2019-03-01"');
    expect(res.body).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });

  it("names a unit's type by the deployment's own unit types, on the page and in the download", async () => {
    const unitTypes = createUnitTypeRegistry([...UNIT_TYPES_2019, { code: 'dang-uy-xa', name: 'Đảng ủy xã', plural: 'Đảng ủy xã, phường, đặc khu', order: 9 }]);
    const s = setup((world) => {
      world.catalog = createFormCatalog(world.catalog.list(), { unitTypes });
    });
    await s.audit.record(s.entry('2019-02-28T01:05:00.000Z', 'units.edit', 'XA-01', { before: { type: 'huyen' }, after: { type: 'dang-uy-xa' } }));
    const cookie = await s.signedIn(VIEWER);
    const row = rowsOf((await s.call('/quan-tri/nhat-ky', { cookie })).body).find((r) => r.includes('XA-01'))!;
    expect(row).toContain('<del>Huyện ủy, thị ủy, thành ủy</del> → <ins>Đảng ủy xã, phường, đặc khu</ins>');

    const download = await s.call('/quan-tri/nhat-ky/tai', { cookie });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(download.body!, 'base64') as unknown as ArrayBuffer);
    const texts: string[] = [];
    wb.getWorksheet('Nhật ký')!.eachRow((r) => r.eachCell((c) => void texts.push(String(c.value))));
    expect(texts.join('\n')).toContain('Đảng ủy xã, phường, đặc khu');
  });

  it('filters by days, actor, action and target text (without accents or case), keeping the choices in the form', async () => {
    const s = setup();
    await s.audit.record(s.entry('2019-02-10T03:00:00.000Z', 'units.revoke-links', 'HU-TH'));
    await s.audit.record(s.entry('2019-02-11T03:00:00.000Z', 'units.revoke-links', 'SO-NV'));
    await s.audit.record(s.entry('2019-02-11T04:00:00.000Z', 'submission.download.original', 'Sở Nội vụ báo cáo'));
    await s.audit.record({ ...s.entry('2019-02-12T03:00:00.000Z', 'units.revoke-links', 'SO-NV'), actor: 'cli:khac' });
    const cookie = await s.signedIn(VIEWER);
    const byAction = await s.call('/quan-tri/nhat-ky', { cookie, query: `from=2019-02-11&to=2019-02-12&action=units.revoke-links&actor=${encodeURIComponent(ADMIN)}` });
    expect(rowsOf(byAction.body).map((r) => /<td class="target">([^<]*)</.exec(r)![1])).toEqual(['SO-NV']);
    expect(byAction.body).toContain('<option value="units.revoke-links" selected>Thu hồi đường dẫn nộp của đơn vị (units.revoke-links)</option>');
    expect(byAction.body).toContain(`<option value="${ADMIN}" selected>Nguyễn Văn Quản (${ADMIN})</option>`);
    expect(byAction.body).toContain('<option value="cli:khac">cli:khac</option>');
    const byTarget = await s.call('/quan-tri/nhat-ky', { cookie, query: 'from=2019-02-01&to=2019-02-28&target=so+noi+VU' });
    expect(rowsOf(byTarget.body).map((r) => /<td class="target">([^<]*)</.exec(r)![1])).toEqual(['Sở Nội vụ báo cáo']);
    expect(byTarget.body).toContain('value="so noi VU"');
    const none = await s.call('/quan-tri/nhat-ky', { cookie, query: 'from=2019-02-01&to=2019-02-28&target=khong-co' });
    expect(none.body).toContain('Không có thao tác nào khớp bộ lọc.');
    expect(none.body).not.toContain('/quan-tri/nhat-ky/tai');
  });

  it('escapes what operators and units typed (targets, details, the filter echoed)', async () => {
    const s = setup();
    await s.audit.record(s.entry('2019-02-28T03:00:00.000Z', 'submission.upload', '<img src=x onerror=alert(1)>', { after: { fileName: '<b>tep</b>.xlsx' } }));
    const cookie = await s.signedIn(ADMIN);
    const res = await s.call('/quan-tri/nhat-ky', { cookie, query: `target=${encodeURIComponent('"><script>')}` });
    expect(res.body).toContain('value="&quot;&gt;&lt;script&gt;"');
    const all = await s.call('/quan-tri/nhat-ky', { cookie });
    expect(all.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(all.body).toContain('&lt;b&gt;tep&lt;/b&gt;.xlsx');
    expect(all.body).not.toContain('<img src=x');
  });

  it(`pages by ${AUDIT_PAGE_SIZE}, the filters kept in the page links`, async () => {
    const s = setup();
    for (let i = 0; i < 2 * AUDIT_PAGE_SIZE + 48; i++) await s.audit.record(s.entry(new Date(Date.parse('2019-02-25T00:00:00Z') + i * 60_000).toISOString(), 'units.revoke-links', `DV-${i}`));
    const cookie = await s.signedIn(VIEWER);
    const first = await s.call('/quan-tri/nhat-ky', { cookie, query: 'action=units.revoke-links' });
    expect(rowsOf(first.body)).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.body).toContain(`Trang 1/3 (thao tác 1–${AUDIT_PAGE_SIZE})`);
    expect(first.body).toContain('<a href="/quan-tri/nhat-ky?from=2019-02-23&amp;to=2019-03-01&amp;action=units.revoke-links&amp;trang=2" rel="next">Trang sau →</a>');
    const last = await s.call('/quan-tri/nhat-ky', { cookie, query: 'action=units.revoke-links&trang=3' });
    expect(rowsOf(last.body)).toHaveLength(48);
    expect(rowsOf(last.body).at(-1)).toContain('<td class="target">DV-0</td>');
    expect(last.body).toContain('rel="prev">← Trang trước</a>');
    expect(last.body).not.toContain('rel="next"');
  });

  it(`says so when the range holds more than ${AUDIT_SCAN_LIMIT} actions and only the newest were read`, async () => {
    const s = setup();
    const base = Date.parse('2019-02-26T00:00:00Z');
    for (let i = 0; i < AUDIT_SCAN_LIMIT + 10; i++) s.audit.entries.push(s.entry(new Date(base + i * 1000).toISOString(), 'units.revoke-links', `DV-${i}`));
    const cookie = await s.signedIn(VIEWER);
    const res = await s.call('/quan-tri/nhat-ky', { cookie });
    expect(res.body).toContain('chỉ xét 5.000 thao tác mới nhất');
    const quiet = await s.call('/quan-tri/nhat-ky', { cookie, query: 'from=2019-03-01&to=2019-03-01' });
    expect(quiet.body).not.toContain('chỉ xét');
  });

  it.each([
    ['from=2019-02-30', 'AUDIT_RANGE_INVALID'],
    ['from=01/02/2019', 'AUDIT_RANGE_INVALID'],
    ['from=2019-03-02&to=2019-03-01', 'AUDIT_RANGE_INVALID'],
    ['from=2018-01-01&to=2019-03-01', 'AUDIT_RANGE_INVALID'],
    [`target=${'x'.repeat(101)}`, 'PARAM_INVALID'],
    ['action=%3Cscript%3E', 'PARAM_INVALID'],
    ['trang=0', 'PARAM_INVALID'],
  ])('refuses %s with the Vietnamese page and %s, not echoing it', async (query, code) => {
    const s = setup();
    const cookie = await s.signedIn(VIEWER);
    const res = await s.call('/quan-tri/nhat-ky', { cookie, query });
    expect([res.statusCode, res.headers['content-type']]).toEqual([400, 'text/html; charset=utf-8']);
    expect(res.body).toContain(`Mã lỗi: ${code}`);
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('x'.repeat(101));
  });

  it('sends the browser to sign-in without a session, for the page and the download, recording nothing', async () => {
    const s = setup();
    for (const path of ['/quan-tri/nhat-ky', '/quan-tri/nhat-ky/tai']) {
      const res = await s.call(path);
      expect([path, res.statusCode, res.headers['location']]).toEqual([path, 303, '/quan-tri/sign-in']);
    }
    expect(s.audit.entries).toEqual([]);
  });
});

describe('console audit download', () => {
  it('downloads the filtered entries as .xlsx for a viewer: Vietnamese headers, frozen header row, the rows newest first, formula-looking text kept as text; the download is audited', async () => {
    const s = setup();
    await s.audit.record(s.entry('2019-02-27T01:00:00.000Z', 'units.revoke-links', 'SO-NV', { before: { keyVersion: 1 }, after: { keyVersion: 2 } }));
    await s.audit.record(s.entry('2019-02-27T02:00:00.000Z', 'units.revoke-links', '=HYPERLINK("http://x.example","bấm")'));
    await s.audit.record(s.entry('2019-02-27T03:00:00.000Z', 'consolidation.build', 'sap-xep-bo-may/2019-Q1'));
    const cookie = await s.signedIn(VIEWER);
    const res = await s.call('/quan-tri/nhat-ky/tai', { cookie, query: 'from=2019-02-20&to=2019-02-28&action=units.revoke-links' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain('filename="nhat-ky-quan-tri-2019-02-20-2019-02-28.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(res.body!, 'base64') as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Nhật ký')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['Thời gian (giờ Hà Nội)', 'Người thực hiện', 'Họ tên', 'Thao tác', 'Mã thao tác', 'Đối tượng', 'Thay đổi (trước → sau)']);
    expect(ws.rowCount).toBe(3);
    const second = ws.getRow(2);
    // The Hà Nội wall clock (09:00) as the Excel date, shown dd/mm/yyyy hh:mm.
    expect((second.getCell(1).value as Date).toISOString()).toBe('2019-02-27T09:00:00.000Z');
    expect(second.getCell(1).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(second.getCell(2).value).toBe(ADMIN);
    expect(second.getCell(3).value).toBe('Nguyễn Văn Quản');
    expect(second.getCell(4).value).toBe('Thu hồi đường dẫn nộp của đơn vị');
    expect(second.getCell(5).value).toBe('units.revoke-links');
    expect(second.getCell(6).value).toBe('=HYPERLINK("http://x.example","bấm")');
    expect(second.getCell(6).type).toBe(ExcelJS.ValueType.String);
    expect((second.getCell(6).style as { quotePrefix?: boolean }).quotePrefix).toBe(true);
    expect(ws.getRow(3).getCell(7).value).toBe('phiên bản khóa đường dẫn: 1 → 2');
    expect(ws.getColumn(7).width).toBeGreaterThanOrEqual(50);
    const about = wb.getWorksheet('Bộ lọc')!;
    expect(about.getColumn(2).values).toEqual(expect.arrayContaining(['20/02/2019', '28/02/2019', 'Thu hồi đường dẫn nộp của đơn vị (units.revoke-links)', '2', VIEWER]));

    expect(s.audit.entries.at(-1)).toEqual({
      at: '2019-03-01T03:01:00.000Z', actor: VIEWER, action: 'audit.download', target: '2019-02-20/2019-02-28',
      after: { fromDay: '2019-02-20', toDay: '2019-02-28', filterAction: 'units.revoke-links', rows: 2 },
    });
  });

  it('keeps a hostile filter typed into the download as text on the "Bộ lọc" sheet', async () => {
    const s = setup();
    const cookie = await s.signedIn(ADMIN);
    const res = await s.call('/quan-tri/nhat-ky/tai', { cookie, query: `target=${encodeURIComponent('@SUM(A1)')}` });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(res.body!, 'base64') as unknown as ArrayBuffer);
    const cell = wb.getWorksheet('Bộ lọc')!.getColumn(2).values.indexOf('@SUM(A1)');
    expect(cell).toBeGreaterThan(0);
    expect((wb.getWorksheet('Bộ lọc')!.getRow(cell).getCell(2).style as { quotePrefix?: boolean }).quotePrefix).toBe(true);
  });
});
