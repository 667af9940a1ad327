import { decodeSafetensors, encodeSafetensors, SafetensorsError, type NamedArray } from '../io/safetensors.js';
import { isArchId } from '../backbone/architectures.js';
import { ARCH_IDS } from '../backbone/types.js';
import { ConfigError, validateConfig, type MSFlowConfig } from '../models/msflow/config.js';
import { msflowParamSpecs } from '../models/msflow/graph.js';
import { MSFlowModel } from '../models/msflow/model.js';
import { validatePermutations } from '../models/msflow/permutations.js';
import { CORE_VERSION } from '../models/msflow/version.js';
import type { RngState } from '../random/rng.js';
import { namedAdamState, type AdamState } from '../train/adam.js';
import { Trainer, type TrainerOptions } from '../train/trainer.js';
import { crc32 } from './crc32.js';
import { SEAL_FIELD, sealSidecar, sidecarCrc32 } from './seal.js';
import { ADAM_PREFIX, CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, READABLE_FORMAT_VERSIONS, type CheckpointSidecar } from './sidecar.js';

/** Thrown for a checkpoint that cannot be loaded; the message says which part is wrong and how. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** A checkpoint as two parts: safetensors bytes and a JSON-able sidecar object. */
export interface SerializedCheckpoint {
  weights: Uint8Array;
  sidecar: CheckpointSidecar;
}

/** Optional context recorded in the sidecar. */
export interface SerializeOptions {
  /** Include training progress and Adam moments (so the run can resume). */
  trainer?: Trainer;
  preset?: string;
  /** Identifier of the backbone weights (file name or hash). */
  backboneWeights?: string;
  /** Name of the backend that trained it. */
  backend?: string;
  /**
   * More sidecar fields (e.g. the CLI's `cli` part with thresholds), covered by the sidecar's
   * CRC-32 like the rest. They may not replace the core fields.
   */
  extra?: Record<string, unknown>;
}

/**
 * Serialises a model (and, with `trainer`, its optimizer and progress) to safetensors bytes plus
 * a sidecar object sealed with its own CRC-32 (`options.extra` included). Equal state gives
 * byte-identical weights and a deep-equal sidecar: names are sorted and nothing time-dependent
 * is written. A model whose parameters are not all finite is refused: it would score every
 * image NaN. Core has no file system: write the two parts
 * with a temp-file-and-rename (see `@msflow/data`'s `writeFileAtomic`).
 *
 * @example
 * ```ts
 * const { weights, sidecar } = await serializeCheckpoint(model, { trainer, preset: 'cpu' });
 * await writeFileAtomic('last.safetensors', weights);
 * await writeFileAtomic('last.json', JSON.stringify(sidecar));
 * ```
 */
export async function serializeCheckpoint(model: MSFlowModel, options: SerializeOptions = {}): Promise<SerializedCheckpoint> {
  const { trainer } = options;
  if (trainer && trainer.model !== model) throw new CheckpointError('serializeCheckpoint: the trainer belongs to another model');
  const tensors = await model.paramArrays();
  for (const [name, t] of tensors) checkFinite(name, t.data, 'serializeCheckpoint');
  const adam = trainer ? await trainer.optimizerState() : undefined;
  if (adam) {
    for (const [name, a] of namedAdamState(adam, model.specs.map((s) => s.shape), model.specs.map((s) => s.name), ADAM_PREFIX)) tensors.set(name, a);
  }
  const weights = encodeSafetensors(tensors, { format: CHECKPOINT_FORMAT });
  const t = model.config.train;
  const state = trainer?.state ?? null;
  const sidecar: CheckpointSidecar = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    libraryVersion: CORE_VERSION,
    preset: options.preset ?? null,
    backbone: { id: model.config.backbone, padding: model.config.backbonePadding, weights: options.backboneWeights ?? null },
    config: structuredClone(model.config),
    permutations: structuredClone(model.permutations),
    rngState: [...model.rngState] as RngState,
    training: state,
    optimizer: adam ? { kind: 'adam', step: adam.step, betas: [...t.betas], eps: t.eps } : null,
    metrics: state ? structuredClone(state.metrics) : null,
    weights: { bytes: weights.length, crc32: crc32(weights), tensors: tensors.size },
    backend: options.backend ?? null,
  };
  const clash = Object.keys(options.extra ?? {}).filter((k) => k in sidecar || k === SEAL_FIELD);
  if (clash.length) throw new CheckpointError(`serializeCheckpoint: extra sidecar fields may not replace ${clash.join(', ')}`);
  return { weights, sidecar: sealSidecar({ ...sidecar, ...structuredClone(options.extra ?? {}) }) };
}

/** A validated checkpoint, not yet on any backend. */
export interface CheckpointContent {
  sidecar: CheckpointSidecar;
  /** Every parameter, by name. */
  params: Map<string, NamedArray>;
  /** Adam moments in parameter-spec order, when the checkpoint has them. */
  adam: AdamState | null;
}

