/**
 * `tonghop links rotate-key [--drop-previous]` on a local data dir: links sent before a rotation
 * keep opening, links of a dropped key answer LINK_REVOKED, a data dir from before key ids keeps
 * its links, and every change leaves an audit line with the operator and no secret.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { verifyLinkToken } from '../../functions/core/links';
import { command as links } from '../../infra/cli/commands/links';
import { ensureLocalLinkKeys, secretsPath } from '../../infra/local/local-secrets';
import { runCli as run, seedDataDir, tempDataDir } from '../support/cli';
import { FORM_ID, unitOf } from '../unit/ingest/support';

jest.setTimeout(120_000);

const LEGACY_SECRET = 'legacy-secret-legacy-secret-legacy-secret-0123';

describe('tonghop links rotate-key (local target)', () => {
  let temp: ReturnType<typeof tempDataDir> | undefined;
  let dataDir: string;

  beforeAll(async () => {
    temp = tempDataDir();
    dataDir = temp.dir;
    // A data dir created before key rotation existed: a bare secret.
    writeFileSync(secretsPath(dataDir), JSON.stringify({ linkSecret: LEGACY_SECRET }), { mode: 0o600 });
    await seedDataDir(dataDir, async (deps) => {
      await deps.units.putMany([unitOf('SO-YTE', 'so-nganh', 'Sở Y tế')]);
    });
  });
  afterAll(() => temp?.remove());

  const issue = async (): Promise<string> => {
    const out = await run(links, ['--period', '2019-Q1', '--form', FORM_ID, '--unit', 'SO-YTE', '--json']);
    expect(out.code).toBe(0);
    return (JSON.parse(out.out) as Array<{ token: string }>)[0]!.token;
  };
  const verdict = (token: string): string => {
    try {
      return verifyLinkToken(ensureLocalLinkKeys(dataDir), token, new Date()).u;
    } catch (err) {
      return (err as { code: string }).code;
    }
  };
  /** A link as issued before key ids existed (no `k` claim). */
  const preRotationToken = (() => {
    const payload = Buffer.from(JSON.stringify({ u: 'SO-YTE', v: 1, exp: Math.floor(Date.now() / 1000) + 86_400, n: 'old' })).toString('base64url');
    return `${payload}.${createHmac('sha256', LEGACY_SECRET).update(payload).digest('base64url')}`;
  })();

  it('keeps old links working after a rotation, revokes them when the previous key is dropped, and audits both', async () => {
    const before = await issue();
    expect([verdict(preRotationToken), verdict(before)]).toEqual(['SO-YTE', 'SO-YTE']);

    const rotated = await run(links, ['rotate-key']);
    const after = await issue();

    expect(rotated.code).toBe(0);
    expect(rotated.out).toContain('Đã tạo khóa mới');
    expect(rotated.out).toContain('(khóa legacy) vẫn dùng được');
    expect([verdict(preRotationToken), verdict(before), verdict(after)]).toEqual(['SO-YTE', 'SO-YTE', 'SO-YTE']);
    const keys = ensureLocalLinkKeys(dataDir);
    expect(keys.previous?.id).toBe('legacy');
    expect(statSync(secretsPath(dataDir)).mode & 0o777).toBe(0o600);

    const dropped = await run(links, ['rotate-key', '--drop-previous']);

    expect(dropped.code).toBe(0);
    expect(dropped.out).toContain('Đã bỏ khóa cũ legacy');
    expect([verdict(preRotationToken), verdict(before), verdict(after)]).toEqual(['LINK_REVOKED', 'LINK_REVOKED', 'SO-YTE']);

    for (const [output, action] of [[rotated.err, 'rotate'], [dropped.err, 'drop-previous']] as const) {
      const line = output.split('\n').find((l) => l.includes('audit: link-signing keys changed'))!;
      const audit = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
      expect(audit).toMatchObject({ audit: 'link-keys', action, target: 'local', operator: { user: expect.any(String) }, current: keys.current.id });
      expect(output).not.toContain(LEGACY_SECRET);
      expect(output).not.toContain(keys.current.secret);
    }
    expect(readFileSync(secretsPath(dataDir), 'utf8')).not.toContain(LEGACY_SECRET);
  });

  it('refuses to drop a previous key when there is none (exit 1), changing nothing', async () => {
    const keys = ensureLocalLinkKeys(dataDir);

    const again = await run(links, ['rotate-key', '--drop-previous']);

    expect(again.code).toBe(1);
    expect(again.err).toContain('Không có khóa cũ');
    expect(ensureLocalLinkKeys(dataDir)).toEqual(keys);
  });
});
