import { UnauthorizedError } from '../../../functions/core/errors';
import { resolveUnitLink } from '../../../functions/core/usecases/resolve-unit-link';
import { createWorld, HU_TH, SO_NV } from './world';

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
      ['a token with a forged unit', async (w) => w.tokenFor(SO_NV).replace(/^[^.]+/, Buffer.from(JSON.stringify({ u: 'HU-TH', v: 1, exp: 2e9, n: 'x' })).toString('base64url')), 'LINK_INVALID'],
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
});
