// The electron-builder config (package.json `build`): Electron fuses at their hardened values, the app
// packed into app.asar, and everything the Electron main loads reachable inside that asar. Electron's
// binary and electron-builder cannot run here, so the config is checked against the built dist/.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

interface BuildConfig {
  asar?: unknown;
  asarUnpack?: string[];
  files: string[];
  electronFuses?: Record<string, unknown>;
}
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; build: BuildConfig; scripts: Record<string, string> };

/**
 * Fuse → required value (https://www.electronjs.org/docs/latest/tutorial/fuses; electron-builder's
 * FuseOptionsV1 names). Every V1 fuse is listed so none is left at Electron's default by omission.
 */
const REQUIRED_FUSES: Record<string, boolean> = {
  runAsNode: false, // ELECTRON_RUN_AS_NODE would turn the app binary into a plain node
  enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS=--require evil.js
  enableNodeCliInspectArguments: false, // --inspect: a debugger on the main process
  enableCookieEncryption: true,
  enableEmbeddedAsarIntegrityValidation: true, // checked on macOS and Windows; Electron skips it on Linux
  onlyLoadAppFromAsar: true, // no app/ folder or default_app beside resources/app.asar
  loadBrowserProcessSpecificV8Snapshot: false, // Electron's default
  grantFileProtocolExtraPrivileges: false, // file:// is a plain browser file:// (the app uses app://)
};

test('electron-builder flips every fuse to its hardened value', () => {
  assert.deepEqual(pkg.build.electronFuses, REQUIRED_FUSES);
});

test('the app is packed into app.asar: asar on, nothing unpacked, no other builder config overriding package.json', () => {
  assert.equal(pkg.build.asar, true);
  assert.deepEqual(pkg.build.asarUnpack ?? [], []);
  for (const script of Object.values(pkg.scripts)) assert.doesNotMatch(script, /asar=false|--no-asar/, script);
  for (const name of ['electron-builder.yml', 'electron-builder.yaml', 'electron-builder.json', 'electron-builder.json5', 'electron-builder.toml', 'electron-builder.config.js']) {
    assert.ok(!existsSync(join(REPO_ROOT, name)), `${name} would replace package.json's build field`);
  }
});

/** Glob wildcards and what they match. */
const GLOB_TOKENS: Record<string, string> = { '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' };

/** minimatch-style glob → RegExp over repo-relative paths (`**` any depth, `*` and `?` within one segment). */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => GLOB_TOKENS[part] ?? part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
    .join('');
  return new RegExp(`^${body}$`);
}

/** True when electron-builder's `files` patterns put path (repo-relative) into the asar: the last matching pattern wins. */
function isPackaged(path: string): boolean {
  let packaged = false;
  for (const pattern of pkg.build.files) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(path)) packaged = !negated;
  }
  return packaged;
}

test('the files patterns mean what this test reads them as', () => {
  assert.ok(isPackaged('dist/electron/main.js'));
  assert.ok(isPackaged('package.json'));
  assert.ok(!isPackaged('dist/electron/main.js.map'));
  assert.ok(!isPackaged('dist/tests/electron/packaging.test.js'));
  assert.ok(!isPackaged('electron/main.ts'));
  assert.ok(!isPackaged('node_modules/electron/index.js'));
});

/** Every file under dir, recursively. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The compiled modules main.js loads (relative static imports, transitively), as absolute paths. */
function mainModuleGraph(entry: string): string[] {
  const seen = new Set<string>([entry]);
  for (const file of seen) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?from\s*'(\.{1,2}\/[^']+)'/gm)) {
      seen.add(resolve(dirname(file), m[1] ?? ''));
    }
  }
  return [...seen];
}

test("inside app.asar the main finds its modules, preload and renderer: paths are relative to main.js and all packaged", () => {
  const mainJs = join(REPO_ROOT, pkg.main);
  assert.ok(existsSync(mainJs), `${pkg.main} built`);
  const modules = mainModuleGraph(mainJs);
  assert.ok(modules.length > 10, `${modules.length} modules reached from main.js`);
  // main.ts locates its files from import.meta.url, which inside the package is
  // file://…/resources/app.asar/dist/electron/main.js: the asar keeps the repo layout, so relative paths hold.
  const mainTs = readFileSync(join(REPO_ROOT, 'electron/main.ts'), 'utf8');
  const located = [...mainTs.matchAll(/new URL\('([^']+)', import\.meta\.url\)/g)].map((m) => resolve(dirname(mainJs), m[1] ?? ''));
  assert.equal(located.length, 2, 'the renderer folder and the preload');
  assert.doesNotMatch(mainTs, /process\.cwd\(\)|__dirname|resourcesPath/, 'no path that differs between a checkout and the asar');
  const needed = [...modules, ...located].flatMap((p) => (statSync(p).isDirectory() ? listFiles(p).filter((f) => !f.endsWith('.map')) : [p]));
  for (const file of needed) assert.ok(isPackaged(relative(REPO_ROOT, file)), `${relative(REPO_ROOT, file)} is in build.files`);
  assert.ok(needed.some((f) => f.endsWith('dist/renderer/index.html')));
  assert.ok(needed.some((f) => f.endsWith('dist/electron-preload/preload.cjs')));
});
