#!/usr/bin/env python3
"""Offline oracle for SegmentationOracleTests.swift (numpy + scipy; never run by the product).

Builds the same deterministic label maps as `OracleMaps` in the Swift test (an LCG, rectangles),
then computes, independently of the Swift code:
  - Gaga / METHOD.md section 4.3: IoU matrix averaged over the views where each GT id appears,
    linear_sum_assignment(maximize=True) on the GT x max(#GT,#pred) zero-padded matrix,
    mIoU = mean of the matched row IoUs, precision/recall/F at IoU > 0.5;
  - METHOD.md section 4.2 PQ on all views concatenated (torchmetrics-style colours, void rules,
    robust 0.005), things only and with semantics + stuff.
Run: python3 segmentation_oracle.py   and paste the printed numbers into the Swift test.
"""
import numpy as np
from scipy.optimize import linear_sum_assignment


class LCG:
    def __init__(self, seed):
        self.s = seed

    def next(self, n):
        self.s = (self.s * 1103515245 + 12345) % 2147483648
        return (self.s >> 8) % n


def maps(seed, views=3, w=24, h=18):
    r = LCG(seed)
    gts, preds = [], []
    for v in range(views):
        gt = np.full((h, w), 1, dtype=np.int64)          # id 1 = a large background instance
        pred = np.full((h, w), 40 + v, dtype=np.int64)
        for k in range(6):
            gid = 2 + r.next(6)
            x0, y0 = r.next(w - 4), r.next(h - 4)
            x1, y1 = x0 + 2 + r.next(10), y0 + 2 + r.next(8)
            gt[y0:y1, x0:x1] = gid
            pid = 10 + gid if r.next(4) != 0 else 20 + r.next(3)
            dx, dy = r.next(3) - 1, r.next(3) - 1
            pred[max(0, y0 + dy):max(0, y1 + dy), max(0, x0 + dx):max(0, x1 + dx)] = pid
        for _ in range(8):                                 # void specks in GT (0) and prediction (0)
            gt[r.next(h), r.next(w)] = 0
            pred[r.next(h), r.next(w)] = 0
        gts.append(gt)
        preds.append(pred)
    return gts, preds


def gaga(gts, preds, gt_void=0, pred_void=0):
    gt_ids = sorted(set(np.concatenate([g[g != gt_void] for g in gts]).tolist()))
    pred_ids = sorted(set(np.concatenate([p[(g != gt_void) & (p != pred_void)] for g, p in zip(gts, preds)]).tolist()))
    n_gt, n_pred = len(gt_ids), len(pred_ids)
    m = np.zeros((n_gt, max(n_gt, n_pred)))
    for i, gi in enumerate(gt_ids):
        for j, pj in enumerate(pred_ids):
            ious = []
            for g, p in zip(gts, preds):
                valid = g != gt_void
                a = (g == gi) & valid
                if a.sum() == 0:
                    continue
                b = (p == pj) & (p != pred_void) & valid
                ious.append((a & b).sum() / (a | b).sum())
            m[i, j] = np.mean(ious)
    rows, cols = linear_sum_assignment(m, maximize=True)
    paired = m[rows, cols]
    hits = (paired > 0.5).sum()
    prec, rec = hits / n_pred, hits / n_gt
    f = 2 * prec * rec / (prec + rec) if prec + rec > 0 else 0.0
    return paired.mean(), prec, rec, f


def pq(gts, preds, semantics=None, stuff=(), gt_void=0, pred_void=0, robust=0.005):
    g = np.concatenate([x.ravel() for x in gts])
    p = np.concatenate([x.ravel() for x in preds])
    VOID = (-1, -1)

    def gt_color(i):
        if i == gt_void:
            return VOID
        if semantics is None:
            return (0, i)
        if i not in semantics:
            return VOID
        c = semantics[i]
        return (c, 0 if c in stuff else i)

    gcol = [gt_color(int(i)) for i in g]
    if semantics is None:
        pcol = [VOID if i == pred_void else (0, int(i)) for i in p]
    else:
        votes = {}
        for gc, pi in zip(gcol, p.tolist()):
            if gc != VOID:
                votes.setdefault(pi, {}).setdefault(gc[0], 0)
                votes[pi][gc[0]] += 1
        cat = {k: sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, v in votes.items()}
        pcol = []
        for pi in p.tolist():
            if pi == pred_void or pi not in cat:
                pcol.append(VOID)
            else:
                c = cat[pi]
                pcol.append((c, 0 if c in stuff else pi))
    from collections import Counter
    pa, ga, inter = Counter(pcol), Counter(gcol), Counter(zip(pcol, gcol))
    total = len(g)
    tp, fp, fn, iou_sum = Counter(), Counter(), Counter(), Counter()
    pm, gm = set(), set()
    for (pc, gc), a in inter.items():
        if gc == VOID or pc == VOID or pc[0] != gc[0]:
            continue
        union = pa[pc] - inter.get((pc, VOID), 0) + ga[gc] - inter.get((VOID, gc), 0) - a
        iou = a / union
        if iou > 0.5:
            pm.add(pc); gm.add(gc); tp[gc[0]] += 1; iou_sum[gc[0]] += iou
    for gc, a in ga.items():
        if gc != VOID and gc not in gm and inter.get((VOID, gc), 0) / a <= 0.5:
            fn[gc[0]] += 1
    for pc, a in pa.items():
        if pc != VOID and pc not in pm and inter.get((pc, VOID), 0) / a <= 0.5:
            fp[pc[0]] += 1
    gshare, pshare = Counter(), Counter()
    for gc, a in ga.items():
        if gc != VOID: gshare[gc[0]] += a
    for pc, a in pa.items():
        if pc != VOID: pshare[pc[0]] += a
    out = []
    for c in set(gshare) | set(pshare):
        if gshare[c] < robust * total and pshare[c] < robust * total:
            continue
        d = tp[c] + 0.5 * fp[c] + 0.5 * fn[c]
        if d == 0:
            continue
        out.append((iou_sum[c] / d, iou_sum[c] / tp[c] if tp[c] else 0.0, tp[c] / d))
    return tuple(np.mean(out, axis=0)) if out else (0.0, 0.0, 0.0)


if __name__ == "__main__":
    for seed in (7, 2024):
        gts, preds = maps(seed)
        print(f"seed {seed}: gaga mIoU, P, R, F =", ", ".join(f"{x:.12f}" for x in gaga(gts, preds)))
        print(f"seed {seed}: PQ, SQ, RQ things =", ", ".join(f"{x:.12f}" for x in pq(gts, preds)))
        sem = {1: 0, 2: 1, 3: 1, 4: 2, 5: 2, 6: 0}       # 0 and 2 are stuff, 1 is a thing; id 7 void
        print(f"seed {seed}: PQ, SQ, RQ semantic =", ", ".join(f"{x:.12f}" for x in pq(gts, preds, sem, stuff=(0, 2))))
        print(f"seed {seed}: checksum gt, pred =", int(sum((g * (i + 1)).sum() for i, g in enumerate(gts))),
              int(sum((p * (i + 1)).sum() for i, p in enumerate(preds))))
