#!/usr/bin/env python3
"""Writes Tests/fixtures/hdbscan/*.json for HDBSCANTests.swift (offline; needs numpy and
scikit-learn, which CI does not: the JSON is committed).

Each file holds one point set and sklearn.cluster.HDBSCAN's labels for several settings:
  name, dimension, count
  points     the float32 coordinates, row-major, little-endian, base64 (exact: the Swift side reads
             the same floats that sklearn saw as float64)
  runs       [{minClusterSize, minSamples, selection, allowSingleCluster, labels}], labels as
             sklearn returns them (-1 = noise)

sklearn sorts the minimum spanning tree's edges with numpy's unstable argsort, so where edges of
equal weight meet, the order (and with it which side a bridging point joins) is arbitrary. Every
run is checked to give the same partition under other tie orders (stable, reversed, shuffled) of
sklearn's own tree; a run that does not is an error, so every fixture has one right answer.
Run: python3 Tests/oracles/make_hdbscan_fixtures.py
"""
import base64
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import HDBSCAN
from sklearn.cluster._hdbscan._linkage import make_single_linkage, mst_from_data_matrix
from sklearn.cluster._hdbscan._tree import tree_to_labels
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics._dist_metrics import DistanceMetric
from sklearn.neighbors import NearestNeighbors


def blobs(rng, centers, spreads, sizes):
    parts = [c + s * rng.standard_normal((n, len(c))) for c, s, n in zip(centers, spreads, sizes)]
    return np.concatenate(parts)


def unit_blobs(rng, d, spreads, sizes, noise):
    """Normalised identity-like features: clusters around random unit directions plus uniform noise."""
    centers = rng.standard_normal((len(sizes), d))
    x = np.concatenate([blobs(rng, centers / np.linalg.norm(centers, axis=1, keepdims=True), spreads, sizes),
                        rng.standard_normal((noise, d))])
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def moons(rng, n, noise):
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    return np.stack([x, y], axis=1) + noise * rng.standard_normal((n, 2))


def noise_with_clusters(rng):
    uniform = rng.uniform(-10, 10, (1500, 3))
    clusters = blobs(rng, rng.uniform(-7, 7, (4, 3)), [0.4, 0.6, 0.8, 1.0], [200, 150, 100, 50])
    return np.concatenate([uniform, clusters])


def duplicates(rng):
    """Points on a coarse grid, many repeated exactly: zero distances, infinite lambdas, tied edges."""
    grid = np.concatenate([rng.integers(0, 4, (90, 2)), rng.integers(8, 11, (60, 2)), rng.integers(0, 12, (30, 2))])
    return np.concatenate([grid, grid[:40]]).astype(np.float64) * 0.5


def stacked(rng):
    """Three stacks of identical 1-d points (30, 10 and 3): all distances within a stack are 0."""
    return rng.permutation(np.array([1.0] * 30 + [5.0] * 10 + [9.0] * 3)).reshape(-1, 1)


def cases():
    rng = np.random.default_rng(2013)
    return [
        ("tiny_2d", rng.uniform(0, 1, (50, 2)), [(2, None, "eom"), (5, 2, "eom"), (3, 1, "leaf")]),
        ("blobs_2d", blobs(rng, [[0, 0], [6, 1], [2, 7]], [0.5, 1.2, 0.3], [120, 130, 50]),
         [(5, None, "eom"), (10, 5, "eom"), (15, 3, "leaf")]),
        ("blobs_3d", blobs(rng, rng.uniform(-10, 10, (5, 3)), [0.3, 0.6, 1.0, 1.5, 2.5], [250, 200, 150, 120, 80]),
         [(10, None, "eom"), (20, 10, "eom"), (8, 4, "leaf")]),
        ("unit_16d", unit_blobs(rng, 16, [0.05, 0.08, 0.12, 0.15, 0.2, 0.1], [260, 200, 160, 120, 100, 80], 80),
         [(25, None, "eom"), (50, 10, "eom"), (15, 5, "leaf")]),
        ("moons_2d", moons(rng, 500, 0.06), [(10, None, "eom"), (5, 5, "eom"), (20, 8, "leaf")]),
        ("noise_3d", noise_with_clusters(rng), [(20, None, "eom"), (30, 15, "eom")]),
        ("duplicates_2d", duplicates(rng), [(5, None, "eom"), (8, 3, "eom"), (4, 6, "leaf")]),
        ("single_blob_2d", blobs(rng, [[0, 0]], [1.0], [150]), [(10, None, "eom", True), (10, None, "eom")]),
        ("stacked_1d", stacked(rng), [(5, None, "eom"), (3, 2, "leaf"), (12, None, "eom"), (2, 1, "eom")]),
    ]


