// Preloaded with `node --require` by test/integration/cli-build.test.ts: records, in the file
// named by TONGHOP_LOADED_MODULES_LOG, every module the process loads — ES modules through a
// module.register load hook (it runs on the loader thread and appends each URL), CommonJS ones
// from require.cache when the process exits. One absolute path a line.
const { appendFileSync } = require('node:fs');
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');

const log = process.env.TONGHOP_LOADED_MODULES_LOG;
if (log) {
  register(pathToFileURL(require.resolve('./loaded-modules-hooks.mjs')).href, { data: { log } });
  process.on('exit', () => appendFileSync(log, Object.keys(require.cache).map((p) => p + '\n').join('')));
}
