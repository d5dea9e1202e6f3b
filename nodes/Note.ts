import { defineNode } from '../runtime/node-api/node';

/** A comment on the canvas. No ports: the scheduler never needs to run it. */
export const Note = defineNode({
  type: 'Note',
  version: 1,
  category: 'Utility',
  doc: 'A text note on the canvas; it takes part in nothing.',
  inputs: {},
  outputs: {},
  params: {
    text: { kind: 'string', default: '', multiline: true, doc: 'The note text (plain text).' },
  },
  async run() {
    return {};
  },
});
