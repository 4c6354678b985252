/**
 * The local runtime's call of the one composition root (functions/compose.ts): the same
 * adapters, settings and constants Lambda gets, with SDK clients pointed at the embedded
 * emulators, the `.eml` outbox mailer (`<dataDir>/outbox/`) and the data dir's link secret.
 * The runtime and every local CLI command get their dependencies here.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { composeRuntime, uploadOriginFor, type Composition } from '../../functions/compose';
import { settingsFrom } from '../../functions/config';
import type { Log } from '../../functions/core/log';
import type { Clock, LinkKeyStore } from '../../functions/core/ports';
import { systemClock } from '../../functions/core/ports';
import { localRuntimeConfig } from './config';
import type { Emulators } from './emulators';
import { inProcessReminderQueue } from './in-process-reminder-queue';
import { localSecretSource } from './local-secrets';
import { OutboxMailer } from './outbox-mailer';

export { silentLog } from '../../functions/core/log';

/** Where the emulators listen (from `startEmulators`, or a running instance's runtime.json). */
export type LocalEndpoints = Pick<Emulators, 'endpoints' | 'tableName' | 'bucketName' | 'region' | 'credentials'>;

/** @deprecated The one logger type is `Log` (functions/core/log.ts). */
export type LocalLog = Log;

export interface ComposeLocalOptions {
  dataDir: string;
  emulators: LocalEndpoints;
  /** Public origin of the portal, e.g. http://localhost:3000 (unit links are `<portalUrl>/u/<token>`). */
  portalUrl: string;
  clock?: Clock;
  log?: Log;
  /** The environment's shared settings (limits, sender, form folder); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Form definitions folder; overrides TONGHOP_TEMPLATES_DIR (default: this checkout's templates/). */
  templatesDir?: string;
  /** Told the path of each message the outbox mailer writes (the CLI prints them). */
  onEmail?: (file: string) => void;
}

/** Everything a handler or CLI command may need: the composition plus what only a local runtime has. */
export interface LocalDeps extends Composition<LinkKeyStore> {
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
  /** Public portal origin (same as `config.portalUrl`): unit links are `<portalUrl>/u/<token>`. */
  portalUrl: string;
  mail: { from: string };
  clients: { dynamo: DynamoDBDocumentClient; s3: S3Client };
  /** The link-signing keys, rotatable by `links rotate-key`. */
  secrets: LinkKeyStore;
  /** Closes the SDK clients' sockets. */
  close(): void;
}

/**
 * Locally the catalog is revalidated every few seconds (one Query on the emulator): a form
 * published from another terminal shows on the running portal almost at once.
 */
export const LOCAL_CATALOG_MAX_AGE_MS = 3_000;

/** A console logger with one JSON line of details, quiet on debug unless TONGHOP_DEBUG is set. */
export function consoleLog(stream: NodeJS.WritableStream = process.stderr): Log {
  const line =
    (level: string) =>
    (message: string, ...extra: Array<Record<string, unknown>>) => {
      const merged = Object.assign({}, ...extra) as Record<string, unknown>;
      const details = Object.keys(merged).length > 0 ? ` ${JSON.stringify(merged, (_k, v) => (v instanceof Error ? { name: v.name, message: v.message } : v))}` : '';
      stream.write(`[${new Date().toISOString()}] ${level} ${message}${details}\n`);
    };
  const debug = process.env.TONGHOP_DEBUG ? line('debug') : () => undefined;
  return { info: line('info'), warn: line('warn'), error: line('error'), debug };
}

/** Builds the local dependencies over the emulators. Call `close()` when done. */
export function composeLocal(options: ComposeLocalOptions): LocalDeps {
  const { emulators } = options;
  const env = options.env ?? process.env;
  const config = localRuntimeConfig(options.templatesDir ? { ...env, TONGHOP_TEMPLATES_DIR: options.templatesDir } : env, {
    tableName: emulators.tableName,
    bucketName: emulators.bucketName,
    region: emulators.region,
    portalUrl: options.portalUrl,
  });
  const settings = settingsFrom(config);
  const clientOptions = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
  const clients = { dynamo: createDynamoDocumentClient(clientOptions), s3: createS3Client(clientOptions) };
  const clock = options.clock ?? systemClock;
  const log = options.log ?? consoleLog();
  const outboxDir = join(options.dataDir, 'outbox');
  const mailer = new OutboxMailer({
    dir: outboxDir,
    clock,
    onWritten: (file) => {
      log.info('email written to outbox', { file });
      options.onEmail?.(file);
    },
  });
  // The seed catalog (templates/) is published on every start, idempotently: a local data dir always has the forms.
  const composition = composeRuntime({ settings, clients, log, clock, mailer, secrets: localSecretSource(options.dataDir), reminderQueue: inProcessReminderQueue, s3Endpoint: emulators.endpoints.s3, seedForms: true, catalogMaxAgeMs: LOCAL_CATALOG_MAX_AGE_MS });
  return runtimeDeps(composition, {
    dataDir: options.dataDir,
    clients,
    uploadOrigin: uploadOriginFor(settings, emulators.endpoints.s3),
    close() {
      clients.dynamo.destroy();
      clients.s3.destroy();
    },
  });
}

/** A composition shaped for the CLI and the local runtime: the composition plus its clients, data dir and `close`. */
export function runtimeDeps(composition: Composition<LinkKeyStore>, extras: { dataDir: string; clients: LocalDeps['clients']; uploadOrigin: string; close(): void }): LocalDeps {
  const { settings } = composition;
  const mailFrom = settings.mail.from ?? '';
  return Object.assign(composition, {
    config: {
      dataDir: extras.dataDir,
      portalUrl: settings.portalUrl,
      tableName: settings.tableName,
      bucketName: settings.bucketName,
      region: settings.region,
      maxUploadBytes: settings.maxUploadBytes,
      mailFrom,
      uploadOrigin: extras.uploadOrigin,
      outboxDir: join(extras.dataDir, 'outbox'),
    },
    portalUrl: settings.portalUrl,
    mail: { from: mailFrom },
    clients: extras.clients,
    close: extras.close,
  });
}
