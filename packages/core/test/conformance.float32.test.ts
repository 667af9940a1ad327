// The suite on the reference backend with every kernel output rounded to float32: a stand-in
// for a float32 backend, showing the stated float32 tolerances hold (forward and gradients)
// for results that carry float32 rounding at every kernel boundary.
import { createReferenceBackend, describeConformance } from '@msflow/core/testing';

describeConformance({ name: 'reference rounded to float32', create: () => createReferenceBackend({ float32: true }) });
