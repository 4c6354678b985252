/**
 * Lambda entry for the scheduled consolidation (EventBridge Scheduler, daily per form, payload
 * `{ formId, period?, send? }`). AWS composition root: configuration, clients, adapters and the
 * form catalog are built once per container at module scope. Nothing local-only is imported.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDocumentClient, createS3Client, createSesClient } from '../adapters/aws-clients';
import { DynamoOnceLedger } from '../adapters/dynamo-once-ledger';
import { DynamoSubmissionRepository } from '../adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../adapters/dynamo-unit-repository';
import { S3FileStore } from '../adapters/s3-file-store';
import { SesMailer } from '../adapters/ses-mailer';
import { loadRuntimeConfig } from '../config';
import { ConfigError } from '../core/errors';
import { loadFormCatalog } from '../core/forms/catalog';
import { systemClock } from '../core/ports';
import { createConsolidateHandler } from '../handlers/consolidate';

const config = loadRuntimeConfig();
if (!config.TONGHOP_MAIL_FROM) throw new ConfigError('Invalid configuration: TONGHOP_MAIL_FROM (a verified SES identity) is required to email reports');
const logger = new Logger({ serviceName: 'tonghop-consolidate' });
const dynamo = createDynamoDocumentClient({ region: config.AWS_REGION });
const s3 = createS3Client({ region: config.AWS_REGION });

export const handler = createConsolidateHandler({
  forms: loadFormCatalog(config.TONGHOP_TEMPLATES_DIR),
  units: new DynamoUnitRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  submissions: new DynamoSubmissionRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  files: new S3FileStore({ client: s3, bucket: config.TONGHOP_BUCKET }),
  ledger: new DynamoOnceLedger({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  mailer: new SesMailer({ client: createSesClient({ region: config.AWS_REGION }), configurationSetName: config.TONGHOP_SES_CONFIGURATION_SET }),
  clock: systemClock,
  mail: { from: config.TONGHOP_MAIL_FROM, maxMessageBytes: config.TONGHOP_MAIL_MAX_BYTES },
  log: logger,
});
