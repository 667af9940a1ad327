// Graph passes: transpose folding, constant transposes, dead nodes; each checked by running the
// rewritten graph on onnxruntime against the original.
import { describe, expect, it } from 'vitest';
import {
  GraphBuilder,
  createSession,
  foldConstantTransposes,
  foldTransposes,
  runSession,
  serializeModel,
  transposeValues,
  type GraphSpec,
} from '../src/index.js';

const count = (g: GraphSpec, op: string) => g.nodes.filter((n) => n.opType === op).length;

async function run(graph: GraphSpec, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const s = await createSession(serializeModel(graph), { graphOptimizationLevel: 'disabled' });
  const [y] = await runSession(s, [{ data: x, shape }]);
  await s.release();
  return y.data;
}

/** x [1,2,3,4] → T(NCHW) → op → T(NHWC) → output, the shape of a traced conv boundary. */
function sandwich(build: (g: GraphBuilder, x: string) => string): GraphSpec {
  const g = new GraphBuilder('t');
  const x = g.addInput('x', [1, 2, 3, 4]);
  const a = g.op('Transpose', [x], { perm: [0, 3, 1, 2] });
  const b = build(g, a);
  g.addOutput(g.op('Transpose', [b], { perm: [0, 2, 3, 1] }), 'y', [1, 2, 3, 4]);
  return g.graph;
}

const input = Float32Array.from({ length: 24 }, (_, i) => i - 11.5);

describe('foldTransposes', () => {
  it('cancels a transpose pair around element-wise ops, with scalar constants', async () => {
    const make = () => sandwich((g, a) => g.op('Mul', [g.op('Relu', [a]), g.float([2], [])]));
    const want = await run(make(), input, [1, 2, 3, 4]);
    const g = make();
    expect(foldTransposes(g)).toBe(2);
    expect(count(g, 'Transpose')).toBe(0);
    expect(Array.from(await run(g, input, [1, 2, 3, 4]))).toEqual(Array.from(want));
  });

  it('composes transposes that do not cancel', async () => {
    const make = () => sandwich((g, a) => g.op('Transpose', [a], { perm: [0, 1, 3, 2] }));
    const g = make();
    foldTransposes(g);
    expect(count(g, 'Transpose')).toBe(1);
    // The output shape changes with the extra swap; compare values only.
    expect(Array.from(await run(g, input, [1, 2, 3, 4]))).toEqual(Array.from(await run(make(), input, [1, 2, 3, 4])));
  });

  it('keeps a transpose whose value has other uses, and does not push past a non-scalar constant', () => {
    const g = sandwich((g, a) => {
      const r = g.op('Relu', [a]);
      g.addOutput(r, 'side', [1, 4, 2, 3]);
      return g.op('Add', [r, g.float([1, 2, 3], [1, 1, 1, 3])]);
    });
    foldTransposes(g);
    expect(count(g, 'Transpose')).toBe(2);
  });
});

describe('constant transposes', () => {
  it('transposeValues permutes row-major data', () => {
    expect(Array.from(transposeValues(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
    const v = Float32Array.from({ length: 24 }, (_, i) => i);
    const t = transposeValues(transposeValues(v, [2, 3, 4], [2, 0, 1]), [4, 2, 3], [1, 2, 0]);
    expect(Array.from(t)).toEqual(Array.from(v));
  });

  it('folds Transpose(initializer) into a new initializer', async () => {
    const make = () => {
      const g = new GraphBuilder('c');
      const x = g.addInput('x', [3, 2]);
      const w = g.float(Float32Array.from({ length: 6 }, (_, i) => i), [2, 3]);
      g.addOutput(g.op('Add', [x, g.op('Transpose', [w], { perm: [1, 0] })]), 'y', [3, 2]);
      return g.graph;
    };
    const g = make();
    expect(foldConstantTransposes(g)).toBe(1);
    expect(count(g, 'Transpose')).toBe(0);
    const x = Float32Array.of(1, 1, 1, 1, 1, 1);
    expect(Array.from(await run(g, x, [3, 2]))).toEqual(Array.from(await run(make(), x, [3, 2])));
  });
});
