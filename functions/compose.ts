/**
 * The one composition root. Every runtime builds its dependencies here: the four Lambda entries
 * (`functions/lambda/*.ts`), the local runtime behind `npm start` and the CLI on either target
 * (`infra/local/compose.ts`, `infra/cli/aws-deps.ts`). What they pass in is all that differs
 * between them: the SDK clients (AWS's endpoints or the embedded emulators'), the mailer (SES or
 * the `.eml` outbox) and the link-secret source (Secrets Manager or the data dir's secret). The
 * adapters, table and bucket, limits and storage constants are chosen here, once.
 *
 * One builder per capability over shared pieces, rather than one function returning everything:
 * a Lambda bundle then holds only the adapters its capability uses (esbuild drops the builders
 * and classes an entry never reaches, so ingest bundles no S3 presigner and no SES client);
 * `composeRuntime` calls them all for the runtimes that serve every capability.
 *
 * Lambda-importable: nothing local-only or test-only is imported here.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from './adapters/dynamo-audit-log';
import { DynamoCalendarStore } from './adapters/dynamo-calendar-store';
import { DynamoOnceLedger } from './adapters/dynamo-once-ledger';
import { DynamoOperatorRegistry } from './adapters/dynamo-operator-registry';
import { DynamoReviewStore } from './adapters/dynamo-review-store';
import { DynamoSignInStore } from './adapters/dynamo-sign-in-store';
import { DynamoSubmissionRepository } from './adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from './adapters/dynamo-unit-repository';
import { DynamoUnitTypeStore } from './adapters/dynamo-unit-type-store';
import { S3FileStore } from './adapters/s3-file-store';
import { S3ObjectStore } from './adapters/s3-object-store';
import type { AppSettings } from './config';
import { ConfigError } from './core/errors';
import type { ProvinceCalendar } from './core/calendar/calendar';
import type { CalendarStore } from './core/calendar/calendar-store';
import { loadCalendar } from './core/calendar/edit-calendar';
import { VIETNAM_CALENDAR } from './core/calendar/vietnam';
import { readSeedDefinitions, type FormCatalog, type LiveFormCatalog } from './core/forms/catalog';
import { createLiveFormCatalog, staticLiveCatalog } from './core/forms/live-catalog';
import { DynamoS3FormStore } from './adapters/dynamo-s3-form-store';
import { seedFormCatalog } from './core/usecases/publish-form';
import type { Log } from './core/log';
import type { SignInDeps } from './core/operators/sign-in';
import {
  systemClock, systemTimer, type AuditLog, type Clock, type FileStore, type Mailer, type OnceLedger, type OperatorRegistry, type RateLimiter, type ReminderQueue, type SecretSource, type SessionStore,
  type SignInTokenStore, type SubmissionRepository, type UnitRepository, type ReviewStore, type PeriodLockStore, type UnitTypeStore, type FormDefinitionStore,
} from './core/ports';
import { loadUnitTypeRegistry, unitTypesLoader } from './core/usecases/manage-unit-types';
import { INGEST_MAX_RECEIVE_COUNT } from './core/storage-layout';
import type { ApiDeps } from './handlers/api';
import type { ConsolidateHandlerDeps } from './handlers/consolidate';
import type { IngestHandlerDeps } from './handlers/ingest';
import type { RemindHandlerDeps } from './handlers/remind';
import type { RemindUnitHandlerDeps } from './handlers/remind-unit';
import type { SweepHandlerDeps } from './handlers/sweep';
import type { ChartRenderer } from './core/briefing/model';
import type { PeriodLockDeps } from './core/usecases/period-locks';
import type { ReviewSubmissionDeps } from './core/usecases/review-submission';

/** The SDK clients a runtime created (aws-clients.ts): AWS's endpoints, or the emulators'. */
export interface Clients {
  dynamo: DynamoDBDocumentClient;
  s3: S3Client;
}

