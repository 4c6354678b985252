/**
 * The one composition root: the local runtime (`composeLocal`, over the emulators) and the AWS
 * target (`composeAws`, what the CLI and, capability by capability, the Lambdas build) must wire
 * the same adapters with the same table, bucket and limits, and differ only in the mailer, the
 * link-secret source and the clients' endpoints. Drift here is what made local mode lie: a mail
 * size limit the local scheduler ignored, another file store for local ingest, a receive count
 * written three times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SesMailer } from '../../../functions/adapters/ses-mailer';
import { SecretsManagerSecretSource } from '../../../functions/adapters/secrets-manager-secret-source';
import { silentLog } from '../../../functions/core/log';
import { INGEST_MAX_RECEIVE_COUNT } from '../../../functions/core/storage-layout';
import { composeSignIn } from '../../../functions/compose';
import { composeAws } from '../../../infra/cli/aws-deps';
import { composeLocal, type LocalDeps } from '../../../infra/local/compose';
import { OutboxMailer } from '../../../infra/local/outbox-mailer';

const TABLE = 'tonghop-table';
const BUCKET = 'tonghop-bucket';
const REGION = 'ap-southeast-1';
const PORTAL = 'https://baocao.tinhuy.example.vn';

/** Settings an operator sets once, for either runtime. */
const SHARED_ENV = {
  TONGHOP_MAX_UPLOAD_BYTES: String(3 * 1024 * 1024),
  TONGHOP_MAIL_MAX_BYTES: String(12 * 1024 * 1024),
  TONGHOP_MAIL_FROM: 'Ban Tổ chức <baocao@tinhuy.example.vn>',
};

/** What a dependency is, for comparison: an adapter by its class and where it points, a value as is. */
function shape(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? 'function' : value;
  if (value instanceof Promise) return 'promise';
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    const fields = value as { tableName?: unknown; bucket?: unknown };
    return { class: value.constructor.name, tableName: fields.tableName, bucket: fields.bucket };
  }
  // The mailer is the one adapter that differs by design (the outbox locally, SES in AWS), wherever it sits.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'mailer' ? 'mailer' : shape(v)]));
}

