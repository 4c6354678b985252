/**
 * What the deploy's seed trigger (functions/lambda/seed-forms.ts) does, for tests that stand the
 * embedded emulators in for a deployed stack: publishes templates/*.json into its catalog.
 */
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoS3FormStore } from '../../functions/adapters/dynamo-s3-form-store';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store';
import { readSeedDefinitions } from '../../functions/core/forms/catalog';
import { silentLog } from '../../functions/core/log';
import { systemClock } from '../../functions/core/ports';
import { seedFormCatalog } from '../../functions/core/usecases/publish-form';
import type { Emulators } from '../../infra/local/emulators';

export async function seedDeployedCatalog(emulators: Emulators): Promise<void> {
  const options = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
  const dynamo = createDynamoDocumentClient(options);
  const s3 = createS3Client(options);
  try {
    const forms = new DynamoS3FormStore({ client: dynamo, tableName: emulators.tableName, objects: new S3ObjectStore({ client: s3, bucket: emulators.bucketName }) });
    await seedFormCatalog({ forms, clock: systemClock, log: silentLog }, await readSeedDefinitions());
  } finally {
    dynamo.destroy();
    s3.destroy();
  }
}
