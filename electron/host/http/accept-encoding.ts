// Whether a request's Accept-Encoding lets us answer with gzip, as RFC 9110 §12.5.3 reads it:
// codings with optional weights ("gzip;q=0.5"), q=0 meaning "not acceptable", "*" for any coding
// not listed, and identity acceptable unless excluded. https://www.rfc-editor.org/rfc/rfc9110#section-12.5.3

/** A weight: 0 to 1 with at most three decimals (RFC 9110 §12.4.2). */
const QVALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;

/** The weight of each coding named in an Accept-Encoding value (lowercased; x-gzip is gzip). Malformed members are skipped. */
function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const member of header.split(',')) {
    const [name = '', ...params] = member.split(';').map((p) => p.trim().toLowerCase());
    if (name === '') continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      const m = /^q\s*=\s*(\S*)$/.exec(param);
      if (m === null) continue; // codings take no other parameters: ignore them
      valid = QVALUE.test(m[1] ?? '');
      q = Number(m[1]);
    }
    if (valid) weights.set(name === 'x-gzip' ? 'gzip' : name, q); // RFC 9110 §8.4.1.3: x-gzip is gzip
  }
  return weights;
}

/**
 * True when the response should be gzip: gzip (or "*") is acceptable with a weight above 0 and at
 * least that of identity when identity is weighed (by name or by "*"). No header means identity.
 */
export function prefersGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  const weights = parseAcceptEncoding(header);
  const gzipQ = weights.get('gzip') ?? weights.get('*') ?? 0;
  // Unweighed identity is acceptable but not preferred; "*;q=0" without an identity entry excludes it too.
  const identityQ = weights.get('identity') ?? weights.get('*');
  return gzipQ > 0 && (identityQ === undefined || gzipQ >= identityQ);
}
