import { beforeAll, describe } from 'vitest';
import { createTfjsBackend, type TfjsBackend } from '../src/index.js';
import { kernelChecks } from './kernel_checks.js';

describe('tfjs wasm kernels', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = await createTfjsBackend({ prefer: ['wasm'] });
  });
  kernelChecks(() => backend);
});
