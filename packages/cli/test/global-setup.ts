import { buildCli } from './helpers.js';

/** The integration tests spawn the real binary: build it (and its dependencies) first. */
export default function setup(): void {
  buildCli();
}
