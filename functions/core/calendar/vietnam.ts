/**
 * The shipped province calendar: Vietnam's public holidays (Bộ luật Lao động 2019, Điều 112) and
 * the days off and compensatory working days (làm bù) announced for cán bộ, công chức, viên chức,
 * 2025–2027. A weekday holiday is listed; a holiday that falls on a Saturday or Sunday is not (it
 * changes no working day), its compensatory day off (nghỉ bù) on the next working day is.
 *
 * 2025 and 2026: as announced (Văn phòng Chính phủ 8726/VPCP-KGVX, 26/11/2024, and the labour /
 * home-affairs ministry's notices for 2025; 12729/VPCP-KGVX, 25/12/2025, for Tết Dương lịch 2026;
 * the 2026 Tết decision: 14/2–22/2/2026). Quốc khánh 2026 lists 1/9 and 2/9 as the seed forms did;
 * check it against the year's announcement.
 *
 * 2027: NOT YET DECIDED when this was written. Only the statutory days are shipped, with the
 * Labour Code's rule that a holiday on a weekly rest day is taken on the next working day; the
 * five Tết days are assumed to be one day before Tết and four after (the usual choice), and the
 * second Quốc khánh day the day after 2/9. Correct them without a deploy once the government
 * announces the year (`npx tonghop calendar add|remove|import`).
 *
 * Lunar dates: Tết Ất Tỵ 29/1/2025, Tết Bính Ngọ 17/2/2026, Tết Đinh Mùi 6/2/2027; Giỗ Tổ Hùng
 * Vương (10/3 âm lịch) 7/4/2025, 26/4/2026 (a Sunday: nghỉ bù Monday 27/4), 16/4/2027.
 */
import type { CalendarDay, ProvinceCalendar } from './calendar';

const holiday = (date: string, name: string): CalendarDay => ({ date, kind: 'holiday', name });
const working = (date: string, name: string): CalendarDay => ({ date, kind: 'working', name });

/** Years whose days off and swaps the government has announced. */
export const DECIDED_YEARS: readonly number[] = [2025, 2026];
/** Years shipped with the statutory days only (swaps not yet announced). */
export const PROVISIONAL_YEARS: readonly number[] = [2027];

export const VIETNAM_CALENDAR_DAYS: readonly CalendarDay[] = [
  // ---- 2025 (đã công bố) ----
  holiday('2025-01-01', 'Tết Dương lịch'),
  // Tết Ất Tỵ: nghỉ từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025, đi làm bù thứ Bảy 08/02/2025.
  holiday('2025-01-27', 'Tết Nguyên đán Ất Tỵ (28 tháng Chạp)'),
  holiday('2025-01-28', 'Tết Nguyên đán Ất Tỵ (29 tháng Chạp)'),
  holiday('2025-01-29', 'Tết Nguyên đán Ất Tỵ (mùng 1)'),
  holiday('2025-01-30', 'Tết Nguyên đán Ất Tỵ (mùng 2)'),
  holiday('2025-01-31', 'Tết Nguyên đán Ất Tỵ (mùng 3)'),
  working('2025-02-08', 'Làm bù ngày nghỉ Tết Nguyên đán Ất Tỵ'),
  holiday('2025-04-07', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
  // 30/4–1/5: nghỉ 5 ngày 30/4–4/5, hoán đổi thứ Sáu 02/5 với thứ Bảy 26/4/2025.
  working('2025-04-26', 'Làm bù ngày 02/5/2025 (hoán đổi dịp 30/4–1/5)'),
  holiday('2025-04-30', 'Ngày Chiến thắng (30/4)'),
  holiday('2025-05-01', 'Ngày Quốc tế Lao động (1/5)'),
  holiday('2025-05-02', 'Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/4/2025)'),
  holiday('2025-09-01', 'Quốc khánh (ngày liền kề)'),
  holiday('2025-09-02', 'Quốc khánh (2/9)'),

  // ---- 2026 (đã công bố) ----
  // Tết Dương lịch: nghỉ 1/1–4/1, hoán đổi thứ Sáu 02/01 với thứ Bảy 10/01/2026.
  holiday('2026-01-01', 'Tết Dương lịch'),
  holiday('2026-01-02', 'Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)'),
  working('2026-01-10', 'Làm bù ngày 02/01/2026 (hoán đổi dịp Tết Dương lịch)'),
  // Tết Bính Ngọ: nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026.
  holiday('2026-02-16', 'Tết Nguyên đán Bính Ngọ (29 tháng Chạp)'),
  holiday('2026-02-17', 'Tết Nguyên đán Bính Ngọ (mùng 1)'),
  holiday('2026-02-18', 'Tết Nguyên đán Bính Ngọ (mùng 2)'),
  holiday('2026-02-19', 'Tết Nguyên đán Bính Ngọ (mùng 3)'),
  holiday('2026-02-20', 'Tết Nguyên đán Bính Ngọ (mùng 4)'),
  holiday('2026-04-27', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật 26/4/2026)'),
  holiday('2026-04-30', 'Ngày Chiến thắng (30/4)'),
  holiday('2026-05-01', 'Ngày Quốc tế Lao động (1/5)'),
  holiday('2026-09-01', 'Quốc khánh (ngày liền kề)'),
  holiday('2026-09-02', 'Quốc khánh (2/9)'),

  // ---- 2027 (dự kiến: chỉ ngày nghỉ theo luật, chưa có quyết định hoán đổi) ----
  holiday('2027-01-01', 'Tết Dương lịch'),
  // Tết Đinh Mùi (mùng 1 = thứ Bảy 06/02/2027): 1 ngày trước Tết, 4 ngày sau; mùng 1 và mùng 2
  // rơi vào thứ Bảy, Chủ nhật nên nghỉ bù thứ Tư 10/02 và thứ Năm 11/02.
  holiday('2027-02-05', 'Tết Nguyên đán Đinh Mùi (ngày cuối năm, dự kiến)'),
  holiday('2027-02-08', 'Tết Nguyên đán Đinh Mùi (mùng 3, dự kiến)'),
  holiday('2027-02-09', 'Tết Nguyên đán Đinh Mùi (mùng 4, dự kiến)'),
  holiday('2027-02-10', 'Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 1 thứ Bảy, dự kiến)'),
  holiday('2027-02-11', 'Nghỉ bù Tết Nguyên đán Đinh Mùi (mùng 2 Chủ nhật, dự kiến)'),
  holiday('2027-04-16', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
  holiday('2027-04-30', 'Ngày Chiến thắng (30/4)'),
  holiday('2027-05-03', 'Nghỉ bù Ngày Quốc tế Lao động (1/5 rơi vào thứ Bảy)'),
  holiday('2027-09-02', 'Quốc khánh (2/9)'),
  holiday('2027-09-03', 'Quốc khánh (ngày liền kề, dự kiến)'),
];

/** The calendar a deployment starts with, used until someone saves their own. */
export const VIETNAM_CALENDAR: ProvinceCalendar = { days: VIETNAM_CALENDAR_DAYS };
