/**
 * In-memory implementations of the ports, for use-case tests (house style §10). They mirror
 * the adapters' contracts (idempotent create, ordered latest pointer, numbered versions) so a
 * use case tested here behaves the same on DynamoDB and S3.
 */
import type {
  AcceptedValues, AuditLog, Clock, Timer, OperatorRegistry, RateLimiter, SessionRecord, SessionStore, SignInTokenRecord, SignInTokenStore, FileStore, Mailer, OnceLedger, OutgoingEmail, SecretSource, LinkKeyRing, LinkKeyStore,
  StoredObjectInfo, SubmissionRepository, SubmissionSummary, UnitDetails, UnitRepository, ReviewStore, PeriodLockStore, ReviewExpectation, SavedUnitTypes, UnitTypeStore,
  FormDefinitionStore, FormRetirement, PublishedFormVersion,
} from '../../functions/core/ports';
import { parseUnitTypes, type UnitTypeInfo } from '../../functions/core/units/unit-types';
import { lockConflict, reviewConflict, type LockException, type PeriodLockRecord, type PeriodLockState, type ReviewRecord } from '../../functions/core/review/model';
import { SUBMISSION_SUMMARY_FIELDS } from '../../functions/core/ports';
import type { FormValues, Submission, Unit } from '../../functions/core/model';
import { ConflictError, NotFoundError, TooLargeError } from '../../functions/core/errors';
import type { AuditEntry, Operator } from '../../functions/core/operators/model';

export class InMemoryFileStore implements FileStore {
  readonly objects = new Map<string, { body: Buffer; contentType?: string; metadata?: Record<string, string>; lastModified: Date }>();
  async put(key: string, body: Buffer | Uint8Array | string, options: { contentType?: string; metadata?: Record<string, string> } = {}) {
    this.objects.set(key, { body: Buffer.from(body), ...options, lastModified: new Date() });
    return { etag: `"${key.length}-${this.objects.size}"` };
  }
  async get(key: string, options: { maxBytes?: number } = {}) {
    const o = this.objects.get(key);
    if (o && options.maxBytes !== undefined && o.body.length > options.maxBytes) throw new TooLargeError('FILE_TOO_LARGE', 'Tệp quá lớn.');
    return o?.body;
  }
  async head(key: string): Promise<StoredObjectInfo | undefined> {
    const o = this.objects.get(key);
    return o && { key, size: o.body.length, lastModified: o.lastModified, metadata: o.metadata };
  }
  async list(prefix: string) {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, o]) => ({ key, size: o.body.length, lastModified: o.lastModified }));
  }
  async createUploadPost(input: { key: string; maxBytes: number; expiresInSeconds: number }) {
    return { url: 'http://files.test/upload', fields: { key: input.key, 'x-max-bytes': String(input.maxBytes) } };
  }
  async createDownloadUrl(key: string) {
    return `http://files.test/${encodeURIComponent(key)}`;
  }
}

export class InMemoryUnitRepository implements UnitRepository {
  readonly units = new Map<string, Unit>();
  constructor(initial: Unit[] = []) {
    for (const u of initial) this.units.set(u.code, { ...u });
  }
  async list(options: { includeInactive?: boolean } = {}) {
    return [...this.units.values()].filter((u) => options.includeInactive || u.active).sort((a, b) => a.code.localeCompare(b.code));
  }
  async get(code: string) {
    return this.units.get(code);
  }
  async putMany(units: Unit[]) {
    for (const u of units) this.units.set(u.code, { ...u });
  }
  async bumpKeyVersion(code: string) {
    const u = this.units.get(code);
    if (!u) throw new NotFoundError('UNIT_NOT_FOUND', `Không có đơn vị mã "${code}".`);
    u.keyVersion += 1;
    return u.keyVersion;
  }
  async add(unit: Unit) {
    if (this.units.has(unit.code)) throw new ConflictError('UNIT_EXISTS', `Đã có đơn vị mã "${unit.code}".`);
    this.units.set(unit.code, { ...unit, emails: [...unit.emails] });
  }
  async update(unit: Omit<Unit, 'keyVersion'>, expected: UnitDetails) {
    const u = this.units.get(unit.code);
    if (!u) throw new NotFoundError('UNIT_NOT_FOUND', `Không có đơn vị mã "${unit.code}".`);
    const same = u.name === expected.name && u.type === expected.type && u.active === expected.active && u.emails.join(',') === expected.emails.join(',');
    if (!same) throw new ConflictError('UNIT_CHANGED', `Đơn vị "${unit.code}" vừa được thay đổi bởi người khác.`);
    this.units.set(unit.code, { ...unit, emails: [...unit.emails], keyVersion: u.keyVersion });
  }
}

