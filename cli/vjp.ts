// npm run vjp -- MODEL.onnx --wrt name[,name] --of name -o OUT.onnx
// Writes the gradient (VJP) model of MODEL. Its weights stay in MODEL: the output refers to
// them as external data by a path relative to OUT, so keep both files where they are.
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { buildVjpModel } from '../runtime/autodiff/index';
import { oneLine } from '../runtime/messages';
import { budgetLine, memoryReport, parseBytes, parseShapes } from './vjp-report';

const USAGE = 'usage: npm run vjp -- MODEL.onnx --wrt name[,name] --of name -o OUT.onnx [--no-forward-output] [--report] [--memory-budget BYTES] [--shape name=AxB,...]';

interface Args { model: string; wrt: string[]; of: string; out: string; includeOutput: boolean; report: boolean; shape: string; budget?: number }

function parseArgs(argv: string[]): Args {
  const rest: string[] = [];
  const flags: Record<string, string> = {};
  let includeOutput = true;
  let report = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-forward-output') includeOutput = false;
    else if (a === '--report') report = true;
    else if (a === '--wrt' || a === '--of' || a === '-o' || a === '--out' || a === '--shape' || a === '--memory-budget') {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      flags[a === '--out' ? '-o' : a] = argv[++i];
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1 || !flags['--wrt'] || !flags['--of'] || !flags['-o']) throw new Error(USAGE);
  const wrt = flags['--wrt'].split(',').map((s) => s.trim()).filter(Boolean);
  const budget = flags['--memory-budget'] === undefined ? undefined : parseBytes(flags['--memory-budget']);
  if (budget !== undefined && !flags['--shape']) throw new Error('--memory-budget needs --shape (the input shapes it plans for)');
  return { model: rest[0], wrt, of: flags['--of'], out: flags['-o'], includeOutput, report, shape: flags['--shape'] ?? '', budget };
}

/** A location relative to the output's folder, with forward slashes as ONNX expects. */
const relativeTo = (outDir: string, target: string) => relative(outDir, target).split(sep).join('/');

/** Where a path really leads (symlinks resolved), also for a file that does not exist yet. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return join(realpathSync(dirname(resolve(path))), basename(path));
  }
}

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

function main(argv: string[]): void {
  const args = parseArgs(argv);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(args.model));
  } catch (e) {
    throw new Error(`cannot read ${args.model}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const outDir = dirname(resolve(args.out));
  const modelDir = dirname(resolve(args.model));
  // The gradient model reads its weights from these files: writing over one destroys them.
  const reads = new Set([realPath(args.model)]);
  const vjp = buildVjpModel(bytes, {
    wrt: args.wrt,
    of: args.of,
    includeOutput: args.includeOutput,
    memoryBudget: args.budget === undefined ? undefined : { bytes: args.budget, shapes: parseShapes(args.shape) },
    forwardPath: relativeTo(outDir, resolve(args.model)),
    rebaseExternal: (loc) => {
      // a model from someone else may point its weights anywhere: only its own folder is read
      const target = join(modelDir, loc);
      if (isAbsolute(loc) || !inside(modelDir, target) || !inside(realPath(modelDir), realPath(target))) {
        throw new Error(`external data "${loc}" lies outside the model's folder ${modelDir}`);
      }
      reads.add(realPath(target));
      return relativeTo(outDir, target);
    },
  });
  const out = realPath(args.out);
  if (reads.has(out)) {
    const what = out === realPath(args.model) ? 'the input model itself' : 'a weights file of the input model';
    throw new Error(`-o ${args.out} is ${what}: the gradient model reads its weights from it, so it cannot be overwritten`);
  }
  writeFileSync(args.out, vjp.model);
  const shared = [...(vjp.externalData ?? []).map((d) => d.path), ...vjp.forwardExternalFiles];
  const fmt = (ts: typeof vjp.inputs) => ts.map((t) => `${t.name} ${t.dtype}[${(t.dims ?? []).map((d) => d ?? '?').join(',')}]`).join('; ');
  console.log(`wrote ${args.out} (${vjp.model.length} bytes; weights read from ${shared.join(', ') || 'nowhere'})`);
  console.log(`inputs: ${fmt(vjp.inputs)}`);
  console.log(`outputs: ${fmt(vjp.outputs)}`);
  if (vjp.memory) console.log(budgetLine(vjp.memory, args.budget!));
  if (args.report) for (const line of memoryReport(vjp.model, parseShapes(args.shape), args.of)) console.log(line);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error(`error: ${oneLine((e as Error).message.split('\n')[0])}`);
  process.exitCode = 2;
}
