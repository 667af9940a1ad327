'use strict';
// Stand-in for @tensorflow/tfjs-node (see package.json): loading it behaves like a missing package.
const err = new Error("Cannot find package '@tensorflow/tfjs-node' (msflow stub; install the real package for native TensorFlow)");
err.code = 'MODULE_NOT_FOUND';
throw err;
