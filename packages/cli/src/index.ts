/**
 * `@msflow/cli`: the `msflow` command, and the node-side helpers it is built from.
 *
 * @packageDocumentation
 */
export { main, buildProgram } from './main.js';
export { registerInstalledBackends, useBackend } from './util/backends.js';
export { writeFileAtomic, writeJsonAtomic, createRunDir } from './util/files.js';
export { CliError, UsageError } from './util/errors.js';
