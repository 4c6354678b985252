/**
 * Where the operator console lives on the portal's origin. Its own module (no schema library):
 * the consolidation, bundled into the scheduled Lambda, links large reports to a console route.
 */
export const CONSOLE_PATH = '/quan-tri';
