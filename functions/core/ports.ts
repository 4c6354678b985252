/**
 * Ports: what the use cases need from the outside world. The forms engine and use cases
 * depend only on these interfaces; `functions/adapters/` implements them on the AWS SDK
 * (pointed at AWS, or at the embedded emulators locally). Nothing here imports `@aws-sdk/*`.
 */
import type { FormValues, Submission, Unit, ValidationIssue } from './model';
import type { AuditEntry, Operator, OperatorRole } from './operators/model';
import type { LockException, PeriodLockRecord, PeriodLockState, ReviewRecord } from './review/model';
import type { UnitTypeInfo } from './units/unit-types';

/** Object storage (S3) without signing: what ingest needs. Keys are bucket-relative. */
export interface ObjectStore {
  put(key: string, body: Buffer | Uint8Array | string, options?: { contentType?: string; metadata?: Record<string, string> }): Promise<{ versionId?: string; etag?: string }>;
  /** Reads a whole object; rejects with `TooLargeError` when it exceeds `maxBytes`. Undefined when absent. */
  get(key: string, options?: { maxBytes?: number; versionId?: string }): Promise<Buffer | undefined>;
  head(key: string): Promise<StoredObjectInfo | undefined>;
  list(prefix: string): Promise<StoredObjectInfo[]>;
}

/** Object storage that also hands out signed links (the portal, consolidation). */
export interface FileStore extends ObjectStore {
  /**
   * A browser-usable presigned POST bound to exactly `key`, with a size range and expiry; the
   * content type and each metadata entry (`x-amz-meta-<name>`) are pinned by the policy too.
   */
  createUploadPost(input: UploadPostInput): Promise<{ url: string; fields: Record<string, string> }>;
  /** A time-limited GET link, optionally forcing a download file name. */
  createDownloadUrl(key: string, options: { expiresInSeconds: number; fileName?: string }): Promise<string>;
}

