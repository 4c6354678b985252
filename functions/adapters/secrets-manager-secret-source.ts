/**
 * `SecretSource` for the link-signing secret: AWS Secrets Manager in Lambda, the configured
 * value locally. The Secrets Manager value is fetched on first use and cached per container for
 * `ttlMs` (default 5 minutes), so a rotated secret is picked up without a redeploy and a warm
 * container does not call Secrets Manager on every request. Concurrent first calls share one
 * fetch; a failed fetch is not cached.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../core/errors';
import type { SecretSource } from '../core/ports';

/** Shortest secret accepted (bytes of entropy matter for HMAC-SHA256 links). */
export const MIN_LINK_SECRET_LENGTH = 32;

export function createSecretsManagerClient(options: { region: string; endpoint?: string }): SecretsManagerClient {
  return new SecretsManagerClient({ region: options.region, endpoint: options.endpoint, maxAttempts: 3 });
}

export interface SecretsManagerSecretSourceOptions {
  client: SecretsManagerClient;
  /** ARN or name of the secret. Its value is the secret itself, or JSON `{ "secret": "…" }`. */
  secretId: string;
  ttlMs?: number;
  now?: () => number;
}

export class SecretsManagerSecretSource implements SecretSource {
  private cached?: { value: string; fetchedAt: number };
  private inFlight?: Promise<string>;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SecretsManagerSecretSourceOptions) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async getLinkSecret(): Promise<string> {
    if (this.cached && this.now() - this.cached.fetchedAt < this.ttlMs) return this.cached.value;
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<string> {
    const out = await this.options.client.send(new GetSecretValueCommand({ SecretId: this.options.secretId }));
    const value = extractSecret(out.SecretString);
    this.cached = { value, fetchedAt: this.now() };
    return value;
  }
}

/** The configured secret, for the local runtime and tests. */
export class StaticSecretSource implements SecretSource {
  constructor(private readonly secret: string) {
    extractSecret(secret);
  }
  async getLinkSecret(): Promise<string> {
    return this.secret;
  }
}

function extractSecret(raw: string | undefined): string {
  let value = raw;
  if (raw?.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(raw) as { secret?: unknown };
      value = typeof parsed.secret === 'string' ? parsed.secret : undefined;
    } catch (cause) {
      throw new ConfigError('The link-signing secret is not valid JSON', cause);
    }
  }
  if (!value || value.length < MIN_LINK_SECRET_LENGTH) {
    throw new ConfigError(`The link-signing secret must be a string of at least ${MIN_LINK_SECRET_LENGTH} characters`);
  }
  return value;
}

/**
 * The link secret source a runtime configuration names: Secrets Manager when
 * `TONGHOP_LINK_SECRET_ARN` is set, else the value of `TONGHOP_LINK_SECRET`.
 */
export function linkSecretSourceFor(config: { AWS_REGION: string; TONGHOP_LINK_SECRET_ARN?: string; TONGHOP_LINK_SECRET?: string }): SecretSource {
  if (config.TONGHOP_LINK_SECRET_ARN) {
    return new SecretsManagerSecretSource({ client: createSecretsManagerClient({ region: config.AWS_REGION }), secretId: config.TONGHOP_LINK_SECRET_ARN });
  }
  if (config.TONGHOP_LINK_SECRET) return new StaticSecretSource(config.TONGHOP_LINK_SECRET);
  throw new ConfigError('Invalid configuration: set TONGHOP_LINK_SECRET_ARN (or TONGHOP_LINK_SECRET)');
}
