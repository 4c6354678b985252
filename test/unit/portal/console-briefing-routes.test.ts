/**
 * The leadership briefing in the console's "Báo cáo tổng hợp" page through the API handler: the
 * "Tóm tắt cho lãnh đạo" panel, the draft report's download (headers, audit, who may, refused
 * input in fixed words) and the charts' pictures. The briefing itself is the core's (tested
 * there); here it is planned per test, so what the console does with it is what is checked.
 */
import type { BuildBriefingInput } from '../../../functions/core/briefing/build-briefing';
import type { Briefing, ChartRenderer, ChartSpec } from '../../../functions/core/briefing/model';
import { consoleHarness, OPERATOR, VIEWER } from './console-harness';
import { HU_TH, SO_NV } from './world';

/** The briefing the next requests get (undefined: the core's own). */
let mockBriefing: ((input: BuildBriefingInput) => Briefing) | undefined;
jest.mock('../../../functions/core/briefing/build-briefing', () => {
  const actual = jest.requireActual<typeof import('../../../functions/core/briefing/build-briefing')>('../../../functions/core/briefing/build-briefing');
  return { ...actual, buildBriefing: (input: BuildBriefingInput) => (mockBriefing ? mockBriefing(input) : actual.buildBriefing(input)) };
});

// Builds documents and draws charts: more than jest's 5 s default on a busy 2-core machine.
jest.setTimeout(60_000);

const Q1 = 'form=sap-xep-bo-may&period=2019-Q1';
const DRAFT = '/quan-tri/bao-cao/du-thao';

const planned = (input: BuildBriefingInput): Briefing => ({
  summary: [`${input.report.unitsReported}/${input.report.unitsExpected} đơn vị đã báo cáo.`, 'Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2% (mục tiêu ≥ 10%).'],
  attention: [
    { unit: HU_TH, reasons: [{ code: 'not-reported', text: 'Chưa báo cáo kỳ này.' }, { code: 'late-streak', text: 'Nộp muộn hai kỳ liên tiếp.' }] },
    { unit: SO_NV, reasons: [{ code: 'below-target', text: 'Tỷ lệ tinh giản biên chế 4,0% (mục tiêu ≥ 10%).' }] },
  ],
  emailLimit: 10,
  charts: [{ id: 'tien-do-nop', kind: 'bar-stacked', title: 'Tình hình báo cáo theo loại đơn vị', categories: ['Sở, ban, ngành', 'Huyện ủy'], series: [{ name: 'Đã nộp', data: [1, 0], role: 'done' }, { name: 'Chưa nộp', data: [0, 1], role: 'missing' }], format: 'number', alt: '1/2 đơn vị đã báo cáo.' }],
  history: [],
});

afterEach(() => {
  mockBriefing = undefined;
});

describe('Tóm tắt cho lãnh đạo on the reports page', () => {
  it('shows the briefing\'s sentences, its charts as pictures and every unit needing attention with its reasons, linked to the unit\'s review page', async () => {
    mockBriefing = planned;
    const h = consoleHarness();
    const { cookie } = await h.signedIn(VIEWER);

    const page = await h.call('GET', '/quan-tri/bao-cao', { cookie, query: Q1 });

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h4 id="briefing-heading">Tóm tắt cho lãnh đạo</h4>');
    expect(page.body).toContain('<p>0/2 đơn vị đã báo cáo.</p><p>Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2% (mục tiêu ≥ 10%).</p>');
    expect(page.body).toContain('<img src="/quan-tri/bao-cao/bieu-do/tien-do-nop.png?form=sap-xep-bo-may&amp;period=2019-Q1" alt="1/2 đơn vị đã báo cáo."');
    expect(page.body).toContain('Đơn vị cần đôn đốc (2)');
    const rows = page.body!.match(/<tr data-code="[^"]+">.*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('<a href="/quan-tri/don-vi/HU-TH?form=sap-xep-bo-may&amp;period=2019-Q1">Huyện ủy Thạch Hà</a>');
    expect(rows[0]).toContain('<li data-reason="not-reported">Chưa báo cáo kỳ này.</li><li data-reason="late-streak">Nộp muộn hai kỳ liên tiếp.</li>');
    expect(rows[1]).toContain('Sở, ban, ngành');
    expect(page.body).toContain(`<a class="button" id="download-draft" href="${DRAFT}?form=sap-xep-bo-may&amp;period=2019-Q1">Tải dự thảo báo cáo (.docx)</a>`);
  });

  it('still lists the workbooks, with a notice, when the briefing cannot be computed, and logs why', async () => {
    mockBriefing = () => {
      throw new Error('briefing exploded');
    };
    const h = consoleHarness();
    const page = await h.call('GET', '/quan-tri/bao-cao', { cookie: (await h.signedIn(OPERATOR)).cookie, query: Q1 });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Chưa lập được phần tóm tắt cho kỳ này');
    expect(page.body).toContain('Chưa có bảng tổng hợp nào cho kỳ này.');
    expect(page.body).not.toContain('briefing exploded');
    expect(h.lines.some((l) => l.startsWith('error console briefing failed') && l.includes('briefing exploded'))).toBe(true);
  });
});