export interface UploadPostInput {
  key: string;
  maxBytes: number;
  expiresInSeconds: number;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface StoredObjectInfo {
  key: string;
  size: number;
  etag?: string;
  versionId?: string;
  lastModified?: Date;
  metadata?: Record<string, string>;
}

/** The unit registry (đơn vị báo cáo). */
export interface UnitRepository {
  list(options?: { includeInactive?: boolean }): Promise<Unit[]>;
  get(code: string): Promise<Unit | undefined>;
  /** Writes every unit or throws before writing any invalid one (callers validate first). */
  putMany(units: Unit[]): Promise<void>;
  /** Increments the unit's key version, revoking its links; returns the new version. */
  bumpKeyVersion(code: string): Promise<number>;
  /** Stores a new unit; ConflictError `UNIT_EXISTS` when the code is taken (a conditional write, never an overwrite). */
  add(unit: Unit): Promise<void>;
  /**
   * Replaces the unit's name, type, emails and active flag if they are still exactly `expected`
   * (a conditional write: two operators cannot silently overwrite each other); its key version is
   * left alone, so a revocation in between is kept. ConflictError `UNIT_CHANGED` when they moved,
   * NotFoundError `UNIT_NOT_FOUND` when the unit is gone.
   */
  update(unit: Omit<Unit, 'keyVersion'>, expected: UnitDetails): Promise<void>;
}

/** The deployment's unit types as saved, with the revision every change is conditional on. */
export interface SavedUnitTypes {
  types: UnitTypeInfo[];
  /** 1 for the first save, then +1 per change. */
  revision: number;
  updatedAt?: string;
}

/**
 * The deployment's unit types (loại đơn vị): one small record. Nothing saved means the default
 * registry (the 2019 types) applies.
 */
export interface UnitTypeStore {
  /** The saved list (checked and bounded on read), or undefined when nothing was ever saved. */
  read(): Promise<SavedUnitTypes | undefined>;
  /**
   * Saves the whole list if the stored revision is still `expectedRevision` (0: nothing saved
   * yet); ConflictError `UNIT_TYPES_CHANGED` otherwise. Returns the new revision.
   */
  write(types: UnitTypeInfo[], expectedRevision: number, at: string): Promise<number>;
}

/** What an operator edits of a unit (everything but its code and key version). */
export type UnitDetails = Pick<Unit, 'name' | 'type' | 'emails' | 'active'>;

/** An accepted submission's values, as consolidation reads them. */
export interface AcceptedValues {
  unitCode: string;
  uploadId: string;
  receivedAt: string;
  late: boolean;
  version?: number;
  values: FormValues;
  warnings: ValidationIssue[];
}

/** A submission as the status overview of a period reads it, versions numbered. */
export type SubmissionSummary = Pick<Submission, 'uploadId' | 'unitCode' | 'formId' | 'period' | 'version' | 'status' | 'receivedAt' | 'late' | 'warnings'>;

/** The attributes of a `SubmissionSummary` as stored (everything but the version, which is numbered on read). */
export const SUBMISSION_SUMMARY_FIELDS = ['uploadId', 'unitCode', 'formId', 'period', 'status', 'receivedAt', 'late', 'warnings'] as const satisfies ReadonlyArray<keyof SubmissionSummary>;

/**
 * Submissions, their values and the latest-accepted pointers. No aggregate is stored: totals are
 * computed from the pointers where they are read (`readPeriodAggregate`, consolidation), so an
 * accepted upload costs the same few writes however many units report.
 */
export interface SubmissionRepository {
  /**
   * Creates the submission record if `uploadId` is new; returns the stored record and whether
   * this call created it (idempotency for redelivered events).
   */
  createIfAbsent(submission: Submission): Promise<{ created: boolean; submission: Submission }>;
  /** Replaces a submission's outcome (status, errors, warnings, feedback key, processedAt, …). */
  update(submission: Submission): Promise<void>;
  get(uploadId: string): Promise<Submission | undefined>;
  /** Every submission for a form and period (all units, all versions, any status), versions numbered. */
  listByFormPeriod(formId: string, period: string): Promise<Submission[]>;
  /**
   * The same listing reduced to what a status overview reads (`SubmissionSummary`): the stored
   * errors (up to 200 per refused upload), file details and keys are not read back.
   */
  listSummariesByFormPeriod(formId: string, period: string): Promise<SubmissionSummary[]>;
  /** A unit's submissions, newest first, optionally for one form. */
  listByUnit(unitCode: string, options?: { formId?: string; period?: string }): Promise<Submission[]>;
  /** Stores the normalised values of an accepted submission. */
  putValues(uploadId: string, values: FormValues): Promise<void>;
  getValues(uploadId: string): Promise<FormValues | undefined>;
  /**
   * Points (unit, form, period) at this accepted submission unless a later upload already
   * holds the pointer (ordered by `receivedAt`, then `uploadId`). Returns whether it moved.
   * `values`: the ones just stored with `putValues`, to spare the adapter reading them back.
   */
  advanceLatestAccepted(submission: Submission, values?: FormValues): Promise<boolean>;
  /** The unit's latest accepted submission of the period, with its values (no version), or undefined. */
  getLatestAccepted(formId: string, period: string, unitCode: string): Promise<AcceptedValues | undefined>;
  /** The latest accepted submission of every unit that has one, with its values. */
  listLatestAccepted(formId: string, period: string): Promise<AcceptedValues[]>;
}

/** Remembers that something was done once (emails sent, reminders), by key. */
export interface OnceLedger {
  /** True if this call claimed `key` (first time); false if it was already claimed. */
  claim(key: string, attributes?: Record<string, string | number>): Promise<boolean>;
  /** Releases a claim whose work failed, so a retry can do it. */
  release(key: string): Promise<void>;
  /** The most recent claims whose key starts with `prefix`, newest first. */
  list(prefix: string): Promise<Array<{ key: string; claimedAt: string; attributes: Record<string, string | number> }>>;
}

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /**
   * Content-ID (without angle brackets) of a picture shown in the HTML body as `<img src="cid:…">`:
   * such a part is sent inline, inside multipart/related, not listed as a file to open.
   */
  cid?: string;
}

export interface OutgoingEmail {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
  /** Extra headers, e.g. an idempotency key for tracing. */
  headers?: Record<string, string>;
}

/** Sends email: SESv2 in AWS, `.eml` files in the outbox locally — the same MIME either way. */
export interface Mailer {
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
}

/** One unit's reminder for one day: what the daily run hands to the sender (one queue message). */
export interface UnitReminder {
  formId: string;
  period: string;
  unitCode: string;
  /** The local day (yyyy-mm-dd, Asia/Ho_Chi_Minh) it is due: a message still waiting the next day is dropped. */
  date: string;
  kind: 'before' | 'after';
  /** The unit's last upload for the period was refused (the email says so). */
  lastUploadRejected: boolean;
}

/** What became of a reminder handed to the queue: `queued` (sent later by the worker) or, when delivered at once, the worker's outcome. */
export type ReminderDelivery = 'queued' | 'sent' | 'already-sent' | 'skipped' | 'failed';

