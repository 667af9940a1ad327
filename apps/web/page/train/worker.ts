/**
 * The training worker: one training per worker. The page starts it, may send `stop`, and
 * terminates it after `done`, which frees every buffer, GPU device and WebAssembly heap it held.
 */
import type { FromWorker, ToWorker } from './protocol.js';
import { runTraining } from './session.js';

const scope = self as unknown as { onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(msg: FromWorker, transfer?: Transferable[]): void };
const controller = new AbortController();
let started = false;

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'stop') controller.abort();
  else if (msg.type === 'start' && !started) {
    started = true;
    void runTraining(msg, (m, transfer) => scope.postMessage(m, transfer ?? []), controller.signal);
  }
};
