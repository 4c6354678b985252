/**
 * Reviews and period locks: the DynamoDB adapter against dynalite over the real wire protocol,
 * and the in-memory fake the use-case tests rely on, held to the same contract — conditional
 * writes on what was read (one of several concurrent writers wins), a lock and its exceptions
 * read together.
 */
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { DynamoReviewStore } from '../../functions/adapters/dynamo-review-store';
import type { PeriodLockStore, ReviewStore } from '../../functions/core/ports';
import type { ReviewRecord } from '../../functions/core/review/model';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { InMemoryReviewStore } from '../support/in-memory';

jest.setTimeout(120_000);

type Store = ReviewStore & PeriodLockStore;
let emulators: Emulators | undefined;
let dynamo: Store;

beforeAll(async () => {
  emulators = await startEmulators();
  const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
  dynamo = new DynamoReviewStore({ client, tableName: emulators.tableName });
});
afterAll(async () => {
  await emulators?.stop();
});

const review = (over: Partial<ReviewRecord> = {}): ReviewRecord => ({
  formId: 'sap-xep-bo-may', period: '2026-Q1', unitCode: 'SO-NV', uploadId: 'mmx0a1b2c-abcdefghij', state: 'da-duyet', actor: 'lan@tinhuy.example.vn', at: '2026-03-19T02:00:00.000Z', rev: 1, ...over,
});