/** What every builder takes. */
export interface CompositionInput<C extends Partial<Clients> = Clients> {
  settings: AppSettings;
  clients: C;
  log: Log;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * The form catalog. Default: the published definitions in the table and bucket, revalidated
   * every 5 minutes (`createLiveFormCatalog`). Tests may pass a fixed catalog (its refresh does
   * nothing) or its loading promise.
   */
  catalog?: FormCatalog | Promise<FormCatalog>;
  /**
   * Publish the seed catalog (`*.json` in `settings.templatesDir`) before the first load: the
   * local runtime and the local CLI, on every start (idempotent: what is published with the same
   * content is left alone, a differing seed is logged and skipped). In AWS the deploy's seed
   * function does it.
   */
  seedForms?: boolean;
  /** How long the live catalog trusts its snapshot (default 5 minutes; the local runtime checks every few seconds, a Query on the emulator). */
  catalogMaxAgeMs?: number;
  /**
   * The S3 endpoint override (the local emulator), when any: browsers post uploads there and the
   * portal's CSP allows its origin. Default: the bucket's virtual-hosted AWS origin.
   */
  s3Endpoint?: string;
}

/** Ports every capability shares, over DynamoDB: reviews and period locks too (ingest and uploads check locks, consolidation reads reviews). */
function records(input: CompositionInput<Pick<Clients, 'dynamo'>>) {
  const { dynamo } = input.clients;
  const { tableName } = input.settings;
  const clock = input.clock ?? systemClock;
  const reviewStore = new DynamoReviewStore({ client: dynamo, tableName });
  return {
    units: new DynamoUnitRepository({ client: dynamo, tableName }),
    unitTypeStore: new DynamoUnitTypeStore({ client: dynamo, tableName }) as UnitTypeStore,
    submissions: new DynamoSubmissionRepository({ client: dynamo, tableName, clock }),
    reviews: reviewStore as ReviewStore,
    locks: reviewStore as PeriodLockStore,
    clock,
  };
}

/** The province calendar's store (one item in the table); read by every catalog, written by the CLI. */
export function calendarStore(input: CompositionInput<Pick<Clients, 'dynamo'>>): CalendarStore {
  return new DynamoCalendarStore({ client: input.clients.dynamo, tableName: input.settings.tableName });
}

/**
 * The province calendar a catalog is built with: the saved one, or the shipped one when nothing
 * is saved — and also when it cannot be read, logged as an error, so one failed read at a cold
 * start does not take every deadline down with it (the next cold start reads it again).
 */
function provinceCalendarOf(input: CompositionInput<Partial<Clients>>): Promise<ProvinceCalendar> {
  const { dynamo } = input.clients;
  if (!dynamo) return Promise.resolve(VIETNAM_CALENDAR);
  return loadCalendar(calendarStore({ ...input, clients: { dynamo } })).catch((err: unknown) => {
    input.log.error('province calendar unreadable: using the shipped calendar', { err });
    return VIETNAM_CALENDAR;
  });
}

/** The published form definitions: bodies in the bucket, the index in the table. */
export function formStoreOf(input: CompositionInput<Pick<Clients, 'dynamo' | 's3'>>): FormDefinitionStore {
  return new DynamoS3FormStore({
    client: input.clients.dynamo,
    tableName: input.settings.tableName,
    objects: new S3ObjectStore({ client: input.clients.s3, bucket: input.settings.bucketName }),
  });
}

/**
 * The live catalog, loaded once (seeded first when `seedForms`); handlers call `refresh()` on it
 * at the start of every invocation or request. A fixed catalog passed in is wrapped as a live one.
 * Each load reads the published forms, the deployment's unit types (the table's saved list, or
 * the 2019 types when nothing was saved; every form is checked against them) and the province
 * calendar the forms are resolved against.
 */
function catalogOf(input: CompositionInput<Pick<Clients, 'dynamo' | 's3'>>): Promise<LiveFormCatalog> {
  if (input.catalog) {
    const given = input.catalog;
    return lazyPromise(() => Promise.resolve(given).then((c) => ('refresh' in c && 'invalidate' in c ? (c as LiveFormCatalog) : staticLiveCatalog(c))));
  }
  const store = formStoreOf(input);
  const clock = input.clock ?? systemClock;
  const unitTypeStore = new DynamoUnitTypeStore({ client: input.clients.dynamo, tableName: input.settings.tableName });
  const live = createLiveFormCatalog({
    store,
    clock,
    log: input.log,
    maxAgeMs: input.catalogMaxAgeMs,
    loadCalendar: () => provinceCalendarOf(input),
    loadUnitTypes: unitTypesLoader(unitTypeStore),
  });
  return lazyPromise(async () => {
    if (input.seedForms) await seedFormCatalog({ forms: store, clock, log: input.log, unitTypes: await loadUnitTypeRegistry(unitTypeStore) }, await readSeedDefinitions(input.settings.templatesDir));
    await live.refresh();
    return live;
  });
}

