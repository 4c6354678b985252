/**
 * `tonghop calendar list|add|remove|import` on a local data dir (embedded DynamoDB): the shipped
 * calendar until a change is saved, Vietnamese refusals, all-or-nothing imports, the audit
 * entries, and deadlines that follow the saved calendar.
 */
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { VIETNAM_CALENDAR_DAYS } from '../../functions/core/calendar/vietnam';
import { formatViDateTime } from '../../functions/core/format-vi';
import { describeAuditChanges, auditChangeText } from '../../functions/core/operators/audit-view';
import { deadlineFor } from '../../functions/core/periods';
import { command as calendar } from '../../infra/cli/commands/calendar';
import { withLocalDeps } from '../../infra/cli/context';
import { silentLog } from '../../infra/local/compose';
import { runCli as run, tempDataDir } from '../support/cli';

jest.setTimeout(180_000);

const actor = `cli:${userInfo().username}`;
type Day = { date: string; kind: string; name: string };

describe('tonghop calendar (local target)', () => {
  let temp: ReturnType<typeof tempDataDir> | undefined;
  beforeAll(() => (temp = tempDataDir()));
  afterAll(() => temp?.remove());

  const listJson = async (year?: string) => JSON.parse((await run(calendar, ['list', '--json', ...(year ? ['--year', year] : [])])).out) as Day[];
  const auditEntries = () => withLocalDeps((deps) => deps.audit.list({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000), limit: 200 }), { log: silentLog });

  it('lists the shipped calendar until something is saved', async () => {
    const listed = await run(calendar, ['list', '--year', '2027']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('05/02/2027  thứ Sáu   nghỉ    Tết Nguyên đán Đinh Mùi (ngày cuối năm, dự kiến)');
    expect(listed.out).toContain('Lịch có sẵn (chưa sửa lần nào)');
    expect(await listJson()).toHaveLength(VIETNAM_CALENDAR_DAYS.length);
  });

  it('adds, warns, refuses in Vietnamese, removes — each change audited — and deadlines follow', async () => {
    const added = await run(calendar, ['add', '2027-03-17', '--kind', 'nghi', '--name', 'Ngày nghỉ của tỉnh']);
    expect(added).toMatchObject({ code: 0, out: 'Đã thêm ngày 17/03/2027 (thứ Tư): nghỉ — Ngày nghỉ của tỉnh\n' });

    const saturday = await run(calendar, ['add', '2027-02-20', '--kind', 'lam-bu', '--name', 'Làm bù ngày 04/02/2027']);
    expect(saturday.code).toBe(0);

    const weekdayWorking = await run(calendar, ['add', '2027-02-12', '--kind', 'lam-bu', '--name', 'Làm bù']);
    expect(weekdayWorking.code).toBe(1);
    expect(weekdayWorking.err).toContain('Ngày 12/02/2027 là thứ Sáu, vốn là ngày làm việc: ngày làm bù phải là thứ Bảy hoặc Chủ nhật.');

    const weekendHoliday = await run(calendar, ['add', '2027-05-01', '--kind', 'nghi', '--name', 'Ngày Quốc tế Lao động (1/5)']);
    expect(weekendHoliday.code).toBe(0);
    expect(weekendHoliday.err).toContain('Cảnh báo: ngày 01/05/2027 là thứ Bảy');

    expect((await run(calendar, ['add', '2027-02-30', '--kind', 'nghi', '--name', 'x'])).code).toBe(2);
    expect((await run(calendar, ['add', '2027-03-01', '--kind', 'holiday', '--name', 'x'])).code).toBe(2);

    expect((await run(calendar, ['remove', '2027-09-03'])).code).toBe(0);
    const again = await run(calendar, ['remove', '2027-09-03']);
    expect(again).toMatchObject({ code: 1, err: expect.stringContaining('Lịch làm việc không có ngày 03/09/2027.') });

    const days = await listJson('2027');
    expect(days).toEqual(expect.arrayContaining([{ date: '2027-03-17', kind: 'holiday', name: 'Ngày nghỉ của tỉnh' }, { date: '2027-02-20', kind: 'working', name: 'Làm bù ngày 04/02/2027' }]));
    expect(days.map((d) => d.date)).not.toContain('2027-09-03');
    expect((await run(calendar, ['list'])).out).toMatch(/Lịch đã lưu, lần sửa thứ 4 lúc .* bởi cli:/);

    // The catalog every command and handler builds reads the saved calendar: the 17/03 deadline moves to Thursday 18/03.
    const deadline = await withLocalDeps(async (deps) => deadlineFor((await deps.catalog).require('bien-che-thang'), 'so-nganh', '2027-03'), { log: silentLog });
    expect(formatViDateTime(deadline)).toBe('18/03/2027 17:00');

    const entries = await auditEntries();
    const add = entries.find((e) => e.action === 'calendar.add' && e.target === '2027-03-17');
    expect(add).toMatchObject({ actor, after: { date: '2027-03-17', kind: 'holiday', name: 'Ngày nghỉ của tỉnh', revision: 1 } });
    expect(describeAuditChanges(add!).map(auditChangeText)).toEqual(expect.arrayContaining(['loại ngày: nghỉ', 'ngày: 17/03/2027']));
    expect(entries.find((e) => e.action === 'calendar.edit' && e.target === '2027-05-01')).toBeUndefined();
    expect(entries.find((e) => e.action === 'calendar.remove')).toMatchObject({ target: '2027-09-03', before: { name: 'Quốc khánh (ngày liền kề, dự kiến)' } });
  });

  it('imports all or nothing: a file with a bad row writes nothing; a good workbook merges', async () => {
    const before = await listJson();
    const bad = join(temp!.dir, 'lich-sai.csv');
    writeFileSync(bad, 'Ngày,Loại,Tên\n2027-09-01,nghỉ,Quốc khánh (ngày liền kề)\n2027-09-04,làm bù,Làm bù\n2027-09-06,làm bù,Làm bù thứ Hai\n');
    const refused = await run(calendar, ['import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Không nhập lịch làm việc: 1 lỗi, chưa ghi gì.');
    expect(refused.err).toContain('Dòng 4: Ngày 06/09/2027 là thứ Hai');
    expect(await listJson()).toEqual(before);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Lịch làm việc');
    ws.addRow(['Ngày', 'Loại', 'Tên']);
    ws.addRow([new Date(Date.UTC(2027, 8, 1)), 'Nghỉ', 'Quốc khánh (ngày liền kề)']);
    ws.addRow(['04/09/2027', 'làm bù', 'Làm bù ngày 03/09/2027']);
    ws.addRow(['2027-02-20', 'làm bù', 'Làm bù ngày 04/02/2027']);
    const good = join(temp!.dir, 'lich.xlsx');
    await wb.xlsx.writeFile(good);
    const imported = await run(calendar, ['import', good, '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ ok: true, added: ['2027-09-01', '2027-09-04'], unchanged: ['2027-02-20'], total: 3 });
    const after = await listJson('2027');
    expect(after.filter((d) => d.date.startsWith('2027-09'))).toEqual([
      { date: '2027-09-01', kind: 'holiday', name: 'Quốc khánh (ngày liền kề)' },
      { date: '2027-09-02', kind: 'holiday', name: 'Quốc khánh (2/9)' },
      { date: '2027-09-04', kind: 'working', name: 'Làm bù ngày 03/09/2027' },
    ]);
    expect((await auditEntries()).find((e) => e.action === 'calendar.import')).toMatchObject({ actor, target: 'calendar', after: { total: 3, added: ['2027-09-01', '2027-09-04'] } });
  });
});
