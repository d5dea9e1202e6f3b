import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { graphSchemaText } from './json-schema';

/** `npm run schema`: regenerates graphs/schema.json (a test fails while it is stale). */
const target = fileURLToPath(new URL('../../graphs/schema.json', import.meta.url));
writeFileSync(target, graphSchemaText());
console.log(`wrote ${target}`);
