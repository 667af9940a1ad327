import { kerasResNet50 } from './keras_resnet.js';
import { mobileNetV1, mobileNetV2 } from './mobilenet.js';
import { torchResNet } from './resnet.js';
import { ARCH_IDS, type ArchId, type ArchSpec, type ConvStep, type PadMode } from './types.js';

/** Options of {@link architecture}. */
export interface ArchitectureOptions {
  /** Tap names to extract, in order, or `all` (default: the MSFlow-style three, see {@link DEFAULT_TAPS}). */
  taps?: readonly string[] | 'all';
  /** Padding of every convolution with padding > 0 (default `zeros`; MSFlow's WRN uses `reflect`). */
  padMode?: PadMode;
}

/** Default taps: the stride-4/8/16 stages (the MSFlow paper's layer1-layer3). */
export const DEFAULT_TAPS: Record<ArchId, readonly string[]> = {
  resnet18: ['layer1', 'layer2', 'layer3'],
  resnet34: ['layer1', 'layer2', 'layer3'],
  resnet50: ['layer1', 'layer2', 'layer3'],
  wide_resnet50_2: ['layer1', 'layer2', 'layer3'],
  keras_resnet50: ['layer1', 'layer2', 'layer3'],
  mobilenet_v1: ['stride4', 'stride8', 'stride16'],
  mobilenet_v2: ['stride4', 'stride8', 'stride16'],
  keras_mobilenet_v2: ['stride4', 'stride8', 'stride16'],
};

function fullSpec(id: ArchId): Omit<ArchSpec, 'padMode' | 'taps'> {
  switch (id) {
    case 'resnet18':
    case 'resnet34':
    case 'resnet50':
    case 'wide_resnet50_2':
      return torchResNet(id);
    case 'keras_resnet50':
      return kerasResNet50();
    case 'mobilenet_v1':
      return mobileNetV1();
    case 'mobilenet_v2':
      return mobileNetV2(false);
    case 'keras_mobilenet_v2':
      return mobileNetV2(true);
  }
}

/** Whether `id` names a built-in architecture. */
export function isArchId(id: string): id is ArchId {
  return (ARCH_IDS as readonly string[]).includes(id);
}

/**
 * The graph of a built-in architecture, cut after the deepest requested tap: convolutions past it
 * (e.g. ResNet layer4) are not part of the graph and their weights are ignored on import.
 *
 * @example
 * ```ts
 * const spec = architecture('wide_resnet50_2', { padMode: 'reflect' }); // MSFlow's backbone
 * spec.tapPoints.map((t) => `${t.name}: ${t.channels} ch, stride ${t.stride}`);
 * ```
 */
export function architecture(id: ArchId | string, options: ArchitectureOptions = {}): ArchSpec {
  if (!isArchId(id)) throw new Error(`unknown backbone architecture '${id}'; known: ${ARCH_IDS.join(', ')}`);
  const full = fullSpec(id);
  const taps = options.taps === 'all' ? full.tapPoints.map((t) => t.name) : [...(options.taps ?? DEFAULT_TAPS[id])];
  if (taps.length === 0) throw new Error(`${id}: at least one tap is needed`);
  const points = taps.map((name) => {
    const p = full.tapPoints.find((t) => t.name === name);
    if (!p) throw new Error(`${id}: unknown tap '${name}'; available: ${full.tapPoints.map((t) => t.name).join(', ')}`);
    return p;
  });
  if (new Set(taps).size !== taps.length) throw new Error(`${id}: duplicate taps in [${taps.join(', ')}]`);
  const lastNode = Math.max(...points.map((p) => p.node));
  const nodes = full.nodes.slice(0, lastNode + 1);
  const used = new Set<string>();
  for (const n of nodes) {
    if (n.op !== 'chain') continue;
    const steps: readonly ConvStep[] = [...n.steps, ...(Array.isArray(n.shortcut) ? n.shortcut : [])];
    for (const s of steps) used.add(s.conv);
  }
  return {
    ...full,
    convs: full.convs.filter((c) => used.has(c.key)),
    nodes,
    tapPoints: full.tapPoints.filter((t) => t.node <= lastNode),
    taps,
    padMode: options.padMode ?? 'zeros',
  };
}
