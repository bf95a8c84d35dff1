// The fast engine's WebAssembly SIMD kernels, in AssemblyScript (built by `deno task build:wasm`
// into kernels.wasm; tests/engine.test.ts checks that rebuilding reproduces it byte for byte).
//
// The kernels allocate nothing: every pointer names a region of the shared memory that
// lib/fast/layout.ts lays out. Parameters and gradients are float32 blocks laid out as
//   W_hT (784 × hp) | b_h (hp) | W_o (10 × hp) | b_o (16)
// where hp is the hidden size padded to a multiple of 4 with zero columns, so a row of W_hT
// (the hidden weights of one pixel) is a whole number of f32x4 vectors.
//
// Products and sums are separate f32x4.mul and f32x4.add, never relaxed multiply-add: a fused
// multiply-add rounds once instead of twice, so results (and the notebooks' printed outputs)
// would depend on whether the CPU has FMA. Measured cost of the choice: ~2 % of an iteration.
//
// A sample is the list of its non-zero pixels (lib/fast/sparse.ts). Pixels are bytes,
// x = byte/255: the 1/255 is applied to Z_h after the sum, and to dW_h by the caller.

const INPUTS: i32 = 784;
const OUTPUTS: i32 = 10;
const INV_255: f32 = 1.0 / 255.0;
// −ln(Number.MIN_VALUE): the loss of a probability floored like lib/loss.ts does.
const LOSS_CAP: f64 = 744.4400719213812;

// Scratch layout per thread (bytes from `scratch`): Z_h (hp) | dA_h (hp) | A_h (hp) | Z_o (16)
// | then, for predict, the sample's entries (up to 784 × 4 bytes).

// ---- Z_h = W_hT[pixels]ᵀ · values, and dW_hT[pixels] += dZ_h ⊗ values.
// A sample's entries are u32 words offset << 8 | byte (offset: of its pixel's row), 4 bytes
// each; the byte becomes an f32 exactly, so the sums are those of float32 pixel values. (The
// scalar conversion measured faster than a vector one, which competes for the mul/add ports,
// and faster than a u16 row index times the row length.)
// N ≤ 4 vectors (16 hidden units) at a time, kept in registers; `@inline` with a constant N
// lets the optimiser drop the unused lanes.

/** The byte offset of the row named by entry word w. */
@inline function rowOf(w: u32): usize {
  return <usize>(w >> 8);
}

/** Entry word w's pixel byte as an f32 in every lane (exact: bytes are small integers). */
@inline function valueOf(w: u32): v128 {
  return f32x4.splat(<f32>(w & 0xff));
}

@inline function gatherN(W: usize, e: usize, n: i32, out: usize, N: i32, ADD: bool): void {
  // Four entries per step into four independent sums (two when N = 4, for want of registers).
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0), d2 = f32x4.splat(0);
  const end = e + (<usize>n << 2);
  const end4 = e + (<usize>(n & ~3) << 2);
  for (; e < end4; e += 16) {
    const e0 = load<u32>(e), e1 = load<u32>(e, 4), e2 = load<u32>(e, 8), e3 = load<u32>(e, 12);
    const r = W + rowOf(e0), x = valueOf(e0);
    const q = W + rowOf(e1), y = valueOf(e1);
    const t = W + rowOf(e2), z = valueOf(e2);
    const u = W + rowOf(e3), w = valueOf(e3);
    a0 = f32x4.add(f32x4.mul(v128.load(r), x), a0);
    b0 = f32x4.add(f32x4.mul(v128.load(q), y), b0);
    if (N > 3) {
      a0 = f32x4.add(f32x4.mul(v128.load(t), z), a0);
      b0 = f32x4.add(f32x4.mul(v128.load(u), w), b0);
    } else {
      c0 = f32x4.add(f32x4.mul(v128.load(t), z), c0);
      d0 = f32x4.add(f32x4.mul(v128.load(u), w), d0);
    }
    if (N > 1) {
      a1 = f32x4.add(f32x4.mul(v128.load(r, 16), x), a1);
      b1 = f32x4.add(f32x4.mul(v128.load(q, 16), y), b1);
      if (N > 3) {
        a1 = f32x4.add(f32x4.mul(v128.load(t, 16), z), a1);
        b1 = f32x4.add(f32x4.mul(v128.load(u, 16), w), b1);
      } else {
        c1 = f32x4.add(f32x4.mul(v128.load(t, 16), z), c1);
        d1 = f32x4.add(f32x4.mul(v128.load(u, 16), w), d1);
      }
    }
    if (N > 2) {
      a2 = f32x4.add(f32x4.mul(v128.load(r, 32), x), a2);
      b2 = f32x4.add(f32x4.mul(v128.load(q, 32), y), b2);
      if (N > 3) {
        a2 = f32x4.add(f32x4.mul(v128.load(t, 32), z), a2);
        b2 = f32x4.add(f32x4.mul(v128.load(u, 32), w), b2);
      } else {
        c2 = f32x4.add(f32x4.mul(v128.load(t, 32), z), c2);
        d2 = f32x4.add(f32x4.mul(v128.load(u, 32), w), d2);
      }
    }
    if (N > 3) {
      a3 = f32x4.add(f32x4.mul(v128.load(r, 48), x), a3);
      b3 = f32x4.add(f32x4.mul(v128.load(q, 48), y), b3);
      a3 = f32x4.add(f32x4.mul(v128.load(t, 48), z), a3);
      b3 = f32x4.add(f32x4.mul(v128.load(u, 48), w), b3);
    }
  }
  for (; e < end; e += 4) {
    const e0 = load<u32>(e);
    const r = W + rowOf(e0), x = valueOf(e0);
    a0 = f32x4.add(f32x4.mul(v128.load(r), x), a0);
    if (N > 1) a1 = f32x4.add(f32x4.mul(v128.load(r, 16), x), a1);
    if (N > 2) a2 = f32x4.add(f32x4.mul(v128.load(r, 32), x), a2);
    if (N > 3) a3 = f32x4.add(f32x4.mul(v128.load(r, 48), x), a3);
  }
  a0 = f32x4.add(f32x4.add(a0, b0), f32x4.add(c0, d0));
  if (N > 1) a1 = f32x4.add(f32x4.add(a1, b1), f32x4.add(c1, d1));
  if (N > 2) a2 = f32x4.add(f32x4.add(a2, b2), f32x4.add(c2, d2));
  if (N > 3) a3 = f32x4.add(a3, b3);
  if (ADD) {
    a0 = f32x4.add(v128.load(out), a0);
    if (N > 1) a1 = f32x4.add(v128.load(out, 16), a1);
    if (N > 2) a2 = f32x4.add(v128.load(out, 32), a2);
    if (N > 3) a3 = f32x4.add(v128.load(out, 48), a3);
  }
  v128.store(out, a0);
  if (N > 1) v128.store(out, a1, 16);
  if (N > 2) v128.store(out, a2, 32);
  if (N > 3) v128.store(out, a3, 48);
}

/** out = Σ rows·values over entries e[0..n) of rows W (hp floats each); out += it when `add`. */
function gather(W: usize, hp: i32, e: usize, n: i32, out: usize, add: bool): void {
  let c: usize = 0;
  const bytes = <usize>hp << 2;
  for (; c + 64 <= bytes; c += 64) gatherN(W + c, e, n, out + c, 4, add);
  const rest = bytes - c;
  if (rest == 48) gatherN(W + c, e, n, out + c, 3, add);
  else if (rest == 32) gatherN(W + c, e, n, out + c, 2, add);
  else if (rest == 16) gatherN(W + c, e, n, out + c, 1, add);
}

