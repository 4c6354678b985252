/**
 * The compiled CLI (issue 16, "CLI start"): `npm ci` builds dist/cli/ (the `prepare` script,
 * infra/cli/build.ts), bin/tonghop.cjs runs that build while it matches the sources and the
 * TypeScript sources otherwise, and a command that needs no storage loads no AWS SDK.
 * Each run records the modules the process loaded (test/support/loaded-modules.cjs).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const HOOK = join(ROOT, 'test', 'support', 'loaded-modules.cjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Absolute paths of every module the process loaded. */
  loaded: string[];
}

function runBin(root: string, args: string[], dataDir: string): Run {
  const log = join(scratch, `loaded-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  const run = spawnSync(process.execPath, ['--require', HOOK, join(root, 'bin', 'tonghop.cjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TONGHOP_DATA_DIR: dataDir, TONGHOP_LOADED_MODULES_LOG: log },
  });
  const loaded = existsSync(log) ? [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))] : [];
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, loaded };
}

/** The AWS SDK was loaded: from node_modules, or a compiled chunk that bundles it (dist/cli/packages.json, from esbuild's metafile). */
function loadedAwsSdk(loaded: string[]): string[] {
  const packages = JSON.parse(readFileSync(join(ROOT, 'dist', 'cli', 'packages.json'), 'utf8')) as Record<string, string[]>;
  const dist = join(ROOT, 'dist', 'cli') + '/';
  return loaded.filter((p) => p.includes('node_modules/@aws-sdk/') || (p.startsWith(dist) && (packages[p.slice(dist.length)] ?? []).some((name) => name.startsWith('@aws-sdk/'))));
}

/** The build's record matches the sources on disk (what bin/tonghop.cjs checks). */
function staleSources(root: string): string[] {
  const info = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'build-info.json'), 'utf8')) as { sources: Record<string, [number, number]> };
  return Object.entries(info.sources)
    .filter(([rel, [size, mtimeMs]]) => {
      const stat = statSync(join(root, rel), { throwIfNoEntry: false });
      return !stat || stat.size !== size || stat.mtimeMs !== mtimeMs;
    })
    .map(([rel]) => rel);
}

let scratch: string;
/** A data dir that exists (empty: commands that read storage start the emulators on it). */
let dataDir: string;
/** No data dir yet (a fresh install before `npm start`): `forms check` needs no storage then. */
let noDataDir: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tonghop-cli-build-'));
  dataDir = join(scratch, 'data');
  mkdirSync(dataDir);
  noDataDir = join(scratch, 'not-yet');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the compiled CLI', () => {
  test('the install built dist/cli from the current sources, and the bin runs it instead of tsx', () => {
    expect(existsSync(join(ROOT, 'dist', 'cli', 'build-info.json'))).toBe(true); // npm ci runs `prepare`; by hand: npm run build:cli
    expect(staleSources(ROOT)).toEqual([]); // sources edited since the build: npm run build:cli
    const run = runBin(ROOT, ['--help'], dataDir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Cách dùng: npx tonghop <lệnh>');
    expect(run.loaded).toContain(join(ROOT, 'dist', 'cli', 'main.mjs'));
    expect(run.loaded.filter((p) => p.endsWith('.ts') || p.includes('node_modules/tsx/'))).toEqual([]);
  });

  test('help, forms check and a command’s --help load no AWS SDK; a command that reads storage does', () => {
    for (const args of [['--help'], ['forms', 'check', join(ROOT, 'templates', 'bien-che-thang.v1.json')], ['validate', '--help'], ['template', '--help']]) {
      const run = runBin(ROOT, args, noDataDir);
      expect({ args, code: run.code }).toEqual({ args, code: 0 });
      expect({ args, sdk: loadedAwsSdk(run.loaded) }).toEqual({ args, sdk: [] });
    }
    // The check can see the SDK: `units list` on an empty data dir builds DynamoDB clients.
    const units = runBin(ROOT, ['units', 'list'], dataDir);
    expect(loadedAwsSdk(units.loaded).length).toBeGreaterThan(0);
  });
});

describe('a stale build never runs', () => {
  let copy: string;
  beforeAll(() => {
    // A copy of the repository, with its build, to edit a source in.
    copy = mkdtempSync(join(tmpdir(), 'tonghop-cli-copy-'));
    for (const entry of ['bin', 'infra', 'functions', 'templates', 'dist', 'package.json', 'tsconfig.json']) {
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    // The copy's build record names the copy's files (a copy does not keep sub-millisecond times).
    const infoFile = join(copy, 'dist', 'cli', 'build-info.json');
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as { sources: Record<string, [number, number]> };
    for (const rel of Object.keys(info.sources)) {
      const stat = statSync(join(copy, rel));
      info.sources[rel] = [stat.size, stat.mtimeMs];
    }
    writeFileSync(infoFile, JSON.stringify(info));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  test('after a source edit the bin runs the edited sources, not the old build', () => {
    const before = runBin(copy, ['--help'], dataDir);
    expect(before.loaded).toContain(join(copy, 'dist', 'cli', 'main.mjs'));

    const main = join(copy, 'infra', 'cli', 'main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace("'Cách dùng: npx tonghop", "'Cách dùng (bản đang sửa): npx tonghop"));
    const after = runBin(copy, ['--help'], dataDir);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('Cách dùng (bản đang sửa): npx tonghop <lệnh>');
    expect(after.loaded).not.toContain(join(copy, 'dist', 'cli', 'main.mjs'));
    expect(after.loaded).toContain(main);
  });
});
