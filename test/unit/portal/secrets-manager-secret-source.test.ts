import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SecretsManagerSecretSource, StaticSecretSource } from '../../../functions/adapters/secrets-manager-secret-source';
import { ConfigError } from '../../../functions/core/errors';

const SECRET = 'k'.repeat(48);

describe('SecretsManagerSecretSource', () => {
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => sm.reset());

  it('reads the secret once per TTL, sharing one call between concurrent requests', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    let now = 0;
    const source = new SecretsManagerSecretSource({ client: new SecretsManagerClient({ region: 'ap-southeast-1' }), secretId: 'arn:secret', ttlMs: 1000, now: () => now });

    const first = await Promise.all([source.getLinkSecret(), source.getLinkSecret()]);
    now = 999;
    await source.getLinkSecret();
    now = 1000;
    await source.getLinkSecret();

    expect(first).toEqual([SECRET, SECRET]);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'arn:secret' });
  });

  it('accepts a JSON secret { "secret": "…" }', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ secret: SECRET }) });
    const source = new SecretsManagerSecretSource({ client: new SecretsManagerClient({ region: 'ap-southeast-1' }), secretId: 's' });
    await expect(source.getLinkSecret()).resolves.toBe(SECRET);
  });

  it('refuses a short secret and does not cache a failure', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'short' }).resolves({ SecretString: SECRET });
    const source = new SecretsManagerSecretSource({ client: new SecretsManagerClient({ region: 'ap-southeast-1' }), secretId: 's' });
    await expect(source.getLinkSecret()).rejects.toBeInstanceOf(ConfigError);
    await expect(source.getLinkSecret()).resolves.toBe(SECRET);
  });
});

describe('StaticSecretSource', () => {
  it('refuses a short configured secret at start-up', () => {
    expect(() => new StaticSecretSource('short')).toThrow(ConfigError);
  });
});
