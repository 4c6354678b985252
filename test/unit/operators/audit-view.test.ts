/**
 * Reading the audit log for people (functions/core/operators/audit-view.ts): the default range in
 * Hà Nội days, and details as a reader sees them.
 */
import { auditActionLabel, auditActionText, auditChangeText, describeAuditChanges, formatAuditValue, parseAuditFilters } from '../../../functions/core/operators/audit-view';

const none = () => null;

describe('parseAuditFilters', () => {
  it('defaults to the last 7 days up to today in Hà Nội, even just after midnight there (still the previous day in UTC)', () => {
    // 17:30 UTC on 18 March is 00:30 on 19 March in Hà Nội.
    expect(parseAuditFilters(none, new Date('2026-03-18T17:30:00Z'))).toEqual({ from: '2026-03-13', to: '2026-03-19', page: 1 });
  });

  it('keeps 7 days before a chosen end day, and trims the texts', () => {
    const q = { to: '2026-03-01', actor: '  quantri@x.vn ', target: ' SO-NV ' } as Record<string, string>;
    expect(parseAuditFilters((n) => q[n] ?? null, new Date('2026-03-18T00:00:00Z'))).toEqual({ from: '2026-02-23', to: '2026-03-01', actor: 'quantri@x.vn', target: 'SO-NV', page: 1 });
  });
});

describe('describing an entry', () => {
  it('shows each detail once, before → after where both exist, in Vietnamese words', () => {
    const changes = describeAuditChanges({ before: { role: 'viewer', active: true }, after: { role: 'admin', active: true, expiresAt: '2026-03-18T02:15:00.000Z' } });
    expect(changes.map(auditChangeText)).toEqual(['vai trò: xem → quản trị', 'còn hiệu lực: có', 'hết hạn lúc: 18/03/2026 09:15']);
  });

  it('bounds long lists and says how many were left out', () => {
    expect(formatAuditValue(Array.from({ length: 12 }, (_, i) => `DV-${i}`))).toBe('DV-0, DV-1, DV-2, DV-3, DV-4, DV-5, DV-6, DV-7, DV-8, DV-9 … và 2 mục khác');
    expect(formatAuditValue(null)).toBe('—');
  });

  it('names a known action in Vietnamese with its stable name, and an unknown one by its name alone', () => {
    expect(auditActionText('signin.redeem')).toBe('Đăng nhập (signin.redeem)');
    expect(auditActionText('unit.edit')).toBe('unit.edit');
    expect(auditActionText('constructor')).toBe('constructor');
  });
});

describe('the console actions as the log reads them', () => {
  it('names every action the console writes in Vietnamese, and its coded values too', () => {
    for (const action of ['units.add', 'units.edit', 'units.link-shown', 'units.link-sent', 'consolidation.download']) expect(auditActionLabel(action)).toBeDefined();
    const unitAdded = describeAuditChanges({ after: { code: 'SO-THU', name: 'Sở Thử nghiệm', type: 'so-nganh', emails: ['a@b.vn'] } }).map(auditChangeText);
    expect(unitAdded).toEqual(['mã: SO-THU', 'tên: Sở Thử nghiệm', 'loại đơn vị: Sở, ban, ngành', 'email: a@b.vn']);
    const sent = describeAuditChanges({ before: { email: 'not-sent' }, after: { email: 'sent', subject: 'Tổng hợp' } }).map(auditChangeText);
    expect(sent).toEqual(['thư: chưa gửi → đã gửi', 'tiêu đề thư: Tổng hợp']);
  });
});

describe('the review and period-lock actions as the log reads them', () => {
  it('names each review.* and period.* action in Vietnamese', () => {
    expect(['review.approve', 'review.return', 'review.withdraw', 'period.lock', 'period.unlock', 'period.exception', 'period.exception-end'].map(auditActionText)).toEqual([
      'Duyệt báo cáo (review.approve)', 'Trả lại báo cáo (review.return)', 'Rút duyệt báo cáo (review.withdraw)', 'Khóa kỳ báo cáo (period.lock)',
      'Mở khóa kỳ báo cáo (period.unlock)', 'Cho phép đơn vị nộp bổ sung (period.exception)', 'Kết thúc sớm ngoại lệ (period.exception-end)',
    ]);
  });

  it('reads an early end, a lock and a review in Vietnamese, with their coded values', () => {
    const ended = describeAuditChanges({ before: { until: '2019-03-10T16:59:00.000Z', reason: 'Nộp bổ sung' }, after: { until: '2019-03-02T02:00:00.000Z', reason: 'Nộp bổ sung', endReason: 'Đã nộp đủ' } }).map(auditChangeText);
    expect(ended).toEqual(['hiệu lực đến: 10/03/2019 23:59 → 02/03/2019 09:00', 'lý do: Nộp bổ sung', 'lý do kết thúc sớm: Đã nộp đủ']);
    const locked = describeAuditChanges({ before: { locked: false }, after: { locked: true, source: 'manual', by: 'lan@tinhuy.example.vn' } }).map(auditChangeText);
    expect(locked).toEqual(['đã khóa: không → có', 'cách khóa: cán bộ khóa', 'người thực hiện: lan@tinhuy.example.vn']);
    const returned = describeAuditChanges({ before: { state: 'cho-duyet' }, after: { state: 'tra-lai', comment: 'Giải trình mã số 07' } }).map(auditChangeText);
    expect(returned).toEqual(['tình trạng duyệt: chờ duyệt → trả lại', 'ý kiến: Giải trình mã số 07']);
  });
});

describe('a review as the log reads it', () => {
  it('states the report once and the state change before → after, in Vietnamese', () => {
    const lines = describeAuditChanges({ before: { state: 'cho-duyet' }, after: { unit: 'SO-NV', form: 'sap-xep-bo-may', period: '2026', version: 2, state: 'tra-lai', comment: 'Giải trình mã số 07.' } }).map(auditChangeText);
    expect(lines.some((l) => l.includes('→ (bỏ)'))).toBe(false);
    expect(lines).toContain('tình trạng duyệt: chờ duyệt → trả lại');
    expect(lines.find((l) => l.endsWith('SO-NV'))).toBeDefined();
  });
});
