import { ATTR_TYPE, DTYPE, modelProtoType } from '../onnx/proto.js';

interface ValueInfo {
  name: string;
  type?: { tensorType?: { elemType?: number } };
}
interface Node {
  name?: string;
  opType: string;
  input: string[];
  output: string[];
  attribute?: object[];
}

const cast = (name: string, from: string, to: string, type: number): Node => ({ name, opType: 'Cast', input: [from], output: [to], attribute: [{ name: 'to', type: ATTR_TYPE.INT, i: type }] });

/**
 * Gives an exported MSFlow model the interface of a deployed one: input `image` as uint8 RGB
 * [N, H, W, 3] (cast to float inside; the traced graph takes [0, 255] floats), outputs `score`
 * (float32 [N]), `normalized_score` (float32 [N], when there is one), `label` (uint8 [N], when
 * there is one) and `map` (float32 [N, H, W], renamed from `anomaly_map`). Everything else in the
 * model is left as it is.
 *
 * @example
 * ```ts
 * const bytes = rgb8Interface((await exportOnnx(fn, { inputs: [{ name: 'image', shape: [-1, 256, 256, 3] }] })).bytes);
 * ```
 */
export function rgb8Interface(bytes: Uint8Array): Uint8Array {
  const type = modelProtoType();
  const model = type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array as never, defaults: false }) as { graph: { node: Node[]; input: ValueInfo[]; output: ValueInfo[] } };
  const g = model.graph;
  const rename = (from: string, to: string) => {
    for (const n of g.node) {
      n.input = n.input.map((x) => (x === from ? to : x));
      n.output = n.output.map((x) => (x === from ? to : x));
    }
  };
  const image = g.input.find((v) => v.name === 'image');
  if (!image?.type?.tensorType) throw new Error('rgb8Interface: the model has no float input image');
  rename('image', 'image_float');
  image.type.tensorType.elemType = DTYPE.UINT8;
  g.node.unshift(cast('image_to_float', 'image', 'image_float', DTYPE.FLOAT));
  const map = g.output.find((v) => v.name === 'anomaly_map');
  if (map) {
    rename('anomaly_map', 'map');
    map.name = 'map';
  }
  const label = g.output.find((v) => v.name === 'label');
  if (label?.type?.tensorType) {
    rename('label', 'label_float');
    label.type.tensorType.elemType = DTYPE.UINT8;
    g.node.push(cast('label_to_uint8', 'label_float', 'label', DTYPE.UINT8));
  }
  // Outputs in the order a deployment lists them.
  const order = ['score', 'normalized_score', 'label', 'map'];
  g.output.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return type.encode(type.fromObject(model)).finish();
}
