import { listUnitReports } from '../../../functions/core/usecases/list-unit-reports';
import { createWorld, HU_TH, NOW, SO_NV, submission } from './world';

describe('listUnitReports', () => {
  describe('which reports are open', () => {
    it('lists the open period of each form and the previous one while it has no accepted report, earliest deadline first', async () => {
      const world = createWorld();

      const { reports } = await listUnitReports(world, SO_NV);

      expect(reports.map((r) => `${r.formId} ${r.period} ${r.periodLabel}`)).toEqual([
        'sap-xep-bo-may 2018-Q4 Năm 2018',
        'bien-che-thang 2019-02 Tháng 2 năm 2019',
        'bien-che-thang 2019-03 Tháng 3 năm 2019',
        'sap-xep-bo-may 2019-Q1 Quý I năm 2019',
      ]);
    });

    it('drops the previous period once the unit has an accepted report for it', async () => {
      const world = createWorld();
      await world.submissions.createIfAbsent(submission({ unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2018-Q4', receivedAt: '2018-12-14T02:00:00Z' }));

      const { reports } = await listUnitReports(world, SO_NV);

      expect(reports.filter((r) => r.formId === 'sap-xep-bo-may').map((r) => r.period)).toEqual(['2019-Q1']);
    });

    it('gives each unit type its own deadline (huyện by the 16th, sở by the 17th, 17:00 Hà Nội), moved off weekends', async () => {
      const world = createWorld();
      world.clock.set('2019-05-02T03:00:00Z');
      const deadline = async (unit: typeof SO_NV, period: string) => (await listUnitReports(world, unit)).reports.find((r) => r.period === period)?.deadline;

      expect(await deadline(SO_NV, '2019-05')).toBe('2019-05-17T10:00:00.000Z');
      expect(await deadline(HU_TH, '2019-05')).toBe('2019-05-16T10:00:00.000Z');
      expect(await deadline(SO_NV, '2019-04')).toBe('2019-04-17T10:00:00.000Z');
      world.clock.set(NOW);
      expect(await deadline(HU_TH, '2019-Q1')).toBe('2019-03-18T10:00:00.000Z'); // 16/3/2019 is a Saturday: Monday 18/3
    });
  });

  describe('status', () => {
    const statusOf = async (subs: Parameters<typeof submission>[0][], period = '2019-Q1', now?: string) => {
      const world = createWorld();
      if (now) world.clock.set(now);
      for (const s of subs) await world.submissions.createIfAbsent(submission(s));
      const { reports } = await listUnitReports(world, SO_NV);
      return reports.find((r) => r.formId === 'sap-xep-bo-may' && r.period === period)?.status;
    };
    const q1 = { unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' } as const;

    it('is "not_submitted" (chưa nộp) before any upload and before the deadline', async () => {
      expect(await statusOf([])).toBe('not_submitted');
    });
    it('is "processing" (đang xử lý) while the latest upload is pending', async () => {
      expect(await statusOf([{ ...q1, status: 'accepted', receivedAt: '2019-02-27T01:00:00Z' }, { ...q1, status: 'pending', receivedAt: '2019-02-28T01:00:00Z' }])).toBe('processing');
    });
    it('is "accepted" (đã nộp) with an on-time accepted report, even if a later upload was refused', async () => {
      expect(await statusOf([{ ...q1, status: 'accepted', receivedAt: '2019-02-27T01:00:00Z', late: false }, { ...q1, status: 'rejected', receivedAt: '2019-02-28T01:00:00Z' }])).toBe('accepted');
    });
    it('is "rejected" (bị từ chối) when every upload so far was refused', async () => {
      expect(await statusOf([{ ...q1, status: 'rejected', receivedAt: '2019-02-28T01:00:00Z' }])).toBe('rejected');
    });
    it('is "late" (nộp muộn) when the accepted report came after the deadline', async () => {
      expect(await statusOf([{ ...q1, status: 'accepted', receivedAt: '2019-03-18T11:00:00Z', late: true }], '2019-Q1', '2019-03-18T12:00:00Z')).toBe('late');
    });
    it('is "late" (nộp muộn) and overdue when the deadline passed with nothing accepted', async () => {
      const world = createWorld();
      const { reports } = await listUnitReports(world, SO_NV);
      const q4 = reports.find((r) => r.period === '2018-Q4');
      expect(q4).toMatchObject({ status: 'late', overdue: true });
    });
  });

  describe('history', () => {
    it('lists the unit\'s own uploads newest first, with version, outcome and whether feedback exists', async () => {
      const world = createWorld();
      const q1 = { unitCode: 'SO-NV', formId: 'sap-xep-bo-may', period: '2019-Q1' } as const;
      await world.submissions.createIfAbsent(submission({ ...q1, status: 'rejected', receivedAt: '2019-02-26T01:00:00Z', fileName: 'bc.xlsx', feedbackKey: 'feedback/x.xlsx', errors: [{ code: 'E', severity: 'error', message: 'sai' }] }));
      await world.submissions.createIfAbsent(submission({ ...q1, status: 'accepted', receivedAt: '2019-02-27T01:00:00Z', fileName: 'bc2.xlsx' }));
      await world.submissions.createIfAbsent(submission({ ...q1, unitCode: 'HU-TH', receivedAt: '2019-02-28T01:00:00Z' }));

      const { history } = await listUnitReports(world, SO_NV);

      expect(history.map((h) => [h.fileName, h.version, h.status, h.errorCount, h.hasFeedback, h.periodLabel])).toEqual([
        ['bc2.xlsx', 2, 'accepted', 0, false, 'Quý I năm 2019'],
        ['bc.xlsx', 1, 'rejected', 1, true, 'Quý I năm 2019'],
      ]);
    });
  });
});
