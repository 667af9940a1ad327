/** What kind of mistake an error is: a caller's bad option or input (`usage`), or a failure while running. */
export type DetectorErrorKind = 'usage' | 'failure';

/**
 * An expected failure of the library: one line naming the file, option or input and what was
 * expected. `kind` tells a caller (the CLI maps `usage` to exit 2, `failure` to exit 1) without
 * parsing messages.
 *
 * @example
 * ```ts
 * try {
 *   await Detector.load('nowhere/');
 * } catch (err) {
 *   if (err instanceof DetectorError) console.error(err.kind, err.message);
 * }
 * ```
 */
export class DetectorError extends Error {
  override name = 'DetectorError';
  constructor(
    message: string,
    readonly kind: DetectorErrorKind = 'failure',
  ) {
    super(message);
  }
}

/** A bad option or argument (`kind: 'usage'`). */
export class UsageError extends DetectorError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, 'usage');
  }
}
