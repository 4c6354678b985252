/**
 * The whole AWS deployment in one stack: the same Lambda handlers the local runtime runs,
 * wired to S3, SQS, DynamoDB, API Gateway (HTTP API), EventBridge Scheduler, SES and Secrets
 * Manager. Every function gets its own role with only the table/bucket actions its adapters
 * call (see `FUNCTION_ACCESS`); nothing grants a wildcard action.
 *
 * Synth needs no AWS credentials and no Docker: the region comes from configuration, the
 * account stays a CloudFormation token, nothing is looked up, and bundling is local esbuild.
 */
import * as path from 'node:path';
import { ArnFormat, CfnOutput, CfnResource, Duration, RemovalPolicy, Stack, TimeZone, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination as LambdaSqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SqsDestination as S3SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { FORM_PARTITION, TABLE_KEYS } from '../../functions/adapters/table-schema';
import { INGEST_MAX_RECEIVE_COUNT, KEY_PREFIX } from '../../functions/core/storage-layout';
import { CONSOLIDATION_LEDGER_KEY_PREFIX } from '../../functions/core/usecases/list-consolidations';
import { SCHEDULE_MARKER_PREFIX, SCHEDULE_TICK_MINUTE_FIELD, SCHEDULE_TICK_MINUTES } from '../../functions/core/usecases/run-due-schedules';
import { LATE_DIGEST_KEY_PREFIX } from '../../functions/core/usecases/send-reminders';
import { LAMBDA_TEMPLATES_DIR, PROJECT_ROOT, cdkBundlingOptions } from '../bundling';
import type { DeployConfig } from './config';
import { ReminderFanout } from './reminder-fanout';
import { SeedForms } from './seed-forms';
import { UploadSweeper } from './upload-sweeper';

/** The Lambda functions, by name; each entry is `functions/lambda/<name>.ts` exporting `handler`. */
export const FUNCTION_NAMES = ['ingest', 'api', 'consolidate', 'remind', 'sweep'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
export const LAMBDA_ENTRY_DIR = path.join(PROJECT_ROOT, 'functions', 'lambda');
/**
 * The functions that consolidate, and so draw the briefing's charts: the schedule's and the
 * console's "Tổng hợp ngay" (api). Only their bundles carry the chart assets.
 */
export const CHART_FUNCTIONS: readonly FunctionName[] = ['consolidate', 'api'];
/** The exported name every entry must have (checked by test/infra). */
export const HANDLER_EXPORT = 'handler';

/**
 * Data is kept when the stack is deleted or a resource replaced, but removed when the create
 * that made it rolls back (RETAIN would leave it behind and a retry of the first deploy would
 * trip over it).
 */
export const DATA_REMOVAL_POLICY = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/**
 * Partition-key prefixes of the table's item types (functions/adapters/README.md): what a
 * function may write is limited to these with `dynamodb:LeadingKeys`.
 */
export const ITEM_KEY_PREFIX = {
  unit: 'UNIT',
  submission: 'SUB#',
  latest: 'LATEST#',
  once: 'ONCE#',
  operator: 'OPERATOR',
  signIn: 'SIGNIN#',
  session: 'SESSION#',
  rate: 'RATE#',
  audit: 'AUDIT#',
  /** Reviews of accepted reports and period locks: written by the console (the api function) and the operator's CLI. */
  review: 'REVIEW#',
  lock: 'LOCK#',
  /** Deployment settings edited at run time — the province calendar (`CONFIG#calendar`) and the unit types (`CONFIG#unit-types`) — read by every function that loads the catalog, written only by the operator's CLI. */
  config: 'CONFIG#',
  /** The published forms' index: written by the seed function on deploy, the operator's CLI (`forms publish|retire`) and the console's "Biểu mẫu" (api, admins). */
  form: FORM_PARTITION,
} as const;

/** DynamoDB item actions (on the table) and query (on the table and its indexes). */
type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query';
type ObjectAction = 's3:GetObject' | 's3:GetObjectVersion' | 's3:PutObject';

interface FunctionAccess {
  table: TableAction[];
  /** Partition-key prefixes GetItem is limited to; absent: any item (the function reads records by key). */
  readKeys?: string[];
  /** Partition-key prefixes the write actions (PutItem, UpdateItem, DeleteItem) are limited to. */
  writeKeys: string[];
  /** Narrower prefixes for DeleteItem alone, when the function may put/update more than it may delete. */
  deleteKeys?: string[];
  /** Object actions per key prefix. */
  objects: { prefix: string; actions: ObjectAction[] }[];
  /**
   * `s3:ListBucket` on the bucket: needed to list a prefix, and so that reading a missing key
   * answers 404 (which the file store turns into "absent") instead of 403.
   */
  listBucket: boolean;
  /** Prefixes a ListObjects may name (`s3:prefix`); default: those of `objects`. */
  listPrefixes?: string[];
  readLinkSecret: boolean;
  sendEmail: boolean;
}

/**
 * Every function reads the run-time form catalog: the index (one consistent Query of the `FORM`
 * partition, a read no write condition limits) and the published bodies under `forms/` (by
 * object version). Only the api writes it (the console's "Biểu mẫu", admins), besides the
 * operator's CLI and the seed function.
 */
const READ_FORMS: { prefix: string; actions: ObjectAction[] } = { prefix: KEY_PREFIX.forms, actions: ['s3:GetObject', 's3:GetObjectVersion'] };

/**
 * What each function may do, derived from the adapters its Lambda entry composes:
 * - ingest: submissions + units (get/put/update/query); reads the (form, period)'s lock and
 *   exceptions (Query `LOCK#…`, never writes them: a locked period's file is recorded rejected);
 *   heads and reads the upload (by version) and reads its upload intent; writes the feedback workbook.
 * - api: reads units + submissions + operators, period locks (`POST /api/uploads` refuses a locked
 *   period) and reviews (the unit page shows a return); it writes no submission or operator (the
 *   submission is created by ingest, operators by the CLI); writes reviews, period locks and lock
 *   exceptions from the console (one conditional PutItem each, never a delete: a withdrawal or
 *   an unlock is a new state), and emails a return to the unit (SES, link secret); writes units one
 *   at a time from the console's "Đơn vị" (conditional add and edit, key-version bump, the page's
 *   import: one PutItem/UpdateItem per unit, never a batch) and emails a unit its link (the link
 *   secret and SES below); writes the console's sign-in tokens,
 *   sessions, rate counters and audit entries (never deletes them: tokens and sessions are claimed or
 *   revoked by update, and expire by TTL) and emails sign-in links; builds and sends consolidations
 *   from the console (once-ledger put/update/delete, and Query on gsi1 to list the emails sent;
 *   `reports/` read/write/list/presign to list, build and download workbooks); signs presigned POSTs for uploads (which needs s3:PutObject on `uploads/`), writes and reads
 *   upload intents, presigns feedback downloads; reads the link secret; from the console's
 *   "Biểu mẫu" (admins) keeps checked definitions under `staging/` and publishes and retires forms
 *   (conditional PutItem in the `FORM` partition, a new body under `forms/`).
 * - consolidate: units + submissions + reviews (the form's policy) + its own once-ledger keys
 *   (consolidation emails, whose claim a failed send deletes, and the schedule walk's markers);
 *   lists, reads and writes consolidated reports and presigns their download; sends email.
 * - remind: units + submissions + its own once-ledger keys (the late digest, whose claim a failed
 *   send deletes, and the schedule walk's markers); queues each unit's reminder (the worker, in
 *   reminder-fanout.ts, signs the link and sends it); sends the late digest.
 * - sweep: queries submissions; reads `CONFIG#` items only (GetItem: its catalog works out each
 *   form's open period with the province calendar and is checked against the unit types); lists
 *   `uploads/` and sends to the ingest queue (both granted in upload-sweeper.ts, where the queue is).
 * Every function's catalog reads the province calendar (`CONFIG#calendar`) and the unit types
 * (`CONFIG#unit-types`) with GetItem; none writes them (the operator's CLI does).
 * BatchWriteItem (the CLI's unit import) is not granted: the `units import` CLI runs with the
 * operator's own credentials.
 */
export const FUNCTION_ACCESS: Record<FunctionName, FunctionAccess> = {
  ingest: {
    // Conditional puts only (the record, its values, the latest pointer); no aggregate is stored (issue 16).
    table: ['GetItem', 'PutItem', 'Query'],
    writeKeys: [ITEM_KEY_PREFIX.submission, ITEM_KEY_PREFIX.latest],
    objects: [
      { prefix: KEY_PREFIX.uploads, actions: ['s3:GetObject', 's3:GetObjectVersion'] },
      // The upload intent the portal issued: ingest refuses an object no intent binds.
      { prefix: KEY_PREFIX.intents, actions: ['s3:GetObject'] },
      { prefix: KEY_PREFIX.feedback, actions: ['s3:PutObject'] },
      READ_FORMS,
    ],
    // It reads one intent by key, never lists them.
    listPrefixes: [KEY_PREFIX.uploads, KEY_PREFIX.feedback],
    listBucket: true,
    readLinkSecret: false,
    sendEmail: false,
  },
  api: {
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'],
    writeKeys: [
      ITEM_KEY_PREFIX.unit, ITEM_KEY_PREFIX.signIn, ITEM_KEY_PREFIX.session, ITEM_KEY_PREFIX.rate, ITEM_KEY_PREFIX.audit, ITEM_KEY_PREFIX.once,
      // The console's reviews (approve / return / withdraw) and period locks and exceptions: one conditional PutItem each, never deleted.
      ITEM_KEY_PREFIX.review, ITEM_KEY_PREFIX.lock,
      // The console's "Biểu mẫu": an admin publishes (conditional put of a new version) and retires forms.
      ITEM_KEY_PREFIX.form,
    ],
    // The console's consolidation releases its once-ledger claim when sending fails; nothing else is ever deleted (the audit log is append-only).
    deleteKeys: [ITEM_KEY_PREFIX.once],
    objects: [
      // Put: the unit page's presigned POST. Get: the console's drill-down presigns each version's original (/quan-tri/tai/ban-goc/<id>).
      { prefix: KEY_PREFIX.uploads, actions: ['s3:GetObject', 's3:PutObject'] },
      { prefix: KEY_PREFIX.intents, actions: ['s3:GetObject', 's3:PutObject'] },
      { prefix: KEY_PREFIX.feedback, actions: ['s3:GetObject'] },
      // The console's "Tổng hợp ngay" / "Gửi": reads, writes and presigns consolidated reports.
      { prefix: KEY_PREFIX.reports, actions: ['s3:GetObject', 's3:PutObject'] },
      // The console's "Biểu mẫu": reads the catalog and writes a published version's body (never overwritten once indexed).
      { prefix: KEY_PREFIX.forms, actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'] },
      // A definition the console checked, kept for its preview and publish (expires after a day).
      { prefix: KEY_PREFIX.staging, actions: ['s3:GetObject', 's3:PutObject'] },
    ],
    // The api never lists uploads (it only signs the POST): listing is for its own reads.
    listPrefixes: [KEY_PREFIX.intents, KEY_PREFIX.feedback, KEY_PREFIX.reports],
    listBucket: true,
    readLinkSecret: true,
    sendEmail: true,
  },
  consolidate: {
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'],
    // Its own once-ledger keys only: the consolidation emails (released when a send fails) and
    // the schedule walk's markers.
    writeKeys: [`${ITEM_KEY_PREFIX.once}${CONSOLIDATION_LEDGER_KEY_PREFIX}`, `${ITEM_KEY_PREFIX.once}${SCHEDULE_MARKER_PREFIX.consolidation}`],
    deleteKeys: [`${ITEM_KEY_PREFIX.once}${CONSOLIDATION_LEDGER_KEY_PREFIX}`],
    objects: [{ prefix: KEY_PREFIX.reports, actions: ['s3:GetObject', 's3:PutObject'] }, READ_FORMS],
    listPrefixes: [KEY_PREFIX.reports],
    listBucket: true,
    readLinkSecret: false,
    sendEmail: true,
  },
  remind: {
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'],
    // Its own once-ledger keys only: the late digest (released when the send fails) and the
    // schedule walk's markers; the per-unit reminder keys are the worker's (reminder-fanout.ts).
    writeKeys: [`${ITEM_KEY_PREFIX.once}${LATE_DIGEST_KEY_PREFIX}`, `${ITEM_KEY_PREFIX.once}${SCHEDULE_MARKER_PREFIX.reminders}`],
    deleteKeys: [`${ITEM_KEY_PREFIX.once}${LATE_DIGEST_KEY_PREFIX}`],
    objects: [READ_FORMS],
    listBucket: false,
    readLinkSecret: false,
    sendEmail: true,
  },
  sweep: { table: ['GetItem', 'Query'], readKeys: [ITEM_KEY_PREFIX.config], writeKeys: [], objects: [READ_FORMS], listBucket: false, readLinkSecret: false, sendEmail: false },
};

interface FunctionSizing {
  description: string;
  memorySize: number;
  timeout: Duration;
  /** Reserved concurrency when `reservedConcurrency` is on (undefined: none). */
  reserved: () => number | undefined;
}

/** The api function's memory: one full vCPU, for the console's consolidation within API Gateway's 29 s (see SIZING). */
export const API_MEMORY_MB = 1769;
/** Ingest's timeout; the queue's visibility timeout is 6× this (AWS's guidance for SQS sources). */
export const INGEST_TIMEOUT = Duration.seconds(60);
/**
 * Concurrent ingest invocations: the SQS event source's maximum concurrency (2–1,000), which
 * bounds the table's write rate whether or not concurrency is reserved; reserved the same when
 * `reservedConcurrency` is on.
 */
export const INGEST_MAX_CONCURRENCY = 5;
/** One upload per invocation: a timeout then fails only that upload, and its retry budget is its own. */
export const INGEST_BATCH_SIZE = 1;
/** Days a noncurrent object version is kept (an overwritten report, say) before S3 expires it. */
export const NONCURRENT_VERSION_DAYS = 30;
/**
 * Where the operator exports the table (`aws dynamodb export-table-to-point-in-time`, README
 * "Retention") before deleting an old period's items: kept `retentionYears` like the rest. No
 * function may read or write it.
 */
export const TABLE_EXPORTS_PREFIX = 'exports/';
/** The CloudWatch dimension SES publishes the configuration set's email events under. */
export const SES_DIMENSION = 'ses:configuration-set';
/**
 * Functions alarmed on a run close to their timeout. Not the api: API Gateway answers 503 at
 * 30 s whatever the function does, which the 5xx alarm already reports.
 */
export const DURATION_ALARMED: readonly FunctionName[] = ['ingest', 'consolidate', 'remind'];
/** A function whose slowest run in 5 minutes passes this share of its timeout raises an alarm. */
export const DURATION_ALARM_SHARE = 0.8;

const SIZING: Record<FunctionName, FunctionSizing> = {
  // exceljs parsing is CPU-bound and Lambda's CPU share grows with memory.
  ingest: { description: 'Validates uploaded workbooks (S3 → SQS → Lambda) and records submissions', memorySize: 1024, timeout: INGEST_TIMEOUT, reserved: () => INGEST_MAX_CONCURRENCY },
  // HTTP API integrations time out at 30 s; generating a pre-filled form takes well under a second.
  // The console's "Tổng hợp ngay" / "Gửi" build the province workbook inside that request: for
  // 1,000 units about 3 s on one full core and under 200 MB (BENCHMARKS.md, consolidate_1000_*).
  // 1,769 MB is where Lambda gives a whole vCPU (the build is single-threaded CPU work), which
  // keeps it far inside 29 s; at 1,024 MB it would run on ~0.6 of a core.
  api: { description: 'Portal pages and API (HTTP API, payload v2)', memorySize: API_MEMORY_MB, timeout: Duration.seconds(29), reserved: () => 20 },
  // The province workbook for thousands of units is built in memory and emailed. Timeouts are
  // Lambda's maximum: a run is billed for the time it takes (see the README's cost section). The
  // reminder run only queues one message per due unit (reminder-fanout.ts) and sends the digest.
  // Each schedule's walk runs the forms one after another: a tick and a retry (or the next tick)
  // may overlap, hence 2, whatever the number of forms.
  consolidate: { description: 'Consolidates the latest accepted submissions of every due form and emails leadership (schedule walk)', memorySize: 2048, timeout: Duration.minutes(15), reserved: () => 2 },
  remind: { description: 'Reminds units that have not reported (schedule walk over the due forms)', memorySize: 512, timeout: Duration.minutes(15), reserved: () => 2 },
  // A few listings and queries per form; one run at a time is enough.
  sweep: { description: 'Sends uploads left without a final status back to the ingest queue (schedule)', memorySize: 512, timeout: Duration.minutes(5), reserved: () => 1 },
};

export interface TonghopStackProps extends StackProps {
  config: DeployConfig;
  /** Where the Lambda entries are (default functions/lambda). */
  lambdaEntryDir?: string;
}

export class TonghopStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly scheduleDeadLetterQueue: sqs.Queue;
  /** Every alarm notifies this topic (the operator's email subscription); add alarms with `addAlarm`. */
  readonly alarmTopic: sns.Topic;
  /** The deadline-week dashboard; add widgets with `dashboard.addWidgets`. */
  readonly dashboard: cloudwatch.Dashboard;
  /** The SES configuration set the functions send through (Bounce/Complaint events → CloudWatch). */
  readonly sesConfigurationSetName: string;
  readonly linkSecret: secretsmanager.Secret;
  readonly httpApi: apigw.HttpApi;
  readonly functions: Record<FunctionName, NodejsFunction>;
  /** Absolute entry file per function (what test/infra checks). */
  readonly entries: Record<FunctionName, string>;
  readonly reminderFanout: ReminderFanout;
  /** Publishes the seed catalog on deploy (a trigger). */
  readonly seedForms: SeedForms;
  readonly schedules: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string, props: TonghopStackProps) {
    super(scope, id, { ...props, env: props.env ?? { region: props.config.region } });
    const { config } = props;
    const entryDir = props.lambdaEntryDir ?? LAMBDA_ENTRY_DIR;
    this.entries = Object.fromEntries(FUNCTION_NAMES.map((n) => [n, path.join(entryDir, `${n}.ts`)])) as Record<FunctionName, string>;

    // ---- Storage -------------------------------------------------------------------------
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Off by default: a protected table cannot be deleted by a first deploy's rollback.
      deletionProtection: config.tableDeletionProtection,
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      removalPolicy: DATA_REMOVAL_POLICY,
    });
    for (const gsi of [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2]) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.name,
        partitionKey: { name: gsi.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const retentionDays = config.retentionYears > 0 ? Duration.days(config.retentionYears * 365 + Math.ceil(config.retentionYears / 4)) : undefined;
    const accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The access log is the audit trail of the data bucket: kept as long as the data.
      lifecycleRules: retentionDays ? [{ id: 'expire-access-logs', expiration: retentionDays }] : [],
      removalPolicy: DATA_REMOVAL_POLICY,
    });
    Validations.of(accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the data bucket; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: this.lifecycleRules(retentionDays),
      removalPolicy: DATA_REMOVAL_POLICY,
    });

    // ---- Upload queue ----------------------------------------------------------------------
    this.deadLetterQueue = new sqs.Queue(this, 'IngestDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than the source queue: a message keeps its original enqueue time when moved.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'IngestQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(6 * INGEST_TIMEOUT.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: INGEST_MAX_RECEIVE_COUNT },
    });
    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new S3SqsDestination(this.queue), { prefix: KEY_PREFIX.uploads });
    this.configureNotificationsHandler(config);

    this.scheduleDeadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.scheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue (EventBridge Scheduler targets and the scheduled functions\' async failures); it is alarmed on depth.',
    });

    // ---- Link-signing secret ---------------------------------------------------------------
    this.linkSecret = new secretsmanager.Secret(this, 'LinkSecret', {
      description: 'HMAC key that signs the per-unit upload links (tonghop)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: DATA_REMOVAL_POLICY,
    });
    Validations.of(this.linkSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The HMAC key is rotated by an operator with `npx tonghop links rotate-key` (the previous key keeps verifying links already sent); a scheduled rotation would revoke links without anyone re-sending them.',
    });

    // ---- HTTP API (created before the api function: the portal URL is its endpoint) ---------
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'tonghop portal and API',
      createDefaultStage: false,
    });
    const domain = config.domainName && config.certificateArn
      ? new apigw.DomainName(this, 'Domain', {
          domainName: config.domainName,
          certificate: Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn),
        })
      : undefined;
    const portalOrigin = config.portalOrigin ?? (config.domainName ? `https://${config.domainName}` : this.httpApi.apiEndpoint);
    this.bucket.addCorsRule({
      // The portal's page posts the file straight to S3 (presigned POST).
      allowedOrigins: [portalOrigin],
      allowedMethods: [s3.HttpMethods.POST],
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag', 'Location'],
      maxAge: 3600,
    });

    // ---- Email events -----------------------------------------------------------------------
    // Bounces and complaints reach CloudWatch through a configuration set (alarmed below); an
    // existing set given as `sesConfigurationSet` must publish them the same way.
    if (config.sesConfigurationSet) {
      this.sesConfigurationSetName = config.sesConfigurationSet;
    } else {
      const configurationSet = new ses.ConfigurationSet(this, 'SesConfigurationSet', {});
      configurationSet.addEventDestination('CloudWatch', {
        destination: ses.EventDestination.cloudWatchDimensions([
          { name: SES_DIMENSION, source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'tonghop' },
        ]),
        // Only what is alarmed: metrics of a configuration set are custom metrics, billed for
        // the hours they receive data (bounces and complaints are rare; sends are not, and the
        // account-level Send/Delivery metrics are free).
        events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
      });
      this.sesConfigurationSetName = configurationSet.configurationSetName;
    }

    // ---- Functions -------------------------------------------------------------------------
    const commonEnv: Record<string, string> = {
      TONGHOP_TABLE: this.table.tableName,
      TONGHOP_BUCKET: this.bucket.bucketName,
      TONGHOP_PORTAL_URL: portalOrigin,
      // Every function gets the ARN (the runtime config requires a link secret source); only
      // api and remind may read the secret (FUNCTION_ACCESS).
      TONGHOP_LINK_SECRET_ARN: this.linkSecret.secretArn,
      TONGHOP_MAX_UPLOAD_BYTES: String(config.maxUploadBytes),
      TONGHOP_TEMPLATES_DIR: LAMBDA_TEMPLATES_DIR,
      NODE_OPTIONS: '--enable-source-maps',
      LOG_LEVEL: config.logLevel,
    };
    const mailEnv: Record<string, string> = {
      TONGHOP_MAIL_FROM: config.mailFrom,
      TONGHOP_SES_CONFIGURATION_SET: this.sesConfigurationSetName,
    };
    const fns = {} as Record<FunctionName, NodejsFunction>;
    for (const name of FUNCTION_NAMES) {
      fns[name] = this.createFunction(name, {
        config,
        env: { ...commonEnv, ...(FUNCTION_ACCESS[name].sendEmail ? mailEnv : {}) },
      });
    }
    this.functions = fns;
    // The seed catalog (templates/*.json) published on every deploy that changes it.
    this.seedForms = new SeedForms(this, 'SeedForms', { config, table: this.table, bucket: this.bucket, environment: commonEnv });

    // ingest: one upload per invocation (a timeout fails only that upload, which the queue
    // redelivers up to INGEST_MAX_RECEIVE_COUNT times); maxConcurrency bounds the table's load.
    fns.ingest.addEventSource(
      new SqsEventSource(this.queue, { batchSize: INGEST_BATCH_SIZE, reportBatchItemFailures: true, maxConcurrency: INGEST_MAX_CONCURRENCY }),
    );

    // api: $default route (the handler routes), stage-wide throttling, access logs.
    this.addDefaultRoute(fns.api);
    const stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      domainMapping: domain ? { domainName: domain } : undefined,
    });
    this.addAccessLogs(stage, config);

    // consolidate, remind: asynchronous invocations by the scheduler; failures after the
    // retries land in the schedule dead-letter queue.
    for (const name of ['consolidate', 'remind'] as const) {
      fns[name].configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(2),
        onFailure: new LambdaSqsDestination(this.scheduleDeadLetterQueue),
      });
    }
    this.addSchedules(fns.consolidate, fns.remind);

    // ---- Alarms ------------------------------------------------------------------------------
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'tonghop alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason: 'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key; alarm messages carry no report data (names of alarms and metrics only).',
    });
    // A topic policy replaces SNS's default one: without this statement (next to the TLS deny)
    // CloudWatch could not publish and every alarm would reach nobody.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );
    this.alarmTopic.addSubscription(new EmailSubscription(config.operatorEmail));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    this.addAlarms();
    new UploadSweeper(this, 'UploadSweeper', { fn: fns.sweep, bucket: this.bucket, queue: this.queue, alarmTopic: this.alarmTopic });
    this.reminderFanout = new ReminderFanout(this, 'ReminderFanout', {
      config, table: this.table, bucket: this.bucket, linkSecret: this.linkSecret, planner: fns.remind, environment: { ...commonEnv, ...mailEnv }, alarmTopic: this.alarmTopic,
    });
    this.addDashboardWidgets();

    // ---- Outputs -----------------------------------------------------------------------------
    new CfnOutput(this, 'PortalUrl', { value: portalOrigin, description: 'Base URL of unit links (TONGHOP_PORTAL_URL)' });
    new CfnOutput(this, 'ApiEndpoint', { value: this.httpApi.apiEndpoint });
    if (domain) new CfnOutput(this, 'DomainTarget', { value: domain.regionalDomainName, description: `CNAME ${config.domainName} to this` });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'LinkSecretArn', { value: this.linkSecret.secretArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl, description: 'Uploads that failed ingest (TONGHOP_DLQ_URL for `tonghop submissions list`)' });
    new CfnOutput(this, 'DeadLetterQueueArn', { value: this.deadLetterQueue.queueArn, description: 'Redrive: aws sqs start-message-move-task --source-arn <this>' });
    new CfnOutput(this, 'SesConfigurationSetName', { value: this.sesConfigurationSetName, description: 'TONGHOP_SES_CONFIGURATION_SET for the CLI' });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName });
  }

  /**
   * Uploads, feedback and reports are kept `retentionYears` from when they were written. A
   * version that stops being current (a key overwritten or deleted: uploads never are, each has
   * its own key) is kept NONCURRENT_VERSION_DAYS more, so the whole of the data is gone at
   * `retentionYears` + 30 days, not twice the retention. Intents are transient.
   */
  private lifecycleRules(retention: Duration | undefined): s3.LifecycleRule[] {
    const noncurrent = Duration.days(NONCURRENT_VERSION_DAYS);
    const rules: s3.LifecycleRule[] = [
      { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      { id: 'expire-upload-intents', prefix: KEY_PREFIX.intents, expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(1) },
      // Definitions checked in the console and not (or already) published: a day is enough.
      { id: 'expire-staged-definitions', prefix: KEY_PREFIX.staging, expiration: Duration.days(1), noncurrentVersionExpiration: Duration.days(1) },
    ];
    for (const [key, prefix] of [['uploads', KEY_PREFIX.uploads], ['feedback', KEY_PREFIX.feedback], ['reports', KEY_PREFIX.reports], ['table-exports', TABLE_EXPORTS_PREFIX]] as const) {
      rules.push({
        id: `retain-${key}`,
        prefix,
        ...(retention ? { expiration: retention } : {}),
        noncurrentVersionExpiration: noncurrent,
      });
    }
    return rules;
  }

  /** One function with its own log group and role (only what FUNCTION_ACCESS lists); used for each of FUNCTION_NAMES. */
  createFunction(name: FunctionName, options: { config: DeployConfig; env: Record<string, string> }): NodejsFunction {
    const { config } = options;
    const sizing = SIZING[name];
    const access = FUNCTION_ACCESS[name];
    const Name = name[0]!.toUpperCase() + name.slice(1);

    const logGroup = new logs.LogGroup(this, `${Name}Logs`, {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: DATA_REMOVAL_POLICY,
    });
    // One role per function, written out: only its log group, table actions and key prefixes.
    const role = new iam.Role(this, `${Name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `tonghop ${name} function`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));

    const writeActions = access.table.filter((a) => a === 'PutItem' || a === 'UpdateItem' || (a === 'DeleteItem' && !access.deleteKeys)).map((a) => `dynamodb:${a}`);
    // Only items whose partition key starts with one of the function's own prefixes (a
    // submission, say, is out of reach of every function but ingest).
    const limitedTo = (actions: string[], keys: string[]) =>
      new iam.PolicyStatement({ actions, resources: [this.table.tableArn], conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys.map((k) => `${k}*`) } } });
    if (access.table.includes('GetItem')) {
      if (access.readKeys?.length === 0) throw new Error(`${name}: readKeys, when given, must name at least one prefix`);
      role.addToPrincipalPolicy(access.readKeys ? limitedTo(['dynamodb:GetItem'], access.readKeys) : new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [this.table.tableArn] }));
    }
    if (writeActions.length > 0) {
      if (access.writeKeys.length === 0) throw new Error(`${name}: write actions need the partition-key prefixes they are limited to (writeKeys)`);
      role.addToPrincipalPolicy(limitedTo(writeActions, access.writeKeys));
    }
    if (access.deleteKeys && access.table.includes('DeleteItem')) {
      if (access.deleteKeys.length === 0 || access.deleteKeys.some((k) => !access.writeKeys.includes(k))) throw new Error(`${name}: deleteKeys must be some of its writeKeys`);
      role.addToPrincipalPolicy(limitedTo(['dynamodb:DeleteItem'], access.deleteKeys));
    }
    if (access.table.includes('Query')) {
      const indexArn = `${this.table.tableArn}/index/*`;
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [this.table.tableArn, indexArn] }));
      this.acknowledgeWildcard(role, `Resource::<${this.logicalIdOf(this.table)}.Arn>/index/*`, 'Query on the table\'s own global secondary indexes (gsi1, gsi2) only.');
    }
    for (const { prefix, actions } of access.objects) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [this.bucket.arnForObjects(`${prefix}*`)] }));
      this.acknowledgeWildcard(role, `Resource::<${this.logicalIdOf(this.bucket)}.Arn>/${prefix}*`, `Object keys under ${prefix} are generated per upload/report; the grant is limited to that prefix.`);
    }
    if (access.listBucket) {
      // A ListObjects naming a prefix must name one of the function's own. IfExists: S3 also
      // checks s3:ListBucket (with no prefix in the request) to answer a GET of a missing key
      // 404 rather than 403, which the file store reads as "absent".
      const prefixes = access.listPrefixes ?? access.objects.map((o) => o.prefix);
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLikeIfExists: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
        }),
      );
    }
    if (access.readLinkSecret) this.linkSecret.grantRead(role);
    if (access.sendEmail) {
      const resources = [
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sesIdentity }),
        this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.sesConfigurationSetName }),
      ];
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          resources,
          conditions: { StringEquals: { 'ses:FromAddress': config.mailFrom } },
        }),
      );
    }

    const fn = new NodejsFunction(this, `${Name}Function`, {
      entry: this.entries[name],
      handler: HANDLER_EXPORT,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      description: SIZING[name].description,
      memorySize: sizing.memorySize,
      timeout: sizing.timeout,
      reservedConcurrentExecutions: config.reservedConcurrency ? sizing.reserved() : undefined,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: { ...options.env, POWERTOOLS_SERVICE_NAME: `tonghop-${name}` },
      bundling: cdkBundlingOptions({ chartAssets: CHART_FUNCTIONS.includes(name) }),
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is the runtime the code is built (esbuild target node22) and tested for; moving to a newer runtime changes NODE_TARGET in infra/bundling.ts at the same time.',
    });
    return fn;
  }

  /** One `$default` route: the api handler routes pages and API calls itself. */
  private addDefaultRoute(fn: lambda.IFunction): void {
    const route = new apigw.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('DefaultIntegration', fn),
    });
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Units are not AWS principals: every request is authorised in the handler by its HMAC-signed per-unit link token (functions/core/links.ts).',
    });
  }

  /** JSON access logs; the path is left out on purpose: unit links carry their token in it. */
  private addAccessLogs(stage: apigw.HttpStage, config: DeployConfig): void {
    const logGroup = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: DATA_REMOVAL_POLICY,
    });
    const cfnStage = stage.node.defaultChild as apigw.CfnStage;
    cfnStage.accessLogSettings = {
      destinationArn: logGroup.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        time: '$context.requestTime',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        status: '$context.status',
        bytes: '$context.responseLength',
        latencyMs: '$context.responseLatency',
        integrationLatencyMs: '$context.integrationLatency',
        integrationError: '$context.integrationErrorMessage',
        userAgent: '$context.identity.userAgent',
      }),
    };
  }

  /**
   * One schedule per kind, every SCHEDULE_TICK_MINUTES in Asia/Ho_Chi_Minh, whose handler walks
   * the form catalog (`{ walk: true }`): the stack never reads the forms, so publishing or
   * retiring one needs no deploy. The scheduler's role may invoke only these two functions.
   */
  private addSchedules(consolidate: NodejsFunction, remind: NodejsFunction): void {
    // CloudFormation names the group (nothing refers to it by name) and deletes it with the
    // stack or a rolled-back create: a fixed name that outlived a failed first deploy would
    // make the retry collide.
    const cfnGroup = new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', {});
    cfnGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
    const group = scheduler.ScheduleGroup.fromScheduleGroupName(this, 'ScheduleGroupRef', cfnGroup.ref);
    const role = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: invoke the tonghop consolidate and remind functions',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account, 'aws:SourceArn': group.scheduleGroupArn } },
      }),
    });
    for (const fn of [consolidate, remind]) {
      this.acknowledgeWildcard(role, `Resource::<${this.logicalIdOf(fn)}.Arn>:*`, 'lambda:InvokeFunction on the function\'s own versions/aliases (the grant CDK writes for one function).');
    }
    for (const [id, fn, what] of [
      ['ConsolidateSchedule', consolidate, 'Consolidation'],
      ['RemindSchedule', remind, 'Reminders'],
    ] as const) {
      this.schedules.push(
        new scheduler.Schedule(this, id, {
          description: `${what}: every ${SCHEDULE_TICK_MINUTES} minutes, runs what is due for every form of the catalog`,
          scheduleGroup: group,
          schedule: scheduler.ScheduleExpression.cron({ minute: SCHEDULE_TICK_MINUTE_FIELD, hour: '*', timeZone: TimeZone.ASIA_HO_CHI_MINH }),
          target: new LambdaInvoke(fn, {
            role,
            input: scheduler.ScheduleTargetInput.fromObject({ walk: true }),
            deadLetterQueue: this.scheduleDeadLetterQueue,
            retryAttempts: 3,
            maxEventAge: Duration.hours(2),
          }),
        }),
      );
    }
  }

  /** An alarm that notifies the operator (the alarm topic) when `metric` reaches `threshold` in one period. */
  addAlarm(id: string, metric: cloudwatch.IMetric, description: string, threshold = 1): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }

  /** Bounces and complaints of the configuration set's email; Send and Delivery are the account's (free) metrics. */
  sesMetric(event: 'Send' | 'Bounce' | 'Complaint' | 'Delivery', period = Duration.hours(1)): cloudwatch.Metric {
    const dimensionsMap = event === 'Bounce' || event === 'Complaint' ? { [SES_DIMENSION]: this.sesConfigurationSetName } : undefined;
    return new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: event, dimensionsMap, statistic: 'Sum', period });
  }

  private addAlarms(): void {
    const fiveMinutes = { period: Duration.minutes(5) };
    this.addAlarm('IngestDeadLetterAlarm', this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...fiveMinutes, statistic: 'Maximum' }),
      `Uploads failed ingest ${INGEST_MAX_RECEIVE_COUNT} times and wait in the dead-letter queue (see \`npx tonghop submissions list\` with TONGHOP_DLQ_URL, and the ingest logs).`);
    this.addAlarm('ScheduleDeadLetterAlarm', this.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...fiveMinutes, statistic: 'Maximum' }),
      'A scheduled consolidation or reminder walk failed after its retries: the consolidate/remind logs name each failed form ("scheduled consolidation failed" / "scheduled reminders failed"); the next 15-minute tick retries it the same day.');
    this.addAlarm('IngestBacklogAlarm', this.queue.metricApproximateAgeOfOldestMessage({ ...fiveMinutes, statistic: 'Maximum' }),
      'Uploads have waited more than 15 minutes to be validated.', 15 * 60);
    // The api handler answers its own failures with a 500 (error middleware), which Lambda does
    // not count as an error: watch the API's 5xx responses too.
    this.addAlarm('Api5xxAlarm', this.httpApi.metricServerError({ ...fiveMinutes, statistic: 'Sum' }),
      'The portal/API answered with server errors (5xx) at least 5 times in 5 minutes.', 5);
    for (const name of FUNCTION_NAMES) this.addFunctionAlarms(name, this.functions[name], { duration: DURATION_ALARMED.includes(name) });
    // One alarm for every function (alarms are billed each): nothing reserves concurrency, so a
    // throttle means the account's (or region's) concurrency is exhausted, whichever function hit it.
    this.addAlarm('LambdaThrottlesAlarm', new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: Duration.minutes(5) }),
      'Lambda invocations in this account and region were throttled: the concurrency quota is exhausted (see the dashboard for the function; ask for a quota increase).');
    // Any bounce is a wrong address in templates/*.json or the unit registry; a complaint puts
    // the sender's reputation (and SES sending) at risk: both are looked at the same day.
    this.addAlarm('SesBounceAlarm', this.sesMetric('Bounce'), 'An email (report or reminder) bounced: check the recipient addresses (templates/*.json recipients, the unit registry).');
    this.addAlarm('SesComplaintAlarm', this.sesMetric('Complaint'), 'A recipient marked a report or reminder as spam: SES pauses sending above 0.5% complaints.');
  }

  /** Errors, and (with `duration`) a run close to its timeout, for one function. */
  addFunctionAlarms(name: string, fn: lambda.Function, options: { duration: boolean }): void {
    const Name = name[0]!.toUpperCase() + name.slice(1);
    const period = Duration.minutes(5);
    this.addAlarm(`${Name}ErrorsAlarm`, fn.metricErrors({ period, statistic: 'Sum' }), `The ${name} function failed (errors or timeouts).`);
    if (!options.duration) return;
    const timeout = fn.timeout ?? Duration.seconds(3);
    this.addAlarm(`${Name}DurationAlarm`, fn.metricDuration({ period, statistic: 'Maximum' }),
      `A run of ${name} took more than ${Math.round(DURATION_ALARM_SHARE * 100)}% of its ${timeout.toSeconds()} s timeout: the next may time out.`,
      Math.floor(DURATION_ALARM_SHARE * timeout.toMilliseconds()));
  }

  /** What to watch in the deadline week: uploads flowing, failures, the portal, email. */
  private addDashboardWidgets(): void {
    const period = Duration.minutes(15);
    const perFunction = (metric: (fn: NodejsFunction) => cloudwatch.IMetric) => FUNCTION_NAMES.map((n) => metric(this.functions[n]));
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '# tonghop — deadline week\nUploads → ingest queue → validation; failed uploads wait in the dead-letter queue (`tonghop submissions list`).', width: 24, height: 2 }),
      new cloudwatch.GraphWidget({
        title: 'Uploads: queued, oldest (s), dead-lettered',
        left: [this.queue.metricNumberOfMessagesSent({ period, statistic: 'Sum', label: 'uploads queued' }), this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'dead-letter queue' })],
        right: [this.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: 'oldest waiting (s)' })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Portal: requests and errors',
        left: [this.httpApi.metricCount({ period, statistic: 'Sum', label: 'requests' })],
        right: [this.httpApi.metricClientError({ period, statistic: 'Sum', label: '4xx' }), this.httpApi.metricServerError({ period, statistic: 'Sum', label: '5xx' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Function errors', left: perFunction((fn) => fn.metricErrors({ period, statistic: 'Sum', label: fn.node.id })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Function throttles', left: perFunction((fn) => fn.metricThrottles({ period, statistic: 'Sum', label: fn.node.id })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Slowest run (ms)', left: perFunction((fn) => fn.metricDuration({ period, statistic: 'Maximum', label: fn.node.id })), width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Email: sent, delivered, bounced, complaints',
        left: (['Send', 'Delivery', 'Bounce', 'Complaint'] as const).map((e) => this.sesMetric(e, period)),
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm), width: 12 }),
    );
  }

  /**
   * CDK's singleton custom resource that writes the bucket's notification configuration: its
   * logs go to a log group of ours with the stack's retention (Lambda would otherwise create
   * one that is kept forever).
   */
  private configureNotificationsHandler(config: DeployConfig): void {
    const handler = this.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) throw new Error('Expected CDK\'s BucketNotificationsHandler after addEventNotification');
    const fn = handler.node.children.find((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === 'AWS::Lambda::Function');
    if (!fn) throw new Error('Expected the BucketNotificationsHandler\'s AWS::Lambda::Function');
    const logGroup = new logs.LogGroup(this, 'BucketNotificationsLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: DATA_REMOVAL_POLICY,
    });
    fn.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK-managed custom resource (BucketNotificationsHandler) that sets the S3 → SQS notification at deploy time; its role is not configurable and it only writes logs.',
    });
  }

  private logicalIdOf(construct: IConstruct): string {
    const child = construct.node.defaultChild as CfnElement;
    return this.getLogicalId(child);
  }

  private acknowledgeWildcard(scope: IConstruct, finding: string, reason: string): void {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
