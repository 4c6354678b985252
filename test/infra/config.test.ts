/**
 * Deployment configuration (CDK context) and what each setting changes in the stack. These
 * stacks skip esbuild bundling (`aws:cdk:bundling-stacks`): only configuration-dependent
 * properties are asserted here; test/infra/stack.test.ts covers the bundled default stack.
 */
import * as fs from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseDeployConfig } from '../../infra/stack/config';
import { FUNCTION_NAMES, INGEST_MAX_CONCURRENCY, NONCURRENT_VERSION_DAYS } from '../../infra/stack/tonghop-stack';
import { TEMPLATES_SOURCE_DIR } from '../../infra/bundling';
import { CDK_JSON_CONTEXT, DEPLOY_CONTEXT, logicalId, synthesize } from './support';

jest.setTimeout(120_000);

describe('parseDeployConfig', () => {
  describe('reading -c key=value strings', () => {
    it('coerces numbers and booleans given as strings', () => {
      const config = parseDeployConfig({ ...DEPLOY_CONTEXT, retentionYears: '7', reservedConcurrency: 'true', apiRateLimit: '200' });
      expect(config).toMatchObject({ retentionYears: 7, reservedConcurrency: true, apiRateLimit: 200 });
    });

    it('derives the SES identity from the sender address when none is given', () => {
      expect(parseDeployConfig({ ...DEPLOY_CONTEXT }).sesIdentity).toBe('tinhuy.example.vn');
      expect(parseDeployConfig({ ...DEPLOY_CONTEXT, sesIdentity: 'baocao@tinhuy.example.vn' }).sesIdentity).toBe('baocao@tinhuy.example.vn');
    });
  });

  describe('refusing what would deploy a broken stack', () => {
    const { operatorEmail } = DEPLOY_CONTEXT;
    it.each([
      [{ operatorEmail }, 'mailFrom'],
      [{ operatorEmail, mailFrom: 'Tổng hợp <baocao@tinhuy.example.vn>' }, 'mailFrom'],
      [{ ...DEPLOY_CONTEXT, portalOrigin: 'https://baocao.example.vn/' }, 'portalOrigin'],
      [{ ...DEPLOY_CONTEXT, logRetentionDays: '100' }, 'logRetentionDays'],
      [{ ...DEPLOY_CONTEXT, domainName: 'baocao.example.vn' }, 'certificateArn'],
      [{ ...DEPLOY_CONTEXT, reservedConcurrency: 'maybe' }, 'reservedConcurrency'],
      [{ ...DEPLOY_CONTEXT, operatorEmail: 'ops' }, 'operatorEmail'],
    ])('rejects %j naming %s', (raw, key) => {
      expect.assertions(1);
      expect(() => parseDeployConfig(raw)).toThrow(new RegExp(`Invalid deployment configuration[\\s\\S]*${key}`));
    });

    it('refuses cdk.json\'s placeholder sender, naming mailFrom and how to set it', () => {
      expect.assertions(2);
      expect(CDK_JSON_CONTEXT.mailFrom).toBe('baocao@example.vn');
      expect(() => parseDeployConfig({ ...CDK_JSON_CONTEXT, operatorEmail: DEPLOY_CONTEXT.operatorEmail })).toThrow(/mailFrom is the placeholder sender[\s\S]*-c mailFrom=/);
    });

    it('refuses a stack whose alarms would reach nobody, naming operatorEmail', () => {
      expect.assertions(2);
      expect(() => parseDeployConfig({ ...CDK_JSON_CONTEXT, mailFrom: DEPLOY_CONTEXT.mailFrom })).toThrow(/operatorEmail is required[\s\S]*-c operatorEmail=/);
      expect(() => parseDeployConfig({ ...CDK_JSON_CONTEXT, mailFrom: DEPLOY_CONTEXT.mailFrom, operatorEmail: '' })).toThrow(/operatorEmail is required/);
    });
  });
});

