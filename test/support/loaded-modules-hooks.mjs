// The loader-thread half of test/support/loaded-modules.cjs: appends each loaded ES module.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let log;
export function initialize(data) {
  log = data.log;
}
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(log, fileURLToPath(url) + '\n');
  return next(url, context);
}
