/**
 * Lambda entry for the daily reminders (EventBridge Scheduler, per form at its reminder time,
 * payload `{ formId }`). Configuration and clients are built once per container at module scope;
 * `composeReminders` (functions/compose.ts) wires the rest: mail through SES, the link secret
 * from Secrets Manager (TONGHOP_LINK_SECRET_ARN) or the configured value.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDynamoDocumentClient, createSesClient } from '../adapters/aws-clients';
import { linkSecretSourceFor } from '../adapters/secrets-manager-secret-source';
import { sesMailerFor } from '../adapters/ses-mailer';
import { composeReminders } from '../compose';
import { loadRuntimeConfig, settingsFrom } from '../config';
import { createRemindHandler } from '../handlers/remind';

const config = loadRuntimeConfig();
const settings = settingsFrom(config);
const log = new Logger({ serviceName: 'tonghop-remind' });
const clients = { dynamo: createDynamoDocumentClient(settings) };
const mailer = sesMailerFor(createSesClient(settings), settings);

export const handler = createRemindHandler(composeReminders({ settings, clients, log, mailer, secrets: linkSecretSourceFor(config) })).use(injectLambdaContext(log));
