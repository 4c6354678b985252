/**
 * The audit log as people read it (the console's "Nhật ký" page and its .xlsx): filters parsed
 * from a query (days in Hà Nội time, actor, action, target text), the entries that match, and
 * each entry's action and before → after in Vietnamese.
 *
 * The log is read by day range through `AuditLog.list` (newest first, at most
 * `AUDIT_SCAN_LIMIT` entries); actor, action and target are filtered here, over what was read.
 * A range with more entries than that keeps its newest ones and says so (`truncated`), rather
 * than paging through DynamoDB: a week of a deadline holds a few hundred actions, and a longer
 * look is a narrower range away.
 */
import { CALENDAR_KIND_LABELS } from '../calendar/check-calendar';
import { InvalidInputError } from '../errors';
import { foldVietnamese, formatViDate, formatViDateTime } from '../format-vi';
import { formatLocalDate, localInstant, toLocalDate, type LocalDate } from '../periods';
import type { AuditLog } from '../ports';
import { DEFAULT_UNIT_TYPES, type UnitTypeRegistry } from '../units/unit-types';
import { REVIEW_STATE_LABELS } from '../review/model';
import { OPERATOR_ROLE_LABELS, type AuditEntry } from './model';

/** Most entries one look at the log reads (newest first). */
export const AUDIT_SCAN_LIMIT = 5_000;
/** Rows per page of the console's table. */
export const AUDIT_PAGE_SIZE = 100;
/** Longest range, in days, one look may cover. */
export const AUDIT_MAX_RANGE_DAYS = 366;
/** Days shown when no range is asked: today and the six before it. */
export const AUDIT_DEFAULT_DAYS = 7;
export const MAX_AUDIT_TARGET_QUERY = 100;
const MAX_ACTOR_LENGTH = 300;
const MAX_ACTION_LENGTH = 100;
const DAY_MS = 86_400_000;

/** Known actions, by their stable name. An action not listed here shows its name alone. */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  'signin.request': 'Yêu cầu đường dẫn đăng nhập',
  'signin.redeem': 'Đăng nhập',
  'signin.end': 'Đăng xuất',
  'operator.add': 'Thêm cán bộ quản trị',
  'operator.remove': 'Gỡ quyền cán bộ quản trị',
  'operator.link': 'Cấp đường dẫn đăng nhập (dòng lệnh)',
  'units.import': 'Nhập danh sách đơn vị',
  'units.revoke-links': 'Thu hồi đường dẫn nộp của đơn vị',
  'units.add': 'Thêm đơn vị',
  'units.edit': 'Sửa thông tin đơn vị',
  'units.link-shown': 'Xem đường dẫn nộp của đơn vị',
  'units.link-sent': 'Gửi đường dẫn nộp cho đơn vị',
  'unit-types.add': 'Thêm loại đơn vị',
  'unit-types.edit': 'Sửa loại đơn vị',
  'unit-types.remove': 'Xóa loại đơn vị',
  'link-keys.rotate': 'Đổi khóa ký đường dẫn',
  'link-keys.drop-previous': 'Bỏ khóa ký đường dẫn cũ',
  'submission.upload': 'Nộp báo cáo thay đơn vị',
  'submission.download.original': 'Tải tệp gốc của lần nộp',
  'submission.download.feedback': 'Tải tệp kết quả kiểm tra',
  'consolidation.build': 'Tổng hợp báo cáo',
  'consolidation.send': 'Gửi báo cáo tổng hợp',
  'consolidation.download': 'Tải bảng tổng hợp',
  'consolidation.draft': 'Tải dự thảo báo cáo',
  'audit.download': 'Tải nhật ký thao tác',
  'review.approve': 'Duyệt báo cáo',
  'review.return': 'Trả lại báo cáo',
  'review.withdraw': 'Rút duyệt báo cáo',
  'period.lock': 'Khóa kỳ báo cáo',
  'period.unlock': 'Mở khóa kỳ báo cáo',
  'period.exception': 'Cho phép đơn vị nộp bổ sung',
  'period.exception-end': 'Kết thúc sớm ngoại lệ',
  'calendar.add': 'Thêm ngày vào lịch làm việc',
  'calendar.edit': 'Sửa ngày trong lịch làm việc',
  'calendar.remove': 'Xóa ngày khỏi lịch làm việc',
  'calendar.import': 'Nhập lịch làm việc',
  'forms.publish': 'Phát hành biểu mẫu',
  'forms.retire': 'Ngừng sử dụng biểu mẫu',
};

