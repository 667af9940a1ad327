/**
 * `@msflow/data/testing`: helpers for tests of code that writes files through `FileOps`
 * (checkpoints, atomic writes): fault injection at any write or rename, hand-made PNG headers,
 * temporary folders.
 *
 * @packageDocumentation
 */
export { FaultyOps, SimulatedKill, type FaultMode } from './fault_ops.js';
export { pngWithHeader, pngChunk, PNG_SIGNATURE, type PngHeaderOptions } from './png_files.js';
export { tempDir } from './temp_dir.js';
