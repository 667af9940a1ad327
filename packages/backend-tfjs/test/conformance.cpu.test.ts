import { describeConformance } from '@msflow/core/testing';
import { createTfjsBackend } from '../src/index.js';

// The whole suite on tfjs's pure-JS cpu backend, no skips, stated tolerances.
describeConformance({ name: 'tfjs cpu', create: () => createTfjsBackend({ prefer: ['cpu'] }) });

// tfjs-node cannot be installed here; its code paths (zero-padded inputs and `valid` ops, tfjs's
// own convolution-gradient kernels) run on the cpu backend instead.
describeConformance({
  name: 'tfjs cpu with the tfjs-node code paths',
  create: () => createTfjsBackend({ prefer: ['cpu'], explicitPadding: false, convGrad: { input: 'native', filter: 'native' } }),
});
