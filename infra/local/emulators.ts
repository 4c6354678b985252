/**
 * The embedded AWS-compatible services: dynalite (DynamoDB API) and s3rver (S3 API), each on a
 * free loopback port, persisted under `dataDir` (or in memory / a temp folder when omitted).
 * Creates the table and bucket on first start. The rest of the system talks to them through
 * the ordinary AWS SDK clients with only the endpoint changed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../functions/adapters/table-schema';
import { acquireDataDirLock } from './data-dir-lock';

// Neither package ships types; the surface used here is small. Loaded on first start only, so
// importing this module (e.g. for LOCAL_CREDENTIALS) stays cheap for CLI commands that talk to
// an already running instance.
type Dynalite = (opts: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => import('node:net').Server;
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance;
const loadDynalite = () => require('dynalite') as Dynalite; // eslint-disable-line @typescript-eslint/no-require-imports
const loadS3rver = () => require('s3rver') as S3rverClass; // eslint-disable-line @typescript-eslint/no-require-imports

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3EventNotification) => void): void;
  off(event: 'event', listener: (event: S3EventNotification) => void): void;
}

/** The S3 event notification shape s3rver emits (the same JSON as AWS's). */
export interface S3EventNotification {
  Records: Array<{
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
  }>;
}

export interface EmulatorOptions {
  /** Persist under this folder (`<dataDir>/dynamodb`, `<dataDir>/s3`); omitted: throwaway storage. */
  dataDir?: string;
  tableName?: string;
  bucketName?: string;
  /** Origins allowed to POST uploads from a browser (CORS on the bucket). */
  corsOrigins?: string[];
}

export interface Emulators {
  endpoints: { dynamodb: string; s3: string };
  tableName: string;
  bucketName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Subscribe to object-created events (S3 notification JSON). Returns an unsubscribe function. */
  onObjectCreated(listener: (event: S3EventNotification) => void): () => void;
  stop(): Promise<void>;
}

export const LOCAL_REGION = 'ap-southeast-1';
/** s3rver accepts these fixed credentials; dynalite accepts any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function corsXml(origins: string[]): string {
  const rules = origins
    .map(
      (o) => `<CORSRule><AllowedOrigin>${o}</AllowedOrigin><AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>`,
    )
    .join('');
  return `<CORSConfiguration>${rules}</CORSConfiguration>`;
}

/** Starts dynalite and s3rver on free loopback ports and provisions the table and bucket. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const tableName = options.tableName ?? 'tonghop';
  const bucketName = options.bucketName ?? 'tonghop-local';
  const temp = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'tonghop-s3-'));
  const s3Dir = options.dataDir ? join(options.dataDir, 's3') : temp!;
  mkdirSync(s3Dir, { recursive: true });
  const dynamoDir = options.dataDir ? join(options.dataDir, 'dynamodb') : undefined;
  if (dynamoDir) mkdirSync(dynamoDir, { recursive: true });
  // A second dynalite on the same folder crashes the process: refuse it up front instead.
  const releaseLock = options.dataDir ? acquireDataDirLock(options.dataDir) : () => undefined;

  const dynalite = loadDynalite();
  const S3rver = loadS3rver();
  const dynamo = dynalite({ path: dynamoDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let s3: S3rverInstance | undefined;
  let endpoints: { dynamodb: string; s3: string };
  try {
    await new Promise<void>((resolve, reject) => {
      dynamo.once('error', reject);
      dynamo.listen(0, '127.0.0.1', () => resolve());
    });
    const dynamoPort = (dynamo.address() as AddressInfo).port;

    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      directory: s3Dir,
      silent: true,
      configureBuckets: [{ name: bucketName, configs: [corsXml(options.corsOrigins ?? ['*'])] }],
    });
    const s3Address = await s3.run();

    endpoints = { dynamodb: `http://127.0.0.1:${dynamoPort}`, s3: `http://127.0.0.1:${s3Address.port}` };
    await ensureTable(endpoints.dynamodb, tableName);
  } catch (err) {
    await s3?.close().catch(() => undefined);
    await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    releaseLock();
    throw err;
  }
  const s3Server = s3;

  let stopped = false;
  return {
    endpoints,
    tableName,
    bucketName,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    onObjectCreated(listener) {
      const filtered = (event: S3EventNotification) => {
        if (event.Records.some((r) => r.eventName.startsWith('ObjectCreated'))) listener(event);
      };
      s3Server.on('event', filtered);
      return () => s3Server.off('event', filtered);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await s3Server.close();
        await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      } finally {
        releaseLock();
        if (temp) rmSync(temp, { recursive: true, force: true });
      }
    },
  };
}

async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    // dynalite answers CreateTable while the table is still CREATING (its items then read as
    // ResourceNotFound): wait until it is ACTIVE, since the catalog reads the table at once.
    for (let i = 0; i < 250; i += 1) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    client.destroy();
  }
}