@inline function scatterN(dW: usize, e: usize, n: i32, d: usize, N: i32): void {
  const d0 = v128.load(d);
  const d1 = N > 1 ? v128.load(d, 16) : d0;
  const d2 = N > 2 ? v128.load(d, 32) : d0;
  const d3 = N > 3 ? v128.load(d, 48) : d0;
  const end = e + (<usize>n << 2);
  const end2 = e + (<usize>(n & ~1) << 2);
  for (; e < end2; e += 8) {
    const e0 = load<u32>(e), e1 = load<u32>(e, 4);
    const row = dW + rowOf(e0);
    const x = valueOf(e0);
    const qow = dW + rowOf(e1);
    const y = valueOf(e1);
    const r0 = f32x4.add(f32x4.mul(d0, x), v128.load(row));
    const q0 = f32x4.add(f32x4.mul(d0, y), v128.load(qow));
    v128.store(row, r0);
    v128.store(qow, q0);
    if (N > 1) {
      const r1 = f32x4.add(f32x4.mul(d1, x), v128.load(row, 16));
      const q1 = f32x4.add(f32x4.mul(d1, y), v128.load(qow, 16));
      v128.store(row, r1, 16);
      v128.store(qow, q1, 16);
    }
    if (N > 2) {
      const r2 = f32x4.add(f32x4.mul(d2, x), v128.load(row, 32));
      const q2 = f32x4.add(f32x4.mul(d2, y), v128.load(qow, 32));
      v128.store(row, r2, 32);
      v128.store(qow, q2, 32);
    }
    if (N > 3) {
      const r3 = f32x4.add(f32x4.mul(d3, x), v128.load(row, 48));
      const q3 = f32x4.add(f32x4.mul(d3, y), v128.load(qow, 48));
      v128.store(row, r3, 48);
      v128.store(qow, q3, 48);
    }
  }
  if (e < end) {
    const e0 = load<u32>(e);
    const row = dW + rowOf(e0);
    const x = valueOf(e0);
    v128.store(row, f32x4.add(f32x4.mul(d0, x), v128.load(row)));
    if (N > 1) v128.store(row, f32x4.add(f32x4.mul(d1, x), v128.load(row, 16)), 16);
    if (N > 2) v128.store(row, f32x4.add(f32x4.mul(d2, x), v128.load(row, 32)), 32);
    if (N > 3) v128.store(row, f32x4.add(f32x4.mul(d3, x), v128.load(row, 48)), 48);
  }
}

function scatter(dW_hT: usize, hp: i32, e: usize, n: i32, d: usize): void {
  let c: usize = 0;
  const bytes = <usize>hp << 2;
  for (; c + 64 <= bytes; c += 64) scatterN(dW_hT + c, e, n, d + c, 4);
  const rest = bytes - c;
  if (rest == 48) scatterN(dW_hT + c, e, n, d + c, 3);
  else if (rest == 32) scatterN(dW_hT + c, e, n, d + c, 2);
  else if (rest == 16) scatterN(dW_hT + c, e, n, d + c, 1);
}

// ---- the dense part: hidden activation, output layer, softmax

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

@inline function hmax(v: v128): f32 {
  return Mathf.max(
    Mathf.max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
    Mathf.max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)),
  );
}

// Lane masks and indices for the 10 outputs held in 3 vectors.
const TWO_LANES: v128 = i32x4(-1, -1, 0, 0);
const LANES_0: v128 = i32x4(0, 1, 2, 3);
const LANES_4: v128 = i32x4(4, 5, 6, 7);
const LANES_8: v128 = i32x4(8, 9, 10, 11);

/**
 * e^x for 4 lanes, x ≤ 0 here: x = n·ln2 + r, |r| ≤ ln2/2, e^r by Cephes' degree-7
 * polynomial (≈ 1 ulp), 2^n by building the exponent bits. Clamped at −87.3, where e^x
 * would leave the normal floats (it is then ~1e-38 instead of 0: no effect on the sums).
 */
@inline function expf4(x: v128): v128 {
  x = f32x4.max(x, f32x4.splat(-87.33654));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, f32x4.splat(2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** [Σa, Σb, Σc, Σd]: four horizontal sums at once, by a 4 × 4 transpose. */
@inline function sum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/**
 * Z_h = acc/255 + b_h in place, A_h = ReLU(Z_h); then Z_o = W_o·A_h + b_o as 3 vectors
 * (lanes 10, 11: copies of 8, 9). Returns argmax Z_o (the first of equal maxima). `rest` is
 * where the network's b_h (hp) | W_o (10 × hp) | b_o (16) begin.
 */
function outputLayer(rest: usize, hp: i32, Z_h: usize, A_h: usize, Z_o: usize): i32 {
  const b_h = rest;
  const W_o = b_h + (<usize>hp << 2);
  const b_o = W_o + (<usize>(OUTPUTS * hp) << 2);
  const inv = f32x4.splat(INV_255), zero = f32x4.splat(0);
  const bytes = <usize>hp << 2;
  // the ten dot products in ten vector sums, W_o read row by row 4 units at a time
  let s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero;
  let s5 = zero, s6 = zero, s7 = zero, s8 = zero, s9 = zero;
  for (let i: usize = 0; i < bytes; i += 16) {
    const z = f32x4.add(f32x4.mul(v128.load(Z_h + i), inv), v128.load(b_h + i));
    v128.store(Z_h + i, z);
    const a = f32x4.max(z, zero);
    v128.store(A_h + i, a);
    const w = W_o + i;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(w), a));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(w + bytes), a));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(w + 2 * bytes), a));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(w + 3 * bytes), a));
    s4 = f32x4.add(s4, f32x4.mul(v128.load(w + 4 * bytes), a));
    s5 = f32x4.add(s5, f32x4.mul(v128.load(w + 5 * bytes), a));
    s6 = f32x4.add(s6, f32x4.mul(v128.load(w + 6 * bytes), a));
    s7 = f32x4.add(s7, f32x4.mul(v128.load(w + 7 * bytes), a));
    s8 = f32x4.add(s8, f32x4.mul(v128.load(w + 8 * bytes), a));
    s9 = f32x4.add(s9, f32x4.mul(v128.load(w + 9 * bytes), a));
  }
  const z0 = f32x4.add(sum4(s0, s1, s2, s3), v128.load(b_o));
  const z1 = f32x4.add(sum4(s4, s5, s6, s7), v128.load(b_o, 16));
  const z2 = f32x4.add(sum4(s8, s9, s8, s9), v128.shuffle<f32>(v128.load(b_o, 32), zero, 0, 1, 0, 1));
  v128.store(Z_o, z0);
  v128.store(Z_o, z1, 16);
  v128.store(Z_o, z2, 32);
  const max = f32x4.splat(hmax(f32x4.max(f32x4.max(z0, z1), z2)));
  const found = i32x4.bitmask(f32x4.eq(z0, max)) | (i32x4.bitmask(f32x4.eq(z1, max)) << 4) |
    (i32x4.bitmask(f32x4.eq(z2, max)) << 8);
  return found ? <i32>ctz(found) : 0;
}

