import { rmSync } from 'node:fs';
import { featureSource, type FeatureSource } from '@msflow/core';
import { randomShifts, translateImages } from '@msflow/data';
import type { FeatureExtractor, ImageSource } from '../backbone/extractor.js';
import { subsetFeatures } from './features.js';

/** How {@link ShiftedFeatures} extracts each draw. */
export interface ShiftedFeaturesOptions {
  /** The training split's images (the extractor's input size). */
  dataset: ImageSource;
  /** Which of the dataset's images the flows train on (the validation images are left out). */
  indices: readonly number[];
  /** Largest shift, as a fraction of the height and width. */
  fraction: number;
  seed: number;
  cache: { mode: 'auto' | 'memory' | 'disk'; path: string };
}

/**
 * The training features of randomly translated images, drawn afresh for every meta-epoch.
 *
 * The flows otherwise see each training image at one position only, and the coarse, zero-padded
 * scales can learn where the object sits; test objects placed a few pixels off then score as
 * anomalous (tire's test images sit 5-9 px left of its training ones; translation helped its
 * maps, not its image AUROC: apps/bench/results/accuracy). One draw per meta-epoch keeps the
 * backbone cost at one extra pass per meta-epoch; draws depend only on (seed, meta-epoch), so a
 * resumed run trains on the same features. Reads go to the current draw; the count and shapes never change.
 *
 * @example
 * ```ts
 * const shifted = await ShiftedFeatures.open(fx, { dataset, indices: split.train, fraction: 0.05, seed: 9826, cache }, 0);
 * await trainer.run(shifted, { onMetaEpochEnd: (_, e) => shifted.draw(e + 1) });
 * ```
 */
export class ShiftedFeatures implements FeatureSource {
  readonly count: number;
  readonly shapes: readonly (readonly [number, number, number])[];
  /** Seconds spent in the backbone over all draws. */
  seconds = 0;
  private current?: FeatureSource;
  private drawn = -1;

  private constructor(
    private readonly fx: FeatureExtractor,
    private readonly options: ShiftedFeaturesOptions,
  ) {
    const { height, width } = options.dataset.size;
    this.count = options.indices.length;
    this.shapes = fx.backbone.outputShapes(height, width);
  }

  /** Extracts the draw of meta-epoch `round`. */
  static async open(fx: FeatureExtractor, options: ShiftedFeaturesOptions, round: number): Promise<ShiftedFeatures> {
    const set = new ShiftedFeatures(fx, options);
    await set.draw(round);
    return set;
  }

  /** The meta-epoch whose shifts the reads come from. */
  get round(): number {
    return this.drawn;
  }

  read(scale: number, indices: readonly number[]): Float32Array | Promise<Float32Array> {
    if (!this.current) throw new Error('ShiftedFeatures: read while no draw is ready (reads happen between draws)');
    return this.current.read(scale, indices);
  }

  /** Switches to the draw of meta-epoch `round` (no-op when it is the current one). */
  async draw(round: number): Promise<void> {
    if (round === this.drawn) return;
    // Draws happen between meta-epochs, when nothing reads: the old one can go before the new
    // one is extracted, so at most one draw is held.
    this.current = undefined;
    this.drawn = -1;
    this.current = await this.extract(round);
    this.drawn = round;
  }

  /** Deletes the draws' cache file. */
  dispose(): void {
    this.current = undefined;
    rmSync(this.path, { force: true });
  }

  private get path(): string {
    return this.options.cache.path.replace(/(\.safetensors)?$/, '-shifted$1');
  }

  private async extract(round: number): Promise<FeatureSource> {
    const { dataset, indices, fraction, seed, cache } = this.options;
    const { height, width } = dataset.size;
    const shifts = randomShifts(dataset.length, [height, width], fraction, { seed, round });
    const t0 = performance.now();
    const set = await this.fx.extract(dataset, {
      cache: { mode: cache.mode, path: this.path },
      transform: (images, first, count) => translateImages(images, [height, width, 3], shifts.slice(first, first + count)),
    });
    this.seconds += (performance.now() - t0) / 1000;
    // A lazy subset: copying the training rows out would hold the draw twice.
    return subsetFeatures(featureSource(set.features), indices) as FeatureSource;
  }
}
