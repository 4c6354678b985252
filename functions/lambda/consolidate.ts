/**
 * Lambda entry for the scheduled consolidation (EventBridge Scheduler every 15 minutes with
 * `{ walk: true }`, or one form with `{ formId, period?, send? }`). Configuration and clients are built once per container at
 * module scope; `composeConsolidation` (functions/compose.ts) wires the rest, mail through SES.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDynamoDocumentClient, createS3Client, createSesClient } from '../adapters/aws-clients';
import { sesMailerFor } from '../adapters/ses-mailer';
import { composeConsolidation } from '../compose';
import { loadRuntimeConfig, settingsFrom } from '../config';
import { createConsolidateHandler } from '../handlers/consolidate';

const settings = settingsFrom(loadRuntimeConfig());
const log = new Logger({ serviceName: 'tonghop-consolidate' });
const clients = { dynamo: createDynamoDocumentClient(settings), s3: createS3Client(settings) };
const mailer = sesMailerFor(createSesClient(settings), settings);

export const handler = createConsolidateHandler(composeConsolidation({ settings, clients, log, mailer })).use(injectLambdaContext(log));
