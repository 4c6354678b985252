/**
 * Deployment configuration: CDK context (`cdk.json` defaults, overridden with `-c key=value`),
 * parsed once by a schema that names every bad key. `-c` values arrive as strings, so numbers
 * and booleans are coerced here. Recipients are not here: they are per form, in templates/*.json.
 */
import * as z from 'zod';
import type { Node } from 'constructs';

const Bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const Int = (min: number) => z.coerce.number().int().min(min);
/** A plain e-mail address; `whenMissing` replaces zod's "expected string" when the key is absent. */
const Email = (whenMissing?: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? whenMissing : undefined) })
    .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'a plain e-mail address (no display name)');
/** An origin: scheme + host (+ port), no path, no trailing slash (it is compared with the browser's Origin header). */
const Origin = z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/i, 'an https origin without path or trailing slash, e.g. https://baocao.example.vn');
/** Values CloudWatch Logs accepts as retention. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** The placeholder sender domain of cdk.json (and the reserved example domains): never a real sender. */
const PLACEHOLDER_DOMAINS = ['example.vn', 'example.com', 'example.org', 'example.net'];
const Optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const DeployConfigSchema = z
  .object({
    stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('Tonghop'),
    /** Region the stack is synthesized for (set explicitly: no credentials or lookups at synth). */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/).default('ap-southeast-1'),
    /** Sender address of reports and reminders; must belong to `sesIdentity`. Never the cdk.json placeholder. */
    mailFrom: Email('mailFrom is required: the verified SES sender, e.g. -c mailFrom=baocao@tinhuy.gov.vn').refine((v) => !PLACEHOLDER_DOMAINS.includes(v.slice(v.indexOf('@') + 1).toLowerCase()), {
      message: 'mailFrom is the placeholder sender of cdk.json: set the address of your verified SES identity, e.g. -c mailFrom=baocao@tinhuy.gov.vn',
    }),
    /** The verified SES identity (domain or address) sending is allowed from; default: the domain of `mailFrom`. */
    sesIdentity: Optional(z.string().min(3)),
    /**
     * An existing SES configuration set to send through (it must publish Bounce and Complaint
     * events to CloudWatch with the dimension `ses:configuration-set`); default: the stack
     * creates one that does.
     */
    sesConfigurationSet: Optional(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)),
    /** Public origin of the portal when it is not the HTTP API's own URL (e.g. a CloudFront distribution). */
    portalOrigin: Optional(Origin),
    /** Custom domain for the HTTP API (with `certificateArn`, an ACM certificate in the same region). */
    domainName: Optional(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i)),
    certificateArn: Optional(z.string().startsWith('arn:')),
    /** How long raw uploads, feedback workbooks and consolidated reports are kept (0 = forever). */
    retentionYears: Int(0).default(5),
    /**
     * Alarm notifications go here (SNS e-mail subscription, confirmed by the operator). Required:
     * a stack whose alarms reach nobody is refused at synth.
     */
    operatorEmail: z.preprocess(
      (v) => (v === '' ? undefined : v),
      Email('operatorEmail is required: alarms (dead-letter queues, errors, throttles, SES bounces) are emailed to it, e.g. -c operatorEmail=vanhanh@tinhuy.gov.vn'),
    ),
    logRetentionDays: z.coerce
      .number()
      .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), `one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(365),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    maxUploadBytes: Int(1).default(5 * 1024 * 1024),
    /** HTTP API steady-state requests per second and burst, for the whole stage. */
    apiRateLimit: Int(1).default(50),
    apiBurstLimit: Int(1).default(100),
    /**
     * Reserve Lambda concurrency (api 20, ingest 5, consolidate/remind 2 each whatever the number
     * of forms — their schedule walks run the forms one after another: 29 in all). Off by default: Lambda keeps 100 of the account's quota
     * unreserved, so reserving needs a quota of at least 100 + the sum, and a new account's
     * quota is far lower (as low as 10) — the deploy would fail. The ingest event source's
     * maximum concurrency protects the table either way.
     */
    reservedConcurrency: Bool.default(false),
    /**
     * DynamoDB deletion protection on the table. Off for the first deploy: CloudFormation cannot
     * delete a protected table when a first deploy rolls back, which leaves the stack in
     * ROLLBACK_FAILED. Turn it on (cdk.json) once the stack exists.
     */
    tableDeletionProtection: Bool.default(false),
  })
  .superRefine((c, ctx) => {
    if ((c.domainName === undefined) !== (c.certificateArn === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['certificateArn'], message: 'domainName and certificateArn go together' });
    }
    if (c.domainName && c.portalOrigin) {
      ctx.addIssue({ code: 'custom', path: ['portalOrigin'], message: 'set either domainName (the API serves the portal) or portalOrigin, not both' });
    }
  })
  .transform((c) => ({ ...c, sesIdentity: c.sesIdentity ?? c.mailFrom.slice(c.mailFrom.indexOf('@') + 1) }));

export type DeployConfig = z.output<typeof DeployConfigSchema>;
export type DeployConfigInput = z.input<typeof DeployConfigSchema>;
export const DEPLOY_CONFIG_KEYS = Object.keys(DeployConfigSchema.in.shape) as (keyof DeployConfigInput)[];

/** A refused deployment configuration; its message names every bad context key. */
export class DeployConfigError extends Error {}

/** Parses a plain object (tests, or context already collected). Throws naming each bad key. */
export function parseDeployConfig(raw: Record<string, unknown>): DeployConfig {
  const result = DeployConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new DeployConfigError(`Invalid deployment configuration (CDK context, -c key=value):\n${z.prettifyError(result.error)}`, { cause: result.error });
  }
  return result.data;
}

/** Reads the configuration from CDK context (cdk.json "context", `-c key=value`). */
export function readDeployConfig(node: Node): DeployConfig {
  const raw: Record<string, unknown> = {};
  for (const key of DEPLOY_CONFIG_KEYS) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined) raw[key] = value;
  }
  return parseDeployConfig(raw);
}
