/**
 * The operators registry's use cases (functions/core/operators/manage.ts) against in-memory ports.
 */
import { addOperator, createOperatorSignInLink, removeOperator } from '../../../functions/core/operators/manage';
import { redeemSignIn } from '../../../functions/core/operators/sign-in';
import { FakeClock, InMemoryAuditLog, InMemoryOperatorRegistry, InMemorySignInStore } from '../../support/in-memory';

function setup() {
  const clock = new FakeClock(new Date('2026-03-18T02:00:00Z'));
  const operators = new InMemoryOperatorRegistry();
  const audit = new InMemoryAuditLog();
  const store = new InMemorySignInStore();
  return { clock, operators, audit, store, deps: { operators, audit, clock, signInTokens: store, sessions: store, portalUrl: 'http://localhost:3000' } };
}

describe('operators registry', () => {
  describe('addOperator', () => {
    it('stores the address lower-cased and records who added whom', async () => {
      const s = setup();
      const added = await addOperator(s.deps, { email: ' QuanTri@TinhUy.Example.VN', name: 'Nguyễn Văn A', role: 'admin', actor: 'cli:lan' });
      expect(added).toMatchObject({ email: 'quantri@tinhuy.example.vn', role: 'admin', active: true });
      expect(s.audit.entries).toEqual([expect.objectContaining({ actor: 'cli:lan', action: 'operator.add', target: 'quantri@tinhuy.example.vn', after: { name: 'Nguyễn Văn A', role: 'admin', active: true } })]);
    });

    it('refuses an address that is already an active operator', async () => {
      expect.assertions(1);
      const s = setup();
      await addOperator(s.deps, { email: 'a@x.vn', name: 'A', role: 'viewer', actor: 'cli:lan' });
      await expect(addOperator(s.deps, { email: 'A@X.vn', name: 'A2', role: 'admin', actor: 'cli:lan' })).rejects.toMatchObject({ code: 'OPERATOR_EXISTS', statusCode: 409 });
    });

    it.each([
      [{ email: 'not-an-email', name: 'A', role: 'admin' }, 'OPERATOR_EMAIL_INVALID'],
      [{ email: `${'a'.repeat(250)}@x.vn`, name: 'A', role: 'admin' }, 'OPERATOR_EMAIL_INVALID'],
      [{ email: 'a@x.vn', name: '', role: 'admin' }, 'OPERATOR_NAME_INVALID'],
      [{ email: 'a@x.vn', name: 'A', role: 'root' }, 'OPERATOR_ROLE_INVALID'],
    ])('rejects %p with %s', async (input, code) => {
      expect.assertions(1);
      await expect(addOperator(setup().deps, { ...input, actor: 'cli:lan' })).rejects.toMatchObject({ code, statusCode: 400 });
    });
  });

  describe('removeOperator', () => {
    it('refuses to remove the last active admin', async () => {
      expect.assertions(2);
      const s = setup();
      await addOperator(s.deps, { email: 'admin@x.vn', name: 'A', role: 'admin', actor: 'cli:lan' });
      await addOperator(s.deps, { email: 'op@x.vn', name: 'B', role: 'operator', actor: 'cli:lan' });
      await expect(removeOperator(s.deps, { email: 'admin@x.vn', actor: 'cli:lan' })).rejects.toMatchObject({ code: 'LAST_ADMIN', statusCode: 409 });
      expect((await s.operators.get('admin@x.vn'))?.active).toBe(true);
    });

    it('deactivates an admin when another active admin remains, and add brings them back', async () => {
      const s = setup();
      await addOperator(s.deps, { email: 'admin@x.vn', name: 'A', role: 'admin', actor: 'cli:lan' });
      await addOperator(s.deps, { email: 'admin2@x.vn', name: 'B', role: 'admin', actor: 'cli:lan' });
      s.clock.advance(1000);
      const removed = await removeOperator(s.deps, { email: 'admin@x.vn', actor: 'cli:lan' });
      expect(removed).toMatchObject({ active: false });
      expect(s.audit.entries.at(-1)).toMatchObject({ action: 'operator.remove', before: { active: true }, after: { active: false } });
      await expect(addOperator(s.deps, { email: 'admin@x.vn', name: 'A', role: 'viewer', actor: 'cli:lan' })).resolves.toMatchObject({ active: true, role: 'viewer', createdAt: '2026-03-18T02:00:00.000Z' });
    });
  });

  describe('createOperatorSignInLink', () => {
    it('returns a console URL whose token redeems once, and audits without the token', async () => {
      const s = setup();
      await addOperator(s.deps, { email: 'admin@x.vn', name: 'A', role: 'admin', actor: 'cli:lan' });
      const { url } = await createOperatorSignInLink(s.deps, { email: 'admin@x.vn', actor: 'cli:lan' });
      const token = url.split('/').at(-1) ?? '';
      expect(url).toBe(`http://localhost:3000/quan-tri/sign-in/${token}`);
      expect(JSON.stringify(s.audit.entries)).not.toContain(token);
      await expect(redeemSignIn(s.deps, token)).resolves.toMatchObject({ email: 'admin@x.vn', role: 'admin' });
      await expect(redeemSignIn(s.deps, token)).rejects.toMatchObject({ code: 'SIGNIN_USED' });
    });

    it('refuses an address that is not an active operator', async () => {
      expect.assertions(1);
      await expect(createOperatorSignInLink(setup().deps, { email: 'x@x.vn', actor: 'cli:lan' })).rejects.toMatchObject({ code: 'OPERATOR_NOT_FOUND', statusCode: 404 });
    });
  });
});
