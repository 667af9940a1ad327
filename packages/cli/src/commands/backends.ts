import { registeredBackends, resolveBackend } from '@msflow/core';
import { registerInstalledBackends } from '@msflow/detector';
import { table, type Output } from '../util/output.js';

/** `msflow backends`: which backends start here, and why the others do not. */
export async function backendsCommand(out: Output): Promise<void> {
  const packages = await registerInstalledBackends();
  const rows: { name: string; available: boolean; detail: string }[] = [];
  for (const name of registeredBackends()) {
    try {
      const backend = await resolveBackend([name]);
      rows.push({ name, available: true, detail: backend.info().detail });
      backend.dispose();
    } catch (err) {
      rows.push({ name, available: false, detail: (err as Error).message.replace(/^no backend could be started: [^:]+: /, '') });
    }
  }
  for (const p of packages) if (p.error) rows.push({ name: p.pkg, available: false, detail: `package not loaded: ${p.error}` });
  out.result(
    { backends: rows },
    table(['backend', 'available', 'detail'], rows.map((r) => [r.name, r.available ? 'yes' : 'no', r.detail])),
  );
}