/** Words for the keys actions put in `before`/`after`; others show as stored. */
const DETAIL_LABELS: Readonly<Record<string, string>> = {
  name: 'tên',
  code: 'mã',
  type: 'loại đơn vị',
  emails: 'email',
  subject: 'tiêu đề thư',
  createdCodes: 'mã thêm mới',
  updatedCodes: 'mã cập nhật',
  conflicts: 'bỏ qua (đơn vị vừa bị sửa)',
  role: 'vai trò',
  active: 'còn hiệu lực',
  keyVersion: 'phiên bản khóa đường dẫn',
  expiresAt: 'hết hạn lúc',
  unitCode: 'mã đơn vị',
  formId: 'biểu mẫu',
  period: 'kỳ báo cáo',
  uploadId: 'mã lần nộp',
  fileName: 'tệp',
  size: 'dung lượng (byte)',
  key: 'tệp lưu trữ',
  reused: 'dùng lại bản đã tổng hợp',
  unitsReported: 'số đơn vị đã báo cáo',
  unitsExpected: 'số đơn vị phải báo cáo',
  email: 'thư',
  to: 'người nhận',
  cc: 'đồng gửi',
  total: 'tổng số',
  created: 'thêm mới',
  updated: 'cập nhật',
  unchanged: 'không đổi',
  current: 'khóa hiện hành',
  previous: 'khóa trước',
  revoked: 'khóa bị thu hồi',
  rows: 'số dòng',
  fromDay: 'từ ngày',
  toDay: 'đến ngày',
  filterActor: 'lọc theo người thực hiện',
  filterAction: 'lọc theo thao tác',
  filterTarget: 'lọc theo đối tượng',
  truncated: 'bị cắt bớt',
  unit: 'đơn vị',
  form: 'biểu mẫu',
  version: 'lần nộp thứ',
  state: 'tình trạng duyệt',
  comment: 'ý kiến',
  locked: 'đã khóa',
  source: 'cách khóa',
  by: 'người thực hiện',
  at: 'lúc',
  until: 'hiệu lực đến',
  reason: 'lý do',
  endReason: 'lý do kết thúc sớm',
  date: 'ngày',
  kind: 'loại ngày',
  revision: 'lần sửa lịch',
  added: 'ngày thêm mới',
  replaced: 'ngày sửa',
  removed: 'ngày bị xóa',
  plural: 'tên gọi chung (số nhiều)',
  order: 'thứ tự',
  legacy: 'loại cũ (không dùng cho đơn vị mới)',
};

/** "Đăng nhập" for `signin.redeem`; undefined for an action this version does not know. */
export function auditActionLabel(action: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(AUDIT_ACTION_LABELS, action) ? AUDIT_ACTION_LABELS[action] : undefined;
}

/** "Đăng nhập (signin.redeem)", or the stable name alone when unknown. */
export function auditActionText(action: string): string {
  const label = auditActionLabel(action);
  return label ? `${label} (${action})` : action;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const MAX_VALUE_CHARS = 200;
const MAX_LIST_ITEMS = 10;

/** One detail value as text: dates in Hà Nội time, yes/no in Vietnamese, lists joined and bounded. */
export function formatAuditValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'có' : 'không';
  if (typeof value === 'number') return value.toLocaleString('vi-VN');
  if (typeof value === 'string') return bound(ISO_INSTANT.test(value) ? formatViDateTime(new Date(value)) : DAY.test(value) ? formatViDate(value) : value);
  if (Array.isArray(value)) {
    if (!value.length) return '(không có)';
    const shown = value.slice(0, MAX_LIST_ITEMS).map(formatAuditValue).join(', ');
    return bound(value.length > MAX_LIST_ITEMS ? `${shown} … và ${value.length - MAX_LIST_ITEMS} mục khác` : shown);
  }
  return bound(JSON.stringify(value) ?? '');
}

