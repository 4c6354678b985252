/**
 * The CLI's AWS target: with `TONGHOP_TARGET=aws`, commands run against a deployed stack instead
 * of the local data dir, through the one composition root (functions/compose.ts) with what the
 * Lambdas get: the SDK's default credential chain and endpoints, mail through SES, the link
 * secret from Secrets Manager. The stack's outputs give the values: TONGHOP_TABLE (TableName),
 * TONGHOP_BUCKET (BucketName), TONGHOP_PORTAL_URL (PortalUrl), TONGHOP_LINK_SECRET_ARN
 * (LinkSecretArn), TONGHOP_MAIL_FROM (the verified sender, required to send) and AWS_REGION.
 */
import { createDynamoDocumentClient, createS3Client, createSesClient } from '../../functions/adapters/aws-clients';
import { linkSecretSourceFor } from '../../functions/adapters/secrets-manager-secret-source';
import { sesMailerFor } from '../../functions/adapters/ses-mailer';
import { composeRuntime, uploadOriginFor } from '../../functions/compose';
import { loadRuntimeConfig, settingsFrom } from '../../functions/config';
import type { Log } from '../../functions/core/log';
import { runtimeDeps, type LocalDeps } from '../local/compose';
import { inProcessReminderQueue } from '../local/in-process-reminder-queue';

/** True when the environment asks the CLI to work on AWS rather than the local data dir. */
export const targetsAws = (env: Record<string, string | undefined>): boolean => env.TONGHOP_TARGET === 'aws';

/** Dependencies over a deployed stack, shaped like the local ones so every command works on both. */
export function composeAws(env: Record<string, string | undefined>, dataDir: string, log: Log): LocalDeps {
  const config = loadRuntimeConfig(env);
  const settings = settingsFrom(config);
  const clients = { dynamo: createDynamoDocumentClient(settings), s3: createS3Client(settings) };
  const ses = createSesClient(settings);
  // Reminders are sent from this process through SES (the deployed reminders queue is for the
  // scheduled run); each is still claimed only around its send.
  const composition = composeRuntime({ settings, clients, log, mailer: sesMailerFor(ses, settings), secrets: linkSecretSourceFor(config), reminderQueue: inProcessReminderQueue });
  return runtimeDeps(composition, {
    dataDir,
    clients,
    uploadOrigin: uploadOriginFor(settings),
    close() {
      clients.dynamo.destroy();
      clients.s3.destroy();
      ses.destroy();
    },
  });
}
