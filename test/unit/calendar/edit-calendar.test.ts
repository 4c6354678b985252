/** Editing the province calendar through its port (an in-memory store), and reading import files. */
import ExcelJS from 'exceljs';
import type { CalendarDay } from '../../../functions/core/calendar/calendar';
import type { CalendarStore, SavedCalendar } from '../../../functions/core/calendar/calendar-store';
import { addCalendarDay, currentCalendar, importCalendarDays, loadCalendar, removeCalendarDay } from '../../../functions/core/calendar/edit-calendar';
import { parseCalendarFile } from '../../../functions/core/calendar/parse-calendar-file';
import { VIETNAM_CALENDAR_DAYS } from '../../../functions/core/calendar/vietnam';
import { ConflictError } from '../../../functions/core/errors';

/** A store that behaves like the DynamoDB one: conditional on the revision. */
function memoryStore(): CalendarStore & { saved?: SavedCalendar; saves: number } {
  const store: CalendarStore & { saved?: SavedCalendar; saves: number } = {
    saves: 0,
    async get() {
      return store.saved && { ...store.saved, days: [...store.saved.days] };
    },
    async save(days: readonly CalendarDay[], expected: number, by: { at: string; actor: string }) {
      if ((store.saved?.revision ?? 0) !== expected) throw new ConflictError('CALENDAR_CHANGED', 'changed');
      store.saves += 1;
      store.saved = { days: [...days], revision: expected + 1, updatedAt: by.at, updatedBy: by.actor };
      return store.saved;
    },
  };
  return store;
}

const clock = { now: () => new Date('2026-12-02T01:00:00Z') };

describe('editing the province calendar', () => {
  describe('reading', () => {
    it('answers the shipped calendar while nothing is saved, then the saved one', async () => {
      const store = memoryStore();
      expect(await currentCalendar(store)).toMatchObject({ source: 'shipped', revision: 0 });
      expect((await loadCalendar(store)).days).toHaveLength(VIETNAM_CALENDAR_DAYS.length);
      await removeCalendarDay({ calendar: store, clock }, { date: '2027-09-03', actor: 'cli:lan' });
      const saved = await currentCalendar(store);
      expect(saved).toMatchObject({ source: 'saved', revision: 1, updatedBy: 'cli:lan', updatedAt: '2026-12-02T01:00:00.000Z' });
      expect(saved.days.map((d) => d.date)).not.toContain('2027-09-03');
      expect(saved.days).toHaveLength(VIETNAM_CALENDAR_DAYS.length - 1);
    });
  });

  describe('add and remove', () => {
    it('adds a compensatory working Saturday on top of the shipped days, and replaces a day on the same date', async () => {
      const store = memoryStore();
      const deps = { calendar: store, clock };
      const first = await addCalendarDay(deps, { date: '2027-02-20', kind: 'working', name: 'Làm bù ngày 04/02/2027', actor: 'cli:lan' });
      expect(first).toMatchObject({ before: undefined, revision: 1, warnings: [] });
      const second = await addCalendarDay(deps, { date: '2027-09-03', kind: 'holiday', name: 'Quốc khánh (ngày liền kề)', actor: 'cli:lan' });
      expect(second.before?.name).toBe('Quốc khánh (ngày liền kề, dự kiến)');
      const days = (await currentCalendar(store)).days;
      expect(days).toHaveLength(VIETNAM_CALENDAR_DAYS.length + 1);
      expect(days.find((d) => d.date === '2027-09-03')?.name).toBe('Quốc khánh (ngày liền kề)');
    });

    it('refuses a working day on a weekday, in Vietnamese, and saves nothing', async () => {
      expect.assertions(2);
      const store = memoryStore();
      await expect(addCalendarDay({ calendar: store, clock }, { date: '2027-02-12', kind: 'working', name: 'Làm bù', actor: 'cli:lan' })).rejects.toMatchObject({
        code: 'CALENDAR_INVALID',
        message: expect.stringContaining('Ngày 12/02/2027 là thứ Sáu, vốn là ngày làm việc: ngày làm bù phải là thứ Bảy hoặc Chủ nhật.'),
      });
      expect(store.saves).toBe(0);
    });

    it('keeps a holiday on a weekend but warns that it changes nothing without its nghỉ bù day', async () => {
      const result = await addCalendarDay({ calendar: memoryStore(), clock }, { date: '2027-05-01', kind: 'holiday', name: 'Ngày Quốc tế Lao động', actor: 'cli:lan' });
      expect(result.warnings).toEqual([expect.stringContaining('ngày 01/05/2027 là thứ Bảy, vốn đã là ngày nghỉ')]);
    });

    it('refuses a name over 200 characters and removing a day that is not there', async () => {
      expect.assertions(2);
      const deps = { calendar: memoryStore(), clock };
      await expect(addCalendarDay(deps, { date: '2027-03-08', kind: 'holiday', name: 'x'.repeat(201), actor: 'cli:lan' })).rejects.toMatchObject({ message: expect.stringContaining('tên dài 201 ký tự, tối đa 200') });
      await expect(removeCalendarDay(deps, { date: '2027-03-08', actor: 'cli:lan' })).rejects.toMatchObject({ code: 'CALENDAR_DAY_NOT_FOUND', message: 'Lịch làm việc không có ngày 08/03/2027.' });
    });

    it('refuses a save over a revision someone else saved meanwhile', async () => {
      expect.assertions(1);
      const store = memoryStore();
      const stale = { ...store, get: async () => undefined };
      await addCalendarDay({ calendar: store, clock }, { date: '2027-02-20', kind: 'working', name: 'Làm bù', actor: 'a' });
      await expect(addCalendarDay({ calendar: stale, clock }, { date: '2027-02-27', kind: 'working', name: 'Làm bù', actor: 'b' })).rejects.toMatchObject({ code: 'CALENDAR_CHANGED' });
    });
  });

  describe('import', () => {
    it('merges the file into the calendar, or replaces it with --replace', async () => {
      const store = memoryStore();
      const days: CalendarDay[] = [
        { date: '2027-02-05', kind: 'holiday', name: 'Tết Nguyên đán Đinh Mùi (ngày cuối năm, dự kiến)' },
        { date: '2027-02-20', kind: 'working', name: 'Làm bù' },
      ];
      const merged = await importCalendarDays({ calendar: store, clock }, { days, replace: false, actor: 'cli:lan' });
      expect(merged).toMatchObject({ added: ['2027-02-20'], unchanged: ['2027-02-05'], replaced: [], removed: [], revision: 1 });
      const replaced = await importCalendarDays({ calendar: store, clock }, { days, replace: true, actor: 'cli:lan' });
      expect(replaced.removed).toHaveLength(VIETNAM_CALENDAR_DAYS.length - 1);
      expect((await currentCalendar(store)).days.map((d) => d.date)).toEqual(['2027-02-05', '2027-02-20']);
    });
  });
});

