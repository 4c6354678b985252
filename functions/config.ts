/**
 * Runtime configuration for every runtime (Lambda, the local runtime, the CLI on either target),
 * parsed once from the environment by a schema that throws on what is missing (house style §4):
 * no silent defaults for anything that must be set. The local runtime feeds the same schema
 * (infra/local/config.ts supplies its emulator names and a local sender), so both get the same
 * defaults, and `settingsFrom` turns the result into the composition's settings.
 */
import * as z from 'zod/mini';
import { ConfigError } from './core/errors';

const NonEmpty = z.string().check(z.minLength(1));
const PositiveInt = z.pipe(z.string(), z.transform((s, ctx) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) {
    ctx.issues.push({ code: 'custom', message: 'phải là số nguyên dương', input: s });
    return z.NEVER;
  }
  return n;
}));

export const RuntimeConfigSchema = z.object({
  TONGHOP_TABLE: NonEmpty,
  TONGHOP_BUCKET: NonEmpty,
  /** Public origin of the portal, used to build unit links (e.g. https://baocao.example.vn). */
  TONGHOP_PORTAL_URL: z.url(),
  /** Sender address (SES verified identity in AWS); required by whatever sends mail (see functions/compose.ts). */
  TONGHOP_MAIL_FROM: z.optional(NonEmpty),
  /** Link-signing secret: the value itself (local) … */
  TONGHOP_LINK_SECRET: z.optional(z.string().check(z.minLength(32))),
  /** … or the Secrets Manager secret holding it (AWS). */
  TONGHOP_LINK_SECRET_ARN: z.optional(NonEmpty),
  /** Upload size limit in bytes (default 5 MB). */
  TONGHOP_MAX_UPLOAD_BYTES: z._default(PositiveInt, 5 * 1024 * 1024),
  /** Where form definitions live (default: `templates/` beside the code or bundle). */
  TONGHOP_TEMPLATES_DIR: z.optional(NonEmpty),
  /** Largest raw email (bytes) sent with the workbook attached; above it a download link (default 10 MB, what ordinary receiving servers accept). */
  // The same number as the use case's DEFAULT_MAX_MESSAGE_BYTES (not imported: it would load the consolidation with the config).
  TONGHOP_MAIL_MAX_BYTES: z._default(PositiveInt, 10_000_000),
  /** The reminders queue (SQS URL) the daily reminder run sends each unit's reminder to (remind function). */
  TONGHOP_REMINDER_QUEUE_URL: z.optional(NonEmpty),
  /** SES configuration set for bounce/complaint events (optional). */
  TONGHOP_SES_CONFIGURATION_SET: z.optional(NonEmpty),
  /** The ingest queue, where the upload sweeper sends stalled uploads again (the sweep function only). */
  TONGHOP_INGEST_QUEUE_URL: z.optional(NonEmpty),
  AWS_REGION: z._default(NonEmpty, 'ap-southeast-1'),
});
export type RuntimeConfig = z.output<typeof RuntimeConfigSchema>;

/** Parses the environment once; throws `ConfigError` naming every bad or missing variable. */
export function loadRuntimeConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  const result = RuntimeConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration:\n${z.prettifyError(result.error)}`, result.error);
  }
  // The link secret is checked where it is used (`linkSecretSourceFor`): ingest and consolidation
  // sign no links, and the local runtime keeps its secret in the data dir.
  return result.data;
}

/** What the composition reads from the configuration, by what it means rather than by variable name. */
export interface AppSettings {
  tableName: string;
  bucketName: string;
  region: string;
  /** Public portal origin without a trailing slash; a unit's link is `<portalUrl>/u/<token>`. */
  portalUrl: string;
  maxUploadBytes: number;
  /** Form definitions folder (undefined: `templates/` beside the code or bundle). */
  templatesDir?: string;
  mail: {
    /** Sender address; whatever sends mail requires it (`requireMailFrom`). */
    from?: string;
    /** Largest raw email sent with the workbook attached; above it a download link. */
    maxMessageBytes: number;
    /** SES configuration set (AWS only). */
    configurationSet?: string;
  };
}

/** The composition's settings of a parsed configuration. */
export function settingsFrom(config: RuntimeConfig): AppSettings {
  return {
    tableName: config.TONGHOP_TABLE,
    bucketName: config.TONGHOP_BUCKET,
    region: config.AWS_REGION,
    portalUrl: config.TONGHOP_PORTAL_URL.replace(/\/+$/, ''),
    maxUploadBytes: config.TONGHOP_MAX_UPLOAD_BYTES,
    templatesDir: config.TONGHOP_TEMPLATES_DIR,
    mail: { from: config.TONGHOP_MAIL_FROM, maxMessageBytes: config.TONGHOP_MAIL_MAX_BYTES, configurationSet: config.TONGHOP_SES_CONFIGURATION_SET },
  };
}
