/**
 * Shared dataset types: entries (files), samples (decoded, transformed) and batches.
 */

/** 0 = normal (`good`), 1 = anomalous. */
export type Label = 0 | 1;

/** One image file of a dataset, before loading. */
export interface DatasetEntry {
  /** Position in the dataset's (sorted) order. */
  index: number;
  /** Absolute path of the image. */
  path: string;
  /** `good` for normal images, otherwise the defect type (folder name). */
  type: string;
  label: Label;
  /** Ground-truth mask file, for anomalous images of datasets with masks. */
  maskPath?: string;
}

/** One loaded, transformed image. */
export interface Sample {
  /** Normalised float32 image, NHWC without N: `height * width * 3`. */
  image: Float32Array;
  /**
   * Binary mask (0/1), `height * width`; present when the dataset has masks (all zero for
   * normal images).
   */
  mask?: Uint8Array;
  /** The resized 8-bit RGB image, `height * width * 3`; only with `keepRgb`. */
  rgb?: Uint8Array;
  label: Label;
  type: string;
  path: string;
  maskPath?: string;
  index: number;
  /** Size of the file before resizing. */
  originalSize: { height: number; width: number };
}

/** A batch of samples in one contiguous buffer per field. */
export interface Batch {
  /** `size * height * width * 3`, NHWC. */
  images: Float32Array;
  /** `size * height * width` 0/1 values, when the dataset has masks. */
  masks?: Uint8Array;
  /** `size * height * width * 3` 8-bit RGB, only with `keepRgb`. */
  rgb?: Uint8Array;
  labels: Uint8Array;
  entries: DatasetEntry[];
  /** Number of images in this batch. */
  size: number;
  height: number;
  width: number;
}
