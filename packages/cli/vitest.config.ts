import { projectConfig } from '../../vitest.shared.js';

// Integration tests spawn the built binary (dist/bin.js): the global setup builds it first.
// They train real models on 2 cores, so they run one file at a time with generous timeouts.
export default projectConfig({ globalSetup: ['test/global-setup.ts'], testTimeout: 300_000, fileParallelism: false });
