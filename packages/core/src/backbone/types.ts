/**
 * The data model of a backbone graph: convolutions (with the names each weight format gives
 * them), the node program that wires them, and the tap points features can be read from.
 */

/** Activation applied after a convolution or after a residual add. */
export type Activation = 'relu' | 'relu6' | 'none';

/** How convolutions with padding > 0 pad: zeros (torchvision, Keras) or reflect (MSFlow's WRN). */
export type PadMode = 'zeros' | 'reflect';

/** Every built-in architecture. */
export const ARCH_IDS = [
  'resnet18',
  'resnet34',
  'resnet50',
  'wide_resnet50_2',
  'keras_resnet50',
  'mobilenet_v1',
  'mobilenet_v2',
  'keras_mobilenet_v2',
] as const;

export type ArchId = (typeof ARCH_IDS)[number];

/** Names of one convolution (and its BatchNorm) in a weight format. */
export interface LayerNames {
  /** Convolution name: `layer1.0.conv1` (torch, parameter `.weight`) or `res2a_branch2a` (Keras, `/kernel`). */
  conv: string;
  /** BatchNorm name after the convolution, when it has one. */
  bn?: string;
}

/** One convolution of a graph, with BatchNorm folded in at load time. */
export interface ConvSpec {
  /** Canonical key (the torchvision-style name where one exists). */
  readonly key: string;
  /** [kh, kw]. */
  readonly kernel: readonly [number, number];
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
  /** [top, bottom, left, right]. */
  readonly padding: readonly [number, number, number, number];
  /** 1, or inChannels for a depthwise convolution. */
  readonly groups: number;
  /** Whether the source model has a BatchNorm after this convolution. */
  readonly batchNorm: boolean;
  /** Names per weight format. */
  readonly names: { readonly torch?: LayerNames; readonly keras?: LayerNames };
}

/** A convolution followed by an activation. */
export interface ConvStep {
  readonly conv: string;
  readonly act: Activation;
}

/**
 * One node of the program. `chain` runs its steps in order; its shortcut (identity, a chain of
 * convolutions on the node input, or none) is added to the result, then `act` is applied.
 */
export type GraphNode =
  | {
      readonly op: 'chain';
      readonly steps: readonly ConvStep[];
      readonly shortcut: 'identity' | readonly ConvStep[] | null;
      readonly act: Activation;
    }
  | { readonly op: 'maxpool'; readonly kernel: number; readonly stride: number; readonly padding: number };

/** A place features can be read from: the output of node `node`. */
export interface TapPoint {
  /** Stage name, e.g. `layer2` (torchvision) or `stage3`. */
  readonly name: string;
  /** Index of the node whose output it is. */
  readonly node: number;
  readonly channels: number;
  /** Stride of the feature map relative to the input. */
  readonly stride: number;
}

/** Input normalisation a backbone's weights expect (see `preprocess.ts`). */
export interface Preprocess {
  /** `imagenet` (torchvision), `caffe` (Keras ResNet50), `tf` ([-1, 1]) or `unit` ([0, 1]). */
  readonly name: 'imagenet' | 'caffe' | 'tf' | 'unit';
  /** Channel order the network expects. */
  readonly channelOrder: 'rgb' | 'bgr';
  /** RGB values in [0, 1] are multiplied by this first (255 for Caffe-style input). */
  readonly scale: number;
  /** Per-channel mean, in the network's channel order, after scaling. */
  readonly mean: readonly [number, number, number];
  /** Per-channel std, in the network's channel order, after scaling. */
  readonly std: readonly [number, number, number];
  /** One line for humans. */
  readonly description: string;
}

/** A complete architecture: convolutions, program, taps. */
export interface ArchSpec {
  readonly id: ArchId;
  readonly title: string;
  /** Naming scheme of its pretrained weights: torchvision state-dict or Keras layer names. */
  readonly naming: 'torch' | 'keras';
  readonly padMode: PadMode;
  /** Convolutions in the source framework's execution order (the order an ONNX export lists them). */
  readonly convs: readonly ConvSpec[];
  readonly nodes: readonly GraphNode[];
  /** Every tap point the graph offers (up to the last node built). */
  readonly tapPoints: readonly TapPoint[];
  /** Names of the taps `extract` returns, in order. */
  readonly taps: readonly string[];
  readonly preprocess: Preprocess;
  /** BatchNorm epsilon of the source framework (torchvision 1e-5, Keras 1e-3). */
  readonly bnEpsilon: number;
}
