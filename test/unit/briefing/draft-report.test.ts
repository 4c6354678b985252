/**
 * The draft report document's package: what Word and LibreOffice read from word/document.xml —
 * A4 portrait, Party margins (20/20/30/15 mm), Times New Roman 14 pt body and 13 pt tables, the
 * header block, the three parts, the appendix, the chart picture — and the use case that builds
 * it from the ports' data.
 */
import { DOCX_CONTENT_TYPE, draftReportFileName, writeDraftReport } from '../../../functions/core/briefing/draft-report';
import type { ChartRenderer, ChartSpec } from '../../../functions/core/briefing/model';
import { formatNumber } from '../../../functions/core/consolidation/email';
import { buildReportFor } from '../../../functions/core/usecases/consolidate-report';
import { draftReportFor } from '../../../functions/core/usecases/draft-report';
import { loadForm, makeUnits, memoryDeps, randomValues, rng, submit } from '../consolidation/fixtures';
import { DRAFT_FORM, DRAFT_PERIOD, draftScenario, sampleChart, unzip } from '../../support/draft-report';

/** The document's text, paragraph by paragraph (runs joined). */
function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join('')).filter((t) => t !== '');
}
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

jest.setTimeout(60_000);

describe('draft report document', () => {
  let files: Map<string, Buffer>;
  let xml: string;
  let text: string[];

  beforeAll(async () => {
    const { report, briefing } = await draftScenario();
    files = await unzip(await writeDraftReport({ report, briefing, charts: [sampleChart()] }));
    xml = files.get('word/document.xml')!.toString('utf8');
    text = paragraphs(xml).map(unescape);
  });

  describe('page layout', () => {
    it('is A4 portrait with margins top 20, bottom 20, left 30 and right 15 mm', () => {
      expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
      const margins = /<w:pgMar ([^>]*)\/>/.exec(xml)![1]!;
      expect(margins).toContain('w:top="1134"');
      expect(margins).toContain('w:bottom="1134"');
      expect(margins).toContain('w:left="1701"');
      expect(margins).toContain('w:right="850"');
    });

    it('sets Times New Roman 14 pt as the document font and 13 pt in tables', () => {
      const styles = files.get('word/styles.xml')!.toString('utf8');
      const defaults = /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(styles)![0];
      expect(defaults).toMatch(/<w:rFonts w:ascii="Times New Roman"[^>]*w:hAnsi="Times New Roman"/);
      expect(defaults).toContain('<w:sz w:val="28"/>');
      expect(xml).toContain('<w:sz w:val="26"/>');
    });

    it('numbers pages in the footer from page 2', () => {
      expect(xml).toContain('<w:titlePg/>');
      const footers = [...files.keys()].filter((k) => /^word\/footer\d+\.xml$/.test(k)).map((k) => files.get(k)!.toString('utf8'));
      expect(footers.some((f) => f.includes('PAGE'))).toBe(true);
    });
  });

  describe('header block', () => {
    it('opens with "DỰ THẢO", the issuing body, the number line, ĐẢNG CỘNG SẢN VIỆT NAM, place and date, the title and "Kính gửi"', () => {
      const head = text.slice(0, 12);
      expect(head[0]).toBe('DỰ THẢO');
      expect(head).toEqual(
        expect.arrayContaining([
          'TỈNH ỦY', 'BAN TỔ CHỨC', '*', 'Số        -BC/BTCTU', 'ĐẢNG CỘNG SẢN VIỆT NAM', '……, ngày 18 tháng 3 năm 2019', 'BÁO CÁO',
          'KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ 82-KH/TU VÀ CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 43-CTr/TU VỀ SẮP XẾP TỔ CHỨC BỘ MÁY, TINH GIẢN BIÊN CHẾ QUÝ I NĂM 2019',
          'Kính gửi: Thường trực Tỉnh ủy',
        ]),
      );
      expect(head.indexOf('ĐẢNG CỘNG SẢN VIỆT NAM')).toBeLessThan(head.indexOf('BÁO CÁO'));
    });

    it('writes "ĐẢNG CỘNG SẢN VIỆT NAM" bold and underlined, the date in italics', () => {
      const run = (t: string) => new RegExp(`<w:r>(?:(?!</w:r>)[\\s\\S])*<w:t[^>]*>${t}</w:t></w:r>`).exec(xml)![0];
      expect(run('ĐẢNG CỘNG SẢN VIỆT NAM')).toMatch(/<w:b\/>[\s\S]*<w:u w:val="single"\/>/);
      expect(run('……, ngày 18 tháng 3 năm 2019')).toContain('<w:i/>');
    });

    it('takes the issuing body, addressee, signer and recipients from the form\'s briefing.document', async () => {
      const { report, briefing } = await draftScenario();
      const form = { ...report.form, issuer: 'TỈNH ỦY QUẢNG NAM', place: 'Quảng Nam', briefing: { highlights: [], attention: DRAFT_FORM.briefing?.attention ?? { lateInARow: 2, returned: true, belowTarget: true, shares: [], changes: [], emailLimit: 10 }, document: { issuingBody: 'Ban Tổ chức', numberSuffix: '-BC/BTCTU', addressee: 'Ban Thường vụ Tỉnh ủy', signer: 'T/L Ban Thường vụ', recipients: ['Thường trực Tỉnh ủy,', 'Lưu.'] } } };
      const own = paragraphs((await unzip(await writeDraftReport({ report: { ...report, form }, briefing }))).get('word/document.xml')!.toString('utf8')).map(unescape);
      expect(own).toEqual(expect.arrayContaining(['TỈNH ỦY QUẢNG NAM', 'BAN TỔ CHỨC', 'Quảng Nam, ngày 18 tháng 3 năm 2019', 'Kính gửi: Ban Thường vụ Tỉnh ủy', 'T/L BAN THƯỜNG VỤ', '- Thường trực Tỉnh ủy,', '- Lưu.']));
    });
  });

  describe('body', () => {
    it('has the three parts in order, then the appendix on a new page', () => {
      const at = (t: string) => text.indexOf(t);
      expect(at('I. KẾT QUẢ THỰC HIỆN')).toBeGreaterThan(0);
      expect(at('II. HẠN CHẾ, KHÓ KHĂN')).toBeGreaterThan(at('I. KẾT QUẢ THỰC HIỆN'));
      expect(at('III. ĐỀ XUẤT, KIẾN NGHỊ')).toBeGreaterThan(at('II. HẠN CHẾ, KHÓ KHĂN'));
      expect(at('PHỤ LỤC')).toBeGreaterThan(at('III. ĐỀ XUẤT, KIẾN NGHỊ'));
      expect(xml).toMatch(/<w:pageBreakBefore\/>(?:(?!<\/w:p>)[\s\S])*PHỤ LỤC/);
    });

    it('opens part I with the briefing\'s summary sentences', () => {
      expect(text).toContain('4/6 đơn vị đã báo cáo. Có 2 đơn vị cần đôn đốc.');
    });

    it('writes each row of figures as one sentence, a label ending in a year kept apart from its figure', async () => {
      const { report } = await draftScenario();
      const cbcc = text.find((t) => t.startsWith('- Cán bộ, công chức: '))!;
      expect(cbcc).toMatch(new RegExp(`^- Cán bộ, công chức: biên chế giao năm 2015 là ${formatNumber(report.totals['09.giao_2015']).replace('.', '\\.')}[ ;]`));
      expect(cbcc).toContain(`có mặt ${formatNumber(report.totals['09.co_mat'])}`);
      expect(cbcc.endsWith('.')).toBe(true);
    });

    it('justifies body paragraphs with a first-line indent', () => {
      const p = /<w:p>(?:(?!<\/w:p>)[\s\S])*I\. KẾT QUẢ THỰC HIỆN/.exec(xml)![0];
      expect(p).toContain('<w:jc w:val="both"/>');
      expect(p).toMatch(/<w:ind w:firstLine="7\d\d"\/>/);
    });

    it('says so when no unit raised a proposal (a blank text is none)', async () => {
      const { report, briefing } = await draftScenario();
      const units = report.units.map((l) => (l.accepted ? { ...l, accepted: { ...l.accepted, values: { ...l.accepted.values, fields: { ...l.accepted.values.fields, '27.noi_dung': '  ' } } } } : l));
      const own = paragraphs((await unzip(await writeDraftReport({ report: { ...report, units }, briefing }))).get('word/document.xml')!.toString('utf8')).map(unescape);
      expect(own[own.indexOf('III. ĐỀ XUẤT, KIẾN NGHỊ') + 1]).toBe('Không có đơn vị nêu đề xuất, kiến nghị.');
    });
  });

  describe('appendix', () => {
    it('shades the header rows of its tables and draws thin borders', () => {
      expect(xml).toMatch(/<w:shd [^>]*w:fill="DDEBF7"/);
      expect(xml).toMatch(/<w:insideH w:val="single" w:color="000000" w:sz="4"\/>/);
    });

    it('embeds the chart as a PNG picture no wider than the text block', () => {
      expect([...files.keys()].filter((k) => k.startsWith('word/media/') && k.endsWith('.png'))).toHaveLength(1);
      const extent = /<wp:extent cx="(\d+)" cy="(\d+)"\/>/.exec(xml)!;
      // 600 × 350 px at 9525 EMU per pixel; the text block is 165 mm = 5,940,000 EMU wide.
      expect(Number(extent[1])).toBe(600 * 9525);
      expect(Number(extent[2])).toBe(350 * 9525);
      expect(Number(extent[1])).toBeLessThanOrEqual(5_940_000);
      expect(text).toContain('Biểu đồ 1. Tình hình nộp báo cáo theo loại đơn vị');
    });
  });
});

