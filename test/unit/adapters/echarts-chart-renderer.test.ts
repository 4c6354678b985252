/**
 * The briefing's charts as leadership sees them: real PNGs (ECharts → SVG → resvg), checked for
 * size, the figures printed on them, their colours and what they leave out. The pictures are kept
 * in test-artifacts/briefing-charts/ to be looked at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boundSpec, chartSvg, createChartRenderer, MAX_CATEGORIES, MAX_CHARTS, ROLE_COLOURS } from '../../../functions/adapters/echarts-chart-renderer';
import type { ChartSpec } from '../../../functions/core/briefing/model';

const ARTIFACTS = join(__dirname, '../../../test-artifacts/briefing-charts');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const UNIT_TYPES = ['Các ban đảng, văn phòng Tỉnh ủy', 'Huyện ủy, thị ủy, thành ủy', 'Đảng ủy trực thuộc Tỉnh ủy', 'Sở, ban, ngành', 'Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội tỉnh'];
const PERIODS = ['Quý I năm 2025', 'Quý II năm 2025', 'Quý III năm 2025', 'Quý IV năm 2025', 'Quý I năm 2026', 'Quý II năm 2026', 'Quý III năm 2026', 'Quý IV năm 2026'];

const completeness: ChartSpec = {
  id: 'completeness',
  kind: 'bar-stacked',
  title: 'Tình hình báo cáo theo loại đơn vị',
  subtitle: 'Quý IV năm 2026 · 49/50 đơn vị đã báo cáo',
  categories: UNIT_TYPES,
  series: [
    { name: 'Đã nộp', role: 'done', data: [6, 9, 4, 1234, 5] },
    { name: 'Nộp muộn', role: 'late', data: [0, 0, 1, 2, 1] },
    { name: 'Chưa nộp', role: 'missing', data: [0, 1, 0, 1, null] },
  ],
  format: 'number',
  alt: 'Số đơn vị đã nộp, nộp muộn và chưa nộp theo loại đơn vị.',
};
const targets: ChartSpec = {
  id: 'targets',
  kind: 'bar-target',
  title: 'Các tỷ lệ so với mục tiêu',
  categories: ['Tỷ lệ tinh giản biên chế so với năm 2015', 'Tỷ lệ giảm đầu mối bên trong so với năm 2015', 'Tỷ lệ giảm cấp phó'],
  series: [{ name: 'Kết quả', role: 'done', data: [0.102, 0.085, null] }],
  targets: [0.1, 0.1, 0.15],
  format: 'percent',
  alt: 'Các tỷ lệ so với mục tiêu.',
};
const trend: ChartSpec = {
  id: 'trend-ratios',
  kind: 'line',
  title: 'Xu hướng các tỷ lệ qua 8 kỳ báo cáo',
  categories: PERIODS,
  series: [
    { name: 'Tinh giản biên chế so với 2015', role: 'neutral', data: [0.061, 0.068, null, 0.081, 0.088, 0.093, 0.099, 0.102] },
    { name: 'Giảm đầu mối so với 2015', data: [0.05, 0.052, 0.06, 0.061, null, 0.07, 0.078, 0.085] },
    { name: 'Mục tiêu', role: 'target', data: PERIODS.map(() => 0.1) },
  ],
  format: 'percent',
  alt: 'Xu hướng các tỷ lệ.',
};
const totals: ChartSpec = {
  id: 'trend-totals',
  kind: 'line',
  title: 'Tổng biên chế được giao và có mặt',
  categories: PERIODS.slice(4),
  series: [
    { name: 'Biên chế được giao', data: [12840, 12610, 12455, 12302] },
    { name: 'Có mặt', data: [12011, null, 11802, 11650] },
  ],
  format: 'number',
  alt: 'Tổng biên chế.',
};
const tasks: ChartSpec = {
  id: 'tasks',
  kind: 'bar-stacked',
  title: 'Tiến độ thực hiện nhiệm vụ (Mã số 24) theo loại đơn vị',
  categories: UNIT_TYPES,
  series: [
    { name: 'Hoàn thành', role: 'done', data: [34, 120, 40, 310, 22] },
    { name: 'Đang thực hiện', role: 'progress', data: [10, 45, 12, 96, 8] },
    { name: 'Chưa thực hiện', role: 'missing', data: [2, 15, 0, 30, 1] },
  ],
  format: 'number',
  alt: 'Tiến độ nhiệm vụ.',
};
const ALL = [completeness, targets, trend, totals, tasks];

/** The text of every <text> element of an SVG. */
const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
/** Fill colours of the filled bar rectangles/paths. */
const fills = (svg: string): string[] => [...svg.matchAll(/fill="(#[0-9a-f]{6})"/gi)].map((m) => m[1]!.toLowerCase());