/**
 * A promise whose work starts when first awaited: building a capability's dependencies reads
 * nothing (a CLI command that never reads a form starts no load that could outlive its clients);
 * the first invocation or request that needs the catalog loads it.
 */
let sharedChartRenderer: ChartRenderer | undefined;
/**
 * One chart renderer per process: its WebAssembly module and fonts load once, at the first chart.
 * ECharts itself (≈ 1.3 MB of JavaScript) is imported then too, not with the composition: a CLI
 * command that never draws (`units list`) does not compile it (the CLI build puts it in its own chunk).
 */
function chartRenderer(): ChartRenderer {
  let renderer: Promise<ChartRenderer> | undefined;
  sharedChartRenderer ??= {
    render: async (charts) => (await (renderer ??= import('./adapters/echarts-chart-renderer').then((m) => m.createChartRenderer()))).render(charts),
  };
  return sharedChartRenderer;
}

function lazyPromise<T>(start: () => Promise<T>): Promise<T> {
  let started: Promise<T> | undefined;
  const run = () => {
    if (!started) {
      started = start();
      // Whoever awaits it sees a failure; nobody awaiting must not crash the process.
      started.catch(() => undefined);
    }
    return started;
  };
  return {
    then: (onFulfilled, onRejected) => run().then(onFulfilled, onRejected),
    catch: (onRejected) => run().catch(onRejected),
    finally: (onFinally) => run().finally(onFinally),
    [Symbol.toStringTag]: 'Promise',
  };
}

function onceLedger(input: CompositionInput<Pick<Clients, 'dynamo'>>): OnceLedger {
  return new DynamoOnceLedger({ client: input.clients.dynamo, tableName: input.settings.tableName, clock: input.clock ?? systemClock });
}

/**
 * The console's records: the operators registry, sign-in tokens, sessions and rate counters (one
 * adapter, three ports) and the audit log. Apart from `records` so the Lambdas that never see an
 * operator do not bundle them.
 */
export function consoleRecords(input: CompositionInput<Pick<Clients, 'dynamo'>>): {
  operators: OperatorRegistry;
  signInTokens: SignInTokenStore;
  sessions: SessionStore;
  rateLimiter: RateLimiter;
  audit: AuditLog;
} {
  const options = { client: input.clients.dynamo, tableName: input.settings.tableName };
  const signIn = new DynamoSignInStore(options);
  return { operators: new DynamoOperatorRegistry(options), signInTokens: signIn, sessions: signIn, rateLimiter: signIn, audit: new DynamoAuditLog(options) };
}

/** Passwordless sign-in and sessions (the console's routes call these use cases): the link is emailed from the configured sender. */
export function composeSignIn(input: CompositionInput<Pick<Clients, 'dynamo'>> & { mailer: Mailer }): SignInDeps & { audit: AuditLog } {
  return {
    ...consoleRecords(input),
    clock: input.clock ?? systemClock,
    timer: systemTimer,
    mailer: input.mailer,
    portalUrl: input.settings.portalUrl,
    mail: { from: requireMailFrom(input.settings) },
    log: input.log,
  };
}

/** The sender, which anything that sends mail requires; throws `ConfigError` naming the variable. */
export function requireMailFrom(settings: AppSettings): string {
  if (!settings.mail.from) throw new ConfigError('Invalid configuration: TONGHOP_MAIL_FROM (the sender, a verified SES identity in AWS) is required to send email');
  return settings.mail.from;
}

/** Where browsers post uploads: the S3 endpoint override's origin, or the bucket's own (virtual-hosted). */
export function uploadOriginFor(settings: AppSettings, s3Endpoint?: string): string {
  return s3Endpoint ? new URL(s3Endpoint).origin : `https://${settings.bucketName}.s3.${settings.region}.amazonaws.com`;
}

/** Ingest (S3 → SQS → ingestUpload): an unsigned object store, since ingest hands out no links. */
export function composeIngest(input: CompositionInput): IngestHandlerDeps {
  return {
    ...records(input),
    files: new S3ObjectStore({ client: input.clients.s3, bucket: input.settings.bucketName }),
    catalog: catalogOf(input),
    maxUploadBytes: input.settings.maxUploadBytes,
    maxReceiveCount: INGEST_MAX_RECEIVE_COUNT,
    log: input.log,
  };
}

