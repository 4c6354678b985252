/**
 * The one logger type of the code base: what use cases, handlers and the local runtime log
 * through. A message plus objects of structured attributes (never tokens or email bodies).
 * In Lambda a Powertools `Logger` satisfies it (JSON lines with the invocation's context); locally
 * the console logger of `infra/local/compose.ts` does.
 */
export interface Log {
  debug(message: string, ...extra: Array<Record<string, unknown>>): void;
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/** A logger that drops everything (tests, benchmarks, a use case given none). */
export const silentLog: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
