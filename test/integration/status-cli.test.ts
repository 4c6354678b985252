/**
 * `tonghop status` on a data dir the embedded stack persisted (dynalite, s3rver): uploads made
 * as the portal makes them and ingested for real, then the table and counts an operator reads,
 * the filters, and the JSON the console will serve.
 */
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import type { FormStatus } from '../../functions/core/usecases/form-status';
import { command as status } from '../../infra/cli/commands/status';
import { runCli as run, seedDataDir, tempDataDir } from '../support/cli';
import { FORM_ID, unitOf, uploadFor, workbookFor } from '../unit/ingest/support';

// Deadline of 2019-Q1 for every type: Monday 18/03/2019 17:00 (Asia/Ho_Chi_Minh).
const PERIOD = '2019-Q1';

jest.setTimeout(180_000);

describe('tonghop status', () => {
  let temp: ReturnType<typeof tempDataDir> | undefined;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    temp = tempDataDir();
    await seedDataDir(temp.dir, async (deps) => {
      const yte = unitOf('SO-YTE', 'so-nganh', 'Sở Y tế');
      const tc = unitOf('SO-TC', 'so-nganh', 'Sở Tài chính');
      const da = unitOf('HU-DA', 'huyen', 'Huyện ủy Đông Anh');
      const gone = { ...unitOf('SO-CU', 'so-nganh', 'Sở đã giải thể'), active: false };
      await deps.units.putMany([yte, tc, da, unitOf('BAN-TC', 'ban-dang', 'Ban Tổ chức Tỉnh ủy'), gone]);
      const breakRule = (v: { fields: Record<string, string | number> }) => void (v.fields['16.so_nguoi'] = Number(v.fields['16.so_nguoi']) + 1);
      const uploads = [
        // Sở Y tế: accepted, then a refused re-upload — the accepted version still counts.
        ['yte1', yte, await workbookFor(yte, PERIOD, { seed: 1 }), '2019-03-12T02:00:00.000Z'],
        ['yte2', yte, await workbookFor(yte, PERIOD, { seed: 2, change: breakRule }), '2019-03-13T03:30:00.000Z'],
        // Sở Tài chính: accepted after the deadline.
        ['tc1', tc, await workbookFor(tc, PERIOD, { seed: 3 }), '2019-03-20T01:15:00.000Z'],
        // Huyện ủy Đông Anh: refused only.
        ['da1', da, await workbookFor(da, PERIOD, { seed: 4, change: breakRule }), '2019-03-14T08:00:00.000Z'],
      ] as const;
      for (const [name, unit, book, at] of uploads) {
        const { key, uploadId } = await uploadFor(deps.files, unit.code, PERIOD, book.bytes, { at });
        await ingestUpload(deps, { bucketKey: key, eventTime: at, size: book.bytes.length });
        ids[name] = uploadId;
      }
    });
  });
  afterAll(() => temp?.remove());

  it('prints one row per active unit with deadline, status, versions and last upload, then the counts', async () => {
    const result = await run(status, ['--form', FORM_ID, '--period', PERIOD]);

    expect(result.code).toBe(0);
    expect(result.out).toContain('Tình hình nộp báo cáo: ');
    expect(result.out).toContain('Quý I năm 2019 (2019-Q1)');
    const row = (code: string) => result.out.split('\n').find((l) => l.startsWith(`${code} `));
    expect(row('SO-YTE')).toMatch(/^SO-YTE\s+Sở Y tế\s+so-nganh\s+18\/03\/2019 17:00\s+đã nộp\s+2\s+13\/03\/2019 10:30\s+\d+\s+lần nộp cuối bị từ chối, bản trước vẫn được tính$/);
    expect(row('SO-TC')).toMatch(/^SO-TC\s+Sở Tài chính\s+so-nganh\s+18\/03\/2019 17:00\s+nộp muộn\s+1\s+20\/03\/2019 08:15\s+\d+$/);
    expect(row('HU-DA')).toMatch(/^HU-DA\s+Huyện ủy Đông Anh\s+huyen\s+18\/03\/2019 17:00\s+bị từ chối\s+1\s+14\/03\/2019 15:00\s+quá hạn$/);
    expect(row('BAN-TC')).toMatch(/^BAN-TC\s+Ban Tổ chức Tỉnh ủy\s+ban-dang\s+18\/03\/2019 17:00\s+chưa nộp\s+0\s+quá hạn$/);
    expect(row('SO-CU')).toBeUndefined();
    expect(result.out).toContain('Tổng số 4 đơn vị: 2 đã nộp (1 nộp muộn), 0 đang xử lý, 1 bị từ chối, 1 chưa nộp. 2 đơn vị quá hạn chưa có báo cáo được chấp nhận.');
    expect(result.out).toContain('  Sở, ban, ngành (so-nganh): 2 đơn vị — 2 đã nộp (1 nộp muộn), 0 đang xử lý, 0 bị từ chối, 0 chưa nộp');
    expect(result.out).toContain('  Huyện ủy, thị ủy, thành ủy (huyen): 1 đơn vị — 0 đã nộp, 0 đang xử lý, 1 bị từ chối, 0 chưa nộp');
    expect(result.out).not.toMatch(/2019-03-|T\d\d:\d\d/);
  });

  it('answers the console JSON: form, period, counts and every unit with its versions and upload ids', async () => {
    const result = await run(status, ['--form', FORM_ID, '--period', PERIOD, '--json']);

    expect(result.code).toBe(0);
    const json = JSON.parse(result.out) as FormStatus;
    expect(json).toMatchObject({ formId: FORM_ID, period: PERIOD, counts: { total: 4, byStatus: { 'da-nop': 2, 'dang-xu-ly': 0, 'bi-tu-choi': 1, 'chua-nop': 1 }, late: 1, overdue: 2 } });
    const yte = json.units.find((u) => u.code === 'SO-YTE');
    expect(yte).toMatchObject({
      name: 'Sở Y tế', type: 'so-nganh', deadline: '2019-03-18T10:00:00.000Z', status: 'da-nop', late: false, lastRejected: true, versions: 2,
      lastUploadAt: '2019-03-13T03:30:00.000Z', latestUploadId: ids.yte2, acceptedUploadId: ids.yte1, acceptedVersion: 1,
    });
    expect(json.units.find((u) => u.code === 'SO-TC')).toMatchObject({ status: 'da-nop', late: true, latestUploadId: ids.tc1 });
  });

  it('filters by status, type and an accent-insensitive search, and says how many rows it shows', async () => {
    const late = await run(status, ['--form', FORM_ID, '--period', PERIOD, '--status', 'nop-muon']);
    expect(late.code).toBe(0);
    expect(late.out).toMatch(/^SO-TC\s/m);
    expect(late.out).not.toMatch(/^(SO-YTE|HU-DA|BAN-TC)\s/m);
    expect(late.out).toContain('Hiển thị 1/4 đơn vị theo bộ lọc.');

    const search = await run(status, ['--form', FORM_ID, '--period', PERIOD, '--search', 'dong anh', '--type', 'huyen', '--json']);
    expect((JSON.parse(search.out) as FormStatus).units.map((u) => u.code)).toEqual(['HU-DA']);
  });

  it('exits 1 for an unknown form or filter, 2 without --form', async () => {
    const unknown = await run(status, ['--form', 'khong-co']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Không có biểu mẫu "khong-co"');
    const badStatus = await run(status, ['--form', FORM_ID, '--period', PERIOD, '--status', 'xong']);
    expect(badStatus.code).toBe(1);
    expect(badStatus.err).toContain('Trạng thái không hợp lệ');
    expect((await run(status, [])).code).toBe(2);
  });
});
