/**
 * The review workflow through its use cases, on in-memory ports: Ban Tổ chức approves or returns
 * a unit's latest accepted version (the unit is emailed and its page shows the comment), a new
 * version goes back to "chờ duyệt", two operators acting at once cannot both win, and a locked
 * period refuses uploads and review changes except for a unit with a live exception.
 */
import { AppError } from '../../../functions/core/errors';
import { verifyLinkToken } from '../../../functions/core/links';
import type { Submission } from '../../../functions/core/model';
import { createUpload } from '../../../functions/core/usecases/create-upload';
import { listUnitReports } from '../../../functions/core/usecases/list-unit-reports';
import { operatorUpload } from '../../../functions/core/usecases/operator-upload';
import { endLockException, grantLockException, lockPeriod, unlockPeriod, type Actor } from '../../../functions/core/usecases/period-locks';
import { reviewSubmission, type ReviewSubmissionDeps } from '../../../functions/core/usecases/review-submission';
import { renderUnitPage } from '../../../functions/portal/render-unit-page';
import { periodLockStatus } from '../../../functions/core/review/locks';
import { loadForm } from '../consolidation/fixtures';
import { InMemoryAuditLog, RecordingMailer } from '../../support/in-memory';
import { createWorld, HU_TH, KEY, SO_NV, submission } from '../portal/world';

const OPERATOR: Actor = { id: 'lan@tinhuy.example.vn', role: 'operator' };
const ADMIN: Actor = { id: 'admin@tinhuy.example.vn', role: 'admin' };
const FORM = 'sap-xep-bo-may';
const PERIOD = '2019-Q1';
const COMMENT = 'Đề nghị giải trình mã số 07: số cấp phó tăng so với trước sắp xếp.\n<script>alert(1)</script>';

