#!/usr/bin/env node
// The `tonghop` CLI. tsx runs the TypeScript sources directly, so `npx tonghop` works right
// after `npm ci` on a fresh clone, with no build step. Importing `tsx` registers both its
// require hook and its ESM loader (the dispatcher loads each command with `import()`),
// exactly as `node --import tsx` would.
import('tsx')
  .then(() => require('../infra/cli/main.ts').main(process.argv.slice(2)))
  .then(
    (code) => { process.exitCode = code; },
    (err) => { console.error(err && err.stack ? err.stack : err); process.exitCode = 2; },
  );
