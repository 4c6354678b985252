/**
 * Lambda entry for the reminder run (EventBridge Scheduler every 15 minutes with `{ walk: true }`,
 * or one form with `{ formId }`). Configuration and clients are built once per container at module scope;
 * `composeReminders` (functions/compose.ts) wires the rest: each unit's reminder goes to the
 * reminders queue (TONGHOP_REMINDER_QUEUE_URL), whose worker (remind-unit.ts) signs the link and
 * sends it; the late digest is sent from here through SES.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDynamoDocumentClient, createS3Client, createSesClient, createSqsClient } from '../adapters/aws-clients';
import { sesMailerFor } from '../adapters/ses-mailer';
import { SqsReminderQueue } from '../adapters/sqs-reminder-queue';
import { composeReminders } from '../compose';
import { loadRuntimeConfig, settingsFrom } from '../config';
import { ConfigError } from '../core/errors';
import { createRemindHandler } from '../handlers/remind';

const config = loadRuntimeConfig();
if (!config.TONGHOP_REMINDER_QUEUE_URL) throw new ConfigError('Invalid configuration: TONGHOP_REMINDER_QUEUE_URL (the reminders queue) is required');
const settings = settingsFrom(config);
const log = new Logger({ serviceName: 'tonghop-remind' });
const clients = { dynamo: createDynamoDocumentClient(settings), s3: createS3Client(settings) };
const mailer = sesMailerFor(createSesClient(settings), settings);
const queue = new SqsReminderQueue({ client: createSqsClient(settings), queueUrl: config.TONGHOP_REMINDER_QUEUE_URL });

export const handler = createRemindHandler(composeReminders({ settings, clients, log, mailer, queue })).use(injectLambdaContext(log));
