/**
 * The CLI's AWS target: with `TONGHOP_TARGET=aws`, commands run against a deployed stack instead
 * of the local data dir, through the same adapters the Lambdas use (default credential chain, no
 * endpoint override). The stack's outputs give the values: TONGHOP_TABLE (TableName),
 * TONGHOP_BUCKET (BucketName), TONGHOP_PORTAL_URL (PortalUrl), TONGHOP_LINK_SECRET_ARN
 * (LinkSecretArn), TONGHOP_MAIL_FROM (the verified sender) and AWS_REGION.
 */
import { createDynamoDocumentClient, createS3Client, createSesClient } from '../../functions/adapters/aws-clients';
import { DynamoOnceLedger } from '../../functions/adapters/dynamo-once-ledger';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { linkSecretSourceFor } from '../../functions/adapters/secrets-manager-secret-source';
import { SesMailer } from '../../functions/adapters/ses-mailer';
import { loadRuntimeConfig } from '../../functions/config';
import { loadFormCatalog } from '../../functions/core/forms/catalog';
import { systemClock } from '../../functions/core/ports';
import { DEFAULT_MAIL_FROM, type LocalDeps, type LocalLog } from '../local/compose';
import { join } from 'node:path';

/** True when the environment asks the CLI to work on AWS rather than the local data dir. */
export const targetsAws = (env: Record<string, string | undefined>): boolean => env.TONGHOP_TARGET === 'aws';

/** Dependencies over a deployed stack, shaped like the local ones so every command works on both. */
export function composeAws(env: Record<string, string | undefined>, dataDir: string, log: LocalLog): LocalDeps {
  const config = loadRuntimeConfig(env);
  const region = config.AWS_REGION;
  const dynamo = createDynamoDocumentClient({ region });
  const s3 = createS3Client({ region });
  const ses = createSesClient({ region });
  const tableName = config.TONGHOP_TABLE;
  const mailFrom = config.TONGHOP_MAIL_FROM ?? DEFAULT_MAIL_FROM;
  const portalUrl = config.TONGHOP_PORTAL_URL.replace(/\/+$/, '');
  const catalog = loadFormCatalog(config.TONGHOP_TEMPLATES_DIR);
  catalog.catch(() => undefined);
  return {
    config: {
      dataDir,
      portalUrl,
      tableName,
      bucketName: config.TONGHOP_BUCKET,
      region,
      maxUploadBytes: config.TONGHOP_MAX_UPLOAD_BYTES,
      mailFrom,
      uploadOrigin: `https://${config.TONGHOP_BUCKET}.s3.${region}.amazonaws.com`,
      outboxDir: join(dataDir, 'outbox'),
    },
    catalog,
    portalUrl,
    mail: { from: mailFrom },
    mailer: new SesMailer({ client: ses, configurationSetName: config.TONGHOP_SES_CONFIGURATION_SET }),
    clients: { dynamo, s3 },
    units: new DynamoUnitRepository({ client: dynamo, tableName }),
    submissions: new DynamoSubmissionRepository({ client: dynamo, tableName }),
    files: new S3FileStore({ client: s3, bucket: config.TONGHOP_BUCKET }),
    ledger: new DynamoOnceLedger({ client: dynamo, tableName }),
    secrets: linkSecretSourceFor(config),
    clock: systemClock,
    log,
    close() {
      dynamo.destroy();
      s3.destroy();
      ses.destroy();
    },
  };
}
