/**
 * Lambda entry for ingest (SQS → this function, partial batch responses). The AWS composition
 * root: configuration, clients, adapters and the form catalog are built once per container, at
 * module scope, and reused by every invocation. Nothing local-only or test-only is imported
 * here (the bench checks the bundle).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDocumentClient, createS3Client } from '../adapters/aws-clients';
import { DynamoSubmissionRepository } from '../adapters/dynamo-submission-repository';
import { DynamoUnitRepository } from '../adapters/dynamo-unit-repository';
import { S3ObjectStore } from '../adapters/s3-object-store';
import { loadRuntimeConfig } from '../config';
import { loadFormCatalog } from '../core/forms/catalog';
import { systemClock } from '../core/ports';
import { createIngestHandler } from '../handlers/ingest';

const config = loadRuntimeConfig();
const logger = new Logger({ serviceName: 'tonghop-ingest' });
const dynamo = createDynamoDocumentClient({ region: config.AWS_REGION });
const s3 = createS3Client({ region: config.AWS_REGION });

export const handler = createIngestHandler({
  submissions: new DynamoSubmissionRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  units: new DynamoUnitRepository({ client: dynamo, tableName: config.TONGHOP_TABLE }),
  files: new S3ObjectStore({ client: s3, bucket: config.TONGHOP_BUCKET }),
  catalog: loadFormCatalog(config.TONGHOP_TEMPLATES_DIR),
  clock: systemClock,
  maxUploadBytes: config.TONGHOP_MAX_UPLOAD_BYTES,
  log: logger,
});
