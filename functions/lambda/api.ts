/**
 * Lambda entry for the portal and its API (API Gateway HTTP API, payload v2). Configuration and
 * clients are built once per container at module scope and reused by every request;
 * `composeApi` (functions/compose.ts) wires the rest, the link secret from Secrets Manager
 * (TONGHOP_LINK_SECRET_ARN) or the configured value, the console's sign-in email through SES.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createDynamoDocumentClient, createS3Client, createSesClient } from '../adapters/aws-clients';
import { linkSecretSourceFor } from '../adapters/secrets-manager-secret-source';
import { sesMailerFor } from '../adapters/ses-mailer';
import { composeApi } from '../compose';
import { loadRuntimeConfig, settingsFrom } from '../config';
import { createApiHandler } from '../handlers/api';

const config = loadRuntimeConfig();
const settings = settingsFrom(config);
const log = new Logger({ serviceName: 'tonghop-api' });
const clients = { dynamo: createDynamoDocumentClient(settings), s3: createS3Client(settings) };
const mailer = sesMailerFor(createSesClient(settings), settings);

export const handler = middy(createApiHandler(composeApi({ settings, clients, log, mailer, secrets: linkSecretSourceFor(config) }))).use(injectLambdaContext(log));
