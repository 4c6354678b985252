/**
 * Static assets served by the API handler itself under `/assets/`. Each URL on the page
 * carries a content hash (`?v=…`), so browsers may cache for a day and still pick up a new
 * release at once.
 */
import { createHash } from 'node:crypto';
import { PORTAL_CSS } from './portal-css';
import { CONSOLE_JS } from './console-js';
import { PORTAL_JS } from './portal-js';

export interface StaticAsset {
  path: string;
  contentType: string;
  body: string;
  version: string;
}

function asset(path: string, contentType: string, body: string): StaticAsset {
  return { path, contentType, body, version: createHash('sha256').update(body).digest('hex').slice(0, 10) };
}

export const PORTAL_ASSETS: Record<'css' | 'js' | 'consoleJs', StaticAsset> = {
  css: asset('/assets/portal.css', 'text/css; charset=utf-8', PORTAL_CSS),
  js: asset('/assets/portal.js', 'text/javascript; charset=utf-8', PORTAL_JS),
  /** The console's page only (`/quan-tri/`). */
  consoleJs: asset('/assets/console.js', 'text/javascript; charset=utf-8', CONSOLE_JS),
};

/** The versioned URL to put in the page. */
export const assetUrl = (a: StaticAsset): string => `${a.path}?v=${a.version}`;
