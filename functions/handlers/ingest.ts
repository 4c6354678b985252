/**
 * The ingest Lambda's handler: SQS messages whose bodies are S3 "object created" notifications
 * (S3 → SQS → Lambda). Each upload in a message goes through `ingestUpload`; a message whose
 * processing threw is reported in `batchItemFailures` so SQS redelivers only that one
 * (ReportBatchItemFailures), and after its last allowed receive the submission is marked
 * `failed` before the message moves to the dead-letter queue.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { FormCatalog } from '../core/forms/catalog';
import { readyCatalog } from '../core/forms/live-catalog';
import type { Log } from '../core/log';
import { INGEST_MAX_RECEIVE_COUNT } from '../core/storage-layout';
import { ingestUpload, recordIngestFailure, type IngestUploadDeps, type IngestUploadInput } from '../core/usecases/ingest-upload';

export interface IngestHandlerDeps extends Omit<IngestUploadDeps, 'catalog'> {
  /** The catalog, or its loading promise (a CommonJS Lambda bundle cannot await at module scope). */
  catalog: FormCatalog | Promise<FormCatalog>;
  log: Log;
  /** The queue's maxReceiveCount: on this receive a failure is final (default: the stack's, `INGEST_MAX_RECEIVE_COUNT`). */
  maxReceiveCount?: number;
}

const S3NotificationSchema = z.union([
  z.object({ Event: z.literal('s3:TestEvent') }),
  z.object({
    Records: z.array(
      z.object({
        eventName: z.string(),
        eventTime: z.string(),
        s3: z.object({ object: z.object({ key: z.string(), size: z.optional(z.number()), eTag: z.optional(z.string()), versionId: z.optional(z.string()) }) }),
      }),
    ),
  }),
]);

/** The uploads named by one SQS message body; none for S3's test event. Throws on a body that is not an S3 notification. */
export function uploadsInMessage(body: string): IngestUploadInput[] {
  const parsed = S3NotificationSchema.parse(JSON.parse(body));
  if (!('Records' in parsed)) return [];
  return parsed.Records.filter((r) => r.eventName.startsWith('ObjectCreated')).map((r) => ({
    bucketKey: decodeS3Key(r.s3.object.key),
    eventTime: r.eventTime,
    size: r.s3.object.size,
    etag: r.s3.object.eTag,
    versionId: r.s3.object.versionId,
  }));
}

/** S3 URL-encodes keys in notifications, with `+` for spaces. */
function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

export function createIngestHandler(deps: IngestHandlerDeps) {
  const maxReceives = deps.maxReceiveCount ?? INGEST_MAX_RECEIVE_COUNT;
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    // One at a time: a workbook can take ~100 MB while validated; Lambda scales out instead.
    for (const record of event.Records) {
      let uploads: IngestUploadInput[] = [];
      try {
        uploads = uploadsInMessage(record.body);
        if (uploads.length === 0) continue;
        // Revalidated per message: a catalog that cannot load fails this message (retried), logged like any failure.
        const useCaseDeps: IngestUploadDeps = { ...deps, catalog: await readyCatalog(deps.catalog) };
        for (const upload of uploads) await ingestUpload(useCaseDeps, upload);
      } catch (err) {
        const receives = Number(record.attributes?.ApproximateReceiveCount ?? 1);
        deps.log.error('ingest failed', { messageId: record.messageId, receives, keys: uploads.map((u) => u.bucketKey), error: err as Error });
        if (receives >= maxReceives) {
          for (const upload of uploads) await recordIngestFailure(deps, upload, err).catch(() => undefined);
        }
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
}
