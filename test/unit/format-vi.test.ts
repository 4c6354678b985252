/** Vietnamese date text: one home for dd/mm/yyyy in Asia/Ho_Chi_Minh, used by emails, workbooks, forms, the portal and the CLI. */
import { foldVietnamese, formatLocalDateTime, formatViDate, formatViDateTime } from '../../functions/core/format-vi';
import { formatDateTime, formatDeadline } from '../../functions/portal/html';

describe('format-vi', () => {
  describe('formatViDate', () => {
    it('writes dd/mm/yyyy from a calendar day, an ISO day or an instant (its day in Vietnam)', () => {
      expect(formatViDate({ year: 2026, month: 12, day: 2 })).toBe('02/12/2026');
      expect(formatViDate('2026-12-02')).toBe('02/12/2026');
      expect(formatViDate(new Date('2026-12-01T17:30:00Z'))).toBe('02/12/2026'); // 00:30 on 02/12 in UTC+7
    });

    it('rejects a day that is not yyyy-mm-dd without echoing a long input', () => {
      expect(() => formatViDate(`x${'9'.repeat(500)}`)).toThrow(/^not a yyyy-mm-dd day: .{1,40}$/);
    });
  });

  describe('date and time', () => {
    it('reads the same wall clock in emails and on the portal', () => {
      const instant = new Date('2026-12-17T10:00:00Z');
      expect(formatLocalDateTime(instant)).toBe('17:00 ngày 17/12/2026');
      expect(formatDeadline(instant.toISOString())).toBe('17:00 thứ Năm, 17/12/2026');
      expect(formatDateTime('2026-11-27T07:05:00Z')).toBe('14:05, 27/11/2026');
    });

    it('writes dd/mm/yyyy hh:mm for tables, in Vietnam time', () => {
      expect(formatViDateTime(new Date('2026-12-01T17:30:00Z'))).toBe('02/12/2026 00:30');
    });
  });

  describe('foldVietnamese', () => {
    it('matches names typed without accents or in capitals', () => {
      expect(foldVietnamese('Huyện ủy Đông Anh')).toBe('huyen uy dong anh');
      expect(foldVietnamese('SỞ Y TẾ')).toBe('so y te');
      // Decomposed input (combining marks, as some keyboards send it) folds the same way.
      expect(foldVietnamese('Sở Tài chính'.normalize('NFD'))).toBe('so tai chinh');
    });
  });
});
