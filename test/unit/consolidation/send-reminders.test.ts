import { verifyLinkToken } from '../../../functions/core/links';
import type { Unit } from '../../../functions/core/model';
import { deadlineFor } from '../../../functions/core/periods';
import { reminderRunAt, sendReminders } from '../../../functions/core/usecases/send-reminders';
import { loadForm, memoryDeps, randomValues, rng, submit } from './fixtures';

// Form 2 (monthly), April 2019: huyện deadline Tue 16/04, others Wed 17/04; Mon 15/04 is a
// holiday (Giỗ Tổ Hùng Vương) and 13–14/04 a weekend, so "3 working days before" skips them.
const form = loadForm('bien-che-thang');
const unit = (code: string, type: Unit['type'], name: string): Unit => ({ code, name, type, emails: [`${code.toLowerCase()}@example.vn`], active: true, keyVersion: 2 });
const A = unit('HU01', 'huyen', 'Huyện ủy Tam Đảo');
const B = unit('SO01', 'so-nganh', 'Sở Nội vụ');
const C = unit('SO02', 'so-nganh', 'Sở Tài chính');
const E = unit('MT01', 'mttq-doan-the', 'Hội Nông dân tỉnh');
const April = Array.from({ length: 12 }, (_, i) => `2019-04-${String(8 + i).padStart(2, '0')}`);

async function runMonth() {
  const deps = memoryDeps([A, B, C, E], '2019-04-08T01:00:00Z');
  const log: string[] = [];
  const digests: string[] = [];
  for (const day of April) {
    if (day === '2019-04-09') await submit(deps.submissions, { unitCode: C.code, formId: form.id, period: '2019-04', receivedAt: '2019-04-09T03:00:00Z', values: randomValues(form, C, rng(1)) });
    if (day === '2019-04-13') await submit(deps.submissions, { unitCode: B.code, formId: form.id, period: '2019-04', receivedAt: '2019-04-13T03:00:00Z', values: randomValues(form, B, rng(2)) });
    deps.clock.set(reminderRunAt(form, day));
    const result = await sendReminders(deps, { formId: form.id });
    for (const r of result.reminders.filter((x) => x.period === '2019-04')) log.push(`${day} ${r.unitCode} ${r.kind} ${r.status}`);
    for (const d of result.digests) digests.push(`${day} ${d.lateUnits.join(',')} ${d.status}`);
  }
  return { deps, log, digests };
}

