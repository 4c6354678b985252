/**
 * The local link-signing secret: generated on first start and kept in `<dataDir>/secrets.json`
 * (mode 0600), so unit links stay valid across restarts of the same data dir and two data dirs
 * never share a secret. In AWS the secret lives in Secrets Manager instead.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../functions/core/errors';
import type { SecretSource } from '../../functions/core/ports';

const SecretsFileSchema = z.object({ linkSecret: z.string().min(32) });

export const secretsPath = (dataDir: string) => join(dataDir, 'secrets.json');

/** Reads the data dir's secret, creating it (exclusively, 0600) when absent. */
export function ensureLocalLinkSecret(dataDir: string): string {
  const path = secretsPath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, JSON.stringify({ linkSecret: randomBytes(32).toString('base64url') }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const parsed = SecretsFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new ConfigError(`${path} không hợp lệ: cần { "linkSecret": "<ít nhất 32 ký tự>" }.`, parsed.error);
  try {
    chmodSync(path, 0o600);
  } catch {
    // Best effort on file systems without POSIX modes.
  }
  return parsed.data.linkSecret;
}

/** A SecretSource over the data dir's secret. */
export function localSecretSource(dataDir: string): SecretSource {
  const secret = ensureLocalLinkSecret(dataDir);
  return { getLinkSecret: async () => secret };
}
