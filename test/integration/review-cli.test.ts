/**
 * `tonghop review` and `tonghop periods` on a data dir the embedded stack persisted (dynalite,
 * s3rver): a return emails the unit through the outbox, approvals are checked against the stored
 * state, a lock makes ingest refuse a file issued before it (kept, not counted) while a unit with
 * an exception still reports, and every action is in `tonghop audit list`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import { command as audit } from '../../infra/cli/commands/audit';
import { command as periods } from '../../infra/cli/commands/periods';
import { command as review } from '../../infra/cli/commands/review';
import { runCli as run, seedDataDir, tempDataDir } from '../support/cli';
import { FORM_ID, unitOf, uploadFor, workbookFor } from '../unit/ingest/support';

const PERIOD = '2019-Q1';

jest.setTimeout(240_000);

describe('tonghop review and periods', () => {
  let temp: ReturnType<typeof tempDataDir> | undefined;
  const ids: Record<string, string> = {};
  const yte = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
  const tc = unitOf('SO-TC', 'so-nganh', 'Sở Tài chính');
  const results: Array<{ status: string; codes: string[]; kept: boolean; counted: boolean }> = [];

  /** Uploads a workbook as the portal issues it and ingests it now; resolves to the stored outcome. */
  const ingest = (unit: typeof yte, seed: number) =>
    seedDataDir(temp!.dir, async (deps) => {
      const book = await workbookFor(unit, PERIOD, { seed });
      const at = new Date().toISOString();
      const { key, uploadId } = await uploadFor(deps.files, unit.code, PERIOD, book.bytes, { at });
      const s = await ingestUpload(deps, { bucketKey: key, eventTime: at, size: book.bytes.length });
      const latest = await deps.submissions.listLatestAccepted(FORM_ID, PERIOD);
      ids[`${unit.code}-${seed}`] = uploadId;
      results.push({ status: s.status, codes: s.errors.map((e) => e.code), kept: (await deps.files.head(key)) !== undefined, counted: latest.map((l) => l.uploadId).includes(uploadId) });
    });

  beforeAll(async () => {
    temp = tempDataDir();
    await seedDataDir(temp.dir, async (deps) => {
      await deps.units.putMany([yte, tc]);
    });
    await ingest(yte, 1);
    await ingest(tc, 2);
  });
  afterAll(() => temp?.remove());

  it('returns a report with a comment and emails the unit its link', async () => {
    const result = await run(review, ['return', ids['SO-YTE-1']!, '--comment', 'Đề nghị giải trình mã số 07.']);

    expect(result.code).toBe(0);
    expect(result.out).toContain('chờ duyệt → trả lại');
    expect(result.out).toContain('Đã gửi email trả lại cho đơn vị');
    const outbox = readdirSync(join(temp!.dir, 'outbox'));
    expect(outbox).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(temp!.dir, 'outbox', outbox[0]!)));
    expect(mail.subject).toBe('[Trả lại báo cáo] Sắp xếp tổ chức bộ máy, tinh giản biên chế — Quý I năm 2019 — Sở Y tế');
    expect(mail.text).toContain('Đề nghị giải trình mã số 07.');
    expect(mail.text).toMatch(/http:\/\/localhost:\d+\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
  });

  it('approves once; a second approval is refused (exit 1)', async () => {
    const first = await run(review, ['approve', ids['SO-TC-2']!]);
    const second = await run(review, ['approve', ids['SO-TC-2']!]);
    const listed = await run(review, ['list', '--form', FORM_ID, '--period', PERIOD, '--json']);

    expect(first.code).toBe(0);
    expect(second.code).toBe(1);
    expect(second.err).toContain('Báo cáo này đã được duyệt.');
    expect((JSON.parse(listed.out) as Array<{ unitCode: string; state: string }>).map((r) => [r.unitCode, r.state])).toEqual([['SO-TC', 'da-duyet'], ['SO-YTE', 'tra-lai']]);
  });

  it('after a lock, ingest refuses a file (kept, not counted); the unit with an exception still reports and goes back to chờ duyệt', async () => {
    const until = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect((await run(periods, ['lock', '--form', FORM_ID, '--period', PERIOD, '--reason', 'Đã chốt số liệu'])).code).toBe(0);
    expect((await run(periods, ['exception', '--form', FORM_ID, '--period', PERIOD, '--unit', 'SO-YTE', '--until', until, '--reason', 'Sửa theo ý kiến trả lại'])).code).toBe(0);

    await ingest(tc, 3);
    await ingest(yte, 4);
    const status = await run(periods, ['status', '--form', FORM_ID, '--period', PERIOD]);
    const listed = await run(review, ['list', '--form', FORM_ID, '--period', PERIOD, '--json']);

    expect(results.slice(-2)).toEqual([
      { status: 'rejected', codes: ['PERIOD_LOCKED'], kept: true, counted: false },
      { status: 'accepted', codes: [], kept: true, counted: true },
    ]);
    expect(status.out).toContain('ĐÃ KHÓA');
    expect(status.out).toContain('Ngoại lệ SO-YTE');
    expect((JSON.parse(listed.out) as Array<{ unitCode: string; state: string; uploadId: string }>).find((r) => r.unitCode === 'SO-YTE')).toMatchObject({ state: 'cho-duyet', uploadId: ids['SO-YTE-4'] });
  });

  it('ends the exception early: the unit\'s next file is refused again, status says who ended it and why', async () => {
    const missing = await run(periods, ['end-exception', '--form', FORM_ID, '--period', PERIOD, '--unit', 'SO-YTE']);
    const ended = await run(periods, ['end-exception', '--form', FORM_ID, '--period', PERIOD, '--unit', 'SO-YTE', '--reason', 'Đã sửa xong']);
    const again = await run(periods, ['end-exception', '--form', FORM_ID, '--period', PERIOD, '--unit', 'SO-YTE', '--reason', 'Lần nữa']);

    await ingest(yte, 5);
    const status = await run(periods, ['status', '--form', FORM_ID, '--period', PERIOD]);

    expect(missing.code).toBe(2);
    expect(ended.code).toBe(0);
    expect(ended.out).toContain('Đã kết thúc sớm ngoại lệ của đơn vị SO-YTE');
    expect(again.code).toBe(1);
    expect(again.err).toContain('không có ngoại lệ còn hiệu lực');
    expect(results.at(-1)).toEqual({ status: 'rejected', codes: ['PERIOD_LOCKED'], kept: true, counted: false });
    expect(status.out).toMatch(/Ngoại lệ SO-YTE: \(đã kết thúc sớm lúc \d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4} bởi cli:[^:]+: Đã sửa xong\) — Sửa theo ý kiến trả lại/);
  });

  it('lists every action in the audit log, newest first', async () => {
    const result = await run(audit, ['list', '--json']);

    expect(result.code).toBe(0);
    const actions = (JSON.parse(result.out) as Array<{ action: string; actor: string }>).map((e) => e.action);
    expect(actions).toEqual(['period.exception-end', 'period.exception', 'period.lock', 'review.approve', 'review.return']);
  });
});
