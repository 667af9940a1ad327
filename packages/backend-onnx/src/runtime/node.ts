// Installs onnxruntime-node as the package's runtime: imported first by the main entry only, so
// the browser entry never loads the native binding.
import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';
import { useOnnxRuntime } from './ort.js';

useOnnxRuntime({
  name: 'onnxruntime-node',
  ort,
  defaultThreads: () => Math.max(1, availableParallelism()),
  providers: () => ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled })),
});
