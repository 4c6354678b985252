/**
 * The form's history: earlier periods counted the way the consolidation counts them, oldest
 * first, without the periods before the form existed or before anyone reported, with gaps kept.
 */
import { loadEarlierPeriods } from '../../../functions/core/briefing/history';
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import { buildReportFor, briefingFor } from '../../../functions/core/usecases/consolidate-report';
import { loadForm } from '../consolidation/fixtures';
import { FORM, late, province, unit } from './fixtures';

const Q = '2019-Q1';

describe('briefing history', () => {
  it('loads three periods oldest first with the totals each counted, leaving out the years before anyone reported', async () => {
    const a = unit('DV001', 'so-nganh');
    const b = unit('DV002', 'huyen');
    const p = province([a, b]);
    await p.report(a, '2018-Q3', { '16.so_nguoi': 5, '01.hien_tai': 30 });
    await p.report(a, '2018-Q4', { '16.so_nguoi': 8, '01.hien_tai': 29 }, late('2018-Q4'));
    await p.report(b, '2018-Q4', { '16.so_nguoi': 2, '01.hien_tai': 12 });
    await p.report(a, Q, { '16.so_nguoi': 11, '01.hien_tai': 28 });
    await p.report(b, Q, { '16.so_nguoi': 4, '01.hien_tai': 11 });

    const { briefing, report } = await p.briefing();

    expect(briefing.history.map((s) => [s.period, s.unitsReported, s.unitsExpected, s.totals['16.so_nguoi']])).toEqual([
      ['2018-Q3', 1, 2, 5],
      ['2018-Q4', 2, 2, 10],
      ['2019-Q1', 2, 2, 15],
    ]);
    expect(briefing.history[0]!.unitStatus).toEqual({ DV001: 'on-time', DV002: 'missing' });
    expect(briefing.history[1]!.unitStatus).toEqual({ DV001: 'late', DV002: 'on-time' });
    expect(briefing.history[1]!.unitTotals.DV002).toEqual({ '16.so_nguoi': 2, '01.hien_tai': 12 });
    expect(briefing.history[2]!.totals).toEqual(report.totals);
    const trend = briefing.charts.find((c) => c.id === 'trend-fields')!;
    expect(trend.categories).toEqual(['9 tháng năm 2018', 'Năm 2018', 'Quý I năm 2019']);
    expect(trend.series).toEqual([
      { name: 'Số người tinh giản trong kỳ', data: [5, 10, 15] },
      { name: 'Số đầu mối trực thuộc', data: [30, 41, 39] },
    ]);
    expect(trend.alt).toContain('Số người tinh giản trong kỳ: 9 tháng năm 2018 5, Năm 2018 10, Quý I năm 2019 15');
  });

  it('keeps a period nobody reported for between two reported ones, as a gap', async () => {
    const a = unit('DV001', 'so-nganh');
    const p = province([a]);
    await p.report(a, '2018-Q2', { '09.giao_2015': 100, '09.duoc_giao': 95 });
    await p.report(a, Q, { '09.giao_2015': 100, '09.duoc_giao': 88 });

    const { briefing } = await p.briefing();

    expect(briefing.history.map((s) => [s.period, s.unitsReported])).toEqual([['2018-Q2', 1], ['2018-Q3', 0], ['2018-Q4', 0], ['2019-Q1', 1]]);
    const ratios = briefing.charts.find((c) => c.id === 'trend-ratios')!;
    expect(ratios.series[0]!.data).toEqual([0.05, null, null, 0.12]);
    expect(ratios.alt).toContain('6 tháng đầu năm 2018 5,0%, 9 tháng năm 2018 chưa có số liệu');
  });

  it('stops at the period before the form took effect, even when data is stored for it', async () => {
    const a = unit('DV001', 'so-nganh');
    const p = province([a]);
    const deps = { ...p.deps, forms: createFormCatalog([loadForm(FORM)], { published: [{ formId: FORM, version: 1, effectiveFrom: '2018-Q4' }] }) };
    await p.report(a, '2018-Q3', { '16.so_nguoi': 99 });
    await p.report(a, '2018-Q4', { '16.so_nguoi': 3 });
    await p.report(a, Q, { '16.so_nguoi': 4 });

    const report = await buildReportFor(deps, { formId: FORM, period: Q });
    const earlier = await loadEarlierPeriods(deps, report);

    expect(earlier.map((s) => [s.period, s.totals['16.so_nguoi']])).toEqual([['2018-Q4', 3]]);
    expect((await briefingFor(deps, report)).history.map((s) => s.label)).toEqual(['Năm 2018', 'Quý I năm 2019']);
  });

  it('does not count a returned report in an earlier period, and marks it returned', async () => {
    const a = unit('DV001', 'so-nganh');
    const b = unit('DV002', 'so-nganh');
    const p = province([a, b]);
    await p.report(a, '2018-Q4', { '16.so_nguoi': 3 });
    await p.report(b, '2018-Q4', { '16.so_nguoi': 500 });
    await p.returnReport(b, '2018-Q4');
    await p.report(a, Q, { '16.so_nguoi': 4 });
    await p.report(b, Q, { '16.so_nguoi': 6 });

    const { briefing, report } = await p.briefing();

    expect(briefing.history[0]).toMatchObject({ period: '2018-Q4', unitsReported: 1, totals: { '16.so_nguoi': 3 }, unitStatus: { DV001: 'on-time', DV002: 'returned' } });
    // The same count as the workbook's previous-period column.
    expect(report.previousTotals['16.so_nguoi']).toBe(3);
  });

  it('loads at most the asked number of earlier periods', async () => {
    const a = unit('DV001', 'so-nganh');
    const p = province([a]);
    for (const period of ['2017-Q1', '2017-Q2', '2017-Q3', '2017-Q4', '2018-Q1', '2018-Q2', '2018-Q3', '2018-Q4', Q]) await p.report(a, period, { '16.so_nguoi': 1 });
    const report = await buildReportFor(p.deps, { formId: FORM, period: Q });
    expect((await loadEarlierPeriods(p.deps, report)).map((s) => s.period)).toEqual(['2017-Q2', '2017-Q3', '2017-Q4', '2018-Q1', '2018-Q2', '2018-Q3', '2018-Q4']);
    expect((await loadEarlierPeriods(p.deps, report, 2)).map((s) => s.period)).toEqual(['2018-Q3', '2018-Q4']);
  });
});