function bound(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** One changed (or stated) detail of an entry: `before` absent for a new fact, `after` absent for a removed one. */
export interface AuditChange {
  key: string;
  label: string;
  before?: string;
  after?: string;
}

/** The entry's details, key by key in the order they were written: before → after where both exist. */
export function describeAuditChanges(entry: Pick<AuditEntry, 'before' | 'after'>, unitTypes: UnitTypeRegistry = DEFAULT_UNIT_TYPES): AuditChange[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.map((key) => ({
    key,
    label: Object.prototype.hasOwnProperty.call(DETAIL_LABELS, key) ? DETAIL_LABELS[key]! : key,
    ...(key in before ? { before: formatDetail(key, before[key], unitTypes) } : {}),
    ...(key in after ? { after: formatDetail(key, after[key], unitTypes) } : {}),
  }));
}

/** What an email outcome (`consolidation.*`'s `email`) reads as. */
const EMAIL_OUTCOME_LABELS: Readonly<Record<string, string>> = {
  'not-requested': 'không gửi',
  'not-sent': 'chưa gửi',
  sent: 'đã gửi',
  'already-sent': 'đã gửi trước đó (số liệu không đổi)',
  'no-units': 'không gửi (chưa có đơn vị)',
};

/** How a period came to be locked (`period.*`'s `source`). */
const LOCK_SOURCE_LABELS: Readonly<Record<string, string>> = { manual: 'cán bộ khóa', auto: 'tự động khóa theo biểu mẫu' };

/** A detail's value, with the few coded values (unit types, roles, email outcomes, review states, lock sources) in Vietnamese. */
function formatDetail(key: string, value: unknown, unitTypes: UnitTypeRegistry): string {
  const coded = (labels: Readonly<Record<string, string>>) => (typeof value === 'string' && Object.prototype.hasOwnProperty.call(labels, value) ? labels[value] : undefined);
  if (key === 'type') return (typeof value === 'string' && unitTypes.has(value) ? unitTypes.label(value) : undefined) ?? formatAuditValue(value);
  if (key === 'role') return coded(OPERATOR_ROLE_LABELS) ?? formatAuditValue(value);
  if (key === 'email') return coded(EMAIL_OUTCOME_LABELS) ?? formatAuditValue(value);
  if (key === 'state') return coded(REVIEW_STATE_LABELS) ?? formatAuditValue(value);
  if (key === 'source') return coded(LOCK_SOURCE_LABELS) ?? formatAuditValue(value);
  if (key === 'kind') return coded(CALENDAR_KIND_LABELS) ?? formatAuditValue(value);
  return formatAuditValue(value);
}

/** "vai trò: operator → admin", "vai trò: admin" (stated), "vai trò: admin → (bỏ)" (removed). */
export function auditChangeText(change: AuditChange): string {
  if (change.before === undefined) return `${change.label}: ${change.after ?? ''}`;
  if (change.after === undefined) return `${change.label}: ${change.before} → (bỏ)`;
  return change.before === change.after ? `${change.label}: ${change.after}` : `${change.label}: ${change.before} → ${change.after}`;
}

/** What one look at the log asks for, parsed and bounded. Days are `YYYY-MM-DD` in Hà Nội time, both included. */
export interface AuditFilters {
  from: string;
  to: string;
  actor?: string;
  action?: string;
  target?: string;
  /** 1-based page of the console's table. */
  page: number;
}

/** The raw query (a URLSearchParams' `get`). */
export type AuditQuery = (name: 'from' | 'to' | 'actor' | 'action' | 'target' | 'trang') => string | null;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const rangeInvalid = (message: string) => new InvalidInputError('AUDIT_RANGE_INVALID', message);

/** The start (Hà Nội midnight) of a `YYYY-MM-DD` day; 400 AUDIT_RANGE_INVALID for anything else, never echoing it. */
export function parseAuditDay(value: string, name: 'from' | 'to'): Date {
  const m = DAY.exec(value) ? value.split('-').map(Number) : undefined;
  const day: LocalDate | undefined = m ? { year: m[0]!, month: m[1]!, day: m[2]! } : undefined;
  // 2026-02-30 would roll over to 2 March: the day must read back as typed.
  if (!day || formatLocalDate(toLocalDate(localInstant(day))) !== value) throw rangeInvalid(`Tham số ${name} phải là một ngày dạng YYYY-MM-DD.`);
  return localInstant(day);
}

function optionalText(value: string | null, name: string, max: number): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (v.length > max || /[\u0000-\u001f\u007f]/.test(v)) throw new InvalidInputError('PARAM_INVALID', `Tham số ${name} không hợp lệ (tối đa ${max} ký tự).`);
  return v;
}

