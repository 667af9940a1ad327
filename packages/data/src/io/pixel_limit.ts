/**
 * The pixel budget the decoders use when no explicit one is passed: `MSFLOW_MAX_PIXELS` from the
 * environment (Node), else {@link DEFAULT_MAX_PIXELS}.
 */
import { DEFAULT_MAX_PIXELS } from './image_header.js';

/**
 * The pixel budget of one decoded image (width x height).
 *
 * @throws Error naming `MSFLOW_MAX_PIXELS` when it is set to something other than a positive integer.
 * @example
 * ```ts
 * maxImagePixels(); // 100000000 unless MSFLOW_MAX_PIXELS says otherwise
 * ```
 */
export function maxImagePixels(): number {
  const env = typeof process === 'undefined' ? undefined : process.env?.MSFLOW_MAX_PIXELS;
  if (env === undefined || env.trim() === '') return DEFAULT_MAX_PIXELS;
  const n = Number(env);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`MSFLOW_MAX_PIXELS: expected a positive whole number of pixels, got '${env}'`);
  return n;
}
