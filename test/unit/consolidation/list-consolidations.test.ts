/**
 * `listConsolidations`: the workbooks the console's "Báo cáo tổng hợp" lists for a form and
 * period, newest first, with the units they count and whether leadership was emailed them.
 */
import { reportKey } from '../../../functions/core/consolidation/report-key';
import { consolidateReport } from '../../../functions/core/usecases/consolidate-report';
import { consolidationRecipients, listConsolidations } from '../../../functions/core/usecases/list-consolidations';
import { loadForm, makeUnits, memoryDeps, randomValues, rng, submit } from './fixtures';

const NOW = '2019-03-19T00:30:00Z';
const form = loadForm('sap-xep-bo-may');

async function seeded() {
  const units = makeUnits(3);
  const deps = memoryDeps(units, NOW);
  const report = async (i: number, receivedAt: string) =>
    submit(deps.submissions, { unitCode: units[i]!.code, formId: form.id, period: '2019-Q1', receivedAt, values: randomValues(form, units[i]!, rng(i + 7)) });
  await report(0, '2019-03-12T02:00:00Z');
  return { units, deps, report };
}

// Each case writes real workbooks: more than jest's 5 s default on a busy 2-core machine.
jest.setTimeout(60_000);

describe('listConsolidations', () => {
  describe('the workbooks of a period', () => {
    it('lists each stored workbook newest first with its time, file name, size and units counted, and which one was emailed', async () => {
      // Arrange: built without sending, then a late report changes the figures and that one is sent.
      const { deps, report } = await seeded();
      const built = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: false });
      deps.clock.advance(3_600_000);
      await report(1, '2019-03-19T01:00:00Z');
      const sent = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });

      // Act
      const listing = await listConsolidations(deps, { formId: form.id, period: '2019-Q1' });

      // Assert
      expect(listing).toMatchObject({ formId: form.id, formName: form.name, period: '2019-Q1', periodLabel: 'Quý I năm 2019' });
      expect(listing.workbooks.map((w) => w.key)).toEqual([sent.key, built.key]);
      expect(listing.workbooks[0]).toEqual({
        key: sent.key,
        fileName: `Tổng hợp - ${form.name} - Quý I năm 2019.xlsx`,
        createdAt: '2019-03-19T01:30:00.000Z',
        size: sent.workbook.length,
        unitsReported: 2,
        unitsExpected: sent.unitsExpected,
        email: { status: 'sent', sentAt: '2019-03-19T01:30:00.000Z', subject: expect.stringContaining(`${form.name} — Quý I năm 2019 — 2/${sent.unitsExpected} đơn vị đã báo cáo`) },
      });
      expect(listing.workbooks[1]).toMatchObject({ key: built.key, createdAt: '2019-03-19T00:30:00.000Z', unitsReported: 1, email: { status: 'not-sent' } });
    });

    it('marks a workbook emailed by an earlier run that reused it (same figures, same hash)', async () => {
      const { deps } = await seeded();
      const built = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: false });
      deps.clock.advance(60_000);
      const sent = await consolidateReport(deps, { formId: form.id, period: '2019-Q1', send: true });
      expect(sent).toMatchObject({ key: built.key, reused: true });
      const listing = await listConsolidations(deps, { formId: form.id, period: '2019-Q1' });
      expect(listing.workbooks).toHaveLength(1);
      expect(listing.workbooks[0]!.email).toMatchObject({ status: 'sent', sentAt: '2019-03-19T00:31:00.000Z' });
    });

    it('ignores objects under the prefix that are not workbooks of that form and period, and another period\'s', async () => {
      const { deps } = await seeded();
      await deps.files.put('reports/sap-xep-bo-may/2019-Q1/notes.txt', 'x');
      await deps.files.put(reportKey(form.id, '2018-Q4', new Date('2018-12-18T00:30:00Z'), 'ab'.repeat(32)), 'x');
      const listing = await listConsolidations(deps, { formId: form.id, period: '2019-Q1' });
      expect(listing.workbooks).toEqual([]);
    });

    it('falls back to the key for a workbook stored without metadata', async () => {
      const { deps } = await seeded();
      const key = reportKey(form.id, '2019-Q1', new Date('2019-03-18T00:30:00Z'), 'cd'.repeat(32));
      await deps.files.put(key, Buffer.from('PK'));
      const [w] = (await listConsolidations(deps, { formId: form.id, period: '2019-Q1' })).workbooks;
      expect(w).toEqual({ key, fileName: '20190318T003000-cdcdcdcd.xlsx', createdAt: '2019-03-18T00:30:00.000Z', size: 2, email: { status: 'not-sent' } });
    });
  });

  describe('refusals', () => {
    it('refuses an unknown form and a period of another kind as consolidation does', async () => {
      expect.assertions(2);
      const { deps } = await seeded();
      await expect(listConsolidations(deps, { formId: 'khong-co', period: '2019-Q1' })).rejects.toMatchObject({ code: 'FORM_NOT_FOUND' });
      await expect(listConsolidations(deps, { formId: form.id, period: '2019-03' })).rejects.toMatchObject({ statusCode: 400 });
    });
  });

  describe('consolidationRecipients', () => {
    it('sends to leadership and copies the organisation committee, never the same address twice', () => {
      const both = { recipients: { leadership: ['a@x.vn', 'b@x.vn'], organisationCommittee: ['b@x.vn', 'c@x.vn'] } };
      expect(consolidationRecipients(both)).toEqual({ to: ['a@x.vn', 'b@x.vn'], cc: ['c@x.vn'] });
    });
  });
});
