/**
 * Each Lambda entry calls the shared composition module, yet bundles only the adapters its
 * capability uses (esbuild metafile, the deployed build settings): ingest no S3 presigner and no
 * SES, only the consolidating functions (consolidate, api) ECharts, reminders no S3 presigner, the daily reminder run no link secret, and no entry anything local-only. Each also wires the Powertools logger
 * middleware that puts the invocation's context on every log line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleEntry } from '../../../infra/bundling';

jest.setTimeout(120_000);

const PACKAGES = {
  presignedPost: '@aws-sdk/s3-presigned-post',
  presigner: '@aws-sdk/s3-request-presigner',
  ses: '@aws-sdk/client-sesv2',
  s3: '@aws-sdk/client-s3',
  secretsManager: '@aws-sdk/client-secrets-manager',
  loggerMiddleware: '@aws-lambda-powertools/logger/lib/esm/middleware',
  charts: 'node_modules/echarts/',
  localOnly: '/infra/',
  tests: '/test/',
} as const;

/** Which of PACKAGES contribute bytes to the entry's bundle. */
async function bundled(name: string, outdir: string): Promise<string[]> {
  const { metafile } = await bundleEntry(`functions/lambda/${name}.ts`, join(outdir, name));
  const inputs = Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([input]) => `/${input}`));
  return Object.entries(PACKAGES).filter(([, needle]) => inputs.some((i) => i.includes(needle))).map(([key]) => key);
}

describe('Lambda bundles', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'tonghop-bundles-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  describe('what each entry bundles', () => {
    it.each([
      ['ingest', ['s3', 'loggerMiddleware']],
      // The console's sign-in link is emailed by the api function; its "Tổng hợp ngay" consolidates, so it draws charts.
      ['api', ['presignedPost', 'presigner', 'ses', 's3', 'secretsManager', 'loggerMiddleware', 'charts']],
      ['consolidate', ['presignedPost', 'presigner', 'ses', 's3', 'loggerMiddleware', 'charts']],
      // The daily run only queues reminders; the worker signs each unit's link and sends it.
      // Every function reads the run-time form catalog, whose bodies are in S3 (plain GetObject: no presigner).
      ['remind', ['ses', 's3', 'loggerMiddleware']],
      ['remind-unit', ['ses', 's3', 'secretsManager', 'loggerMiddleware']],
      ['seed-forms', ['s3', 'loggerMiddleware']],
      ['sweep', ['s3', 'loggerMiddleware']],
    ])('bundles only what the %s capability uses', async (name, expected) => {
      await expect(bundled(name, outdir)).resolves.toEqual(expected);
    });
  });
});
