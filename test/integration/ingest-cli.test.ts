/**
 * `tonghop submissions list|show` on a data dir the embedded stack persisted: accepted,
 * refused and dead-lettered uploads are all visible, with versions and errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import { command } from '../../infra/cli/commands/submissions';
import { deadLetterDir } from '../../infra/local/ingest-queue';
import { runCli, seedDataDir, tempDataDir } from '../support/cli';
import { FORM_ID, keyFor, unitOf, uploadFor, workbookFor } from '../unit/ingest/support';

const PERIOD = '2026-Q1';

const run = (args: string[]) => runCli(command, args);

// The project-level testTimeout is not applied by jest 30 (a global option); a loaded 2-core machine needs more than 5 s.
jest.setTimeout(120_000);

describe('tonghop submissions', () => {
  let temp: ReturnType<typeof tempDataDir> | undefined;
  const ids: Record<string, string> = {};
  const deadKey = keyFor('SO-TC', PERIOD, '2026-03-12T01:00:00.000Z').key;

  beforeAll(async () => {
    temp = tempDataDir();
    const dataDir = temp.dir;
    await seedDataDir(dataDir, async (deps) => {
      const unit = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
      await deps.units.putMany([unit, unitOf('SO-TC', 'so-nganh', 'Sở Tài chính')]);
      const good = await workbookFor(unit, PERIOD, { seed: 1 });
      const bad = await workbookFor(unit, PERIOD, { seed: 2, change: (v) => void (v.fields['16.so_nguoi'] = Number(v.fields['16.so_nguoi']) + 1) });
      for (const [name, book, at] of [['v1', good, '2026-03-10T01:00:00.000Z'], ['v2', bad, '2026-03-11T01:00:00.000Z']] as const) {
        const { key, uploadId } = await uploadFor(deps.files, 'SO-YTE', PERIOD, book.bytes, { at });
        await ingestUpload(deps, { bucketKey: key, eventTime: at });
        ids[name] = uploadId;
      }
    });
    mkdirSync(deadLetterDir(dataDir), { recursive: true });
    writeFileSync(
      join(deadLetterDir(dataDir), '2026-03-12T01-00-05-000Z-x.json'),
      JSON.stringify({ failedAt: '2026-03-12T01:00:05.000Z', receives: 3, keys: [deadKey], reason: 'handler threw: DynamoDB unreachable', body: {} }),
    );
  }, 120_000);

  afterAll(() => temp?.remove());

  describe('list', () => {
    it('lists every version with status, and the dead-lettered upload, as JSON', async () => {
      const { code, out } = await run(['list', '--form', FORM_ID, '--period', PERIOD, '--json']);

      expect(code).toBe(0);
      const parsed = JSON.parse(out) as { submissions: Array<Record<string, unknown>>; deadLetters: Array<Record<string, unknown>> };
      expect(parsed.submissions).toEqual([
        expect.objectContaining({ uploadId: ids.v1, unitCode: 'SO-YTE', unitName: 'Sở Y tế', version: 1, status: 'accepted', errors: 0, latest: true }),
        expect.objectContaining({ uploadId: ids.v2, version: 2, status: 'rejected', latest: false, errors: expect.any(Number) }),
      ]);
      expect(parsed.submissions[1]!.errors).toBeGreaterThan(0);
      expect(parsed.deadLetters).toEqual([expect.objectContaining({ keys: [deadKey], receives: 3 })]);
    });

    it('prints a table with Vietnamese statuses and the dead-letter section', async () => {
      const { code, out } = await run(['list', '--form', FORM_ID, '--period', PERIOD]);
      expect(code).toBe(0);
      // Times as everywhere else: dd/mm/yyyy hh:mm, Việt Nam time.
      expect(out).toMatch(/SO-YTE\s+1\s+chấp nhận\s+\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
      expect(out).toMatch(/SO-YTE\s+2\s+từ chối/);
      expect(out).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      expect(out).toContain('Hàng đợi lỗi');
      expect(out).toContain(deadKey);
    });

    it('exits 2 with usage when the period is missing', async () => {
      const { code, err } = await run(['list', '--form', FORM_ID]);
      expect(code).toBe(2);
      expect(err).toContain('--period');
    });
  });

  describe('show', () => {
    it('shows a refused upload with each error and its cell', async () => {
      const { code, out } = await run(['show', ids.v2!]);
      expect(code).toBe(0);
      expect(out).toContain('từ chối (rejected)');
      expect(out).toMatch(/\[[^\]]*[A-Z]+\d+\] .+\(RULE_TONG_TINH_GIAN\)/);
    });

    it('exits 1 for an unknown upload id', async () => {
      const { code, err } = await run(['show', '0000000aa-bbbbbbbbbb']);
      expect(code).toBe(1);
      expect(err).toContain('Không có lần nộp');
    });
  });

  describe('upload', () => {
    it('loads a file on a unit’s behalf through an issued intent, prints the upload id and the status, and audits the operator', async () => {
      const file = join(temp!.dir, 'bao-cao-so-tc.xlsx');
      writeFileSync(file, (await workbookFor(unitOf('SO-TC', 'so-nganh', 'Sở Tài chính'), '2026-Q2', { seed: 5 })).bytes);

      const { code, out, err } = await run(['upload', '--unit', 'SO-TC', '--form', FORM_ID, '--period', '2026-Q2', file, '--json']);

      expect(code).toBe(0);
      const printed = JSON.parse(out) as { uploadId: string; status: string; issuedBy: string; unitCode: string };
      expect(printed).toMatchObject({ unitCode: 'SO-TC', status: 'accepted', issuedBy: `operator-cli:${userInfo().username}` });
      const audit = err.split('\n').find((l) => l.includes('operator upload'));
      expect(JSON.parse(audit!.slice(audit!.indexOf('{')))).toMatchObject({ operator: userInfo().username, unitCode: 'SO-TC', formId: FORM_ID, period: '2026-Q2', uploadId: printed.uploadId });
      const listed = JSON.parse((await run(['list', '--form', FORM_ID, '--period', '2026-Q2', '--json'])).out) as { submissions: Array<Record<string, unknown>> };
      expect(listed.submissions).toEqual([expect.objectContaining({ uploadId: printed.uploadId, unitCode: 'SO-TC', status: 'accepted', latest: true })]);
    });

    it('refuses an unknown unit before storing anything (exit 1)', async () => {
      const file = join(temp!.dir, 'bao-cao-khac.xlsx');
      writeFileSync(file, (await workbookFor(unitOf('SO-YTE', 'so-nganh'), '2026-Q2', { seed: 6 })).bytes);

      const { code, err } = await run(['upload', '--unit', 'SO-KHONG-CO', '--form', FORM_ID, '--period', '2026-Q2', file]);

      expect(code).toBe(1);
      expect(err).toContain('Không có đơn vị báo cáo mã "SO-KHONG-CO"');
    });
  });
});
