/**
 * WebGPU flag values, spelled out so the package needs no `GPUBufferUsage`/`GPUMapMode` globals
 * (Dawn for Node exposes them only through its `globals` object).
 */

/** `GPUBufferUsage` bits. */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** `GPUMapMode` bits. */
export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;

/** `GPUShaderStage` bits. */
export const ShaderStage = { COMPUTE: 0x4 } as const;

/** Bytes per float32 element. */
export const F32 = 4;