describe('sendReminders', () => {
  describe('who and when', () => {
    it('reminds only units without an accepted report, 3 and 1 working days before and 1 after their own deadline', async () => {
      const { log } = await runMonth();
      expect(log).toEqual([
        '2019-04-10 HU01 before sent',
        '2019-04-11 MT01 before sent',
        '2019-04-11 SO01 before sent',
        '2019-04-12 HU01 before sent',
        '2019-04-16 MT01 before sent',
        '2019-04-17 HU01 after sent',
        '2019-04-18 MT01 after sent',
      ]);
    });

    it('sends Ban Tổ chức a digest of the units past their deadline on the day after a deadline', async () => {
      const { deps, digests } = await runMonth();
      expect(digests).toEqual(['2019-04-17 HU01 sent', '2019-04-18 HU01,MT01 sent']);
      const digest = deps.mailer.sent.filter((m) => m.to.includes('bantochuc@tinhuy.example.vn'));
      expect(digest.map((m) => m.subject)).toEqual([
        '[Quá hạn chưa nộp] Báo cáo nhanh biên chế hằng tháng — Tháng 4 năm 2019 — 1/4 đơn vị quá hạn chưa báo cáo',
        '[Quá hạn chưa nộp] Báo cáo nhanh biên chế hằng tháng — Tháng 4 năm 2019 — 2/4 đơn vị quá hạn chưa báo cáo',
      ]);
      expect(digest[1]!.text).toContain('Mỗi dòng ghi ngày đơn vị được email nhắc lần gần nhất.');
      expect(digest[1]!.text).not.toMatch(/đã được gửi email nhắc|nộp muộn/);
    });

    it('says in the digest when each unit was last reminded: today, or the day its own reminder went out', async () => {
      const { deps } = await runMonth();
      const digest = deps.mailer.sent.filter((m) => m.to.includes('bantochuc@tinhuy.example.vn'));
      const lines = digest[1]!.text.split('\n').filter((l) => l.startsWith('  - '));
      expect(lines).toEqual([
        '  - Huyện ủy Tam Đảo (HU01) — hạn 17:00 ngày 16/04/2019 — nhắc lần gần nhất ngày 17/04/2019 (hu01@example.vn)',
        '  - Hội Nông dân tỉnh (MT01) — hạn 17:00 ngày 17/04/2019 — đã nhắc hôm nay (mt01@example.vn)',
      ]);
      expect(digest[1]!.html).toContain('<li>Huyện ủy Tam Đảo (HU01) — hạn 17:00 ngày 16/04/2019 — nhắc lần gần nhất ngày 17/04/2019 (hu01@example.vn)</li>');
    });

    it('sends nothing on a weekend or holiday', async () => {
      const deps = memoryDeps([A, B, C, E], '2019-04-13T01:00:00Z');
      for (const day of ['2019-04-13', '2019-04-14', '2019-04-15']) {
        deps.clock.set(reminderRunAt(form, day));
        expect((await sendReminders(deps, { formId: form.id })).reminders).toEqual([]);
      }
      expect(deps.mailer.sent).toEqual([]);
    });
  });

  describe('once per unit and day', () => {
    it('does not remind a unit twice when the run is repeated the same day', async () => {
      const deps = memoryDeps([A], '2019-04-10T01:00:00Z');
      deps.clock.set(reminderRunAt(form, '2019-04-10'));
      await sendReminders(deps, { formId: form.id });
      const again = await sendReminders(deps, { formId: form.id });
      expect(deps.mailer.sent).toHaveLength(1);
      expect(again.reminders.map((r) => r.status)).toEqual(['already-sent']);
    });
  });

  describe('the reminder email', () => {
    it('carries the unit’s own link, valid until 30 days after its deadline, with the deadline in the subject', async () => {
      const deps = memoryDeps([A], '2019-04-10T01:00:00Z');
      deps.clock.set(reminderRunAt(form, '2019-04-10'));
      await sendReminders(deps, { formId: form.id });
      const mail = deps.mailer.sent[0]!;
      expect(mail.to).toEqual(['hu01@example.vn']);
      expect(mail.subject).toBe('[Nhắc nộp báo cáo] Báo cáo nhanh biên chế hằng tháng — Tháng 4 năm 2019 — hạn nộp 17:00 ngày 16/04/2019');
      const token = /https:\/\/baocao\.example\.vn\/u\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
      const claims = verifyLinkToken(await deps.secrets.getLinkKeys(), token, deps.clock.now());
      expect(claims).toMatchObject({ u: 'HU01', v: 2, exp: deadlineFor(form, 'huyen', '2019-04').getTime() / 1000 + 30 * 86_400 });
      expect(mail.html).toContain(`href="https://baocao.example.vn/u/${token}"`);
    });

    it('tells a unit whose last upload was rejected that nothing was accepted yet', async () => {
      const deps = memoryDeps([A], '2019-04-10T01:00:00Z');
      await submit(deps.submissions, { unitCode: A.code, formId: form.id, period: '2019-04', receivedAt: '2019-04-09T03:00:00Z', status: 'rejected' });
      deps.clock.set(reminderRunAt(form, '2019-04-10'));
      await sendReminders(deps, { formId: form.id });
      expect(deps.mailer.sent[0]!.text).toContain('lần nộp gần nhất của đơn vị chưa hợp lệ');
    });
  });
});
