// Seeded gradient noise, identical to optim_ref/noise.py (which says why it is built this way).
// Philox2x32-10 (Salmon et al. 2011, Random123) maps a counter (step, 2 * pair + j) and a key
// (the seed) to two 32-bit words; two words make one uniform double with 53 random bits, two
// uniforms make one Box-Muller pair: the noise of coordinates 2 * pair and 2 * pair + 1 at
// that step. Every operation is exact 32-bit integer arithmetic or one exactly rounded double
// operation, so the uniforms are bit-identical to numpy's; only Math.log, cos and sin may
// differ from the C library by an ulp.

const M = 0xd256d193, M_LO = M & 0xffff, M_HI = M >>> 16, BUMP = 0x9e3779b9;
const TWO_PI = 2.0 * Math.PI;
const MAX_UINT32 = 4294967295;

// The high 32 bits of M * a (a an unsigned 32-bit integer), from 16-bit halves: JavaScript's
// doubles hold 53 bits, not the 64 of the full product.
function mulhiM(a) {
  const a0 = a & 0xffff, a1 = a >>> 16;
  const mid = a1 * M_LO + ((a0 * M_LO) >>> 16);
  const mid2 = a0 * M_HI + (mid & 0xffff);
  return (a1 * M_HI + Math.floor(mid / 65536) + Math.floor(mid2 / 65536)) >>> 0;
}

// Philox2x32 with 10 rounds: [c0, c1] under key -> two words, written into out[0], out[1].
export function philox2x32(c0, c1, key, out) {
  let l = c0 >>> 0, r = c1 >>> 0, k = key >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) k = (k + BUMP) >>> 0;
    const hi = mulhiM(l), lo = Math.imul(M, l) >>> 0;
    l = (hi ^ k ^ r) >>> 0;
    r = lo;
  }
  out[0] = l;
  out[1] = r;
}

// Two words to a double in [0, 1) with 53 random bits (MT19937's genrand_res53): exact.
export const uniform53 = (a, b) => ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;

export function checkSeed(seed) {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_UINT32) {
    throw new RangeError(`Invalid seed: ${seed} (seed must be an integer in [0, ${MAX_UINT32}])`);
  }
  return seed;
}

const words = new Uint32Array(2);
const uniforms = new Float64Array(2);

// The standard normal pair (xi_{2 pair}, xi_{2 pair + 1}) at `step` under `seed`, into out.
export function gaussianPair(seed, step, pair, out, offset = 0) {
  for (let j = 0; j < 2; j++) {
    philox2x32(step, 2 * pair + j, seed, words);
    uniforms[j] = uniform53(words[0], words[1]);
  }
  const radius = Math.sqrt(-2.0 * Math.log(1.0 - uniforms[0]));  // 1 - u is in (0, 1], exact
  const angle = TWO_PI * uniforms[1];
  out[offset] = radius * Math.cos(angle);
  out[offset + 1] = radius * Math.sin(angle);
}

// The noise of a 2-D run: xi[2 (t - 1) + c] for steps t = 1..steps, coordinates c = 0, 1.
// Computed once and shared by every optimizer on screen (same seed, same noise).
export function gaussians(seed, steps, out = new Float64Array(2 * steps)) {
  checkSeed(seed);
  for (let t = 1; t <= steps; t++) gaussianPair(seed, t, 0, out, 2 * (t - 1));
  return out;
}
