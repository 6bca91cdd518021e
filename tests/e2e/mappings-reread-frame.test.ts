// The process page's polled mappings re-read renders with the next tick (issue 13), in Chromium against a real
// `memscope serve -d 1`: its answer is held until a tick comes and both are one React commit (one frame), not two;
// the "smaps read at" label still says when the read answered. It is sent just after a tick (serve -d 2), so its
// answer comes in that tick's second, not in the second of the tick that renders it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, startServe, waitUntilInPage, type ServeProcess } from '../helpers/browser.js';
import { oracleMissing } from '../helpers/oracles.js';
import { startSubject, type Subject } from '../helpers/subject.js';

const skipReason = oracleMissing('chromium');

/**
 * Records, in the page and in order: each tick the event stream brings ('tick'), each React commit ('commit', heard
 * through the hook React DevTools use, which production React calls too), each text the toolbar's "read at"
 * label shows (a MutationObserver: its callback runs after the commit that wrote the text) and each mappings read
 * sent ('send', getMappingsIfChanged through fetch).
 */
const RECORD_PAGE = `(() => {
  const log = (window.__log = []);
  const nativeFetch = window.fetch;
  window.fetch = function (url, init) {
    if (String(url).endsWith('/api/getMappingsIfChanged')) log.push({ what: 'send', at: Date.now() });
    return nativeFetch.call(this, url, init);
  };
  const Native = window.EventSource;
  window.EventSource = function (url) {
    const source = new Native(url);
    source.addEventListener('tick', () => log.push({ what: 'tick', at: Date.now() }));
    return source;
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    onCommitFiberRoot: () => log.push({ what: 'commit' }),
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    checkDCE: () => undefined,
  };
  const watch = () => {
    const el = document.querySelector('[data-testid="mappings-read-at"]');
    if (el === null) return void setTimeout(watch, 20);
    new MutationObserver(() => log.push({ what: 'label', text: el.textContent, at: Date.now() })).observe(el, { childList: true, characterData: true, subtree: true });
  };
  watch();
})()`;

interface Entry {
  what: 'tick' | 'commit' | 'label' | 'send';
  text?: string;
  at?: number;
}

describe('the process page\'s mappings re-read', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: Subject;
  let browser: Browser;

  before(async () => {
    subject = await startSubject(16, 1);
    serve = await startServe(['-d', '1']);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test('a polled re-read renders in the commit of the next tick, not in one of its own, and its label tells when it was read', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    t.after(() => page.close());
    await page.addInitScript({ content: RECORD_PAGE });
    await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
    const labelCount = `window.__log.filter((e) => e.what === 'label' && e.text.startsWith('smaps read at')).length`;
    // The first read's label, then two polled re-reads (every 5 s, MAPPINGS_POLL_MS; the clock has whole seconds).
    await waitUntilInPage(page, `${labelCount} >= 1`);
    const from = await page.evaluate<number>('window.__log.length');
    await waitUntilInPage(page, `window.__log.slice(${from}).filter((e) => e.what === 'label').length >= 2`, 20_000);
    const log = (await page.evaluate<Entry[]>('window.__log')).slice(from);
    const kinds = log.map((e) => e.what);
    for (const [i, entry] of log.entries()) {
      if (entry.what !== 'label') continue;
      // What came before the label's commit, back to the commit before it: a tick, or nothing (a commit of its own).
      const commitAt = kinds.lastIndexOf('commit', i);
      const between = kinds.slice(kinds.lastIndexOf('commit', commitAt - 1) + 1, commitAt);
      assert.ok(commitAt > 0 && between.includes('tick'), `"${entry.text}" was committed without a tick: ${JSON.stringify(kinds)}`);
      // Truthful: the time shown is at most the time the label showed it (whole seconds), not the tick's.
      const shown = /(\d\d):(\d\d):(\d\d)$/.exec(entry.text ?? '');
      assert.ok(shown !== null, `label "${entry.text}"`);
      const at = new Date(entry.at ?? 0);
      const shownSec = Number(shown[1]) * 3600 + Number(shown[2]) * 60 + Number(shown[3]);
      const atSec = at.getHours() * 3600 + at.getMinutes() * 60 + at.getSeconds();
      assert.ok(atSec - shownSec >= 0 && atSec - shownSec <= 2, `label "${entry.text}" shown at ${at.toTimeString()}`);
    }
  });
});

/** Ticks 2 s apart: re-reads every 5 s then fall at two phases of the tick period, 1 s apart, unless sent after a tick. */
const TICK_S = 2;
/** When a polled re-read may be sent after the tick before it, ms (use-mappings.ts sends it 100 ms after). */
const SEND_AFTER_TICK_WINDOW_MS = [50, 700] as const;

describe('the process page\'s polled mappings re-read, ticks 2 s apart', { skip: skipReason }, () => {
  let serve: ServeProcess;
  let subject: Subject;
  let browser: Browser;

  before(async () => {
    subject = await startSubject(16, 1);
    serve = await startServe(['-d', String(TICK_S)]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await serve?.stop();
    await subject?.kill();
  });

  test('is sent just after a tick, at every re-read', async (t) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    t.after(() => page.close());
    await page.addInitScript({ content: RECORD_PAGE });
    await page.goto(`${serve.url.split('#')[0]}#/process/${subject.pid}`);
    // The first read (sent at once, not polled) answered: the polled ones come after it, every 5 s.
    await waitUntilInPage(page, `window.__log.some((e) => e.what === 'label')`);
    const from = await page.evaluate<number>('window.__log.length');
    // Two re-reads 5 s apart: with ticks 2 s apart, sent at fixed instants they would follow the tick before them by
    // delays 1 s apart (modulo 2 s), never both within the window.
    await waitUntilInPage(page, `window.__log.slice(${from}).filter((e) => e.what === 'send').length >= 2`, 25_000);
    const log = (await page.evaluate<Entry[]>('window.__log')).slice(from);
    const ticks = log.filter((e) => e.what === 'tick').map((e) => e.at ?? 0);
    for (const send of log.filter((e) => e.what === 'send').slice(0, 2)) {
      const tickAt = Math.max(...ticks.filter((at) => at <= (send.at ?? 0)));
      const afterMs = (send.at ?? 0) - tickAt;
      assert.ok(afterMs >= SEND_AFTER_TICK_WINDOW_MS[0] && afterMs <= SEND_AFTER_TICK_WINDOW_MS[1], `a re-read sent ${afterMs} ms after the tick before it: ${JSON.stringify(log)}`);
    }
  });
});
