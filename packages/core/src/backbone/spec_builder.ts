import type { Activation, ConvSpec, ConvStep, GraphNode, LayerNames, TapPoint } from './types.js';

/** Geometry and names of a convolution being declared. */
export interface ConvDecl {
  key: string;
  k: number;
  cin: number;
  cout: number;
  stride?: number;
  /** Symmetric padding, or [top, bottom, left, right]. Default k >> 1. */
  pad?: number | readonly [number, number, number, number];
  depthwise?: boolean;
  batchNorm?: boolean;
  torch?: LayerNames;
  keras?: LayerNames;
}

/**
 * Collects convolutions, nodes and tap points while an architecture is declared, tracking the
 * current channel count and stride.
 */
export class SpecBuilder {
  readonly convs: ConvSpec[] = [];
  readonly nodes: GraphNode[] = [];
  readonly tapPoints: TapPoint[] = [];
  stride = 1;

  /** Declares a convolution and returns the step that runs it. */
  conv(d: ConvDecl, act: Activation): ConvStep {
    const p = d.pad ?? d.k >> 1;
    const padding: [number, number, number, number] = typeof p === 'number' ? [p, p, p, p] : [p[0], p[1], p[2], p[3]];
    if (d.depthwise && d.cin !== d.cout) throw new Error(`${d.key}: a depthwise convolution keeps its channel count`);
    this.convs.push({
      key: d.key,
      kernel: [d.k, d.k],
      inChannels: d.cin,
      outChannels: d.cout,
      stride: d.stride ?? 1,
      padding,
      groups: d.depthwise ? d.cin : 1,
      batchNorm: d.batchNorm ?? true,
      names: { torch: d.torch, keras: d.keras },
    });
    return { conv: d.key, act };
  }

  /** Appends a node; `strideFactor` is how much it downsamples. */
  node(n: GraphNode, strideFactor = 1): number {
    this.nodes.push(n);
    this.stride *= strideFactor;
    return this.nodes.length - 1;
  }

  /** Marks the output of the last node as a tap point. */
  tap(name: string, channels: number): void {
    this.tapPoints.push({ name, node: this.nodes.length - 1, channels, stride: this.stride });
  }
}

/** torchvision names of a convolution and its BatchNorm, e.g. `layer1.0.conv1` + `layer1.0.bn1`. */
export function torchNames(conv: string, bn?: string): LayerNames {
  return bn === undefined ? { conv } : { conv, bn };
}
