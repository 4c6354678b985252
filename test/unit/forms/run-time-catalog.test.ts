/**
 * The run-time catalog: publishing (checked, immutable per version, same content a no-op,
 * effective periods), retiring, seeding, and the live catalog's revalidation (staleness on a
 * fake clock, invalidate after a publish, a failed reload keeping the last good snapshot).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TEMPLATES_DIR } from '../../../functions/core/forms/catalog';
import { canonicalDefinitionJson, sha256Hex } from '../../../functions/core/forms/canonical';
import { createLiveFormCatalog } from '../../../functions/core/forms/live-catalog';
import { silentLog, type Log } from '../../../functions/core/log';
import { SEED_ACTOR, publishFormDefinition, retireForm, seedFormCatalog } from '../../../functions/core/usecases/publish-form';
import { requireReportable } from '../../../functions/core/usecases/reportable-period';
import { reminderDays } from '../../../functions/core/consolidation/reminders';
import { consolidateScheduled, type ConsolidateDeps } from '../../../functions/core/usecases/consolidate-report';
import { sendReminders } from '../../../functions/core/usecases/send-reminders';
import { InMemoryAuditLog, InMemoryFormStore, InMemoryOnceLedger, InMemorySubmissionRepository, InMemoryUnitRepository, RecordingMailer } from '../../support/in-memory';

const seed = (file: string) => JSON.parse(readFileSync(path.join(DEFAULT_TEMPLATES_DIR, file), 'utf8')) as Record<string, unknown>;
/** A copy of the monthly form under another id. */
const thuNghiem = (changes: Record<string, unknown> = {}) => ({ ...seed('bien-che-thang.v1.json'), id: 'thu-nghiem', name: 'Thử nghiệm', ...changes });

