/**
 * `CalendarStore` on DynamoDB: the whole province calendar in one item, pk `CONFIG#calendar`,
 * sk `CALENDAR`, with `revision` (1, 2, …), `days` (a list of { date, kind, name }),
 * `updatedAt` and `updatedBy`. One item because the calendar is small (at most 1,000 days of at
 * most 200-character names, far under the 400 KB item limit) and always read whole; every save is
 * a conditional put on the revision read, so concurrent edits cannot undo each other.
 * See functions/adapters/README.md.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod/mini';
import type { CalendarDay } from '../core/calendar/calendar';
import type { CalendarStore, SavedCalendar } from '../core/calendar/calendar-store';
import { checkCalendar } from '../core/calendar/check-calendar';
import { ConflictError } from '../core/errors';
import { isConditionalCheckFailed } from './dynamo-conditions';

export const CALENDAR_KEY = { pk: 'CONFIG#calendar', sk: 'CALENDAR' } as const;

const StoredCalendarSchema = z.object({
  revision: z.int().check(z.gte(1)),
  days: z.array(z.object({ date: z.string(), kind: z.enum(['holiday', 'working']), name: z.string() })),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

export interface DynamoCalendarStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export class DynamoCalendarStore implements CalendarStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoCalendarStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  /** The saved calendar; throws when the stored item is malformed (a corrupt calendar must not silently move deadlines). */
  async get(): Promise<SavedCalendar | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: CALENDAR_KEY, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const parsed = StoredCalendarSchema.safeParse(out.Item);
    if (!parsed.success || checkCalendar(parsed.data.days).length > 0) throw new Error('The stored province calendar (CONFIG#calendar) is malformed');
    return parsed.data;
  }

  async save(days: readonly CalendarDay[], expectedRevision: number, by: { at: string; actor: string }): Promise<SavedCalendar> {
    const saved: SavedCalendar = { days: days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })), revision: expectedRevision + 1, updatedAt: by.at, updatedBy: by.actor };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...CALENDAR_KEY, ...saved },
          ...(expectedRevision === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#revision = :expected', ExpressionAttributeNames: { '#revision': 'revision' }, ExpressionAttributeValues: { ':expected': expectedRevision } }),
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) throw new ConflictError('CALENDAR_CHANGED', 'Lịch làm việc vừa được sửa ở nơi khác. Hãy xem lại (npx tonghop calendar list) rồi thử lại.', err);
      throw err;
    }
    return saved;
  }
}
