import { createProductRegistry } from '../nodes/product';
import { nodeServices } from '../runtime/api/node-host';
import { commandFor } from './commands';

/** `npm run graph -- validate FILE` | `npm run graph -- run FILE --out DIR [--targets id,id] [--backend native|wasm] [--folder NAME=PATH]` (see run-cli.ts). */
const code = await commandFor(process.argv[2])(process.argv.slice(2), {
  registry: createProductRegistry(),
  services: ({ backend }) => nodeServices({ backend }),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  onInterrupt(cancel) {
    process.once('SIGINT', cancel);
    return () => process.off('SIGINT', cancel);
  },
});
// Exit once stdout and stderr are flushed: a slow reader on a pipe (`2>&1 | less`) would
// otherwise lose what is still buffered. Each write callback runs after the writes before it.
process.exitCode = code;
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
