#!/usr/bin/env node
// The `tonghop` CLI. tsx runs the TypeScript sources directly, so `npx tonghop` works right
// after `npm ci` on a fresh clone, with no build step. Importing `tsx` registers both its
// require hook and its ESM loader (the dispatcher loads each command with `import()`),
// exactly as `node --import tsx` would.
//
// The AWS SDK prints a screenful of English (NodeVersionSupportWarning) in every process that
// builds a client on Node < 22. Its own switch turns off that one warning, nothing else; the CLI
// says it once, in Vietnamese, in the `npm start` banner and `--help` (infra/cli/node-version.ts).
// An operator who sets the variable keeps their value.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import('tsx')
  .then(() => require('../infra/cli/main.ts').main(process.argv.slice(2)))
  .then(
    (code) => { process.exitCode = code; },
    (err) => { console.error(err && err.stack ? err.stack : err); process.exitCode = 2; },
  );
