/** The province calendar: the shipped days, and deadlines, reminders and consolidation days that follow it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCalendar, weekdayOf } from '../../../functions/core/calendar/check-calendar';
import { VIETNAM_CALENDAR, VIETNAM_CALENDAR_DAYS } from '../../../functions/core/calendar/vietnam';
import { reminderDays } from '../../../functions/core/consolidation/reminders';
import { createFormCatalog } from '../../../functions/core/forms/catalog';
import { writeDefinitionFile } from '../../../functions/core/forms/definition-files';
import { parseFormDefinition, type FormDefinition } from '../../../functions/core/forms/definition';
import { consolidationAt, deadlineFor, openPeriod } from '../../../functions/core/periods';
import { formatViDateTime } from '../../../functions/core/format-vi';

function template(id: string): FormDefinition {
  return parseFormDefinition(JSON.parse(readFileSync(join(__dirname, '../../../templates', `${id}.v1.json`), 'utf8')), `${id}.v1.json`);
}

/** The monthly form with every deadline on `day` of the month (and consolidation later). */
function monthlyDueOn(day: number, extra: Partial<FormDefinition> = {}): FormDefinition {
  const form = template('bien-che-thang');
  return { ...form, deadlines: { default: { day, time: '17:00' }, byUnitType: {} }, consolidation: { ...form.consolidation, day: 25 }, ...extra };
}

const resolved = (form: FormDefinition) => createFormCatalog([form], { calendar: VIETNAM_CALENDAR }).require(form.id);
const bare = (form: FormDefinition) => createFormCatalog([form]).require(form.id);
const shown = (d: Date) => formatViDateTime(d);

describe('shipped calendar (vietnam.ts)', () => {
  describe('its days', () => {
    it('passes its own checks: real dates, no duplicates, names, compensatory working days on Saturdays or Sundays', () => {
      expect(checkCalendar(VIETNAM_CALENDAR_DAYS)).toEqual([]);
    });

    it('lists holidays on weekdays only (a weekend holiday is carried by its nghỉ bù day)', () => {
      const weekend = VIETNAM_CALENDAR_DAYS.filter((d) => d.kind === 'holiday' && [0, 6].includes(weekdayOf(d.date)));
      expect(weekend).toEqual([]);
    });

    it('has Tết on the right lunar new year days and Giỗ Tổ on 10/3 âm lịch (or its nghỉ bù)', () => {
      const names = new Map(VIETNAM_CALENDAR_DAYS.map((d) => [d.date, d.name]));
      expect(names.get('2025-01-29')).toMatch(/Tết Nguyên đán Ất Tỵ \(mùng 1\)/);
      expect(names.get('2026-02-17')).toMatch(/Tết Nguyên đán Bính Ngọ \(mùng 1\)/);
      // Mùng 1 Đinh Mùi is Saturday 06/02/2027: the weekdays around it are off.
      expect(['2027-02-05', '2027-02-08', '2027-02-09'].map((d) => names.get(d))).toEqual([expect.stringMatching(/Đinh Mùi/), expect.stringMatching(/Đinh Mùi/), expect.stringMatching(/Đinh Mùi/)]);
      expect(names.get('2025-04-07')).toMatch(/Giỗ Tổ Hùng Vương/);
      expect(names.get('2026-04-27')).toMatch(/Nghỉ bù Giỗ Tổ Hùng Vương/);
      expect(names.get('2027-04-16')).toMatch(/Giỗ Tổ Hùng Vương/);
      expect(['2025-09-01', '2025-09-02', '2026-09-01', '2026-09-02'].every((d) => names.get(d)?.startsWith('Quốc khánh'))).toBe(true);
    });

    it('lists the announced compensatory working Saturdays of 2025 and 2026', () => {
      expect(VIETNAM_CALENDAR_DAYS.filter((d) => d.kind === 'working').map((d) => d.date)).toEqual(['2025-02-08', '2025-04-26', '2026-01-10']);
    });

    it("holds every 2025–2027 holiday the seed forms list (they listed 2026 only, without the 02/01/2026 swap)", () => {
      const shipped = new Set(VIETNAM_CALENDAR_DAYS.map((d) => d.date));
      for (const id of ['bien-che-thang', 'sap-xep-bo-may']) {
        const listed = template(id).holidays.filter((d) => d >= '2025');
        expect(listed.filter((d) => !shipped.has(d))).toEqual([]);
      }
    });
  });
});

