// Hand-written float64 forward passes of torchvision ResNet-18 and MobileNetV2 (layer1-3 /
// features 0-13) over plain arrays, straight from torchvision's module definitions: an
// independent check of the backbone graphs, their BatchNorm folding and the tap pool.
import type { RawConv } from '@msflow/core';

/** NHWC image without batch. */
export interface Img { h: number; w: number; c: number; d: Float64Array }

export function conv(x: Img, p: RawConv, cout: number, k: number, stride: number, pad: number, groups = 1, reflect = false): Img {
  const ci = x.c / groups;
  const co = cout / groups;
  const h = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const w = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(h * w * cout);
  const at = (i: number, n: number) => (reflect ? (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i) : i);
  for (let oy = 0; oy < h; oy++)
    for (let ox = 0; ox < w; ox++)
      for (let o = 0; o < cout; o++) {
        const g = Math.floor(o / co);
        let s = p.bias ? p.bias[o] : 0;
        for (let ky = 0; ky < k; ky++) {
          const iy = at(oy * stride - pad + ky, x.h);
          if (iy < 0 || iy >= x.h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = at(ox * stride - pad + kx, x.w);
            if (ix < 0 || ix >= x.w) continue;
            for (let i = 0; i < ci; i++) s += x.d[(iy * x.w + ix) * x.c + g * ci + i] * p.weight[((o * ci + i) * k + ky) * k + kx];
          }
        }
        out[(oy * w + ox) * cout + o] = s;
      }
  return batchNorm({ h, w, c: cout, d: out }, p);
}

function batchNorm(x: Img, p: RawConv): Img {
  if (!p.bn) return x;
  const { gamma, beta, mean, variance, epsilon } = p.bn;
  const d = x.d.map((v, i) => {
    const c = i % x.c;
    return ((v - mean[c]) / Math.sqrt(variance[c] + epsilon)) * gamma[c] + beta[c];
  });
  return { ...x, d };
}

export const relu = (x: Img): Img => ({ ...x, d: x.d.map((v) => Math.max(0, v)) });
export const relu6 = (x: Img): Img => ({ ...x, d: x.d.map((v) => Math.min(6, Math.max(0, v))) });
export const add = (a: Img, b: Img): Img => ({ ...a, d: a.d.map((v, i) => v + b.d[i]) });

/** 3x3 / stride 2 / pad 1 pooling: max (padding never wins) or average with count_include_pad. */
export function pool(x: Img, kind: 'max' | 'avg'): Img {
  const h = Math.floor((x.h - 1) / 2) + 1;
  const w = Math.floor((x.w - 1) / 2) + 1;
  const out = new Float64Array(h * w * x.c);
  for (let oy = 0; oy < h; oy++)
    for (let ox = 0; ox < w; ox++)
      for (let c = 0; c < x.c; c++) {
        let s = kind === 'max' ? -Infinity : 0;
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const iy = oy * 2 - 1 + ky;
            const ix = ox * 2 - 1 + kx;
            if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
            const v = x.d[(iy * x.w + ix) * x.c + c];
            s = kind === 'max' ? Math.max(s, v) : s + v;
          }
        out[(oy * w + ox) * x.c + c] = kind === 'max' ? s : s / 9;
      }
  return { h, w, c: x.c, d: out };
}

type Params = Map<string, RawConv>;

/** torchvision resnet18 up to layer3 (BasicBlock, downsample in the first block of layer2/3); pooled taps. */
export function resnet18(x: Img, p: Params, reflect: boolean): Img[] {
  let y = pool(relu(conv(x, p.get('conv1')!, 64, 7, 2, 3, 1, reflect)), 'max');
  const taps: Img[] = [];
  let cin = 64;
  for (let l = 1; l <= 3; l++) {
    const planes = 64 << (l - 1);
    for (let b = 0; b < 2; b++) {
      const stride = l > 1 && b === 0 ? 2 : 1;
      const n = `layer${l}.${b}`;
      const out = conv(relu(conv(y, p.get(`${n}.conv1`)!, planes, 3, stride, 1, 1, reflect)), p.get(`${n}.conv2`)!, planes, 3, 1, 1, 1, reflect);
      const identity = stride !== 1 || cin !== planes ? conv(y, p.get(`${n}.downsample.0`)!, planes, 1, stride, 0) : y;
      y = relu(add(out, identity));
      cin = planes;
    }
    taps.push(pool(y, 'avg'));
  }
  return taps;
}

/** torchvision mobilenet_v2 features 0-13; pooled taps after features 3, 6, 13. */
export function mobilenetV2(x: Img, p: Params): Img[] {
  let y = relu6(conv(x, p.get('features.0.0')!, 32, 3, 2, 1));
  const settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1]];
  const taps: Img[] = [];
  let cin = 32;
  let i = 1;
  for (const [t, c, n, s] of settings) {
    for (let r = 0; r < n; r++) {
      const stride = r === 0 ? s : 1;
      const hidden = cin * t;
      const f = `features.${i}.conv`;
      let h = y;
      let j = 0;
      if (t !== 1) {
        h = relu6(conv(h, p.get(`${f}.0.0`)!, hidden, 1, 1, 0));
        j = 1;
      }
      h = relu6(conv(h, p.get(`${f}.${j}.0`)!, hidden, 3, stride, 1, hidden));
      h = conv(h, p.get(`${f}.${j + 1}`)!, c, 1, 1, 0);
      y = stride === 1 && cin === c ? add(y, h) : h;
      cin = c;
      if (i === 3 || i === 6 || i === 13) taps.push(pool(y, 'avg'));
      i++;
    }
  }
  return taps;
}
