/**
 * Errors raised by the image codecs and file helpers.
 */

/**
 * A file that could not be decoded or encoded. The message always names the file and the reason
 * on one line, e.g. `cannot decode /data/x.png: PNG: bad CRC in IDAT chunk`.
 *
 * @example
 * ```ts
 * try { decodeImage(bytes, 'x.png'); } catch (e) { if (e instanceof ImageCodecError) console.log(e.file, e.reason); }
 * ```
 */
export class ImageCodecError extends Error {
  override name = 'ImageCodecError';
  constructor(
    /** The file (or source label) that failed. */
    readonly file: string,
    /** What went wrong, without the file name. */
    readonly reason: string,
    verb: 'decode' | 'encode' | 'read' = 'decode',
  ) {
    super(`cannot ${verb} ${file}: ${reason}`);
  }
}

/** Turns any thrown value into a one-line reason string. */
export function reasonOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim() || 'unknown error';
}

const IO_REASONS: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a parent of it is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EFBIG: 'file too large for this file system',
  ENAMETOOLONG: 'name too long',
};

/**
 * A file-system operation that failed, on one line naming the path and the cause in words:
 * `cannot write runs/x/model.safetensors: disk full (ENOSPC)`.
 *
 * @example
 * ```ts
 * try { writeFileSync(p, data); } catch (err) { throw new FileIoError(p, err); }
 * ```
 */
export class FileIoError extends Error {
  override name = 'FileIoError';
  /** The errno code (`ENOSPC`), when there is one. */
  readonly code: string | undefined;
  constructor(
    /** The path the user knows (the final file, not a temporary). */
    readonly path: string,
    cause: unknown,
    verb: 'write' | 'read' | 'create' | 'replace' | 'remove' | 'lock' = 'write',
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const words = code && IO_REASONS[code] ? `${IO_REASONS[code]} (${code})` : reasonOf(cause);
    super(`cannot ${verb} ${path}: ${words}`);
    this.code = code;
  }
}

/**
 * A system error (one with an errno `code`) as a {@link FileIoError} naming `path`; anything else
 * (a FileIoError already, a bug) unchanged.
 */
export function asFileIoError(path: string, err: unknown, verb?: ConstructorParameters<typeof FileIoError>[2]): unknown {
  const isSystem = err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
  return isSystem && !(err instanceof FileIoError) ? new FileIoError(path, err, verb) : err;
}