describe('TonghopStack configuration', () => {
  describe('with a custom domain', () => {
    it('maps the domain to the $default stage and uses it as portal URL and upload CORS origin', () => {
      const { stack, template } = synthesize(
        { domainName: 'baocao.example.vn', certificateArn: 'arn:aws:acm:ap-southeast-1:111122223333:certificate/abc' },
        { bundle: false },
      );
      template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'baocao.example.vn' });
      template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: '$default' });
      template.hasResourceProperties('AWS::S3::Bucket', { CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://baocao.example.vn'] })] } });
      for (const name of FUNCTION_NAMES) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          Role: { 'Fn::GetAtt': [logicalId(stack, stack.functions[name].role as never), 'Arn'] },
          Environment: { Variables: Match.objectLike({ TONGHOP_PORTAL_URL: 'https://baocao.example.vn' }) },
        });
      }
      template.hasOutput('DomainTarget', Match.anyValue());
    });
  });

  describe('forms', () => {
    it('synthesizes without reading a form definition: the schedules walk the catalog at run time', () => {
      const readdir = jest.spyOn(fs, 'readdirSync');
      const read = jest.spyOn(fs, 'readFileSync');
      try {
        const { template } = synthesize({}, { bundle: false });
        expect(Object.keys(template.findResources('AWS::Scheduler::Schedule'))).toHaveLength(2);
        const touched = [...readdir.mock.calls, ...read.mock.calls].map((c) => String(c[0]));
        expect(touched.filter((p) => p.startsWith(TEMPLATES_SOURCE_DIR))).toEqual([]);
      } finally {
        readdir.mockRestore();
        read.mockRestore();
      }
    });
  });

  describe('Lambda concurrency', () => {
    it('reserves none by default, so a new account (quota far below 100 + reservations) can deploy', () => {
      const { template } = synthesize({}, { bundle: false });
      const fns = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(fns.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length);
      for (const fn of fns) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    });

    it('reserves api 20, ingest its event-source maximum and 2 for each schedule walk (whatever the number of forms) when reservedConcurrency=true', () => {
      const { stack, template } = synthesize({ reservedConcurrency: 'true' }, { bundle: false });
      const reserved = (name: (typeof FUNCTION_NAMES)[number]) => template.toJSON().Resources[logicalId(stack, stack.functions[name])].Properties.ReservedConcurrentExecutions;
      expect(reserved('api')).toBe(20);
      expect(reserved('ingest')).toBe(INGEST_MAX_CONCURRENCY);
      expect(reserved('consolidate')).toBe(2);
      expect(reserved('remind')).toBe(2);
    });
  });

  describe('table deletion protection', () => {
    it('is off by default (a first deploy\'s rollback must be able to delete the table) and on with tableDeletionProtection=true', () => {
      const off = Object.values(synthesize({}, { bundle: false }).template.findResources('AWS::DynamoDB::Table'))[0]!;
      expect(off.Properties.DeletionProtectionEnabled).toBe(false);
      synthesize({ tableDeletionProtection: 'true' }, { bundle: false }).template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    });
  });

  describe('retention', () => {
    it('keeps uploads, feedback and reports forever when retentionYears=0', () => {
      const { template } = synthesize({ retentionYears: 0 }, { bundle: false });
      const bucket = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: Match.anyValue() } }))[0]!;
      const rules = bucket.Properties.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number }[];
      expect(rules.filter((r) => ['uploads/', 'feedback/', 'reports/'].includes(r.Prefix ?? '') && r.ExpirationInDays !== undefined)).toEqual([]);
    });

    it('keeps them 10 years when retentionYears=10, and a replaced version only 30 days more', () => {
      const { template } = synthesize({ retentionYears: '10' }, { bundle: false });
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'uploads/', ExpirationInDays: 3653, NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS } })]) },
      });
    });
  });

  describe('email', () => {
    it('allows sending through the configured identity and configuration set, from the configured address', () => {
      const { template } = synthesize(
        { mailFrom: 'baocao@tinhuy.example.vn', sesIdentity: 'tinhuy.example.vn', sesConfigurationSet: 'tonghop-events' },
        { bundle: false },
      );
      const arn = (resource: string) => ({ 'Fn::Join': ['', [Match.stringLikeRegexp(':ses:ap-southeast-1:$'), { Ref: 'AWS::AccountId' }, resource]] });
      for (const resource of [':identity/tinhuy.example.vn', ':configuration-set/tonghop-events']) {
        template.hasResourceProperties('AWS::IAM::Policy', {
          PolicyDocument: {
            Statement: Match.arrayWith([
              {
                Action: 'ses:SendEmail',
                Effect: 'Allow',
                Condition: { StringEquals: { 'ses:FromAddress': 'baocao@tinhuy.example.vn' } },
                Resource: Match.arrayWith([arn(resource)]),
              },
            ]),
          },
        });
      }
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ TONGHOP_MAIL_FROM: 'baocao@tinhuy.example.vn', TONGHOP_SES_CONFIGURATION_SET: 'tonghop-events' }) },
      });
      // The given set is used as is: none is created, and the bounce alarm watches the given one.
      template.resourceCountIs('AWS::SES::ConfigurationSet', 0);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SES', MetricName: 'Bounce', Dimensions: [{ Name: 'ses:configuration-set', Value: 'tonghop-events' }] });
    });
  });
});

describe('cdk-nag wiring', () => {
  it('fails the synth on an unacknowledged AWS Solutions error', () => {
    expect.assertions(1);
    const app = new App();
    const stack = new Stack(app, 'Scratch');
    new s3.Bucket(stack, 'Plain', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S10|AwsSolutions-S1/);
  });
});
