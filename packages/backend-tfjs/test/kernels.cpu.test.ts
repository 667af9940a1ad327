import { beforeAll, describe } from 'vitest';
import { createTfjsBackend, type TfjsBackend } from '../src/index.js';
import { kernelChecks } from './kernel_checks.js';

describe('tfjs cpu kernels', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = await createTfjsBackend({ prefer: ['cpu'] });
  });
  kernelChecks(() => backend);
});

// tfjs-node cannot be installed here: run its code paths (inputs zero-padded before `valid` ops,
// tfjs's own Conv2DBackpropInput/Filter kernels) on the cpu backend instead.
describe('tfjs cpu kernels, tfjs-node code paths', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = await createTfjsBackend({ prefer: ['cpu'], explicitPadding: false, convGrad: { input: 'native', filter: 'native' } });
  });
  kernelChecks(() => backend);
});

describe('tfjs cpu kernels, composed input gradient (the wasm code path)', () => {
  let backend: TfjsBackend;
  beforeAll(async () => {
    backend = await createTfjsBackend({ prefer: ['cpu'], convGrad: { input: 'composed' } });
  });
  kernelChecks(() => backend);
});
