/**
 * Lambda entry for ingest (SQS → this function, partial batch responses). Configuration and
 * clients are built once per container at module scope; `composeIngest` (functions/compose.ts)
 * wires the rest, as it does for the local runtime.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDynamoDocumentClient, createS3Client } from '../adapters/aws-clients';
import { composeIngest } from '../compose';
import { loadRuntimeConfig, settingsFrom } from '../config';
import { createIngestHandler } from '../handlers/ingest';

const settings = settingsFrom(loadRuntimeConfig());
const log = new Logger({ serviceName: 'tonghop-ingest' });
const clients = { dynamo: createDynamoDocumentClient(settings), s3: createS3Client(settings) };

export const handler = createIngestHandler(composeIngest({ settings, clients, log })).use(injectLambdaContext(log));
