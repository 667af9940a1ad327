import { describe, it } from 'vitest';
import { describeConformance } from '@msflow/core/testing';
import { createWebgpuBackend } from '../src/index.js';
import { gpuUnavailable } from './gpu.js';

// The whole core suite (forward and gradient cases) on WebGPU, no skips, the stated float32
// tolerances unchanged. Without an adapter the suite is skipped with the reason printed.
const reason = await gpuUnavailable();
if (reason === null) {
  describeConformance({ name: 'webgpu', create: () => createWebgpuBackend() });
} else {
  describe('conformance: webgpu', () => it.skip(`no WebGPU adapter: ${reason}`, () => undefined));
}
