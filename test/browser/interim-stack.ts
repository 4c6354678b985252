/**
 * INTERIM: the portal over the embedded emulators, served over HTTP, with S3 events feeding the
 * ingest use case — only until infra/local/runtime.ts (`startLocalRuntime`) lands; then the
 * browser test uses the real local runtime instead.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { StaticSecretSource } from '../../functions/adapters/secrets-manager-secret-source';
import { loadFormCatalog } from '../../functions/core/forms';
import { signLinkToken } from '../../functions/core/links';
import type { Unit } from '../../functions/core/model';
import { systemClock } from '../../functions/core/ports';
import { ingestUpload } from '../../functions/core/usecases/ingest-upload';
import { createApiHandler } from '../../functions/handlers/api';
import { startEmulators } from '../../infra/local/emulators';

const SECRET = 'browser-secret-browser-secret-browser-secret-0123';

export async function startInterimStack(options: { dataDir: string; units: Unit[] }) {
  const emulators = await startEmulators({ dataDir: options.dataDir });
  const clientOptions = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
  const dynamo = createDynamoDocumentClient(clientOptions);
  const files = new S3FileStore({ client: createS3Client(clientOptions), bucket: emulators.bucketName });
  const units = new DynamoUnitRepository({ client: dynamo, tableName: emulators.tableName });
  const submissions = new DynamoSubmissionRepository({ client: dynamo, tableName: emulators.tableName });
  const catalog = await loadFormCatalog();
  await units.putMany(options.units);
  const quiet = { info: () => undefined, warn: () => undefined, error: (m: string, ...x: unknown[]) => console.error(m, ...x) };
  const handler = createApiHandler({
    units, submissions, files, catalog, secrets: new StaticSecretSource(SECRET), clock: systemClock, logger: quiet,
    config: { maxUploadBytes: 5 * 1024 * 1024, portalUrl: 'http://127.0.0.1', uploadOrigin: emulators.endpoints.s3 },
  });
  const pending: Array<Promise<unknown>> = [];
  emulators.onObjectCreated((event) => {
    for (const r of event.Records) {
      if (!r.s3.object.key.startsWith('uploads/')) continue;
      pending.push(ingestUpload({ submissions, files, units, catalog, clock: systemClock, maxUploadBytes: 5 * 1024 * 1024 }, {
        bucketKey: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), eventTime: r.eventTime,
      }).catch((err) => console.error('ingest failed', err)));
    }
  });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v ?? '']));
    const out = await handler({
      version: '2.0', routeKey: '$default', rawPath: url.pathname, rawQueryString: url.search.slice(1), headers,
      requestContext: { http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' } },
      body: chunks.length ? Buffer.concat(chunks).toString('base64') : undefined, isBase64Encoded: chunks.length > 0,
    } as never);
    res.writeHead(out.statusCode, out.headers);
    res.end(out.isBase64Encoded ? Buffer.from(out.body ?? '', 'base64') : out.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const portalUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    portalUrl,
    catalog,
    linkFor: (unitCode: string) => `${portalUrl}/u/${signLinkToken(SECRET, { u: unitCode, v: 1, exp: Math.floor(Date.now() / 1000) + 3600 })}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled(pending);
      dynamo.destroy();
      await emulators.stop();
    },
  };
}
