import { projectConfig } from '../../vitest.shared.js';

// The global setup builds the CLI and the page; the tests train a tiny checkpoint, start
// msflow serve and drive Debian's chromium, so they run one file at a time.
export default projectConfig({ globalSetup: ['test/global-setup.ts'], testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false });
