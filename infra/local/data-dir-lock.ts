/**
 * One process at a time owns a data dir's emulators: dynalite's on-disk store (leveldb) cannot
 * be opened twice, and a second open crashes the process outright. `<dataDir>/emulators.lock`
 * holds the owner's pid; a lock left by a process that no longer runs is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../functions/core/errors';

/** The data dir is in use by another live process. */
export class DataDirBusyError extends AppError {
  readonly ownerPid: number;
  constructor(dataDir: string, ownerPid: number) {
    super('DATA_DIR_BUSY', `Thư mục dữ liệu ${dataDir} đang được tiến trình ${ownerPid} sử dụng (data dir in use by pid ${ownerPid}).`, { statusCode: 409 });
    this.ownerPid = ownerPid;
  }
}

export const lockPath = (dataDir: string) => join(dataDir, 'emulators.lock');

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws `DataDirBusyError`; returns the release function. */
export function acquireDataDirLock(dataDir: string): () => void {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }) + '\n', { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner: number | undefined;
    try {
      owner = Number((JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown }).pid);
    } catch {
      owner = undefined; // Half-written or unreadable: treat as stale.
    }
    if (owner !== undefined && Number.isInteger(owner) && owner !== process.pid && isProcessAlive(owner)) throw new DataDirBusyError(dataDir, owner);
    if (owner === process.pid) throw new DataDirBusyError(dataDir, owner);
    rmSync(path, { force: true });
  }
  throw new DataDirBusyError(dataDir, -1);
}
