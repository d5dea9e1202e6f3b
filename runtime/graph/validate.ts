import type { GraphDocument } from './document';
import { indexGraph, type GraphIndex, type Link } from './graph-index';
import { loadDocument } from './load';
import { findCycles } from './cycles';
import { findZoneBody, isLoopLink, ZONE_CURRENT_OUTPUT, ZONE_RESULT_OUTPUT, type ZoneBody } from '../zones/body';
import { paramSchema, withDefaults, type ParamSpec } from '../node-api/params';
import { portTypes, portsFit, type PortSpec } from '../node-api/ports';
import type { AnyNodeDef, NodeRegistry } from '../node-api/registry';
import type { Problem } from '../events';
import { echo, quote } from '../messages';
import { safeProblem } from './problems';

/** Names from a document are looked up as own properties only: `def.params["constructor"]` is not a spec. */
const own = <T>(record: Record<string, T>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);
/** A document name inside a message, unquoted (edge labels), safe and short. */
const bare = (name: string) => quote(name).slice(1, -1);

/** A document that passed validation, with everything the scheduler needs resolved. */
export interface CompiledGraph {
  doc: GraphDocument;
  index: GraphIndex;
  defs: Map<string, AnyNodeDef>;
  /** Params completed with defaults. */
  params: Map<string, Record<string, unknown>>;
  zones: Map<string, ZoneBody>;
  /** Which zone's body each body node belongs to. */
  zoneOf: Map<string, string>;
}

export type Validation = { ok: true; graph: CompiledGraph } | { ok: false; problems: Problem[] };

/** Loads and checks a document against a registry, reporting every problem at once. */
export function validateGraph(input: unknown, registry: NodeRegistry): Validation {
  const result = check(input, registry);
  // One line each, control and bidi characters escaped, whoever worded them.
  return result.ok ? result : { ok: false, problems: result.problems.map(safeProblem) };
}

function check(input: unknown, registry: NodeRegistry): Validation {
  const loaded = loadDocument(input);
  if (!loaded.ok) return loaded;
  const doc = loaded.doc;
  const problems: Problem[] = [];
  const index = indexGraph(doc);
  const defs = new Map<string, AnyNodeDef>();
  const params = new Map<string, Record<string, unknown>>();

  const seen = new Set<string>();
  for (const node of doc.nodes) {
    if (seen.has(node.id)) {
      problems.push({ nodeId: node.id, message: `duplicate node id ${quote(node.id)}` });
      continue;
    }
    seen.add(node.id);
    const def = registry.get(node.type);
    if (!def) {
      problems.push({ nodeId: node.id, message: `unknown node type ${quote(node.type)}` });
      continue;
    }
    defs.set(node.id, def);
    const before = problems.length;
    checkParams(node.id, def, node.params, problems);
    if (problems.length === before) params.set(node.id, withDefaults(def.params, node.params));
  }

  checkEdges(doc, index, defs, problems);
  for (const [id, def] of defs) {
    for (const [port, spec] of Object.entries(def.inputs)) {
      if (!spec.optional && !index.incoming.get(id)?.has(port)) {
        problems.push({ nodeId: id, port, message: `required input "${port}" is not connected` });
      }
    }
  }

  const defOf = (id: string) => defs.get(id);
  const cycles = findCycles([...index.nodes.keys()], (id) =>
    (index.outgoing.get(id) ?? []).filter((l) => !isLoopLink(l, defOf)).map((l) => l.toNode),
  );
  for (const cycle of cycles) {
    problems.push({ nodeId: cycle[0], message: `cycle outside a zone: ${cycle.slice(0, 12).map(bare).join(' -> ')}${cycle.length > 12 ? ' -> …' : ''}` });
  }

  const zones = new Map<string, ZoneBody>();
  const zoneOf = new Map<string, string>();
  if (cycles.length === 0) {
    for (const [id, def] of defs) {
      if (!def.zone) continue;
      const body = findZoneBody(index, id, def);
      checkZone(body, def, index, defs, problems);
      for (const n of body.nodes) zoneOf.set(n, id);
      zones.set(id, body);
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, graph: { doc, index, defs, params, zones, zoneOf } };
}

function checkParams(nodeId: string, def: AnyNodeDef, given: Record<string, unknown>, problems: Problem[]): void {
  for (const [param, value] of Object.entries(given)) {
    const spec = own<ParamSpec>(def.params, param);
    if (!spec) {
      problems.push({ nodeId, param, message: `unknown param ${quote(param)} (${def.type} has: ${names(def.params)})` });
      continue;
    }
    const result = paramSchema(spec).safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const at = issue.path.length ? `[${issue.path.map(String).join('.')}]` : '';
      problems.push({ nodeId, param, message: `param ${quote(param)}${at}: ${issue.message}, got ${echo(value)}` });
    }
  }
}

