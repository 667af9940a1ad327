import { GRADIENTS } from '../../autodiff/gradients.js';
import { KERNEL_NAMES, type KernelName } from '../../kernels/kernel_names.js';
import { forwardCasesOf } from './forward_cases.js';
import { gradientCasesOf } from './gradient_cases.js';

/** Declared kernels without a forward case (must be empty). */
export function missingForwardCases(): KernelName[] {
  return KERNEL_NAMES.filter((k) => forwardCasesOf(k).length === 0);
}

/** Kernels with a gradient in core but no gradient case (must be empty). */
export function missingGradientCases(): KernelName[] {
  return (Object.keys(GRADIENTS) as KernelName[]).filter((k) => GRADIENTS[k] && gradientCasesOf(k).length === 0);
}
