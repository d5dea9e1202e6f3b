/** Seeded noise that reproduces PyTorch's CPU generator. */
export { torchRandn, type RandnKernel, type TorchRandnOptions } from './torch-randn.js';
export { Mt19937, seedToUint32 } from './mt19937.js';
