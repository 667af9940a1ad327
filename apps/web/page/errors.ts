/** What went wrong, for the message's styling and for tests: bad input, model, WebGPU or other. */
export type PageErrorKind = 'image' | 'model' | 'webgpu' | 'load' | 'internal';

/** An expected failure with a message meant for the person using the page. */
export class PageError extends Error {
  override name = 'PageError';
  constructor(
    readonly kind: PageErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Any thrown value as a page error: page errors as they are, anything else as `internal`. */
export function asPageError(err: unknown): PageError {
  if (err instanceof PageError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PageError('internal', `unexpected error: ${message.split('\n')[0]}`);
}