function fakeClock(start = '2026-12-02T03:00:00Z') {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

function world() {
  const forms = new InMemoryFormStore();
  const clock = fakeClock();
  const audit = new InMemoryAuditLog();
  const catalog = createLiveFormCatalog({ store: forms, clock, log: silentLog });
  return { forms, clock, audit, catalog, deps: { forms, clock, audit, catalog } };
}

describe('publishFormDefinition', () => {
  describe('publishing', () => {
    it('stores the checked definition (unknown properties dropped) and indexes it with its SHA-256, audited', async () => {
      const w = world();
      const result = await publishFormDefinition(w.deps, { raw: thuNghiem({ ghiChuLa: 'bỏ đi' }), actor: 'cli:lan' });

      expect(result.outcome).toBe('published');
      const body = w.forms.bodies.get('thu-nghiem#1')!;
      expect(body).not.toContain('ghiChuLa');
      expect(w.forms.versions.get('thu-nghiem#1')).toEqual(expect.objectContaining({ sha256: sha256Hex(body), publishedBy: 'cli:lan', publishedAt: '2026-12-02T03:00:00.000Z' }));
      expect(w.audit.entries).toEqual([expect.objectContaining({ actor: 'cli:lan', action: 'forms.publish', target: 'thu-nghiem/v1' })]);
    });

    it('is a no-op for the same content again, even written differently (key order, extra properties)', async () => {
      const w = world();
      await publishFormDefinition(w.deps, { raw: thuNghiem(), actor: 'cli:lan' });
      const reordered = Object.fromEntries(Object.entries(thuNghiem({ boQua: true })).reverse());

      const again = await publishFormDefinition(w.deps, { raw: reordered, actor: 'cli:minh' });

      expect(again.outcome).toBe('unchanged');
      expect(w.forms.versions.get('thu-nghiem#1')?.publishedBy).toBe('cli:lan');
      expect(w.audit.entries).toHaveLength(1);
    });

    it('refuses other content under a published id and version (FORM_VERSION_CONFLICT), leaving the published one', async () => {
      expect.assertions(2);
      const w = world();
      await publishFormDefinition(w.deps, { raw: thuNghiem(), actor: 'cli:lan' });
      const before = w.forms.bodies.get('thu-nghiem#1');

      await expect(publishFormDefinition(w.deps, { raw: thuNghiem({ name: 'Tên khác' }), actor: 'cli:lan' })).rejects.toMatchObject({ code: 'FORM_VERSION_CONFLICT', message: expect.stringContaining('tăng "version"') });
      expect(w.forms.bodies.get('thu-nghiem#1')).toBe(before);
    });

    it('lists every problem of a broken definition and publishes nothing', async () => {
      const w = world();
      const result = await publishFormDefinition(w.deps, { raw: thuNghiem({ periodType: 'week' }), actor: 'cli:lan' });
      expect(result).toEqual({ outcome: 'invalid', problems: expect.arrayContaining([expect.objectContaining({ code: 'DEF_BAD_PERIOD_TYPE' })]) });
      expect(w.forms.versions.size).toBe(0);
      expect(w.forms.bodies.size).toBe(0);
    });

    it('refuses an effective period that is not of the form\'s type, and a new version of another period type', async () => {
      expect.assertions(2);
      const w = world();
      await publishFormDefinition(w.deps, { raw: thuNghiem(), actor: 'cli:lan' });
      await expect(publishFormDefinition(w.deps, { raw: thuNghiem({ version: 2 }), effectiveFrom: '2027-Q1', actor: 'cli:lan' })).rejects.toMatchObject({ code: 'FORM_EFFECTIVE_FROM_INVALID' });
      await expect(publishFormDefinition(w.deps, { raw: thuNghiem({ version: 2, periodType: 'quarter' }), actor: 'cli:lan' })).rejects.toMatchObject({ code: 'FORM_PERIOD_TYPE_CHANGED' });
    });
  });

  describe('effective periods', () => {
    it('applies a form new to the system from the period units report on now unless told otherwise; a seed form applies to every period', async () => {
      const w = world(); // 2 December 2026: units report on December (the monthly form is due in that month)
      const result = await publishFormDefinition(w.deps, { raw: thuNghiem(), actor: 'cli:lan' });
      expect(result).toMatchObject({ outcome: 'published', entry: { effectiveFrom: '2026-12' } });
      await publishFormDefinition(w.deps, { raw: thuNghiem({ version: 2 }), actor: 'cli:lan' });
      await publishFormDefinition(w.deps, { raw: seed('bien-che-thang.v1.json'), actor: SEED_ACTOR });
      await w.catalog.refresh();
      // November was never due for a form that did not exist then; a later version applies to every period it is asked for.
      expect(w.catalog.forPeriod('thu-nghiem', '2026-11')).toBeUndefined();
      expect(w.catalog.forPeriod('thu-nghiem', '2026-12')?.version).toBe(2);
      expect(w.catalog.entries().find((e) => e.id === 'thu-nghiem')?.versions.map((v) => v.effectiveFrom)).toEqual(['2026-12', undefined]);
      expect(w.catalog.forPeriod('bien-che-thang', '2025-01')?.version).toBe(1);
    });

    it('applies a new version from its first period; earlier periods keep the old one; old uploads still read', async () => {
      const w = world();
      await publishFormDefinition(w.deps, { raw: thuNghiem(), effectiveFrom: '2026-01', actor: 'cli:lan' });
      await publishFormDefinition(w.deps, { raw: thuNghiem({ version: 2, name: 'Thử nghiệm (mới)' }), effectiveFrom: '2027-01', actor: 'cli:lan' });
      await w.catalog.refresh();

      expect(w.catalog.forPeriod('thu-nghiem', '2026-12')?.version).toBe(1);
      expect(w.catalog.forPeriod('thu-nghiem', '2027-01')?.version).toBe(2);
      expect(w.catalog.forPeriod('thu-nghiem', '2027-06')?.name).toBe('Thử nghiệm (mới)');
      expect(w.catalog.get('thu-nghiem', 1)?.version).toBe(1);
      expect(w.catalog.entries().find((e) => e.id === 'thu-nghiem')?.versions.map((v) => [v.version, v.effectiveFrom])).toEqual([[1, '2026-01'], [2, '2027-01']]);
    });
  });
});

describe('retireForm', () => {
  it('takes the form off lists and units\' periods, keeps its versions and history readable, audited once', async () => {
    const w = world();
    await publishFormDefinition(w.deps, { raw: thuNghiem(), effectiveFrom: '2026-01', actor: 'cli:lan' });

    expect((await retireForm(w.deps, { formId: 'thu-nghiem', actor: 'cli:lan' })).outcome).toBe('retired');
    expect((await retireForm(w.deps, { formId: 'thu-nghiem', actor: 'cli:lan' })).outcome).toBe('already-retired');
    await w.catalog.refresh();

    expect(w.catalog.list().map((f) => f.id)).not.toContain('thu-nghiem');
    expect(w.catalog.forPeriod('thu-nghiem', '2026-11')).toBeUndefined();
    expect(w.catalog.forPeriod('thu-nghiem', '2026-11', { includeRetired: true })?.version).toBe(1);
    expect(w.catalog.get('thu-nghiem', 1)?.id).toBe('thu-nghiem');
    expect(() => requireReportable(w.catalog, 'thu-nghiem', '2026-11', w.clock.now())).toThrow(expect.objectContaining({ code: 'FORM_NOT_FOUND', message: expect.stringContaining('ngừng sử dụng') }));
    expect(w.audit.entries.map((e) => e.action)).toEqual(['forms.publish', 'forms.retire']);
  });

  it('refuses a form never published (FORM_NOT_FOUND)', async () => {
    expect.assertions(1);
    await expect(retireForm(world().deps, { formId: 'khong-co', actor: 'cli:lan' })).rejects.toMatchObject({ code: 'FORM_NOT_FOUND' });
  });
});

describe('a retired form and the daily runs', () => {
  it('is reminded on a due day while in use, and no longer once retired; its scheduled consolidation is not due', async () => {
    const w = world();
    await publishFormDefinition(w.deps, { raw: thuNghiem(), effectiveFrom: '2026-01', actor: 'cli:lan' });
    await w.catalog.refresh();
    const due = reminderDays(w.catalog.require('thu-nghiem'), 'so-nganh', '2026-11')[0]!;
    const clock = { now: () => new Date(`${due.date}T02:00:00Z`) };
    const queued: unknown[] = [];
    const deps = {
      forms: w.catalog, clock, units: new InMemoryUnitRepository([{ code: 'SO-YT', name: 'Sở Y tế', type: 'so-nganh', emails: ['soyt@example.vn'], active: true, keyVersion: 1 }]),
      submissions: new InMemorySubmissionRepository(), ledger: new InMemoryOnceLedger(), mailer: new RecordingMailer(), mail: { from: 'baocao@example.vn' },
      queue: { enqueue: async (r: unknown[]) => (queued.push(...r), r.map(() => 'queued' as const)) },
    };

    const inUse = await sendReminders(deps, { formId: 'thu-nghiem', period: '2026-11' });
    await retireForm(w.deps, { formId: 'thu-nghiem', actor: 'cli:lan' });
    await w.catalog.refresh();
    const retired = await sendReminders(deps, { formId: 'thu-nghiem', period: '2026-11' });

    expect(inUse.reminders.map((r) => r.unitCode)).toEqual(['SO-YT']);
    expect(retired.reminders).toEqual([]);
    expect(queued).toHaveLength(1);
    const scheduled = await consolidateScheduled({ forms: w.catalog, clock } as unknown as ConsolidateDeps, { formId: 'thu-nghiem' });
    expect(scheduled.status).toBe('not-due');
  });
});

describe('seedFormCatalog', () => {
  it('publishes the seeds once, then leaves them alone; a differing seed is logged and skipped, never overwriting', async () => {
    const w = world();
    const warnings: string[] = [];
    const log: Log = { ...silentLog, warn: (m) => void warnings.push(m) };
    const seeds = [{ source: 'bien-che-thang.v1.json', raw: seed('bien-che-thang.v1.json') }, { source: 'sap-xep-bo-may.v1.json', raw: seed('sap-xep-bo-may.v1.json') }];

    expect((await seedFormCatalog({ ...w.deps, log }, seeds)).map((o) => o.outcome)).toEqual(['published', 'published']);
    expect((await seedFormCatalog({ ...w.deps, log }, seeds)).map((o) => o.outcome)).toEqual(['unchanged', 'unchanged']);
    const changed = [{ source: 'bien-che-thang.v1.json', raw: { ...seed('bien-che-thang.v1.json'), name: 'Sửa tay' } }];
    expect((await seedFormCatalog({ ...w.deps, log }, changed))[0]).toEqual(expect.objectContaining({ outcome: 'skipped', reason: 'FORM_VERSION_CONFLICT' }));

    expect(warnings).toHaveLength(1);
    await w.catalog.refresh();
    expect(w.catalog.require('bien-che-thang').name).toBe(seed('bien-che-thang.v1.json').name);
    // The seed is not an operator action.
    expect(w.audit.entries).toEqual([]);
  });
});

describe('createLiveFormCatalog', () => {
  async function published() {
    const w = world();
    await publishFormDefinition({ ...w.deps, catalog: undefined }, { raw: thuNghiem(), actor: 'cli:lan' });
    return w;
  }

  it('throws when used before its first load, and when the first load fails', async () => {
    expect.assertions(2);
    const w = await published();
    expect(() => w.catalog.list()).toThrow(/refresh/);
    w.forms.failReads = true;
    await expect(w.catalog.refresh()).rejects.toThrow('store unavailable');
  });

  it('answers from its snapshot until it is 5 minutes old, then sees a version published elsewhere', async () => {
    const w = await published();
    await w.catalog.refresh();
    // Published by another process: this catalog is not told.
    await publishFormDefinition({ forms: w.forms, clock: w.clock }, { raw: thuNghiem({ version: 2 }), actor: 'cli:minh' });

    w.clock.advance(4 * 60_000);
    await w.catalog.refresh();
    expect(w.catalog.get('thu-nghiem')?.version).toBe(1);

    w.clock.advance(60_000);
    await w.catalog.refresh();
    expect(w.catalog.get('thu-nghiem')?.version).toBe(2);
  });

  it('reloads at once after a publish in the same process (invalidate)', async () => {
    const w = await published();
    await w.catalog.refresh();
    await publishFormDefinition(w.deps, { raw: thuNghiem({ version: 2 }), actor: 'cli:lan' });
    await w.catalog.refresh();
    expect(w.catalog.get('thu-nghiem')?.version).toBe(2);
  });

  it('shares one load between concurrent refreshes and reads each body once', async () => {
    const w = await published();
    w.forms.indexReads = 0;
    w.forms.bodyReads = 0;
    await Promise.all([w.catalog.refresh(), w.catalog.refresh(), w.catalog.refresh()]);
    expect(w.forms.indexReads).toBe(1);
    w.catalog.invalidate();
    await w.catalog.refresh();
    expect(w.forms.indexReads).toBe(2);
    expect(w.forms.bodyReads).toBe(1);
  });

  it('keeps the last good snapshot when a reload fails (logged), and recovers once the store answers', async () => {
    const w = world();
    const errors: string[] = [];
    const catalog = createLiveFormCatalog({ store: w.forms, clock: w.clock, log: { ...silentLog, error: (m) => void errors.push(m) } });
    await publishFormDefinition(w.deps, { raw: thuNghiem(), actor: 'cli:lan' });
    await catalog.refresh();

    w.forms.failReads = true;
    catalog.invalidate();
    await catalog.refresh();
    expect(catalog.get('thu-nghiem')?.version).toBe(1);
    expect(errors).toEqual([expect.stringContaining('reload failed')]);

    w.forms.failReads = false;
    await publishFormDefinition(w.deps, { raw: thuNghiem({ version: 2 }), actor: 'cli:lan' });
    w.clock.advance(30_000);
    await catalog.refresh();
    expect(catalog.get('thu-nghiem')?.version).toBe(2);
  });

  it('leaves out a version whose stored body does not match its index entry', async () => {
    const w = await published();
    w.forms.bodies.set('thu-nghiem#1', canonicalDefinitionJson({ ...thuNghiem(), name: 'Bị sửa' } as never));
    await w.catalog.refresh();
    expect(w.catalog.get('thu-nghiem')).toBeUndefined();
  });
});
