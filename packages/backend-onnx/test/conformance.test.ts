import { describeConformance } from '@msflow/core/testing';
import { createOnnxEagerBackend } from '../src/index.js';

describeConformance({ name: 'onnx eager', create: () => createOnnxEagerBackend() });
