/**
 * The upload sweeper's wiring: a schedule that runs the `sweep` function every
 * `SWEEP_RATE_MINUTES`, the access it needs beyond its `FUNCTION_ACCESS` entry (list `uploads/`
 * only; send to the ingest queue only), and the alarm on the `StalledUploads` metric it
 * publishes. The alarm fires when two sweeps in a row found stalled uploads, i.e. the first
 * sweep's requeue did not finish them (or events keep getting lost): an upload stuck in
 * `pending` reaches the operator instead of waiting for a unit to complain.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { KEY_PREFIX } from '../../functions/core/storage-layout';
import { SWEEP_METRICS, SWEEP_RATE_MINUTES } from '../../functions/handlers/sweep';

export interface UploadSweeperProps {
  /** The `sweep` function (built with the others from `FUNCTION_NAMES`). */
  fn: lambda.Function;
  bucket: s3.IBucket;
  /** The ingest queue the stalled uploads are sent to again. */
  queue: sqs.IQueue;
  alarmTopic: sns.ITopic;
}

export class UploadSweeper extends Construct {
  readonly rule: events.Rule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: UploadSweeperProps) {
    super(scope, id);
    const { fn, bucket, queue } = props;
    fn.addEnvironment('TONGHOP_INGEST_QUEUE_URL', queue.queueUrl);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': `${KEY_PREFIX.uploads}*` } } }),
    );

    this.rule = new events.Rule(this, 'Schedule', {
      description: `Every ${SWEEP_RATE_MINUTES} minutes: send uploads left without a final status back to ingest`,
      schedule: events.Schedule.rate(Duration.minutes(SWEEP_RATE_MINUTES)),
      // The next run is the retry.
      targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
    });

    const period = Duration.minutes(SWEEP_RATE_MINUTES);
    this.alarm = new cloudwatch.Alarm(this, 'StalledUploadsAlarm', {
      metric: new cloudwatch.Metric({
        namespace: SWEEP_METRICS.namespace,
        metricName: SWEEP_METRICS.stalled,
        dimensionsMap: { [SWEEP_METRICS.dimension]: fn.functionName },
        statistic: 'Maximum',
        period,
      }),
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // A sweep that did not run is the sweep function's own Errors alarm.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Uploads stayed without a final status ("đang xử lý") through two sweeps ${SWEEP_RATE_MINUTES} minutes apart, although each sweep sent them back to ingest (see the sweep and ingest logs, \`npx tonghop submissions\`).`,
    });
    this.alarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
