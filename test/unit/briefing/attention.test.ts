/**
 * "Đơn vị cần đôn đốc": each unit with every reason that applies, from the form's rules — not
 * reported past its deadline, late or missing periods in a row, returned, a ratio below target,
 * unfinished tasks above a share, a figure that jumped against its own previous period.
 */
import { submit } from '../consolidation/fixtures';
import { FORM, late, province, unit } from './fixtures';

const Q = '2019-Q1';
const PREV = '2018-Q4';

describe('briefing attention list', () => {
  describe('reasons', () => {
    it('names a unit that did not report with its deadline, and a unit below the 2015 target with its own ratio', async () => {
      const a = unit('DV001', 'so-nganh', 'Sở Nội vụ');
      const b = unit('DV002', 'so-nganh', 'Sở Y tế');
      const c = unit('DV003', 'huyen', 'Huyện ủy Tân Phú');
      const p = province([a, b, c]);
      await p.report(a, Q, { '09.giao_2015': 100, '09.duoc_giao': 85 });
      await p.report(b, Q, { '09.giao_2015': 200, '09.duoc_giao': 190 });

      const { briefing } = await p.briefing();

      expect(briefing.attention.map((i) => [i.unit.name, i.reasons.map((r) => r.text)])).toEqual([
        ['Huyện ủy Tân Phú', ['Chưa báo cáo (hạn nộp 18/03/2019)']],
        ['Sở Y tế', [
          'Tỷ lệ tinh giản biên chế so với năm 2015 đạt 5,0%, dưới mục tiêu ≥ 10%',
          'Tỷ lệ tinh giản cán bộ, công chức so với năm 2015 đạt 5,0%, dưới mục tiêu ≥ 10%',
        ]],
      ]);
      expect(briefing.attention[0]!.reasons[0]!.code).toBe('not-reported');
      expect(briefing.attention[1]!.reasons.map((r) => r.code)).toEqual(['below-target', 'below-target']);
      expect(briefing.emailLimit).toBe(10);
    });

    it('says when the only upload of a unit not reported was refused', async () => {
      const a = unit('DV001', 'so-nganh', 'Sở Tài nguyên và Môi trường');
      const p = province([a]);
      await submit(p.deps.submissions, { unitCode: a.code, formId: FORM, period: Q, receivedAt: '2019-03-15T02:00:00.000Z', status: 'rejected' });
      const { briefing } = await p.briefing();
      expect(briefing.attention[0]!.reasons).toEqual([{ code: 'not-reported', text: 'Chưa báo cáo (bản nộp bị từ chối, hạn nộp 18/03/2019)' }]);
    });

    it('does not list a unit whose deadline has not passed yet', async () => {
      const a = unit('DV001', 'so-nganh');
      const p = province([a], '2019-03-12T00:00:00Z');
      expect((await p.briefing()).briefing.attention).toEqual([]);
    });

    it('lists late or missing two periods in a row, not a late period followed by an on-time one', async () => {
      const streak = unit('DV001', 'so-nganh', 'Sở Tư pháp');
      const recovered = unit('DV002', 'so-nganh', 'Sở Tài chính');
      const lateTwice = unit('DV003', 'mttq-doan-the', 'Hội Nông dân');
      const p = province([streak, recovered, lateTwice]);
      await p.report(streak, PREV, { '09.co_mat': 10 }, late(PREV));
      await p.report(recovered, PREV, { '09.co_mat': 10 }, late(PREV));
      await p.report(recovered, Q, { '09.co_mat': 10 });
      await p.report(lateTwice, PREV, { '09.co_mat': 10 }, late(PREV));
      await p.report(lateTwice, Q, { '09.co_mat': 10 }, late(Q));

      const { briefing } = await p.briefing();

      const byName = new Map(briefing.attention.map((i) => [i.unit.name, i.reasons.map((r) => `${r.code}: ${r.text}`)]));
      expect(byName.get('Sở Tư pháp')).toEqual(['not-reported: Chưa báo cáo (hạn nộp 18/03/2019)', 'late-streak: Nộp muộn hoặc không báo cáo 2 kỳ liên tiếp']);
      expect(byName.get('Hội Nông dân')).toEqual(['late-streak: Nộp muộn hoặc không báo cáo 2 kỳ liên tiếp']);
      expect(byName.has('Sở Tài chính')).toBe(false);
    });

    it('lists a returned report (it does not count) first', async () => {
      const a = unit('DV001', 'so-nganh', 'Sở Xây dựng');
      const b = unit('DV002', 'so-nganh', 'Sở Công Thương');
      const p = province([a, b]);
      await p.report(a, Q, { '24.tong': 10, '24.hoan_thanh': 2, '24.dang_thuc_hien': 4, '24.chua_thuc_hien': 4 });
      await p.report(b, Q, { '09.co_mat': 10 });
      await p.returnReport(b, Q);

      const { briefing, report } = await p.briefing();

      expect(report.unitsReported).toBe(1);
      expect(briefing.attention.map((i) => i.unit.name)).toEqual(['Sở Công Thương', 'Sở Xây dựng']);
      expect(briefing.attention[0]!.reasons).toEqual([{ code: 'returned', text: 'Báo cáo bị trả lại, chưa được tính vào số liệu tổng hợp' }]);
      // The form's share rule: unfinished tasks (Mã số 24) above half.
      expect(briefing.attention[1]!.reasons).toEqual([{ code: 'share-above', text: 'Nhiệm vụ chưa hoàn thành: 8/10 (80,0%), trên ngưỡng 50%' }]);
    });

    it('lists a figure that moved more than the rule allows against the unit’s own previous period, ignoring small bases', async () => {
      const jumped = unit('DV001', 'so-nganh', 'Sở Giáo dục và Đào tạo');
      const steady = unit('DV002', 'so-nganh', 'Sở Y tế');
      const small = unit('DV003', 'so-nganh', 'Sở Ngoại vụ');
      const p = province([jumped, steady, small]);
      await p.report(jumped, PREV, { '09.co_mat': 200 });
      await p.report(jumped, Q, { '09.co_mat': 130 });
      await p.report(steady, PREV, { '09.co_mat': 200 });
      await p.report(steady, Q, { '09.co_mat': 210 });
      await p.report(small, PREV, { '09.co_mat': 5 });
      await p.report(small, Q, { '09.co_mat': 50 });

      const { briefing } = await p.briefing();

      expect(briefing.attention.map((i) => [i.unit.name, i.reasons])).toEqual([
        ['Sở Giáo dục và Đào tạo', [{ code: 'changed', text: 'Số cán bộ, công chức có mặt giảm 35,0% so với kỳ trước (200 → 130)' }]],
      ]);
    });

    it('compares a change only with the period right before', async () => {
      const a = unit('DV001', 'so-nganh');
      const p = province([a]);
      await p.report(a, '2018-Q3', { '09.co_mat': 200 });
      await p.report(a, Q, { '09.co_mat': 20 });
      const { briefing } = await p.briefing();
      expect(briefing.attention.flatMap((i) => i.reasons.map((r) => r.code))).not.toContain('changed');
    });
  });

  describe('order', () => {
    it('puts not-reported and returned first, then units with more reasons, then display order', async () => {
      const one = unit('DV001', 'ban-dang', 'Ban Tổ chức');
      const two = unit('DV002', 'so-nganh', 'Sở Nội vụ');
      const missing = unit('DV003', 'dang-uy-truc-thuoc', 'Đảng ủy Khối');
      const p = province([one, two, missing]);
      await p.report(one, Q, { '24.tong': 10, '24.dang_thuc_hien': 9 });
      await p.report(two, Q, { '24.tong': 10, '24.dang_thuc_hien': 9, '09.giao_2015': 100, '09.duoc_giao': 99 });

      const { briefing } = await p.briefing();

      expect(briefing.attention.map((i) => [i.unit.name, i.reasons.length])).toEqual([['Đảng ủy Khối', 1], ['Sở Nội vụ', 3], ['Ban Tổ chức', 1]]);
    });
  });
});
