#!/usr/bin/env node
// The `tonghop` CLI. It runs the compiled CLI in dist/cli/ (built by `npm ci` through the
// `prepare` script, infra/cli/build.ts) when that build matches the sources, else the
// TypeScript sources through tsx:
// - build-info.json lists every source file the build was made from with its size and
//   modification time; one that differs (edited, checked out, deleted) means the build is stale,
//   and a stale build never runs: the sources do, as in development (`npm run build:cli` makes
//   the CLI fast again). Checking costs a few hundred `stat`s (≈ 2 ms).
// - Importing `tsx` registers both its require hook and its ESM loader (the dispatcher loads each
//   command with `import()`), exactly as `node --import tsx` would.
//
// The AWS SDK prints a screenful of English (NodeVersionSupportWarning) in every process that
// builds a client on Node < 22. Its own switch turns off that one warning, nothing else; the CLI
// says it once, in Vietnamese, in the `npm start` banner and `--help` (infra/cli/node-version.ts).
// An operator who sets the variable keeps their value.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.join(__dirname, '..');

/** The compiled entry when dist/cli was built from exactly the sources on disk, else undefined. */
function freshBuild() {
  const dist = path.join(ROOT, 'dist', 'cli');
  let info;
  try {
    info = JSON.parse(fs.readFileSync(path.join(dist, 'build-info.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (info.version !== 1 || typeof info.entry !== 'string' || !info.sources) return undefined;
  for (const [rel, [size, mtimeMs]] of Object.entries(info.sources)) {
    const stat = fs.statSync(path.join(ROOT, rel), { throwIfNoEntry: false });
    if (!stat || stat.size !== size || stat.mtimeMs !== mtimeMs) return undefined;
  }
  return path.join(dist, info.entry);
}

const built = freshBuild();
const load = built
  ? () => import(pathToFileURL(built).href)
  : () => import('tsx').then(() => require('../infra/cli/main.ts'));
load()
  .then((cli) => cli.main(process.argv.slice(2)))
  .then(
    (code) => { process.exitCode = code; },
    (err) => { console.error(err && err.stack ? err.stack : err); process.exitCode = 2; },
  );
