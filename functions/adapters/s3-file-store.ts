/**
 * `FileStore` on Amazon S3: the bounded reads and writes of `S3ObjectStore`, plus presigned
 * POSTs for browser uploads and presigned download links. Only the entries that sign (api,
 * consolidate, remind, the local runtime) import this file.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStore, UploadPostInput } from '../core/ports';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store';

export type S3FileStoreOptions = S3ObjectStoreOptions;

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

export class S3FileStore extends S3ObjectStore implements FileStore {
  /**
   * A presigned POST the browser submits as multipart form data. The policy pins the exact
   * `key`, the size range, the `Content-Type` and each `x-amz-meta-*` field (`eq`), and S3
   * enforces it with the expiry: a browser cannot post under another key or swap the link id.
   * (s3rver enforces none of this locally: ingest re-checks size, key and link against the
   * upload intent, which is the guard there.)
   */
  async createUploadPost(input: UploadPostInput) {
    const fields: Record<string, string> = {
      ...(input.contentType ? { 'Content-Type': input.contentType } : {}),
      ...Object.fromEntries(Object.entries(input.metadata ?? {}).map(([k, v]) => [`x-amz-meta-${k}`, v])),
    };
    const { url, fields: signed } = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: input.key,
      Expires: input.expiresInSeconds,
      Fields: fields,
      Conditions: [
        ['eq', '$key', input.key],
        ['content-length-range', 1, input.maxBytes],
        ...Object.entries(fields).map(([k, v]) => ['eq', `$${k}`, v] as ['eq', string, string]),
      ],
    });
    return { url, fields: signed };
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
