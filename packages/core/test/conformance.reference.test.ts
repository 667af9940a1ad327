// The conformance suite on core's own float64 reference backend. Forward cases compare the
// reference with itself (they check the plumbing); the gradient cases are real: core autodiff
// against float64 finite differences, at float64 accuracy.
import { createReferenceBackend, describeConformance } from '@msflow/core/testing';

describeConformance({ name: 'reference', create: createReferenceBackend });
