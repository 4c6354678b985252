/**
 * Shared plumbing for CLI commands: local dependencies on the configured data dir, and the
 * mapping of errors to exit codes (0 success, 1 refused or failed, 2 usage or I/O).
 *
 * `withLocalDeps` talks to a running `npm start` on the same data dir when there is one (via
 * `<dataDir>/runtime.json`); otherwise it starts the emulators on the data dir itself for the
 * duration of the command. Either way the command sees the same data `npm start` serves.
 * With `TONGHOP_TARGET=aws` it works on a deployed stack instead (infra/cli/aws-deps.ts).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, ConfigError } from '../../functions/core/errors';
import type { Log } from '../../functions/core/log';
import { composeLocal, consoleLog, type LocalDeps } from '../local/compose';
import { loadLocalConfig, type LocalConfig } from '../local/config';
import { DataDirBusyError } from '../local/data-dir-lock';
import { LOCAL_CREDENTIALS, startEmulators } from '../local/emulators';
import { readLiveRuntime } from '../local/runtime-file';
import { composeAws, targetsAws } from './aws-deps';
import { UsageError, type CliCommand } from './command';

export interface CliContext {
  config: LocalConfig;
  /** True when a running `npm start` serves this data dir (its emulators are used). */
  running: boolean;
  /** `aws` when TONGHOP_TARGET=aws: the command works on a deployed stack (see aws-deps.ts). */
  target: 'local' | 'aws';
}

export interface WithLocalDepsOptions {
  env?: Record<string, string | undefined>;
  log?: Log;
  /** Told the path of each message the local outbox writes (on AWS mail goes through SES: no files). */
  onEmail?: (file: string) => void;
  /** How long to wait for another CLI command holding the data dir (default 20 s). */
  waitMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1500) });
    return true;
  } catch {
    return false;
  }
}

/** Local dependencies over the emulators of a running `npm start` on `dataDir`, or undefined when none answers. */
export async function composeLiveRuntime(dataDir: string, log?: Log, options: Pick<WithLocalDepsOptions, 'env' | 'onEmail'> = {}): Promise<LocalDeps | undefined> {
  const live = readLiveRuntime(dataDir);
  if (!live || !(await reachable(live.endpoints.dynamodb))) return undefined;
  return composeLocal({
    dataDir,
    portalUrl: live.portalUrl,
    log,
    env: options.env,
    onEmail: options.onEmail,
    emulators: { endpoints: live.endpoints, tableName: live.tableName, bucketName: live.bucketName, region: live.region, credentials: LOCAL_CREDENTIALS },
  });
}

/**
 * Runs `fn` with the local dependencies of the configured data dir (`TONGHOP_DATA_DIR`, `PORT`),
 * then releases them. Throws `ConfigError` on bad configuration and `DataDirBusyError` when the
 * data dir stays locked by another command.
 */
export async function withLocalDeps<T>(fn: (deps: LocalDeps, context: CliContext) => Promise<T>, options: WithLocalDepsOptions = {}): Promise<T> {
  const env = options.env ?? process.env;
  const config = loadLocalConfig(env);
  const log = options.log ?? consoleLog();
  if (targetsAws(env)) {
    const deps = composeAws(env, config.dataDir, log);
    try {
      return await fn(deps, { config, running: true, target: 'aws' });
    } finally {
      deps.close();
    }
  }
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  for (;;) {
    const live = await composeLiveRuntime(config.dataDir, log, options);
    if (live) {
      try {
        return await fn(live, { config, running: true, target: 'local' });
      } finally {
        live.close();
      }
    }
    let emulators;
    try {
      emulators = await startEmulators({ dataDir: config.dataDir });
    } catch (err) {
      if (err instanceof DataDirBusyError && Date.now() < deadline) {
        await sleep(250);
        continue;
      }
      throw err;
    }
    let deps: LocalDeps;
    try {
      deps = composeLocal({ dataDir: config.dataDir, portalUrl: `http://localhost:${config.port}`, log, emulators, env, onEmail: options.onEmail });
    } catch (err) {
      await emulators.stop();
      throw err;
    }
    try {
      return await fn(deps, { config, running: false, target: 'local' });
    } finally {
      deps.close();
      await emulators.stop();
    }
  }
}

/** The exit code for an error: 2 for usage, configuration and I/O problems, 1 for refused operations. */
export function exitCodeFor(err: unknown): 1 | 2 {
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof DataDirBusyError) return 2;
  if (err instanceof AppError) return err.statusCode < 500 ? 1 : 2;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return 2; // ENOENT, EACCES, ECONNREFUSED, …
  return 1;
}

/** Prints an error the way users should see it (message, not a stack) and returns its exit code. */
export function reportCliError(err: unknown, help?: string, stderr: NodeJS.WritableStream = process.stderr): 1 | 2 {
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`Lỗi: ${message}\n`);
  if (err instanceof UsageError && help) stderr.write(`\n${help.trimEnd()}\n`);
  if (process.env.TONGHOP_DEBUG && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return exitCodeFor(err);
}

/**
 * `node:util` parseArgs (strict) with errors turned into `UsageError` (exit 2) in Vietnamese.
 * Example: `const { values, positionals } = parseCliArgs(args, { json: { type: 'boolean' } });`
 */
export function parseCliArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`Tùy chọn không hợp lệ: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A command made of subcommands (`units list|import`, `reports list|get|draft`, …): dispatches on the
 * first argument, answers an unknown or missing one with a usage error (exit 2), and maps every
 * error to its exit code.
 */
export function subcommands(name: string, help: string, handlers: Record<string, (args: string[]) => Promise<number>>): CliCommand {
  const names = Object.keys(handlers);
  return {
    help,
    async run(args) {
      const [sub, ...rest] = args;
      try {
        const handler = sub === undefined ? undefined : handlers[sub];
        if (handler) return await handler(rest);
        throw new UsageError(sub ? `Lệnh con không tồn tại: ${name} ${sub}` : `Thiếu lệnh con: ${names.join(' hoặc ')}`);
      } catch (err) {
        return reportCliError(err, help);
      }
    },
  };
}
