/**
 * Lambda entry for the daily reminder run (EventBridge Scheduler, per form at its reminder time,
 * payload `{ formId }`). AWS composition root, built once per container at module scope: each
 * unit's reminder goes to the reminders queue (TONGHOP_REMINDER_QUEUE_URL), whose worker
 * (remind-unit.ts) signs the link and sends it; the late digest is sent from here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDocumentClient, createSesClient } from '../adapters/aws-clients';
import { DynamoOnceLedger } from '../adapters/dynamo-once-ledger';
import { DynamoSubmissionRepository } from '../adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../adapters/dynamo-unit-repository';
import { SesMailer } from '../adapters/ses-mailer';
import { createSqsClient, SqsReminderQueue } from '../adapters/sqs-reminder-queue';
import { loadRuntimeConfig } from '../config';
import { ConfigError } from '../core/errors';
import { loadFormCatalog } from '../core/forms/catalog';
import { systemClock } from '../core/ports';
import { createRemindHandler } from '../handlers/remind';

const config = loadRuntimeConfig();
if (!config.TONGHOP_MAIL_FROM) throw new ConfigError('Invalid configuration: TONGHOP_MAIL_FROM (a verified SES identity) is required to send reminders');
if (!config.TONGHOP_REMINDER_QUEUE_URL) throw new ConfigError('Invalid configuration: TONGHOP_REMINDER_QUEUE_URL (the reminders queue) is required');
const logger = new Logger({ serviceName: 'tonghop-remind' });
const dynamo = createDynamoDocumentClient({ region: config.AWS_REGION });


export const handler = createRemindHandler({
  forms: loadFormCatalog(config.TONGHOP_TEMPLATES_DIR),
  units: new DynamoUnitRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  submissions: new DynamoSubmissionRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  ledger: new DynamoOnceLedger({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  mailer: new SesMailer({ client: createSesClient({ region: config.AWS_REGION }), configurationSetName: config.TONGHOP_SES_CONFIGURATION_SET }),
  queue: new SqsReminderQueue({ client: createSqsClient({ region: config.AWS_REGION }), queueUrl: config.TONGHOP_REMINDER_QUEUE_URL }),
  clock: systemClock,
  mail: { from: config.TONGHOP_MAIL_FROM },
  log: logger,
});