/**
 * The filters of a query: `from`/`to` days (default the last `AUDIT_DEFAULT_DAYS` days up to
 * today in Hà Nội; from ≤ to; at most `AUDIT_MAX_RANGE_DAYS` days), `actor` and `action` exact,
 * `target` a piece of text, `trang` the page.
 */
export function parseAuditFilters(get: AuditQuery, now: Date): AuditFilters {
  const today = formatLocalDate(toLocalDate(now));
  const to = get('to') || today;
  const toStart = parseAuditDay(to, 'to');
  const from = get('from') || formatLocalDate(toLocalDate(new Date(toStart.getTime() - (AUDIT_DEFAULT_DAYS - 1) * DAY_MS)));
  const fromStart = parseAuditDay(from, 'from');
  if (fromStart.getTime() > toStart.getTime()) throw rangeInvalid('Khoảng ngày không hợp lệ: "Từ ngày" phải trước hoặc bằng "Đến ngày".');
  if (toStart.getTime() - fromStart.getTime() >= AUDIT_MAX_RANGE_DAYS * DAY_MS) throw rangeInvalid(`Khoảng ngày không hợp lệ: tối đa ${AUDIT_MAX_RANGE_DAYS} ngày.`);
  const action = optionalText(get('action'), 'action', MAX_ACTION_LENGTH);
  if (action && !/^[A-Za-z0-9._-]+$/.test(action)) throw new InvalidInputError('PARAM_INVALID', 'Tham số action không hợp lệ (tên thao tác dạng signin.redeem).');
  const pageText = get('trang');
  const page = pageText ? Number(pageText) : 1;
  if (!Number.isInteger(page) || page < 1 || page > AUDIT_SCAN_LIMIT) throw new InvalidInputError('PARAM_INVALID', 'Tham số trang phải là số trang (1, 2, …).');
  const actor = optionalText(get('actor'), 'actor', MAX_ACTOR_LENGTH);
  const target = optionalText(get('target'), 'target', MAX_AUDIT_TARGET_QUERY);
  return { from, to, page, ...(actor ? { actor } : {}), ...(action ? { action } : {}), ...(target ? { target } : {}) };
}

/** The filters as a query string (for the page's links and its download), page left out unless asked. */
export function auditFiltersQuery(f: AuditFilters, options: { page?: number } = {}): string {
  const q = new URLSearchParams({ from: f.from, to: f.to });
  if (f.actor) q.set('actor', f.actor);
  if (f.action) q.set('action', f.action);
  if (f.target) q.set('target', f.target);
  if (options.page && options.page > 1) q.set('trang', String(options.page));
  return q.toString();
}

export interface AuditView {
  filters: AuditFilters;
  /** Every matching entry read, newest first (the page shows one slice; the download all). */
  entries: AuditEntry[];
  /** The range held more than `AUDIT_SCAN_LIMIT` entries: only the newest were read. */
  truncated: boolean;
  /** Who acted and which actions occur in the range (for the filters' choices), sorted. */
  actors: string[];
  actions: string[];
}

/** The entries of the filters' range that match them, newest first. */
export async function readAuditLog(deps: { audit: Pick<AuditLog, 'list'> }, filters: AuditFilters): Promise<AuditView> {
  const from = parseAuditDay(filters.from, 'from');
  const to = new Date(parseAuditDay(filters.to, 'to').getTime() + DAY_MS);
  const read = await deps.audit.list({ from, to, limit: AUDIT_SCAN_LIMIT });
  const target = filters.target ? foldVietnamese(filters.target) : undefined;
  const entries = read.filter(
    (e) => (!filters.actor || e.actor === filters.actor) && (!filters.action || e.action === filters.action) && (!target || foldVietnamese(e.target).includes(target)),
  );
  return {
    filters,
    entries,
    truncated: read.length >= AUDIT_SCAN_LIMIT,
    actors: [...new Set(read.map((e) => e.actor))].sort(),
    actions: [...new Set(read.map((e) => e.action))].sort(),
  };
}
