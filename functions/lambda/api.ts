/**
 * Lambda entry for the portal and its API (API Gateway HTTP API, payload v2). The AWS
 * composition root: configuration, clients, adapters, the link secret source and the form
 * catalog are built once per container at module scope and reused by every request. The link
 * secret comes from Secrets Manager (TONGHOP_LINK_SECRET_ARN) or, failing that, the configured
 * value. Nothing local-only or test-only is imported here.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDocumentClient, createS3Client } from '../adapters/aws-clients';
import { DynamoSubmissionRepository } from '../adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../adapters/dynamo-unit-repository';
import { S3FileStore } from '../adapters/s3-file-store';
import { linkSecretSourceFor } from '../adapters/secrets-manager-secret-source';
import { loadRuntimeConfig } from '../config';
import { loadFormCatalog } from '../core/forms';
import { systemClock } from '../core/ports';
import { createApiHandler } from '../handlers/api';

const config = loadRuntimeConfig();
const dynamo = createDynamoDocumentClient({ region: config.AWS_REGION });
const s3 = createS3Client({ region: config.AWS_REGION });


export const handler = createApiHandler({
  units: new DynamoUnitRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  submissions: new DynamoSubmissionRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  files: new S3FileStore({ client: s3, bucket: config.TONGHOP_BUCKET }),
  catalog: loadFormCatalog(config.TONGHOP_TEMPLATES_DIR),
  secrets: linkSecretSourceFor(config),
  clock: systemClock,
  config: {
    maxUploadBytes: config.TONGHOP_MAX_UPLOAD_BYTES,
    portalUrl: config.TONGHOP_PORTAL_URL,
    // Where createPresignedPost points browsers (virtual-hosted style), allowed by the CSP.
    uploadOrigin: `https://${config.TONGHOP_BUCKET}.s3.${config.AWS_REGION}.amazonaws.com`,
  },
  logger: new Logger({ serviceName: 'tonghop-api' }),
});
