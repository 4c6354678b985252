/**
 * A small province for the draft report document's tests: named units of four types, two periods
 * of reports (so the document compares), the narrative texts of Mã số 25–27 with line breaks and
 * a control character, one unit that did not report and one whose report was returned; plus a
 * briefing as its builder hands it over (summary sentences, attention list) and a tiny PNG chart.
 */
import { deflateSync, crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { AttentionItem, Briefing, RenderedChart } from '../../functions/core/briefing/model';
import type { ConsolidatedReport } from '../../functions/core/consolidation/report';
import type { FormValues, Unit } from '../../functions/core/model';
import { buildReportFor } from '../../functions/core/usecases/consolidate-report';
import { loadForm, memoryDeps, randomValues, rng, submit } from '../unit/consolidation/fixtures';

export const DRAFT_FORM = loadForm('sap-xep-bo-may');
export const DRAFT_PERIOD = '2019-Q1';
/** 07:30 on 18/03/2019, Asia/Ho_Chi_Minh. */
export const DRAFT_NOW = '2019-03-18T00:30:00Z';

const unit = (code: string, name: string, type: Unit['type']): Unit => ({ code, name, type, emails: [`${code.toLowerCase()}@example.vn`], active: true, keyVersion: 1 });
export const DRAFT_UNITS: Unit[] = [
  unit('BTG', 'Ban Tuyên giáo Tỉnh ủy', 'ban-dang'),
  unit('SYT', 'Sở Y tế', 'so-nganh'),
  unit('STC', 'Sở Tài chính', 'so-nganh'),
  unit('SNV', 'Sở Nội vụ', 'so-nganh'),
  unit('HND', 'Hội Nông dân tỉnh', 'mttq-doan-the'),
  unit('HDL', 'Huyện ủy Đại Lộc', 'huyen'),
];

export const TEXTS = {
  highlight: 'Sở Y tế đã sáp nhập Trung tâm Y tế dự phòng vào Trung tâm Kiểm soát bệnh tật, giảm 2 đầu mối.',
  difficulty: 'Chưa có hướng dẫn về chế độ cho người dôi dư sau sáp nhập.',
  difficultySecond: 'Kinh phí chi trả chế độ tinh giản chưa được bố trí kịp thời.',
  proposal: 'Đề nghị Tỉnh ủy sớm ban hành quy định chức năng, nhiệm vụ của các cơ quan sau sắp xếp.',
} as const;

function valuesOf(u: Unit, seed: number, texts: Partial<Record<'25' | '26' | '27', string>>): FormValues {
  const v = randomValues(DRAFT_FORM, u, rng(seed));
  for (const code of ['25', '26', '27'] as const) {
    const text = texts[code];
    if (text === undefined) delete v.fields[`${code}.noi_dung`];
    else v.fields[`${code}.noi_dung`] = text;
  }
  return v;
}

/** The province's report of 2019-Q1 (and 2018-Q4 before it), built the way the consolidation builds it. */
export async function draftScenario(): Promise<{ report: ConsolidatedReport; briefing: Briefing; deps: ReturnType<typeof memoryDeps> }> {
  const deps = memoryDeps(DRAFT_UNITS, DRAFT_NOW);
  const [btg, syt, stc, snv, , hdl] = DRAFT_UNITS as [Unit, Unit, Unit, Unit, Unit, Unit];
  const f = DRAFT_FORM.id;
  // The previous quarter: four units reported.
  for (const [i, u] of [btg, syt, stc, hdl].entries()) {
    await submit(deps.submissions, { unitCode: u.code, formId: f, period: '2018-Q4', receivedAt: '2018-12-12T02:00:00Z', values: valuesOf(u, 100 + i, { '25': 'Kỳ trước.' }) });
  }
  await submit(deps.submissions, { unitCode: btg.code, formId: f, period: DRAFT_PERIOD, receivedAt: '2019-03-12T02:00:00Z', values: valuesOf(btg, 1, { '25': 'Ban Tuyên giáo hoàn thành việc kiện toàn các phòng.' }) });
  await submit(deps.submissions, {
    unitCode: syt.code, formId: f, period: DRAFT_PERIOD, receivedAt: '2019-03-12T03:00:00Z',
    // A line break starts a new paragraph; a stray control character (pasted from another program) is dropped.
    values: valuesOf(syt, 2, { '25': TEXTS.highlight, '26': `${TEXTS.difficulty}\u0007\n${TEXTS.difficultySecond}`, '27': TEXTS.proposal }),
  });
  await submit(deps.submissions, { unitCode: stc.code, formId: f, period: DRAFT_PERIOD, receivedAt: '2019-03-18T00:10:00Z', late: true, values: valuesOf(stc, 3, { '25': 'Sở Tài chính giảm 1 chi cục.' }) });
  await submit(deps.submissions, { unitCode: hdl.code, formId: f, period: DRAFT_PERIOD, receivedAt: '2019-03-13T02:00:00Z', values: valuesOf(hdl, 4, { '25': 'Huyện ủy sáp nhập 3 xã.', '26': 'Trụ sở sau sáp nhập xã còn chật.' }) });
  const returned = await submit(deps.submissions, { unitCode: snv.code, formId: f, period: DRAFT_PERIOD, receivedAt: '2019-03-12T05:00:00Z', values: valuesOf(snv, 5, { '25': 'Không được tính.' }) });
  await deps.reviews.put({ formId: f, period: DRAFT_PERIOD, unitCode: snv.code, uploadId: returned.uploadId, state: 'tra-lai', comment: 'Đề nghị giải trình mã số 07', actor: 'bantochuc@tinhuy.example.vn', at: '2019-03-13T02:00:00Z', rev: 1 }, undefined);

  const report = await buildReportFor(deps, { formId: f, period: DRAFT_PERIOD });
  const attention: AttentionItem[] = [
    { unit: DRAFT_UNITS[4]!, reasons: [{ code: 'not-reported', text: 'Chưa báo cáo, đã quá hạn.' }] },
    { unit: snv, reasons: [{ code: 'returned', text: 'Báo cáo bị trả lại' }, { code: 'below-target', text: 'Tỷ lệ tinh giản biên chế so với năm 2015 đạt 4,0% (mục tiêu ≥ 10,0%)' }] },
  ];
  const briefing: Briefing = {
    summary: [`${report.unitsReported}/${report.unitsExpected} đơn vị đã báo cáo.`, 'Có 2 đơn vị cần đôn đốc.'],
    attention,
    emailLimit: 10,
    charts: [],
    history: [],
  };
  return { report, briefing, deps };
}

/** A solid-colour PNG of `width` × `height` pixels (no drawing library needed). */
export function solidPng(width: number, height: number, rgb: [number, number, number] = [31, 78, 121]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const line = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => line));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A chart as the renderer hands it over: drawn at 2× (1200 × 700 px). */
export function sampleChart(index = 0): RenderedChart {
  // A different height per index: the same picture twice would be stored once in the package.
  const height = 700 + index;
  return { id: `hoan-thanh-${index}`, title: 'Tình hình nộp báo cáo theo loại đơn vị', alt: 'Biểu đồ thanh: số đơn vị đã nộp, nộp muộn, chưa nộp.', png: solidPng(1200, height), width: 1200, height };
}

/** Every entry of a zip (the .docx package) by name. */
export function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) =>
        zip.openReadStream(e, (er, stream) => {
          if (er || !stream) return reject(er ?? new Error('unreadable'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        }),
      );
      zip.on('end', () => resolve(out));
      zip.readEntry();
    }),
  );
}
