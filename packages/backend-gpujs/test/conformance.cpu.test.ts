import { describeConformance } from '@msflow/core/testing';
import { createGpujsBackend } from '../src/index.js';

// The same suite on gpu.js's cpu mode (transpiled JavaScript, the last fallback), no skips, the
// stated float32 tolerances unchanged.
describeConformance({ name: 'gpujs cpu', create: () => createGpujsBackend({ prefer: ['cpu'] }) });
