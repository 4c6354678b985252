import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (bench/ lives directly under it). */
export const ROOT = resolve(__dirname, '..', '..');
export const rootPath = (...parts: string[]): string => join(ROOT, ...parts);

/** The TypeScript source file for a module path like `functions/core/forms/index`, if it exists. */
export function sourceFile(modulePath: string): string | undefined {
  for (const ext of ['.ts', '.tsx', '/index.ts']) {
    const file = rootPath(modulePath + ext);
    if (existsSync(file)) return file;
  }
  return undefined;
}
