import { DetectorError, UsageError } from '@msflow/detector';

/** Bad flags or arguments: the library's usage error (exit code 2). */
export { UsageError };

/** An expected failure: printed as one line, exit code 1 (or `exitCode`). */
export class CliError extends DetectorError {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message, { kind: exitCode === 2 ? 'usage' : 'failure' });
  }
}

/** Library option names whose flag is not their kebab-case form. */
const FLAGS: Record<string, string> = { train: '--data', test: '--test-dir', images: '<images>' };

/**
 * The flag of a library option: `executionProviders` is `--execution-providers`.
 *
 * @example
 * ```ts
 * flagOf('mapScales'); // '--map-scales'
 * ```
 */
export function flagOf(option: string): string {
  return FLAGS[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The exit code of an error: a CLI error's own, 2 for the library's usage errors, else 1. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof DetectorError) return err.kind === 'usage' ? 2 : 1;
  return 1;
}

/** Parses a flag value as an integer within bounds, or throws a UsageError naming the flag. */
export function intFlag(value: string | number | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag}: expected an integer >= ${min}, got '${value}'`);
  return n;
}

/** Parses a flag value as a finite number, or throws a UsageError naming the flag. */
export function numFlag(value: string | number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got '${value}'`);
  return n;
}

/** A flag value that must be one of `choices`; throws a UsageError naming the flag otherwise. */
export function choiceFlag<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got '${value}'`);
  return value as T;
}

/** Parses a flag value as a fraction in [min, max], or throws a UsageError naming the flag. */
export function fractionFlag(value: string | number | undefined, flag: string, min = 0, max = 1): number | undefined {
  const n = numFlag(value, flag);
  if (n !== undefined && (n < min || n > max)) throw new UsageError(`${flag}: expected a number in [${min}, ${max}], got '${value}'`);
  return n;
}

/**
 * Turns any thrown value into the one line the CLI prints and its exit code. Errors that list
 * several problems on later lines (a dataset scan) are summarised on the first line.
 *
 * @example
 * ```ts
 * const { line, exitCode } = describeError(new Error('x.png: bad CRC\n  more'));
 * // line: 'x.png: bad CRC', exitCode: 1
 * ```
 */
export function describeError(err: unknown): { line: string; exitCode: number } {
  const exitCode = exitCodeOf(err);
  // The library names its options; the CLI names the flags that set them.
  const msg =
    err instanceof DetectorError && err.option && !(err instanceof CliError)
      ? `${flagOf(err.option)}${err.value !== undefined ? ` ${err.value}` : ''}: ${err.detail}`
      : err instanceof Error
        ? err.message
        : String(err);
  const lines = msg.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length <= 1) return { line: lines[0] ?? 'unknown error', exitCode };
  // "root: N bad files" followed by "path: reason" lines: keep the count and the first file.
  return { line: `${lines[0]}; first: ${lines[1]}${lines.length > 2 ? ` (and ${lines.length - 2} more)` : ''}`, exitCode };
}