function setup() {
  const world = createWorld();
  const audit = new InMemoryAuditLog();
  const mailer = new RecordingMailer();
  const deps: ReviewSubmissionDeps & typeof world & { audit: InMemoryAuditLog; mailer: RecordingMailer } = {
    ...world, audit, mailer, portalUrl: world.config.portalUrl, mail: { from: 'Ban Tổ chức Tỉnh ủy <tonghop@tinhuy.example.vn>' },
  };
  /** An accepted version of SO-NV's report, as ingest leaves it (record + latest pointer). */
  const accepted = async (overrides: Partial<Submission> = {}) => {
    const s = submission({ unitCode: 'SO-NV', formId: FORM, period: PERIOD, fileName: 'bao-cao-quy-1.xlsx', ...overrides });
    await world.submissions.createIfAbsent(s);
    await world.submissions.advanceLatestAccepted(s);
    return s;
  };
  return { world, deps, audit, mailer, accepted };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('reviewSubmission', () => {
  describe('returning a report', () => {
    it('emails the unit the comment, the report and version, its own upload link (valid at least 7 days) and the deadline', async () => {
      const { deps, mailer, accepted } = setup();
      const v1 = await accepted({ receivedAt: '2019-02-25T02:00:00.000Z' });

      const result = await reviewSubmission(deps, { uploadId: v1.uploadId, action: 'return', comment: COMMENT, actor: OPERATOR });

      expect(result).toMatchObject({ before: 'cho-duyet', after: 'tra-lai', email: 'sent', version: 1 });
      expect(mailer.sent).toHaveLength(1);
      const mail = mailer.sent[0]!;
      expect(mail.to).toEqual(SO_NV.emails);
      expect(mail.subject).toBe('[Trả lại báo cáo] Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — Sở Nội vụ');
      expect(mail.text).toContain('Đề nghị giải trình mã số 07: số cấp phó tăng so với trước sắp xếp.');
      expect(mail.text).toContain('lần nộp thứ 1, tệp "bao-cao-quy-1.xlsx"');
      expect(mail.text).toContain('nộp lại trước hạn nộp 17:00 ngày 18/03/2019'); // 17/3/2019 is a Sunday
      expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.html).not.toContain('<script>');
      const token = /\/u\/([A-Za-z0-9_.-]+)/.exec(mail.text)![1]!;
      const claims = verifyLinkToken({ current: KEY }, token, deps.clock.now());
      expect(claims.u).toBe('SO-NV');
      expect(claims.exp * 1000 - deps.clock.now().getTime()).toBeGreaterThanOrEqual(7 * 86_400_000);
    });

    it('shows "trả lại" with the comment on the unit\'s report card and history row, the comment escaped', async () => {
      const { world, deps, accepted } = setup();
      const v1 = await accepted();
      await reviewSubmission(deps, { uploadId: v1.uploadId, action: 'return', comment: COMMENT, actor: OPERATOR });

      const { reports, history } = await listUnitReports(world, SO_NV);
      const page = renderUnitPage({ unit: SO_NV, token: 't', reports, history, maxUploadBytes: 5 * 1024 * 1024, linkExpiresAt: new Date('2019-04-01T00:00:00Z') });

      const report = reports.find((r) => r.formId === FORM && r.period === PERIOD)!;
      expect(report).toMatchObject({ status: 'returned', review: { state: 'tra-lai', comment: COMMENT } });
      expect(history.find((h) => h.uploadId === v1.uploadId)?.review).toMatchObject({ state: 'tra-lai', comment: COMMENT });
      expect(page).toContain('<span class="badge badge-returned">trả lại</span>');
      expect(page).toContain('Ban Tổ chức Tỉnh ủy trả lại báo cáo (lần nộp thứ 1) để đơn vị chỉnh sửa');
      expect(page).toContain('Đề nghị giải trình mã số 07');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).not.toContain('<script>alert(1)');
    });

    it('refuses a return without a comment, or with one over 2,000 characters or with control characters, never echoing it', async () => {
      const { deps, accepted, mailer } = setup();
      const v1 = await accepted();

      const missing = await refusal(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'return', comment: '   ', actor: OPERATOR }));
      const long = await refusal(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'return', comment: 'x'.repeat(2001), actor: OPERATOR }));
      const control = await refusal(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'return', comment: 'sửa\u0007lại\u202e', actor: OPERATOR }));

      expect([missing.code, long.code, control.code]).toEqual(['REVIEW_COMMENT_REQUIRED', 'REVIEW_COMMENT_INVALID', 'REVIEW_COMMENT_INVALID']);
      expect(long.message).toContain('tối đa 2.000 ký tự');
      expect(control.message).not.toContain('sửa');
      expect(mailer.sent).toEqual([]);
    });
  });

  describe('a new version', () => {
    it('goes back to "chờ duyệt" after a return, and only the latest accepted version can be reviewed', async () => {
      const { world, deps, accepted } = setup();
      const v1 = await accepted({ receivedAt: '2019-02-25T02:00:00.000Z' });
      await reviewSubmission(deps, { uploadId: v1.uploadId, action: 'return', comment: 'Sửa mã số 07.', actor: OPERATOR });
      const v2 = await accepted({ receivedAt: '2019-02-27T02:00:00.000Z' });

      const report = (await listUnitReports(world, SO_NV)).reports.find((r) => r.period === PERIOD)!;
      const stale = await refusal(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'approve', actor: OPERATOR }));
      const approved = await reviewSubmission(deps, { uploadId: v2.uploadId, action: 'approve', actor: OPERATOR });

      expect(report.status).toBe('accepted');
      expect(report.review).toBeUndefined();
      expect(stale).toMatchObject({ statusCode: 409, code: 'REVIEW_NOT_LATEST' });
      expect(approved).toMatchObject({ before: 'cho-duyet', after: 'da-duyet', version: 2 });
      const { history } = await listUnitReports(world, SO_NV);
      expect(history.map((h) => [h.version, h.review?.state, h.review?.comment])).toEqual([[2, 'da-duyet', undefined], [1, 'tra-lai', 'Sửa mã số 07.']]);
    });
  });

  describe('approving', () => {
    it('approves, audits before → after, and withdrawing needs a reason', async () => {
      const { deps, audit, accepted, mailer } = setup();
      const v1 = await accepted();

      await reviewSubmission(deps, { uploadId: v1.uploadId, action: 'approve', actor: OPERATOR });
      const again = await refusal(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'approve', actor: OPERATOR }));
      const noReason = await refusal(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'withdraw', actor: OPERATOR }));
      const withdrawn = await reviewSubmission(deps, { uploadId: v1.uploadId, action: 'withdraw', comment: 'Duyệt nhầm đơn vị.', actor: OPERATOR });

      expect(again.code).toBe('REVIEW_STATE_INVALID');
      expect(noReason.code).toBe('REVIEW_COMMENT_REQUIRED');
      expect(withdrawn).toMatchObject({ before: 'da-duyet', after: 'cho-duyet' });
      expect(audit.entries.map((e) => [e.action, e.actor, e.target, e.before?.state, e.after?.state])).toEqual([
        ['review.approve', OPERATOR.id, v1.uploadId, 'cho-duyet', 'da-duyet'],
        ['review.withdraw', OPERATOR.id, v1.uploadId, 'da-duyet', 'cho-duyet'],
      ]);
      expect(mailer.sent).toEqual([]);
    });

    it('refuses a viewer', async () => {
      const { deps, accepted } = setup();
      const v1 = await accepted();
      const err = await refusal(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'approve', actor: { id: 'lanhdao@tinhuy.example.vn', role: 'viewer' } }));
      expect(err).toMatchObject({ statusCode: 403, code: 'OPERATOR_REQUIRED' });
    });
  });

  describe('two operators at once', () => {
    it('lets one win; the other is told REVIEW_CONFLICT in Vietnamese', async () => {
      const { deps, audit, accepted } = setup();
      const v1 = await accepted();

      const outcomes = await Promise.allSettled([
        reviewSubmission(deps, { uploadId: v1.uploadId, action: 'approve', actor: OPERATOR }),
        reviewSubmission(deps, { uploadId: v1.uploadId, action: 'return', comment: 'Sửa mã số 07.', actor: { id: 'hoa@tinhuy.example.vn', role: 'operator' } }),
      ]);

      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ statusCode: 409, code: 'REVIEW_CONFLICT', message: expect.stringContaining('vừa được một cán bộ khác') });
      expect(audit.entries).toHaveLength(1);
    });
  });
});

