/**
 * The LOCAL composition root (house style §2): the same AWS adapters Lambda uses, pointed at the
 * embedded emulators' endpoints, plus the data dir's link secret and the `.eml` outbox mailer
 * (`<dataDir>/outbox/`). The runtime and every CLI command get their
 * dependencies here, so local behaviour is the Lambda behaviour with different endpoints.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoOnceLedger } from '../../functions/adapters/dynamo-once-ledger';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { join } from 'node:path';
import { loadFormCatalog, type FormCatalog } from '../../functions/core/forms/catalog';
import type { Clock, FileStore, LinkKeyStore, Mailer, OnceLedger, SubmissionRepository, UnitRepository } from '../../functions/core/ports';
import { systemClock } from '../../functions/core/ports';
import type { Emulators } from './emulators';
import { localSecretSource } from './local-secrets';
import { OutboxMailer } from './outbox-mailer';

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
  /** Form definitions folder (default: this checkout's templates/). */
  templatesDir?: string;
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
    /** Origin of presigned POST targets (the embedded S3), allowed by the portal's CSP. */
    uploadOrigin: string;
    outboxDir: string;
  };
  /** The form catalog, loaded once (`await deps.catalog`); handlers accept the promise as is. */
  catalog: Promise<FormCatalog>;
  /** Public portal origin (same as `config.portalUrl`): unit links are `<portalUrl>/u/<token>`. */
  portalUrl: string;
  mail: { from: string };
  mailer: Mailer;
  clients: { dynamo: DynamoDBDocumentClient; s3: S3Client };
  units: UnitRepository;
  submissions: SubmissionRepository;
  files: FileStore;
  ledger: OnceLedger;
  /** The link-signing keys, rotatable by `links rotate-key`. */
  secrets: LinkKeyStore;
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

/** A logger that drops everything (tests, benchmarks). */
export const silentLog: LocalLog = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** Builds the local dependencies over the emulators. Call `close()` when done. */
export function composeLocal(options: ComposeLocalOptions): LocalDeps {
  const { emulators } = options;
  const clientOptions = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
  const dynamo = createDynamoDocumentClient(clientOptions);
  const s3 = createS3Client(clientOptions);
  const clock = options.clock ?? systemClock;
  const tableName = emulators.tableName;
  const log = options.log ?? consoleLog();
  const portalUrl = options.portalUrl.replace(/\/+$/, '');
  const mailFrom = options.mailFrom ?? DEFAULT_MAIL_FROM;
  const outboxDir = join(options.dataDir, 'outbox');
  const catalog = loadFormCatalog(options.templatesDir);
  // Whoever awaits the catalog sees a load failure; nobody awaiting must not crash the process.
  catalog.catch(() => undefined);
  return {
    config: {
      dataDir: options.dataDir,
      portalUrl,
      tableName,
      bucketName: emulators.bucketName,
      region: emulators.region,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      mailFrom,
      uploadOrigin: new URL(emulators.endpoints.s3).origin,
      outboxDir,
    },
    catalog,
    portalUrl,
    mail: { from: mailFrom },
    mailer: new OutboxMailer({ dir: outboxDir, clock, onWritten: (file) => log.info('email written to outbox', { file }) }),
    clients: { dynamo, s3 },
    units: new DynamoUnitRepository({ client: dynamo, tableName }),
    submissions: new DynamoSubmissionRepository({ client: dynamo, tableName, clock }),
    files: new S3FileStore({ client: s3, bucket: emulators.bucketName }),
    ledger: new DynamoOnceLedger({ client: dynamo, tableName, clock }),
    secrets: localSecretSource(options.dataDir),
    clock,
    log,
    close() {
      dynamo.destroy();
      s3.destroy();
    },
  };
}
