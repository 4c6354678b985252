/**
 * The form catalog of a CLI command that reads forms (`template`, `validate`): the published
 * catalog of the data dir (the seed templates/ published first, as `npm start` does) or of the
 * deployed stack with TONGHOP_TARGET=aws — so a form published at run time works exactly like a
 * seed form. `--templates <dir>` reads that folder as it is instead (no storage; drafts, tests).
 */
import { loadFormCatalog, type FormCatalog } from '../../functions/core/forms/catalog';

export async function loadCliCatalog(templatesDir?: string): Promise<FormCatalog> {
  if (templatesDir) return loadFormCatalog(templatesDir);
  const { withLocalDeps } = await import('./context');
  return withLocalDeps(async (deps) => {
    const catalog = await deps.catalog;
    await catalog.refresh();
    // The snapshot stays readable once the clients are closed (nothing refreshes it again).
    return catalog;
  });
}
