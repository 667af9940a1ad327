import { describe, expect, it } from 'vitest';
import { DEFAULT_VAL_SPLIT, normalSplit } from '../src/browser.js';

// The split msflow train, Detector.fit and the web page's Train mode all take (one function).
describe('normalSplit', () => {
  it('holds out a fifth by default, the same images for the same seed, none in both parts', () => {
    const a = normalSplit(12, DEFAULT_VAL_SPLIT, 0, false);
    expect(a.validation).toHaveLength(2);
    expect(a.train).toHaveLength(10);
    expect([...a.train, ...a.validation].sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    expect(normalSplit(12, DEFAULT_VAL_SPLIT, 0, false)).toEqual(a);
    expect(normalSplit(12, DEFAULT_VAL_SPLIT, 1, false).validation).not.toEqual(a.validation);
    expect(a.note).toBeUndefined();
  });

  it('the default split of a set too small to hold out 2 images holds out none and says so; a chosen split is kept', () => {
    const d = normalSplit(6, DEFAULT_VAL_SPLIT, 0, false);
    expect(d).toMatchObject({ valSplit: 0, validation: [], train: [0, 1, 2, 3, 4, 5] });
    expect(d.note).toMatch(/^6 training images are too few to hold 20% out \(the threshold needs at least 2\)/);
    const chosen = normalSplit(6, DEFAULT_VAL_SPLIT, 0, true);
    expect(chosen).toMatchObject({ valSplit: DEFAULT_VAL_SPLIT });
    expect(chosen.validation).toHaveLength(1);
    expect(chosen.note).toBeUndefined();
  });
});
