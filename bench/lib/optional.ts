/**
 * Loads code that other engineers are still writing. A module or export that is not there yet
 * makes the metric "n/a (reason)"; any other failure is a real crash and propagates.
 */
import { NotAvailableError } from './result';
import { sourceFile } from './paths';

/** Imports `modulePath` (repo-relative, no extension) and returns the named exports, or throws NotAvailableError. */
export async function importExports<K extends string>(modulePath: string, names: readonly K[]): Promise<Record<K, any>> {
  const file = sourceFile(modulePath);
  if (!file) throw new NotAvailableError(`${modulePath}.ts not in the tree yet`);
  const mod = (await import(file)) as Record<string, unknown>;
  // tsx may wrap CommonJS interop exports under `default`.
  const exportsOf = (name: string) => mod[name] ?? (mod.default as Record<string, unknown> | undefined)?.[name];
  const missing = names.filter((n) => exportsOf(n) === undefined);
  if (missing.length > 0) throw new NotAvailableError(`${modulePath}.ts does not export ${missing.join(', ')} yet`);
  return Object.fromEntries(names.map((n) => [n, exportsOf(n)])) as Record<K, any>;
}