describe('Tải dự thảo báo cáo', () => {
  it.each([[VIEWER], [OPERATOR]])('hands %s the .docx as an attachment under its Vietnamese name, never cached, and audits it', async (email) => {
    const h = consoleHarness();
    const { cookie } = await h.signedIn(email);

    const res = await h.call('GET', DRAFT, { cookie, query: Q1 });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers['cache-control']).toBe('no-store');
    const name = 'Dự thảo báo cáo - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.docx';
    expect(res.headers['content-disposition']).toBe(`attachment; filename="du-thao-bao-cao-sap-xep-to-chuc-bo-may-tinh-gian-bien-che-quy-i-nam-2019.docx"; filename*=UTF-8''${encodeURIComponent(name)}`);
    const bytes = Buffer.from(res.body!, 'base64');
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'binary'));
    expect(res.headers['content-length']).toBe(String(bytes.length));
    expect(h.audit.entries.filter((e) => e.action === 'consolidation.draft')).toEqual([
      { at: expect.any(String), actor: email, action: 'consolidation.draft', target: 'sap-xep-bo-may/2019-Q1', after: { fileName: name, unitsReported: 0, unitsExpected: 2 } },
    ]);
  });

  it('sends a browser without a session to sign-in, coming back to this download, building and auditing nothing', async () => {
    const h = consoleHarness();
    const res = await h.call('GET', DRAFT, { query: Q1 });
    expect([res.statusCode, res.headers['location']]).toEqual([303, `/quan-tri/sign-in?next=${encodeURIComponent(`${DRAFT}?${Q1}`)}`]);
    expect(h.audit.entries.filter((e) => e.action === 'consolidation.draft')).toEqual([]);
  });

  it.each([
    ['an unknown form', 'form=%3Cscript%3Ekhong-co&period=2019-Q1', 404, 'FORM_NOT_FOUND', '<script>khong-co'],
    ['no form', 'period=2019-Q1', 404, 'FORM_NOT_FOUND', undefined],
    ['a period that does not parse', 'form=sap-xep-bo-may&period=%3Cb%3E2019-Q9', 400, 'PERIOD_INVALID', '<b>2019-Q9'],
    ['a period of another kind', 'form=sap-xep-bo-may&period=2019-03', 400, 'PERIOD_INVALID', '2019-03'],
    ['an over-long period', `form=sap-xep-bo-may&period=${'9'.repeat(65)}`, 400, 'PARAM_INVALID', '9'.repeat(65)],
  ])('refuses %s with the console\'s Vietnamese page and code, echoing nothing, auditing nothing', async (_case, q, status, code, raw) => {
    const h = consoleHarness();
    const res = await h.call('GET', DRAFT, { cookie: (await h.signedIn(OPERATOR)).cookie, query: q });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain(`Mã lỗi: ${code}`);
    if (raw) expect(res.body).not.toContain(raw);
    expect(h.audit.entries.filter((e) => e.action === 'consolidation.draft')).toEqual([]);
  });

  it('names the action in Vietnamese in the audit log page', async () => {
    const h = consoleHarness();
    const { cookie } = await h.signedIn(OPERATOR);
    await h.call('GET', DRAFT, { cookie, query: Q1 });
    const log = await h.call('GET', '/quan-tri/nhat-ky', { cookie });
    expect(log.body).toContain('Tải dự thảo báo cáo');
  });
});

describe('the briefing\'s chart pictures', () => {
  it('answers the picture the renderer draws of that chart of the period\'s briefing, which the browser may keep for a minute', async () => {
    mockBriefing = planned;
    const asked: ChartSpec[][] = [];
    const picture = Buffer.from('89504e470d0a1a0a-drawn', 'utf8');
    const charts: ChartRenderer = { render: async (specs) => (asked.push([...specs]), specs.map((c) => ({ id: c.id, title: c.title, alt: c.alt, png: picture, width: 1200, height: 800 }))) };
    const h = consoleHarness({ charts });
    const res = await h.call('GET', '/quan-tri/bao-cao/bieu-do/tien-do-nop.png', { cookie: (await h.signedIn(VIEWER)).cookie, query: Q1 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('private, max-age=60');
    expect(Buffer.from(res.body!, 'base64')).toEqual(picture);
    expect(asked.map((specs) => specs.map((c) => c.id))).toEqual([['tien-do-nop']]);
  });

  it.each([
    ['a chart the briefing does not have', '/quan-tri/bao-cao/bieu-do/khong-co.png'],
    ['a file name that is not a chart\'s', '/quan-tri/bao-cao/bieu-do/..%2F..%2Fetc.png'],
  ])('answers 404 for %s', async (_case, path) => {
    mockBriefing = planned;
    const h = consoleHarness();
    const res = await h.call('GET', path, { cookie: (await h.signedIn(VIEWER)).cookie, query: Q1 });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Mã lỗi: CHART_NOT_FOUND');
  });

  it('sends a browser without a session to sign-in, drawing nothing', async () => {
    mockBriefing = planned;
    const h = consoleHarness();
    const res = await h.call('GET', '/quan-tri/bao-cao/bieu-do/tien-do-nop.png', { query: Q1 });
    expect([res.statusCode, res.headers['location']]).toEqual([303, '/quan-tri/sign-in']);
  });
});
