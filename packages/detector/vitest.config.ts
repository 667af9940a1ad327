import { projectConfig } from '../../vitest.shared.js';

// The tests train small models (and the pack-install test installs the packed packages): one
// file at a time, with generous limits for a busy 2-core machine.
export default projectConfig({ testTimeout: 300_000, hookTimeout: 600_000, fileParallelism: false });
