// Broken and hostile checkpoints (issue 28, cases 1, 5 and 6): refused on load with one line
// naming the file and the field, never loaded into a model that scores every image NaN.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertFiniteScores,
  crc32,
  decodeSafetensors,
  deserializeCheckpoint,
  encodeSafetensors,
  MSFlowModel,
  NonFiniteScoreError,
  presetConfig,
  sealSidecar,
  serializeCheckpoint,
  setBackend,
  Trainer,
  validateConfig,
  type CheckpointSidecar,
  type MSFlowConfig,
} from '@msflow/core';
import { createFloat32ReferenceBackend, tinyConfig } from './helpers.js';

beforeAll(() => setBackend(createFloat32ReferenceBackend()));

const config = tinyConfig();

async function checkpoint(): Promise<{ weights: Uint8Array; sidecar: CheckpointSidecar }> {
  const model = MSFlowModel.create(config);
  const trainer = new Trainer(model);
  const ckpt = await serializeCheckpoint(model, { trainer, extra: { cli: { thresholds: { f1: { value: 0.5 } } } } });
  trainer.dispose();
  model.dispose();
  // As read back from disk.
  return { weights: ckpt.weights, sidecar: JSON.parse(JSON.stringify(ckpt.sidecar)) as CheckpointSidecar };
}

/** The first parameter tensor (not an Adam moment) with at least 4 elements. */
const paramName = (weights: Uint8Array): string => [...decodeSafetensors(weights).tensors].find(([n, t]) => !n.startsWith('adam.') && t.data.length > 3)![0];

/** The weights with one element of `tensor` replaced, and a sidecar whose integrity records match them. */
function poisoned(weights: Uint8Array, sidecar: CheckpointSidecar, tensor: string, value: number): { weights: Uint8Array; sidecar: CheckpointSidecar } {
  const { tensors, metadata } = decodeSafetensors(weights);
  const t = tensors.get(tensor)!;
  const data = Float32Array.from(t.data);
  data[3] = value;
  tensors.set(tensor, { shape: t.shape, data });
  const bytes = encodeSafetensors(tensors, metadata);
  return { weights: bytes, sidecar: sealSidecar({ ...sidecar, weights: { ...sidecar.weights, bytes: bytes.length, crc32: crc32(bytes) } }) };
}

