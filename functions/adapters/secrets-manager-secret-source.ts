/**
 * `SecretSource` for the link-signing keys: AWS Secrets Manager in Lambda, the configured value
 * otherwise. The Secrets Manager value is fetched on first use and cached per container for
 * `ttlMs` (default 5 minutes), so a rotated key is picked up without a redeploy and a warm
 * container does not call Secrets Manager on every request; a token naming an unknown key makes
 * one fresh read, at most every `minRefreshMs` (30 s) so forged key ids cannot flood the service.
 * Concurrent reads share one fetch; a failed fetch is not cached.
 *
 * The stored value (`serializeLinkKeys`): `{ "current": { "id", "secret" }, "previous"?: { … } }`.
 * Values written before key rotation existed are still read: a plain string, `{ "secret": "…" }`
 * or the local file's `{ "linkSecret": "…" }` are the current key with id `legacy`, so the links
 * already sent keep verifying.
 */
import { randomUUID } from 'node:crypto';
import {
  GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { ConfigError, ConflictError } from '../core/errors';
import { LEGACY_LINK_KEY_ID, LINK_KEY_ID_PATTERN } from '../core/links';
import type { LinkKeyRing, LinkKeyStore } from '../core/ports';

/** Shortest secret accepted (bytes of entropy matter for HMAC-SHA256 links). */
export const MIN_LINK_SECRET_LENGTH = 32;

export function createSecretsManagerClient(options: { region: string; endpoint?: string }): SecretsManagerClient {
  return new SecretsManagerClient({ region: options.region, endpoint: options.endpoint, maxAttempts: 3 });
}

const Secret = z.string().check(z.minLength(MIN_LINK_SECRET_LENGTH));
const LinkKeySchema = z.object({ id: z.string().check(z.regex(LINK_KEY_ID_PATTERN)), secret: Secret });
const StoredLinkKeysSchema = z.union([
  z.object({ current: LinkKeySchema, previous: z.optional(LinkKeySchema) }),
  z.object({ secret: Secret }),
  z.object({ linkSecret: Secret }),
]);

/**
 * Parses a stored key ring (any of the shapes above). Throws `ConfigError` naming what is wrong,
 * never the value itself.
 */
export function parseLinkKeys(raw: string | undefined): LinkKeyRing {
  if (raw === undefined) throw new ConfigError('The link-signing secret has no string value');
  let value: unknown = raw;
  if (raw.trimStart().startsWith('{')) {
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      throw new ConfigError('The link-signing secret is not valid JSON', cause);
    }
  }
  if (typeof value === 'string') value = { secret: value };
  const parsed = StoredLinkKeysSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(`The link-signing secret must be { "current": { "id", "secret" }, "previous"?: { "id", "secret" } } (ids ${LINK_KEY_ID_PATTERN.source}) or a plain secret, each secret at least ${MIN_LINK_SECRET_LENGTH} characters`);
  }
  const data = parsed.data;
  if ('current' in data) {
    if (data.previous?.id === data.current.id) throw new ConfigError('The link-signing secret\'s current and previous keys have the same id');
    return data.previous ? { current: data.current, previous: data.previous } : { current: data.current };
  }
  return { current: { id: LEGACY_LINK_KEY_ID, secret: 'secret' in data ? data.secret : data.linkSecret } };
}

/** The stored form of a key ring (parsed back by `parseLinkKeys`). */
export function serializeLinkKeys(keys: LinkKeyRing): string {
  return JSON.stringify(keys.previous ? { current: keys.current, previous: keys.previous } : { current: keys.current }, null, 2);
}

export interface SecretsManagerSecretSourceOptions {
  client: SecretsManagerClient;
  /** ARN or name of the secret (see the module comment for its value). */
  secretId: string;
  /** How long a read is reused (default 5 minutes): a rotation reaches every warm container within it. */
  ttlMs?: number;
  /** Minimum age of the cache before a `fresh` read really calls Secrets Manager (default 30 s). */
  minRefreshMs?: number;
  now?: () => number;
}