/** Output k's part for 4 hidden units: dW_o[k] += dZ_o[k]·a at g; returns dA + dZ_o[k]·W_o[k] (at w). */
@inline function outputGrad(g: usize, w: usize, d: v128, a: v128, dA: v128): v128 {
  v128.store(g, f32x4.add(f32x4.mul(d, a), v128.load(g)));
  return f32x4.add(f32x4.mul(d, v128.load(w)), dA);
}

// The loss sum and correct count of the samples processed since the last flush (per thread:
// each thread has its own instance, hence its own globals).
let loss: f64 = 0, correct: f64 = 0;

/**
 * The forward and backward pass of one sample (its entries e[0..n), label y), except dW_h:
 * adds to db_h, dW_o, db_o, loss and correct, and leaves dZ_h (hp floats) at `dZ`.
 */
function sampleStep(hp: i32, params: usize, grads: usize, scratch: usize, e: usize, n: i32, y: i32, dZ: usize): void {
  gather(params, hp, e, n, scratch, false);
  const rest = params + (<usize>(INPUTS * hp) << 2), restGrads = grads + (<usize>(INPUTS * hp) << 2);
  const Z_h = scratch, dA_h = scratch + (<usize>hp << 2);
  const A_h = scratch + (<usize>(2 * hp) << 2), Z_o = scratch + (<usize>(3 * hp) << 2);
  denseStep(hp, rest, restGrads, Z_h, dA_h, A_h, Z_o, y, dZ);
}

/**
 * The rest of a sample's pass once Z_h holds Σ W_hT[pixels]·bytes: the output layer, softmax,
 * loss and backward pass of one network whose b_h | W_o | b_o begin at `rest` (their
 * gradients at `restGrads`): adds to db_h, dW_o, db_o, loss and correct, and leaves dZ_h at `dZ`.
 */
function denseStep(hp: i32, rest: usize, restGrads: usize, Z_h: usize, dA_h: usize, A_h: usize, Z_o: usize, y: i32, dZ: usize): void {
  const W_o = rest + (<usize>hp << 2);
  const db_h = restGrads;
  const dW_o = db_h + (<usize>hp << 2), db_o = dW_o + (<usize>(OUTPUTS * hp) << 2);
  const bytes = <usize>hp << 2;
  const predicted = outputLayer(rest, hp, Z_h, A_h, Z_o);
  if (predicted == y) correct += 1;

  // softmax of the 10 outputs as 3 vectors (lanes 10, 11 masked out), with the max shift;
  // loss = log Σe − (z_y − max), capped like the floored log of lib/loss.ts
  const z0 = v128.load(Z_o), z1 = v128.load(Z_o, 16), z2 = v128.load(Z_o, 32);
  const zmax = f32x4.max(f32x4.max(z0, z1), v128.bitselect(z2, z0, TWO_LANES));
  const max = f32x4.splat(hmax(zmax));
  const e0 = expf4(f32x4.sub(z0, max)), e1 = expf4(f32x4.sub(z1, max));
  const e2 = v128.and(expf4(f32x4.sub(z2, max)), TWO_LANES);
  const sum = hsum(f32x4.add(f32x4.add(e0, e1), e2));
  const shifted_y = load<f32>(Z_o + (<usize>y << 2)) - f32x4.extract_lane(max, 0);
  loss += Math.min(<f64>(Mathf.log(sum) - shifted_y), LOSS_CAP);

  // dZ_o = A_o − Y (kept in Z_o); db_o += dZ_o
  const inv = f32x4.splat(<f32>1 / sum), label = i32x4.splat(y), one = f32x4.splat(1);
  const dz0 = f32x4.sub(f32x4.mul(e0, inv), v128.and(one, i32x4.eq(label, LANES_0)));
  const dz1 = f32x4.sub(f32x4.mul(e1, inv), v128.and(one, i32x4.eq(label, LANES_4)));
  const dz2 = f32x4.sub(f32x4.mul(e2, inv), v128.and(one, i32x4.eq(label, LANES_8)));
  v128.store(Z_o, dz0);
  v128.store(Z_o, dz1, 16);
  v128.store(Z_o, dz2, 32);
  v128.store(db_o, f32x4.add(v128.load(db_o), dz0));
  v128.store(db_o, f32x4.add(v128.load(db_o, 16), dz1), 16);
  v128.store(db_o, f32x4.add(v128.load(db_o, 32), dz2), 32);

  // dW_o += dZ_o·A_hᵀ and dA_h = W_oᵀ·dZ_o, 4 hidden units at a time, the ten outputs
  // unrolled with their dZ_o splats hoisted (a loop over them cost ~6 % of a mini-batch
  // epoch at hidden 128)
  const rowBytes = <usize>hp << 2;
  const d0 = v128.load32_splat(Z_o), d1 = v128.load32_splat(Z_o, 4);
  const d2 = v128.load32_splat(Z_o, 8), d3 = v128.load32_splat(Z_o, 12);
  const d4 = v128.load32_splat(Z_o, 16), d5 = v128.load32_splat(Z_o, 20);
  const d6 = v128.load32_splat(Z_o, 24), d7 = v128.load32_splat(Z_o, 28);
  const d8 = v128.load32_splat(Z_o, 32), d9 = v128.load32_splat(Z_o, 36);
  for (let i: usize = 0; i < bytes; i += 16) {
    const a = v128.load(A_h + i);
    let g = dW_o + i, w = W_o + i;
    let dA = outputGrad(g, w, d0, a, f32x4.splat(0));
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d1, a, dA);
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d2, a, dA);
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d3, a, dA);
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d4, a, dA);
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d5, a, dA);
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d6, a, dA);
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d7, a, dA);
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d8, a, dA);
    g += rowBytes;
    w += rowBytes;
    dA = outputGrad(g, w, d9, a, dA);
    v128.store(dA_h + i, dA);
  }
  // dZ_h = dA_h ⊙ ReLU′(Z_h), into dZ; db_h += dZ_h
  const zero = f32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    const dz = v128.and(v128.load(dA_h + i), f32x4.gt(v128.load(Z_h + i), zero));
    v128.store(dZ + i, dz);
    v128.store(db_h + i, f32x4.add(v128.load(db_h + i), dz));
  }
}

/** Adds the loss sum and correct count to `stats` (f64, f64) and clears them. */
function flush(stats: usize): void {
  store<f64>(stats, load<f64>(stats) + loss);
  store<f64>(stats, load<f64>(stats, 8) + correct, 8);
  loss = 0;
  correct = 0;
}

/**
 * The forward and backward pass of samples order[from..to), accumulated into `grads`
 * (same layout as params, dW_h still times 255) and `stats` (f64 loss sum, f64 correct count).
 * With rows = 0, each sample's dW_h is scattered into the pixels' rows right away (any order
 * of samples); else dW_h is left to descendColumns and sample j's dZ_h is kept at
 * rows + (j − from)·hp floats.
 */
