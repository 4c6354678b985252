/**
 * Lambda entry for the reminder worker (SQS event source on the reminders queue, one unit's
 * reminder per message). Configuration and clients are built once per container at module scope;
 * `composeReminderWorker` (functions/compose.ts) wires the rest: mail through SES, the link keys
 * from Secrets Manager (TONGHOP_LINK_SECRET_ARN) or the configured value.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDynamoDocumentClient, createS3Client, createSesClient } from '../adapters/aws-clients';
import { linkSecretSourceFor } from '../adapters/secrets-manager-secret-source';
import { sesMailerFor } from '../adapters/ses-mailer';
import { composeReminderWorker } from '../compose';
import { loadRuntimeConfig, settingsFrom } from '../config';
import { createRemindUnitHandler } from '../handlers/remind-unit';

const config = loadRuntimeConfig();
const settings = settingsFrom(config);
const log = new Logger({ serviceName: 'tonghop-remind-unit' });
const clients = { dynamo: createDynamoDocumentClient(settings), s3: createS3Client(settings) };
const mailer = sesMailerFor(createSesClient(settings), settings);

export const handler = createRemindUnitHandler(composeReminderWorker({ settings, clients, log, mailer, secrets: linkSecretSourceFor(config) })).use(injectLambdaContext(log));