/**
 * The portal and its API (presigned uploads and downloads, signed unit links) and the operator
 * console (sign-in and consolidations emailed by `mailer`; reviews and period locks in the table,
 * a return emailed to the unit by `mailer` with its link signed by `secrets`).
 */
export function composeApi(input: CompositionInput & { secrets: SecretSource; mailer: Mailer }): ApiDeps {
  const { settings } = input;
  const signIn = composeSignIn(input);
  const files = new S3FileStore({ client: input.clients.s3, bucket: settings.bucketName });
  const shared = records(input);
  return {
    ...shared,
    files,
    catalog: catalogOf(input),
    secrets: input.secrets,
    config: { maxUploadBytes: settings.maxUploadBytes, portalUrl: settings.portalUrl, uploadOrigin: uploadOriginFor(settings, input.s3Endpoint) },
    logger: input.log,
    console: {
      signIn,
      audit: signIn.audit,
      forms: formStoreOf(input),
      consolidation: { files, ledger: onceLedger(input), reviews: shared.reviews, mailer: input.mailer, charts: chartRenderer(), mail: { from: signIn.mail.from, maxMessageBytes: settings.mail.maxMessageBytes, portalUrl: settings.portalUrl } },
    },
  };
}

/** The consolidation: workbooks in S3 (linked to the console's download route when too big to attach), emailed once per content. */
export function composeConsolidation(input: CompositionInput & { mailer: Mailer }): ConsolidateHandlerDeps {
  const { settings } = input;
  return {
    ...records(input),
    files: new S3FileStore({ client: input.clients.s3, bucket: settings.bucketName }),
    forms: catalogOf(input),
    ledger: onceLedger(input),
    mailer: input.mailer,
    charts: chartRenderer(),
    // A workbook too large to attach is linked to the console's download route on the portal.
    mail: { from: requireMailFrom(settings), maxMessageBytes: settings.mail.maxMessageBytes, portalUrl: settings.portalUrl },
    log: input.log,
  };
}

/**
 * The daily reminder run: works out who is due, hands each unit's reminder to `queue` (SQS in
 * AWS, the worker in-process locally) and emails the late digest itself.
 */
export function composeReminders(input: CompositionInput & { mailer: Mailer; queue: ReminderQueue }): RemindHandlerDeps {
  return {
    ...records(input),
    forms: catalogOf(input),
    ledger: onceLedger(input),
    mailer: input.mailer,
    queue: input.queue,
    mail: { from: requireMailFrom(input.settings) },
    log: input.log,
  };
}

/** The reminder worker: one unit's reminder, its link signed with the current link key, emailed once per day. */
export function composeReminderWorker(input: CompositionInput & { mailer: Mailer; secrets: SecretSource }): RemindUnitHandlerDeps {
  const { settings } = input;
  return {
    ...records(input),
    forms: catalogOf(input),
    ledger: onceLedger(input),
    mailer: input.mailer,
    secrets: input.secrets,
    portalUrl: settings.portalUrl,
    mail: { from: requireMailFrom(settings) },
    log: input.log,
  };
}

/**
 * The upload sweeper: recent uploads listed in S3, their submissions read in DynamoDB, stalled
 * ones handed to `requeue` (the ingest queue in AWS, the in-process queue locally), its counts to
 * `metrics` (EMF log lines in AWS).
 */
export function composeSweep(input: CompositionInput & Pick<SweepHandlerDeps, 'requeue' | 'metrics'>): SweepHandlerDeps {
  const { submissions, clock } = records(input);
  return {
    files: new S3ObjectStore({ client: input.clients.s3, bucket: input.settings.bucketName }),
    submissions,
    clock,
    forms: catalogOf(input),
    requeue: input.requeue,
    metrics: input.metrics,
    log: input.log,
  };
}

/** What reviewing and locking need (`reviewSubmission`, `lockPeriod`, `unlockPeriod`, `grantLockException`), the catalog still loading. */
export type ReviewComposition = Omit<ReviewSubmissionDeps & PeriodLockDeps, 'catalog'> & { catalog: Promise<LiveFormCatalog> };

/**
 * Review and period locks for the CLI: reviews and locks in the table, the audit log, and the
 * return email signed and sent like a reminder. The console's routes take the same pieces from
 * `composeApi` (the api's `reviews`, `locks`, `secrets`, and its sign-in's mailer and sender).
 */