export function accumulate(
  hp: i32,
  params: usize,
  grads: usize,
  scratch: usize,
  stats: usize,
  entries: usize,
  starts: usize,
  labels: usize,
  order: usize,
  from: i32,
  to: i32,
  rows: usize,
): void {
  // dZ_h overwrites dA_h in the scratch: sampleStep reads each dA_h lane before it writes it
  let dZ_h = scratch + (<usize>hp << 2);
  const rowBytes = <usize>hp << 2;
  for (let j = from; j < to; j++) {
    const s = <usize>load<u32>(order + (<usize>j << 2));
    const start = load<u32>(starts + (s << 2)), n = <i32>(load<u32>(starts + (s << 2), 4) - start);
    const e = entries + (<usize>start << 2);
    if (rows) dZ_h = rows + <usize>(j - from) * rowBytes;
    sampleStep(hp, params, grads, scratch, e, n, <i32>load<u8>(labels + s), dZ_h);
    // dW_hT[pixels] += dZ_h·bytes (the 1/255 is folded into the step)
    if (!rows) scatter(grads, hp, e, n, dZ_h);
  }
  flush(stats);
}

// ---- a mini-batch's dW_h by columns, and the step on W_h

/**
 * W −= scale·(a + b) on one tile of N vectors, where a and b are the sums of x·rows[offset]
 * over the column entries e[0..n0) and e[n0..n) (u32 offset, f32 x: decoded once, read by
 * every tile), each in entry order, as scatter adds them: the
 * two chains advance side by side (twice the independent additions), then the longer one ends.
 */
@inline function stepTileN(W: usize, D: usize, e: usize, n0: i32, n: i32, scale: v128, N: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  const f = e + (<usize>n0 << 3), n1 = n - n0;
  const both = <usize>min(n0, n1) << 3;
  let i: usize = 0;
  for (; i < both; i += 8) {
    const r = D + <usize>load<u32>(e + i), x = v128.load32_splat(e + i, 4);
    const q = D + <usize>load<u32>(f + i), y = v128.load32_splat(f + i, 4);
    a0 = f32x4.add(f32x4.mul(v128.load(r), x), a0);
    b0 = f32x4.add(f32x4.mul(v128.load(q), y), b0);
    if (N > 1) {
      a1 = f32x4.add(f32x4.mul(v128.load(r, 16), x), a1);
      b1 = f32x4.add(f32x4.mul(v128.load(q, 16), y), b1);
    }
    if (N > 2) {
      a2 = f32x4.add(f32x4.mul(v128.load(r, 32), x), a2);
      b2 = f32x4.add(f32x4.mul(v128.load(q, 32), y), b2);
    }
    if (N > 3) {
      a3 = f32x4.add(f32x4.mul(v128.load(r, 48), x), a3);
      b3 = f32x4.add(f32x4.mul(v128.load(q, 48), y), b3);
    }
  }
  for (let j = i; j < (<usize>n0 << 3); j += 8) {
    const r = D + <usize>load<u32>(e + j), x = v128.load32_splat(e + j, 4);
    a0 = f32x4.add(f32x4.mul(v128.load(r), x), a0);
    if (N > 1) a1 = f32x4.add(f32x4.mul(v128.load(r, 16), x), a1);
    if (N > 2) a2 = f32x4.add(f32x4.mul(v128.load(r, 32), x), a2);
    if (N > 3) a3 = f32x4.add(f32x4.mul(v128.load(r, 48), x), a3);
  }
  for (let j = i; j < (<usize>n1 << 3); j += 8) {
    const q = D + <usize>load<u32>(f + j), y = v128.load32_splat(f + j, 4);
    b0 = f32x4.add(f32x4.mul(v128.load(q), y), b0);
    if (N > 1) b1 = f32x4.add(f32x4.mul(v128.load(q, 16), y), b1);
    if (N > 2) b2 = f32x4.add(f32x4.mul(v128.load(q, 32), y), b2);
    if (N > 3) b3 = f32x4.add(f32x4.mul(v128.load(q, 48), y), b3);
  }
  v128.store(W, f32x4.sub(v128.load(W), f32x4.mul(scale, f32x4.add(a0, b0))));
  if (N > 1) v128.store(W, f32x4.sub(v128.load(W, 16), f32x4.mul(scale, f32x4.add(a1, b1))), 16);
  if (N > 2) v128.store(W, f32x4.sub(v128.load(W, 32), f32x4.mul(scale, f32x4.add(a2, b2))), 32);
  if (N > 3) v128.store(W, f32x4.sub(v128.load(W, 48), f32x4.mul(scale, f32x4.add(a3, b3))), 48);
}

/**
 * dW_hT = Σ over the batch order[from..to) of dZ_h ⊗ x, and W_hT −= scale·dW_hT, for the
 * pixels p0..p1, pixel by pixel: the batch's entries of those pixels are first sorted into
 * columns (per pixel, the samples where it is non-zero, in batch order, as the byte offset of
 * the sample's row at `rows` where accumulate left dZ_h, and the pixel value), then each pixel's sum stays in registers
 * and its row of W_hT is written once. The sums of each shard (samples before and after
 * `mid`) are kept apart and added as descend adds the shards' gradients: the same bits as
 * scatter then descend. Threads may share the pixels: each with its own `columns` (room for
 * the batch's entries, 8 bytes each) and `work` (3 × 785 u32).
 */
export function descendColumns(
  hp: i32,
  params: usize,
  rows: usize,
  entries: usize,
  starts: usize,
  order: usize,
  from: i32,
  mid: i32,
  to: i32,
  p0: i32,
  p1: i32,
  columns: usize,
  work: usize,
  scale: f32,
): void {
  const rowBytes = <usize>hp << 2;
  // offset / rowBytes by a multiplication: exact for offsets below 2^24
  const inverse: u64 = ((<u64>1 << 32) + <u64>rowBytes - 1) / <u64>rowBytes;
  const begin = work, split = work + 785 * 4, next = split + 785 * 4;
  const first = <u32>p0, last = <u32>p1;
  memory.fill(begin, 0, 785 * 4);
  for (let j = from; j < to; j++) {
    const s = <usize>load<u32>(order + (<usize>j << 2));
    const e1 = entries + (<usize>load<u32>(starts + (s << 2), 4) << 2);
    for (let e = entries + (<usize>load<u32>(starts + (s << 2)) << 2); e < e1; e += 4) {
      const p = <u32>((<u64>rowOf(load<u32>(e)) * inverse) >> 32);
      if (p - first < last - first) {
        const at = begin + (<usize>p << 2);
        store<u32>(at, load<u32>(at, 4) + 1, 4);
      }
    }
  }
  // begin[p] = where column p starts (counts shifted by one, summed)
  for (let p: usize = 1; p <= <usize>INPUTS; p++) {
    store<u32>(begin + (p << 2), load<u32>(begin + (p << 2)) + load<u32>(begin + ((p - 1) << 2)));
  }
  memory.copy(next, begin, 785 * 4);
  for (let j = from; j < to; j++) {
    if (j == mid) memory.copy(split, next, 785 * 4);
    const s = <usize>load<u32>(order + (<usize>j << 2));
    const row = <u32>(<usize>(j - from) * rowBytes);
    const e1 = entries + (<usize>load<u32>(starts + (s << 2), 4) << 2);
    for (let e = entries + (<usize>load<u32>(starts + (s << 2)) << 2); e < e1; e += 4) {
      const w = load<u32>(e);
      const p = <u32>((<u64>rowOf(w) * inverse) >> 32);
      if (p - first < last - first) {
        const at = next + (<usize>p << 2);
        const q = load<u32>(at);
        store<u32>(at, q + 1);
        store<u32>(columns + (<usize>q << 3), row);
        store<f32>(columns + (<usize>q << 3), <f32>(w & 0xff), 4);
      }
    }
  }
  if (mid == to) memory.copy(split, next, 785 * 4);
  const s = f32x4.splat(scale);
  for (let p = <usize>p0; p < <usize>p1; p++) {
    const c0 = load<u32>(begin + (p << 2)), c1 = load<u32>(begin + (p << 2), 4);
    if (c0 == c1) continue;
    const e = columns + (<usize>c0 << 3);
    const n0 = <i32>(load<u32>(split + (p << 2)) - c0), n = <i32>(c1 - c0);
    const W = params + p * rowBytes;
    let c: usize = 0;
    for (; c + 64 <= rowBytes; c += 64) stepTileN(W + c, rows + c, e, n0, n, s, 4);
    const rest = rowBytes - c;
    if (rest == 48) stepTileN(W + c, rows + c, e, n0, n, s, 3);
    else if (rest == 32) stepTileN(W + c, rows + c, e, n0, n, s, 2);
    else if (rest == 16) stepTileN(W + c, rows + c, e, n0, n, s, 1);
  }
}

