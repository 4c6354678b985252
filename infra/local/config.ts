/**
 * Local-mode configuration: `PORT` (default 3000), `TONGHOP_DATA_DIR` (default `.local`) and
 * `TONGHOP_SAMPLE` (`2019` or `2025`, default `2019`: which sample province the first start of
 * an empty data dir seeds), parsed once with zod. A bad value stops start-up with a message naming the variable. Every
 * other port (DynamoDB, S3) is chosen free automatically, so two instances with different
 * `PORT` and data dir run side by side. The rest of the configuration is Lambda's schema
 * (`localRuntimeConfig`), so limits and the sender mean the same locally as in AWS.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { loadRuntimeConfig, type RuntimeConfig } from '../../functions/config';
import { ConfigError } from '../../functions/core/errors';
import { SAMPLE_NAMES, type SampleName } from './sample-province';

export const LocalConfigSchema = z.object({
  PORT: z
    .string()
    .trim()
    .regex(/^\d+$/, { message: 'phải là số nguyên (cổng TCP) từ 1 đến 65535' })
    .transform(Number)
    .pipe(z.number().int().min(1, { message: 'phải từ 1 đến 65535' }).max(65535, { message: 'phải từ 1 đến 65535' }))
    .default(3000),
  TONGHOP_DATA_DIR: z.string().trim().min(1, { message: 'không được để trống' }).default('.local'),
  TONGHOP_SAMPLE: z.enum(SAMPLE_NAMES, { message: `phải là một trong: ${SAMPLE_NAMES.join(', ')}` }).default('2019'),
});

export interface LocalConfig {
  port: number;
  /** Absolute path of the data dir. */
  dataDir: string;
  /** The sample province a first start seeds into an empty data dir. */
  sample: SampleName;
}

/** Parses the environment; throws `ConfigError` with a Vietnamese + English message naming each bad variable. */
export function loadLocalConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): LocalConfig {
  const result = LocalConfigSchema.safeParse({ PORT: env.PORT === '' ? undefined : env.PORT, TONGHOP_DATA_DIR: env.TONGHOP_DATA_DIR, TONGHOP_SAMPLE: env.TONGHOP_SAMPLE === '' ? undefined : env.TONGHOP_SAMPLE?.trim() });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ (invalid configuration):\n${lines.join('\n')}`, result.error);
  }
  return { port: result.data.PORT, dataDir: resolve(cwd, result.data.TONGHOP_DATA_DIR), sample: result.data.TONGHOP_SAMPLE };
}

/** The local sender (the outbox shows it as the From of every message) unless TONGHOP_MAIL_FROM says otherwise. */
export const LOCAL_MAIL_FROM = 'Ban Tổ chức Tỉnh ủy <tonghop@tinhuy.example.vn>';

/** The variables the local runtime takes from the environment, as Lambda does; the rest is its own. */
const SHARED_VARIABLES = ['TONGHOP_MAX_UPLOAD_BYTES', 'TONGHOP_MAIL_MAX_BYTES', 'TONGHOP_MAIL_FROM', 'TONGHOP_TEMPLATES_DIR'] as const;

/**
 * The local runtime's configuration: the schema Lambda parses (functions/config.ts), over the
 * environment's shared variables (upload and email limits, sender, form folder), with the
 * emulators' table, bucket and region, the portal's own origin and a local sender by default.
 * So a limit set in the environment applies to every local capability exactly as in AWS.
 */
export function localRuntimeConfig(env: Record<string, string | undefined>, place: { tableName: string; bucketName: string; region: string; portalUrl: string }): RuntimeConfig {
  const shared = Object.fromEntries(SHARED_VARIABLES.map((name) => [name, env[name] === '' ? undefined : env[name]]));
  return loadRuntimeConfig({
    ...shared,
    TONGHOP_MAIL_FROM: shared.TONGHOP_MAIL_FROM ?? LOCAL_MAIL_FROM,
    TONGHOP_TABLE: place.tableName,
    TONGHOP_BUCKET: place.bucketName,
    AWS_REGION: place.region,
    TONGHOP_PORTAL_URL: place.portalUrl,
  });
}
