/**
 * Operators of the console (Ban Tổ chức staff, leadership) and what the sign-in and the audit log
 * keep about them. Validated here, once, with zod: the CLI and (later) the console's routes parse
 * through these schemas, so an address is normalised the same way everywhere.
 */
import { z } from 'zod';
import { CONSOLE_PATH } from '../console-path';
import { InvalidInputError } from '../errors';

/** Where the console lives on the portal's origin; sign-in links are `<portalUrl><CONSOLE_PATH>/sign-in/<token>`. */
export { CONSOLE_PATH };

/** Longest console path a sign-in may return to. */
export const MAX_RETURN_PATH_LENGTH = 512;
const RETURN_PATH = /^\/quan-tri\/[A-Za-z0-9\-._~/%?=&]*$/;

/**
 * The console page a sign-in returns to (`next`), or undefined for anything else: a path on the
 * console itself (`/quan-tri/…`), of bounded length, in plain URL characters, with no `//`, `\`
 * or `..` segment, so it can only ever name a page of this origin (never `//evil.example`).
 */
export function consoleReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_RETURN_PATH_LENGTH || !value.startsWith(`${CONSOLE_PATH}/`)) return undefined;
  if (!RETURN_PATH.test(value) || value.includes('//') || /(^|\/)\.\.?(\/|$|\?)/.test(value)) return undefined;
  return value;
}

/** `viewer` reads everything (leadership); `operator` also acts on submissions, units, links and consolidation; `admin` also manages operators and forms. */
export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const OPERATOR_ROLE_LABELS: Record<OperatorRole, string> = { viewer: 'xem', operator: 'vận hành', admin: 'quản trị' };

/** RFC 5321's path limit. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_OPERATOR_NAME_LENGTH = 120;

/** An address trimmed and lower-cased (one operator per mailbox, whatever the case typed). */
export const OperatorEmailSchema = z
  .string()
  .trim()
  .max(MAX_EMAIL_LENGTH)
  .transform((s) => s.toLowerCase())
  .pipe(z.email());

export const OperatorNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_OPERATOR_NAME_LENGTH)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s));

export const OperatorRoleSchema = z.enum(OPERATOR_ROLES);

export const OperatorSchema = z.object({
  email: OperatorEmailSchema,
  name: OperatorNameSchema,
  role: OperatorRoleSchema,
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Operator = z.infer<typeof OperatorSchema>;

/** The address, normalised; `InvalidInputError` (never echoing the input) when it is not one. */
export function parseOperatorEmail(value: unknown): string {
  const parsed = OperatorEmailSchema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError('OPERATOR_EMAIL_INVALID', `Địa chỉ email không hợp lệ (tối đa ${MAX_EMAIL_LENGTH} ký tự, dạng ten@co-quan.vn).`);
  return parsed.data;
}

export function parseOperatorName(value: unknown): string {
  const parsed = OperatorNameSchema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError('OPERATOR_NAME_INVALID', `Họ tên không hợp lệ (1–${MAX_OPERATOR_NAME_LENGTH} ký tự, không có ký tự điều khiển).`);
  return parsed.data;
}

export function parseOperatorRole(value: unknown): OperatorRole {
  const parsed = OperatorRoleSchema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError('OPERATOR_ROLE_INVALID', `Vai trò phải là một trong: ${OPERATOR_ROLES.join(', ')}.`);
  return parsed.data;
}

/** One entry of the append-only audit log: who did what to what, and when. Never tokens, secrets or file contents. */
export interface AuditEntry {
  /** ISO instant. */
  at: string;
  /** Who: an operator's email, or the CLI's OS user (`cli:<user>`, `+ aws:<profile>` on the AWS target). */
  actor: string;
  /** What, as a stable dotted name: `operator.add`, `units.import`, `consolidation.send`, … */
  action: string;
  /** On what: an email, a unit code, `<form>/<period>`, an upload id. */
  target: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}
