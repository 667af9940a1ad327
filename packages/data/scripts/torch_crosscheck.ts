// Compares msflow's torchvision graphs with torchvision itself: same safetensors weights, same
// input, pooled taps. First run torch_reference.py (writes <dir>/*.safetensors and *.bin; the ONNX
// exports of the same models, <dir>/<arch>.onnx, are checked too when present), then:
//   npx vite-node --config packages/data/vitest.config.ts packages/data/scripts/torch_crosscheck.ts -- /tmp/torchref [cpu|wasm]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackbone, setBackend, tensor, type ArchId } from '@msflow/core';
import { createTfjsBackend } from '@msflow/backend-tfjs';
import { loadBackboneWeights } from '../src/weights/index.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const dir = args[0] ?? '/tmp/torchref';
const flavor = (args[1] ?? 'cpu') as 'cpu' | 'wasm';
const S = 64;
const f32 = (path: string) => new Float32Array(new Uint8Array(readFileSync(path)).buffer);

const backend = await createTfjsBackend({ prefer: [flavor] });
setBackend(backend);
console.log(`backend: ${backend.info().detail}`);
const input = tensor(f32(join(dir, 'input.bin')), [1, S, S, 3]);
const cases: [ArchId, 'zeros' | 'reflect'][] = [['resnet18', 'zeros'], ['resnet50', 'zeros'], ['wide_resnet50_2', 'reflect'], ['mobilenet_v2', 'zeros']];
for (const [arch, padMode] of cases) for (const ext of ['safetensors', 'onnx']) {
  const file = join(dir, `${arch}.${ext}`);
  if (!existsSync(file)) continue;
  const { spec, weights, how } = loadBackboneWeights(file, { arch, padMode });
  console.log(`${file}: ${how}`);
  const bb = createBackbone(spec, weights);
  const outs = bb.extract(input);
  for (let i = 0; i < outs.length; i++) {
    const got = await outs[i].data();
    const ref = f32(join(dir, `${arch}_${spec.taps[i]}.bin`));
    let diff = 0;
    let scale = 0;
    for (let j = 0; j < ref.length; j++) {
      diff = Math.max(diff, Math.abs(got[j] - ref[j]));
      scale = Math.max(scale, Math.abs(ref[j]));
    }
    console.log(`${arch}/${padMode} ${spec.taps[i]} [${outs[i].shape.join(',')}] max|diff| ${diff.toExponential(2)} (max|ref| ${scale.toFixed(2)}, rel ${(diff / scale).toExponential(2)})`);
    outs[i].dispose();
  }
  bb.dispose();
}
