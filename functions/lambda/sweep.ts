/**
 * Lambda entry for the upload sweeper (a schedule every few minutes). AWS composition root,
 * built once per container at module scope: it lists recent uploads in S3, reads their
 * submissions in DynamoDB and sends stalled ones back to the ingest queue (SQS).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDocumentClient, createS3Client, createSqsClient } from '../adapters/aws-clients';
import { DynamoSubmissionRepository } from '../adapters/dynamo-submission-repository';
import { emfMetrics } from '../adapters/emf-metrics';
import { S3ObjectStore } from '../adapters/s3-object-store';
import { sqsIngestRequeue } from '../adapters/sqs-ingest-requeue';
import { loadRuntimeConfig } from '../config';
import { ConfigError } from '../core/errors';
import { loadFormCatalog } from '../core/forms/catalog';
import { systemClock } from '../core/ports';
import { createSweepHandler, SWEEP_METRICS } from '../handlers/sweep';

const config = loadRuntimeConfig();
if (!config.TONGHOP_INGEST_QUEUE_URL) throw new ConfigError('Invalid configuration: TONGHOP_INGEST_QUEUE_URL (the ingest queue) is required to requeue stalled uploads');
const logger = new Logger({ serviceName: 'tonghop-sweep' });
const region = { region: config.AWS_REGION };

export const handler = createSweepHandler({
  files: new S3ObjectStore({ client: createS3Client(region), bucket: config.TONGHOP_BUCKET }),
  submissions: new DynamoSubmissionRepository({ client: createDynamoDocumentClient(region), tableName: config.TONGHOP_TABLE }),
  forms: loadFormCatalog(config.TONGHOP_TEMPLATES_DIR),
  requeue: sqsIngestRequeue({ client: createSqsClient(region), queueUrl: config.TONGHOP_INGEST_QUEUE_URL, bucketName: config.TONGHOP_BUCKET }),
  clock: systemClock,
  metrics: emfMetrics({ namespace: SWEEP_METRICS.namespace, clock: systemClock }),
  log: logger,
});
