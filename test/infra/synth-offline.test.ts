/**
 * `npx cdk synth` on a fresh machine: no AWS credentials or profile, an empty HOME, the EC2
 * metadata endpoint disabled, and a Docker executable that always fails (CDK_DOCKER) so any
 * attempt to bundle in Docker would break the synth.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../infra/bundling';
import { DEPLOY_CONTEXT } from './support';

jest.setTimeout(300_000);

/** `npx cdk synth --quiet` with `-c key=value` for each entry, on a machine with nothing configured. */
function cdkSynth(context: Record<string, string>): { status: number | null; stderr: string; outdir: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-home-'));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tonghop-synth-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DOCKER: 'false',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CI: 'true',
    npm_config_update_notifier: 'false',
  };
  const args = Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir, ...args], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr, outdir };
}

describe('cdk synth', () => {
  describe('without credentials or Docker', () => {
    it('synthesizes the stack with the -c values of the README, with cdk-nag passing, into a template a deploy can use', () => {
      const run = cdkSynth(DEPLOY_CONTEXT);
      const { outdir } = run;

      expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr.slice(-4000) }).toEqual({ status: 0, stderr: '' });
      const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Tonghop.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
      const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(4);
      const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
      expect(report.pluginReports).toEqual([]);
    });
  });

  describe('with cdk.json alone', () => {
    it('refuses the placeholder sender and a stack without an alarm recipient, naming both context keys', () => {
      const run = cdkSynth({});

      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/mailFrom is the placeholder sender/);
      expect(run.stderr).toMatch(/operatorEmail is required/);
    });
  });
});