const orderKey = (s: Pick<Submission, 'receivedAt' | 'uploadId'>) => `${s.receivedAt}#${s.uploadId}`;

export class InMemorySubmissionRepository implements SubmissionRepository {
  readonly submissions = new Map<string, Submission>();
  readonly values = new Map<string, FormValues>();
  readonly latest = new Map<string, Submission>();
  /** The clock is accepted for symmetry with the DynamoDB repository (which no longer needs one either). */
  constructor(_clock: Clock = { now: () => new Date() }) {}

  async createIfAbsent(submission: Submission) {
    const existing = this.submissions.get(submission.uploadId);
    if (existing) return { created: false, submission: { ...existing } };
    this.submissions.set(submission.uploadId, { ...submission });
    return { created: true, submission: { ...submission } };
  }
  async update(submission: Submission) {
    this.submissions.set(submission.uploadId, { ...submission });
  }
  async get(uploadId: string) {
    const s = this.submissions.get(uploadId);
    return s && this.numbered([...this.submissions.values()]).find((x) => x.uploadId === uploadId);
  }
  private numbered(all: Submission[]): Submission[] {
    const counters = new Map<string, number>();
    return [...all]
      .sort((a, b) => orderKey(a).localeCompare(orderKey(b)))
      .map((s) => {
        const k = `${s.unitCode}#${s.formId}#${s.period}`;
        const n = (counters.get(k) ?? 0) + 1;
        counters.set(k, n);
        return { ...s, version: n };
      });
  }
  async listByFormPeriod(formId: string, period: string) {
    return this.numbered([...this.submissions.values()]).filter((s) => s.formId === formId && s.period === period);
  }
  async listSummariesByFormPeriod(formId: string, period: string): Promise<SubmissionSummary[]> {
    return this.numbered([...this.submissions.values()]).filter((s) => s.formId === formId && s.period === period).map((s) => {
      const summary: Record<string, unknown> = { version: s.version };
      for (const f of SUBMISSION_SUMMARY_FIELDS) if (s[f] !== undefined) summary[f] = s[f];
      return summary as unknown as SubmissionSummary;
    });
  }
  async listByUnit(unitCode: string, options: { formId?: string; period?: string } = {}) {
    return this.numbered([...this.submissions.values()])
      .filter((s) => s.unitCode === unitCode && (!options.formId || s.formId === options.formId) && (!options.period || s.period === options.period))
      .reverse();
  }
  async putValues(uploadId: string, values: FormValues) {
    this.values.set(uploadId, structuredClone(values));
  }
  async getValues(uploadId: string) {
    return this.values.get(uploadId);
  }
  async advanceLatestAccepted(submission: Submission) {
    const k = `${submission.formId}#${submission.period}#${submission.unitCode}`;
    const cur = this.latest.get(k);
    if (cur && orderKey(cur) >= orderKey(submission)) return false;
    this.latest.set(k, { ...submission });
    return true;
  }
  async getLatestAccepted(formId: string, period: string, unitCode: string): Promise<AcceptedValues | undefined> {
    const s = this.latest.get(`${formId}#${period}#${unitCode}`);
    return s && { unitCode, uploadId: s.uploadId, receivedAt: s.receivedAt, late: s.late ?? false, values: this.values.get(s.uploadId) ?? { fields: {}, tables: {} }, warnings: s.warnings };
  }
  async listLatestAccepted(formId: string, period: string): Promise<AcceptedValues[]> {
    const out: AcceptedValues[] = [];
    for (const s of this.latest.values()) {
      if (s.formId !== formId || s.period !== period) continue;
      const numbered = (await this.get(s.uploadId)) ?? s;
      out.push({
        unitCode: s.unitCode, uploadId: s.uploadId, receivedAt: s.receivedAt, late: s.late ?? false,
        version: numbered.version, values: this.values.get(s.uploadId) ?? { fields: {}, tables: {} }, warnings: s.warnings,
      });
    }
    return out.sort((a, b) => a.unitCode.localeCompare(b.unitCode));
  }
}

