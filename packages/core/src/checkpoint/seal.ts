/**
 * The sidecar's own integrity record: a CRC-32 over every other field (config, permutations,
 * thresholds and whatever a caller adds), so an edited or corrupted sidecar is refused like a
 * corrupted weights file instead of silently changing scores.
 */
import { crc32 } from './crc32.js';

/** The field that holds the sidecar's CRC-32. */
export const SEAL_FIELD = 'sidecarCrc32';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON with object keys sorted at every level: equal values give equal text whatever order their
 * keys were written in (a sidecar read back from disk hashes as the object it was written from).
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}

/**
 * CRC-32 of a sidecar's canonical JSON without its seal field.
 *
 * @example
 * ```ts
 * sidecarCrc32({ format: 'msflow-ts-checkpoint', config }); // '1c291ca3'
 * ```
 */
export function sidecarCrc32(sidecar: Record<string, unknown>): string {
  const rest = Object.fromEntries(Object.entries(sidecar).filter(([k]) => k !== SEAL_FIELD));
  return crc32(new TextEncoder().encode(canonicalJson(rest)));
}

/**
 * The sidecar with its seal (re)computed: call after every change, e.g. new thresholds.
 *
 * @example
 * ```ts
 * writeFileSync('model.json', JSON.stringify(sealSidecar({ ...sidecar, cli: { thresholds } })));
 * ```
 */
export function sealSidecar<T extends object>(sidecar: T): T & { sidecarCrc32: string } {
  const { [SEAL_FIELD]: _old, ...rest } = sidecar as Record<string, unknown>;
  return { ...rest, [SEAL_FIELD]: sidecarCrc32(rest) } as T & { sidecarCrc32: string };
}
