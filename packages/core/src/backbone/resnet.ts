import { IMAGENET_PREPROCESS } from './preprocess.js';
import { SpecBuilder, torchNames } from './spec_builder.js';
import type { ArchSpec, ConvStep } from './types.js';

/** The torchvision ResNet variants built here. */
export type TorchResNetId = 'resnet18' | 'resnet34' | 'resnet50' | 'wide_resnet50_2';

interface ResNetConfig {
  title: string;
  block: 'basic' | 'bottleneck';
  layers: readonly [number, number, number, number];
  /** Bottleneck inner width multiplier (2 for Wide-ResNet-50-2). */
  widthFactor: number;
}

const CONFIGS: Record<TorchResNetId, ResNetConfig> = {
  resnet18: { title: 'ResNet-18 (torchvision)', block: 'basic', layers: [2, 2, 2, 2], widthFactor: 1 },
  resnet34: { title: 'ResNet-34 (torchvision)', block: 'basic', layers: [3, 4, 6, 3], widthFactor: 1 },
  resnet50: { title: 'ResNet-50 (torchvision)', block: 'bottleneck', layers: [3, 4, 6, 3], widthFactor: 1 },
  wide_resnet50_2: { title: 'Wide-ResNet-50-2 (torchvision)', block: 'bottleneck', layers: [3, 4, 6, 3], widthFactor: 2 },
};

/**
 * Declares a full torchvision ResNet (stem, layer1-layer4; no classifier) with torchvision
 * parameter names: `conv1`/`bn1`, `layerL.B.convK`/`bnK`, `layerL.B.downsample.0`/`.1`.
 * The stride sits in the 3x3 convolution (ResNet v1.5). Taps `layer1`..`layer4`.
 */
export function torchResNet(id: TorchResNetId): Omit<ArchSpec, 'padMode' | 'taps'> {
  const cfg = CONFIGS[id];
  const b = new SpecBuilder();
  const stem = b.conv({ key: 'conv1', k: 7, cin: 3, cout: 64, stride: 2, pad: 3, torch: torchNames('conv1', 'bn1') }, 'relu');
  b.node({ op: 'chain', steps: [stem], shortcut: null, act: 'none' }, 2);
  b.node({ op: 'maxpool', kernel: 3, stride: 2, padding: 1 }, 2);
  let cin = 64;
  cfg.layers.forEach((count, li) => {
    const planes = 64 << li;
    const expansion = cfg.block === 'basic' ? 1 : 4;
    const cout = planes * expansion;
    for (let bi = 0; bi < count; bi++) {
      const stride = li > 0 && bi === 0 ? 2 : 1;
      const p = `layer${li + 1}.${bi}`;
      const n = (conv: string, bn: string) => torchNames(`${p}.${conv}`, `${p}.${bn}`);
      let steps: ConvStep[];
      if (cfg.block === 'basic') {
        steps = [
          b.conv({ key: `${p}.conv1`, k: 3, cin, cout: planes, stride, torch: n('conv1', 'bn1') }, 'relu'),
          b.conv({ key: `${p}.conv2`, k: 3, cin: planes, cout: planes, torch: n('conv2', 'bn2') }, 'none'),
        ];
      } else {
        const width = planes * cfg.widthFactor;
        steps = [
          b.conv({ key: `${p}.conv1`, k: 1, cin, cout: width, torch: n('conv1', 'bn1') }, 'relu'),
          b.conv({ key: `${p}.conv2`, k: 3, cin: width, cout: width, stride, torch: n('conv2', 'bn2') }, 'relu'),
          b.conv({ key: `${p}.conv3`, k: 1, cin: width, cout, torch: n('conv3', 'bn3') }, 'none'),
        ];
      }
      const shortcut =
        stride !== 1 || cin !== cout
          ? [b.conv({ key: `${p}.downsample.0`, k: 1, cin, cout, stride, torch: n('downsample.0', 'downsample.1') }, 'none')]
          : 'identity';
      b.node({ op: 'chain', steps, shortcut, act: 'relu' }, stride);
      cin = cout;
    }
    b.tap(`layer${li + 1}`, cout);
  });
  return {
    id,
    title: cfg.title,
    naming: 'torch',
    convs: b.convs,
    nodes: b.nodes,
    tapPoints: b.tapPoints,
    preprocess: IMAGENET_PREPROCESS,
    bnEpsilon: 1e-5,
  };
}
