import { createHmac } from 'node:crypto';
import { UnauthorizedError } from '../../../functions/core/errors';
import { dropPreviousLinkKey, generateLinkKey, rotateLinkKeys, signLinkToken } from '../../../functions/core/links';
import type { LinkKeyRing } from '../../../functions/core/ports';
import { resolveUnitLink } from '../../../functions/core/usecases/resolve-unit-link';
import { createWorld, HU_TH, KEY, NOW, SECRET, SO_NV } from './world';

describe('resolveUnitLink', () => {
  describe('with a valid link', () => {
    it('returns the unit, its expiry and a link id that does not reveal the token', async () => {
      const world = createWorld();
      const token = world.tokenFor(SO_NV);

      const link = await resolveUnitLink(world, token);

      expect(link.unit.name).toBe('Sở Nội vụ');
      expect(link.expiresAt.toISOString()).toBe('2019-03-31T03:00:00.000Z');
      expect(link.linkId).toMatch(/^[0-9a-f]{12}$/);
      expect(token).not.toContain(link.linkId);
    });
  });

  describe('refusals', () => {
    const cases: Array<[string, (w: ReturnType<typeof createWorld>) => Promise<string | undefined>, string]> = [
      ['no token', async () => undefined, 'LINK_MISSING'],
      ['a token with a forged unit', async (w) => w.tokenFor(SO_NV).replace(/^[^.]+/, Buffer.from(JSON.stringify({ u: 'HU-TH', v: 1, exp: 2e9, n: 'x', k: KEY.id })).toString('base64url')), 'LINK_INVALID'],
      ['garbage', async () => 'not-a-token', 'LINK_INVALID'],
      ['another spelling of a valid signature (spare bits of the last base64url character)', async (w) => {
        const token = w.tokenFor(SO_NV);
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const last = alphabet.indexOf(token.at(-1)!);
        return token.slice(0, -1) + alphabet[last ^ 1]; // 32-byte MAC: the last character carries 2 spare bits
      }, 'LINK_INVALID'],
      ['an expired token', async (w) => w.tokenFor(SO_NV, { exp: Math.floor(w.clock.now().getTime() / 1000) - 1 }), 'LINK_EXPIRED'],
      ['a token revoked by bumping the key version', async (w) => {
        const token = w.tokenFor(HU_TH);
        await w.units.bumpKeyVersion('HU-TH');
        return token;
      }, 'LINK_REVOKED'],
      ['a token of a unit no longer active', async (w) => w.tokenFor({ ...SO_NV, code: 'SO-CU' }), 'LINK_UNIT_INACTIVE'],
      ['a token of a unit not in the registry', async (w) => w.tokenFor({ ...SO_NV, code: 'KHONG-CO' }), 'LINK_UNIT_INACTIVE'],
    ];
    it.each(cases)('rejects %s with 401 and a Vietnamese message', async (_name, makeToken, code) => {
      expect.assertions(3);
      const world = createWorld();
      const token = await makeToken(world);
      try {
        await resolveUnitLink(world, token);
      } catch (err) {
        expect(err).toBeInstanceOf(UnauthorizedError);
        expect(err).toMatchObject({ code, statusCode: 401 });
        expect((err as Error).message).toMatch(/đường dẫn|mã truy cập/i);
      }
    });
  });

  describe('key rotation', () => {
    const exp = () => Math.floor(Date.parse(NOW) / 1000) + 86_400;
    /** A token as issued before key ids existed: no `k` claim. */
    const legacyToken = (secret: string, unit: string) => {
      const payload = Buffer.from(JSON.stringify({ u: unit, v: 1, exp: exp(), n: 'abc' })).toString('base64url');
      return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
    };

    it('accepts a link signed with the previous key after a rotation, and signs new links with the new key', async () => {
      const world = createWorld();
      const before = world.tokenFor(SO_NV);
      const next = generateLinkKey(world.clock.now());

      await world.secrets.updateLinkKeys((keys) => rotateLinkKeys(keys, next));
      const after = signLinkToken((await world.secrets.getLinkKeys()).current, { u: 'SO-NV', v: 1, exp: exp() });

      await expect(resolveUnitLink(world, before)).resolves.toMatchObject({ unit: { code: 'SO-NV' } });
      await expect(resolveUnitLink(world, after)).resolves.toMatchObject({ unit: { code: 'SO-NV' } });
    });

    it('rejects with LINK_REVOKED a link whose key was dropped', async () => {
      expect.assertions(2);
      const world = createWorld();
      const old = world.tokenFor(SO_NV);
      await world.secrets.updateLinkKeys((keys) => rotateLinkKeys(keys, generateLinkKey(world.clock.now())));
      await world.secrets.updateLinkKeys(dropPreviousLinkKey);
      try {
        await resolveUnitLink(world, old);
      } catch (err) {
        expect(err).toBeInstanceOf(UnauthorizedError);
        expect(err).toMatchObject({ code: 'LINK_REVOKED', statusCode: 401 });
      }
    });

    it('accepts a link issued before key ids existed while the legacy key is current or previous', async () => {
      const world = createWorld();
      world.secrets.keys = { current: { id: 'legacy', secret: SECRET } };
      const token = legacyToken(SECRET, 'SO-NV');

      await expect(resolveUnitLink(world, token)).resolves.toMatchObject({ unit: { code: 'SO-NV' } });
      await world.secrets.updateLinkKeys((keys) => rotateLinkKeys(keys, KEY));
      await expect(resolveUnitLink(world, token)).resolves.toMatchObject({ unit: { code: 'SO-NV' } });
      await world.secrets.updateLinkKeys(dropPreviousLinkKey);
      await expect(resolveUnitLink(world, token)).rejects.toMatchObject({ code: 'LINK_REVOKED' });
    });

    it('rejects a legacy-format link signed with another secret as invalid', async () => {
      const world = createWorld();
      world.secrets.keys = { current: { id: 'legacy', secret: SECRET } };

      await expect(resolveUnitLink(world, legacyToken('x'.repeat(40), 'SO-NV'))).rejects.toMatchObject({ code: 'LINK_INVALID' });
    });

    it('re-reads the keys once when a link names a key a warm cache does not hold yet', async () => {
      const world = createWorld();
      const next = generateLinkKey(world.clock.now());
      const rotated: LinkKeyRing = { current: next, previous: KEY };
      let freshReads = 0;
      // A container that cached the ring before another process rotated it.
      const secrets = {
        getLinkKeys: async (options: { fresh?: boolean } = {}) => {
          if (!options.fresh) return { current: KEY };
          freshReads += 1;
          return rotated;
        },
      };
      const token = signLinkToken(next, { u: 'SO-NV', v: 1, exp: exp() });

      await expect(resolveUnitLink({ ...world, secrets }, token)).resolves.toMatchObject({ unit: { code: 'SO-NV' } });
      await expect(resolveUnitLink({ ...world, secrets }, world.tokenFor(SO_NV))).resolves.toMatchObject({ unit: { code: 'SO-NV' } });
      expect(freshReads).toBe(1);
    });
  });
});
