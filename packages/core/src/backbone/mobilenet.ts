import { IMAGENET_PREPROCESS, TF_PREPROCESS } from './preprocess.js';
import { SpecBuilder } from './spec_builder.js';
import type { ArchSpec, ConvStep } from './types.js';

/** Padding of a 3x3 stride-2 convolution: Keras pads (0, 1) on even inputs, torchvision (1, 1). */
const pad3 = (keras: boolean, stride: number): number | [number, number, number, number] => (keras && stride === 2 ? [0, 1, 0, 1] : 1);

/**
 * Keras `applications.MobileNet` (v1, alpha 1): `conv1` (3x3/s2, 32) then 13 depthwise-separable
 * blocks `conv_dw_N` + `conv_pw_N` with BatchNorm (`..._bn`) and ReLU6. Taps by stride:
 * `stride4` (block 3, 128 ch), `stride8` (block 5, 256), `stride16` (block 11, 512),
 * `stride32` (block 13, 1024). Keras "tf" input ([-1, 1]).
 */
export function mobileNetV1(): Omit<ArchSpec, 'padMode' | 'taps'> {
  const b = new SpecBuilder();
  const stem = b.conv({ key: 'conv1', k: 3, cin: 3, cout: 32, stride: 2, pad: pad3(true, 2), keras: { conv: 'conv1', bn: 'conv1_bn' } }, 'relu6');
  b.node({ op: 'chain', steps: [stem], shortcut: null, act: 'none' }, 2);
  const blocks: [number, number][] = [
    [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
  ];
  const taps: Record<number, string> = { 3: 'stride4', 5: 'stride8', 11: 'stride16', 13: 'stride32' };
  let cin = 32;
  blocks.forEach(([cout, stride], i) => {
    const id = i + 1;
    const dw = b.conv(
      { key: `conv_dw_${id}`, k: 3, cin, cout: cin, stride, pad: pad3(true, stride), depthwise: true, keras: { conv: `conv_dw_${id}`, bn: `conv_dw_${id}_bn` } },
      'relu6',
    );
    const pw = b.conv({ key: `conv_pw_${id}`, k: 1, cin, cout, keras: { conv: `conv_pw_${id}`, bn: `conv_pw_${id}_bn` } }, 'relu6');
    b.node({ op: 'chain', steps: [dw, pw], shortcut: null, act: 'none' }, stride);
    cin = cout;
    if (taps[id]) b.tap(taps[id], cout);
  });
  return {
    id: 'mobilenet_v1',
    title: 'MobileNetV1 1.0 (Keras applications)',
    naming: 'keras',
    convs: b.convs,
    nodes: b.nodes,
    tapPoints: b.tapPoints,
    preprocess: TF_PREPROCESS,
    bnEpsilon: 1e-3,
  };
}

/** (expansion t, channels c, repeats n, first stride s), as in the MobileNetV2 paper. */
const V2_SETTINGS: readonly [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

/**
 * MobileNetV2 1.0: a 3x3/s2 stem, 17 inverted-residual blocks (1x1 expand + ReLU6, 3x3 depthwise
 * + ReLU6, 1x1 linear projection, residual add when shape allows) and a 1x1 conv to 1280.
 * `keras: false` gives torchvision names (`features.I.conv.J`), symmetric padding and ImageNet
 * input; `keras: true` gives Keras names (`block_N_expand`, `expanded_conv_depthwise`, `Conv_1`),
 * Keras' (0, 1) padding of stride-2 convolutions and [-1, 1] input. Taps `stride4` (24 ch,
 * features.3 / block_2), `stride8` (32, features.6 / block_5), `stride16` (96, features.13 /
 * block_12), `stride32` (1280, features.18 / Conv_1).
 */
export function mobileNetV2(keras: boolean): Omit<ArchSpec, 'padMode' | 'taps'> {
  const b = new SpecBuilder();
  const stem = b.conv(
    { key: 'features.0.0', k: 3, cin: 3, cout: 32, stride: 2, pad: pad3(keras, 2), torch: { conv: 'features.0.0', bn: 'features.0.1' }, keras: { conv: 'Conv1', bn: 'bn_Conv1' } },
    'relu6',
  );
  b.node({ op: 'chain', steps: [stem], shortcut: null, act: 'none' }, 2);
  const taps: Record<number, string> = { 3: 'stride4', 6: 'stride8', 13: 'stride16' };
  let cin = 32;
  let index = 1;
  for (const [t, c, n, s] of V2_SETTINGS) {
    for (let r = 0; r < n; r++) {
      const stride = r === 0 ? s : 1;
      const hidden = cin * t;
      const f = `features.${index}.conv`;
      const kb = index === 1 ? 'expanded_conv' : `block_${index - 1}`;
      const steps: ConvStep[] = [];
      let j = 0;
      if (t !== 1) {
        steps.push(b.conv({ key: `${f}.0.0`, k: 1, cin, cout: hidden, torch: { conv: `${f}.0.0`, bn: `${f}.0.1` }, keras: { conv: `${kb}_expand`, bn: `${kb}_expand_BN` } }, 'relu6'));
        j = 1;
      }
      steps.push(
        b.conv(
          {
            key: `${f}.${j}.0`, k: 3, cin: hidden, cout: hidden, stride, pad: pad3(keras, stride), depthwise: true,
            torch: { conv: `${f}.${j}.0`, bn: `${f}.${j}.1` }, keras: { conv: `${kb}_depthwise`, bn: `${kb}_depthwise_BN` },
          },
          'relu6',
        ),
      );
      steps.push(b.conv({ key: `${f}.${j + 1}`, k: 1, cin: hidden, cout: c, torch: { conv: `${f}.${j + 1}`, bn: `${f}.${j + 2}` }, keras: { conv: `${kb}_project`, bn: `${kb}_project_BN` } }, 'none'));
      b.node({ op: 'chain', steps, shortcut: stride === 1 && cin === c ? 'identity' : null, act: 'none' }, stride);
      cin = c;
      if (taps[index]) b.tap(taps[index], c);
      index++;
    }
  }
  const last = b.conv({ key: 'features.18.0', k: 1, cin, cout: 1280, torch: { conv: 'features.18.0', bn: 'features.18.1' }, keras: { conv: 'Conv_1', bn: 'Conv_1_bn' } }, 'relu6');
  b.node({ op: 'chain', steps: [last], shortcut: null, act: 'none' });
  b.tap('stride32', 1280);
  return {
    id: keras ? 'keras_mobilenet_v2' : 'mobilenet_v2',
    title: keras ? 'MobileNetV2 1.0 (Keras applications)' : 'MobileNetV2 (torchvision)',
    naming: keras ? 'keras' : 'torch',
    convs: b.convs,
    nodes: b.nodes,
    tapPoints: b.tapPoints,
    preprocess: keras ? TF_PREPROCESS : IMAGENET_PREPROCESS,
    bnEpsilon: keras ? 1e-3 : 1e-5,
  };
}
