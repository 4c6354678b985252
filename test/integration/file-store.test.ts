/**
 * S3FileStore against the embedded S3 API (s3rver), over the real wire protocol.
 */
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { createS3Client } from '../../functions/adapters/aws-clients';
import { S3FileStore } from '../../functions/adapters/s3-file-store';

// jest 30 ignores the project-level testTimeout; the shared machine can be slow.
jest.setTimeout(120_000);

describe('S3FileStore on the embedded S3 API', () => {
  let emulators: Emulators;
  let store: S3FileStore;

  beforeAll(async () => {
    emulators = await startEmulators();
    const client = createS3Client({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
    store = new S3FileStore({ client, bucket: emulators.bucketName });
  });
  afterAll(async () => {
    await emulators.stop();
  });

  describe('objects', () => {
    it('stores an object and reads it back with its metadata', async () => {
      await store.put('reports/a/2026-Q1/x.xlsx', Buffer.from('xin chào'), {
        contentType: 'application/octet-stream',
        metadata: { 'file-name': encodeURIComponent('Báo cáo.xlsx') },
      });

      const body = await store.get('reports/a/2026-Q1/x.xlsx');
      const info = await store.head('reports/a/2026-Q1/x.xlsx');

      expect(body?.toString('utf8')).toBe('xin chào');
      expect(info).toMatchObject({ key: 'reports/a/2026-Q1/x.xlsx', size: Buffer.byteLength('xin chào') });
      expect(decodeURIComponent(info?.metadata?.['file-name'] ?? '')).toBe('Báo cáo.xlsx');
    });

    it('returns undefined for a missing object on get and head', async () => {
      await expect(store.get('nothing/here.xlsx')).resolves.toBeUndefined();
      await expect(store.head('nothing/here.xlsx')).resolves.toBeUndefined();
    });

    it('rejects with FILE_TOO_LARGE when the object exceeds maxBytes', async () => {
      expect.assertions(1);
      await store.put('big/file.bin', Buffer.alloc(4096, 1));
      await expect(store.get('big/file.bin', { maxBytes: 1000 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE', statusCode: 413 });
    });

    it('lists only the keys under a prefix, in key order', async () => {
      await store.put('list/b.txt', 'b');
      await store.put('list/a.txt', 'a');
      await store.put('listing-other/c.txt', 'c');

      const listed = await store.list('list/');

      expect(listed.map((o) => o.key)).toEqual(['list/a.txt', 'list/b.txt']);
      expect(listed[0]?.size).toBe(1);
    });
  });

  describe('presigned upload', () => {
    it('accepts a browser-style multipart POST to the presigned form and stores the file under the bound key', async () => {
      const key = 'uploads/sap-xep-bo-may/2026-Q1/SO-NV/abc.xlsx';
      const post = await store.createUploadPost({ key, maxBytes: 1024, expiresInSeconds: 300, metadata: { 'link-id': 'abc123' } });
      const form = new FormData();
      for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
      form.append('file', new Blob([Buffer.from('tệp báo cáo')]), 'bao-cao.xlsx');

      const response = await fetch(post.url, { method: 'POST', body: form });

      expect(response.status).toBeLessThan(300);
      expect((await store.get(key))?.toString('utf8')).toBe('tệp báo cáo');
      expect((await store.head(key))?.metadata?.['link-id']).toBe('abc123');
    });

    it('signs the exact key, the size range and the expiry into the policy', async () => {
      const post = await store.createUploadPost({ key: 'uploads/x/2026-Q1/U/k.xlsx', maxBytes: 2048, expiresInSeconds: 60 });
      const policy = JSON.parse(Buffer.from(post.fields.Policy ?? '', 'base64').toString('utf8'));

      expect(post.fields.key).toBe('uploads/x/2026-Q1/U/k.xlsx');
      expect(policy.conditions).toEqual(expect.arrayContaining([['eq', '$key', 'uploads/x/2026-Q1/U/k.xlsx'], ['content-length-range', 1, 2048]]));
      const expiresIn = new Date(policy.expiration).getTime() - Date.now();
      expect(expiresIn).toBeGreaterThan(30_000);
      expect(expiresIn).toBeLessThanOrEqual(60_000);
    });
  });

  describe('download link', () => {
    it('serves the object with an attachment disposition carrying the UTF-8 file name', async () => {
      await store.put('feedback/dl.xlsx', Buffer.from('phản hồi'));

      const url = await store.createDownloadUrl('feedback/dl.xlsx', { expiresInSeconds: 120, fileName: 'Phản hồi Sở Nội vụ.xlsx' });
      const response = await fetch(url);

      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).toString('utf8')).toBe('phản hồi');
      const disposition = response.headers.get('content-disposition') ?? '';
      expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('Phản hồi Sở Nội vụ.xlsx')}`);
      expect(disposition).toContain('filename="Phan hoi So Noi vu.xlsx"');
    });
  });
});
