import { readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import type { ConsolidatedReport } from '../../../functions/core/consolidation/report';
import { DOCX_CONTENT_TYPE } from '../../../functions/core/briefing/draft-report';
import { buildReportFor, consolidateReport, consolidationHash, planAttachments } from '../../../functions/core/usecases/consolidate-report';
import type { PeriodSnapshot } from '../../../functions/core/briefing/model';
import { base64MimeSize } from '../../../functions/core/mail/compose';
import { OutboxMailer } from '../../../infra/local/outbox-mailer';
import { fakeChartRenderer, handBriefing } from '../../support/briefing';
import { loadForm, makeUnits, memoryDeps, randomValues, rng, submit } from './fixtures';

// These tests check how the email and the workbook carry a briefing; the briefing itself is made by hand from the report.
jest.mock('../../../functions/core/briefing/build-briefing', () => ({
  buildBriefing: (input: { report: ConsolidatedReport }) => (jest.requireActual('../../support/briefing') as typeof import('../../support/briefing')).handBriefing(input.report),
}));

const NOW = '2019-03-19T00:30:00Z';
const form = loadForm('sap-xep-bo-may');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SUMMARY_FIRST = '2/16 đơn vị đã báo cáo Quý I năm 2019.';

/** 16 units, 2 reported: 14 units need attention (more than the email's 10). */
async function seeded(count = 16, reporting = 2) {
  const units = makeUnits(count);
  const deps = { ...memoryDeps(units, NOW), charts: fakeChartRenderer() };
  for (const unit of units.slice(0, reporting)) {
    await submit(deps.submissions, { unitCode: unit.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-12T02:00:00Z', values: randomValues(form, unit, rng(unit.code.length + reporting)) });
  }
  return { units, deps };
}

/** The units needing attention in the order the (hand-made) briefing ranks them. */
async function attentionOrder(deps: Parameters<typeof buildReportFor>[0]): Promise<string[]> {
  return handBriefing(await buildReportFor(deps, { formId: form.id, period: '2019-Q1' })).attention.map((a) => a.unit.name);
}

/** The HTML between the attention heading and the next heading. */
const attentionSection = (html: string) => /Đơn vị cần đôn đốc \(\d+\)<\/h3>([\s\S]*?)<h3/.exec(html)?.[1] ?? '';

jest.setTimeout(60_000);

describe('consolidation email with the briefing', () => {
  describe('first screen', () => {
    it('puts the summary sentences right after the salutation, before the charts and the tables', async () => {
      const { deps } = await seeded();
      await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      const { html, text } = deps.mailer.sent[0]!;
      const salutation = html.indexOf('Kính gửi Thường trực Tỉnh ủy,');
      const summary = html.indexOf(SUMMARY_FIRST);
      expect(salutation).toBeGreaterThan(-1);
      expect(summary).toBeGreaterThan(salutation);
      expect(summary).toBeLessThan(html.indexOf('<img'));
      expect(html.indexOf('<img')).toBeLessThan(html.indexOf('Đơn vị cần đôn đốc (14)'));
      expect(html.indexOf('Đơn vị cần đôn đốc (14)')).toBeLessThan(html.indexOf('Các tỷ lệ (tính từ số tổng hợp toàn tỉnh)'));
      expect(html).toContain('max-width:680px');
      expect(text.split('\n').slice(0, 3)).toEqual(['Kính gửi Thường trực Tỉnh ủy,', '', SUMMARY_FIRST]);
    });
  });

  describe('charts', () => {
    it('shows each chart by a Content-ID that names one of its inline PNG parts, with its alt text (the picture carries its title)', async () => {
      const { deps } = await seeded();
      const result = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      const mail = deps.mailer.sent[0]!;
      const referenced = [...mail.html.matchAll(/<img src="cid:([^"]+)" width="640" style="[^"]*max-width:640px;height:auto[^"]*" alt="([^"]+)">/g)];
      const inline = (mail.attachments ?? []).filter((a) => a.cid !== undefined);
      expect(referenced.map((m) => m[1])).toEqual(inline.map((a) => a.cid));
      expect(inline).toHaveLength(3);
      expect(new Set(inline.map((a) => a.cid)).size).toBe(3);
      for (const a of inline) expect([a.contentType, a.content.subarray(1, 4).toString('ascii')]).toEqual(['image/png', 'PNG']);
      expect(referenced.map((m) => m[2])).toContain('Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2%, mục tiêu ≥ 10%.');
      // The title is drawn in the picture: the HTML does not print it a second time.
      expect(mail.html).not.toContain('Các tỷ lệ so với mục tiêu</h3>');
      expect(result.email).toMatchObject({ status: 'sent', charts: 3, draftAttached: true });
    });

    it('draws the charts once per run, and not at all when the same figures were already sent', async () => {
      const { deps } = await seeded();
      await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      expect(deps.charts.calls).toBe(1);
      await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      expect(deps.charts.calls).toBe(1);
      expect(deps.mailer.sent).toHaveLength(1);
    });
  });

  describe('units needing attention', () => {
    it('lists the first 10 with their reasons, then "và 4 đơn vị khác" pointing to the workbook', async () => {
      const { deps } = await seeded();
      const result = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      const { html, text } = deps.mailer.sent[0]!;
      const names = await attentionOrder(deps);
      expect([names.length, result.attentionUnits]).toEqual([14, 14]);
      const section = attentionSection(html);
      expect([...section.matchAll(/<li[^>]*><strong>([^<]+)<\/strong>/g)].map((m) => m[1])).toEqual(names.slice(0, 10));
      expect(section).toContain('Nộp muộn hai kỳ liên tiếp.');
      for (const name of names.slice(10)) expect(section).not.toContain(name);
      expect(section).toContain('và 4 đơn vị khác (danh sách đầy đủ ở trang &quot;Đơn vị cần đôn đốc&quot; của bảng tổng hợp).');
      // The plain text says the same: every listed name with its reasons.
      expect(text).toContain('ĐƠN VỊ CẦN ĐÔN ĐỐC (14):');
      expect(text).toContain(`  - ${names[0]!} (Các ban đảng, Văn phòng Tỉnh ủy): Chưa báo cáo (quá hạn); Nộp muộn hai kỳ liên tiếp.`);
      for (const name of names.slice(0, 10)) expect(text).toContain(`  - ${name} (`);
      expect(text).toContain('  và 4 đơn vị khác');
    });
  });

  describe('plain text', () => {
    it('carries the summary, each chart as its alt text and the attention list', async () => {
      const { deps } = await seeded();
      await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      const { text } = deps.mailer.sent[0]!;
      expect(text).toContain('Tỷ lệ tinh giản biên chế so với năm 2015 đạt 10,2% (mục tiêu ≥ 10%): đạt.');
      expect(text).toContain('BIỂU ĐỒ\n  Tình hình báo cáo theo loại đơn vị: 2/16 đơn vị đã báo cáo Quý I năm 2019; 14 đơn vị chưa báo cáo.');
      expect(text).toContain('  Xu hướng tỷ lệ tinh giản biên chế qua các kỳ: Tỷ lệ tinh giản biên chế tăng từ 8,1%');
      expect(text).not.toContain('<');
    });
  });

  describe('update email', () => {
    it('keeps its banner above the summary', async () => {
      const { units, deps } = await seeded();
      await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      deps.clock.advance(3_600_000);
      await submit(deps.submissions, { unitCode: units[2]!.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-19T01:00:00Z', late: true, values: randomValues(form, units[2]!, rng(7)) });
      await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      const { html, text } = deps.mailer.sent[1]!;
      expect(html.indexOf('ĐÂY LÀ BẢN CẬP NHẬT')).toBeGreaterThan(-1);
      expect(html.indexOf('ĐÂY LÀ BẢN CẬP NHẬT')).toBeLessThan(html.indexOf('3/16 đơn vị đã báo cáo Quý I năm 2019.'));
      expect(text.startsWith('ĐÂY LÀ BẢN CẬP NHẬT, thay thế bản đã gửi lúc 07:30 ngày 19/03/2019.')).toBe(true);
      expect(attentionSection(html)).not.toContain(units[2]!.name);
    });
  });

  describe('attachments', () => {
    it('attaches the workbook and the draft report (.docx) by their Vietnamese names', async () => {
      const { deps } = await seeded();
      const result = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      const files = (deps.mailer.sent[0]!.attachments ?? []).filter((a) => a.cid === undefined);
      expect(files.map((a) => [a.filename, a.contentType])).toEqual([
        ['Tổng hợp - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        ['Dự thảo báo cáo - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.docx', DOCX_CONTENT_TYPE],
      ]);
      expect(files[0]!.content.equals(result.workbook)).toBe(true);
      expect(files[1]!.content.subarray(0, 2).toString('ascii')).toBe('PK');
      expect(deps.mailer.sent[0]!.text).toContain('Dự thảo báo cáo (để Ban Tổ chức hoàn thiện) đính kèm: Dự thảo báo cáo - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.docx.');
    });

    it('links the workbook when workbook, draft and charts together are too big, still showing the charts and attaching the draft', async () => {
      // Arrange: the sizes of the parts, from a first email with room for everything.
      const probe = await seeded();
      await consolidateReport(probe.deps, { formId: form.id, period: '2019-Q1', send: true });
      const part = (a: { content: Buffer }) => base64MimeSize(a.content.length) + 512;
      const sent = probe.deps.mailer.sent[0]!.attachments!;
      const chartsAndDraft = sent.filter((a) => a.contentType !== XLSX).reduce((n, a) => n + part(a), 0);
      const workbook = sent.find((a) => a.contentType === XLSX)!;
      expect(part(workbook)).toBeGreaterThan(2048);
      const { deps } = await seeded();

      // Act: 1 MB for the bodies, room for the charts and the draft, not for the workbook too.
      const result = await consolidateReport({ ...deps, mail: { ...deps.mail, maxMessageBytes: 1024 * 1024 + chartsAndDraft + 1024 } }, { formId: form.id, period: '2019-Q1', send: true });

      // Assert
      const mail = deps.mailer.sent[0]!;
      expect(result.email).toMatchObject({ status: 'sent', delivery: 'link', charts: 3, draftAttached: true });
      expect(mail.attachments!.map((a) => a.contentType)).toEqual(['image/png', 'image/png', 'image/png', DOCX_CONTENT_TYPE]);
      expect(mail.html).toContain('Tải bảng tổng hợp tại trang quản trị</a>');
      expect(mail.html.match(/src="cid:/g)).toHaveLength(3);
    });
  });

  describe('the workbook', () => {
    it('opens with the summary, then "Biểu đồ" with every chart as a picture and "Đơn vị cần đôn đốc" with every unit', async () => {
      const { units, deps } = await seeded();
      const result = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: false });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(result.workbook as unknown as ExcelJS.Buffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Biểu đồ', 'Đơn vị cần đôn đốc', 'Theo loại đơn vị', 'Chi tiết đơn vị', 'Tình hình nộp', 'Ý kiến', 'Cảnh báo', 'Dữ liệu']);

      const summary = wb.getWorksheet('Tổng hợp')!;
      expect(summary.getCell('B5').value).toBe(SUMMARY_FIRST);
      expect(summary.getCell('B8').value).toBe('14 đơn vị cần đôn đốc, trong đó 14 đơn vị chưa báo cáo.');

      const charts = wb.getWorksheet('Biểu đồ')!;
      const images = charts.getImages();
      expect(images).toHaveLength(3);
      expect(charts.pageSetup).toMatchObject({ orientation: 'portrait', paperSize: 9, fitToWidth: 1 });
      // The pictures carry their titles; each starts below the previous one (anchors are row-based), none overlaps.
      const rows = images.map((img) => img.range.tl.nativeRow);
      expect(rows[0]).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < rows.length; i++) expect(rows[i]! - rows[i - 1]!).toBeGreaterThanOrEqual(320 / 20);
      images.forEach((img) => {
        expect((img.range as unknown as { ext: unknown }).ext).toMatchObject({ width: 640, height: 320 });
        const media = (wb as unknown as { model: { media: Array<{ buffer: Buffer }> } }).model.media[Number(img.imageId)]!;
        expect(media.buffer.subarray(1, 4).toString('ascii')).toBe('PNG');
      });

      const attention = wb.getWorksheet('Đơn vị cần đôn đốc')!;
      expect(attention.getRow(4).values).toEqual([undefined, 'STT', 'Mã đơn vị', 'Đơn vị', 'Loại đơn vị', 'Lý do']);
      const listed: string[] = [];
      attention.eachRow((row, n) => {
        if (n > 4) listed.push(String(row.getCell(3).value));
      });
      expect(listed).toEqual(await attentionOrder(deps));
      expect([...listed].sort()).toEqual(units.slice(2).map((u) => u.name).sort());
      expect(attention.getRow(5).getCell(5).value).toBe('Chưa báo cáo (quá hạn); Nộp muộn hai kỳ liên tiếp.');
    });
  });

  describe('the .eml in the outbox', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tonghop-outbox-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('carries the charts as inline PNG parts with Content-IDs inside multipart/related, and the draft as a file', async () => {
      const { deps } = await seeded();
      await consolidateReport({ ...deps, mailer: new OutboxMailer({ dir, clock: deps.clock }) }, { formId: form.id, period: '2019-Q1', send: true });
      const raw = readFileSync(join(dir, readdirSync(dir)[0]!));
      expect(raw.toString('latin1')).toMatch(/Content-Type: multipart\/related; type="text\/html"/);
      const parsed = await simpleParser(raw);
      const inline = parsed.attachments.filter((a) => a.contentDisposition === 'inline');
      expect(inline.map((a) => [a.contentType, a.cid])).toEqual([
        ['image/png', 'bieu-do-tinh-hinh-bao-cao@tonghop'],
        ['image/png', 'bieu-do-ty-le-muc-tieu@tonghop'],
        ['image/png', 'bieu-do-xu-huong-ty-le@tonghop'],
      ]);
      const files = parsed.attachments.filter((a) => a.contentDisposition === 'attachment').map((a) => a.filename);
      expect(files).toEqual(['Tổng hợp - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.xlsx', 'Dự thảo báo cáo - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.docx']);
    });
  });
});

describe('consolidationHash', () => {
  const snapshot = (period: string, total: number, status: 'on-time' | 'late' = 'on-time'): PeriodSnapshot => ({
    period,
    label: period,
    totals: { '09.giao_2015': 1000, '09.duoc_giao': total },
    unitsExpected: 2,
    unitsReported: 2,
    unitStatus: { DV001: 'on-time', DV002: status },
    unitTotals: { DV001: { '09.duoc_giao': total / 2 }, DV002: { '09.duoc_giao': total / 2 } },
  });
  const report = { contentHash: 'a'.repeat(64), period: '2019-Q1' };

  it('stays the same for the same figures and earlier periods', () => {
    const a = consolidationHash(report, { history: [snapshot('2018-Q3', 920), snapshot('2018-Q4', 900), snapshot('2019-Q1', 880)] });
    const b = consolidationHash(report, { history: [snapshot('2018-Q3', 920), snapshot('2018-Q4', 900), snapshot('2019-Q1', 1)] });
    expect(a).toBe(b); // the report's own period is covered by its content hash
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when an earlier period\'s totals or a unit\'s standing then changes (the trend and the attention list read them)', () => {
    const base = consolidationHash(report, { history: [snapshot('2018-Q3', 920), snapshot('2018-Q4', 900)] });
    expect(consolidationHash(report, { history: [snapshot('2018-Q3', 921), snapshot('2018-Q4', 900)] })).not.toBe(base);
    expect(consolidationHash(report, { history: [snapshot('2018-Q3', 920), snapshot('2018-Q4', 900, 'late')] })).not.toBe(base);
    expect(consolidationHash({ ...report, contentHash: 'b'.repeat(64) }, { history: [snapshot('2018-Q3', 920), snapshot('2018-Q4', 900)] })).not.toBe(base);
  });
});

describe('planAttachments', () => {
  const MB = 1024 * 1024;
  it('attaches everything that fits', () => {
    expect(planAttachments(40 * MB, { charts: [80_000, 80_000], draft: 30_000, workbook: 5 * MB })).toEqual({ charts: 2, draft: true, workbook: true });
  });
  it('links the workbook first, keeping the charts and the draft', () => {
    expect(planAttachments(2 * MB, { charts: [80_000, 80_000], draft: 30_000, workbook: 900_000 })).toEqual({ charts: 2, draft: true, workbook: false });
  });
  it('leaves the draft out only when even it does not fit beside the charts', () => {
    expect(planAttachments(MB + 250_000, { charts: [80_000, 80_000], draft: 60_000, workbook: 10_000 })).toEqual({ charts: 2, draft: false, workbook: true });
  });
});
