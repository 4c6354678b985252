/**
 * `<dataDir>/runtime.json`: written by a running `npm start` with its endpoints and pid, so CLI
 * commands talk to the running instance (dynalite's on-disk store cannot be opened by two
 * processes at once) instead of starting their own emulators on the same data dir.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isProcessAlive } from './data-dir-lock';

export const RuntimeInfoSchema = z.object({
  pid: z.number().int(),
  portalUrl: z.string(),
  port: z.number().int(),
  startedAt: z.string(),
  endpoints: z.object({ dynamodb: z.string(), s3: z.string() }),
  tableName: z.string(),
  bucketName: z.string(),
  region: z.string(),
});
export type RuntimeInfo = z.infer<typeof RuntimeInfoSchema>;

export const runtimeFilePath = (dataDir: string) => join(dataDir, 'runtime.json');

export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  writeFileSync(runtimeFilePath(dataDir), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
}

/** Removes the file only if it still describes this process (a newer instance may have replaced it). */
export function clearRuntimeInfo(dataDir: string, pid = process.pid): void {
  const current = readRuntimeFile(dataDir);
  if (current && current.pid !== pid) return;
  rmSync(runtimeFilePath(dataDir), { force: true });
}

function readRuntimeFile(dataDir: string): RuntimeInfo | undefined {
  try {
    const parsed = RuntimeInfoSchema.safeParse(JSON.parse(readFileSync(runtimeFilePath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The running instance on this data dir, if any (a file left by a crashed process is ignored). */
export function readLiveRuntime(dataDir: string): RuntimeInfo | undefined {
  const info = readRuntimeFile(dataDir);
  return info && isProcessAlive(info.pid) ? info : undefined;
}