/**
 * The same for samples from..to in their own order, cut into blocks of `block` samples:
 * each block's dZ_h rows are kept at `dZ` (block × hp floats), then
 * dW_hT[p] += Σ x_p·dZ_h[sample] pixel by pixel from the block's columns (the samples where
 * pixel p is non-zero, entries as dZ row offset << 8 | byte): loads only, the row sum in registers.
 * Block k's column p is columns[columnStarts[784k + p] .. columnStarts[784k + p + 1]).
 */
export function accumulateBlocked(
  hp: i32,
  params: usize,
  grads: usize,
  scratch: usize,
  stats: usize,
  entries: usize,
  starts: usize,
  labels: usize,
  from: i32,
  to: i32,
  block: i32,
  columns: usize,
  columnStarts: usize,
  dZ: usize,
): void {
  const rowBytes = <usize>hp << 2;
  for (let b0 = from; b0 < to; b0 += block) {
    const b1 = min(b0 + block, to);
    for (let s = b0; s < b1; s++) {
      const at = starts + (<usize>s << 2);
      const start = load<u32>(at), n = <i32>(load<u32>(at, 4) - start);
      const e = entries + (<usize>start << 2);
      sampleStep(hp, params, grads, scratch, e, n, <i32>load<u8>(labels + <usize>s), dZ + <usize>(s - b0) * rowBytes);
    }
    for (let p: usize = 0; p < <usize>INPUTS; p++) {
      const c0 = load<u32>(columnStarts + (p << 2)), n = <i32>(load<u32>(columnStarts + (p << 2), 4) - c0);
      if (n > 0) gather(dZ, hp, columns + (<usize>c0 << 2), n, grads + p * rowBytes, true);
    }
    columnStarts += <usize>INPUTS << 2;
  }
  flush(stats);
}

/** θ ← θ − scale·(g0 + g1), then g0 = g1 = 0; n floats, n a multiple of 4. Fixed order: deterministic. */
export function descend(theta: usize, g0: usize, g1: usize, n: i32, scale: f32): void {
  const s = f32x4.splat(scale), zero = f32x4.splat(0);
  for (let i: usize = 0; i < (<usize>n << 2); i += 16) {
    const g = f32x4.add(v128.load(g0 + i), v128.load(g1 + i));
    v128.store(theta + i, f32x4.sub(v128.load(theta + i), f32x4.mul(s, g)));
    v128.store(g0 + i, zero);
    v128.store(g1 + i, zero);
  }
}

/**
 * predictions[j] = argmax of the output for each of `count` dense 784-byte images. Zero
 * 16-byte blocks (most of a digit's frame) are skipped with one SIMD test.
 */
export function predict(hp: i32, params: usize, scratch: usize, images: usize, count: i32, out: usize): void {
  const entries = scratch + (<usize>(3 * hp + 16) << 2);
  const rowBytes = <u32>hp << 2;
  for (let j = 0; j < count; j++) {
    const img = images + <usize>(j * INPUTS);
    let e = entries;
    for (let b: i32 = 0; b < INPUTS; b += 16) {
      if (!v128.any_true(v128.load(img + <usize>b))) continue;
      for (let p = b; p < b + 16; p++) {
        const v = load<u8>(img + <usize>p);
        if (v != 0) {
          store<u32>(e, (<u32>p * rowBytes) << 8 | v);
          e += 4;
        }
      }
    }
    gather(params, hp, entries, <i32>((e - entries) >> 2), scratch, false);
    const rest = params + (<usize>(INPUTS * hp) << 2);
    store<u8>(out + <usize>j, <u8>outputLayer(rest, hp, scratch, scratch + (<usize>(2 * hp) << 2), scratch + (<usize>(3 * hp) << 2)));
  }
}

// ---- the bank: K networks of one hidden size trained side by side (lib/engines/fast/bank.ts)
//
// The K networks' W_hT rows are laid side by side, one row of K × hp floats per pixel (the
// entries' offsets name those rows), so one pass over a sample's entries serves every network;
// each network keeps its own b_h | W_o | b_o block (`rests`, `restBytes` apart). Every network's
// numbers are those of training it alone, bit for bit: its sums run in the order gather gives
// them alone. gather sums a tile of 4 vectors in 2 chains (entries 0, 2 | 1, 3 of every four)
// and a narrower tile in 4 chains (entries 0 | 1 | 2 | 3), the entries past the last four in
// the first chain, and adds the chains as (a + b) or (a + b) + (c + d); here a plan lists groups
// of vectors of one kind (byte offset in the row, vectors, chains), and each group's chains are
// summed in passes over the entries with up to 12 sums in registers, then added the same way.
// `plan` and `live` point at a u32 count followed by the groups (3 words each) or the indices
// of the networks still in the bank.

