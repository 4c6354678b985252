/**
 * The briefing's first screen and charts: sentences answering "are we on target?" with the
 * workbook's own figures, and charts as data (completeness, targets, trends, task progress).
 */
import { buildBriefing } from '../../../functions/core/briefing/build-briefing';
import { resolveBriefing } from '../../../functions/core/briefing/resolve-briefing';
import { buildConsolidatedReport } from '../../../functions/core/consolidation/report';
import { formatPercent } from '../../../functions/core/consolidation/email';
import { loadForm } from '../consolidation/fixtures';
import { late, province, unit } from './fixtures';

const Q = '2019-Q1';
const PREV = '2018-Q4';

describe('briefing summary', () => {
  it('says how many reported, each ratio against its target as the workbook computes it, the highlights against last period and how many need pushing', async () => {
    const a = unit('DV001', 'so-nganh', 'Sở Nội vụ');
    const b = unit('DV002', 'huyen', 'Huyện ủy Tân Phú');
    const c = unit('DV003', 'huyen', 'Huyện ủy Định Quán');
    const p = province([a, b, c]);
    await p.report(a, PREV, { '16.so_nguoi': 12, '01.hien_tai': 40, '01.truoc': 44 });
    await p.report(a, Q, { '09.giao_2015': 1000, '09.duoc_giao': 880, '10.giao_2015': 3000, '10.duoc_giao': 2700, '16.so_nguoi': 20, '01.truoc': 44, '01.hien_tai': 38 });
    await p.report(b, Q, { '09.giao_2015': 500, '09.duoc_giao': 470, '10.giao_2015': 1000, '10.duoc_giao': 920, '16.so_nguoi': 15, '01.truoc': 10, '01.hien_tai': 10 }, late(Q));

    const { briefing, report } = await p.briefing();

    // (1000 + 3000 + 500 + 1000 − 880 − 2700 − 470 − 920) / 5500 = 530 / 5500 = 9,6%
    expect(report.ratios[0]!.value).toBeCloseTo(530 / 5500, 12);
    expect(briefing.summary[0]).toBe('2/3 đơn vị đã báo cáo (1 đơn vị nộp muộn); 1 đơn vị chưa báo cáo.');
    expect(briefing.summary[1]).toBe('Tỷ lệ tinh giản biên chế so với năm 2015 đạt 9,6% (mục tiêu ≥ 10%): chưa đạt mục tiêu.');
    expect(briefing.summary[2]).toContain(`Tỷ lệ tinh giản cán bộ, công chức so với năm 2015 đạt ${formatPercent(report.ratios[1]!.value)} (mục tiêu ≥ 10%): đạt mục tiêu`);
    // Giảm đầu mối: (54 − 48) / 54 = 11,1%; last period (44 − 40) / 44 = 9,1%.
    expect(briefing.summary[2]).toContain('Tỷ lệ giảm đầu mối trực thuộc đạt 11,1% (Năm 2018: 9,1%)');
    // The third highlight (09.co_mat) nobody filled: left out, not printed as 0.
    expect(briefing.summary[3]).toBe('Số người tinh giản trong kỳ: 35 (tăng 23 so với kỳ trước); Số đầu mối trực thuộc: 48 (tăng 8 so với kỳ trước).');
    expect(briefing.summary[4]).toBe(`${briefing.attention.length} đơn vị cần đôn đốc.`);
    expect(briefing.summary.length).toBeLessThanOrEqual(5);
  });

  it('says "đạt mục tiêu" when the province reaches it and there is no earlier period', async () => {
    const a = unit('DV001', 'so-nganh');
    const p = province([a]);
    await p.report(a, Q, { '09.giao_2015': 100, '09.duoc_giao': 88 });
    const { briefing } = await p.briefing();
    expect(briefing.summary[0]).toBe('1/1 đơn vị đã báo cáo.');
    expect(briefing.summary[1]).toBe('Tỷ lệ tinh giản biên chế so với năm 2015 đạt 12,0% (mục tiêu ≥ 10%): đạt mục tiêu.');
    expect(briefing.summary.at(-1)).toBe('Không có đơn vị nào cần đôn đốc.');
  });
});

