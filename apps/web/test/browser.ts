import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's chromium (CI installs it), or `CHROMIUM` to point at another. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium as root on a closed network (see .library env notes). */
const BASE_FLAGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/**
 * WebGPU on SwiftShader's Vulkan implementation, which Debian's chromium ships
 * (`/usr/lib/chromium/libvk_swiftshader.so`): Vulkan on, the SwiftShader device for Vulkan and for
 * WebGPU's adapter, ANGLE on SwiftShader for the 2D canvas.
 */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader'];

/** Whether the browser binary is installed. */
export const hasChromium = (): boolean => existsSync(CHROMIUM);

/** Launches headless chromium with a fresh profile; `webgpu: false` leaves WebGPU's flags out. */
export function launch(options: { webgpu: boolean }): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: mkdtempSync(join(tmpdir(), 'msflow-web-chromium-')),
    args: [...BASE_FLAGS, ...(options.webgpu ? WEBGPU_FLAGS : [])],
    protocolTimeout: 180_000,
  });
}