describe('draft report of a form with a repeating table and no narrative fields', () => {
  it('states the table\'s figures as sentences and says part III has no texts to compile', async () => {
    // Arrange: form 2 (bien-che-thang), one unit with subordinate bodies.
    const form = loadForm('bien-che-thang');
    const units = makeUnits(2);
    const deps = memoryDeps(units, '2019-03-18T00:30:00Z');
    await submit(deps.submissions, { unitCode: units[0]!.code, formId: form.id, period: '2019-03', receivedAt: '2019-03-12T02:00:00Z', values: randomValues(form, units[0]!, rng(5)) });

    // Act
    const result = await draftReportFor(deps, { formId: form.id, period: '2019-03' });

    // Assert
    const report = await buildReportFor(deps, { formId: form.id, period: '2019-03' });
    const own = paragraphs((await unzip(result.docx)).get('word/document.xml')!.toString('utf8')).map(unescape);
    expect(own).toContain(`- Số đơn vị trực thuộc: ${formatNumber(report.totals['don_vi.__rows'])}.`);
    expect(own).toContain(`- Biên chế được giao: ${formatNumber(report.totals['don_vi.duoc_giao'])}.`);
    expect(own).toContain('NHANH TÌNH HÌNH BIÊN CHẾ VÀ TINH GIẢN BIÊN CHẾ THÁNG 3 NĂM 2019');
    expect(own[own.indexOf('III. ĐỀ XUẤT, KIẾN NGHỊ') + 1]).toBe('Biểu mẫu không có nội dung đề xuất, kiến nghị của các đơn vị; bổ sung khi hoàn thiện dự thảo.');
  });
});

