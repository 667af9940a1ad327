import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, UsageError, numFlag } from '../util/errors.js';
import type { Output } from '../util/output.js';
import { prepareWebModel, webTraining } from '../pipeline/web_model.js';
import { isLoopback, startWebServer } from '../pipeline/web_server.js';

/**
 * The built page: `--page`, else the `@msflow/web` package (the workspace's apps/web), else the
 * copy an installed `@msflow/cli` ships (`web/`, put there by `npm pack`), else the workspace's
 * apps/web/dist.
 */
export function findPageDir(page?: string): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const workspacePage = (() => {
    try {
      return join(dirname(createRequire(import.meta.url).resolve('@msflow/web/package.json')), 'dist');
    } catch {
      return undefined;
    }
  })();
  const candidates = page ? [resolve(page)] : [workspacePage, join(root, 'web'), resolve(root, '..', '..', 'apps', 'web', 'dist')];
  const dir = candidates.find((d): d is string => d !== undefined && existsSync(join(d, 'index.html')));
  if (!dir) throw new CliError(`${candidates.find((d) => d !== undefined)}: the web page is not there (this @msflow/cli was packed without it; in the repository, run npm run build, or pass --page <built page folder>)`);
  return dir;
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * `msflow serve [checkpoint]`: the web page on 127.0.0.1, with the checkpoint preloaded (its ONNX
 * export for onnxruntime-web, the checkpoint itself for WebGPU) when one is given, and the
 * default backbone for Train mode. Runs until Ctrl-C.
 */
export async function serveCommand(out: Output, checkpoint: string | undefined, flags: { port?: string; host?: string; page?: string }): Promise<void> {
  const port = numFlag(flags.port, '--port') ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected 0..65535, got ${flags.port}`);
  const pageDir = findPageDir(flags.page);
  const host = flags.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    out.warn(`--host ${host}: serving the ${checkpoint ? 'model and its weights' : 'page and the backbone weights'} to every machine that can reach this address (not only this one); use the default 127.0.0.1 unless that is what you want`);
  }
  if (checkpoint) out.log(`preparing ${checkpoint}: ONNX export for onnxruntime-web, checkpoint and backbone for WebGPU`);
  const model = checkpoint ? await prepareWebModel(checkpoint) : undefined;
  const server = await startWebServer({ pageDir, model, training: webTraining(), host, port });
  const m = model?.manifest;
  const page = relative(process.cwd(), pageDir) || pageDir;
  out.result(
    { url: server.url, model: m?.name ?? null, inputSize: m?.inputSize ?? null, backbone: m?.backbone ?? null, threshold: m?.threshold ?? null, train: `${server.url}#train`, page: pageDir },
    [
      m ? `serving ${m.name} at ${server.url}` : `serving the page at ${server.url} (no model preloaded)`,
      m
        ? `page ${page}; model ${m.inputSize.join('x')}, backbone ${m.backbone.arch} (${m.backbone.source})` +
          (m.threshold ? `, threshold ${m.threshold.value.toPrecision(6)} (${m.threshold.from})` : ', no threshold')
        : `page ${page}`,
      `train a detector in the browser: ${server.url}#train`,
      'Ctrl-C stops it',
    ].join('\n'),
  );
  const sig = await untilSignal();
  out.log(`${sig}: stopping`);
  await server.close();
}
