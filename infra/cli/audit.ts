/**
 * Who runs the CLI, and its entries in the audit log. The actor is the OS account (and the
 * AWS profile on the AWS target: the principal itself is in CloudTrail), e.g. `cli:lan` or
 * `cli:lan aws:tinhuy-prod`. Entries name what was done to what, never a token, secret or file
 * content.
 */
import { userInfo } from 'node:os';
import type { AuditEntry } from '../../functions/core/operators/model';
import type { AuditLog, Clock } from '../../functions/core/ports';
import type { CliContext } from './context';

/** The OS account running the CLI (no passwd entry in some containers: the environment's name). */
export function osUserName(env: Record<string, string | undefined> = process.env): string {
  try {
    return userInfo().username || env.USER || env.USERNAME || 'unknown';
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** The audit actor of this CLI process on `target`. */
export function cliActor(target: CliContext['target'], env: Record<string, string | undefined> = process.env): string {
  const user = `cli:${osUserName(env)}`;
  return target === 'aws' && env.AWS_PROFILE ? `${user} aws:${env.AWS_PROFILE}` : user;
}

/** Appends one entry for this CLI run, stamped with the deps' clock. */
export async function recordCliAudit(
  deps: { audit: Pick<AuditLog, 'record'>; clock: Clock },
  context: Pick<CliContext, 'target'>,
  entry: Omit<AuditEntry, 'at' | 'actor'>,
): Promise<void> {
  await deps.audit.record({ at: deps.clock.now().toISOString(), actor: cliActor(context.target), ...entry });
}