@inline function pass1(W: usize, e: usize, n: i32, S: i32, j0: i32, tmp: usize, G: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0), a8 = f32x4.splat(0), a9 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  const end4 = n & ~3;
  for (let i = j0; i < end4; i += S) {
    const at = e + (<usize>i << 2);
    const w0 = load<u32>(at), r0 = W + rowOf(w0), x0 = valueOf(w0);
    { a0 = f32x4.add(f32x4.mul(v128.load(r0), x0), a0); }
    if (G > 1) { a1 = f32x4.add(f32x4.mul(v128.load(r0, 16), x0), a1); }
    if (G > 2) { a2 = f32x4.add(f32x4.mul(v128.load(r0, 32), x0), a2); }
    if (G > 3) { a3 = f32x4.add(f32x4.mul(v128.load(r0, 48), x0), a3); }
    if (G > 4) { a4 = f32x4.add(f32x4.mul(v128.load(r0, 64), x0), a4); }
    if (G > 5) { a5 = f32x4.add(f32x4.mul(v128.load(r0, 80), x0), a5); }
    if (G > 6) { a6 = f32x4.add(f32x4.mul(v128.load(r0, 96), x0), a6); }
    if (G > 7) { a7 = f32x4.add(f32x4.mul(v128.load(r0, 112), x0), a7); }
    if (G > 8) { a8 = f32x4.add(f32x4.mul(v128.load(r0, 128), x0), a8); }
    if (G > 9) { a9 = f32x4.add(f32x4.mul(v128.load(r0, 144), x0), a9); }
    if (G > 10) { a10 = f32x4.add(f32x4.mul(v128.load(r0, 160), x0), a10); }
    if (G > 11) { a11 = f32x4.add(f32x4.mul(v128.load(r0, 176), x0), a11); }
  }
  if (j0 == 0) {
    for (let i = end4; i < n; i++) {
      const w = load<u32>(e + (<usize>i << 2)), r = W + rowOf(w), x = valueOf(w);
      a0 = f32x4.add(f32x4.mul(v128.load(r), x), a0);
      if (G > 1) a1 = f32x4.add(f32x4.mul(v128.load(r, 16), x), a1);
      if (G > 2) a2 = f32x4.add(f32x4.mul(v128.load(r, 32), x), a2);
      if (G > 3) a3 = f32x4.add(f32x4.mul(v128.load(r, 48), x), a3);
      if (G > 4) a4 = f32x4.add(f32x4.mul(v128.load(r, 64), x), a4);
      if (G > 5) a5 = f32x4.add(f32x4.mul(v128.load(r, 80), x), a5);
      if (G > 6) a6 = f32x4.add(f32x4.mul(v128.load(r, 96), x), a6);
      if (G > 7) a7 = f32x4.add(f32x4.mul(v128.load(r, 112), x), a7);
      if (G > 8) a8 = f32x4.add(f32x4.mul(v128.load(r, 128), x), a8);
      if (G > 9) a9 = f32x4.add(f32x4.mul(v128.load(r, 144), x), a9);
      if (G > 10) a10 = f32x4.add(f32x4.mul(v128.load(r, 160), x), a10);
      if (G > 11) a11 = f32x4.add(f32x4.mul(v128.load(r, 176), x), a11);
    }
  }
  const t0 = tmp + <usize>((j0 + 0) * 192);
  v128.store(t0, a0);
  if (G > 1) v128.store(t0, a1, 16);
  if (G > 2) v128.store(t0, a2, 32);
  if (G > 3) v128.store(t0, a3, 48);
  if (G > 4) v128.store(t0, a4, 64);
  if (G > 5) v128.store(t0, a5, 80);
  if (G > 6) v128.store(t0, a6, 96);
  if (G > 7) v128.store(t0, a7, 112);
  if (G > 8) v128.store(t0, a8, 128);
  if (G > 9) v128.store(t0, a9, 144);
  if (G > 10) v128.store(t0, a10, 160);
  if (G > 11) v128.store(t0, a11, 176);
}

@inline function pass2(W: usize, e: usize, n: i32, S: i32, j0: i32, tmp: usize, G: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0), b4 = f32x4.splat(0), b5 = f32x4.splat(0);
  const end4 = n & ~3;
  for (let i = j0; i < end4; i += S) {
    const at = e + (<usize>i << 2);
    const w0 = load<u32>(at), r0 = W + rowOf(w0), x0 = valueOf(w0);
    const w1 = load<u32>(at, 4), r1 = W + rowOf(w1), x1 = valueOf(w1);
    { a0 = f32x4.add(f32x4.mul(v128.load(r0), x0), a0); b0 = f32x4.add(f32x4.mul(v128.load(r1), x1), b0); }
    if (G > 1) { a1 = f32x4.add(f32x4.mul(v128.load(r0, 16), x0), a1); b1 = f32x4.add(f32x4.mul(v128.load(r1, 16), x1), b1); }
    if (G > 2) { a2 = f32x4.add(f32x4.mul(v128.load(r0, 32), x0), a2); b2 = f32x4.add(f32x4.mul(v128.load(r1, 32), x1), b2); }
    if (G > 3) { a3 = f32x4.add(f32x4.mul(v128.load(r0, 48), x0), a3); b3 = f32x4.add(f32x4.mul(v128.load(r1, 48), x1), b3); }
    if (G > 4) { a4 = f32x4.add(f32x4.mul(v128.load(r0, 64), x0), a4); b4 = f32x4.add(f32x4.mul(v128.load(r1, 64), x1), b4); }
    if (G > 5) { a5 = f32x4.add(f32x4.mul(v128.load(r0, 80), x0), a5); b5 = f32x4.add(f32x4.mul(v128.load(r1, 80), x1), b5); }
  }
  if (j0 == 0) {
    for (let i = end4; i < n; i++) {
      const w = load<u32>(e + (<usize>i << 2)), r = W + rowOf(w), x = valueOf(w);
      a0 = f32x4.add(f32x4.mul(v128.load(r), x), a0);
      if (G > 1) a1 = f32x4.add(f32x4.mul(v128.load(r, 16), x), a1);
      if (G > 2) a2 = f32x4.add(f32x4.mul(v128.load(r, 32), x), a2);
      if (G > 3) a3 = f32x4.add(f32x4.mul(v128.load(r, 48), x), a3);
      if (G > 4) a4 = f32x4.add(f32x4.mul(v128.load(r, 64), x), a4);
      if (G > 5) a5 = f32x4.add(f32x4.mul(v128.load(r, 80), x), a5);
    }
  }
  const t0 = tmp + <usize>((j0 + 0) * 192);
  v128.store(t0, a0);
  if (G > 1) v128.store(t0, a1, 16);
  if (G > 2) v128.store(t0, a2, 32);
  if (G > 3) v128.store(t0, a3, 48);
  if (G > 4) v128.store(t0, a4, 64);
  if (G > 5) v128.store(t0, a5, 80);
  const t1 = tmp + <usize>((j0 + 1) * 192);
  v128.store(t1, b0);
  if (G > 1) v128.store(t1, b1, 16);
  if (G > 2) v128.store(t1, b2, 32);
  if (G > 3) v128.store(t1, b3, 48);
  if (G > 4) v128.store(t1, b4, 64);
  if (G > 5) v128.store(t1, b5, 80);
}

