import { foldConv, onnxRoot, ONNX_ATTR, ONNX_DTYPE, type ArchSpec, type RawConv, type Rng } from '@msflow/core';

/** Random source-format (OIHW + BatchNorm) parameters for every conv of a graph. */
export function randomRawConvs(spec: ArchSpec, rng: Rng): Map<string, RawConv> {
  const out = new Map<string, RawConv>();
  for (const c of spec.convs) {
    const n = c.outChannels * (c.inChannels / c.groups) * c.kernel[0] * c.kernel[1];
    const bound = Math.sqrt(3 / (n / c.outChannels));
    const co = c.outChannels;
    out.set(c.key, {
      weight: rng.uniformArray(n, -bound, bound),
      layout: 'OIHW',
      bn: { gamma: rng.uniformArray(co, 0.5, 1.5), beta: rng.uniformArray(co, -0.2, 0.2), mean: rng.uniformArray(co, -0.2, 0.2), variance: rng.uniformArray(co, 0.5, 2), epsilon: 1e-5 },
    });
  }
  return out;
}

/** HWIO [kh, kw, ci, co] back to OIHW. */
function hwioToOihw(f: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array {
  const out = new Float32Array(f.length);
  for (let o = 0; o < co; o++)
    for (let i = 0; i < ci; i++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((o * ci + i) * kh + y) * kw + x] = f[((y * kw + x) * ci + i) * co + o];
  return out;
}

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Options of {@link writeOnnx}. */
export interface WriteOnnxOptions {
  /** `torch`: torchvision names, Conv + BatchNormalization nodes (BN params as float_data);
   *  `fused`: BatchNorm folded into Conv, anonymous initializer names (what torch.onnx.export gives). */
  style: 'torch' | 'fused';
  /** Put tensor bytes in an external file `weights.bin` instead of raw_data. */
  external?: boolean;
}

/**
 * Writes a minimal ONNX ModelProto (opset 17) with protobufjs: one Conv (+ BatchNormalization)
 * per graph convolution, in the graph's execution order, initializers holding the weights.
 */
export function writeOnnx(spec: ArchSpec, raw: Map<string, RawConv>, opts: WriteOnnxOptions): { model: Uint8Array; files: Map<string, Uint8Array> } {
  const root = onnxRoot();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const initializer: object[] = [];
  const node: object[] = [];
  const addTensor = (name: string, dims: number[], data: Float32Array, asFloatData = false) => {
    if (asFloatData) return initializer.push({ name, dims, dataType: ONNX_DTYPE.FLOAT, floatData: Array.from(data) });
    if (!opts.external) return initializer.push({ name, dims, dataType: ONNX_DTYPE.FLOAT, rawData: bytesOf(data) });
    const b = bytesOf(Float32Array.from(data));
    chunks.push(b);
    initializer.push({
      name, dims, dataType: ONNX_DTYPE.FLOAT, dataLocation: 1,
      externalData: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(b.length) }],
    });
    offset += b.length;
  };
  let k = 0;
  for (const c of spec.convs) {
    const r = raw.get(c.key)!;
    const [kh, kw] = c.kernel;
    const ci = c.inChannels / c.groups;
    const convAttrs = [
      { name: 'group', type: ONNX_ATTR.INT, i: c.groups },
      { name: 'kernel_shape', type: ONNX_ATTR.INTS, ints: [kh, kw] },
      { name: 'pads', type: ONNX_ATTR.INTS, ints: [c.padding[0], c.padding[2], c.padding[1], c.padding[3]] },
      { name: 'strides', type: ONNX_ATTR.INTS, ints: [c.stride, c.stride] },
    ];
    const x = `x${k}`;
    if (opts.style === 'torch') {
      const conv = c.names.torch!.conv;
      const bn = c.names.torch!.bn!;
      addTensor(`${conv}.weight`, [c.outChannels, ci, kh, kw], r.weight);
      const p = r.bn!;
      const bnNames = ['weight', 'bias', 'running_mean', 'running_var'].map((s) => `${bn}.${s}`);
      [p.gamma, p.beta, p.mean, p.variance].forEach((d, i) => addTensor(bnNames[i], [c.outChannels], d, true));
      node.push({ name: `/${conv}/Conv`, opType: 'Conv', input: [x, `${conv}.weight`], output: [`c${k}`], attribute: convAttrs });
      node.push({ name: `/${bn}/BatchNormalization`, opType: 'BatchNormalization', input: [`c${k}`, ...bnNames], output: [`y${k}`], attribute: [{ name: 'epsilon', type: ONNX_ATTR.FLOAT, f: p.epsilon }] });
    } else {
      const folded = foldConv(c, r);
      const w = `onnx::Conv_${1000 + 2 * k}`;
      const b = `onnx::Conv_${1001 + 2 * k}`;
      addTensor(w, [c.outChannels, ci, kh, kw], hwioToOihw(folded.filter, kh, kw, ci, c.outChannels));
      addTensor(b, [c.outChannels], folded.bias);
      node.push({ name: `/Conv_${k}`, opType: 'Conv', input: [x, w, b], output: [`y${k}`], attribute: convAttrs });
      node.push({ name: `/Relu_${k}`, opType: 'Relu', input: [`y${k}`], output: [`r${k}`] });
    }
    k++;
  }
  const ModelProto = root.lookupType('onnx.ModelProto');
  const msg = ModelProto.fromObject({
    irVersion: 8,
    producerName: 'msflow-test',
    producerVersion: '0',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: spec.id, node, initializer, input: [{ name: 'x0' }], output: [{ name: `y${k - 1}` }] },
  });
  const model = ModelProto.encode(msg).finish();
  const files = new Map<string, Uint8Array>();
  if (opts.external) {
    const all = new Uint8Array(offset);
    let o = 0;
    for (const ch of chunks) {
      all.set(ch, o);
      o += ch.length;
    }
    files.set('weights.bin', all);
  }
  return { model, files };
}