describe('parseCalendarFile', () => {
  describe('csv', () => {
    it('reads Ngày, Loại, Tên in any order and spelling, dd/mm/yyyy or yyyy-mm-dd', async () => {
      const csv = '\ufeffTên;Ngày;Loại\nTết Dương lịch;01/01/2027;Nghỉ\n"Làm bù; thứ Bảy";2027-02-20;làm bù\n;;\n';
      expect(await parseCalendarFile(Buffer.from(csv), 'lich.csv')).toEqual({
        days: [
          { date: '2027-01-01', kind: 'holiday', name: 'Tết Dương lịch' },
          { date: '2027-02-20', kind: 'working', name: 'Làm bù; thứ Bảy' },
        ],
        issues: [],
      });
    });

    it('lists every bad row with its number, in Vietnamese', async () => {
      const csv = 'Ngày,Loại,Tên\n2027-02-30,nghỉ,Sai ngày\n2027-02-12,làm bù,Thứ Sáu\n2027-01-01,lễ,X\n2027-04-16,nghỉ,Giỗ Tổ\n16/04/2027,nghỉ,Giỗ Tổ lần hai\n2027-04-30,nghỉ,\n';
      const { issues } = await parseCalendarFile(Buffer.from(csv), 'lich.csv');
      expect(issues.map((i) => [i.row, i.code])).toEqual([
        [2, 'CALENDAR_DATE_INVALID'],
        [3, 'CALENDAR_WORKING_ON_WEEKDAY'],
        [4, 'CALENDAR_KIND_INVALID'],
        [6, 'CALENDAR_DUPLICATE_DATE'],
        [7, 'CALENDAR_NAME_MISSING'],
      ]);
      expect(issues[4]!.message).toContain('thiếu tên ngày');
    });

    it('refuses a file without the three columns, and other file types', async () => {
      expect((await parseCalendarFile(Buffer.from('Ngày,Tên\n'), 'a.csv')).issues).toEqual([expect.objectContaining({ code: 'CALENDAR_COLUMNS_MISSING', message: 'Thiếu cột Loại ở dòng tiêu đề (cần: Ngày, Loại, Tên).' })]);
      expect((await parseCalendarFile(Buffer.from('x'), 'a.txt')).issues[0]?.code).toBe('CALENDAR_FILE_TYPE');
    });
  });

  describe('xlsx', () => {
    it('reads date cells and text cells', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Lịch');
      ws.addRow(['Ngày', 'Loại', 'Tên']);
      ws.addRow([new Date(Date.UTC(2027, 1, 20)), 'làm bù', 'Làm bù Tết']);
      ws.addRow(['03/09/2027', 'nghỉ', 'Quốc khánh']);
      const bytes = Buffer.from(await wb.xlsx.writeBuffer());
      expect((await parseCalendarFile(bytes, 'lich.xlsx')).days).toEqual([
        { date: '2027-02-20', kind: 'working', name: 'Làm bù Tết' },
        { date: '2027-09-03', kind: 'holiday', name: 'Quốc khánh' },
      ]);
    });

    it('refuses a broken workbook without reading it', async () => {
      const { issues } = await parseCalendarFile(Buffer.from('PK\u0003\u0004 not really a zip'), 'lich.xlsx');
      expect(issues).toEqual([expect.objectContaining({ code: 'CALENDAR_FILE_UNREADABLE' })]);
    });
  });
});
