/**
 * The deployed stack, as `npx cdk synth` builds it (cdk.json context, real esbuild bundles,
 * cdk-nag AWS Solutions checks). Synthesized once for the file: bundling four functions is the
 * slow part.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { build, stop } from 'esbuild';
import { TABLE_KEYS } from '../../functions/adapters/table-schema';
import { LAMBDA_TEMPLATES_DIR, PROJECT_ROOT, TEMPLATES_SOURCE_DIR } from '../../infra/bundling';
import { INGEST_MAX_RECEIVE_COUNT } from '../../functions/core/storage-layout';
import { CHART_FUNCTIONS, DURATION_ALARMED, DURATION_ALARM_SHARE, FUNCTION_NAMES, HANDLER_EXPORT, INGEST_TIMEOUT, NONCURRENT_VERSION_DAYS, type FunctionName } from '../../infra/stack/tonghop-stack';
import { DEPLOY_CONTEXT, asList, logicalId, roleStatements, statementsOn, synthesize, type Statement, type Synthesized } from './support';

// Jest's testTimeout is a global option (the project-level value does not apply): set it here.
jest.setTimeout(240_000);

let s: Synthesized;
const OPERATOR = DEPLOY_CONTEXT.operatorEmail;
const MAIL_FROM = DEPLOY_CONTEXT.mailFrom;

beforeAll(() => {
  s = synthesize();
});
afterAll(() => stop());

const fnId = (name: FunctionName) => logicalId(s.stack, s.stack.functions[name]);
const roleId = (name: FunctionName) => logicalId(s.stack, s.stack.functions[name].role as never);
const bucketId = () => logicalId(s.stack, s.stack.bucket);
const tableId = () => logicalId(s.stack, s.stack.table);
const apiEndpoint = () => ({ 'Fn::GetAtt': [logicalId(s.stack, s.stack.httpApi), 'ApiEndpoint'] });
const actionsOf = (statements: Statement[]) => statements.flatMap((st) => asList(st.Action));
const templateForms = () =>
  fs.readdirSync(TEMPLATES_SOURCE_DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(TEMPLATES_SOURCE_DIR, f), 'utf8')) as {
    id: string; consolidation: { time: string }; reminders?: { time?: string };
  });

describe('TonghopStack', () => {
  describe('upload bucket', () => {
    it('blocks public access, encrypts, versions and logs access to a separate bucket', () => {
      s.template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(s.stack, s.stack.node.findChild('AccessLogBucket') as never) } },
      });
    });

    it('refuses every request that is not TLS, on both buckets', () => {
      const policies = Object.values(s.template.findResources('AWS::S3::BucketPolicy'));
      const denied = policies.filter((p) =>
        (p.Properties.PolicyDocument.Statement as Statement[]).some(
          (st) => st.Effect === 'Deny' && JSON.stringify(st.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        ),
      );
      expect(denied).toHaveLength(2);
    });

    it('lets the portal origin (the HTTP API endpoint by default) POST uploads straight to S3', () => {
      s.template.hasResourceProperties('AWS::S3::Bucket', {
        CorsConfiguration: {
          CorsRules: [Match.objectLike({ AllowedMethods: ['POST'], AllowedOrigins: [apiEndpoint()] })],
        },
      });
    });

    it.each(['uploads/', 'reports/', 'feedback/', 'exports/'])('keeps %s 5 years (as the README promises) and a replaced version at most 30 days more', (prefix) => {
      const fiveYears = 5 * 365;
      const bucket = Object.values(s.template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: Match.anyValue() } }))[0]!;
      const rule = (bucket.Properties.LifecycleConfiguration.Rules as { Prefix?: string; Status: string; ExpirationInDays?: number; NoncurrentVersionExpiration?: { NoncurrentDays: number } }[])
        .find((r) => r.Prefix === prefix);
      expect(rule).toBeDefined();
      expect(rule!.Status).toBe('Enabled');
      expect(rule!.ExpirationInDays).toBeGreaterThanOrEqual(fiveYears);
      expect(rule!.ExpirationInDays).toBeLessThanOrEqual(fiveYears + 2);
      expect(rule!.NoncurrentVersionExpiration!.NoncurrentDays).toBeLessThanOrEqual(30);
      expect(rule!.NoncurrentVersionExpiration!.NoncurrentDays).toBe(NONCURRENT_VERSION_DAYS);
    });

    it('notifies the ingest queue of objects created under uploads/ only', () => {
      s.template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: { Ref: bucketId() },
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
              QueueArn: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.queue), 'Arn'] },
            },
          ],
        },
      });
    });
  });

  describe('a retry after a failed first deploy', () => {
    it.each(['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup'])(
      'keeps every %s when the stack is deleted or it is replaced, but not when the create that made it rolls back',
      (type) => {
        const resources = Object.values(s.template.findResources(type));
        expect(resources.length).toBeGreaterThan(0);
        for (const r of resources) expect({ DeletionPolicy: r.DeletionPolicy, UpdateReplacePolicy: r.UpdateReplacePolicy }).toEqual({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
      },
    );

    it('lets CloudFormation name the schedule group and deletes it with the stack or a rolled-back create', () => {
      const groups = Object.values(s.template.findResources('AWS::Scheduler::ScheduleGroup'));
      expect(groups).toHaveLength(1);
      expect(groups[0]!.Properties?.Name).toBeUndefined();
      expect(groups[0]!.DeletionPolicy).toBe('Delete');
    });

    it('gives no data resource a fixed name that a left-behind copy could collide with', () => {
      for (const [type, nameProp] of [['AWS::DynamoDB::Table', 'TableName'], ['AWS::S3::Bucket', 'BucketName'], ['AWS::SecretsManager::Secret', 'Name'], ['AWS::Logs::LogGroup', 'LogGroupName'], ['AWS::SQS::Queue', 'QueueName']] as const) {
        for (const r of Object.values(s.template.findResources(type))) expect(r.Properties?.[nameProp]).toBeUndefined();
      }
    });
  });

  describe('queues', () => {
    it(`moves a message to the dead-letter queue after ${INGEST_MAX_RECEIVE_COUNT} receives (at least 5, as AWS recommends) and outlasts six ingest timeouts`, () => {
      const ingestTimeout = s.template.toJSON().Resources[fnId('ingest')].Properties.Timeout as number;
      expect(ingestTimeout).toBe(INGEST_TIMEOUT.toSeconds());
      const queue = s.template.toJSON().Resources[logicalId(s.stack, s.stack.queue)].Properties;
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * ingestTimeout);
      expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.deadLetterQueue), 'Arn'] }, maxReceiveCount: INGEST_MAX_RECEIVE_COUNT });
      expect(INGEST_MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(5);
    });

    it('gives the CLI the dead-letter queue\'s URL and ARN (listing and redrive)', () => {
      s.template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: logicalId(s.stack, s.stack.deadLetterQueue) } });
      s.template.hasOutput('DeadLetterQueueArn', { Value: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.deadLetterQueue), 'Arn'] } });
    });

    it('encrypts every queue and refuses non-TLS access to each', () => {
      const queues = s.template.findResources('AWS::SQS::Queue');
      expect(Object.keys(queues)).toHaveLength(5); // ingest + its DLQ, schedule DLQ, reminders + its DLQ (reminder-fanout.ts)
      for (const q of Object.values(queues)) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
      const policies = Object.values(s.template.findResources('AWS::SQS::QueuePolicy'));
      for (const id of Object.keys(queues)) {
        const tlsDeny = policies.some(
          (p) =>
            JSON.stringify(p.Properties.Queues).includes(`"${id}"`) &&
            (p.Properties.PolicyDocument.Statement as Statement[]).some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport')),
        );
        expect(tlsDeny).toBe(true);
      }
    });
  });

  describe('table', () => {
    it('uses the shared key schema with both indexes projecting everything and a TTL attribute', () => {
      s.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2].map((g) => ({
          IndexName: g.name,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: 'HASH' },
            { AttributeName: g.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
      });
    });

    it('is on-demand and point-in-time recoverable', () => {
      s.template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });
  });

  describe('functions', () => {
    it.each(FUNCTION_NAMES)('%s runs on nodejs22.x arm64 with source maps, JSON logs and the runtime configuration', (name) => {
      s.template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: `index.${HANDLER_EXPORT}`,
        Role: { 'Fn::GetAtt': [roleId(name), 'Arn'] },
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp(`^${name[0]!.toUpperCase()}${name.slice(1)}Logs`) } }),
        Environment: {
          Variables: Match.objectLike({
            TONGHOP_TABLE: { Ref: tableId() },
            TONGHOP_BUCKET: { Ref: bucketId() },
            TONGHOP_PORTAL_URL: apiEndpoint(),
            TONGHOP_LINK_SECRET_ARN: { Ref: logicalId(s.stack, s.stack.linkSecret) },
            TONGHOP_MAX_UPLOAD_BYTES: String(5 * 1024 * 1024),
            TONGHOP_TEMPLATES_DIR: LAMBDA_TEMPLATES_DIR,
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: `tonghop-${name}`,
            LOG_LEVEL: 'INFO',
          }),
        },
      });
    });

    it('gives consolidate, remind and api (the console\'s sign-in email) the sender address, and only them', () => {
      const resources = s.template.toJSON().Resources;
      const mailFrom = (name: FunctionName) => resources[fnId(name)].Properties.Environment.Variables.TONGHOP_MAIL_FROM;
      expect(mailFrom('consolidate')).toBe(MAIL_FROM);
      expect(mailFrom('remind')).toBe(MAIL_FROM);
      expect(mailFrom('ingest')).toBeUndefined();
      expect(mailFrom('api')).toBe(MAIL_FROM);
      expect(mailFrom('sweep')).toBeUndefined();
    });

    it('sizes each function, reserves no concurrency (a new account can deploy) and bounds ingest by its event source instead', () => {
      const props = (name: FunctionName) => s.template.toJSON().Resources[fnId(name)].Properties;
      expect(props('api').Timeout).toBeLessThanOrEqual(29);
      // The console builds the province workbook inside an API request: a whole vCPU (1,769 MB).
      expect(props('api').MemorySize).toBeGreaterThanOrEqual(1769);
      expect(props('ingest').MemorySize).toBeGreaterThanOrEqual(1024);
      expect(props('consolidate').Timeout).toBeGreaterThanOrEqual(300);
      for (const name of FUNCTION_NAMES) expect(props(name).ReservedConcurrentExecutions).toBeUndefined();
      const mapping = Object.values(s.template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: fnId('ingest') } } }))[0]!.Properties;
      expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalId(s.stack, s.stack.queue), 'Arn'] });
      expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      // One upload per invocation: a timeout fails that upload alone, with its own receive count.
      expect(mapping.BatchSize).toBe(1);
      expect(mapping.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
      expect(mapping.ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(10);
    });

    it('writes each function\'s logs, the bucket-notifications handler\'s included, to a log group kept 365 days', () => {
      const fns = Object.values(s.template.findResources('AWS::Lambda::Function'));
      // FUNCTION_NAMES, the reminder worker (reminder-fanout.ts), the bucket-notifications handler, the seed function and its trigger's provider (seed-forms.ts).
      expect(fns.length).toBe(FUNCTION_NAMES.length + 4);
      for (const fn of fns) {
        const ref = fn.Properties.LoggingConfig.LogGroup.Ref as string;
        expect(s.template.toJSON().Resources[ref].Properties.RetentionInDays).toBe(365);
      }
    });

    it.each(FUNCTION_NAMES)('%s: the handler names a real export of its entry file, and the bundle leaves local-only code out', async (name) => {
      const entry = s.stack.entries[name];
      expect(entry).toBe(path.join(PROJECT_ROOT, 'functions', 'lambda', `${name}.ts`));
      const handler = s.template.toJSON().Resources[fnId(name)].Properties.Handler as string;
      const [file, exportName] = handler.split('.');
      expect(file).toBe('index');
      // Bundle as ESM only to read the entry's export list; nothing runs.
      const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', outdir: path.join(PROJECT_ROOT, '.esbuild-check'), metafile: true, logLevel: 'silent' });
      const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
      expect(output.exports).toContain(exportName);
      const localOnly = Object.keys(result.metafile.inputs).filter((i) => /^(infra|test|bench)\/|node_modules\/(dynalite|s3rver|aws-sdk-client-mock|croner)\//.test(i));
      expect(localOnly).toEqual([]);
    });

    it.each(FUNCTION_NAMES)('%s: the deployed asset has index.js, its source map and every form definition', (name) => {
      const code = s.template.toJSON().Resources[fnId(name)].Properties.Code as { S3Key: string };
      const assetDir = path.join(s.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      expect(fs.existsSync(path.join(assetDir, 'index.js'))).toBe(true);
      expect(fs.existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);
      const wanted = fs.readdirSync(TEMPLATES_SOURCE_DIR).filter((f) => f.endsWith('.json')).sort();
      expect(fs.readdirSync(path.join(assetDir, 'templates')).sort()).toEqual(wanted);
    });
  });

  describe('chart assets', () => {
    it.each(FUNCTION_NAMES)('%s: carries resvg\'s WebAssembly and the DejaVu Sans fonts beside its bundle exactly when it consolidates', (name) => {
      const code = s.template.toJSON().Resources[fnId(name)].Properties.Code as { S3Key: string };
      const assetsDir = path.join(s.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'briefing-assets');

      if (CHART_FUNCTIONS.includes(name)) {
        expect(fs.readdirSync(assetsDir).sort()).toEqual(['DejaVuSans-Bold.ttf', 'DejaVuSans.ttf', 'index_bg.wasm']);
        // The real files, not empty copies: a .wasm starts with "\0asm", a TrueType font with 0x00010000.
        expect(fs.readFileSync(path.join(assetsDir, 'index_bg.wasm')).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
        expect(fs.readFileSync(path.join(assetsDir, 'DejaVuSans.ttf')).readUInt32BE(0)).toBe(0x00010000);
      } else {
        expect(fs.existsSync(assetsDir)).toBe(false);
      }
    });
  });

  describe('deployed bundles', () => {
    /** The function's environment as deployed, with CloudFormation references replaced by plausible values. */
    const deployedEnv = (name: FunctionName, assetDir: string): NodeJS.ProcessEnv => {
      const vars = s.template.toJSON().Resources[fnId(name)].Properties.Environment.Variables as Record<string, unknown>;
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_REGION: 'ap-southeast-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' };
      for (const [key, value] of Object.entries(vars)) {
        if (typeof value === 'string') env[key] = value;
        else if (JSON.stringify(value).includes('ApiEndpoint')) env[key] = 'https://abc123.execute-api.ap-southeast-1.amazonaws.com';
        else if (key.endsWith('_ARN')) env[key] = 'arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:LinkSecret-AbCdEf';
        else env[key] = `tonghop-${key.toLowerCase()}`;
      }
      // /var/task/templates on Lambda is the asset's templates/ directory.
      env.TONGHOP_TEMPLATES_DIR = path.join(assetDir, 'templates');
      return env;
    };

    it.each(FUNCTION_NAMES)('%s: loads with exactly the environment the stack gives it and exports a handler function', (name) => {
      const code = s.template.toJSON().Resources[fnId(name)].Properties.Code as { S3Key: string };
      const assetDir = path.join(s.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      // A child process: module scope parses the configuration and starts loading the form catalog.
      const script = [
        "process.on('unhandledRejection', (e) => { console.error(String(e && e.stack || e)); process.exit(3); });",
        `const m = require(${JSON.stringify(path.join(assetDir, 'index.js'))});`,
        "setTimeout(() => process.exit(typeof m.handler === 'function' ? 0 : 2), 500);",
      ].join('\n');
      const run = spawnSync(process.execPath, ['--enable-source-maps', '-e', script], { env: deployedEnv(name, assetDir), encoding: 'utf8' });
      expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ status: 0, stderr: '' });
    });
  });

  describe('HTTP API', () => {
    it('sends every request to the api function through the $default route', () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnId('api'), 'Arn'] },
      });
    });

    it('throttles the stage and writes access logs without the path (unit links carry their token in it)', () => {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context\\.requestId') },
      });
      const stage = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
      expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/\$context\.(path|routeKey|identity\.caller)/);
    });
  });

  describe('schedules', () => {
    const schedules = () => Object.values(s.template.findResources('AWS::Scheduler::Schedule'));

    it('has exactly two schedules, one per kind, each walking the catalog every 15 minutes, Vietnam time', () => {
      expect(schedules()).toHaveLength(2);
      for (const fn of ['consolidate', 'remind'] as const) {
        s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
          ScheduleExpression: 'cron(0/15 * * * ? *)',
          ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
          State: 'ENABLED',
          Target: {
            Arn: { 'Fn::GetAtt': [fnId(fn), 'Arn'] },
            Input: JSON.stringify({ walk: true }),
            RoleArn: Match.anyValue(),
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.scheduleDeadLetterQueue), 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
          },
        });
      }
    });

    it('names no form: publishing or retiring a form changes no schedule', () => {
      const text = JSON.stringify(schedules());
      for (const form of templateForms()) expect(text).not.toContain(form.id);
    });

    it('uses one role that only the scheduler can assume and that may invoke only consolidate and remind', () => {
      const roles = s.template.findResources('AWS::IAM::Role', {
        Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } },
      });
      expect(Object.keys(roles)).toHaveLength(1);
      const statements = roleStatements(s.template, Object.keys(roles)[0]!);
      expect(actionsOf(statements).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
      const invoke = JSON.stringify(statements.filter((st) => asList(st.Action).includes('lambda:InvokeFunction')));
      expect(invoke).toContain(fnId('consolidate'));
      expect(invoke).toContain(fnId('remind'));
      expect(invoke).not.toContain(fnId('api'));
      expect(invoke).not.toContain(fnId('ingest'));
    });

    it('sends failed asynchronous runs of consolidate and remind to the schedule dead-letter queue', () => {
      for (const name of ['consolidate', 'remind'] as const) {
        s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: fnId(name) },
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.scheduleDeadLetterQueue), 'Arn'] } } },
        });
      }
    });
  });

  describe('least privilege', () => {
    it('grants no wildcard action anywhere, and none on the table or the bucket', () => {
      const all = Object.values(s.template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
      expect(all.length).toBeGreaterThan(0);
      expect(actionsOf(all).filter((a) => a.includes('*'))).toEqual([]);
      const onData = [...statementsOn(all, tableId()), ...statementsOn(all, bucketId())];
      expect(onData.length).toBeGreaterThan(0);
      expect(actionsOf(onData).filter((a) => a.includes('*'))).toEqual([]);
    });

    it('lets no function delete or overwrite what units uploaded, scan the table or write in bulk', () => {
      for (const name of FUNCTION_NAMES) {
        const actions = actionsOf(roleStatements(s.template, roleId(name)));
        expect(actions).not.toContain('s3:DeleteObject');
        expect(actions).not.toContain('dynamodb:Scan');
        expect(actions).not.toContain('dynamodb:BatchWriteItem');
      }
      const ingestWrites = roleStatements(s.template, roleId('ingest')).filter((st) => asList(st.Action).includes('s3:PutObject'));
      expect(JSON.stringify(ingestWrites)).not.toContain('/uploads/');
      expect(JSON.stringify(ingestWrites)).toContain('/feedback/');
    });

    it.each([
      ['ingest', ['SUB#*', 'LATEST#*']],
      // Their own once-ledger keys only: the emails they send and the schedule walk's markers.
      ['consolidate', ['ONCE#consolidation#*', 'ONCE#schedule#consolidation#*']],
      ['remind', ['ONCE#late-digest#*', 'ONCE#schedule#reminders#*']],
      // The console's "Đơn vị" adds and edits units one conditional write at a time (never in bulk); its reviews, locks and exceptions are one conditional put each.
      // …and the console's "Biểu mẫu" publishes and retires forms (the FORM index).
      ['api', ['UNIT*', 'SIGNIN#*', 'SESSION#*', 'RATE#*', 'AUDIT#*', 'ONCE#*', 'REVIEW#*', 'LOCK#*', 'FORM*']],
    ] as const)('lets %s put and update only items whose partition key starts with %j', (name, prefixes) => {
      const writes = roleStatements(s.template, roleId(name)).filter((st) => actionsOf([st]).some((a) => /^dynamodb:(PutItem|UpdateItem)$/.test(a)));
      expect(writes.length).toBeGreaterThan(0);
      for (const st of writes) expect(st.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes } });
    });

    it.each(['ingest', 'consolidate'] as const)('lets %s read period locks and reviews (GetItem and Query on the table) but write neither', (name) => {
      const statements = roleStatements(s.template, roleId(name));
      const reads = statements.filter((st) => actionsOf([st]).some((a) => a === 'dynamodb:GetItem' || a === 'dynamodb:Query'));
      expect(actionsOf(reads)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      for (const st of reads) expect(st.Condition).toBeUndefined();
      const writes = statements.filter((st) => actionsOf([st]).some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem)$/.test(a)));
      expect(JSON.stringify(writes)).not.toMatch(/REVIEW#|LOCK#/);
    });

    it('lets every function read the province calendar (its catalog), sweep nothing else by key, and none write it', () => {
      for (const name of FUNCTION_NAMES) {
        const gets = roleStatements(s.template, roleId(name)).filter((st) => actionsOf([st]).includes('dynamodb:GetItem'));
        expect(gets.length).toBeGreaterThan(0);
        if (name === 'sweep') for (const st of gets) expect(st.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONFIG#*'] } });
        const writes = roleStatements(s.template, roleId(name)).filter((st) => actionsOf([st]).some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem)$/.test(a)));
        expect(JSON.stringify(writes)).not.toContain('CONFIG#');
      }
    });

    it('lets api read reviews and locks and put them (the console), but never delete one', () => {
      const statements = roleStatements(s.template, roleId('api'));
      const reads = statements.filter((st) => actionsOf([st]).some((a) => a === 'dynamodb:GetItem' || a === 'dynamodb:Query'));
      expect(actionsOf(reads)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      for (const st of reads) expect(st.Condition).toBeUndefined();
      const puts = statements.filter((st) => actionsOf([st]).includes('dynamodb:PutItem'));
      expect(JSON.stringify(puts)).toMatch(/"REVIEW#\*".*"LOCK#\*"/);
      const deletes = statements.filter((st) => actionsOf([st]).includes('dynamodb:DeleteItem'));
      expect(deletes.length).toBeGreaterThan(0);
      expect(JSON.stringify(deletes)).not.toMatch(/REVIEW#|LOCK#/);
    });

    it.each([
      // A failed send releases its claim; a schedule marker is never deleted.
      ['consolidate', ['ONCE#consolidation#*']],
      ['remind', ['ONCE#late-digest#*']],
      // A console consolidation releases its claim when sending fails; sign-in, session and audit items are never deleted (the audit log is append-only).
      ['api', ['ONCE#*']],
    ] as const)('lets %s delete only items whose partition key starts with %j', (name, prefixes) => {
      const deletes = roleStatements(s.template, roleId(name)).filter((st) => actionsOf([st]).includes('dynamodb:DeleteItem'));
      expect(deletes.length).toBeGreaterThan(0);
      for (const st of deletes) expect(st.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes } });
      const writes = actionsOf(roleStatements(s.template, roleId(name))).filter((a) => /Write/.test(a));
      expect(writes).toEqual([]);
    });

    it.each([
      ['ingest', ['uploads/*', 'feedback/*']],
      ['api', ['intents/*', 'feedback/*', 'reports/*']],
      ['consolidate', ['reports/*']],
    ] as const)('lets %s list only under its own key prefixes %j', (name, prefixes) => {
      const lists = roleStatements(s.template, roleId(name)).filter((st) => actionsOf([st]).includes('s3:ListBucket'));
      expect(lists).toHaveLength(1);
      expect(lists[0]!.Condition).toEqual({ StringLikeIfExists: { 's3:prefix': prefixes } });
    });

    it('lets api read, write and presign consolidated workbooks (the console\'s Báo cáo tổng hợp) and query the table\'s indexes (the once-ledger of emails sent), but delete no object', () => {
      const statements = roleStatements(s.template, roleId('api'));
      const onReports = statements.filter((st) => JSON.stringify(st.Resource).includes('/reports/*'));
      expect(actionsOf(onReports).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
      const query = statements.filter((st) => actionsOf([st]).includes('dynamodb:Query'));
      expect(query).toHaveLength(1);
      expect(JSON.stringify(query[0]!.Resource)).toContain('/index/*');
      expect(actionsOf(statements)).not.toContain('s3:DeleteObject');
    });

    it('lets remind touch the bucket only to read published form definitions', () => {
      const onBucket = statementsOn(roleStatements(s.template, roleId('remind')), bucketId());
      expect(actionsOf(onBucket).sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
      expect(JSON.stringify(onBucket.map((st) => st.Resource))).toContain('/forms/*');
    });

    it.each(FUNCTION_NAMES.filter((n) => n !== 'api'))('lets %s read the run-time form catalog (bodies under forms/) but write none of it', (name) => {
      const statements = roleStatements(s.template, roleId(name));
      const onForms = statements.filter((st) => JSON.stringify(st.Resource).includes('/forms/*'));
      expect(actionsOf(onForms).sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
      expect(actionsOf(statements)).toContain('dynamodb:Query');
      const writes = statements.filter((st) => actionsOf([st]).some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem)$/.test(a)));
      expect(JSON.stringify(writes)).not.toContain('"FORM');
    });

    it('lets api (the console\'s Biểu mẫu) read and write form bodies and staged checks, never delete them, and expire staged checks after a day', () => {
      const statements = roleStatements(s.template, roleId('api'));
      const onForms = statements.filter((st) => JSON.stringify(st.Resource).includes('/forms/*'));
      expect(actionsOf(onForms).sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject']);
      const onStaging = statements.filter((st) => JSON.stringify(st.Resource).includes('/staging/*'));
      expect(actionsOf(onStaging).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
      expect(actionsOf(statements)).not.toContain('s3:DeleteObject');
      const bucket = Object.values(s.template.findResources('AWS::S3::Bucket')).find((b) => JSON.stringify(b).includes('expire-staged-definitions'));
      expect(JSON.stringify(bucket)).toMatch(/"ExpirationInDays":1,"Id":"expire-staged-definitions","NoncurrentVersionExpiration":\{"NoncurrentDays":1\},"Prefix":"staging\/"/);
    });

    it('publishes the seed catalog on deploy with a trigger whose function may only write the form index and bodies', () => {
      const seed = s.stack.seedForms;
      const role = logicalId(s.stack, seed.role as never);
      const statements = roleStatements(s.template, role);
      const table = statements.filter((st) => actionsOf([st]).some((a) => a.startsWith('dynamodb:')));
      expect(actionsOf(table).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
      for (const st of table) expect(st.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['FORM'] } });
      const objects = statements.filter((st) => actionsOf([st]).some((a) => a.startsWith('s3:')));
      expect(actionsOf(objects).sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject']);
      expect(JSON.stringify(objects.map((st) => st.Resource))).toContain('/forms/*');
      expect(actionsOf(statements)).not.toContain('s3:DeleteObject');
      // The trigger runs the function after the table and bucket exist, again whenever its bundle (templates included) changes.
      const triggers = Object.values(s.template.findResources('Custom::Trigger'));
      expect(triggers).toHaveLength(1);
      expect(JSON.stringify(triggers[0]!.Properties.HandlerArn)).toContain(logicalId(s.stack, seed.function).replace(/[0-9A-F]{8}$/, ''));
      expect(triggers[0]!.DependsOn).toEqual(expect.arrayContaining([tableId(), bucketId()]));
    });

    it('lets only api (and the reminder worker, see reminder-fanout.test.ts) read the link-signing secret', () => {
      const secret = logicalId(s.stack, s.stack.linkSecret);
      const readers = FUNCTION_NAMES.filter((n) => actionsOf(statementsOn(roleStatements(s.template, roleId(n)), secret)).includes('secretsmanager:GetSecretValue'));
      expect(readers.sort()).toEqual(['api']);
      s.template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) });
    });

    it('lets only consolidate, remind and api (sign-in links) send email, from the configured address through the configured identity', () => {
      for (const name of FUNCTION_NAMES) {
        const ses = roleStatements(s.template, roleId(name)).filter((st) => asList(st.Action).some((a) => a.startsWith('ses:')));
        if (name === 'consolidate' || name === 'remind' || name === 'api') {
          expect(ses).toHaveLength(1);
          expect(ses[0]!.Action).toBe('ses:SendEmail');
          expect(JSON.stringify(ses[0]!.Resource)).toContain(':identity/tinhuy.example.vn');
          expect(JSON.stringify(ses[0]!.Resource)).not.toMatch(/identity\/\*/);
          expect(ses[0]!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': MAIL_FROM } });
        } else {
          expect(ses).toEqual([]);
        }
      }
    });
  });

  describe('alarms', () => {
    const topic = () => ({ Ref: logicalId(s.stack, s.stack.alarmTopic) });

    it.each([['ingest dead-letter queue', () => s.stack.deadLetterQueue], ['schedule dead-letter queue', () => s.stack.scheduleDeadLetterQueue]])(
      'alarms the operator as soon as the %s holds a message',
      (_label, queue) => {
        s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(s.stack, queue()), 'QueueName'] } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [topic()],
        });
      },
    );

    it.each(FUNCTION_NAMES)('alarms the operator when %s fails', (name) => {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(name) } }],
        AlarmActions: [topic()],
      });
    });

    it('alarms the operator when the portal answers with server errors (which Lambda counts as successes)', () => {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalId(s.stack, s.stack.httpApi) } }],
        AlarmActions: [topic()],
      });
    });

    it('subscribes the configured operator email to the alarm topic', () => {
      s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: OPERATOR, TopicArn: topic() });
    });

    it('lets CloudWatch alarms of this account publish to the topic (its policy replaces SNS\'s default one), over TLS only', () => {
      const policies = Object.values(s.template.findResources('AWS::SNS::TopicPolicy'));
      expect(policies).toHaveLength(1);
      expect(policies[0]!.Properties.Topics).toEqual([topic()]);
      const statements = policies[0]!.Properties.PolicyDocument.Statement as (Statement & { Principal: unknown })[];
      const allow = statements.filter((st) => st.Effect === 'Allow');
      expect(allow).toEqual([
        expect.objectContaining({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topic(),
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', [expect.stringMatching(/^arn:aws:cloudwatch:ap-southeast-1:$/), { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        }),
      ]);
      expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport'))).toBe(true);
    });

    it('alarms the operator when any invocation is throttled (no reservation: the account\'s concurrency is what runs out)', () => {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: Match.absent(), Statistic: 'Sum', Threshold: 1, AlarmActions: [topic()],
      });
    });

    it.each([...DURATION_ALARMED])('alarms the operator when a run of %s comes within 20%% of its timeout', (name) => {
      const timeoutMs = (s.template.toJSON().Resources[fnId(name)].Properties.Timeout as number) * 1000;
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda', MetricName: 'Duration', Statistic: 'Maximum', Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(name) } }],
        Threshold: Math.floor(DURATION_ALARM_SHARE * timeoutMs), AlarmActions: [topic()],
      });
      expect(DURATION_ALARM_SHARE).toBeLessThanOrEqual(0.9);
    });

    it.each(['Bounce', 'Complaint'])('alarms the operator on any email %s, through the configuration set the functions send with', (event) => {
      const set = Object.keys(s.template.findResources('AWS::SES::ConfigurationSet'));
      expect(set).toHaveLength(1);
      s.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        ConfigurationSetName: { Ref: set[0] },
        EventDestination: Match.objectLike({
          Enabled: true,
          MatchingEventTypes: Match.arrayWith([event.toLowerCase()]),
          CloudWatchDestination: { DimensionConfigurations: [Match.objectLike({ DimensionName: 'ses:configuration-set', DimensionValueSource: 'messageTag' })] },
        }),
      });
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES', MetricName: event, Dimensions: [{ Name: 'ses:configuration-set', Value: { Ref: set[0] } }], Threshold: 1, AlarmActions: [topic()],
      });
      for (const name of ['consolidate', 'remind'] as const) {
        expect(s.template.toJSON().Resources[fnId(name)].Properties.Environment.Variables.TONGHOP_SES_CONFIGURATION_SET).toEqual({ Ref: set[0] });
      }
    });

    it('shows the deadline week on a dashboard: uploads, dead letters, portal, functions, email, alarms', () => {
      const dashboards = Object.values(s.template.findResources('AWS::CloudWatch::Dashboard'));
      expect(dashboards).toHaveLength(1);
      const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
      for (const metric of ['ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesVisible', '5xx', 'Errors', 'Throttles', 'Duration', 'Bounce', 'Complaint']) expect(body).toContain(metric);
      expect(body).toContain('alarm');
      s.template.hasOutput('DashboardName', Match.anyValue());
    });
  });

  describe('cdk-nag (AWS Solutions)', () => {
    it('reports no violation that is not acknowledged', () => {
      // app.synth() already threw if an error-level rule failed; the report lists everything else.
      const report = JSON.parse(fs.readFileSync(path.join(s.assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
      expect(report.pluginReports).toEqual([]);
    });

    it('gives every acknowledgment a rule id and a specific reason', () => {
      const acknowledged = s.stack.node
        .findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => ({ path: c.node.path, rules: m.data as Record<string, string> })))
        .flatMap(({ path: at, rules }) => Object.entries(rules).map(([id, reason]) => ({ at, id, reason })));
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const a of acknowledged) {
        expect(a.id).toMatch(/AwsSolutions-[A-Z]+\d+/);
        expect(a.reason.length).toBeGreaterThan(40);
      }
      // Wildcard resources are acknowledged finding by finding, never the whole rule.
      expect(acknowledged.filter((a) => a.id.includes('IAM5') && !a.id.includes('['))).toEqual([]);
    });
  });
});
