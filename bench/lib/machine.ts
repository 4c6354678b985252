/** What the numbers were measured on: the machine and the versions of what does the work. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and ended: above the core count, other work competed for the CPU. */
  loadAverage: { start: number; end?: number };
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: { start: Math.round(loadavg()[0]! * 10) / 10 },
  };
}

/** The 1-minute load average now. */
export const currentLoad = (): number => Math.round(loadavg()[0]! * 10) / 10;

const PACKAGES = ['exceljs', '@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', 'dynalite', 's3rver', 'esbuild', 'yauzl', '@middy/core'];

/** Installed versions (from node_modules, not the ranges in package.json). */
export function packageVersions(root: string): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  for (const name of PACKAGES) {
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
      versions[name] = pkg.version ?? 'unknown';
    } catch {
      versions[name] = 'not installed';
    }
  }
  return versions;
}
