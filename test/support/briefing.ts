/**
 * Briefings and charts made by hand for the consolidation email and workbook tests: these tests
 * check how the email and the workbook carry a briefing, not how the briefing is computed (the
 * briefing core has its own tests), so they build one from the report the way leadership would
 * read it, and draw each chart as a small real PNG.
 */
import { deflateSync, crc32 } from 'node:zlib';
import type { Briefing, ChartRenderer, ChartSpec, RenderedChart } from '../../functions/core/briefing/model';
import type { ConsolidatedReport } from '../../functions/core/consolidation/report';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/**
 * A real RGB PNG `width`×`height`: a white picture with a frame and bars of `rgb` (one per
 * value, 0..1 of the width), so a screenshot shows where a chart sits and how big it is.
 */
export function barsPng(width: number, height: number, rgb: [number, number, number], values: readonly number[] = [0.8, 0.55, 0.3]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height, 255);
  const bar = Math.max(1, Math.floor(height / (2 * values.length + 1)));
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    const i = Math.floor(y / bar);
    const v = i % 2 === 1 ? values[(i - 1) / 2] : undefined;
    for (let x = 0; x < width; x++) {
      const frame = x < 2 || y < 2 || x >= width - 2 || y >= height - 2;
      const inBar = v !== undefined && x >= width * 0.1 && x < width * (0.1 + 0.85 * v);
      const c: [number, number, number] = frame ? [160, 160, 160] : inBar ? rgb : [255, 255, 255];
      raw.set(c, row + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const COLOURS: Array<[number, number, number]> = [
  [31, 78, 121],
  [84, 130, 53],
  [191, 144, 0],
];

/** A ChartRenderer that draws each chart as a 1280×640 PNG (shown at 640×320) and records what it was asked. */
export function fakeChartRenderer(): ChartRenderer & { calls: number } {
  const renderer = {
    calls: 0,
    render(charts: readonly ChartSpec[]): Promise<RenderedChart[]> {
      renderer.calls += 1;
      return Promise.resolve(charts.map((c, i) => ({ id: c.id, title: c.title, alt: c.alt, png: barsPng(1280, 640, COLOURS[i % COLOURS.length]!), width: 1280, height: 640 })));
    },
  };
  return renderer;
}

/** Three charts as the default briefing would declare them (completeness, ratios vs target, a trend). */
export function sampleCharts(report: Pick<ConsolidatedReport, 'unitsReported' | 'unitsExpected' | 'periodLabel'>): ChartSpec[] {
  const missing = report.unitsExpected - report.unitsReported;
  return [
    {
      id: 'tinh-hinh-bao-cao',
      kind: 'bar-stacked',
      title: 'Tình hình báo cáo theo loại đơn vị',
      categories: ['Toàn tỉnh'],
      series: [
        { name: 'Đã nộp', data: [report.unitsReported], role: 'done' },
        { name: 'Chưa nộp', data: [missing], role: 'missing' },
      ],
      format: 'number',
      alt: `${report.unitsReported}/${report.unitsExpected} đơn vị đã báo cáo ${report.periodLabel}; ${missing} đơn vị chưa báo cáo.`,
    },
    {
      id: 'ty-le-muc-tieu',
      kind: 'bar-target',
      title: 'Các tỷ lệ so với mục tiêu',
      categories: ['Tinh giản biên chế so với năm 2015'],
      series: [{ name: 'Kỳ này', data: [0.102], role: 'progress' }],
      targets: [0.1],
      format: 'percent',
      alt: 'Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2%, mục tiêu ≥ 10%.',
    },
    {
      id: 'xu-huong-ty-le',
      kind: 'line',
      title: 'Xu hướng tỷ lệ tinh giản biên chế qua các kỳ',
      categories: ['Quý III năm 2018', 'Quý IV năm 2018', report.periodLabel],
      series: [{ name: 'Tinh giản biên chế', data: [0.081, 0.093, 0.102], role: 'progress' }],
      format: 'percent',
      alt: 'Tỷ lệ tinh giản biên chế tăng từ 8,1% (Quý III năm 2018) lên 10,2% (kỳ này).',
    },
  ];
}

/** A briefing of `report` as leadership would read it: 4 summary sentences, every unit not reported needing attention, three charts. */
export function handBriefing(report: ConsolidatedReport, emailLimit = 10): Briefing {
  const missing = report.units.filter((l) => !l.accepted);
  return {
    summary: [
      `${report.unitsReported}/${report.unitsExpected} đơn vị đã báo cáo ${report.periodLabel}.`,
      'Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2% (mục tiêu ≥ 10%): đạt.',
      'So với kỳ trước, số đầu mối trực thuộc giảm 12 (−3,1%).',
      `${missing.length} đơn vị cần đôn đốc, trong đó ${missing.length} đơn vị chưa báo cáo.`,
    ],
    attention: missing.map((l, i) => ({
      unit: l.unit,
      reasons: [
        { code: 'not-reported' as const, text: 'Chưa báo cáo (quá hạn).' },
        ...(i % 3 === 0 ? [{ code: 'late-streak' as const, text: 'Nộp muộn hai kỳ liên tiếp.' }] : []),
      ],
    })),
    emailLimit,
    charts: sampleCharts(report),
    history: [],
  };
}
