import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Packages whose versions explain a benchmark's numbers. */
const PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node', 'webgpu', 'gpu.js'];

/** Node's version and the installed version of each compute package (absent ones are left out). */
export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = { node: process.version };
  for (const pkg of PACKAGES) {
    try {
      out[pkg] = (require(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      // not installed here
    }
  }
  return out;
}
