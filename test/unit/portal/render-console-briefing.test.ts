/**
 * The reports page's "Tóm tắt cho lãnh đạo" panel as rendered from hand-made briefings: the
 * summary sentences, the units needing attention with every reason, links to each unit's review
 * page, the draft download, and what hostile unit names and texts become.
 */
import type { Briefing } from '../../../functions/core/briefing/model';
import type { Unit } from '../../../functions/core/model';
import { renderBriefingPanel, renderConsoleReportsPage } from '../../../functions/portal/render-console-reports';

const HOSTILE: Unit = { code: 'SO-<X>', name: '<script>alert(1)</script>Sở "Xấu" & co', type: 'so-nganh', emails: [], active: true, keyVersion: 1 };
const HUYEN: Unit = { code: 'HU-TH', name: 'Huyện ủy Thạch Hà', type: 'huyen', emails: [], active: true, keyVersion: 1 };
const TYPE_LABELS: Record<string, string> = { 'so-nganh': 'Sở, ban, ngành', huyen: 'Huyện ủy, thị ủy, thành ủy' };
const unitTypeLabel = (type: string) => TYPE_LABELS[type] ?? type;
const operator = { name: 'Nguyễn Văn An', email: 'an@tinhuy.example.vn', role: 'viewer' as const, csrfToken: 'csrf' };

const briefing = (over: Partial<Briefing> = {}): Briefing => ({
  summary: ['49/50 đơn vị đã báo cáo.', 'Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2% (mục tiêu ≥ 10%).', 'Còn <1> đơn vị & "chưa" nộp.'],
  attention: [
    { unit: HOSTILE, reasons: [{ code: 'returned', text: 'Báo cáo bị trả lại <b>hai</b> lần.' }, { code: 'changed', text: 'Số biên chế giảm 35% so với kỳ trước.' }] },
    { unit: HUYEN, reasons: [{ code: 'not-reported', text: 'Chưa báo cáo kỳ này.' }] },
  ],
  emailLimit: 10,
  charts: [],
  history: [],
  ...over,
});

const panel = (b: Briefing, charts = false) => renderBriefingPanel('sap-xep-bo-may', '2019-Q1', { briefing: b, unitTypeLabel, charts });

describe('renderBriefingPanel', () => {
  describe('summary', () => {
    it('shows every summary sentence in order, escaped', () => {
      const html = panel(briefing());
      expect(html).toContain('<div class="summary"><p>49/50 đơn vị đã báo cáo.</p><p>Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2% (mục tiêu ≥ 10%).</p><p>Còn &lt;1&gt; đơn vị &amp; &quot;chưa&quot; nộp.</p></div>');
    });

    it('says there is nothing to summarise yet when the briefing has no sentences', () => {
      expect(panel(briefing({ summary: [] }))).toContain('Chưa có số liệu để tóm tắt cho kỳ này.');
    });
  });

  describe('Đơn vị cần đôn đốc', () => {
    it('lists every unit with its type and every reason, linking the unit to its review page for the form and period', () => {
      const html = panel(briefing());
      expect(html).toContain('Đơn vị cần đôn đốc (2)');
      expect(html).toContain('<thead><tr><th scope="col">Đơn vị</th><th scope="col">Loại đơn vị</th><th scope="col">Lý do</th></tr></thead>');
      const rows = html.match(/<tr data-code="[^"]*">.*?<\/tr>/g) ?? [];
      expect(rows).toHaveLength(2);
      expect(rows[1]).toBe('<tr data-code="HU-TH"><td data-label="Đơn vị"><a href="/quan-tri/don-vi/HU-TH?form=sap-xep-bo-may&amp;period=2019-Q1">Huyện ủy Thạch Hà</a></td><td data-label="Loại đơn vị">Huyện ủy, thị ủy, thành ủy</td><td data-label="Lý do"><ul class="reasons"><li data-reason="not-reported">Chưa báo cáo kỳ này.</li></ul></td></tr>');
      expect(rows[0]).toContain('<li data-reason="returned">Báo cáo bị trả lại &lt;b&gt;hai&lt;/b&gt; lần.</li><li data-reason="changed">Số biên chế giảm 35% so với kỳ trước.</li>');
    });

    it('escapes a hostile unit name and code: no script, no broken attribute', () => {
      const html = panel(briefing());
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;Sở &quot;Xấu&quot; &amp; co</a>');
      expect(html).toContain('<tr data-code="SO-&lt;X&gt;">');
      expect(html).toContain('href="/quan-tri/don-vi/SO-%3CX%3E?form=sap-xep-bo-may&amp;period=2019-Q1"');
    });

    it('says no unit needs attention when none does, without an empty table', () => {
      const html = panel(briefing({ attention: [] }));
      expect(html).toContain('Không có đơn vị nào cần đôn đốc.');
      expect(html).not.toContain('<table');
    });
  });

  describe('charts', () => {
    const chart = { id: 'ty-le-muc-tieu', kind: 'bar-target' as const, title: 'Tỷ lệ so với mục tiêu', categories: ['Tinh giản'], series: [{ name: 'Đạt', data: [0.102] }], format: 'percent' as const, targets: [0.1], alt: 'Tinh giản <đạt> 10,2%.' };

    it('shows each chart as a picture of the console\'s chart route with its text alternative and title', () => {
      const html = panel(briefing({ charts: [chart] }), true);
      expect(html).toContain('<figure class="chart" data-chart="ty-le-muc-tieu"><img src="/quan-tri/bao-cao/bieu-do/ty-le-muc-tieu.png?form=sap-xep-bo-may&amp;period=2019-Q1" alt="Tinh giản &lt;đạt&gt; 10,2%." loading="lazy" title="Tỷ lệ so với mục tiêu"></figure>');
    });

    it('leaves the charts out when the console does not serve them', () => {
      expect(panel(briefing({ charts: [chart] }), false)).not.toContain('<img');
    });
  });

  it('offers the draft report\'s download for the form and period', () => {
    expect(panel(briefing())).toContain('<a class="button" id="download-draft" href="/quan-tri/bao-cao/du-thao?form=sap-xep-bo-may&amp;period=2019-Q1">Tải dự thảo báo cáo (.docx)</a>');
  });

  it('says the summary could not be made when the briefing failed, still offering the draft', () => {
    const html = renderBriefingPanel('sap-xep-bo-may', '2019-Q1', { failed: true });
    expect(html).toContain('Chưa lập được phần tóm tắt cho kỳ này');
    expect(html).toContain('id="download-draft"');
  });
});

describe('renderConsoleReportsPage with a briefing', () => {
  it('puts the panel before the stored workbooks, with no inline script or style', () => {
    const page = renderConsoleReportsPage({
      operator,
      forms: [{ id: 'sap-xep-bo-may', name: 'Sắp xếp tổ chức bộ máy' }],
      periods: [{ id: '2019-Q1', label: 'Quý I năm 2019' }],
      listing: { formId: 'sap-xep-bo-may', formName: 'Sắp xếp tổ chức bộ máy', period: '2019-Q1', periodLabel: 'Quý I năm 2019', workbooks: [] },
      briefing: { briefing: briefing(), unitTypeLabel, charts: true },
    });
    expect(page.indexOf('Tóm tắt cho lãnh đạo')).toBeGreaterThan(-1);
    expect(page.indexOf('Tóm tắt cho lãnh đạo')).toBeLessThan(page.indexOf('Chưa có bảng tổng hợp nào cho kỳ này.'));
    expect(page).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });
});