/** Data indices of the chart's bars of one series. */
const barsOf = (svg: string, series: number): number[] =>
  [...svg.matchAll(new RegExp(`<path d="[^"]*Z" fill="#[0-9a-f]{6}" ecmeta_series_index="${series}" ecmeta_data_index="(\\d+)" ecmeta_ssr_type="chart"`, 'g'))].map((m) => Number(m[1]));

describe('echarts chart renderer', () => {
  const renderer = createChartRenderer();

  describe('rendering each kind', () => {
    it('draws every kind as a PNG at least 1,200 px wide (600 logical at 2×) with a sane height, and keeps them in test artifacts', async () => {
      const rendered = await renderer.render(ALL);

      mkdirSync(ARTIFACTS, { recursive: true });
      for (const chart of rendered) writeFileSync(join(ARTIFACTS, `${chart.id}.png`), chart.png);
      expect(rendered.map((c) => c.id)).toEqual(ALL.map((s) => s.id));
      for (const chart of rendered) {
        expect(chart.png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
        // The PNG's own header says the same size as the result.
        expect({ width: chart.png.readUInt32BE(16), height: chart.png.readUInt32BE(20) }).toEqual({ width: chart.width, height: chart.height });
        expect(chart.width).toBe(1280);
        expect(chart.height).toBeGreaterThan(500);
        expect(chart.height).toBeLessThan(2000);
      }
      expect(rendered[0]).toMatchObject({ title: completeness.title, alt: completeness.alt });
    });

    it('makes a chart with more categories taller, at the same width', async () => {
      const [few, many] = await renderer.render([
        { ...completeness, id: 'few' },
        { ...completeness, id: 'many', categories: [...UNIT_TYPES, ...UNIT_TYPES.map((t) => `${t} (khác)`)], series: completeness.series.map((s) => ({ ...s, data: [...s.data, ...s.data] })) },
      ]);

      expect(many!.width).toBe(few!.width);
      expect(many!.height).toBeGreaterThan(few!.height * 1.5);
    });

    it('renders nothing for no chart', async () => {
      await expect(renderer.render([])).resolves.toEqual([]);
    });
  });

  describe('Vietnamese text and numbers', () => {
    it('prints counts as "1.234" and percentages as "10,2%", with the labels in full diacritics', () => {
      const bars = texts(chartSvg(completeness));
      const ratios = texts(chartSvg(targets));

      expect(bars).toContain('1.234');
      expect(bars).toContain('1.237'); // the category total
      expect(bars.join(' ')).toContain('Huyện ủy, thị ủy, thành ủy');
      expect(ratios).toContain('10,2%');
      expect(ratios).toContain('8,5%');
      expect(ratios).toContain('mục tiêu 10%');
      expect(ratios).toContain('Mục tiêu');
      expect(ratios.some((t) => /^\d+%$/.test(t))).toBe(true); // the percent axis
    });

    it('keeps every text at 12 px or more', () => {
      for (const spec of ALL) {
        const sizes = [...chartSvg(spec).matchAll(/font-size:(\d+(?:\.\d+)?)px/g)].map((m) => Number(m[1]));
        expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
      }
    });

    it('wraps a long category label over lines instead of cutting it', () => {
      const svg = chartSvg(completeness);

      const words = texts(svg).join(' ');
      expect(words).toContain('Mặt trận Tổ quốc và các đoàn');
      expect(words).toContain('thể chính trị - xã hội tỉnh');
    });
  });

  describe('missing figures', () => {
    it('draws no bar for a ratio without a figure and says so, instead of a 0', () => {
      const t = texts(chartSvg(targets));

      expect(t).toContain('chưa có số liệu');
      // Bars (filled shapes of the chart, not the legend) exist for the first two ratios only.
      expect(barsOf(chartSvg(targets), 0)).toEqual([0, 1]);
    });

    it('leaves a gap in a line where a period has no figure', () => {
      const withGap = chartSvg(totals);
      const noGap = chartSvg({ ...totals, series: [totals.series[0]!, { ...totals.series[1]!, data: [12011, 11900, 11802, 11650] }] });

      // The figure is not printed, and no point of the series sits at 0 or is labelled 0.
      expect(texts(withGap)).not.toContain('11.900');
      expect(texts(withGap)).not.toContain('0');
      expect(texts(noGap)).toContain('11.900');
      // One line becomes two segments: more path moves in the gapped series' stroke.
      const greenMoves = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"[^>]*stroke="#009e73"/g)].map((m) => (m[1]!.match(/M/g) ?? []).length).reduce((a, b) => a + b, 0);
      expect(greenMoves(withGap)).toBeGreaterThan(greenMoves(noGap));
    });
  });

  describe('figures below zero', () => {
    it('extends the value axis below 0 for a ratio that went the wrong way, on bars and lines, instead of hiding it at 0', () => {
      const negativeBar = texts(chartSvg({ ...targets, series: [{ ...targets.series[0]!, data: [0.064, 0.147, -0.023] }] }));
      const negativeLine = texts(chartSvg({ id: 'am', kind: 'line', title: 'Diễn biến', categories: ['Quý III năm 2018', 'Năm 2018', 'Quý I năm 2019'], series: [{ name: 'Tỷ lệ', data: [0.04, -0.05, 0.064] }], format: 'percent', alt: '' }));

      expect(negativeBar).toContain('-2,3%');
      expect(negativeBar.some((t) => /^-\d/.test(t) && t !== '-2,3%')).toBe(true);
      expect(negativeLine).toContain('-5%');
    });
  });

  describe('colours', () => {
    it('gives the same role the same colour in every chart', () => {
      const bars = fills(chartSvg(completeness));
      const progress = fills(chartSvg(tasks));
      const firstBar = (svg: string, series: number) => new RegExp(`fill="(#[0-9a-f]{6})" ecmeta_series_index="${series}" ecmeta_data_index="\\d+" ecmeta_ssr_type="chart"`).exec(svg)?.[1];
      expect(firstBar(chartSvg(completeness), 1)).toBe(firstBar(chartSvg({ ...completeness, series: [completeness.series[1]!, completeness.series[0]!] }), 0));
      const target = fills(chartSvg(targets));

      expect(bars).toEqual(expect.arrayContaining([ROLE_COLOURS.done, ROLE_COLOURS.late, ROLE_COLOURS.missing]));
      expect(progress).toEqual(expect.arrayContaining([ROLE_COLOURS.done, ROLE_COLOURS.progress, ROLE_COLOURS.missing]));
      // The ratio below its target is drawn in the "late" colour, the one above in "done".
      expect(target).toEqual(expect.arrayContaining([ROLE_COLOURS.done, ROLE_COLOURS.late, ROLE_COLOURS.target]));
      expect(new Set(Object.values(ROLE_COLOURS)).size).toBe(Object.keys(ROLE_COLOURS).length);
    });

    it('keeps two neutral lines of one chart apart', () => {
      const svg = chartSvg(trend);

      const strokes = new Set([...svg.matchAll(/stroke="(#[0-9a-f]{6})" stroke-width="3"/g)].map((m) => m[1]).filter((c) => c !== '#ffffff'));
      expect(strokes.size).toBe(2);
    });
  });

  describe('bounded inputs', () => {
    it('draws at most 12 charts per call', async () => {
      const many = Array.from({ length: MAX_CHARTS + 3 }, (_, i) => ({ ...totals, id: `c-${i}` }));

      const rendered = await renderer.render(many);

      expect(rendered).toHaveLength(MAX_CHARTS);
    });

    it('keeps at most 60 categories, the last one naming how many were left out, and caps long texts', () => {
      const categories = Array.from({ length: 75 }, (_, i) => `Đơn vị ${i + 1} ${'rất dài '.repeat(i === 0 ? 40 : 0)}`);
      const spec: ChartSpec = { ...completeness, title: 'Tiêu đề '.repeat(100), categories, series: [{ name: 'Đã nộp', role: 'done', data: categories.map(() => 1) }] };

      const bounded = boundSpec(spec);

      expect(bounded.categories).toHaveLength(MAX_CATEGORIES);
      expect(bounded.categories.at(-1)).toBe('… và 16 mục khác');
      expect(bounded.series[0]!.data).toHaveLength(MAX_CATEGORIES);
      expect(bounded.series[0]!.data.at(-1)).toBeNull();
      expect(Array.from(bounded.title).length).toBeLessThanOrEqual(140);
      expect(Array.from(bounded.categories[0]!).length).toBeLessThanOrEqual(90);
      expect(texts(chartSvg(spec))).toContain('… và 16 mục khác');
    });

    it('treats data that is not a finite number as missing and aligns data to the categories', () => {
      const bounded = boundSpec({ ...totals, series: [{ name: 'x', data: [1, Number.NaN, Number.POSITIVE_INFINITY] }] });

      expect(bounded.series[0]!.data).toEqual([1, null, null, null]);
    });
  });
});
