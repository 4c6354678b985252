/**
 * Helpers for tests of CLI commands run in-process on a data dir the embedded stack persisted:
 * a temporary TONGHOP_DATA_DIR, seeding it through the real adapters against the emulators,
 * and running one command while capturing what it prints.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoDocumentClient, createS3Client } from '../../functions/adapters/aws-clients';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamo-submission-repository';
import { DynamoReviewStore } from '../../functions/adapters/dynamo-review-store';
import { DynamoUnitRepository } from '../../functions/adapters/dynamo-unit-repository';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { systemClock } from '../../functions/core/ports';
import type { IngestUploadDeps } from '../../functions/core/usecases/ingest-upload';
import type { CliCommand } from '../../infra/cli/command';
import { startEmulators } from '../../infra/local/emulators';
import { testCatalog } from '../unit/ingest/support';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

const ROOT = join(__dirname, '..', '..');

/**
 * Runs `npx tonghop <args>` as a child process (bin/tonghop.cjs, as an operator runs it) with
 * `env` over this process's environment; resolves with its exit code and output.
 */
export function runTonghop(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'tonghop.cjs'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs one CLI command in-process, capturing stdout and stderr. */
export async function runCli(command: CliCommand, args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    return { code: await command.run(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** A fresh data dir set as TONGHOP_DATA_DIR; `remove()` restores the variable and deletes the dir. */
export function tempDataDir(): { dir: string; remove(): void } {
  const previous = process.env.TONGHOP_DATA_DIR;
  const dir = mkdtempSync(join(tmpdir(), 'tonghop-cli-'));
  process.env.TONGHOP_DATA_DIR = dir;
  return {
    dir,
    remove() {
      if (previous === undefined) delete process.env.TONGHOP_DATA_DIR;
      else process.env.TONGHOP_DATA_DIR = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the emulators on `dataDir`, hands `seed` the ingest deps over them, then stops them (the data stays). */
export async function seedDataDir(dataDir: string, seed: (deps: IngestUploadDeps) => Promise<void>): Promise<void> {
  const emulators = await startEmulators({ dataDir });
  try {
    const options = { region: emulators.region, endpoints: emulators.endpoints, credentials: emulators.credentials };
    const dynamo = createDynamoDocumentClient(options);
    const s3 = createS3Client(options);
    try {
      await seed({
        submissions: new DynamoSubmissionRepository({ client: dynamo, tableName: emulators.tableName }),
        units: new DynamoUnitRepository({ client: dynamo, tableName: emulators.tableName }),
        files: new S3FileStore({ client: s3, bucket: emulators.bucketName }),
        catalog: await testCatalog(),
        clock: systemClock,
        locks: new DynamoReviewStore({ client: dynamo, tableName: emulators.tableName }),
        maxUploadBytes: 5 * 1024 * 1024,
      });
    } finally {
      dynamo.destroy();
      s3.destroy();
    }
  } finally {
    await emulators.stop();
  }
}