/** Options of {@link deserializeCheckpoint}. */
export interface DeserializeOptions {
  /** Fail unless the checkpoint's model matches this configuration (channels, blocks, clamps, PE, backbone, pool). */
  expect?: MSFlowConfig;
  /** Names the files in error messages. */
  source?: string;
}

const STRUCTURAL = ['backbone', 'channels', 'blocks', 'clamp', 'fusionClamp', 'condChannels', 'pool'] as const;

function listSome(items: readonly string[], max = 5): string {
  return items.slice(0, max).join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');
}

/** Throws naming the first element of `data` that is NaN or infinite. */
function checkFinite(name: string, data: ArrayLike<number>, where: string): void {
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    // x - x is NaN for NaN and for both infinities: one comparison per element.
    if (x - x !== 0) {
      throw new CheckpointError(`${where}: weights are not finite: ${name}[${i}] is ${x} (a diverged or corrupted model; it would score every image NaN)`);
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkSidecar(raw: unknown, where: string): CheckpointSidecar {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${where}: ${msg}`);
  };
  if (!isObject(raw)) fail('sidecar is not a JSON object');
  const s = raw as unknown as CheckpointSidecar;
  if (s.format !== CHECKPOINT_FORMAT) fail(`sidecar format is ${JSON.stringify(s.format)}, expected ${CHECKPOINT_FORMAT}`);
  if (!READABLE_FORMAT_VERSIONS.includes(s.formatVersion)) fail(`sidecar format version ${s.formatVersion} is not supported (this library reads ${READABLE_FORMAT_VERSIONS.join(' and ')})`);
  if (s.formatVersion >= 2) {
    if (typeof s.sidecarCrc32 !== 'string') fail(`sidecar field ${SEAL_FIELD} is missing (format version ${s.formatVersion} seals the sidecar)`);
    const crc = sidecarCrc32(raw as Record<string, unknown>);
    if (crc !== s.sidecarCrc32) fail(`sidecar CRC-32 is ${crc}, the sidecar recorded ${s.sidecarCrc32} (edited or corrupt: config, permutations or thresholds changed since it was written)`);
  }
  try {
    validateConfig(s.config);
  } catch (err) {
    fail(`field config: ${err instanceof ConfigError ? err.message : `unreadable (${String(err)})`}`);
  }
  if (!isArchId(s.config.backbone)) fail(`field config.backbone: unknown backbone '${s.config.backbone}' (known: ${ARCH_IDS.join(', ')})`);
  if (!isObject(s.backbone) || s.backbone.id !== s.config.backbone || s.backbone.padding !== s.config.backbonePadding) {
    fail(`field backbone: expected { id: '${s.config.backbone}', padding: '${s.config.backbonePadding}' } as in config`);
  }
  try {
    validatePermutations(s.config, s.permutations);
  } catch (err) {
    fail(`field ${err instanceof Error ? err.message : String(err)}`);
  }
  const words = (v: unknown) => Array.isArray(v) && v.length === 4 && v.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32);
  const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!words(s.rngState)) fail('field rngState: must be four 32-bit words');
  if (s.training !== null) {
    const t = s.training;
    if (!isObject(t) || !words(t.epochRng)) fail('field training: malformed (epochRng must be four 32-bit words)');
    for (const k of ['step', 'subEpoch', 'batch', 'images'] as const) if (!count(t[k])) fail(`field training.${k}: must be a non-negative integer, got ${JSON.stringify(t[k])}`);
  }
  if (s.optimizer !== null && (s.optimizer?.kind !== 'adam' || !count(s.optimizer.step))) fail('field optimizer: malformed (expected { kind: adam, step })');
  if (!!s.training !== !!s.optimizer) fail('fields training and optimizer: must be saved together');
  const w = s.weights;
  if (!isObject(w) || !count(w.bytes) || typeof w.crc32 !== 'string' || !/^[0-9a-f]{8}$/.test(w.crc32)) fail('field weights: the integrity entry { bytes, crc32 } is missing or malformed');
  return s;
}

/**
 * Validates and decodes a checkpoint: the sidecar's own CRC-32 (format 2), structure, config
 * (sizes within limits, a known backbone) and permutations; the weights' length and CRC against
 * the sidecar (a truncated or swapped file fails here); every tensor name and shape against the
 * parameters the config implies (none missing, none extra); every weight finite; optionally the
 * config against `options.expect`. Throws a {@link CheckpointError}, one line naming the file
 * and the field; allocates no tensors.
 *
 * @example
 * ```ts
 * const content = deserializeCheckpoint(await readFile('last.safetensors'), JSON.parse(await readFile('last.json', 'utf8')));
 * const model = restoreModel(content);
 * ```
 */
export function deserializeCheckpoint(weights: Uint8Array, sidecar: unknown, options: DeserializeOptions = {}): CheckpointContent {
  const where = options.source ?? 'checkpoint';
  const s = checkSidecar(sidecar, where);
  if (weights.length !== s.weights.bytes) {
    throw new CheckpointError(
      `${where}: weights are ${weights.length} bytes but the sidecar recorded ${s.weights.bytes}` +
        (weights.length < s.weights.bytes ? ' (truncated file?)' : ' (not the matching weights file?)'),
    );
  }
  const crc = crc32(weights);
  if (crc !== s.weights.crc32) throw new CheckpointError(`${where}: weights CRC-32 is ${crc}, the sidecar recorded ${s.weights.crc32} (corrupt or mismatched file)`);
  if (options.expect) {
    const diffs = STRUCTURAL.filter((k) => JSON.stringify(s.config[k]) !== JSON.stringify(options.expect![k])).map(
      (k) => `${k} ${JSON.stringify(s.config[k])} (expected ${JSON.stringify(options.expect![k])})`,
    );
    if (diffs.length > 0) throw new CheckpointError(`${where}: checkpoint does not match the configuration: ${diffs.join('; ')}`);
  }
  let tensors: Map<string, NamedArray>;
  try {
    tensors = decodeSafetensors(weights, where).tensors;
  } catch (err) {
    throw new CheckpointError(err instanceof SafetensorsError ? err.message : `${where}: unreadable weights (${String(err)})`);
  }
  const specs = msflowParamSpecs(s.config);
  const expected = new Map<string, readonly number[]>(specs.map((p) => [p.name, p.shape]));
  if (s.optimizer) {
    for (const p of specs) {
      expected.set(`${ADAM_PREFIX}.m.${p.name}`, p.shape);
      expected.set(`${ADAM_PREFIX}.v.${p.name}`, p.shape);
    }
  }
  const missing = [...expected.keys()].filter((n) => !tensors.has(n));
  const extra = [...tensors.keys()].filter((n) => !expected.has(n));
  const wrong = [...expected]
    .filter(([n, shape]) => {
      const t = tensors.get(n);
      return t && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]));
    })
    .map(([n, shape]) => `${n} is [${tensors.get(n)!.shape.join(',')}], expected [${shape.join(',')}]`);
  const problems = [
    missing.length ? `${missing.length} missing tensor(s): ${listSome(missing)}` : '',
    extra.length ? `${extra.length} unexpected tensor(s): ${listSome(extra)}` : '',
    wrong.length ? `${wrong.length} shape mismatch(es): ${listSome(wrong)}` : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new CheckpointError(`${where}: weights do not match the model in the sidecar: ${problems.join('; ')}`);
  for (const name of [...expected.keys()].sort()) checkFinite(name, tensors.get(name)!.data, where);
  const params = new Map(specs.map((p) => [p.name, tensors.get(p.name)!]));
  const adam: AdamState | null = s.optimizer
    ? {
        step: s.optimizer.step,
        m: specs.map((p) => tensors.get(`${ADAM_PREFIX}.m.${p.name}`)!.data),
        v: specs.map((p) => tensors.get(`${ADAM_PREFIX}.v.${p.name}`)!.data),
      }
    : null;
  return { sidecar: structuredClone(s), params, adam };
}

/**
 * Builds the model of a validated checkpoint on the active backend.
 *
 * @example
 * ```ts
 * const model = restoreModel(deserializeCheckpoint(weights, sidecar));
 * ```
 */
export function restoreModel(content: CheckpointContent): MSFlowModel {
  const s = content.sidecar;
  return MSFlowModel.fromArrays(s.config, s.permutations, content.params, s.rngState);
}

/**
 * A trainer that resumes where the checkpoint's run stopped (optimizer moments, schedule
 * position, shuffling generator, metrics); throws if the checkpoint holds no training state.
 *
 * @example
 * ```ts
 * const content = deserializeCheckpoint(weights, sidecar);
 * const model = restoreModel(content);
 * await restoreTrainer(model, content).run(features);
 * ```
 */
export function restoreTrainer(model: MSFlowModel, content: CheckpointContent, options: TrainerOptions = {}): Trainer {
  const { training } = content.sidecar;
  if (!training || !content.adam) throw new CheckpointError('checkpoint has no training state (saved without a trainer)');
  return new Trainer(model, { state: training, adam: content.adam }, options);
}

/**
 * Loads a checkpoint in one call: validates it, builds the model and, when it holds training
 * state, a trainer ready to resume.
 *
 * @example
 * ```ts
 * const { model, trainer } = loadCheckpoint(weights, sidecar);
 * if (trainer && !trainer.finished) await trainer.run(features);
 * ```
 */
export function loadCheckpoint(weights: Uint8Array, sidecar: unknown, options: DeserializeOptions = {}): { model: MSFlowModel; trainer: Trainer | null; sidecar: CheckpointSidecar } {
  const content = deserializeCheckpoint(weights, sidecar, options);
  const model = restoreModel(content);
  try {
    return { model, trainer: content.adam ? restoreTrainer(model, content) : null, sidecar: content.sidecar };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