@inline function pass4(W: usize, e: usize, n: i32, S: i32, j0: i32, tmp: usize, G: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0), d2 = f32x4.splat(0);
  const end4 = n & ~3;
  for (let i = j0; i < end4; i += S) {
    const at = e + (<usize>i << 2);
    const w0 = load<u32>(at), r0 = W + rowOf(w0), x0 = valueOf(w0);
    const w1 = load<u32>(at, 4), r1 = W + rowOf(w1), x1 = valueOf(w1);
    const w2 = load<u32>(at, 8), r2 = W + rowOf(w2), x2 = valueOf(w2);
    const w3 = load<u32>(at, 12), r3 = W + rowOf(w3), x3 = valueOf(w3);
    { a0 = f32x4.add(f32x4.mul(v128.load(r0), x0), a0); b0 = f32x4.add(f32x4.mul(v128.load(r1), x1), b0); c0 = f32x4.add(f32x4.mul(v128.load(r2), x2), c0); d0 = f32x4.add(f32x4.mul(v128.load(r3), x3), d0); }
    if (G > 1) { a1 = f32x4.add(f32x4.mul(v128.load(r0, 16), x0), a1); b1 = f32x4.add(f32x4.mul(v128.load(r1, 16), x1), b1); c1 = f32x4.add(f32x4.mul(v128.load(r2, 16), x2), c1); d1 = f32x4.add(f32x4.mul(v128.load(r3, 16), x3), d1); }
    if (G > 2) { a2 = f32x4.add(f32x4.mul(v128.load(r0, 32), x0), a2); b2 = f32x4.add(f32x4.mul(v128.load(r1, 32), x1), b2); c2 = f32x4.add(f32x4.mul(v128.load(r2, 32), x2), c2); d2 = f32x4.add(f32x4.mul(v128.load(r3, 32), x3), d2); }
  }
  if (j0 == 0) {
    for (let i = end4; i < n; i++) {
      const w = load<u32>(e + (<usize>i << 2)), r = W + rowOf(w), x = valueOf(w);
      a0 = f32x4.add(f32x4.mul(v128.load(r), x), a0);
      if (G > 1) a1 = f32x4.add(f32x4.mul(v128.load(r, 16), x), a1);
      if (G > 2) a2 = f32x4.add(f32x4.mul(v128.load(r, 32), x), a2);
    }
  }
  const t0 = tmp + <usize>((j0 + 0) * 192);
  v128.store(t0, a0);
  if (G > 1) v128.store(t0, a1, 16);
  if (G > 2) v128.store(t0, a2, 32);
  const t1 = tmp + <usize>((j0 + 1) * 192);
  v128.store(t1, b0);
  if (G > 1) v128.store(t1, b1, 16);
  if (G > 2) v128.store(t1, b2, 32);
  const t2 = tmp + <usize>((j0 + 2) * 192);
  v128.store(t2, c0);
  if (G > 1) v128.store(t2, c1, 16);
  if (G > 2) v128.store(t2, c2, 32);
  const t3 = tmp + <usize>((j0 + 3) * 192);
  v128.store(t3, d0);
  if (G > 1) v128.store(t3, d1, 16);
  if (G > 2) v128.store(t3, d2, 32);
}

/** One pass over a group's entries: P chains at once (P·G ≤ 12 sums in registers). */
function passGroup(W: usize, e: usize, n: i32, S: i32, j0: i32, tmp: usize, P: i32, G: i32): void {
  if (P == 4) {
    if (G == 1) pass4(W, e, n, S, j0, tmp, 1);
    else if (G == 2) pass4(W, e, n, S, j0, tmp, 2);
    else if (G == 3) pass4(W, e, n, S, j0, tmp, 3);
  } else if (P == 2) {
    if (G == 1) pass2(W, e, n, S, j0, tmp, 1);
    else if (G == 2) pass2(W, e, n, S, j0, tmp, 2);
    else if (G == 3) pass2(W, e, n, S, j0, tmp, 3);
    else if (G == 4) pass2(W, e, n, S, j0, tmp, 4);
    else if (G == 5) pass2(W, e, n, S, j0, tmp, 5);
    else if (G == 6) pass2(W, e, n, S, j0, tmp, 6);
  } else {
    if (G == 1) pass1(W, e, n, S, j0, tmp, 1);
    else if (G == 2) pass1(W, e, n, S, j0, tmp, 2);
    else if (G == 3) pass1(W, e, n, S, j0, tmp, 3);
    else if (G == 4) pass1(W, e, n, S, j0, tmp, 4);
    else if (G == 5) pass1(W, e, n, S, j0, tmp, 5);
    else if (G == 6) pass1(W, e, n, S, j0, tmp, 6);
    else if (G == 7) pass1(W, e, n, S, j0, tmp, 7);
    else if (G == 8) pass1(W, e, n, S, j0, tmp, 8);
    else if (G == 9) pass1(W, e, n, S, j0, tmp, 9);
    else if (G == 10) pass1(W, e, n, S, j0, tmp, 10);
    else if (G == 11) pass1(W, e, n, S, j0, tmp, 11);
    else if (G == 12) pass1(W, e, n, S, j0, tmp, 12);
  }
}

/** Bytes per plan group: byte offset in the row, vectors G (1..12), chains S (2 or 4). */
const GROUP_BYTES: usize = 12;

/**
 * out (the plan's vectors) = Σ rows·values over entries e[0..n) of rows W, each vector summed
 * as gather sums it in its network alone; out += it when `add`. `tmp`: 4 × 12 vectors.
 */
function gatherBank(W: usize, e: usize, n: i32, out: usize, plan: usize, groups: i32, tmp: usize, add: bool): void {
  for (let g = 0; g < groups; g++) {
    const at = plan + <usize>g * GROUP_BYTES;
    const offset = <usize>load<u32>(at), G = <i32>load<u32>(at, 4), S = <i32>load<u32>(at, 8);
    const P = G * S <= 12 ? S : G * 2 <= 12 ? 2 : 1;
    for (let j0 = 0; j0 < S; j0 += P) passGroup(W + offset, e, n, S, j0, tmp, P, G);
    const o = out + offset;
    for (let v = 0; v < G; v++) {
      const t = tmp + (<usize>v << 4);
      let r = f32x4.add(v128.load(t), v128.load(t, 192));
      if (S == 4) r = f32x4.add(r, f32x4.add(v128.load(t, 384), v128.load(t, 576)));
      if (add) r = f32x4.add(v128.load(o + (<usize>v << 4)), r);
      v128.store(o + (<usize>v << 4), r);
    }
  }
}

/**
 * Sample s's dense part for every live network (live: `count` u32 network indices): Z_h from
 * the bank's sums at Z (rowBytes), the network's own output layer, softmax, loss and backward
 * pass, dZ_h into the row at dZ, loss and correct into the network's stats (f64 pairs).
 */
function denseBank(hp: i32, rests: usize, restGrads: usize, restBytes: usize, scratch: usize, Z: usize, dZ: usize, stats: usize, y: i32, live: usize, count: i32): void {
  const rowBytes = <usize>hp << 2;
  const dA_h = scratch, A_h = scratch + rowBytes, Z_o = scratch + 2 * rowBytes;
  for (let i = 0; i < count; i++) {
    const k = <usize>load<u32>(live + (<usize>i << 2));
    denseStep(hp, rests + k * restBytes, restGrads + k * restBytes, Z + k * rowBytes, dA_h, A_h, Z_o, y, dZ + k * rowBytes);
    flush(stats + (k << 4));
  }
}

/**
 * accumulate for a bank: samples order[from..to), every live network's gradients (its part of
 * the W_hT rows of `grads`, its rest block in `restGrads`) and stats. `scratch`: the bank's
 * Z_h row | dZ_h row | dA_h | A_h | Z_o (16) | the passes' 4 × 12 vectors. With rows = 0,
 * dW_h is scattered at once; else sample j's dZ_h row is kept at rows + (j − from)·rowBytes.
 */
