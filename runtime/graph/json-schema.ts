import { z } from 'zod';
import { GraphDocument } from './document';

/** graphs/schema.json as text: the JSON Schema of what a document file may contain (zod's input side). */
export function graphSchemaText(): string {
  const schema = z.toJSONSchema(GraphDocument, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'Embedding Studio graph document' }, null, 2)}\n`;
}
