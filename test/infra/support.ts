/**
 * Shared set-up for the infra tests: the app exactly as `cdk synth` builds it (cdk.json's
 * context and feature flags, the cdk-nag plugin), synthesized once per test file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp } from '../../infra/app';
import { PROJECT_ROOT } from '../../infra/bundling';
import type { TonghopStack } from '../../infra/stack/tonghop-stack';

export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context;

/**
 * What every deploy must pass on top of cdk.json (its sender is a placeholder the synth refuses,
 * and there is no alarm recipient): the values the README's deploy command shows.
 */
export const DEPLOY_CONTEXT = { mailFrom: 'baocao@tinhuy.example.vn', operatorEmail: 'vanhanh@tinhuy.example.vn' } as const;

export interface Synthesized {
  app: App;
  stack: TonghopStack;
  template: Template;
  assembly: CloudAssembly;
}

/**
 * Builds and synthesizes the app. `bundle: false` skips esbuild (CDK's `aws:cdk:bundling-stacks`
 * context) for tests that only look at configuration-dependent properties.
 */
export function synthesize(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-cdk-'));
  const app = new App({
    outdir,
    context: { ...CDK_JSON_CONTEXT, ...DEPLOY_CONTEXT, ...context, ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) },
  });
  const { stack } = buildApp(app);
  const assembly = app.synth();
  return { app, stack, template: Template.fromStack(stack), assembly };
}

export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

export const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Every statement of the inline/attached policies of a role (by the role's logical id). */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => asList(p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** Statements that mention a resource (by logical id) anywhere in their Resource. */
export function statementsOn(statements: Statement[], resourceLogicalId: string): Statement[] {
  return statements.filter((s) => JSON.stringify(s.Resource).includes(`"${resourceLogicalId}"`));
}
