/**
 * The local link-signing keys: generated on first start and kept in `<dataDir>/secrets.json`
 * (mode 0600), so unit links stay valid across restarts of the same data dir and two data dirs
 * never share a key. The file holds the same key ring as the Secrets Manager secret in AWS
 * (`serializeLinkKeys`; an older `{ "linkSecret": "…" }` file is the legacy key). It is read on
 * every use, so `npx tonghop links rotate-key` takes effect in a running `npm start` at once.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLinkKeys, serializeLinkKeys } from '../../functions/adapters/secrets-manager-secret-source';
import { ConfigError, ConflictError } from '../../functions/core/errors';
import { generateLinkKey } from '../../functions/core/links';
import type { LinkKeyRing, LinkKeyStore } from '../../functions/core/ports';

export const secretsPath = (dataDir: string) => join(dataDir, 'secrets.json');

function readLinkKeys(path: string): { raw: string; keys: LinkKeyRing } {
  const raw = readFileSync(path, 'utf8');
  try {
    return { raw, keys: parseLinkKeys(raw) };
  } catch (cause) {
    throw new ConfigError(`${path} không hợp lệ: cần { "current": { "id": "<mã khóa>", "secret": "<ít nhất 32 ký tự>" }, "previous"?: {…} }.`, cause);
  }
}

/** Reads the data dir's keys, creating the file (exclusively, 0600) with a fresh key when absent. */
export function ensureLocalLinkKeys(dataDir: string): LinkKeyRing {
  const path = secretsPath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, serializeLinkKeys({ current: generateLinkKey(new Date()) }) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const { keys } = readLinkKeys(path);
  try {
    chmodSync(path, 0o600);
  } catch {
    // Best effort on file systems without POSIX modes.
  }
  return keys;
}

/** A key store over the data dir's file: read on every use, replaced atomically (temp file + rename). */
export function localSecretSource(dataDir: string): LinkKeyStore {
  const path = secretsPath(dataDir);
  ensureLocalLinkKeys(dataDir);
  return {
    getLinkKeys: async () => readLinkKeys(path).keys,
    async updateLinkKeys(change) {
      const { raw, keys: before } = readLinkKeys(path);
      const after = change(before);
      const text = serializeLinkKeys(after) + '\n';
      parseLinkKeys(text);
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
      if (readFileSync(path, 'utf8') !== raw) {
        rmSync(temp, { force: true });
        throw new ConflictError('LINK_KEYS_CHANGED', 'Khóa ký đường dẫn vừa bị thay đổi bởi một lệnh khác. Hãy chạy lại lệnh.');
      }
      renameSync(temp, path);
      return { before, after };
    },
  };
}
