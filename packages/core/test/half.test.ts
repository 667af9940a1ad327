import { describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from '../src/io/half.js';

describe('float16 conversions', () => {
  it('round-trips every finite half value exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const e = (h >> 10) & 0x1f;
      if (e === 31) continue;
      const back = floatToHalf(halfToFloat(h));
      expect(back, `0x${h.toString(16)}`).toBe(h === 0x8000 ? 0x8000 : h);
    }
  });

  it('rounds to nearest even, overflows to infinity, keeps NaN and signed zero', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(-1e9)).toBe(0xfc00);
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
    expect(halfToFloat(floatToHalf(2 ** -24))).toBe(2 ** -24); // smallest subnormal
    expect(floatToHalf(2 ** -26)).toBe(0);
  });

  it('keeps the relative error of normal values within 2^-11', () => {
    for (let i = 0; i < 2000; i++) {
      const v = (Math.random() - 0.5) * 2 ** (Math.random() * 30 - 14);
      if (Math.abs(v) < 2 ** -14) continue;
      expect(Math.abs(halfToFloat(floatToHalf(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    }
  });
});
