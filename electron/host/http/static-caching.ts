// How long a browser may keep each of the app's files (issue 13: a reload compiled the whole bundle again). vite
// names what it emits under assets/ after its content (NAME-HASH.ext, HASH 8 URL-safe characters; the .map beside
// it too): a new build brings new names, so such a file never changes, is kept a year without asking again, and
// Chromium keeps V8's code cache beside it. Every other file is never stored: index.html is answered for every route
// and fetched with ?token=, and a file not named by its content could change under the same name with a new build.

/** The answer for a content-hashed asset: fresh a year, never revalidated (RFC 8246). */
export const IMMUTABLE_CACHING = 'public, max-age=31536000, immutable';

/** The answer for anything else. */
export const UNCACHED = 'no-store';

/** A file vite named after its content, as a path relative to the renderer's root (forward slashes). */
const HASHED_ASSET = /^assets\/[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+(?:\.map)?$/;

/** The cache-control of the file served at relPath, relative to the renderer's root (the file really served). */
export function cacheControlOf(relPath: string): string {
  return HASHED_ASSET.test(relPath.replaceAll('\\', '/')) ? IMMUTABLE_CACHING : UNCACHED;
}
