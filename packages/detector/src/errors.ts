/** What kind of mistake an error is: a caller's bad option or input (`usage`), or a failure while running. */
export type DetectorErrorKind = 'usage' | 'failure';

/** Options of a {@link DetectorError}. */
export interface DetectorErrorOptions {
  kind?: DetectorErrorKind;
  /**
   * The option the error is about, as the library names it (`executionProviders`); the CLI
   * prints it as its flag (`--execution-providers`).
   */
  option?: string;
  /** The option's value, when the message should show it (`backend webgpu: ...`). */
  value?: string;
}

/**
 * An expected failure of the library: one line naming the file, option or input and what was
 * expected. `kind` tells a caller what happened without parsing messages (the CLI maps `usage`
 * to exit 2, `failure` to exit 1); `option` names the option at fault, and `detail` is the
 * message without that name.
 *
 * @example
 * ```ts
 * import { Detector, DetectorError } from '@msflow/detector';
 *
 * try {
 *   await Detector.load('no-such-model/');
 * } catch (err) {
 *   if (err instanceof DetectorError) console.error(`${err.kind}: ${err.message}`);
 * }
 * ```
 */
export class DetectorError extends Error {
  override name = 'DetectorError';
  readonly kind: DetectorErrorKind;
  readonly option?: string;
  readonly value?: string;
  /** The message without the option prefix. */
  readonly detail: string;

  constructor(detail: string, options: DetectorErrorOptions = {}) {
    super(options.option ? `${options.option}${options.value !== undefined ? ` ${options.value}` : ''}: ${detail}` : detail);
    this.kind = options.kind ?? 'failure';
    this.option = options.option;
    this.value = options.value;
    this.detail = detail;
  }
}

/** A bad option or argument (`kind: 'usage'`). */
export class UsageError extends DetectorError {
  override name = 'UsageError';
  constructor(detail: string, options: Omit<DetectorErrorOptions, 'kind'> = {}) {
    super(detail, { ...options, kind: 'usage' });
  }
}
