import { projectConfig } from '../../vitest.shared.js';
import { swiftShaderEnv } from './src/runtime/swiftshader.js';

// Without a GPU, Dawn runs on SwiftShader from Debian's chromium package. The variables must be
// in place before the test processes start (the dynamic linker reads LD_LIBRARY_PATH at start-up),
// so they are set here, in the main vitest process, and inherited by the forked workers.
Object.assign(process.env, swiftShaderEnv());

export default projectConfig({
  // Conformance (~400 cases) and the training comparison share two cores with other work.
  testTimeout: 120_000,
});
