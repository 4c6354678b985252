/**
 * The scheduled walk (`{ walk: true }` every 15 minutes): the consolidate and remind handlers
 * run what is due for every form the catalog lists, once per form and period (or day), catch up
 * a failed tick later the same day, and keep going when one form fails.
 */
import type { Context } from 'aws-lambda';
import { createFormCatalog, type FormCatalog, type LiveFormCatalog } from '../../../functions/core/forms/catalog';
import type { FormDefinition } from '../../../functions/core/forms/definition';
import type { Log } from '../../../functions/core/log';
import { localInstant } from '../../../functions/core/periods';
import type { WalkResult } from '../../../functions/core/usecases/run-due-schedules';
import { createConsolidateHandler } from '../../../functions/handlers/consolidate';
import { createRemindHandler } from '../../../functions/handlers/remind';
import { RecordingMailer } from '../../support/in-memory';
import { loadForm, makeUnits, memoryDeps, randomValues, rng, submit } from './fixtures';

const context = {} as Context;

/** 19/03/2019 is the consolidation day of both forms' March periods (the 18th is the deadline after the weekend). */
const CONSOLIDATION_DAY = { year: 2019, month: 3, day: 19 };
/** 13/03/2019: 3 working days before the Q1 deadline (Mon 18/03) of every unit type. */
const REMINDER_DAY = { year: 2019, month: 3, day: 13 };

function recordingLog(): Log & { errors: Array<Record<string, unknown> | undefined> } {
  const errors: Array<Record<string, unknown> | undefined> = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (_m, extra) => errors.push(extra) };
}

/** The real forms with consolidation and reminders at 08:00 (a quarter hour, like most configurations). */
function at0800(form: FormDefinition): FormDefinition {
  return { ...form, consolidation: { ...form.consolidation, time: '08:00' }, reminders: { ...form.reminders, time: '08:00' } };
}

/** A catalog whose list() leaves out `retired` (as the run-time catalog does), while get/require still find it. */
function withRetired(catalog: FormCatalog, retired: string): FormCatalog {
  return { ...catalog, list: () => catalog.list().filter((f) => f.id !== retired) };
}

function setup(options: { forms?: FormDefinition[]; units?: number; now: Date }) {
  const units = makeUnits(options.units ?? 2);
  const deps = memoryDeps(units, options.now.toISOString());
  const forms = createFormCatalog(options.forms ?? [at0800(loadForm('sap-xep-bo-may'))]);
  const log = recordingLog();
  const handlers = {
    consolidate: createConsolidateHandler({ ...deps, forms, log }),
    remind: createRemindHandler({ ...deps, forms, log }),
  };
  const tick = (hhmm: string, day = CONSOLIDATION_DAY) => deps.clock.set(localInstant(day, hhmm));
  return { deps, units, forms, log, handlers, tick };
}

const statusOf = (result: unknown, formId: string) => (result as WalkResult).forms.find((f) => f.formId === formId)?.status;

