import { formatWithOptions } from 'node:util';

/** Where human output goes: logs on stderr, machine output (`--json`) on stdout. */
export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  /** Prints the command's result: JSON on stdout with --json, else the human text on stdout. */
  result(value: unknown, human: string): void;
  progress(label: string, total: number): Progress;
}

export interface Progress {
  tick(done: number, note?: string): void;
  /** Prints a log line above the bar (or as a plain log line when there is no bar). */
  log(line: string): void;
  end(): void;
}

function colorEnabled(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

/** Creates the output channel; progress bars only when stderr is a TTY. */
export function createOutput(opts: { json?: boolean; quiet?: boolean } = {}): Output {
  const color = colorEnabled(process.stderr);
  const tty = process.stderr.isTTY === true;
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);
  const yellow = (s: string) => (color ? `\x1b[33m${s}\x1b[0m` : s);
  return {
    json: opts.json === true,
    color,
    log: (...args) => {
      if (!opts.quiet) process.stderr.write(formatWithOptions({ colors: color }, ...args) + '\n');
    },
    warn: (...args) => process.stderr.write(yellow('warning: ') + formatWithOptions({ colors: color }, ...args) + '\n'),
    result: (value, human) => {
      process.stdout.write(opts.json ? JSON.stringify(value, null, 2) + '\n' : human.endsWith('\n') ? human : human + '\n');
    },
    progress: (label, total) => {
      if (!tty || opts.quiet) {
        return { tick() {}, end() {}, log: (line) => (opts.quiet ? undefined : void process.stderr.write(line + '\n')) };
      }
      const start = Date.now();
      return {
        log(line) {
          process.stderr.write(`\r\x1b[K${line}\n`);
        },
        tick(done, note = '') {
          const frac = total > 0 ? Math.min(1, done / total) : 0;
          const width = 24;
          const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
          const elapsed = (Date.now() - start) / 1000;
          const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : Infinity;
          process.stderr.write(`\r${label} [${bar}] ${done}/${total} ${dim(`eta ${formatDuration(eta)}`)} ${note}\x1b[K`);
        },
        end() {
          process.stderr.write('\n');
        },
      };
    },
  };
}

/** Renders rows as an aligned plain-text table. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/**
 * A formatter for one column of numbers: the fewest significant digits (at least `min`) at which
 * no two different values print the same, so a table never shows a tie the numbers do not have.
 *
 * @example
 * ```ts
 * const f = distinctFormat([1.0000001, 1.0000002, 3]); // 8 digits
 * f(3); // '3.0000000'
 * ```
 */
export function distinctFormat(values: readonly number[], min = 6): (v: number) => string {
  const distinct = [...new Set(values.filter(Number.isFinite))];
  let p = min;
  while (p < 17 && new Set(distinct.map((v) => v.toPrecision(p))).size < distinct.length) p++;
  return (v) => (Number.isFinite(v) ? v.toPrecision(p) : '-');
}
