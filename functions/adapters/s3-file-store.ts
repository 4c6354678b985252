/**
 * `FileStore` on Amazon S3 (or s3rver locally: only the client's endpoint differs).
 * Reads are bounded: `get` checks the object's size before reading and stops the body stream
 * as soon as it passes `maxBytes`, so an oversized object never sits whole in Lambda memory.
 */
import {
  GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { TooLargeError } from '../core/errors';
import type { FileStore, StoredObjectInfo } from '../core/ports';

export interface S3FileStoreOptions {
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

/**
 * A `Content-Disposition: attachment` value that keeps a Vietnamese file name: an ASCII
 * fallback in `filename` and the UTF-8 original in `filename*` (RFC 6266 / RFC 5987).
 */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
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

export class S3FileStore implements FileStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3FileStoreOptions) {
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

  /**
   * A presigned POST the browser submits as multipart form data. S3 enforces the exact `key`,
   * the size range and the expiry; the metadata fields are signed too, so they cannot be
   * swapped. (s3rver enforces none of this locally: the ingest path re-checks size and identity.)
   */
  async createUploadPost(input: { key: string; maxBytes: number; expiresInSeconds: number; metadata?: Record<string, string> }) {
    const metaFields = Object.fromEntries(Object.entries(input.metadata ?? {}).map(([k, v]) => [`x-amz-meta-${k}`, v]));
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: input.key,
      Expires: input.expiresInSeconds,
      Fields: metaFields,
      Conditions: [
        ['eq', '$key', input.key],
        ['content-length-range', 1, input.maxBytes],
        ...Object.entries(metaFields).map(([k, v]) => ['eq', `$${k}`, v] as ['eq', string, string]),
      ],
    });
    return { url, fields };
  }

  async createDownloadUrl(key: string, options: { expiresInSeconds: number; fileName?: string }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: options.fileName ? contentDisposition(options.fileName) : undefined,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }
}
