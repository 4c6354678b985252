/**
 * The embedded runtime behind `npm start`: the whole pipeline on one machine, through the same
 * handlers Lambda runs.
 *
 *   browser ──HTTP──▶ local API Gateway (http-gateway.ts) ──v2 event──▶ createApiHandler
 *      │ presigned POST                                                    │ AWS SDK
 *      ▼                                                                   ▼
 *   s3rver (S3 API) ──object created──▶ local SQS (ingest-queue.ts) ──▶ createIngestHandler
 *   croner (schedules.ts) ──{ walk: true } every 15 min──▶ createConsolidateHandler / createRemindHandler
 *   dynalite (DynamoDB API) ◀── every adapter;  outbox-mailer ──▶ <dataDir>/outbox/*.eml
 *
 * Data lives under `dataDir` (dynamodb/, s3/, outbox/, dead-letter/, secrets.json), so a restart
 * keeps everything; `runtime.json` tells CLI commands where the running emulators listen.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import type { FormCatalog } from '../../functions/core/forms';
import type { Clock } from '../../functions/core/ports';
import { createApiHandler } from '../../functions/handlers/api';
import { safeError, safePath } from '../../functions/handlers/http/safe-path';
import { createConsolidateHandler } from '../../functions/handlers/consolidate';
import { createIngestHandler } from '../../functions/handlers/ingest';
import { createRemindHandler } from '../../functions/handlers/remind';
import type { Log } from '../../functions/core/log';
import { KEY_PREFIX } from '../../functions/core/storage-layout';
import { composeLocal, consoleLog, type LocalDeps } from './compose';
import { startEmulators, type Emulators } from './emulators';
import { PayloadTooLargeError, toApiGatewayEvent, writeApiGatewayResult } from './http-gateway';
import { createLocalIngestQueue, startLocalUploadSweeper, type LocalIngestQueue, type LocalUploadSweeper } from './ingest-queue';
import { clearRuntimeInfo, writeRuntimeInfo } from './runtime-file';
import { SAMPLES, seedSampleAdmin, seedSampleProvince, seedSampleUnitTypes, type SampleName } from './sample-province';
import { createDynamoDocumentClient } from '../../functions/adapters/aws-clients';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { DynamoUnitTypeStore } from '../../functions/adapters/dynamo-unit-type-store';
import { systemClock } from '../../functions/core/ports';
import { startSchedules, type LocalSchedules } from './schedules';

export interface StartLocalRuntimeOptions {
  /** HTTP port of the portal/API; 0 picks a free one (tests). */
  port: number;
  dataDir: string;
  log?: Log;
  /** Interface to listen on (default 127.0.0.1: the portal is for this machine). */
  host?: string;
  clock?: Clock;
  /** Seed the sample province into an empty registry (default true). */
  seed?: boolean;
  /** Which sample province to seed (TONGHOP_SAMPLE; default `2019`). */
  sample?: SampleName;
  /** Ingest redelivery backoff (default 500 ms) and schedule retry backoff (default 30 s). */
  ingestBackoffMs?: number;
  scheduleBackoffMs?: number;
}

export interface LocalRuntime {
  /** The portal origin, e.g. http://localhost:3000. */
  url: string;
  port: number;
  deps: LocalDeps;
  emulators: Emulators;
  catalog: FormCatalog;
  ingest: LocalIngestQueue;
  sweeper: LocalUploadSweeper;
  schedules: LocalSchedules;
  /** Whether this start seeded the sample province. */
  seeded: boolean;
  /** An active admin of the console to sign in as (the sample admin on first start), if any. */
  consoleAdmin?: string;
  stop(): Promise<void>;
}

/** The HTTP port is taken: say so in words a user can act on. */
export class PortInUseError extends Error {
  constructor(readonly port: number, cause: unknown) {
    super(`Cổng ${port} đang được dùng bởi chương trình khác. Chọn cổng khác, ví dụ: PORT=${port + 1} npm start (port ${port} is in use).`, { cause });
  }
}

function lambdaContext(functionName: string): Context {
  return { functionName, awsRequestId: `local-${Date.now()}`, getRemainingTimeInMillis: () => 900_000 } as Context;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, err) : err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Saves the sample's unit types on the first start of an empty data dir (a short-lived client: the composition loads the catalog as soon as it is built). */
async function seedUnitTypes(emulators: Emulators, sample: SampleName, now: Date): Promise<boolean> {
  if (!SAMPLES[sample].unitTypes) return false;
  const client = createDynamoDocumentClient({ region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials });
  try {
    const place = { client, tableName: emulators.tableName };
    return await seedSampleUnitTypes({ unitTypeStore: new DynamoUnitTypeStore(place), units: new DynamoUnitRepository(place), now }, sample);
  } finally {
    client.destroy();
  }
}

