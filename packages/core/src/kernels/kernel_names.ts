/**
 * The closed op set. Every kernel a backend may implement is declared here, once: its name,
 * its named inputs and its typed attributes. Backends are tables keyed by these names
 * (see {@link KernelTable}); output shapes and argument checks live in `kernel_specs.ts`.
 */

/** Element-wise kernels of one input. */
export const UNARY_KERNELS = [
  'Exp',
  'Log',
  'Tanh',
  'Atan',
  'Sigmoid',
  'Softplus',
  'Relu',
  'Relu6',
  'Sqrt',
  'Square',
  'Neg',
  'Abs',
  /** 1 where x > 0, else 0. Gradients of relu, clip, max use it. */
  'Step',
  'Sign',
] as const;

/** Element-wise kernels of two inputs, NumPy broadcasting. */
export const BINARY_KERNELS = ['Add', 'Sub', 'Mul', 'Div', 'Maximum', 'Minimum'] as const;

/** Reductions over a set of axes. */
export const REDUCE_KERNELS = ['Sum', 'Mean', 'Max'] as const;

export type UnaryKernel = (typeof UNARY_KERNELS)[number];
export type BinaryKernel = (typeof BINARY_KERNELS)[number];
export type ReduceKernel = (typeof REDUCE_KERNELS)[number];

/** Convolution geometry shared by the convolution kernels (NHWC input, HWIO filter). */
export interface ConvAttrs {
  /** [strideH, strideW]. */
  strides: [number, number];
  /** Zero padding [top, bottom, left, right]. Reflect padding is composed by the op from Gather. */
  pads: [number, number, number, number];
  /** Channel groups; groups === inChannels is a depthwise convolution. */
  groups: number;
}

/** Pooling geometry (NHWC). */
export interface PoolAttrs {
  kernel: [number, number];
  strides: [number, number];
  /** [top, bottom, left, right]. */
  pads: [number, number, number, number];
}

export interface ReduceAttrs {
  /** Sorted, non-negative, unique axes. */
  axes: number[];
  keepDims: boolean;
}

/** Attributes of every kernel. A kernel without attributes has `Record<string, never>`. */
export type KernelAttrsMap = { [K in UnaryKernel | BinaryKernel]: Record<string, never> } & {
  [K in ReduceKernel]: ReduceAttrs;
} & {
  /** 2-D matrix product, optional transposes. */
  MatMul: { transposeA: boolean; transposeB: boolean };
  Conv2D: ConvAttrs;
  /** Gradient of Conv2D with respect to its input. */
  Conv2DBackpropInput: ConvAttrs & { inputShape: [number, number, number, number] };
  /** Gradient of Conv2D with respect to its filter. */
  Conv2DBackpropFilter: ConvAttrs & { filterShape: [number, number, number, number] };
  /** Average pool; with countIncludePad the divisor is always kh*kw (PyTorch default). */
  AvgPool: PoolAttrs & { countIncludePad: boolean };
  AvgPoolGrad: PoolAttrs & { countIncludePad: boolean; inputShape: [number, number, number, number] };
  /** Max pool; padded cells never win. Not differentiable (only frozen backbones use it). */
  MaxPool: PoolAttrs;
  /** Bilinear resize of NHWC images to `size` = [outH, outW]. */
  ResizeBilinear: { size: [number, number]; alignCorners: boolean };
  ResizeBilinearGrad: { inputSize: [number, number]; alignCorners: boolean };
  /** Layer norm over the last axis with affine gamma/beta (both of the last axis' length). */
  LayerNorm: { epsilon: number };
  Transpose: { perm: number[] };
  Reshape: { shape: number[] };
  /** Concatenation of all inputs along `axis`. */
  Concat: { axis: number };
  Slice: { begin: number[]; size: number[] };
  /** Constant padding; `pads[i]` = [before, after] for axis i. */
  Pad: { pads: [number, number][]; value: number };
  /** out[..., j, ...] = x[..., indices[j], ...] along `axis`. */
  Gather: { axis: number; indices: number[] };
  /** out has `size` along `axis`; out[..., indices[j], ...] += x[..., j, ...]. Gather's gradient. */
  ScatterAdd: { axis: number; indices: number[]; size: number };
  /** Mean of the k largest values along the last axis (image score). Not differentiable. */
  TopKMean: { k: number };
};

export type KernelName = keyof KernelAttrsMap;

/** Input names of each kernel, in order. `xs` is the variadic input of Concat. */
export const KERNEL_INPUTS = {
  ...Object.fromEntries(UNARY_KERNELS.map((k) => [k, ['x']])),
  ...Object.fromEntries(BINARY_KERNELS.map((k) => [k, ['a', 'b']])),
  ...Object.fromEntries(REDUCE_KERNELS.map((k) => [k, ['x']])),
  MatMul: ['a', 'b'],
  Conv2D: ['x', 'filter', 'bias?'],
  Conv2DBackpropInput: ['dy', 'filter'],
  Conv2DBackpropFilter: ['x', 'dy'],
  AvgPool: ['x'],
  AvgPoolGrad: ['dy'],
  MaxPool: ['x'],
  ResizeBilinear: ['x'],
  ResizeBilinearGrad: ['dy'],
  LayerNorm: ['x', 'gamma', 'beta'],
  Transpose: ['x'],
  Reshape: ['x'],
  Concat: ['xs*'],
  Slice: ['x'],
  Pad: ['x'],
  Gather: ['x'],
  ScatterAdd: ['x'],
  TopKMean: ['x'],
} as unknown as Record<KernelName, readonly string[]>;

/** Every declared kernel name, in declaration order. */
export const KERNEL_NAMES = Object.keys(KERNEL_INPUTS) as KernelName[];
