/**
 * The LOCAL composition root (house style §2): the same AWS adapters Lambda uses, pointed at the
 * embedded emulators' endpoints, plus the data dir's link secret and (when the consolidation
 * capability lands) the `.eml` outbox mailer. The runtime and every CLI command get their
 * dependencies here, so local behaviour is the Lambda behaviour with different endpoints.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoOnceLedger } from '../../functions/adapters/dynamo-once-ledger';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import type { Clock, FileStore, OnceLedger, SecretSource, SubmissionRepository, UnitRepository } from '../../functions/core/ports';
import { systemClock } from '../../functions/core/ports';
import type { Emulators } from './emulators';
import { localSecretSource } from './local-secrets';

/** Where the emulators listen (from `startEmulators`, or a running instance's runtime.json). */
export type LocalEndpoints = Pick<Emulators, 'endpoints' | 'tableName' | 'bucketName' | 'region' | 'credentials'>;

export interface LocalLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  debug(message: string, extra?: Record<string, unknown>): void;
}

export interface ComposeLocalOptions {
  dataDir: string;
  emulators: LocalEndpoints;
  /** Public origin of the portal, e.g. http://localhost:3000 (unit links are `<portalUrl>/u/<token>`). */
  portalUrl: string;
  clock?: Clock;
  log?: LocalLog;
  /** Upload size limit (default 5 MB, as in AWS). */
  maxUploadBytes?: number;
  mailFrom?: string;
}

/** Everything a handler or CLI command may need locally. Additive: new capabilities add fields. */
export interface LocalDeps {
  config: {
    dataDir: string;
    portalUrl: string;
    tableName: string;
    bucketName: string;
    region: string;
    maxUploadBytes: number;
    mailFrom: string;
  };
  clients: { dynamo: DynamoDBDocumentClient; s3: S3Client };
  units: UnitRepository;
  submissions: SubmissionRepository;
  files: FileStore;
  ledger: OnceLedger;
  secrets: SecretSource;
  clock: Clock;
  log: LocalLog;
  /** Closes the SDK clients' sockets. */
  close(): void;
}

export const DEFAULT_MAIL_FROM = 'Ban Tổ chức Tỉnh ủy <tonghop@tinhuy.example.vn>';
export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** A console logger with one JSON line of details, quiet on debug unless TONGHOP_DEBUG is set. */
export function consoleLog(stream: NodeJS.WritableStream = process.stderr): LocalLog {
  const line = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    const details = extra && Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra, (_k, v) => (v instanceof Error ? { name: v.name, message: v.message } : v))}` : '';
    stream.write(`[${new Date().toISOString()}] ${level} ${message}${details}\n`);
  };
  const debug = process.env.TONGHOP_DEBUG ? line('debug') : () => undefined;
  return { info: line('info'), warn: line('warn'), error: line('error'), debug };
}

/** Builds the local dependencies over the emulators. Call `close()` when done. */
export function composeLocal(options: ComposeLocalOptions): LocalDeps {
  const { emulators } = options;
  const clientOptions = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
  const dynamo = createDynamoDocumentClient(clientOptions);
  const s3 = createS3Client(clientOptions);
  const clock = options.clock ?? systemClock;
  const tableName = emulators.tableName;
  return {
    config: {
      dataDir: options.dataDir,
      portalUrl: options.portalUrl.replace(/\/+$/, ''),
      tableName,
      bucketName: emulators.bucketName,
      region: emulators.region,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      mailFrom: options.mailFrom ?? DEFAULT_MAIL_FROM,
    },
    clients: { dynamo, s3 },
    units: new DynamoUnitRepository({ client: dynamo, tableName }),
    submissions: new DynamoSubmissionRepository({ client: dynamo, tableName, clock }),
    files: new S3FileStore({ client: s3, bucket: emulators.bucketName }),
    ledger: new DynamoOnceLedger({ client: dynamo, tableName, clock }),
    secrets: localSecretSource(options.dataDir),
    clock,
    log: options.log ?? consoleLog(),
    close() {
      dynamo.destroy();
      s3.destroy();
    },
  };
}