function checkEdges(doc: GraphDocument, index: GraphIndex, defs: Map<string, AnyNodeDef>, problems: Problem[]): void {
  const connected = new Set<string>();
  for (const { from, to } of doc.edges) {
    const [fromId, fromPort] = from;
    const [toId, toPort] = to;
    const label = `${bare(fromId)}.${bare(fromPort)} -> ${bare(toId)}.${bare(toPort)}`;
    if (!index.nodes.has(fromId)) problems.push({ nodeId: toId, port: toPort, message: `edge ${label}: no node ${quote(fromId)}` });
    if (!index.nodes.has(toId)) problems.push({ nodeId: fromId, port: fromPort, message: `edge ${label}: no node ${quote(toId)}` });
    const fromDef = defs.get(fromId);
    const toDef = defs.get(toId);
    const out = fromDef && own(fromDef.outputs, fromPort);
    const inp = toDef && own(toDef.inputs, toPort);
    if (fromDef && !out) {
      problems.push({ nodeId: fromId, port: fromPort, message: `unknown output port ${quote(fromPort)} (${fromDef.type} has: ${names(fromDef.outputs)})` });
    }
    if (toDef && !inp) {
      problems.push({ nodeId: toId, port: toPort, message: `unknown input port ${quote(toPort)} (${toDef.type} has: ${names(toDef.inputs)})` });
    }
    if (out && inp && !portsFit(out, inp)) {
      problems.push({
        nodeId: toId,
        port: toPort,
        message: `input ${quote(toPort)} takes ${typeList(inp)}, but ${bare(fromId)}.${bare(fromPort)} gives ${typeList(out)}`,
      });
    }
    const key = `${toId}\u0000${toPort}`;
    if (inp && connected.has(key)) {
      problems.push({ nodeId: toId, port: toPort, message: `input ${quote(toPort)} has more than one connection` });
    }
    connected.add(key);
  }
}

function checkZone(body: ZoneBody, def: AnyNodeDef, index: GraphIndex, defs: Map<string, AnyNodeDef>, problems: Problem[]): void {
  const zoneId = body.zoneId;
  for (const link of body.loopLinks) {
    if (!body.onGradientPath.has(link.fromNode)) {
      problems.push({
        nodeId: zoneId,
        port: link.toPort,
        message: `zone input ${quote(link.toPort)} does not depend on "${ZONE_CURRENT_OUTPUT}": the zone has no body to iterate`,
      });
    }
  }
  for (const id of body.members) {
    const member = defs.get(id);
    if (member?.zone) {
      problems.push({ nodeId: id, message: `zone ${quote(id)} is inside zone ${quote(zoneId)}: zones cannot be nested` });
      continue;
    }
    if (def.zone === 'gradient' && body.onGradientPath.has(id) && member && !member.vjp) {
      problems.push({
        nodeId: id,
        message: `${member.type} is not differentiable, but it lies between "${ZONE_CURRENT_OUTPUT}" and the loop inputs of gradient zone ${quote(zoneId)}`,
      });
    }
    const usesResult = [...(index.incoming.get(id)?.values() ?? [])].some(
      (l: Link) => l.fromNode === zoneId && l.fromPort === ZONE_RESULT_OUTPUT,
    );
    if (usesResult) {
      problems.push({ nodeId: id, message: `body node of zone ${quote(zoneId)} cannot use its "${ZONE_RESULT_OUTPUT}" (it exists only after the loop)` });
    }
  }
}

const names = (record: Record<string, unknown>) => Object.keys(record).join(', ') || 'none';
const typeList = (spec: PortSpec) => portTypes(spec).join(' or ');