export function bankAccumulate(
  hp: i32,
  rowBytes: i32,
  params: usize,
  rests: usize,
  grads: usize,
  restGrads: usize,
  restBytes: i32,
  scratch: usize,
  stats: usize,
  entries: usize,
  starts: usize,
  labels: usize,
  order: usize,
  from: i32,
  to: i32,
  rows: usize,
  plan: usize,
  live: usize,
): void {
  // the counts head their lists
  const count = load<i32>(live);
  live += 4;
  const groups = load<i32>(plan);
  plan += 4;
  const row = <usize>rowBytes, unit = <usize>hp << 2;
  const Z = scratch, own = scratch + row, dense = own + row;
  const tmp = dense + 2 * unit + 64;
  let dZ = own;
  for (let j = from; j < to; j++) {
    const s = <usize>load<u32>(order + (<usize>j << 2));
    const start = load<u32>(starts + (s << 2)), n = <i32>(load<u32>(starts + (s << 2), 4) - start);
    const e = entries + (<usize>start << 2);
    if (rows) dZ = rows + <usize>(j - from) * row;
    gatherBank(params, e, n, Z, plan, groups, tmp, false);
    denseBank(hp, rests, restGrads, <usize>restBytes, dense, Z, dZ, stats, <i32>load<u8>(labels + s), live, count);
    if (!rows) {
      for (let i = 0; i < count; i++) {
        const k = <usize>load<u32>(live + (<usize>i << 2));
        scatter(grads + k * unit, hp, e, n, dZ + k * unit);
      }
    }
  }
}

/** accumulateBlocked for a bank: dZ holds `block` rows of rowBytes; columns' offsets name them. */
export function bankAccumulateBlocked(
  hp: i32,
  rowBytes: i32,
  params: usize,
  rests: usize,
  grads: usize,
  restGrads: usize,
  restBytes: i32,
  scratch: usize,
  stats: usize,
  entries: usize,
  starts: usize,
  labels: usize,
  from: i32,
  to: i32,
  block: i32,
  columns: usize,
  columnStarts: usize,
  dZ: usize,
  plan: usize,
  live: usize,
): void {
  // the counts head their lists
  const count = load<i32>(live);
  live += 4;
  const groups = load<i32>(plan);
  plan += 4;
  const row = <usize>rowBytes, unit = <usize>hp << 2;
  const Z = scratch, dense = scratch + 2 * row;
  const tmp = dense + 2 * unit + 64;
  for (let b0 = from; b0 < to; b0 += block) {
    const b1 = min(b0 + block, to);
    for (let s = b0; s < b1; s++) {
      const at = starts + (<usize>s << 2);
      const start = load<u32>(at), n = <i32>(load<u32>(at, 4) - start);
      const e = entries + (<usize>start << 2);
      gatherBank(params, e, n, Z, plan, groups, tmp, false);
      denseBank(hp, rests, restGrads, <usize>restBytes, dense, Z, dZ + <usize>(s - b0) * row, stats, <i32>load<u8>(labels + <usize>s), live, count);
    }
    for (let p: usize = 0; p < <usize>INPUTS; p++) {
      const c0 = load<u32>(columnStarts + (p << 2)), n = <i32>(load<u32>(columnStarts + (p << 2), 4) - c0);
      if (n > 0) gatherBank(dZ, columns + (<usize>c0 << 2), n, grads + p * row, plan, groups, tmp, true);
    }
    columnStarts += <usize>INPUTS << 2;
  }
}

/**
 * descendColumns for a bank: one sort of the batch's entries by pixel (rows of rowBytes), then
 * each live network's part of each pixel's row stepped with its own scale (f32 at scales + 4k).
 */
export function bankDescendColumns(
  hp: i32,
  rowBytes: i32,
  params: usize,
  rows: usize,
  entries: usize,
  starts: usize,
  order: usize,
  from: i32,
  mid: i32,
  to: i32,
  p0: i32,
  p1: i32,
  columns: usize,
  work: usize,
  scales: usize,
  live: usize,
): void {
  // the counts head their lists
  const count = load<i32>(live);
  live += 4;
  const row = <usize>rowBytes, unit = <usize>hp << 2;
  const inverse: u64 = ((<u64>1 << 32) + <u64>row - 1) / <u64>row;
  const begin = work, split = work + 785 * 4, next = split + 785 * 4;
  const first = <u32>p0, last = <u32>p1;
  memory.fill(begin, 0, 785 * 4);
  for (let j = from; j < to; j++) {
    const s = <usize>load<u32>(order + (<usize>j << 2));
    const e1 = entries + (<usize>load<u32>(starts + (s << 2), 4) << 2);
    for (let e = entries + (<usize>load<u32>(starts + (s << 2)) << 2); e < e1; e += 4) {
      const p = <u32>((<u64>rowOf(load<u32>(e)) * inverse) >> 32);
      if (p - first < last - first) {
        const at = begin + (<usize>p << 2);
        store<u32>(at, load<u32>(at, 4) + 1, 4);
      }
    }
  }
  for (let p: usize = 1; p <= <usize>INPUTS; p++) {
    store<u32>(begin + (p << 2), load<u32>(begin + (p << 2)) + load<u32>(begin + ((p - 1) << 2)));
  }
  memory.copy(next, begin, 785 * 4);
  for (let j = from; j < to; j++) {
    if (j == mid) memory.copy(split, next, 785 * 4);
    const s = <usize>load<u32>(order + (<usize>j << 2));
    const offset = <u32>(<usize>(j - from) * row);
    const e1 = entries + (<usize>load<u32>(starts + (s << 2), 4) << 2);
    for (let e = entries + (<usize>load<u32>(starts + (s << 2)) << 2); e < e1; e += 4) {
      const w = load<u32>(e);
      const p = <u32>((<u64>rowOf(w) * inverse) >> 32);
      if (p - first < last - first) {
        const at = next + (<usize>p << 2);
        const q = load<u32>(at);
        store<u32>(at, q + 1);
        store<u32>(columns + (<usize>q << 3), offset);
        store<f32>(columns + (<usize>q << 3), <f32>(w & 0xff), 4);
      }
    }
  }
  if (mid == to) memory.copy(split, next, 785 * 4);
  for (let p = <usize>p0; p < <usize>p1; p++) {
    const c0 = load<u32>(begin + (p << 2)), c1 = load<u32>(begin + (p << 2), 4);
    if (c0 == c1) continue;
    const e = columns + (<usize>c0 << 3);
    const n0 = <i32>(load<u32>(split + (p << 2)) - c0), n = <i32>(c1 - c0);
    for (let i = 0; i < count; i++) {
      const k = <usize>load<u32>(live + (<usize>i << 2));
      const sc = v128.load32_splat(scales + (k << 2));
      const W = params + p * row + k * unit, D = rows + k * unit;
      let c: usize = 0;
      for (; c + 64 <= unit; c += 64) stepTileN(W + c, D + c, e, n0, n, sc, 4);
      const rest = unit - c;
      if (rest == 48) stepTileN(W + c, D + c, e, n0, n, sc, 3);
      else if (rest == 32) stepTileN(W + c, D + c, e, n0, n, sc, 2);
      else if (rest == 16) stepTileN(W + c, D + c, e, n0, n, sc, 1);
    }
  }
}

/** descend on the bank's W_hT rows: each live network's part with its own scale (f32 at scales + 4k). */
export function bankDescendRows(params: usize, g0: usize, g1: usize, hp: i32, rowBytes: i32, scales: usize, live: usize): void {
  // the counts head their lists
  const count = load<i32>(live);
  live += 4;
  const unit = <usize>hp << 2;
  for (let p: usize = 0; p < <usize>INPUTS; p++) {
    const at = p * <usize>rowBytes;
    for (let i = 0; i < count; i++) {
      const k = <usize>load<u32>(live + (<usize>i << 2));
      const o = at + k * unit;
      descend(params + o, g0 + o, g1 + o, hp, load<f32>(scales + (k << 2)));
    }
  }
}
