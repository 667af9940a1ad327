import { formatBackboneReport, inspectBackboneFile } from '@msflow/data';
import { CliError } from '../util/errors.js';
import type { Output } from '../util/output.js';

/** `msflow backbone inspect <file>`: which architectures a weight file fits. */
export async function backboneInspectCommand(out: Output, file: string): Promise<void> {
  let report;
  try {
    report = inspectBackboneFile(file);
  } catch (err) {
    throw new CliError((err as Error).message.split('\n')[0]);
  }
  out.result(report, formatBackboneReport(report).join('\n'));
}