describe('consolidation walk', () => {
  describe('timing', () => {
    it('does not run a form due at 08:00 at 07:50, runs it at the 08:00 tick, and not again at 08:15 even when the figures changed', async () => {
      const { deps, units, handlers, tick } = setup({ now: localInstant(CONSOLIDATION_DAY, '07:50') });
      const form = loadForm('sap-xep-bo-may');

      const early = await handlers.consolidate({ walk: true }, context);
      tick('08:00');
      const due = await handlers.consolidate({ walk: true }, context);
      await submit(deps.submissions, { unitCode: units[0]!.code, formId: form.id, period: '2019-Q1', receivedAt: localInstant(CONSOLIDATION_DAY, '08:05').toISOString(), values: randomValues(form, units[0]!, rng(3)) });
      tick('08:15');
      const later = await handlers.consolidate({ walk: true }, context);

      expect(statusOf(early, form.id)).toBe('not-yet');
      expect(due).toMatchObject({ kind: 'consolidation', forms: [{ formId: form.id, status: 'ran', period: '2019-Q1', summary: { email: 'sent', unitsReported: 0, unitsExpected: 2 } }] });
      expect(statusOf(later, form.id)).toBe('done-earlier');
      expect(deps.mailer.sent).toHaveLength(1);
      expect(deps.mailer.sent[0]!.subject).toContain('Quý I năm 2019 — 0/2 đơn vị đã báo cáo');
    });

    it('runs a form due at 08:07 at the 08:15 tick (the first at or after its time)', async () => {
      const form = { ...at0800(loadForm('sap-xep-bo-may')), consolidation: { ...loadForm('sap-xep-bo-may').consolidation, time: '08:07' } };
      const { deps, handlers, tick } = setup({ forms: [form], now: localInstant(CONSOLIDATION_DAY, '08:00') });

      const before = await handlers.consolidate({}, context);
      tick('08:15');
      const after = await handlers.consolidate({}, context);

      expect([statusOf(before, form.id), statusOf(after, form.id)]).toEqual(['not-yet', 'ran']);
      expect(deps.mailer.sent).toHaveLength(1);
    });

    it('runs a form set after the day\'s last tick (23:50) at that last tick, 23:45, rather than never', async () => {
      const form = { ...at0800(loadForm('sap-xep-bo-may')), consolidation: { ...loadForm('sap-xep-bo-may').consolidation, time: '23:50' } };
      const { deps, handlers, tick } = setup({ forms: [form], now: localInstant(CONSOLIDATION_DAY, '23:30') });

      const before = await handlers.consolidate({}, context);
      tick('23:45');
      const last = await handlers.consolidate({}, context);

      expect([statusOf(before, form.id), statusOf(last, form.id)]).toEqual(['not-yet', 'ran']);
      expect(deps.mailer.sent).toHaveLength(1);
    });

    it('does nothing on a day that is no period’s consolidation day', async () => {
      const { deps, handlers } = setup({ now: localInstant({ year: 2019, month: 3, day: 12 }, '09:00') });

      await expect(handlers.consolidate({ walk: true }, context)).resolves.toMatchObject({ forms: [{ formId: 'sap-xep-bo-may', status: 'not-due' }] });
      expect(deps.mailer.sent).toEqual([]);
      expect(deps.files.objects.size).toBe(0);
    });
  });

  describe('failures', () => {
    it('catches up at 09:30 when the 08:00 tick failed, and emails once', async () => {
      expect.assertions(4);
      const { deps, handlers, tick, log } = setup({ now: localInstant(CONSOLIDATION_DAY, '08:00') });
      jest.spyOn(deps.mailer, 'send').mockRejectedValueOnce(new Error('SES throttled'));

      await expect(handlers.consolidate({ walk: true }, context)).rejects.toMatchObject({ code: 'SCHEDULED_RUN_FAILED' });
      expect(log.errors).toEqual([expect.objectContaining({ formId: 'sap-xep-bo-may', period: '2019-Q1' })]);
      tick('09:30');
      await expect(handlers.consolidate({ walk: true }, context)).resolves.toMatchObject({ forms: [{ formId: 'sap-xep-bo-may', status: 'ran' }] });
      expect(deps.mailer.sent).toHaveLength(1);
    });

    it('still runs the other form when one fails, reports both, and a retry runs only the failed one', async () => {
      expect.assertions(5);
      const quarterly = at0800(loadForm('sap-xep-bo-may'));
      const monthly = at0800(loadForm('bien-che-thang'));
      const { deps, handlers } = setup({ forms: [quarterly, monthly], now: localInstant(CONSOLIDATION_DAY, '08:00') });
      const send = RecordingMailer.prototype.send.bind(deps.mailer);
      const failing = jest.spyOn(deps.mailer, 'send').mockImplementation(async (m) => {
        if (m.subject.includes(quarterly.name)) throw new Error('SES throttled');
        return send(m);
      });

      const failure = await handlers.consolidate({ walk: true }, context).catch((err: unknown) => err);
      expect(failure).toMatchObject({ code: 'SCHEDULED_RUN_FAILED', message: expect.stringContaining(quarterly.id) });
      expect((failure as { result: WalkResult }).result.forms.map((f) => [f.formId, f.status])).toEqual([['bien-che-thang', 'ran'], ['sap-xep-bo-may', 'failed']]);
      expect(deps.mailer.sent.map((m) => m.subject)).toEqual([expect.stringContaining(monthly.name)]);

      failing.mockRestore();
      const retry = await handlers.consolidate({ walk: true }, context);
      expect((retry as WalkResult).forms.map((f) => [f.formId, f.status])).toEqual([['bien-che-thang', 'done-earlier'], ['sap-xep-bo-may', 'ran']]);
      expect(deps.mailer.sent).toHaveLength(2);
    });
  });

  describe('the catalog', () => {
    it('skips a retired form (the catalog no longer lists it)', async () => {
      const quarterly = at0800(loadForm('sap-xep-bo-may'));
      const monthly = at0800(loadForm('bien-che-thang'));
      const units = makeUnits(2);
      const deps = memoryDeps(units, localInstant(CONSOLIDATION_DAY, '08:00').toISOString());
      const handler = createConsolidateHandler({ ...deps, forms: withRetired(createFormCatalog([quarterly, monthly]), monthly.id), log: recordingLog() });

      const result = await handler({ walk: true }, context);

      expect((result as WalkResult).forms.map((f) => f.formId)).toEqual([quarterly.id]);
      expect(deps.mailer.sent.map((m) => m.subject)).toEqual([expect.stringContaining(quarterly.name)]);
    });

    it('refreshes a live catalog at each invocation, so a form published since the last tick runs', async () => {
      const quarterly = at0800(loadForm('sap-xep-bo-may'));
      const monthly = at0800(loadForm('bien-che-thang'));
      let current = createFormCatalog([quarterly]);
      const published: FormDefinition[][] = [[quarterly], [quarterly, monthly]];
      let refreshes = 0;
      const live: LiveFormCatalog = {
        list: () => current.list(),
        versions: (id) => current.versions(id),
        get: (id, v) => current.get(id, v),
        require: (id, v) => current.require(id, v),
        forPeriod: (id, p, o) => current.forPeriod(id, p, o),
        entries: () => current.entries(),
        retirement: (id) => current.retirement(id),
        get unitTypes() { return current.unitTypes; },
        get calendar() { return current.calendar; },
        async refresh() {
          current = createFormCatalog(published[Math.min(refreshes, published.length - 1)]!);
          refreshes += 1;
        },
        invalidate() {},
      };
      const deps = memoryDeps(makeUnits(2), localInstant(CONSOLIDATION_DAY, '08:00').toISOString());
      const handler = createConsolidateHandler({ ...deps, forms: Promise.resolve(live), log: recordingLog() });

      const first = await handler({ walk: true }, context);
      deps.clock.set(localInstant(CONSOLIDATION_DAY, '08:15'));
      const second = await handler({ walk: true }, context);

      expect(refreshes).toBe(2);
      expect((first as WalkResult).forms.map((f) => [f.formId, f.status])).toEqual([[quarterly.id, 'ran']]);
      expect((second as WalkResult).forms.map((f) => [f.formId, f.status])).toEqual([[monthly.id, 'ran'], [quarterly.id, 'done-earlier']]);
    });
  });

  describe('events', () => {
    it('still runs one form with { formId } (the CLI and tests), whatever its time', async () => {
      const { deps, handlers } = setup({ now: localInstant(CONSOLIDATION_DAY, '07:00') });

      await expect(handlers.consolidate({ formId: 'sap-xep-bo-may' }, context)).resolves.toMatchObject({ status: 'done', period: '2019-Q1', email: 'sent' });
      expect(deps.mailer.sent).toHaveLength(1);
    });

    it('refuses a period without a form instead of walking', async () => {
      expect.assertions(1);
      const { handlers } = setup({ now: localInstant(CONSOLIDATION_DAY, '08:00') });
      await expect(handlers.consolidate({ period: '2019-Q1' }, context)).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    });
  });
});

