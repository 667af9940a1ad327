import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CliError } from './util/errors.js';
import { createOutput, type Output } from './util/output.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Action = (out: Output, ...args: never[]) => Promise<void>;

/** Wraps a command module so it is imported only when that command runs (fast `--help`). */
function lazy(load: () => Promise<Action>) {
  return async function (this: Command, ...args: unknown[]) {
    const global = this.optsWithGlobals() as { json?: boolean; quiet?: boolean };
    const out = createOutput({ json: global.json, quiet: global.quiet });
    const action = await load();
    // commander passes (...positionals, options, command); drop the command object.
    await (action as (out: Output, ...rest: unknown[]) => Promise<void>)(out, ...args.slice(0, -1));
  };
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** Builds the `msflow` command tree. */
export function buildProgram(): Command {
  const program = new Command('msflow')
    .description('MSFlow anomaly detection: train, test and run multi-scale normalizing flows')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable result on stdout (logs stay on stderr)')
    .option('-q, --quiet', 'no progress or log lines')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  program
    .command('backends')
    .description('list the compute backends and whether each can start here (and why not)')
    .addHelpText('after', examples(['msflow backends', 'msflow backends --json']))
    .action(lazy(async () => (await import('./commands/backends.js')).backendsCommand));

  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // commander already printed its one-line message
    }
    if (err instanceof CliError) {
      process.stderr.write(`msflow: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`msflow: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.MSFLOW_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 1;
  }
}


