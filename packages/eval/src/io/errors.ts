/**
 * Errors raised by the image codecs and file helpers.
 */

/**
 * A file that could not be decoded or encoded. The message always names the file and the reason
 * on one line, e.g. `cannot decode /data/x.png: PNG: bad CRC in IDAT chunk`.
 *
 * @example
 * ```ts
 * try { decodeImage(bytes, 'x.png'); } catch (e) { if (e instanceof ImageCodecError) console.log(e.file, e.reason); }
 * ```
 */
export class ImageCodecError extends Error {
  override name = 'ImageCodecError';
  constructor(
    /** The file (or source label) that failed. */
    readonly file: string,
    /** What went wrong, without the file name. */
    readonly reason: string,
    verb: 'decode' | 'encode' | 'read' = 'decode',
  ) {
    super(`cannot ${verb} ${file}: ${reason}`);
  }
}

/** Turns any thrown value into a one-line reason string. */
export function reasonOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim() || 'unknown error';
}
