/**
 * A score that is NaN or infinite is no score: `score >= threshold` is false for NaN, so a
 * broken model would call every image normal. Whoever turns scores into labels or metrics checks
 * them here first and stops with the image and the checkpoint named.
 */

/** Thrown for a non-finite image score; the message names the image and the checkpoint. */
export class NonFiniteScoreError extends Error {
  override name = 'NonFiniteScoreError';
  constructor(
    /** Index of the first bad score. */
    readonly index: number,
    /** The image it belongs to. */
    readonly image: string,
    /** The value (NaN, Infinity or -Infinity). */
    readonly value: number,
    checkpoint: string,
  ) {
    super(`${image}: the model scored it ${value} with checkpoint ${checkpoint}, not a number; no label or metric is given (a diverged or corrupted checkpoint?)`);
  }
}

/**
 * Throws a {@link NonFiniteScoreError} for the first score that is NaN or infinite.
 *
 * @param images names the images (`images(i)` or a list), for the message.
 * @param checkpoint names the checkpoint, for the message.
 * @example
 * ```ts
 * assertFiniteScores(output.imageScores, paths, 'runs/bottle/latest/model.safetensors');
 * ```
 */
export function assertFiniteScores(scores: ArrayLike<number>, images: readonly string[] | ((i: number) => string), checkpoint: string): void {
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (!Number.isFinite(v)) throw new NonFiniteScoreError(i, typeof images === 'function' ? images(i) : (images[i] ?? `image ${i}`), v, checkpoint);
  }
}