export class SecretsManagerSecretSource implements LinkKeyStore {
  private cached?: { value: LinkKeyRing; fetchedAt: number };
  private inFlight?: Promise<LinkKeyRing>;
  private readonly ttlMs: number;
  private readonly minRefreshMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SecretsManagerSecretSourceOptions) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.minRefreshMs = options.minRefreshMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  async getLinkKeys(options: { fresh?: boolean } = {}): Promise<LinkKeyRing> {
    if (this.cached) {
      const age = this.now() - this.cached.fetchedAt;
      if (age < (options.fresh ? this.minRefreshMs : this.ttlMs)) return this.cached.value;
    }
    this.inFlight ??= this.read().then(({ keys }) => {
      this.cached = { value: keys, fetchedAt: this.now() };
      return keys;
    }).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Writes `change(current ring)` as a new version and moves `AWSCURRENT` to it only if it still
   * labels the version read (Secrets Manager's `RemoveFromVersionId` check): two operators
   * rotating at once cannot silently drop each other's key; the loser gets a ConflictError.
   */
  async updateLinkKeys(change: (keys: LinkKeyRing) => LinkKeyRing): Promise<{ before: LinkKeyRing; after: LinkKeyRing; versionId: string }> {
    const { keys: before, versionId: readVersion } = await this.read();
    const after = change(before);
    const secretString = serializeLinkKeys(after);
    parseLinkKeys(secretString);
    const { client, secretId } = this.options;
    const put = await client.send(new PutSecretValueCommand({
      SecretId: secretId, ClientRequestToken: randomUUID(), SecretString: secretString, VersionStages: ['AWSPENDING'],
    }));
    const versionId = put.VersionId;
    if (!versionId) throw new ConfigError('Secrets Manager returned no version id for the new link keys');
    try {
      await client.send(new UpdateSecretVersionStageCommand({
        SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: versionId, RemoveFromVersionId: readVersion,
      }));
    } catch (cause) {
      if ((cause as { name?: string }).name === 'InvalidParameterException') {
        throw new ConflictError('LINK_KEYS_CHANGED', 'Khóa ký đường dẫn vừa bị thay đổi bởi một lệnh khác. Hãy chạy lại lệnh.', cause);
      }
      throw cause;
    }
    // The pending label only marked the version between the two calls.
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: versionId }))
      .catch(() => undefined);
    this.cached = { value: after, fetchedAt: this.now() };
    return { before, after, versionId };
  }

  private async read(): Promise<{ keys: LinkKeyRing; versionId?: string }> {
    const out = await this.options.client.send(new GetSecretValueCommand({ SecretId: this.options.secretId }));
    return { keys: parseLinkKeys(out.SecretString), versionId: out.VersionId };
  }
}

/** The configured keys (`TONGHOP_LINK_SECRET`), for tests and a stack without Secrets Manager: fixed, not rotatable. */
export class StaticSecretSource implements LinkKeyStore {
  private readonly keys: LinkKeyRing;
  constructor(secret: string) {
    this.keys = parseLinkKeys(secret);
  }
  async getLinkKeys(): Promise<LinkKeyRing> {
    return this.keys;
  }
  async updateLinkKeys(): Promise<never> {
    throw new ConfigError('Khóa ký đường dẫn đang lấy từ TONGHOP_LINK_SECRET (cấu hình cố định), không đổi được bằng lệnh: đặt TONGHOP_LINK_SECRET_ARN để dùng Secrets Manager.');
  }
}

/**
 * The link key source a runtime configuration names: Secrets Manager when
 * `TONGHOP_LINK_SECRET_ARN` is set, else the value of `TONGHOP_LINK_SECRET`.
 */
export function linkSecretSourceFor(config: { AWS_REGION: string; TONGHOP_LINK_SECRET_ARN?: string; TONGHOP_LINK_SECRET?: string }): LinkKeyStore {
  if (config.TONGHOP_LINK_SECRET_ARN) {
    return new SecretsManagerSecretSource({ client: createSecretsManagerClient({ region: config.AWS_REGION }), secretId: config.TONGHOP_LINK_SECRET_ARN });
  }
  if (config.TONGHOP_LINK_SECRET) return new StaticSecretSource(config.TONGHOP_LINK_SECRET);
  throw new ConfigError('Invalid configuration: set TONGHOP_LINK_SECRET_ARN (or TONGHOP_LINK_SECRET)');
}
