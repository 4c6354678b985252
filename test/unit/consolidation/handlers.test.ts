import type { Context } from 'aws-lambda';
import { createConsolidateHandler } from '../../../functions/handlers/consolidate';
import { createRemindHandler } from '../../../functions/handlers/remind';
import { localInstant } from '../../../functions/core/periods';
import { loadForm, makeUnits, memoryDeps, randomValues, rng, submit } from './fixtures';

const context = {} as Context;
const log = () => ({ lines: [] as Array<[string, Record<string, unknown> | undefined]>, info(m: string, e?: Record<string, unknown>) { this.lines.push([m, e]); }, debug() {}, warn() {}, error() {} });

describe('consolidate handler', () => {
  describe('daily schedule', () => {
    it('does nothing on a day that is no period’s consolidation day', async () => {
      const deps = memoryDeps(makeUnits(2), '2019-03-12T00:30:00Z');
      const handler = createConsolidateHandler({ ...deps, log: log() });
      await expect(handler({ formId: 'sap-xep-bo-may' }, context)).resolves.toEqual({ status: 'not-due', formId: 'sap-xep-bo-may' });
      expect(deps.mailer.sent).toEqual([]);
      expect(deps.files.objects.size).toBe(0);
    });

    it('consolidates and emails the period due today (19/03/2019: the 18th is the deadline after the weekend)', async () => {
      const form = loadForm('sap-xep-bo-may');
      const units = makeUnits(2);
      const deps = memoryDeps(units, localInstant({ year: 2019, month: 3, day: 19 }, '07:30').toISOString());
      await submit(deps.submissions, { unitCode: units[0]!.code, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-14T03:00:00Z', values: randomValues(form, units[0]!, rng(4)) });
      const handler = createConsolidateHandler({ ...deps, log: log() });
      const result = await handler({ formId: form.id }, context);
      expect(result).toMatchObject({ status: 'done', period: '2019-Q1', unitsReported: 1, unitsExpected: 2, email: 'sent' });
      expect(deps.mailer.sent[0]!.subject).toContain('Quý I năm 2019 — 1/2 đơn vị đã báo cáo');
      // A retried invocation sends nothing more.
      await expect(handler({ formId: form.id }, context)).resolves.toMatchObject({ email: 'already-sent' });
      expect(deps.mailer.sent).toHaveLength(1);
    });

    it('honours an explicit period and send:false', async () => {
      const deps = memoryDeps(makeUnits(1), '2019-05-02T00:30:00Z');
      const handler = createConsolidateHandler({ ...deps, log: log() });
      await expect(handler({ formId: 'bien-che-thang', period: '2019-04', send: false }, context)).resolves.toMatchObject({ status: 'done', period: '2019-04', email: 'not-requested' });
      expect(deps.mailer.sent).toEqual([]);
    });
  });

  describe('bad events', () => {
    it('rejects a payload without formId with a stable code', async () => {
      expect.assertions(1);
      const handler = createConsolidateHandler({ ...memoryDeps([], '2019-03-19T00:30:00Z'), log: log() });
      await expect(handler({ period: '2019-Q1' }, context)).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    });

    it('rejects an unknown form with FORM_NOT_FOUND', async () => {
      expect.assertions(1);
      const handler = createConsolidateHandler({ ...memoryDeps([], '2019-03-19T00:30:00Z'), log: log() });
      await expect(handler({ formId: 'khong-co' }, context)).rejects.toMatchObject({ code: 'FORM_NOT_FOUND' });
    });
  });
});

describe('remind handler', () => {
  describe('daily run', () => {
    it('reminds the units due today and logs unit codes, never links or tokens', async () => {
      const units = makeUnits(3);
      const deps = memoryDeps(units, '2019-03-13T01:00:00Z'); // 3 working days before the Q1 deadline of Mon 18/03
      const l = log();
      const handler = createRemindHandler({ ...deps, log: l });
      const summary = await handler({ formId: 'sap-xep-bo-may' }, context);
      expect(summary).toEqual({ formId: 'sap-xep-bo-may', date: '2019-03-13', queued: 0, sent: 3, skipped: 0, digests: 0 });
      expect(JSON.stringify(l.lines)).not.toContain('/u/');
    });
  });
});
