/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this through tsx).
 * Configuration is CDK context (cdk.json defaults, `-c key=value`): see infra/stack/config.ts
 * and the README's "Deploy" section. cdk-nag's AWS Solutions checks run on every synth, so a
 * new finding fails the synth instead of reaching production; `-c nag=false` skips them.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeployConfigError, readDeployConfig } from './stack/config';
import { TonghopStack } from './stack/tonghop-stack';

/** Builds the app (exported for tests and for `cdk synth`). */
export function buildApp(app: App = new App()): { app: App; stack: TonghopStack } {
  const config = readDeployConfig(app.node);
  const stack = new TonghopStack(app, config.stackName, {
    config,
    description: 'tonghop: collect Excel report forms from units, validate them, email a consolidated workbook',
  });
  if (app.node.tryGetContext('nag') !== false && app.node.tryGetContext('nag') !== 'false') {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return { app, stack };
}

if (require.main === module) {
  try {
    buildApp().app.synth();
  } catch (err) {
    // A refused configuration is the operator's to fix: the keys and how, without a stack trace.
    if (!(err instanceof DeployConfigError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
}