describe('hostile checkpoints (issue 28)', () => {
  it('case 1: NaN or infinite weights are refused when loaded, naming the file and the tensor', async () => {
    const { weights, sidecar } = await checkpoint();
    const name = paramName(weights);
    for (const value of [NaN, Infinity, -Infinity]) {
      const bad = poisoned(weights, sidecar, name, value);
      expect(() => deserializeCheckpoint(bad.weights, bad.sidecar, { source: 'runs/x/model.safetensors' })).toThrow(
        new RegExp(`^runs/x/model\\.safetensors: weights are not finite: ${name.replace(/\./g, '\\.')}\\[3\\] is ${value} `),
      );
    }
    // The optimizer's moments too: a resumed run would turn them into NaN weights.
    const bad = poisoned(weights, sidecar, [...decodeSafetensors(weights).tensors].find(([n, t]) => n.startsWith('adam.v.') && t.data.length > 3)![0], NaN);
    expect(() => deserializeCheckpoint(bad.weights, bad.sidecar)).toThrow(/weights are not finite: adam\.v\..*\[3\] is NaN/);
  });

  it('case 1: a model with NaN parameters cannot be saved, so no NaN checkpoint is written', async () => {
    const { weights, sidecar } = await checkpoint();
    const name = paramName(weights);
    const good = deserializeCheckpoint(weights, sidecar);
    const params = new Map(good.params);
    const t = params.get(name)!;
    params.set(name, { shape: t.shape, data: Float32Array.from(t.data, (v, i) => (i === 0 ? NaN : v)) });
    const model = MSFlowModel.fromArrays(good.sidecar.config, good.sidecar.permutations, params, good.sidecar.rngState);
    await expect(serializeCheckpoint(model)).rejects.toThrow(/serializeCheckpoint: weights are not finite: .*\[0\] is NaN/);
    model.dispose();
  });

  it('case 1: a non-finite score is an error naming the image and the checkpoint, never a label', () => {
    expect(() => assertFiniteScores(Float32Array.of(0.2, NaN), ['a.png', 'b.png'], 'runs/x/model.safetensors')).toThrow(NonFiniteScoreError);
    expect(() => assertFiniteScores([0.2, Infinity], (i) => `img${i}.png`, 'ckpt')).toThrow(/^img1\.png: the model scored it Infinity with checkpoint ckpt, not a number/);
    expect(() => assertFiniteScores([0.2, 0.9], ['a', 'b'], 'ckpt')).not.toThrow();
  });

  it('case 5: an inputSize of 32000x32000 is refused on load, naming the file and the field', async () => {
    const { weights, sidecar } = await checkpoint();
    const huge = sealSidecar({ ...sidecar, config: { ...sidecar.config, inputSize: [32000, 32000] } });
    expect(() => deserializeCheckpoint(weights, huge, { source: 'm.safetensors' })).toThrow(/^m\.safetensors: field config: invalid MSFlow config: inputSize must be \[height, width\], positive integers up to 4096, got \[32000,32000\]/);
    // Edited without resealing: the sidecar's own CRC refuses it first.
    expect(() => deserializeCheckpoint(weights, { ...sidecar, config: { ...sidecar.config, inputSize: [32000, 32000] } })).toThrow(/sidecar CRC-32 is [0-9a-f]{8}, the sidecar recorded/);
  });

  it('case 5: two swapped permutation entries are caught by the sidecar CRC-32', async () => {
    const { weights, sidecar } = await checkpoint();
    const swapped = structuredClone(sidecar);
    const p = swapped.permutations.fusion[0];
    [p[0], p[1]] = [p[1], p[0]];
    expect(() => deserializeCheckpoint(weights, swapped, { source: 'm.safetensors' })).toThrow(/^m\.safetensors: sidecar CRC-32 is [0-9a-f]{8}, the sidecar recorded [0-9a-f]{8} \(edited or corrupt/);
    // So is an edited threshold in the caller's part, and a missing seal.
    const edited = structuredClone(sidecar) as CheckpointSidecar & { cli: { thresholds: { f1: { value: number } } } };
    edited.cli.thresholds.f1.value = 0.9;
    expect(() => deserializeCheckpoint(weights, edited)).toThrow(/sidecar CRC-32/);
    const { sidecarCrc32: _, ...unsealed } = sidecar;
    expect(() => deserializeCheckpoint(weights, unsealed)).toThrow(/sidecar field sidecarCrc32 is missing/);
  });

  it('case 5: an unknown backbone id is refused, naming the known ones', async () => {
    const { weights, sidecar } = await checkpoint();
    const other = sealSidecar({ ...sidecar, config: { ...sidecar.config, backbone: 'vgg99' }, backbone: { ...sidecar.backbone, id: 'vgg99' } });
    expect(() => deserializeCheckpoint(weights, other)).toThrow(/field config\.backbone: unknown backbone 'vgg99' \(known: resnet18, .*wide_resnet50_2/);
    const mismatch = sealSidecar({ ...sidecar, backbone: { ...sidecar.backbone, id: 'resnet18' } });
    expect(() => deserializeCheckpoint(weights, mismatch)).toThrow(/field backbone: expected \{ id: 'wide_resnet50_2'/);
  });

  it('case 5: a version-1 sidecar (written before the seal) still loads, with every field validated', async () => {
    const { weights, sidecar } = await checkpoint();
    const { sidecarCrc32: _, ...rest } = sidecar;
    const v1 = { ...rest, formatVersion: 1 };
    expect(deserializeCheckpoint(weights, v1).sidecar.config).toEqual(sidecar.config);
    expect(() => deserializeCheckpoint(weights, { ...v1, config: { ...v1.config, inputSize: [32000, 32000] } })).toThrow(/inputSize must be/);
  });

  it('case 6: unknown config keys are refused with their path and the nearest valid key', async () => {
    const typo = { ...presetConfig('cpu'), blcoks: [2, 2, 2], train: { ...presetConfig('cpu').train, lerningRate: 1 } } as unknown as MSFlowConfig;
    expect(() => validateConfig(typo)).toThrow(/unknown key blcoks \(did you mean blocks\?\)/);
    expect(() => validateConfig(typo)).toThrow(/unknown key train\.lerningRate[;)]/);
    const { weights, sidecar } = await checkpoint();
    const junk = sealSidecar({ ...sidecar, config: { ...sidecar.config, junk: 'x'.repeat(100) } });
    expect(() => deserializeCheckpoint(weights, junk)).toThrow(/field config: invalid MSFlow config: unknown key junk/);
  });
});
