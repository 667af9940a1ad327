// Backend registry: priority order, hints, unknown names and failing starts, all reported in
// one error. Each test file runs in its own module context, so registrations stay local.
import { describe, expect, it } from 'vitest';
import { BackendResolutionError, registerBackend, registeredBackends, resolveBackend, type Backend } from '@msflow/core';
import { createReferenceBackend } from '@msflow/core/testing';

const tried: string[] = [];

function factory(name: string, priority: number, fail?: string | (() => never)) {
  return {
    name,
    priority,
    async create(): Promise<Backend> {
      tried.push(name);
      if (typeof fail === 'function') return fail();
      if (fail) throw new Error(fail);
      return { ...createReferenceBackend(), name };
    },
  };
}

async function resolutionError(hints?: string[]): Promise<BackendResolutionError> {
  const err = await resolveBackend(hints).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackendResolutionError);
  return err as BackendResolutionError;
}

describe('resolveBackend', () => {
  // Runs first: nothing is registered yet in this file's module context.
  it('says so when no backend is registered', async () => {
    const err = await resolutionError();
    expect(err.message).toBe('no backend could be started: (none): no backend is registered');
  });

  it('tries registered backends by descending priority and returns the first that starts', async () => {
    registerBackend(factory('low', 1));
    registerBackend(factory('gpu', 10, 'no CUDA device found'));
    registerBackend(factory('mid', 5));
    expect(registeredBackends()).toEqual(['gpu', 'mid', 'low']);
    tried.length = 0;
    const backend = await resolveBackend();
    expect(backend.name).toBe('mid');
    expect(tried).toEqual(['gpu', 'mid']);
  });

  it('follows the order of the hints, not the priorities', async () => {
    tried.length = 0;
    expect((await resolveBackend(['low', 'mid'])).name).toBe('low');
    expect(tried).toEqual(['low']);
  });

  it('reports every backend tried and why, in order, in one error', async () => {
    registerBackend(factory('webgpu', 20, 'no adapter'));
    registerBackend(factory('odd', 0, () => {
      throw 'a string, not an Error';
    }));
    tried.length = 0;
    const err = await resolutionError(['webgpu', 'nope', 'gpu', 'odd']);
    expect(tried).toEqual(['webgpu', 'gpu', 'odd']);
    expect(err.failures).toEqual([
      { name: 'webgpu', reason: 'no adapter' },
      { name: 'nope', reason: 'not registered (registered: webgpu, gpu, mid, low, odd)' },
      { name: 'gpu', reason: 'no CUDA device found' },
      { name: 'odd', reason: 'a string, not an Error' },
    ]);
    expect(err.message).toBe(
      'no backend could be started: webgpu: no adapter; nope: not registered (registered: webgpu, gpu, mid, low, odd); ' +
        'gpu: no CUDA device found; odd: a string, not an Error',
    );
    expect(err.name).toBe('BackendResolutionError');
  });

  it('a later registration of the same name replaces the earlier one', async () => {
    registerBackend(factory('gpu', 10));
    expect((await resolveBackend(['gpu'])).name).toBe('gpu');
    expect(registeredBackends().filter((n) => n === 'gpu')).toHaveLength(1);
  });
});
