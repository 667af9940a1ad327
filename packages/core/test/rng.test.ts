// The seeded generator: reproducible streams, state save/restore, valid permutations.
import { describe, expect, it } from 'vitest';
import { Rng } from '@msflow/core';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('Rng', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    expect(draw(new Rng(9826), 50)).toEqual(draw(new Rng(9826), 50));
    expect(draw(new Rng(9826), 50)).not.toEqual(draw(new Rng(9827), 50));
    // Seeds beyond 32 bits still matter.
    expect(draw(new Rng(2 ** 40), 10)).not.toEqual(draw(new Rng(0), 10));
  });

  it('continues identically after saving and restoring its state', () => {
    const rng = new Rng(7);
    draw(rng, 13);
    const saved = rng.getState();
    const expected = [rng.uniform(), rng.normal(), rng.int(1000), ...rng.permutation(20)];
    const restored = new Rng(123);
    restored.setState(JSON.parse(JSON.stringify(saved)));
    expect([restored.uniform(), restored.normal(), restored.int(1000), ...restored.permutation(20)]).toEqual(expected);
    expect(restored.getState()).toEqual(rng.getState());
  });

  it('rejects invalid seeds and states', () => {
    expect(() => new Rng(Number.NaN)).toThrow(/seed must be a finite number/);
    expect(() => new Rng(7).setState([0, 0, 0, 0])).toThrow(/invalid RNG state/);
    expect(() => new Rng(7).setState([1, 2, 3] as never)).toThrow(/invalid RNG state/);
  });

  it('permutations contain every index exactly once and vary', () => {
    const rng = new Rng(3);
    for (const n of [0, 1, 2, 7, 256]) {
      const p = rng.permutation(n);
      expect([...p].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    }
    expect(rng.permutation(64)).not.toEqual(rng.permutation(64));
  });

  it('shuffles every position with roughly equal probability', () => {
    const rng = new Rng(11);
    const counts = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    const trials = 8000;
    for (let t = 0; t < trials; t++) rng.permutation(4).forEach((v, pos) => counts[v][pos]++);
    for (const row of counts) for (const c of row) expect(Math.abs(c / trials - 0.25)).toBeLessThan(0.03);
  });

  it('draws uniform, integer and normal values in range with the right moments', () => {
    const rng = new Rng(5);
    const u = rng.uniformArray(20000, -2, 3);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(u.reduce((s, v) => s + v, 0) / u.length).toBeCloseTo(0.5, 1);
    const ints = Array.from({ length: 5000 }, () => rng.int(7));
    expect(new Set(ints)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    const z = rng.normalArray(20000, 2);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    expect(z.every(Number.isFinite)).toBe(true);
  });
});
