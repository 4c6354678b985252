/**
 * `ObjectStore` on Amazon S3 (or s3rver locally: only the client's endpoint differs), without
 * the signers, so the ingest bundle neither carries nor evaluates them (see s3-file-store.ts).
 * Reads are bounded: `get` checks the object's size before reading and stops the body stream
 * as soon as it passes `maxBytes`, so an oversized object never sits whole in Lambda memory.
 */
import {
  GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { TooLargeError } from '../core/errors';
import type { ObjectStore, StoredObjectInfo } from '../core/ports';

export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
}

/** The error every oversized read rejects with (stable code, Vietnamese message). */
export function fileTooLarge(maxBytes: number, cause?: unknown): TooLargeError {
  const mb = (maxBytes / (1024 * 1024)).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
  return new TooLargeError('FILE_TOO_LARGE', `Tệp vượt quá dung lượng cho phép (${mb} MB).`, cause);
}

function isNotFound(err: unknown): boolean {
  if (err instanceof NoSuchKey || err instanceof NotFound) return true;
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound');
}

/** Reads a body stream into a Buffer, aborting once more than `maxBytes` arrived. */
async function readCapped(body: AsyncIterable<Uint8Array>, maxBytes: number | undefined, destroy: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (maxBytes !== undefined && total > maxBytes) {
      destroy();
      throw fileTooLarge(maxBytes);
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, total);
}

export class S3ObjectStore implements ObjectStore {
  protected readonly client: S3Client;
  protected readonly bucket: string;

  constructor(options: S3ObjectStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
  }

  async put(key: string, body: Buffer | Uint8Array | string, options: { contentType?: string; metadata?: Record<string, string> } = {}) {
    const out = await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType, Metadata: options.metadata }),
    );
    return { versionId: out.VersionId, etag: out.ETag };
  }

  async get(key: string, options: { maxBytes?: number; versionId?: string } = {}): Promise<Buffer | undefined> {
    let out;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: options.versionId }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    const destroy = () => body?.destroy?.();
    if (options.maxBytes !== undefined && out.ContentLength !== undefined && out.ContentLength > options.maxBytes) {
      destroy();
      throw fileTooLarge(options.maxBytes);
    }
    if (!body) return Buffer.alloc(0);
    return readCapped(body, options.maxBytes, destroy);
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        etag: out.ETag,
        versionId: out.VersionId,
        lastModified: out.LastModified,
        metadata: out.Metadata,
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    const found: StoredObjectInfo[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) {
        if (o.Key === undefined) continue;
        found.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag, lastModified: o.LastModified });
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
