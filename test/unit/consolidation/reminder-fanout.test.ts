/**
 * Reminders at scale: the daily run only queues (one message per unit), the worker sends one
 * unit's reminder and claims the once-ledger key only when the send can happen, the SQS queue
 * batches by ten, and the forms' reminder runs are staggered.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SqsReminderQueue } from '../../../functions/adapters/sqs-reminder-queue';
import type { ReminderDelivery, ReminderQueue, UnitReminder } from '../../../functions/core/ports';
import { reminderRunAt, sendReminders } from '../../../functions/core/usecases/send-reminders';
import { reminderKey, sendUnitReminder } from '../../../functions/core/usecases/send-unit-reminder';
import { createRemindUnitHandler } from '../../../functions/handlers/remind-unit';
import { loadForm, makeUnits, memoryDeps, submit } from './fixtures';

const form = loadForm('sap-xep-bo-may');
/** 13/03/2019: 3 working days before the Q1 deadline (Mon 18/03) of every unit type. */
const DAY = '2019-03-13';

class RecordingQueue implements ReminderQueue {
  readonly reminders: UnitReminder[] = [];
  async enqueue(reminders: UnitReminder[]): Promise<ReminderDelivery[]> {
    this.reminders.push(...reminders);
    return reminders.map(() => 'queued');
  }
}

const reminderFor = (unitCode: string, overrides: Partial<UnitReminder> = {}): UnitReminder => ({
  formId: form.id, period: '2019-Q1', unitCode, date: DAY, kind: 'before', lastUploadRejected: false, ...overrides,
});

describe('sendReminders (daily run)', () => {
  describe('at 10,000 units', () => {
    it('emails nobody itself and queues one reminder per unit', async () => {
      const units = makeUnits(10_000);
      const deps = { ...memoryDeps(units, '2019-03-13T00:00:00Z'), queue: new RecordingQueue() };
      deps.clock.set(reminderRunAt(form, DAY));

      const result = await sendReminders(deps, { formId: form.id });

      expect(deps.mailer.sent).toEqual([]);
      expect(deps.queue.reminders).toHaveLength(10_000);
      expect(new Set(deps.queue.reminders.map((r) => r.unitCode)).size).toBe(10_000);
      expect(deps.queue.reminders[0]).toEqual({ formId: form.id, period: '2019-Q1', unitCode: units[0]!.code, date: DAY, kind: 'before', lastUploadRejected: false });
      expect(result.reminders.every((r) => r.status === 'queued')).toBe(true);
    });
  });
});

describe('sendUnitReminder (worker)', () => {
  const setUp = () => {
    const [unit] = makeUnits(1);
    const deps = memoryDeps([unit!], '2019-03-13T00:00:00Z');
    deps.clock.set(reminderRunAt(form, DAY));
    return { deps, reminder: reminderFor(unit!.code) };
  };

  describe('when the send fails', () => {
    it('releases its claim, so the queue\'s redelivery emails the unit exactly once', async () => {
      expect.assertions(3);
      const { deps, reminder } = setUp();
      const send = deps.mailer.send.bind(deps.mailer);
      let failures = 1;
      deps.mailer.send = async (message) => {
        if (failures-- > 0) throw new Error('Throttling: Maximum sending rate exceeded');
        return send(message);
      };

      await expect(sendUnitReminder(deps, reminder)).rejects.toThrow('Throttling');
      const redelivered = await sendUnitReminder(deps, reminder);
      const duplicate = await sendUnitReminder(deps, reminder);

      expect([redelivered, duplicate]).toEqual(['sent', 'already-sent']);
      expect(deps.mailer.sent).toHaveLength(1);
    });
  });

  describe('when the send cannot happen', () => {
    it('takes no claim when the link keys cannot be read, so the unit is not skipped for the day', async () => {
      expect.assertions(2);
      const { deps, reminder } = setUp();
      const claim = jest.spyOn(deps.ledger, 'claim');
      deps.secrets.getLinkKeys = async () => {
        throw new Error('Secrets Manager unavailable');
      };

      await expect(sendUnitReminder(deps, reminder)).rejects.toThrow('Secrets Manager');
      expect(claim).not.toHaveBeenCalled();
    });
  });

  describe('a unit that reported after the run queued its reminder', () => {
    it('is not reminded', async () => {
      const { deps, reminder } = setUp();
      await submit(deps.submissions, { unitCode: reminder.unitCode, formId: form.id, period: '2019-Q1', receivedAt: '2019-03-13T01:20:00Z' });

      await expect(sendUnitReminder(deps, reminder)).resolves.toBe('skipped');
      expect(deps.mailer.sent).toEqual([]);
    });
  });

  describe('a message that waited too long', () => {
    it('drops a reminder queued for another day instead of sending a stale "due in 3 days"', async () => {
      const { deps, reminder } = setUp();
      deps.clock.set(reminderRunAt(form, '2019-03-14'));

      await expect(sendUnitReminder(deps, reminder)).resolves.toBe('skipped');
      expect(deps.mailer.sent).toEqual([]);
      expect(deps.ledger.claims.has(reminderKey(reminder))).toBe(false);
    });
  });
});

