import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { consolidateReport } from '../../../functions/core/usecases/consolidate-report';
import { OutboxMailer } from '../../../infra/local/outbox-mailer';
import { loadForm, makeUnits, memoryDeps, randomValues, rng, submit } from './fixtures';

const NOW = '2019-03-19T00:30:00Z';
const form = loadForm('sap-xep-bo-may');

async function seeded(count = 4, reporting = 2) {
  const units = makeUnits(count);
  const deps = memoryDeps(units, NOW);
  for (const unit of units.slice(0, reporting)) {
    await submit(deps.submissions, { unitCode: unit.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-12T02:00:00Z', values: randomValues(form, unit, rng(unit.code.length + reporting)) });
  }
  return { units, deps };
}

// Each case writes and reopens real workbooks: more than jest's 5 s default on a busy 2-core machine.
jest.setTimeout(60_000);

describe('consolidation email', () => {
  describe('exactly once', () => {
    it('sends one email when the same content is consolidated twice', async () => {
      // Arrange
      const { deps } = await seeded();

      // Act
      const first = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      deps.clock.advance(3_600_000); // a retry or the next day's run, later
      const second = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });

      // Assert
      expect(deps.mailer.sent).toHaveLength(1);
      expect(first.email.status).toBe('sent');
      expect(second.email.status).toBe('already-sent');
      expect(second.key).toBe(first.key);
      expect(second.reused).toBe(true);
      expect(deps.mailer.sent[0]!.subject).toBe('Tổng hợp Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — 2/4 đơn vị đã báo cáo');
      expect(deps.mailer.sent[0]!.to).toEqual(form.recipients.leadership);
    });

    it('sends a marked update naming the late unit when a late report changes the figures', async () => {
      // Arrange
      const { units, deps } = await seeded();
      await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      deps.clock.advance(3600_000);
      await submit(deps.submissions, { unitCode: units[2]!.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-19T01:00:00Z', late: true, values: randomValues(form, units[2]!, rng(77)) });

      // Act
      const again = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });

      // Assert
      expect(deps.mailer.sent).toHaveLength(2);
      const update = deps.mailer.sent[1]!;
      expect(update.subject).toBe('[Bản cập nhật] Tổng hợp Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — 3/4 đơn vị đã báo cáo');
      expect(update.text).toContain('ĐÂY LÀ BẢN CẬP NHẬT, thay thế bản đã gửi lúc 07:30 ngày 19/03/2019.');
      expect(update.text).toContain(`Đơn vị báo cáo bổ sung (1): ${units[2]!.name}.`);
      expect(again.email).toMatchObject({ status: 'sent', updated: true });
      expect(again.key).not.toBe(deps.mailer.sent[0]!.headers!['X-Tonghop-Report-Key']);
    });

    it('releases the claim when sending fails, so the next run sends', async () => {
      // Arrange
      expect.assertions(3);
      const { deps } = await seeded();
      const send = deps.mailer.send.bind(deps.mailer);
      deps.mailer.send = async () => {
        throw new Error('SES throttled');
      };
      await expect(consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true })).rejects.toThrow('SES throttled');
      deps.mailer.send = send;

      // Act
      const retry = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });

      // Assert: a first email, not an update of one that never went out.
      expect(retry.email).toMatchObject({ status: 'sent', updated: false });
      expect(deps.mailer.sent).toHaveLength(1);
    });
  });

  describe('empty registry', () => {
    it('does not email leadership an empty report', async () => {
      const deps = memoryDeps([], NOW);
      const result = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      expect(result.email.status).toBe('no-units');
      expect(deps.mailer.sent).toEqual([]);
    });
  });

  describe('content', () => {
    it('lists the units not yet reported and the ratios against their target', async () => {
      const { units, deps } = await seeded(4, 2);
      await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      const { text, html } = deps.mailer.sent[0]!;
      for (const u of units.slice(2)) {
        expect(text).toContain(`${u.name} (${u.code}) — quá hạn, nộp muộn`);
        expect(html).toContain(`${u.name} (${u.code})`);
      }
      expect(text).toMatch(/Tỷ lệ tinh giản biên chế so với năm 2015 \| (-?\d+,\d%|—) \| — \| ≥ 10,0% \| (Đạt|Chưa đạt)/);
    });

    it('links the console\'s download route instead of attaching when the message would be too large (no presigned S3 link that dies with the sender\'s credentials), saying it needs sign-in', async () => {
      const { deps } = await seeded();
      const presign = jest.spyOn(deps.files, 'createDownloadUrl');
      const result = await consolidateReport({ ...deps, mail: { ...deps.mail, maxMessageBytes: 64 * 1024 } }, { formId: form.id, period: '2019-Q1', send: true });
      const mail = deps.mailer.sent[0]!;
      expect(result.email).toMatchObject({ status: 'sent', delivery: 'link' });
      expect(mail.attachments).toEqual([]);
      const url = `https://baocao.example.vn/quan-tri/bao-cao/tai/${result.key.slice('reports/'.length)}`;
      expect(result.key).toMatch(/^reports\/sap-xep-bo-may\/2019-Q1\/\d{8}T\d{6}-[0-9a-f]{8}\.xlsx$/);
      expect(mail.text).toContain(`tải về tại trang quản trị: ${url} (cần đăng nhập trang quản trị`);
      expect(mail.html).toContain(`<a href="${url}">Tải bảng tổng hợp tại trang quản trị</a> (cần đăng nhập`);
      expect(mail.text).not.toContain('files.test');
      expect(presign).not.toHaveBeenCalled();
    });
  });

  describe('the .eml in the outbox', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tonghop-outbox-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('parses back with the Vietnamese subject, both bodies and the workbook with its UTF-8 name', async () => {
      // Arrange
      const { deps } = await seeded(3, 2);
      const mailer = new OutboxMailer({ dir, clock: deps.clock });

      // Act
      const result = await consolidateReport({ ...deps, mailer }, { formId: form.id, period: '2019-Q1', send: true });

      // Assert
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^20190319T003000\.000-[0-9a-f]{4}-tong-hop-sap-xep-to-chuc-bo-may.*\.eml$/);
      const parsed = await simpleParser(readFileSync(join(dir, files[0]!)));
      expect(parsed.subject).toBe('Tổng hợp Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — 2/3 đơn vị đã báo cáo');
      expect(parsed.text).toContain('2/3 đơn vị đã báo cáo');
      expect(parsed.html).toContain('<h3');
      // The workbook, then the draft report (charts, when drawn, go inline).
      const parts = parsed.attachments.filter((a) => a.contentDisposition === 'attachment');
      expect(parts.map((a) => a.contentType)).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']);
      const att = parts[0]!;
      expect(att.filename).toBe('Tổng hợp - Sắp xếp tổ chức bộ máy, tinh giản biên chế - Quý I năm 2019.xlsx');
      expect(att.content.equals(result.workbook)).toBe(true);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(att.content as unknown as ExcelJS.Buffer);
      // "Biểu đồ" comes second when the briefing has charts (their tests: briefing-email.test.ts).
      expect(wb.worksheets.map((w) => w.name).filter((n) => n !== 'Biểu đồ')).toEqual(['Tổng hợp', 'Đơn vị cần đôn đốc', 'Theo loại đơn vị', 'Chi tiết đơn vị', 'Tình hình nộp', 'Ý kiến', 'Cảnh báo', 'Dữ liệu']);
      const summary = wb.getWorksheet('Tổng hợp')!;
      expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 4, xSplit: 2 });
      expect(summary.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToWidth: 1, fitToHeight: 0 });
      expect(summary.getCell('A3').value).toEqual(expect.stringContaining('Số đơn vị đã báo cáo: 2/3'));
    });
  });
});
