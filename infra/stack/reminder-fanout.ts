/**
 * Reminder fan-out: the daily reminder run (the `remind` function) queues one message per due
 * unit on the reminders queue; the worker (`functions/lambda/remind-unit.ts`) emails one unit
 * per message. The worker's concurrency is capped so the sends stay under SES's sending rate
 * whatever the number of units; a send that fails is retried by SQS (its once-ledger claim was
 * released), and after `REMINDER_MAX_RECEIVES` receives the message waits in a dead-letter queue
 * with an alarm. The worker's role holds only what `sendUnitReminder` calls: read a unit
 * (GetItem), the unit's uploads for the period (Query on gsi1), claim/release the once-ledger key (PutItem/DeleteItem), read the link keys, send
 * email from the configured address.
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FORM_PARTITION, TABLE_KEYS } from '../../functions/adapters/table-schema';
import { KEY_PREFIX } from '../../functions/core/storage-layout';
/** The once-ledger's partition-key prefix (ITEM_KEY_PREFIX.once in tonghop-stack.ts). */
const ONCE_KEY_PREFIX = 'ONCE#';
import { PROJECT_ROOT, cdkBundlingOptions } from '../bundling';
import type { DeployConfig } from './config';

/** The worker's entry and export (checked by test/infra/reminder-fanout.test.ts). */
export const REMINDER_WORKER_ENTRY = path.join(PROJECT_ROOT, 'functions', 'lambda', 'remind-unit.ts');
/**
 * Concurrent worker invocations (the SQS event source's maximum concurrency; 2 is its minimum).
 * Each sends one email at a time after a unit read and a ledger write (~100–150 ms), so two
 * workers send ~10–15 emails a second: SES's default production rate is 14/s. Raise it with the
 * account's SES quota.
 */
export const REMINDER_MAX_CONCURRENCY = 2;
/** Messages per worker invocation: small, so one slow send holds back few others. */
export const REMINDER_BATCH_SIZE = 5;
export const REMINDER_WORKER_TIMEOUT = Duration.seconds(30);
/** Receives before a reminder moves to the dead-letter queue (each retry after the visibility timeout). */
export const REMINDER_MAX_RECEIVES = 5;

export interface ReminderFanoutProps {
  config: DeployConfig;
  table: dynamodb.ITable;
  /** The bucket: the worker reads the published form definitions (`forms/`). */
  bucket: s3.IBucket;
  linkSecret: secretsmanager.ISecret;
  /** The daily reminder run: may send to the queue, and learns its URL (TONGHOP_REMINDER_QUEUE_URL). */
  planner: lambda.Function;
  /** The worker's environment (table, portal URL, link secret ARN, sender, …). */
  environment: Record<string, string>;
  alarmTopic: sns.ITopic;
}

export class ReminderFanout extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: NodejsFunction;
  readonly workerRole: iam.Role;

  constructor(scope: Construct, id: string, props: ReminderFanoutProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the reminders queue; it is alarmed on depth.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for SQS event sources: at least 6× the function timeout.
      visibilityTimeout: Duration.seconds(6 * REMINDER_WORKER_TIMEOUT.toSeconds()),
      // A reminder is for one day: the worker drops it the next day anyway.
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: REMINDER_MAX_RECEIVES },
    });

    const logGroup = new logs.LogGroup(this, 'WorkerLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      // Kept on stack deletion and replacement, not when the create that made it rolls back.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.workerRole = new iam.Role(this, 'WorkerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'tonghop remind-unit function (reminder worker)',
    });
    const role = this.workerRole;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.table.tableArn] }));
    // It writes only once-ledger claims (claim before the send, release when it fails).
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
      resources: [props.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ONCE_KEY_PREFIX}*`] } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${props.table.tableArn}/index/${TABLE_KEYS.gsi1.name}`] }));
    // The run-time form catalog: its index (the `FORM` partition only) and the published bodies.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [props.table.tableArn], conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [FORM_PARTITION] } } }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [props.bucket.arnForObjects(`${KEY_PREFIX.forms}*`)] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.bucket.node.defaultChild as CfnElement)}.Arn>/${KEY_PREFIX.forms}*]`,
      reason: 'Published form bodies are keyed forms/<id>/v<n>.json; the worker only reads them (the run-time catalog).',
    });
    props.linkSecret.grantRead(role);
    const sesResources = [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sesIdentity })];
    if (config.sesConfigurationSet) sesResources.push(stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: config.sesConfigurationSet }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: sesResources, conditions: { StringEquals: { 'ses:FromAddress': config.mailFrom } } }));

    this.worker = new NodejsFunction(this, 'Worker', {
      entry: REMINDER_WORKER_ENTRY,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      description: 'Emails one unit its reminder (reminders queue → Lambda)',
      memorySize: 512,
      timeout: REMINDER_WORKER_TIMEOUT,
      reservedConcurrentExecutions: config.reservedConcurrency ? REMINDER_MAX_CONCURRENCY : undefined,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: 'tonghop-remind-unit' },
      bundling: cdkBundlingOptions(),
    });
    Validations.of(this.worker).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is the runtime the code is built (esbuild target node22) and tested for, as for the other functions.',
    });
    this.worker.addEventSource(new SqsEventSource(this.queue, {
      batchSize: REMINDER_BATCH_SIZE, reportBatchItemFailures: true, maxConcurrency: REMINDER_MAX_CONCURRENCY,
    }));

    // The daily run may only send to this queue.
    this.queue.grantSendMessages(props.planner);
    props.planner.addEnvironment('TONGHOP_REMINDER_QUEUE_URL', this.queue.queueUrl);

    const alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Unit reminders failed ${REMINDER_MAX_RECEIVES} times and wait in the reminders dead-letter queue (see the remind-unit logs).`,
    });
    alarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