describe('composition root', () => {
  let dataDir: string;
  let local: LocalDeps;
  let aws: LocalDeps;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tonghop-compose-'));
    local = composeLocal({
      dataDir,
      portalUrl: PORTAL,
      log: silentLog,
      env: SHARED_ENV,
      emulators: { endpoints: { dynamodb: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:2' }, tableName: TABLE, bucketName: BUCKET, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    });
    aws = composeAws(
      { ...SHARED_ENV, TONGHOP_TABLE: TABLE, TONGHOP_BUCKET: BUCKET, AWS_REGION: REGION, TONGHOP_PORTAL_URL: PORTAL, TONGHOP_LINK_SECRET_ARN: 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:tonghop-link' },
      dataDir,
      silentLog,
    );
  });
  afterAll(() => {
    local?.close();
    aws?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('local and AWS', () => {
    it.each(['api', 'ingest', 'consolidate', 'remind'] as const)('wire the %s capability with the same adapters, table, bucket and limits', (capability) => {
      const { mailer: _lm, secrets: _ls, config: localConfig, ...localRest } = local.handlers[capability] as unknown as Record<string, unknown>;
      const { mailer: _am, secrets: _as, config: awsConfig, ...awsRest } = aws.handlers[capability] as unknown as Record<string, unknown>;

      expect(shape(localRest)).toEqual(shape(awsRest));
      // The API's config differs only in where browsers post uploads (the S3 endpoint).
      const { uploadOrigin: localOrigin, ...localApiConfig } = (localConfig ?? {}) as Record<string, unknown>;
      const { uploadOrigin: awsOrigin, ...awsApiConfig } = (awsConfig ?? {}) as Record<string, unknown>;
      expect(localApiConfig).toEqual(awsApiConfig);
      if (capability === 'api') expect([localOrigin, awsOrigin]).toEqual(['http://127.0.0.1:2', `https://${BUCKET}.s3.${REGION}.amazonaws.com`]);
    });

    it('apply the operator’s upload limit, email size limit, sender and portal (the large-report link) in both', () => {
      for (const deps of [local, aws]) {
        expect(deps.handlers.consolidate.mail).toEqual({ from: SHARED_ENV.TONGHOP_MAIL_FROM, maxMessageBytes: 12 * 1024 * 1024, portalUrl: PORTAL });
        expect(deps.handlers.api.console?.consolidation.mail).toEqual({ from: SHARED_ENV.TONGHOP_MAIL_FROM, maxMessageBytes: 12 * 1024 * 1024, portalUrl: PORTAL });
        expect(deps.handlers.remind.mail).toEqual({ from: SHARED_ENV.TONGHOP_MAIL_FROM });
        expect(deps.handlers.ingest.maxUploadBytes).toBe(3 * 1024 * 1024);
        expect(deps.handlers.api.config.maxUploadBytes).toBe(3 * 1024 * 1024);
      }
    });

    it('give the api the lock store the console\'s "Khóa kỳ" routes write, the one ingest reads', () => {
      for (const deps of [local, aws]) {
        expect(shape(deps.handlers.api.locks)).toEqual({ class: 'DynamoReviewStore', tableName: TABLE, bucket: undefined });
        expect(typeof deps.handlers.api.locks.putLock).toBe('function');
        expect(shape(deps.handlers.api.locks)).toEqual(shape(deps.handlers.ingest.locks));
      }
    });

    it('let ingest read uploads through the unsigned object store and give up after the queue’s receive count', () => {
      for (const deps of [local, aws]) {
        expect(shape(deps.handlers.ingest.files)).toEqual({ class: 'S3ObjectStore', tableName: undefined, bucket: BUCKET });
        expect(deps.handlers.ingest.maxReceiveCount).toBe(INGEST_MAX_RECEIVE_COUNT);
      }
    });

    it('differ in the mailer and the link-secret source only', () => {
      expect([local.handlers.consolidate.mailer, local.handlers.remind.mailer, local.handlers.remindUnit.mailer]).toEqual([expect.any(OutboxMailer), expect.any(OutboxMailer), expect.any(OutboxMailer)]);
      expect([aws.handlers.consolidate.mailer, aws.handlers.remind.mailer, aws.handlers.remindUnit.mailer]).toEqual([expect.any(SesMailer), expect.any(SesMailer), expect.any(SesMailer)]);
      expect(aws.handlers.remindUnit.secrets).toBeInstanceOf(SecretsManagerSecretSource);
      expect(local.handlers.remindUnit.secrets).not.toBeInstanceOf(SecretsManagerSecretSource);
    });
  });

  describe('the console foundation', () => {
    it('puts the operators registry, sign-in state and audit log on the same table in both', () => {
      for (const deps of [local, aws]) {
        expect(shape({ operators: deps.operators, signInTokens: deps.signInTokens, sessions: deps.sessions, rateLimiter: deps.rateLimiter, audit: deps.audit })).toEqual({
          operators: { class: 'DynamoOperatorRegistry', tableName: TABLE, bucket: undefined },
          signInTokens: { class: 'DynamoSignInStore', tableName: TABLE, bucket: undefined },
          sessions: { class: 'DynamoSignInStore', tableName: TABLE, bucket: undefined },
          rateLimiter: { class: 'DynamoSignInStore', tableName: TABLE, bucket: undefined },
          audit: { class: 'DynamoAuditLog', tableName: TABLE, bucket: undefined },
        });
      }
    });

    it('emails sign-in links from the configured sender, pointing at the portal', () => {
      const deps = composeSignIn({ settings: aws.settings, clients: aws.clients, log: silentLog, mailer: aws.mailer });
      expect(deps.mail).toEqual({ from: SHARED_ENV.TONGHOP_MAIL_FROM });
      expect(deps.portalUrl).toBe(PORTAL);
      expect(deps.mailer).toBeInstanceOf(SesMailer);
      expect(() => composeSignIn({ settings: { ...aws.settings, mail: { ...aws.settings.mail, from: undefined } }, clients: aws.clients, log: silentLog, mailer: aws.mailer })).toThrow('TONGHOP_MAIL_FROM');
    });
  });

  describe('the AWS target', () => {
    it('rejects sending without a configured sender, naming TONGHOP_MAIL_FROM', () => {
      const { TONGHOP_MAIL_FROM: _from, ...withoutSender } = SHARED_ENV;
      const deps = composeAws({ ...withoutSender, TONGHOP_TABLE: TABLE, TONGHOP_BUCKET: BUCKET, TONGHOP_PORTAL_URL: PORTAL, TONGHOP_LINK_SECRET: 'x'.repeat(32) }, dataDir, silentLog);
      try {
        expect(() => deps.handlers.consolidate).toThrow('TONGHOP_MAIL_FROM');
        expect(() => deps.handlers.remind).toThrow('TONGHOP_MAIL_FROM');
      } finally {
        deps.close();
      }
    });
  });
});
