import { describeConformance } from '@msflow/core/testing';
import { createTfjsBackend } from '../src/index.js';

// The whole suite on tfjs's wasm backend, no skips, stated tolerances: the kernels wasm lacks
// (Conv2DBackpropFilter, the depthwise gradients, UnsortedSegmentSum) are composed from ops it has.
describeConformance({ name: 'tfjs wasm', create: () => createTfjsBackend({ prefer: ['wasm'] }) });
