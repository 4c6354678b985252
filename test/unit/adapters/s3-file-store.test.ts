import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { contentDisposition, S3FileStore } from '../../../functions/adapters/s3-file-store';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'ap-southeast-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const store = new S3FileStore({ client, bucket: 'bucket-1' });

function streamOf(chunks: Buffer[]) {
  let pulled = 0;
  const stream = Readable.from((function* () {
    for (const c of chunks) {
      pulled += 1;
      yield c;
    }
  })());
  // The adapter only needs what the SDK's Node body offers: async iteration and destroy().
  return { body: stream as never, pulled: () => pulled };
}

beforeEach(() => s3.reset());

describe('S3FileStore', () => {
  describe('put', () => {
    it('sends the bucket, key, content type and metadata', async () => {
      s3.on(PutObjectCommand).resolves({ ETag: '"e1"', VersionId: 'v1' });

      const out = await store.put('a/b.xlsx', Buffer.from('x'), { contentType: 'text/plain', metadata: { 'link-id': 'L' } });

      expect(out).toEqual({ etag: '"e1"', versionId: 'v1' });
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'bucket-1', Key: 'a/b.xlsx', ContentType: 'text/plain', Metadata: { 'link-id': 'L' } });
    });
  });

  describe('get', () => {
    it('rejects before reading the body when ContentLength exceeds maxBytes', async () => {
      expect.assertions(2);
      const { body, pulled } = streamOf([Buffer.alloc(10)]);
      s3.on(GetObjectCommand).resolves({ Body: body, ContentLength: 5000 });

      await expect(store.get('k', { maxBytes: 100 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
      expect(pulled()).toBe(0);
    });

    it('stops reading the stream once it passes maxBytes when the length is not announced', async () => {
      expect.assertions(2);
      const { body, pulled } = streamOf([Buffer.alloc(60), Buffer.alloc(60), Buffer.alloc(60), Buffer.alloc(60)]);
      s3.on(GetObjectCommand).resolves({ Body: body });

      await expect(store.get('k', { maxBytes: 100 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE', statusCode: 413 });
      expect(pulled()).toBeLessThan(4);
    });

    it('passes the version id and returns the whole body when within the limit', async () => {
      const { body } = streamOf([Buffer.from('ab'), Buffer.from('cd')]);
      s3.on(GetObjectCommand).resolves({ Body: body, ContentLength: 4 });

      const out = await store.get('k', { maxBytes: 4, versionId: 'v7' });

      expect(out?.toString()).toBe('abcd');
      expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'bucket-1', Key: 'k', VersionId: 'v7' });
    });

    it('returns undefined when the key does not exist', async () => {
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no', $metadata: { httpStatusCode: 404 } }));

      await expect(store.get('missing')).resolves.toBeUndefined();
    });

    it('propagates other failures', async () => {
      expect.assertions(1);
      s3.on(GetObjectCommand).rejects(new Error('AccessDenied'));

      await expect(store.get('k')).rejects.toThrow('AccessDenied');
    });
  });

  describe('head', () => {
    it('maps size, etag and metadata', async () => {
      s3.on(HeadObjectCommand).resolves({ ContentLength: 12, ETag: '"x"', Metadata: { 'file-name': 'a.xlsx' } });

      await expect(store.head('k')).resolves.toMatchObject({ key: 'k', size: 12, etag: '"x"', metadata: { 'file-name': 'a.xlsx' } });
    });
  });

  describe('list', () => {
    it('follows continuation tokens until the listing is complete', async () => {
      s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({ Contents: [{ Key: 'p/b', Size: 2 }], IsTruncated: true, NextContinuationToken: 't2' });
      s3.on(ListObjectsV2Command, { ContinuationToken: 't2' }).resolves({ Contents: [{ Key: 'p/a', Size: 1 }], IsTruncated: false });

      const out = await store.list('p/');

      expect(out.map((o) => o.key)).toEqual(['p/a', 'p/b']);
      expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'bucket-1', Prefix: 'p/', ContinuationToken: 't2' });
    });
  });

  describe('createUploadPost', () => {
    it('pins the exact key, size range, Content-Type and every x-amz-meta-* field in the signed policy', async () => {
      const post = await store.createUploadPost({
        key: 'uploads/f/2026-Q1/U/id.xlsx', maxBytes: 5_000_000, expiresInSeconds: 900,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        metadata: { 'link-id': 'L1', 'file-name': 'B%C3%A1o%20c%C3%A1o.xlsx' },
      });
      const policy = JSON.parse(Buffer.from(post.fields.Policy ?? '', 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };

      expect(post.fields).toMatchObject({ 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'x-amz-meta-file-name': 'B%C3%A1o%20c%C3%A1o.xlsx' });
      expect(policy.conditions).toEqual(
        expect.arrayContaining([
          ['eq', '$key', 'uploads/f/2026-Q1/U/id.xlsx'],
          ['content-length-range', 1, 5_000_000],
          ['eq', '$Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          ['eq', '$x-amz-meta-link-id', 'L1'],
          ['eq', '$x-amz-meta-file-name', 'B%C3%A1o%20c%C3%A1o.xlsx'],
        ]),
      );
      // No prefix condition would let the browser choose another key.
      expect(policy.conditions).not.toEqual(expect.arrayContaining([expect.arrayContaining(['starts-with'])]));
    });
  });

  describe('createDownloadUrl', () => {
    it('signs a GET that forces a download under the given UTF-8 name', async () => {
      const url = new URL(await store.createDownloadUrl('feedback/x.xlsx', { expiresInSeconds: 300, fileName: 'Phản hồi.xlsx' }));

      expect(url.pathname).toContain('feedback/x.xlsx');
      expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(url.searchParams.get('response-content-disposition')).toBe(contentDisposition('Phản hồi.xlsx'));
    });
  });

  describe('contentDisposition', () => {
    it('gives an ASCII fallback and the exact UTF-8 name', () => {
      expect(contentDisposition('Báo cáo "Đợt 1".xlsx')).toBe(
        `attachment; filename="Bao cao _Dot 1_.xlsx"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%22%C4%90%E1%BB%A3t%201%22.xlsx`,
      );
    });
  });
});