describe('remind-unit handler', () => {
  it('reports only the failed or malformed messages for redelivery, and logs no link', async () => {
    const units = makeUnits(3);
    const deps = memoryDeps(units, '2019-03-13T00:00:00Z');
    deps.clock.set(reminderRunAt(form, DAY));
    const send = deps.mailer.send.bind(deps.mailer);
    deps.mailer.send = async (message) => {
      if (message.to.includes(units[1]!.emails[0]!)) throw new Error('SES down');
      return send(message);
    };
    const lines: unknown[] = [];
    const push = (m: string, e?: Record<string, unknown>) => void lines.push([m, e]);
    const log = { debug: push, info: push, warn: push, error: push };
    const handler = createRemindUnitHandler({ ...deps, log });
    const record = (id: string, body: string) => ({ messageId: id, body, attributes: { ApproximateReceiveCount: '1' } });
    const event = { Records: [...units.map((u, i) => record(`m${i}`, JSON.stringify(reminderFor(u.code)))), record('bad', '{"formId":"x"}')] } as unknown as SQSEvent;

    const response = await handler(event, {} as Context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'bad' }]);
    expect(deps.mailer.sent.map((m) => m.to[0])).toEqual([units[0]!.emails[0], units[2]!.emails[0]]);
    expect(JSON.stringify(lines)).not.toContain('/u/');
  });
});

describe('SqsReminderQueue', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());
  const queue = () => new SqsReminderQueue({ client: new SQSClient({ region: 'ap-southeast-1' }), queueUrl: 'https://sqs.example/q' });

  it('sends one message per unit, ten per SendMessageBatch', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const reminders = makeUnits(25).map((u) => reminderFor(u.code));

    const deliveries = await queue().enqueue(reminders);

    expect(deliveries).toEqual(reminders.map(() => 'queued'));
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
    const bodies = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!) as UnitReminder));
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!.length).sort()).toEqual([10, 10, 5]);
    expect(bodies.map((b) => b.unitCode).sort()).toEqual(reminders.map((r) => r.unitCode).sort());
    expect(sqs).toHaveReceivedCommandWith(SendMessageBatchCommand, { QueueUrl: 'https://sqs.example/q' });
  });

  it('sends an entry SQS refused once more, and fails the run when it is refused again', async () => {
    expect.assertions(2);
    sqs.on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '1', SenderFault: false, Code: 'InternalError' }] })
      .resolves({ Successful: [], Failed: [{ Id: '1', SenderFault: false, Code: 'InternalError' }] });

    await expect(queue().enqueue([reminderFor('A'), reminderFor('B')])).rejects.toThrow('SQS refused 1');
    expect(sqs.commandCalls(SendMessageBatchCommand)[1]!.args[0].input.Entries!.map((e) => e.Id)).toEqual(['1']);
  });
});

