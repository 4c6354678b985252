/**
 * Managing the operators registry (CLI today, the console's admin page later): add, remove
 * (= deactivate: the entry stays, so the audit log's actors keep a name, and `add` can bring
 * it back) and a one-time sign-in link for bootstrap. Each change is recorded in the audit log.
 */
import { ConflictError, NotFoundError } from '../errors';
import type { AuditLog, Clock, OperatorRegistry, SignInTokenStore } from '../ports';
import { type Operator, parseOperatorEmail, parseOperatorName, parseOperatorRole } from './model';
import { issueSignInToken, signInUrl } from './sign-in';

export interface ManageOperatorsDeps {
  operators: OperatorRegistry;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

/** Adds an operator (or reactivates a removed one); input validated and normalised here. */
export async function addOperator(deps: ManageOperatorsDeps, input: { email: unknown; name: unknown; role: unknown; actor: string }): Promise<Operator> {
  const email = parseOperatorEmail(input.email);
  const name = parseOperatorName(input.name);
  const role = parseOperatorRole(input.role);
  const at = deps.clock.now().toISOString();
  const before = await deps.operators.get(email);
  const stored = await deps.operators.add({ email, name, role, active: true, createdAt: at, updatedAt: at });
  await deps.audit.record({ at, actor: input.actor, action: 'operator.add', target: email, ...(before ? { before: summary(before) } : {}), after: summary(stored) });
  return stored;
}

function summary(o: Operator) {
  return { name: o.name, role: o.role, active: o.active };
}

const notFound = () => new NotFoundError('OPERATOR_NOT_FOUND', 'Không có cán bộ đang hoạt động với địa chỉ email này.');

/**
 * Deactivates an operator; their sessions are refused from the next request (`getSession`
 * checks the registry). Refuses to remove the last active admin (`LAST_ADMIN`), so the console
 * can always be managed: checked here for a clear answer, and again atomically by the registry
 * (two admins removing each other at the same instant).
 */
export async function removeOperator(deps: ManageOperatorsDeps, input: { email: unknown; actor: string }): Promise<Operator> {
  const email = parseOperatorEmail(input.email);
  const current = await deps.operators.get(email);
  if (!current?.active) throw notFound();
  if (current.role === 'admin') {
    const admins = (await deps.operators.list()).filter((o) => o.active && o.role === 'admin');
    if (admins.length <= 1) throw new ConflictError('LAST_ADMIN', 'Không thể gỡ quản trị viên cuối cùng: thêm một quản trị viên khác trước (npx tonghop operators add --role admin).');
  }
  const at = deps.clock.now().toISOString();
  const removed = await deps.operators.deactivate(email, current, at);
  await deps.audit.record({ at, actor: input.actor, action: 'operator.remove', target: email, before: summary(current), after: summary(removed) });
  return removed;
}

/** A one-time sign-in URL for an active operator (bootstrap, local use); the token is not recorded anywhere but its hash. */
export async function createOperatorSignInLink(
  deps: ManageOperatorsDeps & { signInTokens: SignInTokenStore; portalUrl: string },
  input: { email: unknown; actor: string },
): Promise<{ url: string; expiresAt: Date; operator: Operator }> {
  const email = parseOperatorEmail(input.email);
  const operator = await deps.operators.get(email);
  if (!operator?.active) throw notFound();
  const { token, expiresAt } = await issueSignInToken(deps, email);
  await deps.audit.record({ at: deps.clock.now().toISOString(), actor: input.actor, action: 'operator.link', target: email, after: { expiresAt: expiresAt.toISOString() } });
  return { url: signInUrl(deps.portalUrl, token), expiresAt, operator };
}
