import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { WebModel, WebTraining } from './web_model.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  /** The built page (`apps/web/dist`): index.html and its assets. */
  pageDir: string;
  /** The preloaded model, served under `api/`; without one `api/model` answers 404. */
  model?: WebModel;
  /** Train mode's backbone, under `api/train`; without it `api/train` answers 404. */
  training?: WebTraining;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
}

/** A running server. */
export interface WebServer {
  /** `http://host:port/` */
  url: string;
  close(): Promise<void>;
}

/** The file under `root` that a URL path names, or undefined when it escapes `root` or is missing. */
export function staticFile(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const base = resolve(root);
  const file = resolve(base, '.' + normalize('/' + path));
  if (file !== base && !file.startsWith(base + sep)) return undefined;
  const target = existsSync(file) && statSync(file).isDirectory() ? join(file, 'index.html') : file;
  return existsSync(target) && statSync(target).isFile() ? target : undefined;
}

/** Addresses that reach only this machine. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether binding `host` keeps the server on this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.replace(/^\[|\]$/g, '').toLowerCase()) || /^127\./.test(host);
}

/**
 * Whether a request's Host header names this server: the bound host, localhost, 127.0.0.1 or
 * [::1] (with any port), or, when bound to every interface, any IP address. A page on another
 * site that points its own domain at 127.0.0.1 (DNS rebinding) sends its domain and is refused.
 *
 * @example
 * ```ts
 * hostAllowed('127.0.0.1:8080', '127.0.0.1'); // true
 * hostAllowed('evil.example:8080', '127.0.0.1'); // false
 * ```
 */
export function hostAllowed(header: string | undefined, bound: string): boolean {
  if (!header) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim());
  if (!m) return false;
  const name = m[1].replace(/^\[|\]$/g, '').toLowerCase();
  const host = bound.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK.has(name) || name === host) return true;
  return (host === '0.0.0.0' || host === '::') && isIP(name) !== 0;
}

/**
 * Cross-origin isolation (COOP + COEP) on every response: the page may then use
 * SharedArrayBuffer, which onnxruntime-web's WebAssembly threads need. The page loads nothing
 * from other origins, so nothing is blocked by it.
 */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' };

function send(res: ServerResponse, status: number, type: string, body: Uint8Array | string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...ISOLATION });
  res.end(body);
}

function handle(o: WebServerOptions, req: IncomingMessage, res: ServerResponse): void {
  if (!hostAllowed(req.headers.host, o.host ?? '127.0.0.1')) return send(res, 421, 'text/plain', 'unexpected Host header: this server answers requests for its own address only\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'only GET\n');
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/api/model') {
    if (!o.model) return send(res, 404, 'application/json', JSON.stringify({ error: 'no model preloaded: start with msflow serve <checkpoint>' }));
    return send(res, 200, 'application/json', JSON.stringify(o.model.manifest));
  }
  if (path === '/api/train') {
    if (!o.training) return send(res, 404, 'application/json', JSON.stringify({ error: 'training is not offered by this server' }));
    return send(res, 200, 'application/json', JSON.stringify(o.training.manifest));
  }
  const file = o.model?.files.get(path.slice(1)) ?? o.training?.files.get(path.slice(1))?.();
  if (file) return send(res, 200, file.type, file.bytes);
  const found = staticFile(o.pageDir, path);
  if (!found) return send(res, 404, 'text/plain', `not found: ${path}\n`);
  send(res, 200, TYPES[extname(found)] ?? 'application/octet-stream', readFileSync(found));
}

/**
 * Serves the built page and, under `api/`, a preloaded model (see `prepareWebModel`) and Train
 * mode's backbone (see `webTraining`), on 127.0.0.1 by default, cross-origin isolated. Paths
 * outside the page folder are refused, and so is any request whose Host header is not this
 * server's address (see {@link hostAllowed}).
 *
 * @example
 * ```ts
 * const server = await startWebServer({ pageDir: 'apps/web/dist', model: await prepareWebModel('runs/bottle/latest'), port: 0 });
 * console.log(server.url); // http://127.0.0.1:41235/
 * ```
 */
export function startWebServer(o: WebServerOptions): Promise<WebServer> {
  const host = o.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    try {
      handle(o, req, res);
    } catch {
      // The message could name local paths: the browser gets none.
      send(res, 500, 'text/plain', 'internal error\n');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 8080, host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      const shown = host.includes(':') ? `[${host}]` : host;
      ok({ url: `http://${shown}:${port}/`, close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }) });
    });
  });
}
