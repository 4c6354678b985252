/**
 * The run-time form catalog: published definitions read from storage (`FormDefinitionStore`),
 * answered synchronously from a snapshot that `refresh()` reloads once it is older than
 * `maxAgeMs` (default 5 minutes) or after `invalidate()`. Every handler calls `refresh()` at the
 * start of an invocation or request, so a form published elsewhere is seen within 5 minutes, and
 * at once in the process that published it.
 *
 * - Concurrent refreshes share one load.
 * - Bodies are immutable per (id, version, SHA-256), so a reload reads only the index and the
 *   bodies it has not read before.
 * - A body whose SHA-256 differs from its index entry, or that no longer passes the checks, is
 *   left out and logged (the rest of the catalog still loads).
 * - A failed reload keeps the previous snapshot (logged) and is retried after `retryAfterMs`; only
 *   a first load that fails throws, since there is nothing to answer from.
 */
import type { ProvinceCalendar } from '../calendar/calendar';
import { silentLog, type Log } from '../log';
import type { Clock, FormDefinitionStore, PublishedFormVersion } from '../ports';
import { createUnitTypeRegistry, type UnitTypeInfo } from '../units/unit-types';
import { sha256Hex } from './canonical';
import { createFormCatalog, type FormCatalog, type LiveFormCatalog } from './catalog';
import { checkFormDefinition } from './check-definition';
import type { FormDefinition } from './definition';

/** How long a snapshot is trusted before `refresh()` reloads it. */
export const CATALOG_MAX_AGE_MS = 5 * 60 * 1000;
/** After a failed reload, how long the old snapshot is served before the next attempt. */
export const CATALOG_RETRY_AFTER_MS = 30 * 1000;
/** Bodies read at once during a load. */
const READ_CONCURRENCY = 8;

export interface LiveFormCatalogOptions {
  store: FormDefinitionStore;
  clock: Clock;
  log?: Log;
  maxAgeMs?: number;
  retryAfterMs?: number;
  /** The province calendar (default: empty). */
  loadCalendar?: () => Promise<ProvinceCalendar>;
  /** The deployment's unit types (default: the 2019 structure). */
  loadUnitTypes?: () => Promise<UnitTypeInfo[]>;
}

function notLoaded(): never {
  throw new Error('The form catalog has not been loaded: await catalog.refresh() first');
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A catalog over the store; nothing is read until the first `refresh()`. */
export function createLiveFormCatalog(options: LiveFormCatalogOptions): LiveFormCatalog {
  const { store, clock } = options;
  const log = options.log ?? silentLog;
  const maxAgeMs = options.maxAgeMs ?? CATALOG_MAX_AGE_MS;
  const retryAfterMs = Math.min(options.retryAfterMs ?? CATALOG_RETRY_AFTER_MS, maxAgeMs);
  const bodies = new Map<string, FormDefinition>();
  let snapshot: { catalog: FormCatalog; validUntil: number; generation: number } | undefined;
  let generation = 0;
  let loading: { generation: number; promise: Promise<void> } | undefined;

  const readVersion = async (entry: PublishedFormVersion): Promise<FormDefinition | undefined> => {
    const key = `${entry.formId}#${entry.version}#${entry.sha256}`;
    const cached = bodies.get(key);
    if (cached) return cached;
    const where = { formId: entry.formId, version: entry.version };
    const text = await store.readBody(entry);
    if (text === undefined) {
      log.error('published form body missing: version left out of the catalog', where);
      return undefined;
    }
    if (sha256Hex(text) !== entry.sha256) {
      log.error('published form body does not match its index entry: version left out of the catalog', where);
      return undefined;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      log.error('published form body is not JSON: version left out of the catalog', where);
      return undefined;
    }
    const { form, problems } = checkFormDefinition(raw);
    if (!form || problems.length > 0 || form.id !== entry.formId || form.version !== entry.version) {
      log.error('published form no longer passes the checks: version left out of the catalog', { ...where, problems: problems.slice(0, 5) });
      return undefined;
    }
    bodies.set(key, form);
    return form;
  };

  const load = async (startedAt: number): Promise<void> => {
    const { versions, retirements } = await store.readIndex();
    const forms = await mapLimited(versions, READ_CONCURRENCY, readVersion);
    const [calendar, unitTypes] = await Promise.all([options.loadCalendar?.(), options.loadUnitTypes?.()]);
    const definitions = forms.filter((f): f is FormDefinition => f !== undefined);
    const catalog = createFormCatalog(definitions, {
      published: versions.filter((_v, i) => forms[i] !== undefined),
      retirements,
      calendar,
      unitTypes: unitTypes ? createUnitTypeRegistry(unitTypes) : undefined,
    });
    snapshot = { catalog, validUntil: clock.now().getTime() + maxAgeMs, generation: startedAt };
  };

  const current = (): FormCatalog => snapshot?.catalog ?? notLoaded();

  return {
    list: () => current().list(),
    versions: (formId) => current().versions(formId),
    get: (formId, version) => current().get(formId, version),
    require: (formId, version) => current().require(formId, version),
    forPeriod: (formId, periodId, opts) => current().forPeriod(formId, periodId, opts),
    entries: () => current().entries(),
    retirement: (formId) => current().retirement(formId),
    get unitTypes() {
      return current().unitTypes;
    },
    get calendar() {
      return current().calendar;
    },
    refresh() {
      if (snapshot && snapshot.generation === generation && clock.now().getTime() < snapshot.validUntil) return Promise.resolve();
      if (loading && loading.generation === generation) return loading.promise;
      const startedAt = generation;
      const previous = loading?.promise.catch(() => undefined) ?? Promise.resolve();
      const promise = previous
        .then(() => load(startedAt))
        .catch((err: unknown) => {
          if (!snapshot) throw err;
          log.error('form catalog reload failed: serving the previous catalog', { error: err as Error });
          snapshot = { ...snapshot, validUntil: clock.now().getTime() + retryAfterMs };
        })
        .finally(() => {
          if (loading?.promise === promise) loading = undefined;
        });
      loading = { generation: startedAt, promise };
      return promise;
    },
    invalidate() {
      generation++;
    },
  };
}

/** A fixed catalog (tests, templates read from a folder) as a live one whose refresh does nothing. */
export function staticLiveCatalog(catalog: FormCatalog): LiveFormCatalog {
  return {
    list: () => catalog.list(),
    versions: (formId) => catalog.versions(formId),
    get: (formId, version) => catalog.get(formId, version),
    require: (formId, version) => catalog.require(formId, version),
    forPeriod: (formId, periodId, opts) => catalog.forPeriod(formId, periodId, opts),
    entries: () => catalog.entries(),
    retirement: (formId) => catalog.retirement(formId),
    unitTypes: catalog.unitTypes,
    calendar: catalog.calendar,
    refresh: () => Promise.resolve(),
    invalidate: () => undefined,
  };
}

/**
 * The catalog, loaded (a handler's dependency may be its loading promise) and revalidated when
 * live: what every handler awaits at the start of an invocation or request.
 */
export async function readyCatalog<C extends FormCatalog>(catalog: C | Promise<C>): Promise<C> {
  const resolved = await catalog;
  const live = resolved as Partial<LiveFormCatalog>;
  if (typeof live.refresh === 'function') await live.refresh();
  return resolved;
}
