/**
 * The upload sweeper in the deployed stack: run on a schedule, allowed to list only `uploads/`
 * and to send only to the ingest queue, and alarming the operator when uploads stay stuck in
 * `pending`. Synthesized without bundling (the bundles are checked in stack.test.ts); cdk-nag
 * still runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { SWEEP_METRICS, SWEEP_RATE_MINUTES } from '../../functions/handlers/sweep';
import { asList, logicalId, roleStatements, statementsOn, synthesize, type Statement, type Synthesized } from './support';

jest.setTimeout(240_000);

let s: Synthesized;
beforeAll(() => {
  s = synthesize({}, { bundle: false });
});

const fnId = () => logicalId(s.stack, s.stack.functions.sweep);
const roleStatementsOfSweep = () => roleStatements(s.template, logicalId(s.stack, s.stack.functions.sweep.role as never));
const actionsOf = (statements: Statement[]) => statements.flatMap((st) => asList(st.Action)).sort();

describe('UploadSweeper', () => {
  describe('schedule', () => {
    it(`runs the sweep function every ${SWEEP_RATE_MINUTES} minutes and tells it the ingest queue`, () => {
      s.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${SWEEP_RATE_MINUTES} minutes)`,
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId(), 'Arn'] } })],
      });
      s.template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Environment: { Variables: Match.objectLike({ TONGHOP_INGEST_QUEUE_URL: { Ref: logicalId(s.stack, s.stack.queue) } }) },
      });
    });
  });

  describe('access', () => {
    it('may list only uploads/, query the table, read the settings items (calendar, unit types) and the published forms, and send only to the ingest queue', () => {
      const statements = roleStatementsOfSweep();
      const queueId = logicalId(s.stack, s.stack.queue);
      const bucketId = logicalId(s.stack, s.stack.bucket);

      // GetItem: the settings items only (the calendar and unit types its catalog is built with).
      // s3:GetObject(Version): the published form bodies (forms/) its live catalog reads.
      expect(actionsOf(statements)).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 'sqs:SendMessage']);
      expect(statements.filter((st) => st.Action === 'dynamodb:GetItem')).toEqual([expect.objectContaining({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONFIG#*'] } } })]);
      // No write of any kind on the table.
      expect(actionsOf(statements).filter((a) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
      expect(statementsOn(statements, queueId)).toEqual([expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } })]);
      expect(statementsOn(statements, logicalId(s.stack, s.stack.deadLetterQueue))).toEqual([]);
      expect(statementsOn(statements, bucketId)).toEqual([
        expect.objectContaining({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/forms/*']] } }),
        expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': 'uploads/*' } } }),
      ]);
    });
  });

  describe('alarm', () => {
    it('alarms the operator when two sweeps in a row find stalled uploads', () => {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: SWEEP_METRICS.namespace,
        MetricName: SWEEP_METRICS.stalled,
        Dimensions: [{ Name: SWEEP_METRICS.dimension, Value: { Ref: fnId() } }],
        Statistic: 'Maximum',
        Period: SWEEP_RATE_MINUTES * 60,
        Threshold: 1,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: logicalId(s.stack, s.stack.alarmTopic) }],
      });
    });

    it('alarms the operator when the sweep function itself fails', () => {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId() } }],
      });
    });
  });

  describe('cdk-nag (AWS Solutions)', () => {
    it('reports no violation that is not acknowledged', () => {
      const report = JSON.parse(fs.readFileSync(path.join(s.assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
      expect(report.pluginReports).toEqual([]);
    });
  });
});
