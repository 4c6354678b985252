/**
 * The draft report document as Ban Tổ chức opens it in LibreOffice: converted to PDF, its text
 * carries the province totals and ratios exactly as the workbook and email print them, each
 * unit's Mã số 26 text under the unit's name in part II and a Mã số 27 text in part III, and its
 * pages are A4. The document, its PDF and its pages as PNG (the chart on the last) are kept in
 * test-artifacts/draft-report/ for a person to look at.
 * Fails loudly when soffice or poppler's pdftotext/pdfinfo/pdftoppm is missing (house style §11).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeDraftReport } from '../../functions/core/briefing/draft-report';
import { formatNumber, formatPercent } from '../../functions/core/consolidation/email';
import type { ConsolidatedReport } from '../../functions/core/consolidation/report';
import { draftScenario, sampleChart, TEXTS } from '../support/draft-report';

function tool(name: string, install: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is required for this suite: install it (apt-get install ${install}) — the document check cannot be skipped.`);
  return found;
}

const ARTIFACTS = path.join(__dirname, '../../test-artifacts/draft-report');
let work: string;
let report: ConsolidatedReport;
let pdf: string;
let text: string;
let pages: string[];

// LibreOffice's first start in a fresh profile takes a while on a busy machine.
jest.setTimeout(240_000);

beforeAll(async () => {
  const soffice = tool('soffice', 'libreoffice-writer');
  for (const t of ['pdftotext', 'pdfinfo', 'pdftoppm']) tool(t, 'poppler-utils');
  work = mkdtempSync(path.join(tmpdir(), 'tonghop-draft-lo-'));
  const scenario = await draftScenario();
  report = scenario.report;
  const docx = await writeDraftReport({ report, briefing: scenario.briefing, charts: [sampleChart()] });
  const file = path.join(work, 'du-thao.docx');
  writeFileSync(file, docx);
  // A profile of its own: parallel suites' soffice runs must not share one.
  execFileSync(soffice, [`-env:UserInstallation=file://${path.join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', work, file], { stdio: 'pipe', timeout: 200_000 });
  pdf = path.join(work, 'du-thao.pdf');
  const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
  pages = Array.from({ length: count }, (_, i) => execFileSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' }));
  text = pages.join('\n').replace(/\s+/g, ' ');
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, 'du-thao.docx'), docx);
  writeFileSync(path.join(ARTIFACTS, 'du-thao.pdf'), readFileSync(pdf));
  execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', String(Math.min(count, 12)), pdf, path.join(ARTIFACTS, 'trang')]);
});
afterAll(() => work && rmSync(work, { recursive: true, force: true }));

describe('draft report in LibreOffice', () => {
  describe('page', () => {
    it('prints on A4 pages', () => {
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      // 210 × 297 mm = 595 × 842 points.
      expect(info).toMatch(/Page size:\s+595(\.\d+)? x 841(\.\d+)?|Page size:\s+595(\.\d+)? x 842/);
    });

    it('opens with the draft mark, the header block, the title and the addressee on page 1', () => {
      const first = pages[0]!.replace(/\s+/g, ' ');
      expect(first).toContain('DỰ THẢO');
      expect(first).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
      expect(first).toContain('BAN TỔ CHỨC');
      expect(first).toContain('-BC/BTCTU');
      expect(first).toContain('……, ngày 18 tháng 3 năm 2019');
      expect(first).toContain('BÁO CÁO');
      expect(first).toContain('Kính gửi: Thường trực Tỉnh ủy');
    });
  });

  describe('figures', () => {
    it('states the province totals of section A as the workbook prints them, with the change against the previous period', () => {
      const [truoc, hienTai] = [report.totals['01.truoc']!, report.totals['01.hien_tai']!];
      const against = (key: string) => {
        const [now, before] = [report.totals[key]!, report.previousTotals[key]!];
        return now === before ? '' : ` (kỳ trước ${formatNumber(before)}, ${now > before ? 'tăng' : 'giảm'} ${formatNumber(Math.abs(now - before))})`;
      };
      expect(text).toContain(
        `Tổng số đầu mối trực thuộc: trước sắp xếp ${formatNumber(truoc)}${against('01.truoc')}; tại thời điểm chốt số liệu ${formatNumber(hienTai)}${against('01.hien_tai')}; giảm ${formatNumber(truoc - hienTai)}.`,
      );
    });

    it('states the staffing reduction against 2015 with its target, and money in full đồng', () => {
      const ratio = report.ratios.find((r) => r.ratio.key === 'tinh_gian_2015')!;
      expect(text).toContain(`Tỷ lệ tinh giản biên chế so với năm 2015: ${formatPercent(ratio.value)}`);
      expect(text).toContain(`${ratio.meetsTarget ? 'đạt' : 'chưa đạt'} mục tiêu ≥ 10,0%`);
      expect(text).toContain(formatNumber(report.totals['17.so_tien']));
      expect(report.totals['17.so_tien']).toBeGreaterThan(1_000_000_000);
    });

    it('lists the totals in the appendix beside the previous period and the change, money unbroken', () => {
      expect(text).toContain('Phụ lục 1. SỐ LIỆU TỔNG HỢP TOÀN TỈNH');
      expect(text).toContain(`(${report.previousPeriodLabel})`);
      for (const key of ['09.giao_2015', '01.hien_tai', '17.so_tien']) {
        const [now, before] = [report.totals[key]!, report.previousTotals[key]!];
        // Kỳ này, kỳ trước, thay đổi: one line of the table, as the workbook's "Tổng hợp" sheet has them.
        expect(text).toContain(`${formatNumber(now)} ${formatNumber(before)} ${formatNumber(now - before)}`);
      }
    });
  });

  describe('narrative', () => {
    it('puts a unit\'s Mã số 26 texts under the unit\'s name in part II, control character dropped, and a Mã số 27 text in part III', () => {
      const partTwo = text.slice(text.indexOf('II. HẠN CHẾ, KHÓ KHĂN'), text.indexOf('III. ĐỀ XUẤT, KIẾN NGHỊ'));
      const partThree = text.slice(text.indexOf('III. ĐỀ XUẤT, KIẾN NGHỊ'), text.indexOf('PHỤ LỤC'));
      expect(partTwo).toContain(`Sở Y tế: ${TEXTS.difficulty} ${TEXTS.difficultySecond}`);
      expect(partTwo).toContain('Huyện ủy Đại Lộc: Trụ sở sau sáp nhập xã còn chật.');
      expect(partThree).toContain(`Sở Y tế: ${TEXTS.proposal}`);
      expect(text).not.toContain('Không được tính.');
    });

    it('names the units needing attention with their reasons', () => {
      expect(text).toContain('Hội Nông dân tỉnh: Chưa báo cáo, đã quá hạn.');
      expect(text).toContain('Sở Nội vụ: Báo cáo bị trả lại; Tỷ lệ tinh giản biên chế so với năm 2015 đạt 4,0% (mục tiêu ≥ 10,0%).');
    });

    it('ends part III with the signature block and "Nơi nhận"', () => {
      expect(text).toContain('T/M BAN THƯỜNG VỤ');
      expect(text).toContain('Nơi nhận:');
      expect(text).toContain('- Như trên,');
    });
  });
});
