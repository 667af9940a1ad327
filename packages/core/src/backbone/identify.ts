import { architecture } from './architectures.js';
import { expectedWeightShape } from './fold.js';
import type { OnnxModel } from './onnx/read.js';
import { ARCH_IDS, type ArchId, type ArchSpec, type ConvStep } from './types.js';
import type { TensorStore } from './weights.js';

/** How well a weight file fits one architecture. */
export interface ArchMatch {
  arch: ArchId;
  /** How tensors were matched: by torchvision/Keras names, or by ONNX Conv order. */
  naming: 'torch' | 'keras' | 'onnx-order';
  /** Convolutions of the full graph whose weights were found with the right shapes. */
  matchedConvs: number;
  totalConvs: number;
  /** Taps the file can feed (every convolution up to the tap is present). */
  taps: { name: string; channels: number; stride: number }[];
  /** First problems found (missing or mis-shaped tensors). */
  problems: string[];
}

const fullSpec = (id: ArchId): ArchSpec => architecture(id, { taps: 'all' });

/** Index of the first node using each conv. */
function convNodes(spec: ArchSpec): Map<string, number> {
  const at = new Map<string, number>();
  spec.nodes.forEach((n, i) => {
    if (n.op !== 'chain') return;
    const steps: readonly ConvStep[] = [...n.steps, ...(Array.isArray(n.shortcut) ? n.shortcut : [])];
    for (const s of steps) at.set(s.conv, i);
  });
  return at;
}

function tapsUpTo(spec: ArchSpec, present: (key: string) => boolean): ArchMatch['taps'] {
  const at = convNodes(spec);
  let firstMissingNode = Infinity;
  for (const c of spec.convs) if (!present(c.key)) firstMissingNode = Math.min(firstMissingNode, at.get(c.key)!);
  return spec.tapPoints.filter((t) => t.node < firstMissingNode).map((t) => ({ name: t.name, channels: t.channels, stride: t.stride }));
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Matches a named-tensor store against an architecture in one naming scheme. */
function matchNamed(spec: ArchSpec, store: TensorStore, naming: 'torch' | 'keras'): ArchMatch | undefined {
  if (!spec.convs.every((c) => c.names[naming])) return undefined;
  const problems: string[] = [];
  const ok = new Set<string>();
  for (const c of spec.convs) {
    const n = c.names[naming]!;
    const torch = naming === 'torch';
    const wName = torch ? `${n.conv}.weight` : c.groups > 1 ? `${n.conv}/depthwise_kernel` : `${n.conv}/kernel`;
    const layout = torch ? 'OIHW' : c.groups > 1 ? 'HWCM' : 'HWIO';
    const t = store.get(wName);
    if (!t) {
      if (problems.length < 3) problems.push(`missing '${wName}'`);
      continue;
    }
    const want = expectedWeightShape(c, layout);
    if (!same(t.shape, want)) {
      if (problems.length < 3) problems.push(`'${wName}' is [${t.shape.join(',')}], expected [${want.join(',')}]`);
      continue;
    }
    ok.add(c.key);
  }
  if (ok.size === 0) return undefined;
  return { arch: spec.id, naming, matchedConvs: ok.size, totalConvs: spec.convs.length, taps: tapsUpTo(spec, (k) => ok.has(k)), problems };
}

/**
 * Which architectures a named-tensor file (safetensors state dict, tfjs model) can feed, best
 * first. Only shapes of convolution weights are compared, so this is cheap.
 *
 * @example
 * ```ts
 * const [best] = identifyArchitectures(safetensorsStore(bytes));
 * console.log(best.arch, best.taps.map((t) => t.name));
 * ```
 */
export function identifyArchitectures(store: TensorStore): ArchMatch[] {
  const out: ArchMatch[] = [];
  for (const id of ARCH_IDS) {
    const spec = fullSpec(id);
    const m = matchNamed(spec, store, spec.naming);
    if (m) out.push(m);
  }
  return rank(out);
}

/** Like {@link identifyArchitectures} for an ONNX model: by names, else by Conv order. */
export function identifyOnnxArchitectures(model: OnnxModel): ArchMatch[] {
  const named = identifyArchitectures(model.store);
  if (named.some((m) => m.matchedConvs === m.totalConvs)) return named;
  const out: ArchMatch[] = [...named];
  for (const id of ARCH_IDS) {
    const spec = fullSpec(id);
    const ok = new Set<string>();
    const problems: string[] = [];
    for (let i = 0; i < spec.convs.length && i < model.convs.length; i++) {
      const c = spec.convs[i];
      const node = model.convs[i];
      const shape = model.initializers.find((t) => t.name === node.weight)?.shape ?? [];
      const want = expectedWeightShape(c, 'OIHW');
      if (!same(shape, want) || node.group !== c.groups || node.strides.some((s) => s !== c.stride)) {
        problems.push(`Conv #${i} '${node.node}': weight [${shape.join(',')}] group ${node.group} strides [${node.strides.join(',')}], expected [${want.join(',')}] group ${c.groups} stride ${c.stride}`);
        break;
      }
      ok.add(c.key);
    }
    if (ok.size > 0) out.push({ arch: id, naming: 'onnx-order', matchedConvs: ok.size, totalConvs: spec.convs.length, taps: tapsUpTo(spec, (k) => ok.has(k)), problems });
  }
  return rank(out);
}

function rank(ms: ArchMatch[]): ArchMatch[] {
  return ms.sort((a, b) => b.taps.length - a.taps.length || b.matchedConvs / b.totalConvs - a.matchedConvs / a.totalConvs || b.matchedConvs - a.matchedConvs);
}