/** Starts emulators, handlers, HTTP server, ingest queue and schedules; resolves once serving. */
export async function startLocalRuntime(options: StartLocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? consoleLog();
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true });

  // The port first: a taken port fails fast, before the data dir is locked.
  let handle: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '2' });
    res.end('Hệ thống đang khởi động, vui lòng thử lại sau giây lát.');
  };
  const server = createServer((req, res) => handle(req, res));
  const port = await listen(server, options.port, host);
  const url = `http://localhost:${port}`;
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  let emulators: Emulators;
  try {
    emulators = await startEmulators({ dataDir: options.dataDir });
  } catch (err) {
    await closeServer();
    throw err;
  }
  const sample = options.sample ?? '2019';
  let typesSeeded = false;
  try {
    // The sample's unit types before anything loads the catalog: its forms are checked against them.
    if (options.seed !== false) typesSeeded = await seedUnitTypes(emulators, sample, (options.clock ?? systemClock).now());
  } catch (err) {
    await emulators.stop();
    await closeServer();
    throw err;
  }
  if (typesSeeded) log.info('sample unit types saved', { sample, types: SAMPLES[sample].unitTypes?.length });
  const deps = composeLocal({ dataDir: options.dataDir, emulators, portalUrl: url, clock: options.clock, log });
  // Undone last-in first-out after the HTTP server stops taking requests.
  const cleanup: Array<() => Promise<void> | void> = [() => emulators.stop(), () => deps.close()];
  const runCleanup = async () => {
    await closeServer();
    for (const step of cleanup.splice(0).reverse()) {
      await Promise.resolve()
        .then(step)
        .catch((err) => log.error('stop step failed', { error: err as Error }));
    }
  };

  try {
    const catalog = await deps.catalog;
    const seeded = options.seed === false ? false : await seedSampleProvince(deps.units, sample);
    if (seeded) log.info('sample province seeded', { sample, units: SAMPLES[sample].units.length });
    const admin = options.seed === false ? { seeded: false, adminEmail: undefined } : await seedSampleAdmin(deps);
    if (admin.seeded) log.info('sample console admin seeded', { email: admin.adminEmail });

    const api = createApiHandler(deps.handlers.api);
    const ingestHandler = createIngestHandler(deps.handlers.ingest);
    const consolidate = createConsolidateHandler(deps.handlers.consolidate);
    const remind = createRemindHandler(deps.handlers.remind);

    const ingest = createLocalIngestQueue({ handler: (event, context) => ingestHandler(event, context), dataDir: options.dataDir, log, backoffMs: options.ingestBackoffMs });
    const unsubscribe = emulators.onObjectCreated((event) => {
      // Same filter as the S3 → SQS notification in AWS: only raw uploads are ingested.
      const uploads = { Records: event.Records.filter((r) => decodeURIComponent(r.s3.object.key).startsWith(KEY_PREFIX.uploads)) };
      if (uploads.Records.length > 0) ingest.enqueue(uploads);
    });
    cleanup.push(async () => {
      unsubscribe();
      await ingest.stop();
    });
    // Uploads a previous run left unfinished, then every minute those whose event never came.
    const sweeper = startLocalUploadSweeper({ ...deps, forms: catalog, queue: ingest, bucketName: deps.config.bucketName });
    cleanup.push(() => sweeper.stop());

    // The handlers walk the catalog on each tick (refreshing it first), so a form published
    // while this runs is scheduled without a restart.
    const schedules = startSchedules(
      {
        consolidate: (event) => consolidate(event, lambdaContext('tonghop-consolidate-local')),
        remind: (event) => remind(event, lambdaContext('tonghop-remind-local')),
      },
      log,
      { backoffMs: options.scheduleBackoffMs },
    );
    cleanup.push(() => schedules.stop());

    handle = (req, res) => {
      void (async () => {
        try {
          if (req.url === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
            res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
            res.end(JSON.stringify({ status: 'ok', portalUrl: url, forms: catalog.list().map((f) => f.id) }));
            return;
          }
          const event = await toApiGatewayEvent(req);
          const result = await api(event, lambdaContext('tonghop-api-local'));
          writeApiGatewayResult(res, result, req.method);
        } catch (err) {
          const tooLarge = err instanceof PayloadTooLargeError;
          if (!tooLarge) log.error('request failed', { method: req.method, path: safePath(req.url ?? ''), error: safeError(err) });
          if (!res.headersSent) res.writeHead(tooLarge ? 413 : 500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(tooLarge ? 'Yêu cầu quá lớn.' : 'Lỗi hệ thống. Vui lòng thử lại sau.');
        }
      })();
    };

    writeRuntimeInfo(options.dataDir, {
      pid: process.pid,
      portalUrl: url,
      port,
      startedAt: new Date().toISOString(),
      endpoints: emulators.endpoints,
      tableName: emulators.tableName,
      bucketName: emulators.bucketName,
      region: emulators.region,
    });
    cleanup.push(() => clearRuntimeInfo(options.dataDir));

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      deps,
      emulators,
      catalog,
      ingest,
      sweeper,
      schedules,
      seeded,
      consoleAdmin: admin.adminEmail,
      stop: () => (stopping ??= runCleanup()),
    };
  } catch (err) {
    await runCleanup();
    throw err;
  }
}
