// The desktop window's URL decisions (navigation, redirect, new window, shell.openExternal) against
// hostile URLs, and the openExternal allowlist against the links the renderer really has.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  decideNavigation,
  decideRedirect,
  decideWindowOpen,
  describeBlockedUrl,
  EXTERNAL_LINK_ORIGINS,
  isAllowedExternalUrl,
  isAppPageUrl,
  isAppUrl,
} from '../../electron/url-policy.js';
import { REPO_ROOT } from '../helpers/paths.js';

/** URLs no frame may load and the OS must never be handed: other schemes, other origins, look-alikes. */
const HOSTILE = [
  'javascript:alert(1)',
  'JavaScript:alert(1)//app://memscope/index.html',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  'file:///home/user/.ssh/id_rsa',
  'blob:app://memscope/6f1c',
  'http://127.0.0.1:7878/?token=x',
  'https://evil.example/',
  'app://memscope.evil/index.html',
  'app://evil/index.html',
  'app://docs@memscope/index.html',
  'app://memscope:80/index.html',
  'app://memscope\\evil/index.html',
  'app:memscope/index.html',
  'app:///memscope/index.html',
  'smb://evil.example/share',
  'ms-msdt:/id PCWDiagnostic',
  'vscode://file/etc/passwd',
  'mailto:x@evil.example',
  '',
  'not a url',
];

/** A documentation origin standing in for a real allowlist entry (the app's own list is empty). */
const DOCS = ['https://docs.kernel.org'];

describe('isAppUrl / isAppPageUrl', () => {
  test('the app page with any route or query is the app page', () => {
    for (const url of ['app://memscope/index.html', 'app://memscope/index.html#/process/1', 'app://memscope/index.html?x=1#/lab/malloc']) {
      assert.ok(isAppPageUrl(url), url);
      assert.ok(isAppUrl(url), url);
    }
  });

  test('other files of the app are the app (IPC senders) but not a page to navigate to', () => {
    for (const url of ['app://memscope/', 'app://memscope/assets/index.js', 'app://memscope/index.html.evil', 'app://memscope/../../etc/passwd']) {
      assert.ok(isAppUrl(url), url);
      assert.ok(!isAppPageUrl(url), url);
    }
  });

  test('hostile URLs are neither', () => {
    for (const url of HOSTILE) {
      assert.ok(!isAppUrl(url), url);
      assert.ok(!isAppPageUrl(url), url);
    }
  });
});

describe('isAllowedExternalUrl', () => {
  test('exactly an allowed https origin, any path', () => {
    assert.ok(isAllowedExternalUrl('https://docs.kernel.org/filesystems/proc.html', DOCS));
    assert.ok(isAllowedExternalUrl('https://DOCS.kernel.org:443/admin-guide/mm/', DOCS), 'the parser lower-cases the host and drops the default port');
  });

  test('look-alikes, userinfo tricks and other schemes are refused', () => {
    for (const url of [
      'https://docs.kernel.org@evil.example/',
      'https://docs.kernel.org:pw@evil.example/',
      'https://user@docs.kernel.org/',
      'https://docs.kernel.org.evil.example/',
      'https://evil.example/docs.kernel.org',
      'https://evil.example\\@docs.kernel.org/',
      'https://docs.kernel.org%2f@evil.example/',
      'https://docs.kernel.org:8443/',
      'http://docs.kernel.org/',
      'https://dоcs.kernel.org/', // Cyrillic о: punycode, another host
      ...HOSTILE,
    ]) {
      assert.ok(!isAllowedExternalUrl(url, DOCS), url);
    }
  });

  test("the app's own list refuses everything", () => {
    for (const url of ['https://docs.kernel.org/', 'https://www.electronjs.org/', ...HOSTILE]) assert.ok(!isAllowedExternalUrl(url), url);
  });
});

describe('decisions', () => {
  test('navigation stays on the app page; an allowed link goes to the browser; the rest is denied', () => {
    assert.equal(decideNavigation('app://memscope/index.html#/'), 'allow');
    assert.equal(decideNavigation('https://docs.kernel.org/x', DOCS), 'open-externally');
    assert.equal(decideNavigation('https://docs.kernel.org/x'), 'deny');
    assert.equal(decideNavigation('app://memscope/assets/index.js'), 'deny');
    for (const url of HOSTILE) assert.equal(decideNavigation(url, DOCS), 'deny', url);
  });

  test('a redirect may only land on the app page, never in the browser', () => {
    assert.equal(decideRedirect('app://memscope/index.html'), 'allow');
    assert.equal(decideRedirect('https://docs.kernel.org/x'), 'deny');
    for (const url of HOSTILE) assert.equal(decideRedirect(url), 'deny', url);
  });

  test('window.open never opens a window: the app page is denied too, an allowed link goes to the browser', () => {
    assert.equal(decideWindowOpen('app://memscope/index.html'), 'deny');
    assert.equal(decideWindowOpen('https://docs.kernel.org/x', DOCS), 'open-externally');
    assert.equal(decideWindowOpen('https://evil.example/'), 'deny', 'any https link used to reach shell.openExternal');
    for (const url of HOSTILE) assert.equal(decideWindowOpen(url, DOCS), 'deny', url);
  });
});

test('a blocked URL is logged on one line, cut short', () => {
  const line = describeBlockedUrl('navigation', `data:text/html,${'a'.repeat(5000)}\n<script>`);
  assert.doesNotMatch(line, /\n/);
  assert.ok(line.length < 300, `${line.length} chars`);
  assert.match(line, /^memscope: blocked navigation to "data:text\/html,a+…"$/);
});

/** Every file under dir, recursively. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

test('the openExternal allowlist is exactly the https origins the renderer links to', () => {
  const linked = new Set<string>();
  for (const file of listFiles(join(REPO_ROOT, 'renderer')).filter((f) => /\.(tsx?|html)$/.test(f))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/["'`](https:\/\/[^"'`\s]+)/g)) linked.add(new URL(m[1] ?? '').origin);
  }
  assert.deepEqual([...linked].sort(), [...EXTERNAL_LINK_ORIGINS].sort());
});
