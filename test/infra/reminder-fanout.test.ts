/**
 * The reminder fan-out (infra/stack/reminder-fanout.ts): the daily run queues one message per
 * unit, a worker with bounded concurrency sends them, failures retry and end in an alarmed
 * dead-letter queue, the worker's role holds only what it calls, and the forms' reminder runs
 * do not all start at the same minute.
 */
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { build, stop } from 'esbuild';
import { PROJECT_ROOT } from '../../infra/bundling';
import { REMINDER_MAX_CONCURRENCY, REMINDER_WORKER_ENTRY } from '../../infra/stack/reminder-fanout';
import { asList, DEPLOY_CONTEXT, logicalId, roleStatements, synthesize, type Statement, type Synthesized } from './support';

jest.setTimeout(240_000);

let s: Synthesized;
beforeAll(() => {
  s = synthesize({ operatorEmail: 'ops@example.vn' });
});
afterAll(() => stop());

const fanout = () => s.stack.reminderFanout;
const queueId = () => logicalId(s.stack, fanout().queue);
const workerRoleId = () => logicalId(s.stack, fanout().workerRole);
const actions = (statements: Statement[]) => statements.flatMap((st) => asList(st.Action)).sort();

describe('ReminderFanout', () => {
  describe('queue', () => {
    it('retries a failed reminder and then keeps it in an encrypted dead-letter queue with an alarm', () => {
      const dlq = logicalId(s.stack, fanout().deadLetterQueue);
      s.template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 180,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
      });
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
        AlarmActions: [{ Ref: logicalId(s.stack, s.stack.alarmTopic) }],
      });
    });
  });

  describe('worker', () => {
    it('takes small batches with partial failures, at a concurrency bounded for the SES sending rate', () => {
      s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
        FunctionName: { Ref: logicalId(s.stack, fanout().worker) },
        BatchSize: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: REMINDER_MAX_CONCURRENCY },
      });
    });

    it('may read units and their uploads, the form catalog, claim/release the once-ledger, read the link keys and send from the configured address — nothing else', () => {
      const statements = roleStatements(s.template, workerRoleId());
      const table = logicalId(s.stack, s.stack.table);
      const onTable = statements.filter((st) => JSON.stringify(st.Resource).includes(`"${table}"`));
      expect(actions(onTable)).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Query']);
      const queries = onTable.filter((st) => asList(st.Action).includes('dynamodb:Query'));
      // gsi1 (a unit's uploads), and the table itself only for the form catalog's partition.
      expect(JSON.stringify(queries[0]!.Resource)).toContain('/index/gsi1');
      expect(JSON.stringify(queries[0]!.Resource)).not.toContain('*');
      expect(queries[1]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['FORM'] } });
      const bucket = logicalId(s.stack, s.stack.bucket);
      const onBucket = statements.filter((st) => JSON.stringify(st.Resource).includes(`"${bucket}`));
      expect(actions(onBucket)).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
      expect(JSON.stringify(onBucket[0]!.Resource)).toContain('/forms/*');
      expect(actions(statements)).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 'ses:SendEmail', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']));
      expect(actions(statements).filter((a) => !/^(logs:(CreateLogStream|PutLogEvents)|dynamodb:(GetItem|PutItem|DeleteItem|Query)|s3:(GetObject|GetObjectVersion)|secretsmanager:(GetSecretValue|DescribeSecret)|ses:SendEmail|sqs:(ReceiveMessage|DeleteMessage|ChangeMessageVisibility|GetQueueAttributes|GetQueueUrl))$/.test(a))).toEqual([]);
      const ses = statements.find((st) => asList(st.Action).includes('ses:SendEmail'))!;
      expect(ses.Condition).toEqual({ StringEquals: { 'ses:FromAddress': DEPLOY_CONTEXT.mailFrom } });
    });

    it('names a real export of its entry file, and its bundle leaves local-only code out', async () => {
      const handler = s.template.toJSON().Resources[logicalId(s.stack, fanout().worker)].Properties.Handler as string;
      const [file, exportName] = handler.split('.');
      const result = await build({ entryPoints: [REMINDER_WORKER_ENTRY], bundle: true, write: false, format: 'esm', platform: 'node', outdir: path.join(PROJECT_ROOT, '.esbuild-check'), metafile: true, logLevel: 'silent' });
      const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
      expect(file).toBe('index');
      expect(output.exports).toContain(exportName);
      expect(Object.keys(result.metafile.inputs).filter((i) => /^(infra|test|bench)\/|node_modules\/(dynalite|s3rver|aws-sdk-client-mock|croner)\//.test(i))).toEqual([]);
    });
  });

  describe('daily run', () => {
    it('may send to the reminders queue and is told its URL', () => {
      const planner = s.stack.functions.remind;
      const statements = roleStatements(s.template, logicalId(s.stack, planner.role as never));
      const send = statements.filter((st) => JSON.stringify(st.Resource).includes(`"${queueId()}"`));
      expect(actions(send)).toEqual(expect.arrayContaining(['sqs:SendMessage']));
      expect(actions(send).filter((a) => a.startsWith('sqs:Receive') || a.startsWith('sqs:Delete'))).toEqual([]);
      s.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ TONGHOP_REMINDER_QUEUE_URL: { Ref: queueId() }, POWERTOOLS_SERVICE_NAME: 'tonghop-remind' }) },
      });
    });

    it('is started by one schedule for every form (the walk), not one per form', () => {
      const reminders = Object.values(s.template.findResources('AWS::Scheduler::Schedule'))
        .filter((r) => JSON.stringify(r.Properties.Target.Arn).includes(logicalId(s.stack, s.stack.functions.remind)));
      expect(reminders.map((r) => r.Properties.Target.Input)).toEqual([JSON.stringify({ walk: true })]);
    });
  });
});