export class InMemoryOnceLedger implements OnceLedger {
  readonly claims = new Map<string, { claimedAt: string; attributes: Record<string, string | number> }>();
  constructor(private readonly clock: Clock = { now: () => new Date() }) {}
  async claim(key: string, attributes: Record<string, string | number> = {}) {
    if (this.claims.has(key)) return false;
    this.claims.set(key, { claimedAt: this.clock.now().toISOString(), attributes });
    return true;
  }
  async release(key: string) {
    this.claims.delete(key);
  }
  async list(prefix: string) {
    return [...this.claims.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([key, v]) => ({ key, ...v }))
      .sort((a, b) => b.claimedAt.localeCompare(a.claimedAt));
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(message: OutgoingEmail) {
    this.sent.push(message);
    return { messageId: `<${this.sent.length}@test>` };
  }
}

export const fixedSecret = (secret = 'test-secret-test-secret-test-secret-0123'): SecretSource => new InMemoryLinkKeyStore({ current: { id: 'test-key', secret } });

/** A key ring in memory; `reads` counts reads, `fresh` ones separately. */
export class InMemoryLinkKeyStore implements LinkKeyStore {
  reads = 0;
  freshReads = 0;
  constructor(public keys: LinkKeyRing) {}
  async getLinkKeys(options: { fresh?: boolean } = {}): Promise<LinkKeyRing> {
    this.reads += 1;
    if (options.fresh) this.freshReads += 1;
    return this.keys;
  }
  async updateLinkKeys(change: (keys: LinkKeyRing) => LinkKeyRing) {
    const before = this.keys;
    this.keys = change(before);
    return { before, after: this.keys };
  }
}

/** A clock tests can move. */
export class FakeClock implements Clock {
  constructor(private current: Date) {}
  now() {
    return new Date(this.current);
  }
  set(d: Date | string) {
    this.current = new Date(d);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * A monotonic timer that never waits: `sleep` records the delay asked and moves the time on by
 * it; `advance` stands for work that took time (a slow mail server).
 */
export class FakeTimer implements Timer {
  readonly sleeps: number[] = [];
  private current = 0;
  elapsedMs() {
    return this.current;
  }
  async sleep(ms: number) {
    this.sleeps.push(ms);
    this.current += ms;
  }
  advance(ms: number) {
    this.current += ms;
  }
}

/** The operators registry in memory, with the adapter's conditions (add refuses an active address; deactivate checks updatedAt and keeps one active admin). */
export class InMemoryOperatorRegistry implements OperatorRegistry {
  readonly operators = new Map<string, Operator>();
  constructor(initial: Operator[] = []) {
    for (const o of initial) this.operators.set(o.email, { ...o });
  }
  async list() {
    return [...this.operators.values()].map((o) => ({ ...o })).sort((a, b) => a.email.localeCompare(b.email));
  }
  async get(email: string) {
    const o = this.operators.get(email);
    return o && { ...o };
  }
  async add(operator: Operator) {
    const existing = this.operators.get(operator.email);
    if (existing?.active) throw new ConflictError('OPERATOR_EXISTS', 'exists');
    const stored = { ...operator, createdAt: existing?.createdAt ?? operator.createdAt };
    this.operators.set(operator.email, stored);
    return { ...stored };
  }
  async deactivate(email: string, expected: Pick<Operator, 'updatedAt'>, at: string) {
    const o = this.operators.get(email);
    const admins = [...this.operators.values()].filter((x) => x.active && x.role === 'admin');
    if (o?.active && o.role === 'admin' && admins.length <= 1) throw new ConflictError('LAST_ADMIN', 'last admin');
    if (!o || o.updatedAt !== expected.updatedAt) throw new ConflictError('OPERATOR_CHANGED', 'changed');
    const updated = { ...o, active: false, updatedAt: at };
    this.operators.set(email, updated);
    return { ...updated };
  }
}

/** Sign-in tokens, sessions and rate counters in memory, with the adapter's single-use and expiry rules. */
export class InMemorySignInStore implements SignInTokenStore, SessionStore, RateLimiter {
  readonly tokens = new Map<string, SignInTokenRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly counters = new Map<string, number>();
  async put(record: SignInTokenRecord | SessionRecord) {
    if ('tokenHash' in record) {
      if (this.tokens.has(record.tokenHash)) throw new Error('token exists');
      this.tokens.set(record.tokenHash, { ...record });
    } else {
      if (this.sessions.has(record.idHash)) throw new Error('session exists');
      this.sessions.set(record.idHash, { ...record });
    }
  }
  async claim(tokenHash: string, now: Date) {
    const t = this.tokens.get(tokenHash);
    if (!t) return { outcome: 'unknown' as const };
    if (t.usedAt) return { outcome: 'used' as const };
    if (t.expiresAt <= now.toISOString()) return { outcome: 'expired' as const };
    t.usedAt = now.toISOString();
    return { outcome: 'claimed' as const, record: { ...t } };
  }
  async peek(tokenHash: string, now: Date) {
    const t = this.tokens.get(tokenHash);
    if (!t) return { outcome: 'unknown' as const };
    if (t.usedAt) return { outcome: 'used' as const };
    if (t.expiresAt <= now.toISOString()) return { outcome: 'expired' as const };
    return { outcome: 'valid' as const, record: { ...t } };
  }
  async get(idHash: string) {
    const s = this.sessions.get(idHash);
    return s && { ...s };
  }
  async touch(idHash: string, idleExpiresAt: string) {
    const s = this.sessions.get(idHash);
    if (!s || s.revokedAt) return false;
    s.idleExpiresAt = idleExpiresAt;
    return true;
  }
  async revoke(idHash: string, at: string) {
    const s = this.sessions.get(idHash);
    if (s && !s.revokedAt) s.revokedAt = at;
  }
  async hit(key: string, windowEnd: Date, max: number) {
    const k = `${key}#${windowEnd.toISOString()}`;
    const n = this.counters.get(k) ?? 0;
    if (n >= max) return false;
    this.counters.set(k, n + 1);
    return true;
  }
}

/** The audit log in memory (append-only). */
export class InMemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async record(entry: AuditEntry) {
    this.entries.push({ ...entry });
  }
  async list(query: { from: Date; to: Date; limit: number }) {
    return this.entries
      .filter((e) => e.at >= query.from.toISOString() && e.at < query.to.toISOString())
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, query.limit);
  }
}

/** Reviews and period locks in memory, with the adapter's conditional writes (REVIEW_CONFLICT, LOCK_CONFLICT). */
export class InMemoryReviewStore implements ReviewStore, PeriodLockStore {
  readonly reviews = new Map<string, ReviewRecord>();
  readonly locks = new Map<string, PeriodLockRecord>();
  readonly exceptions = new Map<string, LockException>();
  async get(formId: string, period: string, unitCode: string) {
    const r = this.reviews.get(`${formId}#${period}#${unitCode}`);
    return r && { ...r };
  }
  async listByFormPeriod(formId: string, period: string) {
    return [...this.reviews.values()].filter((r) => r.formId === formId && r.period === period).map((r) => ({ ...r }));
  }
  async put(next: ReviewRecord, expected: ReviewExpectation) {
    const key = `${next.formId}#${next.period}#${next.unitCode}`;
    const stored = this.reviews.get(key);
    const ok = expected ? stored !== undefined && stored.rev === expected.rev && stored.uploadId === expected.uploadId && stored.state === expected.state : stored === undefined;
    if (!ok) throw reviewConflict();
    this.reviews.set(key, { ...next });
  }
  async getLockState(formId: string, period: string): Promise<PeriodLockState> {
    const lock = this.locks.get(`${formId}#${period}`);
    return { ...(lock ? { lock: { ...lock } } : {}), exceptions: [...this.exceptions.values()].filter((e) => e.formId === formId && e.period === period).map((e) => ({ ...e })) };
  }
  async putLock(next: PeriodLockRecord, expectedRev: number | undefined) {
    const stored = this.locks.get(`${next.formId}#${next.period}`);
    if (expectedRev === undefined ? stored !== undefined : stored?.rev !== expectedRev) throw lockConflict();
    this.locks.set(`${next.formId}#${next.period}`, { ...next });
  }
  async putException(next: LockException, expectedAt: string | undefined) {
    const key = `${next.formId}#${next.period}#${next.unitCode}`;
    const stored = this.exceptions.get(key);
    if (expectedAt === undefined ? stored !== undefined : stored?.at !== expectedAt) throw lockConflict();
    this.exceptions.set(key, { ...next });
  }
}

/** `UnitTypeStore` in memory, with the adapter's revision check. */
export class InMemoryUnitTypeStore implements UnitTypeStore {
  saved?: SavedUnitTypes;
  async read(): Promise<SavedUnitTypes | undefined> {
    return this.saved ? { ...this.saved, types: this.saved.types.map((t) => ({ ...t })) } : undefined;
  }
  async write(types: UnitTypeInfo[], expectedRevision: number, at: string): Promise<number> {
    if ((this.saved?.revision ?? 0) !== expectedRevision) throw new ConflictError('UNIT_TYPES_CHANGED', 'Danh sách loại đơn vị vừa được người khác thay đổi.');
    this.saved = { types: parseUnitTypes(types), revision: expectedRevision + 1, updatedAt: at };
    return expectedRevision + 1;
  }
}

/** `FormDefinitionStore` in memory: conditional index writes like the DynamoDB adapter; `failReads` makes `readIndex` throw (a store outage). */
export class InMemoryFormStore implements FormDefinitionStore {
  readonly bodies = new Map<string, string>();
  readonly versions = new Map<string, PublishedFormVersion>();
  readonly retirements = new Map<string, FormRetirement>();
  indexReads = 0;
  bodyReads = 0;
  failReads = false;
  async readIndex() {
    this.indexReads++;
    if (this.failReads) throw new Error('store unavailable');
    return { versions: [...this.versions.values()].map((v) => ({ ...v })), retirements: [...this.retirements.values()].map((r) => ({ ...r })) };
  }
  async getVersion(formId: string, version: number) {
    const v = this.versions.get(`${formId}#${version}`);
    return v && { ...v };
  }
  async readBody(entry: PublishedFormVersion) {
    this.bodyReads++;
    return this.bodies.get(`${entry.formId}#${entry.version}`);
  }
  async writeBody(formId: string, version: number, body: string) {
    this.bodies.set(`${formId}#${version}`, body);
    return {};
  }
  async putVersion(entry: PublishedFormVersion) {
    const key = `${entry.formId}#${entry.version}`;
    if (this.versions.has(key)) return false;
    this.versions.set(key, { ...entry });
    return true;
  }
  async retire(retirement: FormRetirement) {
    if (this.retirements.has(retirement.formId)) return false;
    this.retirements.set(retirement.formId, { ...retirement });
    return true;
  }
}
