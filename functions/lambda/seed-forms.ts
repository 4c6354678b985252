/**
 * Lambda entry run once per deploy (a CDK trigger, after the table and bucket exist): publishes
 * the seed catalog bundled with it (`templates/*.json` in TONGHOP_TEMPLATES_DIR) into the
 * run-time catalog, idempotently — a seed already published with the same content is left
 * alone, one whose id and version were published with other content is logged and skipped
 * (what an operator published is never overwritten). A definition that does not pass the
 * checks fails the deploy, since it never would have loaded.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createDynamoDocumentClient, createS3Client } from '../adapters/aws-clients';
import { formStoreOf } from '../compose';
import { loadRuntimeConfig, settingsFrom } from '../config';
import { readSeedDefinitions } from '../core/forms/catalog';
import { systemClock } from '../core/ports';
import { seedFormCatalog, type SeedOutcome } from '../core/usecases/publish-form';

const config = loadRuntimeConfig();
const settings = settingsFrom(config);
const log = new Logger({ serviceName: 'tonghop-seed-forms' });
const clients = { dynamo: createDynamoDocumentClient(settings), s3: createS3Client(settings) };

async function seed(): Promise<{ outcomes: SeedOutcome[] }> {
  const outcomes = await seedFormCatalog({ forms: formStoreOf({ settings, clients, log }), clock: systemClock, log }, await readSeedDefinitions(settings.templatesDir));
  log.info('seed catalog published', { outcomes });
  if (outcomes.some((o) => o.reason === 'invalid')) throw new Error('A seed form definition is invalid: see the log lines above');
  return { outcomes };
}

export const handler = middy(seed).use(injectLambdaContext(log));
