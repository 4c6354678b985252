/**
 * Finds uploads that ingest never finished and hands them back to the ingest queue.
 *
 * An upload is an object under `uploads/`; ingest turns its S3 "object created" event into a
 * submission and writes the final status last. Two things leave an upload without a final
 * status and with nothing left that would finish it: the event is lost (a lost S3
 * notification in AWS; the local runtime's in-memory queue when the process stops), or every
 * delivery crashed before the final write. Such an upload has no submission, or one still
 * `pending`. This use case lists the objects, compares them with the submissions, and gives
 * each one past its lease to `requeue` (an S3-event-shaped message to the ingest queue):
 * ingest is idempotent per upload id, so a requeue of an upload whose event was merely slow
 * costs one extra ingest run, never a second submission.
 *
 * Cost is bounded by key prefix, not by the bucket's size: with `scope: { periodsBack }`, only
 * `uploads/<formId>/<period>/` of each form's open period and the `periodsBack` periods before
 * it are listed (S3 cannot filter a listing by LastModified, so a time horizon alone would
 * still read the whole prefix). Objects older than `horizonMs` are then dropped before any
 * database read, and the submissions of a (form, period) with objects left are read with one
 * query, not one read per object: a quiet period costs its listing only. An upload to an older
 * period (a late report months after) is outside the window, and one stuck longer than the
 * horizon is no longer counted (the alarm fired long before); `scope: 'all'` without a horizon
 * looks at every upload, for a small store (the local runtime at start-up).
 */
import type { FormDefinition } from '../forms/definition';
import type { Submission } from '../model';
import { openPeriod, shiftPeriod } from '../periods';
import type { Clock, ObjectStore, StoredObjectInfo, SubmissionRepository } from '../ports';
import { KEY_PREFIX } from '../storage-layout';
import { parseUploadKey, uploadPeriodPrefix } from '../upload-id';

/** An upload whose submission is missing or still `pending` past the lease. */
export interface StalledUpload {
  key: string;
  uploadId: string;
  size: number;
  etag?: string;
  /** The object's LastModified: the event time a lost S3 notification would have carried. */
  lastModified: Date;
  /** `missing`: no submission at all (the event never reached ingest); `pending`: ingest started and never finished. */
  reason: 'missing' | 'pending';
}

/**
 * The S3 "object created" notification S3 would have sent for the upload: what a requeue puts on
 * the ingest queue. The key is URL-encoded as S3 does (slashes kept), the event time is the
 * object's LastModified (an existing pending record keeps its own receivedAt).
 */
export function objectCreatedNotification(upload: Pick<StalledUpload, 'key' | 'size' | 'etag' | 'lastModified'>, bucketName: string) {
  return {
    Records: [{
      eventName: 'ObjectCreated:Put',
      eventTime: upload.lastModified.toISOString(),
      s3: { bucket: { name: bucketName }, object: { key: encodeURIComponent(upload.key).replace(/%2F/g, '/'), size: upload.size, eTag: upload.etag } },
    }],
  };
}

/** Sends an upload to ingest again; resolves whether it was queued (false: it already is). */
export type RequeueUpload = (upload: StalledUpload) => Promise<boolean>;

export interface SweepStalledUploadsDeps {
  files: Pick<ObjectStore, 'list'>;
  submissions: Pick<SubmissionRepository, 'listByFormPeriod'>;
  /** The forms whose recent periods are swept (the catalog's `list()`). */
  forms: readonly FormDefinition[];
  requeue: RequeueUpload;
  clock: Clock;
}

export interface SweepStalledUploadsInput {
  /**
   * An upload younger than this (since its submission's receivedAt, or the object's
   * LastModified when there is none) is left alone: its event may still be on its way. 0 at a
   * local start-up, when nothing can be in flight.
   */
  leaseMs: number;
  /** `{ periodsBack }`: the open period of each form and that many before it; `'all'`: every upload. */
  scope: { periodsBack: number } | 'all';
  /** Objects last modified longer ago than this are skipped (default: none are). */
  horizonMs?: number;
}

