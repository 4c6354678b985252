/**
 * The catalog a handler works with for one invocation. A `LiveFormCatalog` (definitions read
 * from storage) is revalidated here, at the start of the invocation, so a scheduled walk sees a
 * form published or retired since its last tick; a catalog loaded once (the templates, or its
 * loading promise: a CommonJS bundle cannot await at module scope) is used as it is.
 */
import type { FormCatalog, LiveFormCatalog } from '../core/forms/catalog';

export async function currentCatalog(source: FormCatalog | Promise<FormCatalog>): Promise<FormCatalog> {
  const catalog = await source;
  if (isLive(catalog)) await catalog.refresh();
  return catalog;
}

function isLive(catalog: FormCatalog): catalog is LiveFormCatalog {
  return typeof (catalog as Partial<LiveFormCatalog>).refresh === 'function';
}
