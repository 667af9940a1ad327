import { decodeSafetensors } from '../io/safetensors.js';
import { mapStore, type TensorStore } from './weights.js';

/**
 * A PyTorch state dict saved as safetensors (`safetensors.torch.save_file(model.state_dict(), path)`)
 * as a tensor store; with torchvision names it feeds {@link assembleWeights} directly.
 *
 * @example
 * ```ts
 * const weights = assembleWeights(architecture('wide_resnet50_2'), safetensorsStore(bytes, 'wrn50_2.safetensors'));
 * ```
 */
export function safetensorsStore(bytes: Uint8Array, source = 'safetensors file'): TensorStore {
  return mapStore(source, decodeSafetensors(bytes, source).tensors);
}