/**
 * The periodic sweep's window (AWS and local): the open period of each form and the one before
 * it (late reports right after a period), uploads of the last 24 hours (a stuck one has been
 * alarmed on for a day by then).
 */
export const RECENT_UPLOADS = { scope: { periodsBack: 1 }, horizonMs: 24 * 60 * 60_000 } as const satisfies Omit<SweepStalledUploadsInput, 'leaseMs'>;

export interface SweepResult {
  /** Objects looked at (within the horizon). */
  scanned: number;
  /** Uploads missing a final status past the lease (each was handed to `requeue`). */
  stalled: number;
  /** Of those, how many `requeue` queued. */
  requeued: number;
  /** Age in seconds of the oldest upload without a final status, lease or not (0 when none). */
  oldestPendingSeconds: number;
  /** The stalled uploads' keys (for the log). */
  keys: string[];
}

/** Lists the uploads in scope, requeues the stalled ones and measures the oldest unfinished one. */
export async function sweepStalledUploads(deps: SweepStalledUploadsDeps, input: SweepStalledUploadsInput): Promise<SweepResult> {
  const now = deps.clock.now().getTime();
  const result: SweepResult = { scanned: 0, stalled: 0, requeued: 0, oldestPendingSeconds: 0, keys: [] };
  for (const prefix of prefixesInScope(deps.forms, input.scope, deps.clock.now())) {
    const groups = groupByFormPeriod(await deps.files.list(prefix));
    const horizon = input.horizonMs === undefined ? -Infinity : now - input.horizonMs;
    for (const group of groups) {
      const objects = group.objects.filter(({ object }) => (object.lastModified?.getTime() ?? now) >= horizon);
      const { formId, period } = group;
      result.scanned += objects.length;
      if (objects.length === 0) continue;
      const byId = new Map<string, Submission>((await deps.submissions.listByFormPeriod(formId, period)).map((s) => [s.uploadId, s]));
      for (const { object, uploadId } of objects) {
        const submission = byId.get(uploadId);
        if (submission && submission.status !== 'pending') continue;
        const since = submission ? Date.parse(submission.receivedAt) : (object.lastModified?.getTime() ?? now);
        const age = Math.max(0, now - since);
        result.oldestPendingSeconds = Math.max(result.oldestPendingSeconds, Math.floor(age / 1000));
        if (age < input.leaseMs) continue;
        result.stalled += 1;
        result.keys.push(object.key);
        const queued = await deps.requeue({
          key: object.key,
          uploadId,
          size: object.size,
          etag: object.etag,
          lastModified: object.lastModified ?? new Date(since),
          reason: submission ? 'pending' : 'missing',
        });
        if (queued) result.requeued += 1;
      }
    }
  }
  return result;
}

/** `uploads/<formId>/<period>/` per form and recent period, or `uploads/` for everything. */
function prefixesInScope(forms: readonly FormDefinition[], scope: SweepStalledUploadsInput['scope'], now: Date): string[] {
  if (scope === 'all') return [KEY_PREFIX.uploads];
  const prefixes = new Set<string>();
  for (const form of forms) {
    const open = openPeriod(form, now);
    for (let back = 0; back <= scope.periodsBack; back++) {
      prefixes.add(uploadPeriodPrefix(form.id, shiftPeriod(open, -back)));
    }
  }
  return [...prefixes];
}

interface FormPeriodGroup {
  formId: string;
  period: string;
  objects: Array<{ object: StoredObjectInfo; uploadId: string }>;
}

/** Objects off the key layout are skipped: ingest recorded them `failed` when their event came, and they would only fail again. */
function groupByFormPeriod(objects: StoredObjectInfo[]): FormPeriodGroup[] {
  const groups = new Map<string, FormPeriodGroup>();
  for (const object of objects) {
    const parts = parseUploadKey(object.key);
    if (!parts) continue;
    const id = `${parts.formId}/${parts.period}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { formId: parts.formId, period: parts.period, objects: [] }));
    group.objects.push({ object, uploadId: parts.uploadId });
  }
  return [...groups.values()];
}