describe.each([
  ['DynamoReviewStore (dynalite)', () => dynamo],
  ['InMemoryReviewStore', () => new InMemoryReviewStore() as Store],
])('%s', (_name, store) => {
  let n = 0;
  /** A fresh (form, period) per test: the dynalite table is shared. */
  const period = () => `2026-Q${(n++ % 4) + 1}-${Math.random().toString(36).slice(2, 8)}`;

  describe('reviews', () => {
    it('stores a first review once: of several concurrent first reviews exactly one wins, the rest get REVIEW_CONFLICT', async () => {
      const s = store();
      const p = period();
      const outcomes = await Promise.allSettled(['da-duyet', 'tra-lai', 'da-duyet', 'tra-lai', 'da-duyet'].map((state, i) => s.put(review({ period: p, state: state as ReviewRecord['state'], actor: `op${i}` }), undefined)));

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes.filter((x) => x.status === 'rejected')) expect((o as PromiseRejectedResult).reason).toMatchObject({ statusCode: 409, code: 'REVIEW_CONFLICT' });
      const stored = await s.get('sap-xep-bo-may', p, 'SO-NV');
      expect(stored?.actor).toBe(`op${outcomes.findIndex((o) => o.status === 'fulfilled')}`);
    });

    it('moves a review on only from the revision, upload and state it read', async () => {
      const s = store();
      const p = period();
      await s.put(review({ period: p }), undefined);
      const read = (await s.get('sap-xep-bo-may', p, 'SO-NV'))!;

      await s.put(review({ period: p, state: 'cho-duyet', comment: 'Duyệt nhầm.', rev: 2, returns: [{ uploadId: 'mmx0a1b2b-abcdefghij', comment: 'Sửa mã số 07.', at: '2026-03-18T02:00:00.000Z' }] }), read);
      const stale = s.put(review({ period: p, state: 'tra-lai', comment: 'Sửa mã số 07.', rev: 2 }), read);

      await expect(stale).rejects.toMatchObject({ code: 'REVIEW_CONFLICT' });
      expect(await s.get('sap-xep-bo-may', p, 'SO-NV')).toEqual(review({ period: p, state: 'cho-duyet', comment: 'Duyệt nhầm.', rev: 2, returns: [{ uploadId: 'mmx0a1b2b-abcdefghij', comment: 'Sửa mã số 07.', at: '2026-03-18T02:00:00.000Z' }] }));
    });

    it('lists the reviews of one (form, period) only', async () => {
      const s = store();
      const p = period();
      await s.put(review({ period: p, unitCode: 'SO-NV' }), undefined);
      await s.put(review({ period: p, unitCode: 'HU-TH', state: 'tra-lai', comment: 'Thiếu mã số 18.' }), undefined);
      await s.put(review({ period: `${p}x`, unitCode: 'SO-YT' }), undefined);

      const listed = await s.listByFormPeriod('sap-xep-bo-may', p);

      expect(listed.map((r) => [r.unitCode, r.state, r.comment]).sort()).toEqual([['HU-TH', 'tra-lai', 'Thiếu mã số 18.'], ['SO-NV', 'da-duyet', undefined]]);
    });
  });

  describe('locks', () => {
    it('reads a lock and its exceptions together; a lock write expects the revision read', async () => {
      const s = store();
      const p = period();
      expect(await s.getLockState('sap-xep-bo-may', p)).toEqual({ exceptions: [] });

      await s.putLock({ formId: 'sap-xep-bo-may', period: p, locked: true, actor: 'lan', at: '2026-03-20T02:00:00.000Z', rev: 1 }, undefined);
      const twice = s.putLock({ formId: 'sap-xep-bo-may', period: p, locked: true, actor: 'hoa', at: '2026-03-20T02:00:01.000Z', rev: 1 }, undefined);
      await s.putException({ formId: 'sap-xep-bo-may', period: p, unitCode: 'SO-NV', until: '2026-03-25T16:59:00.000Z', reason: 'Bổ sung', actor: 'lan', at: '2026-03-20T03:00:00.000Z' }, undefined);
      const staleException = s.putException({ formId: 'sap-xep-bo-may', period: p, unitCode: 'SO-NV', until: '2026-03-28T16:59:00.000Z', reason: 'Gia hạn', actor: 'hoa', at: '2026-03-20T04:00:00.000Z' }, '2026-03-19T00:00:00.000Z');
      await s.putLock({ formId: 'sap-xep-bo-may', period: p, locked: false, actor: 'admin', at: '2026-03-21T02:00:00.000Z', rev: 2 }, 1);

      await expect(twice).rejects.toMatchObject({ statusCode: 409, code: 'LOCK_CONFLICT' });
      await expect(staleException).rejects.toMatchObject({ code: 'LOCK_CONFLICT' });
      expect(await s.getLockState('sap-xep-bo-may', p)).toEqual({
        lock: { formId: 'sap-xep-bo-may', period: p, locked: false, actor: 'admin', at: '2026-03-21T02:00:00.000Z', rev: 2 },
        exceptions: [{ formId: 'sap-xep-bo-may', period: p, unitCode: 'SO-NV', until: '2026-03-25T16:59:00.000Z', reason: 'Bổ sung', actor: 'lan', at: '2026-03-20T03:00:00.000Z' }],
      });
    });

    it('ends an exception early by writing it again (until = now, who ended it, when, why) on the `at` read; a re-grant drops the end fields', async () => {
      const s = store();
      const p = period();
      const granted = { formId: 'sap-xep-bo-may', period: p, unitCode: 'SO-NV', until: '2026-03-25T16:59:00.000Z', reason: 'Bổ sung', actor: 'lan', at: '2026-03-20T03:00:00.000Z' };
      await s.putException(granted, undefined);
      const ended = { ...granted, until: '2026-03-21T02:00:00.000Z', at: '2026-03-21T02:00:00.000Z', endedAt: '2026-03-21T02:00:00.000Z', endedBy: 'hoa', endReason: 'Đã nộp đủ' };

      await s.putException(ended, granted.at);
      const endedTwice = s.putException({ ...ended, at: '2026-03-21T02:00:05.000Z', endedBy: 'minh' }, granted.at);

      await expect(endedTwice).rejects.toMatchObject({ statusCode: 409, code: 'LOCK_CONFLICT' });
      expect((await s.getLockState('sap-xep-bo-may', p)).exceptions).toEqual([ended]);
      const regranted = { ...granted, until: '2026-03-30T16:59:00.000Z', reason: 'Cấp lại', at: '2026-03-22T02:00:00.000Z' };
      await s.putException(regranted, ended.at);
      expect((await s.getLockState('sap-xep-bo-may', p)).exceptions).toEqual([regranted]);
    });
  });
});
