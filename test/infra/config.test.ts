/**
 * Deployment configuration (CDK context) and what each setting changes in the stack. These
 * stacks skip esbuild bundling (`aws:cdk:bundling-stacks`): only configuration-dependent
 * properties are asserted here; test/infra/stack.test.ts covers the bundled default stack.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseDeployConfig } from '../../infra/stack/config';
import { FUNCTION_NAMES } from '../../infra/stack/tonghop-stack';
import { logicalId, synthesize } from './support';

jest.setTimeout(120_000);

describe('parseDeployConfig', () => {
  describe('reading -c key=value strings', () => {
    it('coerces numbers and booleans given as strings', () => {
      const config = parseDeployConfig({ mailFrom: 'baocao@tinhuy.example.vn', retentionYears: '7', reservedConcurrency: 'false', apiRateLimit: '200' });
      expect(config).toMatchObject({ retentionYears: 7, reservedConcurrency: false, apiRateLimit: 200 });
    });

    it('derives the SES identity from the sender address when none is given', () => {
      expect(parseDeployConfig({ mailFrom: 'baocao@tinhuy.example.vn' }).sesIdentity).toBe('tinhuy.example.vn');
      expect(parseDeployConfig({ mailFrom: 'baocao@tinhuy.example.vn', sesIdentity: 'baocao@tinhuy.example.vn' }).sesIdentity).toBe('baocao@tinhuy.example.vn');
    });
  });

  describe('refusing what would deploy a broken stack', () => {
    it.each([
      [{}, 'mailFrom'],
      [{ mailFrom: 'Tổng hợp <baocao@example.vn>' }, 'mailFrom'],
      [{ mailFrom: 'a@example.vn', portalOrigin: 'https://baocao.example.vn/' }, 'portalOrigin'],
      [{ mailFrom: 'a@example.vn', logRetentionDays: '100' }, 'logRetentionDays'],
      [{ mailFrom: 'a@example.vn', domainName: 'baocao.example.vn' }, 'certificateArn'],
      [{ mailFrom: 'a@example.vn', reservedConcurrency: 'maybe' }, 'reservedConcurrency'],
    ])('rejects %j naming %s', (raw, key) => {
      expect.assertions(1);
      expect(() => parseDeployConfig(raw)).toThrow(new RegExp(`Invalid deployment configuration[\\s\\S]*${key}`));
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

  describe('on a new account with a low concurrency quota', () => {
    it('reserves no concurrency when reservedConcurrency=false', () => {
      const { template } = synthesize({ reservedConcurrency: 'false' }, { bundle: false });
      const fns = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(fns.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length);
      for (const fn of fns) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    });
  });

  describe('retention', () => {
    it('keeps uploads, feedback and reports forever when retentionYears=0', () => {
      const { template } = synthesize({ retentionYears: 0 }, { bundle: false });
      const bucket = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: Match.anyValue() } }))[0]!;
      const rules = bucket.Properties.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number }[];
      expect(rules.filter((r) => ['uploads/', 'feedback/', 'reports/'].includes(r.Prefix ?? ''))).toEqual([]);
    });

    it('keeps them 10 years when retentionYears=10', () => {
      const { template } = synthesize({ retentionYears: '10' }, { bundle: false });
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'uploads/', ExpirationInDays: 3653, NoncurrentVersionExpiration: { NoncurrentDays: 3653 } })]) },
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
    });
  });

  describe('alarm notifications', () => {
    it('subscribes nobody when no operator email is configured', () => {
      const { template } = synthesize({}, { bundle: false });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      template.resourceCountIs('AWS::SNS::Topic', 1);
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
