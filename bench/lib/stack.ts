/**
 * The embedded stack as the benchmark uses it: the emulators (infra/local/emulators.ts) and the
 * local composition root's dependencies over them — the same adapters as Lambda, other endpoints.
 */
import { mkdtempSync } from 'node:fs';
import type { MiddlewareStack } from '@smithy/types';
import { join } from 'node:path';
import type { Unit } from '../../functions/core/model';
import { UNIT_TYPES_2019 } from '../../functions/core/units/unit-types';
import { composeLocal, silentLog, type LocalDeps, type LocalEndpoints } from '../../infra/local/compose';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { rootPath } from './paths';

/** The local composition root (infra/local/compose.ts) over emulators at `address`, quiet. */
export function composeBench(dataDir: string, address: LocalEndpoints, templatesDir = rootPath('templates')): LocalDeps {
  return composeLocal({ dataDir, emulators: address, portalUrl: 'http://127.0.0.1:9', log: silentLog, templatesDir });
}

/**
 * Emulators and the local dependencies over them: throwaway storage by default, or persisted in
 * `persistDir` (a seeded data set kept between runs, see bench/measures/consolidate.ts).
 */
export async function startStack(outDir: string, persistDir?: string): Promise<{ emulators: Emulators; address: LocalEndpoints; deps: LocalDeps; dataDir: string }> {
  const dataDir = persistDir ?? mkdtempSync(join(outDir, 'stack-'));
  const emulators = await startEmulators(persistDir ? { dataDir: persistDir } : {});
  const { endpoints, tableName, bucketName, region, credentials } = emulators;
  const address: LocalEndpoints = { endpoints, tableName, bucketName, region, credentials };
  return { emulators, address, deps: composeBench(dataDir, address), dataDir };
}

/** `count` synthetic units, spread over the five unit types (every fifth is a `huyen`, which fills section D). */
export function syntheticUnits(count: number, prefix = 'BENCH'): Unit[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return {
      code: `${prefix}${n}`,
      name: `Đơn vị thử nghiệm số ${n}`,
      type: UNIT_TYPES_2019[i % UNIT_TYPES_2019.length]!.code,
      emails: [`${prefix.toLowerCase()}${n}@example.invalid`],
      active: true,
      keyVersion: 1,
    };
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Counts (and times) every AWS SDK call the given clients send, by `service:Operation`. */
export function countCalls(clients: Record<string, { middlewareStack: object }>): Map<string, { count: number; ms: number }> {
  const calls = new Map<string, { count: number; ms: number }>();
  for (const [service, client] of Object.entries(clients)) {
    (client.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        const start = performance.now();
        try {
          return await next(args);
        } finally {
          const key = `${service}:${String(context.commandName).replace(/Command$/, '')}`;
          const entry = calls.get(key) ?? { count: 0, ms: 0 };
          entry.count++;
          entry.ms += performance.now() - start;
          calls.set(key, entry);
        }
      },
      { step: 'initialize', name: 'benchCallCounter' },
    );
  }
  return calls;
}