/**
 * Hands reminders to the worker that emails them one unit at a time: SQS in AWS (the worker
 * Lambda's concurrency matches SES's sending rate), an in-process queue locally that runs the
 * same worker use case at once. Resolves to one delivery per message, in order.
 */
export interface ReminderQueue {
  enqueue(reminders: UnitReminder[]): Promise<ReminderDelivery[]>;
}

/** Time, injectable for tests. */
export interface Clock {
  now(): Date;
}

/** One link-signing key: `id` travels in every token it signs (`k`), `secret` never leaves the ring. */
export interface LinkKey {
  id: string;
  secret: string;
}

/**
 * The link-signing keys: new links are signed with `current`; links signed with `current` or
 * `previous` verify, so a rotation does not break links already sent. Dropping `previous`
 * revokes every link it signed.
 */
export interface LinkKeyRing {
  current: LinkKey;
  previous?: LinkKey;
}

/** The keys that sign upload links (Secrets Manager in AWS, the data dir's file locally). */
export interface SecretSource {
  /**
   * The key ring, possibly cached for a bounded time. `fresh` asks to re-read it now (a token
   * names a key the cached ring does not know: it may have been rotated in); a source may still
   * answer from cache when it re-read very recently, so forged key ids cannot flood the store.
   */
  getLinkKeys(options?: { fresh?: boolean }): Promise<LinkKeyRing>;
}

/** A key ring an operator can change (`npx tonghop links rotate-key`). */
export interface LinkKeyStore extends SecretSource {
  /**
   * Replaces the ring with `change(ring)`, refusing (ConflictError) when someone else changed it
   * in between. Resolves to the ring before and after, and the store's version id when it has one.
   */
  updateLinkKeys(change: (ring: LinkKeyRing) => LinkKeyRing): Promise<{ before: LinkKeyRing; after: LinkKeyRing; versionId?: string }>;
}

/** The operators registry (console users). Emails are normalised (`parseOperatorEmail`) before they get here. */
export interface OperatorRegistry {
  /** Every operator, active or not, by email. */
  list(): Promise<Operator[]>;
  get(email: string): Promise<Operator | undefined>;
  /**
   * Stores a new operator, or reactivates a deactivated one (its `createdAt` kept); refuses
   * (ConflictError `OPERATOR_EXISTS`) when an active operator already has the address.
   */
  add(operator: Operator): Promise<Operator>;
  /**
   * Deactivates `email` if it is still exactly `expected` (its `updatedAt`); ConflictError
   * `OPERATOR_CHANGED` when it changed in between, `LAST_ADMIN` when it is the last active admin
   * (checked atomically, so two admins removing each other at once cannot both succeed).
   */
  deactivate(email: string, expected: Pick<Operator, 'updatedAt'>, at: string): Promise<Operator>;
}

/** A one-time sign-in token as stored: only the SHA-256 of the token, never the token. */
export interface SignInTokenRecord {
  tokenHash: string;
  email: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
  /** The console page to open once the link is redeemed (validated with `consoleReturnPath`). */
  next?: string;
}

/** The one-time sign-in tokens. */
export interface SignInTokenStore {
  /** Stores a new token (refuses a hash that exists: never overwrites). */
  put(record: SignInTokenRecord): Promise<void>;
  /**
   * Marks the token used if it exists, is unused and has not expired at `now`, in one conditional
   * write; else says why not.
   */
  claim(tokenHash: string, now: Date): Promise<{ outcome: 'claimed'; record: SignInTokenRecord } | { outcome: 'used' | 'expired' | 'unknown' }>;
  /**
   * Reads the token without spending it (the link's confirmation page, which mail scanners may
   * fetch): `valid` when it exists, is unused and has not expired at `now`; else why not.
   */
  peek(tokenHash: string, now: Date): Promise<{ outcome: 'valid'; record: SignInTokenRecord } | { outcome: 'used' | 'expired' | 'unknown' }>;
}

/** A console session as stored: keyed by the SHA-256 of its opaque id. */
export interface SessionRecord {
  idHash: string;
  email: string;
  /** The role when the session opened (the registry's current role is what `getSession` answers). */
  role: OperatorRole;
  /** Sent back with every state-changing request (CSRF); not a credential on its own. */
  csrfToken: string;
  createdAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  revokedAt?: string;
}

