/**
 * Writes a synthetic class to disk in the MVTec AD layout (or VisA's 1-class layout), so the
 * dataset loaders, the CLI demo and the tests read it like real data.
 */
import { join } from 'node:path';
import { writeImageSync } from '../io/codec.js';
import { generateSyntheticClass, type SyntheticClass, type SyntheticClassOptions } from './generate.js';

/** Options of {@link writeSyntheticClass}. */
export interface WriteSyntheticOptions extends SyntheticClassOptions {
  /** `mvtec` (default): `test/<kind>`, `ground_truth/<kind>/<stem>_mask.png`; `visa`: `test/bad`, `ground_truth/bad/<stem>.png`. */
  layout?: 'mvtec' | 'visa';
  /** Image file format (default `png`); masks are always PNG. */
  format?: 'png' | 'jpg';
}

/** What {@link writeSyntheticClass} wrote. */
export interface WrittenClass {
  /** `<root>/<className>`. */
  classDir: string;
  className: string;
  /** Files written per folder, relative to `classDir`. */
  counts: Record<string, number>;
  /** The generated data (the same pixels as the files; JPEG files are lossy). */
  data: SyntheticClass;
}

/**
 * Generates a class and writes it under `<root>/<className>/` (files written atomically).
 *
 * @example
 * ```ts
 * const { classDir } = writeSyntheticClass('/tmp/synth', { family: 'woven', size: 128, seed: 7 });
 * const test = mvtecDataset({ root: '/tmp/synth', className: 'synth_woven', split: 'test', size: 128 });
 * ```
 */
export function writeSyntheticClass(root: string, options: WriteSyntheticOptions = {}): WrittenClass {
  const data = generateSyntheticClass(options);
  const classDir = join(root, data.className);
  const layout = options.layout ?? 'mvtec';
  const ext = options.format === 'jpg' ? 'jpg' : 'png';
  const counts: Record<string, number> = {};
  const put = (rel: string, write: () => void): void => {
    write();
    const dir = rel.slice(0, rel.lastIndexOf('/'));
    counts[dir] = (counts[dir] ?? 0) + 1;
  };
  for (const s of data.train) put(`train/good/${s.name}.${ext}`, () => writeImageSync(join(classDir, 'train', 'good', `${s.name}.${ext}`), s.image));
  let badIndex = 0;
  for (const s of data.test) {
    const folder = s.label === 0 ? 'good' : layout === 'visa' ? 'bad' : s.type;
    const stem = s.label === 1 && layout === 'visa' ? String(badIndex++).padStart(3, '0') : s.name;
    put(`test/${folder}/${stem}.${ext}`, () => writeImageSync(join(classDir, 'test', folder, `${stem}.${ext}`), s.image));
    if (s.label === 1) {
      const maskName = layout === 'visa' ? `${stem}.png` : `${stem}_mask.png`;
      const m = new Uint8Array(s.mask.length);
      for (let i = 0; i < m.length; i++) m[i] = s.mask[i] ? 255 : 0;
      put(`ground_truth/${folder}/${maskName}`, () =>
        writeImageSync(join(classDir, 'ground_truth', folder, maskName), { width: data.width, height: data.height, channels: 1, depth: 8, data: m }),
      );
    }
  }
  return { classDir, className: data.className, counts, data };
}
