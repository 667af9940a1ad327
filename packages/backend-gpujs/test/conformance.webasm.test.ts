import { describeConformance } from '@msflow/core/testing';
import { createGpujsBackend } from '../src/index.js';

// The whole suite on gpu.js's WebAssembly mode (what Node without a GPU runs), no skips, the
// suite's stated float32 tolerances unchanged.
describeConformance({ name: 'gpujs webasm', create: () => createGpujsBackend({ prefer: ['webasm'] }) });