export interface SessionStore {
  put(record: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  /** Moves the idle expiry forward unless the session was revoked; false when it was. */
  touch(idHash: string, idleExpiresAt: string): Promise<boolean>;
  /** Marks the session revoked (idempotent). */
  revoke(idHash: string, at: string): Promise<void>;
}

/** Counts attempts per key in fixed windows (atomic, so concurrent requests cannot both slip under). */
export interface RateLimiter {
  /** Counts one attempt for `key` in the window ending at `windowEnd`; false (not counted) when `max` were already made. */
  hit(key: string, windowEnd: Date, max: number): Promise<boolean>;
}

/** The append-only log of operator actions. */
export interface AuditLog {
  /** Appends one entry (never updates one). */
  record(entry: AuditEntry): Promise<void>;
  /** Entries with `from <= at < to`, newest first, at most `limit`. */
  list(query: { from: Date; to: Date; limit: number }): Promise<AuditEntry[]>;
}

/** What a review write expects to find stored: the revision, upload and state it read (absent: no record yet). */
export type ReviewExpectation = Pick<ReviewRecord, 'rev' | 'uploadId' | 'state'> | undefined;

/** Reviews of units' latest accepted versions: one record per (unit, form, period). */
export interface ReviewStore {
  get(formId: string, period: string, unitCode: string): Promise<ReviewRecord | undefined>;
  /** Every unit's review record of a (form, period) (consistent read). */
  listByFormPeriod(formId: string, period: string): Promise<ReviewRecord[]>;
  /**
   * Stores `next` only if the stored record is still `expected` (same revision, upload and
   * state; or none when `expected` is undefined), in one conditional write. Two operators acting
   * at once: one wins, the other gets `ConflictError` `REVIEW_CONFLICT`.
   */
  put(next: ReviewRecord, expected: ReviewExpectation): Promise<void>;
}

/** Period locks ("khóa kỳ") and their per-unit exceptions. */
export interface PeriodLockStore {
  /** The (form, period)'s lock record (if ever set) and its exceptions, in one consistent read. */
  getLockState(formId: string, period: string): Promise<PeriodLockState>;
  /** Stores the lock if the stored one still has revision `expectedRev` (absent: none stored); else `ConflictError` `LOCK_CONFLICT`. */
  putLock(next: PeriodLockRecord, expectedRev: number | undefined): Promise<void>;
  /** Stores a unit's exception if the stored one was still set at `expectedAt` (absent: none stored); else `ConflictError` `LOCK_CONFLICT`. */
  putException(next: LockException, expectedAt: string | undefined): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

/** Elapsed time and waiting, injectable so tests assert a delay without spending it. */
export interface Timer {
  /** Milliseconds on a monotonic clock (only differences mean anything). */
  elapsedMs(): number;
  sleep(ms: number): Promise<void>;
}

export const systemTimer: Timer = {
  elapsedMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** One published version of a form definition, as indexed (the body is stored apart, immutable). */
export interface PublishedFormVersion {
  formId: string;
  version: number;
  /** SHA-256 (hex) of the body: the canonical JSON of the checked definition. */
  sha256: string;
  /** The first period (of the form's period type) this version applies to; absent: every period. */
  effectiveFrom?: string;
  publishedAt: string;
  /** Who published it: `cli:<user>`, an operator's email, or `seed` (templates/ at start or deploy). */
  publishedBy: string;
  /** The body's object version, when the store keeps versions (reads are pinned to it). */
  bodyVersionId?: string;
}

/** A form's own state across its versions: retired (no longer scheduled or offered to units). */
export interface FormRetirement {
  formId: string;
  retiredAt: string;
  retiredBy: string;
}

/**
 * Published form definitions: bodies in object storage (`forms/<id>/v<n>.json`, never
 * overwritten once indexed) and an index in the table. Only indexed versions exist for readers:
 * a body written by a publish that then lost its conditional index write is ignored.
 */
export interface FormDefinitionStore {
  /** Every indexed version and every retirement (one consistent read of the index). */
  readIndex(): Promise<{ versions: PublishedFormVersion[]; retirements: FormRetirement[] }>;
  getVersion(formId: string, version: number): Promise<PublishedFormVersion | undefined>;
  /** The stored body of an indexed version (pinned to its object version when known); undefined when missing. */
  readBody(entry: PublishedFormVersion): Promise<string | undefined>;
  /** Writes the body (before the index entry); returns its object version when the store keeps versions. */
  writeBody(formId: string, version: number, body: string): Promise<{ versionId?: string }>;
  /** Indexes a version if it is not indexed yet (conditional write); false when it already was. */
  putVersion(entry: PublishedFormVersion): Promise<boolean>;
  /** Marks the form retired unless it already is (conditional write); false when it already was. */
  retire(retirement: FormRetirement): Promise<boolean>;
}
