"""Writes a fused variant of the reduced reference UNet, as onnxruntime's transformer
optimizer would for the browser: each exported GroupNorm (Reshape -> InstanceNormalization ->
Reshape -> Mul -> Add) becomes Transpose(NHWC) -> com.microsoft GroupNorm -> Transpose(NCHW).
Pattern matching with the onnx package alone (onnxruntime's Python tools are not here).

    /usr/bin/python3 tools/reference/fuse.py [src_dir] [dst_dir]
    (sd15 -> sd15-fused by default; sd15-fp16 -> sd15-fused-fp16 for the fp16 variant)
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def consts(m):
    vals = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == 'Constant':
            vals[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    return vals


def fuse_group_norm(m):
    g = m.graph
    vals = consts(m)
    readers = {}
    for n in g.node:
        for i in n.input:
            readers.setdefault(i, []).append(n)
    only = lambda v, op: (readers.get(v, []) + [None])[0] if len(readers.get(v, [])) == 1 and readers[v][0].op_type == op else None
    drop, add, count = set(), {}, 0
    for n in g.node:
        if n.op_type != 'InstanceNormalization':
            continue
        pre = next((p for p in g.node if n.input[0] in p.output and p.op_type == 'Reshape'), None)
        post = only(n.output[0], 'Reshape')
        mul = post and only(post.output[0], 'Mul')
        addn = mul and only(mul.output[0], 'Add')
        if not (pre and addn) or pre.input[1] not in vals:
            continue
        shape = vals[pre.input[1]]
        gamma, beta = vals.get(mul.input[1]), vals.get(addn.input[1])
        if gamma is None or beta is None or len(shape) != 3:
            continue
        s, b = vals[n.input[1]], vals[n.input[2]]
        if not (np.all(s == 1) and np.all(b == 0)):
            continue
        eps = next((a.f for a in n.attribute if a.name == 'epsilon'), 1e-5)
        x, y, k = pre.input[0], addn.output[0], count
        count += 1
        gn, bn = f'fused/gn{k}/gamma', f'fused/gn{k}/beta'
        g.initializer.extend([numpy_helper.from_array(gamma.reshape(-1).astype(gamma.dtype), gn),
                              numpy_helper.from_array(beta.reshape(-1).astype(beta.dtype), bn)])
        add[id(addn)] = [
            helper.make_node('Transpose', [x], [f'fused/gn{k}/nhwc'], perm=[0, 2, 3, 1], name=f'fused/gn{k}/to_nhwc'),
            helper.make_node('GroupNorm', [f'fused/gn{k}/nhwc', gn, bn], [f'fused/gn{k}/y'], domain='com.microsoft', name=f'fused/gn{k}/GroupNorm',
                             groups=int(shape[1]), epsilon=float(eps), activation=0, channels_last=1),
            helper.make_node('Transpose', [f'fused/gn{k}/y'], [y], perm=[0, 3, 1, 2], name=f'fused/gn{k}/to_nchw'),
        ]
        drop.update({id(pre), id(n), id(post), id(mul)})
    nodes = []
    for n in g.node:
        if id(n) in add:
            nodes.extend(add[id(n)])
        elif id(n) not in drop:
            nodes.append(n)
    del g.node[:]
    g.node.extend(nodes)
    if not any(o.domain == 'com.microsoft' for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    return count


def main():
    root = os.path.join(os.path.dirname(__file__), '..', '..', 'models', 'reference')
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'sd15')
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, 'sd15-fused')
    m = onnx.load(os.path.join(src, 'unet', 'model.onnx'))
    count = fuse_group_norm(m)
    os.makedirs(os.path.join(dst, 'unet'), exist_ok=True)
    out = os.path.join(dst, 'unet', 'model.onnx')
    onnx.save(m, out, save_as_external_data=True, location='model.onnx_data', size_threshold=1024)
    print(f'{out}: {count} GroupNorm fused')


if __name__ == '__main__':
    main()
