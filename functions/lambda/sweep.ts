/**
 * Lambda entry for the upload sweeper (a schedule every few minutes). Configuration and clients
 * are built once per container at module scope; `composeSweep` (functions/compose.ts) wires the
 * rest. Stalled uploads go back to the ingest queue (SQS); the counts are EMF metrics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDynamoDocumentClient, createS3Client, createSqsClient } from '../adapters/aws-clients';
import { emfMetrics } from '../adapters/emf-metrics';
import { sqsIngestRequeue } from '../adapters/sqs-ingest-requeue';
import { composeSweep } from '../compose';
import { loadRuntimeConfig, settingsFrom } from '../config';
import { ConfigError } from '../core/errors';
import { systemClock } from '../core/ports';
import { createSweepHandler, SWEEP_METRICS } from '../handlers/sweep';

const config = loadRuntimeConfig();
if (!config.TONGHOP_INGEST_QUEUE_URL) throw new ConfigError('Invalid configuration: TONGHOP_INGEST_QUEUE_URL (the ingest queue) is required to requeue stalled uploads');
const settings = settingsFrom(config);
const log = new Logger({ serviceName: 'tonghop-sweep' });
const clients = { dynamo: createDynamoDocumentClient(settings), s3: createS3Client(settings) };
const requeue = sqsIngestRequeue({ client: createSqsClient(settings), queueUrl: config.TONGHOP_INGEST_QUEUE_URL, bucketName: settings.bucketName });
const metrics = emfMetrics({ namespace: SWEEP_METRICS.namespace, clock: systemClock });

export const handler = createSweepHandler(composeSweep({ settings, clients, log, requeue, metrics })).use(injectLambdaContext(log));
