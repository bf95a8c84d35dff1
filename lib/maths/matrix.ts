/**
 * Flat, row-major matrices: the few operations the network's formulas need.
 *
 * A `Matrix` of shape (rows, cols) keeps entry (i, j) at `data[i * cols + j]`.
 * Float64 by default so that finite-difference checks are meaningful.
 */

export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A (rows, cols) matrix of zeros. */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** A matrix from nested arrays, one inner array per row. */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const m = zeros(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new RangeError(`row ${i} has ${row.length} entries, expected ${cols}`);
    }
    m.data.set(row, i * cols);
  });
  return m;
}

/** Nested arrays, one inner array per row (for JSON and display). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) {
    out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  }
  return out;
}

export function clone(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

export function get(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j];
}

export function shape(m: Matrix): [number, number] {
  return [m.rows, m.cols];
}

function assertShape(cond: boolean, what: string, a: Matrix, b: Matrix) {
  if (!cond) {
    throw new RangeError(
      `${what}: shapes (${a.rows}, ${a.cols}) and (${b.rows}, ${b.cols}) do not fit`,
    );
  }
}

/** A·B for A (n, k) and B (k, m). */
export function matmul(A: Matrix, B: Matrix): Matrix {
  assertShape(A.cols === B.rows, "matmul", A, B);
  const n = A.rows, k = A.cols, m = B.cols;
  const C = zeros(n, m);
  const a = A.data, b = B.data, c = C.data;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bRow = p * m, cRow = i * m;
      for (let j = 0; j < m; j++) c[cRow + j] += aip * b[bRow + j];
    }
  }
  return C;
}

/** Aᵀ, a fresh matrix. */
export function transpose(A: Matrix): Matrix {
  const T = zeros(A.cols, A.rows);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < A.cols; j++) T.data[j * A.rows + i] = A.data[i * A.cols + j];
  }
  return T;
}

/** A + b for a column vector b (n, 1), added to every column of A (n, m). */
export function addColumn(A: Matrix, b: Matrix): Matrix {
  if (b.cols !== 1 || b.rows !== A.rows) assertShape(false, "addColumn", A, b);
  const C = zeros(A.rows, A.cols);
  for (let i = 0; i < A.rows; i++) {
    const bi = b.data[i];
    for (let j = 0; j < A.cols; j++) C.data[i * A.cols + j] = A.data[i * A.cols + j] + bi;
  }
  return C;
}

/** Σ over columns: the (n, 1) column of row sums of A (n, m). */
export function sumColumns(A: Matrix): Matrix {
  const s = zeros(A.rows, 1);
  for (let i = 0; i < A.rows; i++) {
    let acc = 0;
    for (let j = 0; j < A.cols; j++) acc += A.data[i * A.cols + j];
    s.data[i] = acc;
  }
  return s;
}

/** f applied to every entry, a fresh matrix. */
export function map(A: Matrix, f: (x: number) => number): Matrix {
  const C = zeros(A.rows, A.cols);
  for (let i = 0; i < A.data.length; i++) C.data[i] = f(A.data[i]);
  return C;
}

/** A − B. */
export function sub(A: Matrix, B: Matrix): Matrix {
  assertShape(A.rows === B.rows && A.cols === B.cols, "sub", A, B);
  const C = zeros(A.rows, A.cols);
  for (let i = 0; i < A.data.length; i++) C.data[i] = A.data[i] - B.data[i];
  return C;
}

/** A ⊙ B, the entry-wise (Hadamard) product. */
export function hadamard(A: Matrix, B: Matrix): Matrix {
  assertShape(A.rows === B.rows && A.cols === B.cols, "hadamard", A, B);
  const C = zeros(A.rows, A.cols);
  for (let i = 0; i < A.data.length; i++) C.data[i] = A.data[i] * B.data[i];
  return C;
}

/** s·A. */
export function scale(A: Matrix, s: number): Matrix {
  return map(A, (x) => s * x);
}

/** A ← A − η·dA, in place. */
export function subScaledInPlace(A: Matrix, dA: Matrix, eta: number): void {
  assertShape(A.rows === dA.rows && A.cols === dA.cols, "update", A, dA);
  for (let i = 0; i < A.data.length; i++) A.data[i] -= eta * dA.data[i];
}

/** Index of the largest entry of each column: (m) predictions from (n, m) scores. */
export function argmaxColumns(A: Matrix): Uint8Array {
  const out = new Uint8Array(A.cols);
  for (let j = 0; j < A.cols; j++) {
    let best = 0, bestValue = A.data[j];
    for (let i = 1; i < A.rows; i++) {
      const v = A.data[i * A.cols + j];
      if (v > bestValue) bestValue = v, best = i;
    }
    out[j] = best;
  }
  return out;
}

/** Column j of A as an (n, 1) matrix. */
export function column(A: Matrix, j: number): Matrix {
  const c = zeros(A.rows, 1);
  for (let i = 0; i < A.rows; i++) c.data[i] = A.data[i * A.cols + j];
  return c;
}
