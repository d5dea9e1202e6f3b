/**
 * Coefficients of the linear multistep (LMS) method of Karras et al. 2022 / k-diffusion.
 *
 * Step i moves from sigma_i to sigma_{i+1} by integrating the Lagrange polynomial that
 * interpolates the last `order` derivatives over sigma. The coefficient of the
 * derivative taken j steps ago is the integral of the j-th Lagrange basis polynomial
 * over [sigma_i, sigma_{i+1}]. The basis has degree order - 1 <= 3, so Gauss-Legendre
 * with 4 nodes (exact to degree 7) gives it to rounding error; diffusers uses scipy's
 * adaptive `quad`, which is also exact for these polynomials.
 */

const GL_NODES = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL_WEIGHTS = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/**
 * LMS weights for step `i` (newest derivative first), given the schedule's sigmas
 * (with the trailing 0) and the method order; only min(order, i + 1) exist.
 */
export function lmsCoefficients(sigmas: readonly number[], i: number, order: number): number[] {
  const used = Math.min(order, i + 1);
  const a = sigmas[i]!;
  const b = sigmas[i + 1]!;
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  const coeffs: number[] = [];
  for (let j = 0; j < used; j++) {
    let integral = 0;
    for (let q = 0; q < GL_NODES.length; q++) {
      const tau = mid + half * GL_NODES[q]!;
      let basis = 1;
      for (let k = 0; k < used; k++) {
        if (k === j) continue;
        basis *= (tau - sigmas[i - k]!) / (sigmas[i - j]! - sigmas[i - k]!);
      }
      integral += GL_WEIGHTS[q]! * basis;
    }
    coeffs.push(integral * half);
  }
  return coeffs;
}