def squared_distances(x):
    """Pairwise squared distances summed over the coordinates in order, as sklearn's Euclidean rdist."""
    r = np.zeros((len(x), len(x)))
    for j in range(x.shape[1]):
        t = x[:, j, None] - x[None, :, j]
        r += t * t
    return r


def sklearn_mst(x, ms):
    """sklearn's own minimum spanning tree (Prim from point 0) and core distances."""
    core = NearestNeighbors(n_neighbors=ms, algorithm="kd_tree").fit(x).kneighbors(x, ms)[0][:, -1].copy()
    return mst_from_data_matrix(x, core, DistanceMetric.get_metric("euclidean"), 1.0), core


def canonical_mst(x, ms, sklearn_core):
    """The minimum spanning tree under the total order (max(core²ᵢ, core²ⱼ, dᵢⱼ²), dᵢⱼ², i, j), i < j,
    edges in that order: what HDBSCAN.swift builds (Kruskal here, Borůvka there; the tree is unique)."""
    r = squared_distances(x)
    core = np.partition(r, ms - 1, axis=1)[:, ms - 1]
    assert (np.sqrt(core) == sklearn_core).all(), "core distances differ from sklearn's"
    lo, hi = np.triu_indices(len(x), 1)
    reach = np.maximum(np.maximum(core[lo], core[hi]), r[lo, hi])
    parent = list(range(len(x)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    edges = []
    for e in np.lexsort((hi, lo, r[lo, hi], reach)):
        a, b = find(lo[e]), find(hi[e])
        if a != b:
            parent[a] = b
            edges.append((lo[e], hi[e], np.sqrt(reach[e])))
            if len(edges) == len(x) - 1:
                break
    return np.array(edges, dtype=[("current_node", np.int64), ("next_node", np.int64), ("distance", np.float64)])


def tie_orders(mst, rng):
    """Orders of sklearn's MST edges by weight that differ only among equal weights."""
    w = mst["distance"]
    stable = np.argsort(w, kind="stable")
    reverse = len(w) - 1 - np.argsort(w[::-1], kind="stable")
    shuffled = [np.lexsort((rng.random(len(w)), w)) for _ in range(4)]
    return [stable, reverse] + shuffled


def tree_labels(mst, mcs, method, single):
    return tree_to_labels(make_single_linkage(mst), mcs, method, single)[0]


def run(x, mcs, ms, method, single, rng):
    """sklearn's labels, sklearn's tree code on the canonical MST, and whether sklearn's partition
    is the same under every tie order tried (including the canonical tree)."""
    labels = HDBSCAN(min_cluster_size=mcs, min_samples=ms, cluster_selection_method=method,
                     allow_single_cluster=single, copy=True).fit(x).labels_
    mst, core = sklearn_mst(x, ms or mcs)
    canonical = tree_labels(canonical_mst(x, ms or mcs, core), mcs, method, single)
    others = [tree_labels(mst[order], mcs, method, single) for order in tie_orders(mst, rng)] + [canonical]
    robust = all(adjusted_rand_score(labels, other) == 1.0 for other in others)
    return labels, canonical, robust


def main():
    rng = np.random.default_rng(7)
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "hdbscan")
    os.makedirs(out_dir, exist_ok=True)
    total = 0
    for name, points, settings in cases():
        x32 = np.ascontiguousarray(points, dtype="<f4")
        x = x32.astype(np.float64)
        runs = []
        for setting in settings:
            mcs, ms, method = setting[:3]
            single = len(setting) > 3 and setting[3]
            labels, canonical, robust = run(x, mcs, ms, method, single, rng)
            runs.append({"minClusterSize": mcs, "minSamples": ms, "selection": method,
                         "allowSingleCluster": bool(single), "tieRobust": robust,
                         "labels": labels.tolist(), "canonicalLabels": canonical.tolist()})
            print(f"{name}: n={len(x)} mcs={mcs} ms={ms} {method}{' single' if single else ''}: "
                  f"{labels.max() + 1} clusters, {(labels < 0).sum()} noise, "
                  f"{'tie-robust' if robust else f'tie-sensitive (canonical ARI {adjusted_rand_score(labels, canonical):.4f})'}")
        fixture = {"generator": "Tests/oracles/make_hdbscan_fixtures.py", "sklearn": sklearn.__version__,
                   "name": name, "dimension": x.shape[1], "count": x.shape[0],
                   "points": base64.b64encode(x32.tobytes()).decode("ascii"), "runs": runs}
        path = os.path.join(out_dir, f"{name}.json")
        with open(path, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
            f.write("\n")
        total += os.path.getsize(path)
    print(f"wrote {len(cases())} fixtures to {os.path.normpath(out_dir)} ({total} bytes)")


if __name__ == "__main__":
    main()
