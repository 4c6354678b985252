import {
  GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SecretsManagerSecretSource, StaticSecretSource } from '../../../functions/adapters/secrets-manager-secret-source';
import { ConfigError, ConflictError } from '../../../functions/core/errors';
import { generateLinkKey, rotateLinkKeys } from '../../../functions/core/links';

const SECRET = 'k'.repeat(48);
const OLD = { id: '20260101-aaaaaa', secret: 'o'.repeat(43) };
const NEW = { id: '20261202-bbbbbb', secret: 'n'.repeat(43) };
const client = () => new SecretsManagerClient({ region: 'ap-southeast-1' });

describe('SecretsManagerSecretSource', () => {
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => sm.reset());

  describe('caching', () => {
    it('reads the keys once per TTL, sharing one call between concurrent requests', async () => {
      sm.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
      let now = 0;
      const source = new SecretsManagerSecretSource({ client: client(), secretId: 'arn:secret', ttlMs: 1000, now: () => now });

      const first = await Promise.all([source.getLinkKeys(), source.getLinkKeys()]);
      now = 999;
      await source.getLinkKeys();
      now = 1000;
      await source.getLinkKeys();

      expect(first[0]).toEqual({ current: { id: 'legacy', secret: SECRET } });
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'arn:secret' });
    });

    it('re-reads on a fresh request (a rotated key) but at most once per minimum interval', async () => {
      sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: JSON.stringify({ current: OLD }) }).resolves({ SecretString: JSON.stringify({ current: NEW, previous: OLD }) });
      let now = 0;
      const source = new SecretsManagerSecretSource({ client: client(), secretId: 's', ttlMs: 300_000, minRefreshMs: 30_000, now: () => now });

      await source.getLinkKeys();
      now = 10_000;
      const tooSoon = await source.getLinkKeys({ fresh: true });
      now = 30_000;
      const refreshed = await source.getLinkKeys({ fresh: true });

      expect(tooSoon.current.id).toBe(OLD.id);
      expect(refreshed).toEqual({ current: NEW, previous: OLD });
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    });
  });

  describe('stored shapes', () => {
    it.each([
      ['a plain string (before rotation existed)', SECRET, { current: { id: 'legacy', secret: SECRET } }],
      ['JSON { "secret": "…" }', JSON.stringify({ secret: SECRET }), { current: { id: 'legacy', secret: SECRET } }],
      ['the key ring', JSON.stringify({ current: NEW, previous: OLD }), { current: NEW, previous: OLD }],
    ])('reads %s', async (_name, stored, keys) => {
      sm.on(GetSecretValueCommand).resolves({ SecretString: stored });
      await expect(new SecretsManagerSecretSource({ client: client(), secretId: 's' }).getLinkKeys()).resolves.toEqual(keys);
    });

    it.each([
      ['a short secret', 'short'],
      ['a key with a short secret', JSON.stringify({ current: { id: 'k1', secret: 'short' } })],
      ['a key id that is not URL-safe', JSON.stringify({ current: { id: 'a/b', secret: SECRET } })],
      ['two keys with one id', JSON.stringify({ current: NEW, previous: { ...OLD, id: NEW.id } })],
    ])('refuses %s without echoing it, and does not cache the failure', async (_name, stored) => {
      expect.assertions(3);
      sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: stored }).resolves({ SecretString: SECRET });
      const source = new SecretsManagerSecretSource({ client: client(), secretId: 's' });
      try {
        await source.getLinkKeys();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).not.toContain('short');
      }
      await expect(source.getLinkKeys()).resolves.toMatchObject({ current: { secret: SECRET } });
    });
  });

  describe('updateLinkKeys', () => {
    it('writes the new ring as a pending version, then moves AWSCURRENT from the version it read', async () => {
      sm.on(GetSecretValueCommand).resolves({ SecretString: SECRET, VersionId: 'v-old' });
      sm.on(PutSecretValueCommand).resolves({ VersionId: 'v-new' });
      sm.on(UpdateSecretVersionStageCommand).resolves({});
      const source = new SecretsManagerSecretSource({ client: client(), secretId: 'arn:secret' });
      const next = generateLinkKey(new Date('2026-12-02T00:00:00Z'));

      const result = await source.updateLinkKeys((keys) => rotateLinkKeys(keys, next));

      const legacy = { id: 'legacy', secret: SECRET };
      expect(result).toEqual({ before: { current: legacy }, after: { current: next, previous: legacy }, versionId: 'v-new' });
      expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretId: 'arn:secret', VersionStages: ['AWSPENDING'], ClientRequestToken: expect.any(String) });
      const put = sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
      expect(JSON.parse(put.SecretString!)).toEqual({ current: next, previous: legacy });
      expect(sm).toHaveReceivedNthCommandWith(3, UpdateSecretVersionStageCommand, {
        SecretId: 'arn:secret', VersionStage: 'AWSCURRENT', MoveToVersionId: 'v-new', RemoveFromVersionId: 'v-old',
      });
      // The cache holds the new ring: this container signs with the new key at once.
      await expect(source.getLinkKeys()).resolves.toEqual({ current: next, previous: legacy });
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    });

    it('refuses with a conflict when another rotation moved AWSCURRENT in between', async () => {
      expect.assertions(2);
      sm.on(GetSecretValueCommand).resolves({ SecretString: SECRET, VersionId: 'v-old' });
      sm.on(PutSecretValueCommand).resolves({ VersionId: 'v-new' });
      sm.on(UpdateSecretVersionStageCommand).rejects(Object.assign(new Error('RemoveFromVersionId does not match'), { name: 'InvalidParameterException' }));
      const source = new SecretsManagerSecretSource({ client: client(), secretId: 's' });
      try {
        await source.updateLinkKeys((keys) => rotateLinkKeys(keys, NEW));
      } catch (err) {
        expect(err).toBeInstanceOf(ConflictError);
        expect(err).toMatchObject({ code: 'LINK_KEYS_CHANGED' });
      }
    });
  });
});

describe('StaticSecretSource', () => {
  it('refuses a short configured secret at start-up', () => {
    expect(() => new StaticSecretSource('short')).toThrow(ConfigError);
  });

  it('refuses to rotate a fixed configured secret, naming the setting to use instead', async () => {
    await expect(new StaticSecretSource(SECRET).updateLinkKeys()).rejects.toThrow('TONGHOP_LINK_SECRET_ARN');
  });
});
