import { createRunDir } from '../util/files.js';

/**
 * A run folder `runs/<class>/<timestamp>/` that exists only once something is written to it, so
 * a command that fails early leaves nothing behind (and `latest` keeps pointing at the last
 * run that wrote something).
 *
 * @example
 * ```ts
 * const run = new LazyRunDir('runs', 'bottle');
 * writeJsonAtomic(join(run.path(), 'metrics.json'), metrics); // creates the folder, moves `latest`
 * ```
 */
export class LazyRunDir {
  private dir: string | undefined;

  constructor(
    private readonly root: string,
    private readonly className: string,
    existing?: string,
  ) {
    this.dir = existing;
  }

  /** The folder, created on first call. */
  path(): string {
    this.dir ??= createRunDir(this.root, this.className);
    return this.dir;
  }

  /** The folder if it was created. */
  get created(): string | undefined {
    return this.dir;
  }
}
