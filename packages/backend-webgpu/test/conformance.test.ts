import { describe, it } from 'vitest';
import { describeConformance } from '@msflow/core/testing';
import { createWebgpuBackend } from '../src/index.js';
import { ADAPTER_OPTIONS, gpuUnavailable } from './gpu.js';

// The whole core suite (forward and gradient cases) on WebGPU, no skips, the stated float32
// tolerances unchanged. Without an adapter the suite is skipped with the reason printed (it fails
// instead under MSFLOW_REQUIRE_WEBGPU=1; MSFLOW_WEBGPU_HARDWARE=1 also refuses a software adapter).
const reason = await gpuUnavailable();
if (reason === null) {
  describeConformance({ name: 'webgpu', create: () => createWebgpuBackend(ADAPTER_OPTIONS) });
} else {
  describe('conformance: webgpu', () => it.skip(`no WebGPU adapter: ${reason}`, () => undefined));
}