describe('briefing charts', () => {
  it('draws what sap-xep-bo-may declares: completeness adding up to the expected units, targets, trends apart by format, task progress by unit type', async () => {
    const a = unit('DV001', 'so-nganh');
    const b = unit('DV002', 'so-nganh');
    const c = unit('DV003', 'huyen');
    const p = province([a, b, c]);
    // A trend needs two periods with figures.
    await p.report(a, PREV, { '09.giao_2015': 100, '09.duoc_giao': 90 });
    await p.report(a, Q, { '09.giao_2015': 100, '09.duoc_giao': 88, '24.tong': 10, '24.hoan_thanh': 6, '24.dang_thuc_hien': 3, '24.chua_thuc_hien': 1 });
    await p.report(c, Q, { '09.giao_2015': 100, '09.duoc_giao': 95, '24.tong': 5, '24.hoan_thanh': 1, '24.dang_thuc_hien': 2, '24.chua_thuc_hien': 2 }, late(Q));

    const { briefing } = await p.briefing();

    expect(briefing.charts.map((c) => [c.id, c.kind, c.format])).toEqual([
      ['completeness', 'bar-stacked', 'number'],
      ['targets', 'bar-target', 'percent'],
      ['trend-ratios', 'line', 'percent'],
      ['trend-fields', 'line', 'number'],
      ['breakdown', 'bar-stacked', 'number'],
    ]);
    const completeness = briefing.charts[0]!;
    expect(completeness.categories).toEqual(['Sở, ban, ngành', 'Huyện ủy, thị ủy, thành ủy']);
    expect(completeness.series).toEqual([
      { name: 'Đã nộp', data: [1, 0], role: 'done' },
      { name: 'Nộp muộn', data: [0, 1], role: 'late' },
      { name: 'Chưa nộp', data: [1, 0], role: 'missing' },
    ]);
    expect(completeness.alt).toContain('3 đơn vị phải báo cáo; 1 đã nộp đúng hạn, 1 nộp muộn, 1 chưa nộp');
    const targets = briefing.charts[1]!;
    expect(targets.categories[0]).toBe('Tỷ lệ tinh giản biên chế so với năm 2015');
    expect(targets.series[0]!.data[0]).toBeCloseTo(17 / 200, 12);
    expect(targets.targets).toEqual([0.1, 0.1, 0.1]);
    expect(targets.alt).toContain('Tỷ lệ tinh giản biên chế so với năm 2015 8,5% (mục tiêu ≥ 10%)');
    expect(briefing.charts[2]!.series.map((s) => s.name)).toEqual(['Tỷ lệ tinh giản biên chế so với năm 2015', 'Tỷ lệ giảm đầu mối trực thuộc']);
    expect(briefing.charts[2]!.categories).toEqual(['Năm 2018', 'Quý I năm 2019']);
    expect(briefing.charts[2]!.series[0]!.data).toEqual([10 / 100, 17 / 200]);
    const breakdown = briefing.charts[4]!;
    expect(breakdown.title).toBe('Tiến độ thực hiện nhiệm vụ (Mã số 24)');
    expect(breakdown.series.map((s) => [s.name, s.data])).toEqual([['Hoàn thành', [6, 1]], ['Đang thực hiện', [3, 2]], ['Chưa thực hiện', [1, 2]]]);
    expect(breakdown.alt).toContain('toàn tỉnh: Hoàn thành 7, Đang thực hiện 5, Chưa thực hiện 3');
    for (const chart of briefing.charts) expect(chart.id).toMatch(/^[a-z0-9-]+$/);
  });

  it('gives bien-che-thang without a declared briefing the defaults: completeness and the trends of its ratio and first figures, no targets', () => {
    const form = { ...loadForm('bien-che-thang'), briefing: undefined };
    const units = [unit('DV001', 'so-nganh'), unit('DV002', 'huyen')];
    const values = { fields: {}, tables: { don_vi: [{ ten_don_vi: 'Phòng A', duoc_giao: 20, co_mat: 18, so_nghi: 1 }, { ten_don_vi: 'Phòng B', duoc_giao: 10, co_mat: 10, so_nghi: 0 }] } };
    const report = buildConsolidatedReport({
      form, period: '2019-03', units, submissions: [], previousLatest: [], now: new Date('2019-03-19T00:30:00Z'),
      latest: [{ unitCode: 'DV001', uploadId: 'u1', receivedAt: '2019-03-10T02:00:00.000Z', late: false, values, warnings: [] }],
    });

    const february = { period: '2019-02', label: 'Tháng 2 năm 2019', totals: { 'don_vi.__rows': 2, 'don_vi.duoc_giao': 30, 'don_vi.co_mat': 27 }, unitsExpected: 2, unitsReported: 1, unitStatus: {}, unitTotals: {} };

    const alone = buildBriefing({ report, earlier: [] });
    const briefing = buildBriefing({ report, earlier: [february] });

    expect(resolveBriefing(form).highlights.map((h) => h.label)).toEqual(['Số đơn vị trực thuộc', 'Biên chế được giao', 'Có mặt']);
    // One period is not a trend: only completeness until a second month has figures.
    expect(alone.charts.map((c) => c.id)).toEqual(['completeness']);
    expect(briefing.charts.map((c) => c.id)).toEqual(['completeness', 'trend-ratios', 'trend-fields']);
    expect(briefing.charts[1]!.series).toEqual([{ name: 'Tỷ lệ có mặt so với biên chế được giao', data: [27 / 30, 28 / 30] }]);
    expect(briefing.charts[2]!.categories).toEqual(['Tháng 2 năm 2019', 'Tháng 3 năm 2019']);
    expect(briefing.charts[2]!.series.map((s) => s.data)).toEqual([[2, 2], [30, 30], [27, 28]]);
    expect(briefing.summary[1]).toBe('Tỷ lệ có mặt so với biên chế được giao đạt 93,3%.');
  });
});

describe('resolveBriefing', () => {
  it('defaults a form without a briefing to its first figures, completeness, targets and trends, and the schema’s attention rules', () => {
    const form = { ...loadForm('sap-xep-bo-may'), briefing: undefined };
    const resolved = resolveBriefing(form);
    expect(resolved.highlights.map((h) => h.key)).toEqual(['01.truoc', '01.hien_tai', '02.truoc']);
    expect(resolved.highlights[0]!.label).toMatch(/^Tổng số đầu mối trực thuộc — /);
    expect(resolved.charts.map((c) => c.kind)).toEqual(['completeness', 'targets', 'trend', 'trend']);
    expect(resolved.attention).toEqual({ lateInARow: 2, returned: true, belowTarget: true, shares: [], changes: [], emailLimit: 10 });
    expect(resolved.document.addressee).toBe('Thường trực Tỉnh ủy');
  });
});
