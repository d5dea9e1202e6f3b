// The layering of docs/design.md#layers as rules: imports run down the floors, never up, and never in a circle.
// tests/architecture/layers.test.ts runs these on every `npm test`.
const FLOORS = [
  ['values, events and messages', '^runtime/(values/|events\\.ts$|messages\\.ts$)'],
  ['runtime services', '^runtime/(onnx|ort|autodiff|models|tokenizer|schedulers|rng|optim|metrics|prompts|embeddings|safetensors|png|noise|diffusion-vjp|host)/'],
  ['node contract', '^runtime/node-api/'],
  ['graph, zones, executor, api', '^runtime/(graph|zones|executor|api|sweep)/'],
  ['nodes', '^nodes/'],
  ['editor, cli, worker', '^(editor|cli|worker)/'],
];

/** The native backend: onnxruntime-node and the one module that imports it. */
const NATIVE_ORT = '(^|/)node_modules/onnxruntime-node/|^runtime/ort/native\\.ts$';

const upward = FLOORS.flatMap(([name, path], i) =>
  FLOORS.slice(i + 1).map(([above, abovePath]) => ({
    name: 'import-runs-up',
    comment: `the ${name} floor may not import the ${above} floor above it`,
    severity: 'error',
    from: { path },
    to: { path: abovePath },
  })),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  FLOORS,
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'an import circle: split the shared part into its own module',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'editor-knows-no-onnx',
      comment: 'the editor speaks to the runtime only through the document, the protocol, port and param specs, and values',
      severity: 'error',
      from: { path: '^editor/' },
      to: {
        path: '^runtime/',
        pathNot: '^runtime/(values/|events\\.ts$|graph/document\\.ts$|api/protocol\\.ts$|node-api/(ports|params|node-type-info)\\.ts$)',
      },
    },
    {
      name: 'browser-reaches-no-native-ort',
      comment: 'onnxruntime-node is for Node hosts (runtime/ort/native.ts): the editor and the worker, the browser bundle, may not reach it by any path',
      severity: 'error',
      from: { path: '^(editor|worker)/' },
      to: { path: NATIVE_ORT, reachable: true },
    },
    {
      name: 'unlayered-source',
      comment: 'every source file under runtime/ belongs to a floor: add a new folder to FLOORS in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^runtime/', pathNot: FLOORS.map(([, p]) => `(${p})`).join('|') },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(node_modules|dist)/' },
  },
};