export function composeReview(input: CompositionInput & { mailer: Mailer; secrets: SecretSource }): ReviewComposition {
  const { reviews, locks, submissions, units, clock } = records(input);
  return {
    catalog: catalogOf(input),
    reviews,
    locks,
    submissions,
    units,
    clock,
    audit: consoleRecords(input).audit,
    mailer: input.mailer,
    secrets: input.secrets,
    portalUrl: input.settings.portalUrl,
    mail: { from: requireMailFrom(input.settings) },
    log: input.log,
  };
}

/** Every capability, for a runtime that serves them all (the local runtime, the CLI). */
export interface Composition<S extends SecretSource = SecretSource> {
  settings: AppSettings;
  /** The live catalog once loaded (and seeded, when `seedForms`). */
  catalog: Promise<LiveFormCatalog>;
  /** Published form definitions (`tonghop forms publish|list|show|export|retire`). */
  formStore: FormDefinitionStore;
  clock: Clock;
  log: Log;
  mailer: Mailer;
  secrets: S;
  units: UnitRepository;
  /** The deployment's unit types (`tonghop unit-types`); the catalog carries them as a registry. */
  unitTypeStore: UnitTypeStore;
  submissions: SubmissionRepository;
  /** Reviews of accepted reports and period locks (`tonghop review`, `tonghop periods`). */
  reviews: ReviewStore;
  /** The province calendar's store (`tonghop calendar`); forms read it through the catalog. */
  calendar: CalendarStore;
  locks: PeriodLockStore;
  files: FileStore;
  ledger: OnceLedger;
  /** The console's operators registry, sign-in state and audit log (`consoleRecords`). */
  operators: OperatorRegistry;
  signInTokens: SignInTokenStore;
  sessions: SessionStore;
  rateLimiter: RateLimiter;
  audit: AuditLog;
  /**
   * The four handlers' dependencies, exactly as the Lambda entries build them. Built on first
   * use, so a command that sends nothing does not need a sender (`requireMailFrom`).
   */
  readonly handlers: {
    readonly api: ApiDeps;
    readonly ingest: IngestHandlerDeps;
    readonly consolidate: ConsolidateHandlerDeps;
    /** The daily run, its reminders handed to the runtime's `reminderQueue` over `remindUnit`. */
    readonly remind: RemindHandlerDeps;
    readonly remindUnit: RemindUnitHandlerDeps;
    /** Reviews and period locks (needs a sender: a return emails the unit). */
    readonly review: ReviewComposition;
  };
}

function memo<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/**
 * Every capability over one catalog and clock. `reminderQueue` turns the reminder worker's
 * dependencies into the queue the daily run hands reminders to (the in-process queue for the
 * local runtime and the CLI, where there is no SQS).
 */
export function composeRuntime<S extends SecretSource>(
  input: CompositionInput & { mailer: Mailer; secrets: S; reminderQueue: (worker: RemindUnitHandlerDeps) => ReminderQueue },
): Composition<S> {
  // Loaded (and seeded) on first use: a command that never reads a form (units list, say) starts no load that could outlive its clients.
  const catalog = memo(() => catalogOf(input));
  const shared = {
    ...input,
    clock: input.clock ?? systemClock,
    seedForms: false,
    get catalog() {
      return catalog();
    },
  };
  const api = memo(() => composeApi(shared));
  const ingest = memo(() => composeIngest(shared));
  const consolidate = memo(() => composeConsolidation(shared));
  const remindUnit = memo(() => composeReminderWorker(shared));
  const remind = memo(() => composeReminders({ ...shared, queue: input.reminderQueue(remindUnit()) }));
  const review = memo(() => composeReview(shared));
  return {
    ...records(shared),
    ...consoleRecords(shared),
    settings: input.settings,
    get catalog() {
      return catalog();
    },
    calendar: calendarStore(shared),
    formStore: formStoreOf(shared),
    log: input.log,
    mailer: input.mailer,
    secrets: input.secrets,
    files: new S3FileStore({ client: input.clients.s3, bucket: input.settings.bucketName }),
    ledger: onceLedger(shared),
    handlers: {
      get api() {
        return api();
      },
      get ingest() {
        return ingest();
      },
      get consolidate() {
        return consolidate();
      },
      get remind() {
        return remind();
      },
      get remindUnit() {
        return remindUnit();
      },
      get review() {
        return review();
      },
    },
  };
}
