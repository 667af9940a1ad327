/**
 * Dataset errors: a structural problem (one line naming the path and what was expected), or a
 * scan that found bad files (all of them in one error).
 */

/**
 * A missing folder, an empty training set, an unknown split: one line naming the path and what
 * was expected.
 *
 * @example
 * ```ts
 * throw new DatasetError('/data/bottle/train/good', 'no images found (expected *.png, *.jpg or *.jpeg files)');
 * ```
 */
export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** One bad file found by a scan. */
export interface ScanProblem {
  path: string;
  reason: string;
}

/**
 * Every bad file a scan found (undecodable images, missing or mis-sized masks), in one error.
 * The first message line is a summary; then one line per file.
 *
 * @example
 * ```ts
 * try { await ds.validate(); } catch (e) { if (e instanceof DatasetScanError) console.log(e.problems.length); }
 * ```
 */
export class DatasetScanError extends Error {
  override name = 'DatasetScanError';
  constructor(
    readonly root: string,
    readonly problems: readonly ScanProblem[],
  ) {
    super(
      `${root}: ${problems.length} bad file${problems.length === 1 ? '' : 's'}\n` +
        problems.map((p) => `  ${p.path}: ${p.reason}`).join('\n'),
    );
  }
}