describe('period locks', () => {
  const upload = (world: ReturnType<typeof createWorld>, unit = SO_NV) =>
    createUpload(world, { formId: FORM, period: PERIOD, fileName: 'bao-cao.xlsx', size: 40_000, unit, linkId: 'link-1' });

  it('refuses a new upload with 409 PERIOD_LOCKED naming the lock date and Ban Tổ chức Tỉnh ủy', async () => {
    const { world, deps } = setup();
    await lockPeriod(deps, { formId: FORM, period: PERIOD, actor: OPERATOR });

    const err = await refusal(upload(world));

    expect(err).toMatchObject({ statusCode: 409, code: 'PERIOD_LOCKED' });
    expect(err.message).toBe('Kỳ báo cáo quý I năm 2019 của biểu mẫu "Sắp xếp tổ chức bộ máy, tinh giản biên chế" đã khóa từ 10:00 ngày 01/03/2019: hệ thống không nhận thêm bản nộp. Nếu đơn vị cần nộp bổ sung hoặc sửa số liệu, vui lòng liên hệ Ban Tổ chức Tỉnh ủy để được mở kỳ cho đơn vị.');
    expect(world.files.objects.size).toBe(0);
  });

  it('lets the unit with an exception alone upload, until its date', async () => {
    const { world, deps } = setup();
    await lockPeriod(deps, { formId: FORM, period: PERIOD, actor: OPERATOR });
    await grantLockException(deps, { formId: FORM, period: PERIOD, unitCode: 'SO-NV', until: '2019-03-05', reason: 'Bổ sung số liệu mã số 09', actor: OPERATOR });

    await expect(upload(world, SO_NV)).resolves.toMatchObject({ uploadId: expect.any(String) });
    expect((await refusal(upload(world, HU_TH))).code).toBe('PERIOD_LOCKED');
    world.clock.set('2019-03-05T17:00:00Z'); // past 23:59 on 5/3 in Hà Nội
    expect((await refusal(upload(world, SO_NV))).code).toBe('PERIOD_LOCKED');
  });

  it('refuses review changes while locked, except for a unit with a live exception', async () => {
    const { deps, accepted } = setup();
    const v1 = await accepted();
    await lockPeriod(deps, { formId: FORM, period: PERIOD, actor: OPERATOR });

    const err = await refusal(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'approve', actor: OPERATOR }));
    await grantLockException(deps, { formId: FORM, period: PERIOD, unitCode: 'SO-NV', until: '2019-03-10', reason: 'Duyệt lại', actor: OPERATOR });

    expect(err).toMatchObject({ statusCode: 409, code: 'PERIOD_LOCKED' });
    await expect(reviewSubmission(deps, { uploadId: v1.uploadId, action: 'approve', actor: OPERATOR })).resolves.toMatchObject({ after: 'da-duyet' });
  });

  it('needs an admin to unlock; each change is audited', async () => {
    const { world, deps, audit } = setup();
    await lockPeriod(deps, { formId: FORM, period: PERIOD, actor: OPERATOR });

    const err = await refusal(unlockPeriod(deps, { formId: FORM, period: PERIOD, actor: OPERATOR }));
    await unlockPeriod(deps, { formId: FORM, period: PERIOD, reason: 'Mở lại để sửa số liệu', actor: ADMIN });

    expect(err).toMatchObject({ statusCode: 403, code: 'ADMIN_REQUIRED' });
    await expect(upload(world)).resolves.toMatchObject({ uploadId: expect.any(String) });
    expect(audit.entries.map((e) => [e.action, e.actor, e.target, e.before?.locked, e.after?.locked])).toEqual([
      ['period.lock', OPERATOR.id, `${FORM}/${PERIOD}`, false, true],
      ['period.unlock', ADMIN.id, `${FORM}/${PERIOD}`, true, false],
    ]);
  });

  it('refuses an operator\'s upload on a unit\'s behalf (tonghop submissions upload) too, before storing anything', async () => {
    const { world, deps } = setup();
    await lockPeriod(deps, { formId: FORM, period: PERIOD, actor: OPERATOR });

    const err = await refusal(operatorUpload(world, { unitCode: 'SO-NV', formId: FORM, period: PERIOD, fileName: 'bao-cao.xlsx', bytes: Buffer.from('x'), operator: 'lan' }));

    expect(err).toMatchObject({ statusCode: 409, code: 'PERIOD_LOCKED' });
    expect(world.files.objects.size).toBe(0);
  });

  it('requires a reason and a future date for an exception', async () => {
    const { deps } = setup();
    const base = { formId: FORM, period: PERIOD, unitCode: 'SO-NV', actor: OPERATOR };
    expect((await refusal(grantLockException(deps, { ...base, until: '2019-03-05', reason: ' ' }))).code).toBe('REASON_REQUIRED');
    expect((await refusal(grantLockException(deps, { ...base, until: '2019-02-28', reason: 'x' }))).code).toBe('UNTIL_INVALID');
    expect((await refusal(grantLockException(deps, { ...base, until: '2019-02-30', reason: 'x' }))).code).toBe('UNTIL_INVALID');
    expect((await refusal(grantLockException(deps, { ...base, unitCode: 'KHONG-CO', until: '2019-03-05', reason: 'x' }))).code).toBe('UNIT_NOT_FOUND');
  });

  describe('ending an exception early', () => {
    const VIEWER: Actor = { id: 'xem@tinhuy.example.vn', role: 'viewer' };
    const granted = async (deps: ReturnType<typeof setup>['deps']) => {
      await lockPeriod(deps, { formId: FORM, period: PERIOD, actor: OPERATOR });
      await grantLockException(deps, { formId: FORM, period: PERIOD, unitCode: 'SO-NV', until: '2019-03-10', reason: 'Bổ sung số liệu mã số 09', actor: OPERATOR });
    };

    it('refuses the unit\'s upload again (PERIOD_LOCKED) and keeps who ended it, when and why; audited before → after', async () => {
      const { world, deps, audit } = setup();
      await granted(deps);
      await expect(upload(world, SO_NV)).resolves.toMatchObject({ uploadId: expect.any(String) });
      world.clock.set('2019-03-02T03:00:00Z');

      const ended = await endLockException(deps, { formId: FORM, period: PERIOD, unitCode: 'SO-NV', reason: 'Đơn vị đã nộp đủ', actor: ADMIN });

      expect((await refusal(upload(world, SO_NV))).code).toBe('PERIOD_LOCKED');
      expect(ended).toMatchObject({ until: '2019-03-02T03:00:00.000Z', endedAt: '2019-03-02T03:00:00.000Z', endedBy: ADMIN.id, endReason: 'Đơn vị đã nộp đủ', reason: 'Bổ sung số liệu mã số 09', actor: OPERATOR.id });
      expect((await world.locks.getLockState(FORM, PERIOD)).exceptions).toEqual([ended]);
      expect(audit.entries.at(-1)).toMatchObject({
        action: 'period.exception-end', actor: ADMIN.id, target: `${FORM}/${PERIOD}/SO-NV`, at: '2019-03-02T03:00:00.000Z',
        before: { until: '2019-03-10T16:59:00.000Z', reason: 'Bổ sung số liệu mã số 09' },
        after: { until: '2019-03-02T03:00:00.000Z', reason: 'Bổ sung số liệu mã số 09', endReason: 'Đơn vị đã nộp đủ' },
      });
    });

    it('answers 409 EXCEPTION_NOT_ACTIVE in Vietnamese when there is no live exception (none, expired, already ended)', async () => {
      const { world, deps, audit } = setup();
      const end = () => endLockException(deps, { formId: FORM, period: PERIOD, unitCode: 'SO-NV', reason: 'Kết thúc', actor: OPERATOR });
      expect(await refusal(end())).toMatchObject({ statusCode: 409, code: 'EXCEPTION_NOT_ACTIVE', message: expect.stringContaining('không có ngoại lệ còn hiệu lực') });
      await granted(deps);
      await end();
      expect((await refusal(end())).code).toBe('EXCEPTION_NOT_ACTIVE');
      await grantLockException(deps, { formId: FORM, period: PERIOD, unitCode: 'HU-TH', until: '2019-03-05', reason: 'x', actor: OPERATOR });
      world.clock.set('2019-03-06T00:00:00Z');
      expect((await refusal(endLockException(deps, { formId: FORM, period: PERIOD, unitCode: 'HU-TH', reason: 'Kết thúc', actor: OPERATOR }))).code).toBe('EXCEPTION_NOT_ACTIVE');
      expect(audit.entries.filter((e) => e.action === 'period.exception-end')).toHaveLength(1);
    });

    it('refuses a viewer, and requires a bounded reason', async () => {
      const { deps } = setup();
      await granted(deps);
      const base = { formId: FORM, period: PERIOD, unitCode: 'SO-NV' };
      expect(await refusal(endLockException(deps, { ...base, reason: 'x', actor: VIEWER }))).toMatchObject({ statusCode: 403, code: 'OPERATOR_REQUIRED' });
      expect((await refusal(endLockException(deps, { ...base, reason: '  ', actor: OPERATOR }))).code).toBe('REASON_REQUIRED');
      expect((await refusal(endLockException(deps, { ...base, reason: 'x'.repeat(501), actor: OPERATOR }))).code).toBe('REASON_INVALID');
      const [x] = (await deps.locks.getLockState(FORM, PERIOD)).exceptions;
      expect(x!.endedAt).toBeUndefined();
    });

    it('loses to a change made between its read and its write (LOCK_CONFLICT), writing nothing', async () => {
      const { world, deps, audit } = setup();
      await granted(deps);
      world.clock.set('2019-03-02T03:00:00Z');
      const locks = world.locks;
      // Another operator grants SO-NV again right after this end read the state.
      const racing = {
        ...deps,
        locks: Object.assign(Object.create(locks) as typeof locks, {
          getLockState: async (f: string, p: string) => {
            const state = await locks.getLockState(f, p);
            await grantLockException({ ...deps, clock: { now: () => new Date('2019-03-02T02:59:00Z') } }, { formId: FORM, period: PERIOD, unitCode: 'SO-NV', until: '2019-03-20', reason: 'Gia hạn', actor: ADMIN });
            return state;
          },
        }),
      };

      const err = await refusal(endLockException(racing, { formId: FORM, period: PERIOD, unitCode: 'SO-NV', reason: 'Kết thúc', actor: OPERATOR }));

      expect(err).toMatchObject({ statusCode: 409, code: 'LOCK_CONFLICT' });
      expect((await locks.getLockState(FORM, PERIOD)).exceptions[0]).toMatchObject({ reason: 'Gia hạn', until: '2019-03-20T16:59:00.000Z' });
      expect(audit.entries.map((e) => e.action)).not.toContain('period.exception-end');
      await expect(upload(world, SO_NV)).resolves.toMatchObject({ uploadId: expect.any(String) });
    });
  });

  it('locks by itself autoLockDays after the consolidation when the form says so, until an admin unlocks it', () => {
    const form = loadForm(FORM);
    form.consolidation.autoLockDays = 2; // 2019-Q1 is consolidated at 07:30 on 19/03/2019 (Hà Nội): the working day after the deadlines
    const unlocked = { formId: FORM, period: PERIOD, locked: false, actor: ADMIN.id, at: '2019-03-22T00:00:00.000Z', rev: 1 };

    expect(periodLockStatus(form, PERIOD, { exceptions: [] }, new Date('2019-03-21T00:29:00Z')).locked).toBe(false);
    expect(periodLockStatus(form, PERIOD, { exceptions: [] }, new Date('2019-03-21T00:30:00Z'))).toEqual({ locked: true, since: new Date('2019-03-21T00:30:00Z'), source: 'auto' });
    expect(periodLockStatus(form, PERIOD, { lock: unlocked, exceptions: [] }, new Date('2019-04-01T00:00:00Z')).locked).toBe(false);
    expect(periodLockStatus(loadForm(FORM), PERIOD, { exceptions: [] }, new Date('2030-01-01T00:00:00Z')).locked).toBe(false); // no autoLockDays: only by hand
  });
});