describe('draftReportFor', () => {
  it('builds the document from the ports\' data, names the file and draws the briefing\'s charts when a renderer is given', async () => {
    // Arrange
    const { deps } = await draftScenario();
    const asked: ChartSpec[][] = [];
    const charts: ChartRenderer = {
      render: (specs) => {
        asked.push([...specs]);
        return Promise.resolve(specs.map((_s, i) => sampleChart(i)));
      },
    };

    // Act
    const result = await draftReportFor({ ...deps, charts }, { formId: DRAFT_FORM.id, period: DRAFT_PERIOD });

    // Assert
    expect(result.fileName).toBe('Dự thảo báo cáo - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.docx');
    expect(result.fileName).toBe(draftReportFileName({ form: DRAFT_FORM, periodLabel: 'Quý I năm 2019' }));
    expect([result.unitsReported, result.unitsExpected]).toEqual([4, 6]);
    const files = await unzip(result.docx);
    expect(files.get('[Content_Types].xml')!.toString('utf8')).toContain('wordprocessingml.document.main+xml');
    expect(DOCX_CONTENT_TYPE).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const pictures = [...files.keys()].filter((k) => k.startsWith('word/media/')).length;
    // The renderer is asked for exactly the briefing's charts, and each drawn chart is in the document.
    expect(pictures).toBe(asked.flat().length);
    expect(asked.length).toBeLessThanOrEqual(1);
  });
});
