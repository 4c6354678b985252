/**
 * Lambda entry for the reminder worker (SQS event source on the reminders queue, one unit's
 * reminder per message). AWS composition root, built once per container at module scope: the
 * link keys come from Secrets Manager (TONGHOP_LINK_SECRET_ARN) or the configured value.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDocumentClient, createSesClient } from '../adapters/aws-clients';
import { DynamoOnceLedger } from '../adapters/dynamo-once-ledger';
import { DynamoSubmissionRepository } from '../adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../adapters/dynamo-unit-repository';
import { linkSecretSourceFor } from '../adapters/secrets-manager-secret-source';
import { SesMailer } from '../adapters/ses-mailer';
import { loadRuntimeConfig } from '../config';
import { ConfigError } from '../core/errors';
import { loadFormCatalog } from '../core/forms/catalog';
import { systemClock } from '../core/ports';
import { createRemindUnitHandler } from '../handlers/remind-unit';

const config = loadRuntimeConfig();
if (!config.TONGHOP_MAIL_FROM) throw new ConfigError('Invalid configuration: TONGHOP_MAIL_FROM (a verified SES identity) is required to send reminders');
const logger = new Logger({ serviceName: 'tonghop-remind-unit' });
const dynamo = createDynamoDocumentClient({ region: config.AWS_REGION });

export const handler = createRemindUnitHandler({
  forms: loadFormCatalog(config.TONGHOP_TEMPLATES_DIR),
  units: new DynamoUnitRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  submissions: new DynamoSubmissionRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  ledger: new DynamoOnceLedger({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  mailer: new SesMailer({ client: createSesClient({ region: config.AWS_REGION }), configurationSetName: config.TONGHOP_SES_CONFIGURATION_SET }),
  secrets: linkSecretSourceFor(config),
  clock: systemClock,
  portalUrl: config.TONGHOP_PORTAL_URL,
  mail: { from: config.TONGHOP_MAIL_FROM },
  log: logger,
});