describe('working days with the province calendar', () => {
  describe('deadlines', () => {
    it('moves a deadline that falls in Tết 2027 to the next working day', () => {
      const form = monthlyDueOn(10);
      // 10/02/2027 (Wednesday) is a nghỉ bù day of Tết Đinh Mùi; 11/02 too; Friday 12/02 is the first working day.
      expect(shown(deadlineFor(resolved(form), 'so-nganh', '2027-02'))).toBe('12/02/2027 17:00');
      expect(shown(deadlineFor(bare(form), 'so-nganh', '2027-02'))).toBe('10/02/2027 17:00');
    });

    it('keeps a deadline on a compensatory working Saturday (10/01/2026) instead of moving it to Monday', () => {
      const form = monthlyDueOn(10);
      expect(shown(deadlineFor(resolved(form), 'so-nganh', '2026-01'))).toBe('10/01/2026 17:00');
      expect(shown(deadlineFor(bare(form), 'so-nganh', '2026-01'))).toBe('12/01/2026 17:00');
    });

    it('skips the swapped day off 02/01/2026, which the seed forms did not list', () => {
      const form = monthlyDueOn(2);
      expect(shown(deadlineFor(resolved(form), 'so-nganh', '2026-01'))).toBe('05/01/2026 17:00');
    });

    it('moves the consolidation day too, and the open period follows it', () => {
      const form = { ...monthlyDueOn(3), consolidation: { ...template('bien-che-thang').consolidation, day: 5 } };
      // Deadline Wed 03/02/2027; consolidation configured Fri 05/02 (Tết) → next working day Fri 12/02.
      expect(shown(consolidationAt(resolved(form), '2027-02'))).toBe('12/02/2027 07:30');
      expect(openPeriod(resolved(form), new Date('2027-02-08T03:00:00Z'))).toBe('2027-02');
      expect(openPeriod(bare(form), new Date('2027-02-08T03:00:00Z'))).toBe('2027-03');
    });
  });

  describe('reminders (addWorkingDays)', () => {
    it('counts a compensatory working Saturday: 1 working day before Monday 12/01/2026 is Saturday 10/01', () => {
      const form = monthlyDueOn(12, { reminders: { workingDaysBefore: [3, 1], workingDaysAfter: [1], time: '08:00' } });
      expect(reminderDays(resolved(form), 'so-nganh', '2026-01')).toEqual([
        { date: '2026-01-08', kind: 'before', workingDays: 3 },
        { date: '2026-01-10', kind: 'before', workingDays: 1 },
        { date: '2026-01-13', kind: 'after', workingDays: 1 },
      ]);
      expect(reminderDays(bare(form), 'so-nganh', '2026-01').map((r) => r.date)).toEqual(['2026-01-07', '2026-01-09', '2026-01-13']);
    });

    it('skips Tết 2027: 1 working day after a deadline on Thursday 04/02/2027 is Friday 12/02', () => {
      const form = monthlyDueOn(4);
      expect(reminderDays(resolved(form), 'so-nganh', '2027-02').find((r) => r.kind === 'after')?.date).toBe('2027-02-12');
    });
  });

  describe("a form's own days", () => {
    it('adds its extra holidays and working days to the calendar, and its own day wins on the same date', () => {
      // The form takes Friday 09/01/2026 off, works Saturday 03/01, and does not work the province's làm bù Saturday 10/01.
      const form = monthlyDueOn(3, { holidays: ['2026-01-09', '2026-01-10'], workingDays: ['2026-01-03'] });
      const r = resolved(form);
      expect(shown(deadlineFor(r, 'so-nganh', '2026-01'))).toBe('03/01/2026 17:00');
      expect(r.holidays).toEqual(expect.arrayContaining(['2026-01-01', '2026-01-02', '2026-01-09', '2026-01-10', '2027-02-10']));
      expect(r.workingDays).toEqual(['2025-02-08', '2025-04-26', '2026-01-03']);
      // Due Friday 09/01 (the form's day off) → Saturday 10/01 is not worked for this form either → Monday 12/01.
      expect(shown(deadlineFor(resolved(monthlyDueOn(9, { holidays: ['2026-01-09', '2026-01-10'] })), 'so-nganh', '2026-01'))).toBe('12/01/2026 17:00');
      // Without its own 10/01, the province's làm bù Saturday is the next working day.
      expect(shown(deadlineFor(resolved(monthlyDueOn(9, { holidays: ['2026-01-09'] })), 'so-nganh', '2026-01'))).toBe('10/01/2026 17:00');
    });

    it('leaves the definition it was given as written (export and show read it unresolved)', () => {
      const form = monthlyDueOn(10);
      const before = JSON.stringify(form);
      const catalog = createFormCatalog([form], { calendar: VIETNAM_CALENDAR });
      expect(catalog.require(form.id).holidays.length).toBeGreaterThan(form.holidays.length);
      expect(JSON.stringify(form)).toBe(before);
      expect(form.workingDays).toBeUndefined();
      expect(catalog.calendar).toBe(VIETNAM_CALENDAR);
    });

    it('exports the form a catalog hands out as it was published, without the calendar\'s days', async () => {
      const form = monthlyDueOn(10, { holidays: ['2026-01-09'] });
      const handedOut = createFormCatalog([form], { calendar: VIETNAM_CALENDAR }).require(form.id);
      const exported = JSON.parse((await writeDefinitionFile(handedOut, 'json'))!.toString('utf8')) as FormDefinition;
      expect(exported.holidays).toEqual(['2026-01-09']);
      expect(exported.workingDays).toBeUndefined();
      expect(exported).toEqual(JSON.parse(JSON.stringify(form)));
    });
  });
});

describe("checking a form's own days", () => {
  describe('checkParsedDefinition', () => {
    it('refuses a compensatory working day on a weekday and a date that does not exist, naming each', () => {
      const form = monthlyDueOn(10, { holidays: ['2027-02-30'], workingDays: ['2027-02-20', '2027-02-19'] });
      expect(() => createFormCatalog([form], { calendar: VIETNAM_CALENDAR })).toThrow(/holidays\[0\]: Ngày không có thật[^\n]*\[DEF_DATE_INVALID\]\n.*workingDays\[1\]: Ngày 19\/02\/2027 là thứ Sáu: ngày làm bù phải là thứ Bảy hoặc Chủ nhật\. \[DEF_WORKING_DAY_ON_WEEKDAY\]/s);
    });
  });
});
