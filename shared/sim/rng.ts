// Seeded pseudo-random numbers for reproducible workloads and tests.
// Source of truth: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
// seeded through splitmix32 so that any 32-bit seed gives a well-mixed state.

/** A deterministic random stream: the same seed always yields the same numbers. */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1). */
  nextFloat(): number;
  /** Uniform integer in [minIncl, maxExcl). */
  nextInt(minIncl: number, maxExcl: number): number;
}

/** Creates an xoshiro128** stream from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let x = seed >>> 0;
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    nextFloat: () => nextUint32() / 4294967296,
    nextInt: (minIncl, maxExcl) => minIncl + Math.floor((nextUint32() / 4294967296) * (maxExcl - minIncl)),
  };
}

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}
