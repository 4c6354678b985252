/**
 * The local schedules over the embedded stack: the two croner jobs invoke the same handlers as
 * in AWS with `{ walk: true }`, which walk the catalog and run what is due — once — writing the
 * emails to the outbox.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../../functions/core/log';
import { localInstant } from '../../functions/core/periods';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { FakeClock } from '../support/in-memory';
import { tempDirs } from '../support/temp-dirs';

jest.setTimeout(120_000);

const newDataDir = tempDirs('tonghop-schedules-');
/** Both sample forms' March 2019 periods are consolidated on 19/03/2019 at 07:30 (templates/*.json). */
const CONSOLIDATION_DAY = { year: 2019, month: 3, day: 19 };
/** 13/03/2019: 3 working days before the Q1 deadline: reminders at 08:00. */
const REMINDER_DAY = { year: 2019, month: 3, day: 13 };

describe('local schedules over the embedded stack', () => {
  let runtime: LocalRuntime | undefined;
  let dataDir: string;
  const clock = new FakeClock(localInstant(CONSOLIDATION_DAY, '07:15'));
  const errors: unknown[] = [];
  const log: Log = { debug() {}, info() {}, warn() {}, error: (m, extra) => errors.push([m, extra]) };
  const outbox = () => (existsSync(join(dataDir, 'outbox')) ? readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml')).sort() : []);

  beforeAll(async () => {
    dataDir = newDataDir();
    runtime = await startLocalRuntime({ port: 0, dataDir, log, clock, scheduleBackoffMs: 1 });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('lists two walking jobs, not one per form', () => {
    expect(runtime!.schedules.list().map((s) => s.name)).toEqual(['consolidate-walk', 'remind-walk']);
  });

  it('consolidates every due form once, at the first tick at or after its time', async () => {
    await runtime!.schedules.runNow('consolidate');
    const before = outbox();
    clock.set(localInstant(CONSOLIDATION_DAY, '07:30'));
    await runtime!.schedules.runNow('consolidate');
    const due = outbox();
    clock.set(localInstant(CONSOLIDATION_DAY, '07:45'));
    await runtime!.schedules.runNow('consolidate');

    expect(before).toEqual([]);
    expect(due).toHaveLength(runtime!.catalog.list().length);
    expect(outbox()).toEqual(due);
    expect(errors).toEqual([]);
  });

  it('reminds the units once on their reminder day, from the form\'s reminder time', async () => {
    const start = outbox().length;
    clock.set(localInstant(REMINDER_DAY, '07:45'));
    await runtime!.schedules.runNow('remind');
    const early = outbox().length;
    clock.set(localInstant(REMINDER_DAY, '08:00'));
    await runtime!.schedules.runNow('remind');
    const reminded = outbox().length;
    clock.set(localInstant(REMINDER_DAY, '08:15'));
    await runtime!.schedules.runNow('remind');

    expect(early).toBe(start);
    expect(reminded).toBeGreaterThan(start);
    expect(outbox()).toHaveLength(reminded);
    expect(errors).toEqual([]);
  });
});
