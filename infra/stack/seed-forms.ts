/**
 * The seed catalog on deploy: a small function bundled with `templates/*.json` that publishes
 * them into the run-time catalog (functions/lambda/seed-forms.ts), run by a CDK trigger once the
 * table and bucket exist and again whenever its bundle changes (a template added or edited).
 * Idempotent, and it never overwrites a published version (see `seedFormCatalog`).
 *
 * Its role may only: read the form index (GetItem, Query on the `FORM` partition), index a
 * version (PutItem limited to `FORM` keys), and read and write bodies under `forms/`.
 */
import * as path from 'node:path';
import { CfnResource, Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { FORM_PARTITION } from '../../functions/adapters/table-schema';
import { KEY_PREFIX } from '../../functions/core/storage-layout';
import { PROJECT_ROOT, cdkBundlingOptions } from '../bundling';
import type { DeployConfig } from './config';

export const SEED_FORMS_ENTRY = path.join(PROJECT_ROOT, 'functions/lambda/seed-forms.ts');

export interface SeedFormsProps {
  config: DeployConfig;
  table: dynamodb.ITable;
  bucket: s3.IBucket;
  /** The functions' common environment (table, bucket, templates dir, …). */
  environment: Record<string, string>;
}

export class SeedForms extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly trigger: triggers.Trigger;

  constructor(scope: Construct, id: string, props: SeedFormsProps) {
    super(scope, id);
    const { config } = props;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'tonghop seed-forms function (deploy trigger)' });
    const role = this.role;
    const formKeys = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [FORM_PARTITION] } };
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], resources: [props.table.tableArn], conditions: formKeys }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], resources: [props.bucket.arnForObjects(`${KEY_PREFIX.forms}*`)] }));
    const bucketId = Stack.of(this).getLogicalId(props.bucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${KEY_PREFIX.forms}*]`,
      reason: 'Published form bodies are keyed forms/<id>/v<n>.json; the grant is limited to that prefix.',
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: SEED_FORMS_ENTRY,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      description: 'Publishes the bundled seed forms (templates/*.json) into the run-time catalog on deploy',
      memorySize: 512,
      timeout: Duration.minutes(2),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: 'tonghop-seed-forms' },
      bundling: cdkBundlingOptions(),
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is the runtime the code is built (esbuild target node22) and tested for; moving to a newer runtime changes NODE_TARGET in infra/bundling.ts at the same time.',
    });
    this.trigger = new triggers.Trigger(this, 'Run', {
      handler: this.function,
      executeAfter: [props.table, props.bucket],
      executeOnHandlerChange: true,
    });
    // The trigger's provider is CDK's own function (one per stack): its logs go to a group of
    // ours with the stack's retention, like every other function's.
    const provider = Stack.of(this).node.children.find((c) => c.node.id.includes('TriggerCustomResourceProvider'));
    const handler = provider?.node.tryFindChild('Handler');
    if (!(handler instanceof CfnResource)) throw new Error('Expected the CDK trigger provider\'s Handler function');
    const providerLogs = new logs.LogGroup(this, 'TriggerProviderLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    handler.addPropertyOverride('LoggingConfig', { LogGroup: providerLogs.logGroupName });
  }
}
