/**
 * Local-mode configuration and the data-dir files the runtime and CLI share.
 */
import { statSync, writeFileSync } from 'node:fs';
import { loadLocalConfig } from '../../infra/local/config';
import { acquireDataDirLock, lockPath } from '../../infra/local/data-dir-lock';
import { ensureLocalLinkKeys, secretsPath } from '../../infra/local/local-secrets';
import { readLiveRuntime, writeRuntimeInfo } from '../../infra/local/runtime-file';
import { tempDirs } from '../support/temp-dirs';

const newDir = tempDirs('tonghop-config-');

describe('loadLocalConfig', () => {
  it('defaults to port 3000 and .local under the working directory', () => {
    expect(loadLocalConfig({}, '/srv/tonghop')).toEqual({ port: 3000, dataDir: '/srv/tonghop/.local', sample: '2019' });
  });

  it('reads PORT and a relative or absolute TONGHOP_DATA_DIR', () => {
    expect(loadLocalConfig({ PORT: '3001', TONGHOP_DATA_DIR: '.local-2' }, '/srv/t')).toEqual({ port: 3001, dataDir: '/srv/t/.local-2', sample: '2019' });
    expect(loadLocalConfig({ TONGHOP_DATA_DIR: '/var/lib/tonghop' }, '/srv/t').dataDir).toBe('/var/lib/tonghop');
  });

  it.each([['abc'], ['0'], ['70000'], ['30.5']])('refuses PORT=%s naming the variable', (port) => {
    expect.assertions(2);
    try {
      loadLocalConfig({ PORT: port });
    } catch (err) {
      expect((err as Error).message).toContain('PORT');
      expect((err as { code?: string }).code).toBe('CONFIG_INVALID');
    }
  });

  it('refuses an empty data dir', () => {
    expect(() => loadLocalConfig({ TONGHOP_DATA_DIR: '  ' })).toThrow('TONGHOP_DATA_DIR');
  });
});

describe('data dir files', () => {
  it('creates the link secret once, private to the owner, and returns the same one afterwards', () => {
    const dir = newDir();

    const first = ensureLocalLinkKeys(dir);
    const again = ensureLocalLinkKeys(dir);

    expect(first.current.secret.length).toBeGreaterThanOrEqual(32);
    expect(again).toEqual(first);
    expect(statSync(secretsPath(dir)).mode & 0o777).toBe(0o600);
  });

  it('refuses a secrets file that was edited into something unusable', () => {
    const dir = newDir();
    writeFileSync(secretsPath(dir), JSON.stringify({ linkSecret: 'short' }));

    expect(() => ensureLocalLinkKeys(dir)).toThrow('secrets.json');
  });

  it('takes over a lock left by a process that no longer runs, and refuses a live owner', () => {
    const dir = newDir();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: 2 ** 22 + 12345 }));

    const release = acquireDataDirLock(dir);

    expect(() => acquireDataDirLock(dir)).toThrow(expect.objectContaining({ code: 'DATA_DIR_BUSY' }));
    release();
    acquireDataDirLock(dir)();
  });

  it('ignores a runtime.json left behind by a crashed instance', () => {
    const dir = newDir();
    const info = { pid: 2 ** 22 + 54321, portalUrl: 'http://localhost:3000', port: 3000, startedAt: new Date().toISOString(), endpoints: { dynamodb: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:2' }, tableName: 't', bucketName: 'b', region: 'ap-southeast-1' };
    writeRuntimeInfo(dir, info);
    expect(readLiveRuntime(dir)).toBeUndefined();

    writeRuntimeInfo(dir, { ...info, pid: process.pid });
    expect(readLiveRuntime(dir)?.portalUrl).toBe('http://localhost:3000');
  });
});
