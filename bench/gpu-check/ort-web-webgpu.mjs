// Module hook for the GPU check (registered by bench/gpu-check/main.ts only when Dawn's
// `webgpu` package found an adapter): in Node, `onnxruntime-web` resolves to its Node build,
// which has no WebGPU EP; the product's session layer then gets the WebGPU build instead,
// the one a browser loads (its wasm EP still works too).
export async function resolve(specifier, context, next) {
  return next(specifier === 'onnxruntime-web' ? 'onnxruntime-web/webgpu' : specifier, context);
}
