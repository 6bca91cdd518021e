// Which glibc a process runs, from the banner its libc carries in .rodata ("GNU C Library (Debian GLIBC 2.36-9)
// stable release version 2.36."), read out of the process's own libc mappings. Source: glibc csu/version.c.

const BANNER = 'GNU C Library';
const VERSION = /release version (\d+\.\d+)/;
/** The one glibc whose allocator layout memscope knows (layout.ts). */
export const SUPPORTED_GLIBC = '2.36';

/** The glibc version in `bytes` ("2.36"), or null when there is no GNU C Library banner. */
export function findGlibcVersion(bytes: Uint8Array): string | null {
  const needle = Array.from(BANNER, (c) => c.charCodeAt(0));
  outer: for (let i = bytes.indexOf(needle[0] ?? 0); i >= 0 && i + needle.length <= bytes.length; i = bytes.indexOf(needle[0] ?? 0, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (bytes[i + k] !== needle[k]) continue outer;
    let end = i;
    while (end < bytes.length && end - i < 200 && bytes[end] !== 0) end++;
    const banner = String.fromCharCode(...bytes.subarray(i, end));
    const m = VERSION.exec(banner);
    if (m !== null) return m[1] ?? null;
  }
  return null;
}