describe('reminder walk', () => {
  it('reminds at the first tick at or after the form\'s reminder time, once that day', async () => {
    const { deps, handlers, tick } = setup({ units: 3, now: localInstant(REMINDER_DAY, '07:45') });

    const early = await handlers.remind({ walk: true }, context);
    tick('08:00', REMINDER_DAY);
    const due = await handlers.remind({ walk: true }, context);
    tick('08:15', REMINDER_DAY);
    const later = await handlers.remind({ walk: true }, context);

    expect(statusOf(early, 'sap-xep-bo-may')).toBe('not-yet');
    expect(due).toMatchObject({ kind: 'reminders', forms: [{ formId: 'sap-xep-bo-may', status: 'ran', date: '2019-03-13', summary: { sent: 3 } }] });
    expect(statusOf(later, 'sap-xep-bo-may')).toBe('done-earlier');
    expect(deps.mailer.sent.map((m) => m.to[0])).toEqual(['dv1@example.vn', 'dv2@example.vn', 'dv3@example.vn']);
  });

  it('catches up later the same day when a reminder failed, sending only the one that did not go out', async () => {
    expect.assertions(3);
    const { deps, handlers, tick } = setup({ units: 3, now: localInstant(REMINDER_DAY, '08:00') });
    jest.spyOn(deps.mailer, 'send').mockRejectedValueOnce(new Error('SES throttled'));

    await expect(handlers.remind({ walk: true }, context)).rejects.toMatchObject({ code: 'SCHEDULED_RUN_FAILED' });
    tick('09:30', REMINDER_DAY);
    await expect(handlers.remind({ walk: true }, context)).resolves.toMatchObject({ forms: [{ status: 'ran' }] });
    expect(deps.mailer.sent.map((m) => m.to[0]).sort()).toEqual(['dv1@example.vn', 'dv2@example.vn', 'dv3@example.vn']);
  });

  it('skips a retired form', async () => {
    const quarterly = at0800(loadForm('sap-xep-bo-may'));
    const deps = memoryDeps(makeUnits(3), localInstant(REMINDER_DAY, '08:00').toISOString());
    const handler = createRemindHandler({ ...deps, forms: withRetired(createFormCatalog([quarterly]), quarterly.id), log: recordingLog() });

    await expect(handler({ walk: true }, context)).resolves.toMatchObject({ forms: [] });
    expect(deps.mailer.sent).toEqual([]);
  });
});
