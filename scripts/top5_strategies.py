"""Compare ways of choosing the matcher's five candidates on the development title sets
(issue 16, sixth round; ``docs/skills.md``).

    python scripts/top5_strategies.py

For each strategy, prints the lenient top-5 (and strict) pooled over halves A and over
halves B of the five fresh sets, the fifth set's halves, and the strict top-5 of the three
old sets. Rank 1 is the linear score's in every strategy. Strategies: the shipped top five
(field slots and the second reading of unsure composite titles), the linear score's top k
(k = 5, 10, 20, 30: the ceiling of any choice among the k best), maximal marginal relevance
over SOC groups, pooling the SOC group's probability, a reserved slot for the best
alternate-title / ESCO / Job Zone evidence among the 30 best, field-slot variants, and a
conditional-logit re-ranker of ranks 2-5 fitted on halves A.
"""

from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from skillshore.skills.candidates import _best, top_candidates
from skillshore.skills.evaluation import read_title_set
from skillshore.skills.features import FEATURES
from skillshore.skills.matcher import TEMPERATURE, WEIGHTS, TitleMatcher

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
FRESH = [f"skills_fresh{k}_titles" for k in ("", "2", "3", "4", "5")]
OLD = ["skills_eval_titles", "skills_holdout_titles", "skills_dev_titles_danish"]
POOL = 30

m = TitleMatcher()
fam = m.field_families()
soc = m.soc.astype(str)
sets = {}
for name in FRESH + OLD:
    df = read_title_set(DATA / f"{name}.csv")
    raw = df["title"].to_list()
    lin = m._linear(raw)
    S = m._normalize(lin)
    top = _best(S, POOL)
    F = np.zeros((len(raw), POOL, len(FEATURES)))
    for a in range(0, len(raw), 256):
        f = m.features(raw[a : a + 256])
        for k, feat in enumerate(FEATURES):
            F[a : a + 256, :, k] = np.take_along_axis(f[feat], top[a : a + 256], axis=1)
    shipped = m.match(df.select("code", "title"), top_k=5).top
    pos = {s: i for i, s in enumerate(soc)}
    ship_idx = np.zeros((len(raw), 5), dtype=np.int64)
    for code, rank, s in shipped.select("code", "rank", "onet_soc").iter_rows():
        ship_idx[int(code), rank - 1] = pos[s]
    sets[name] = {
        "lin": lin,
        "S": S,
        "top": top,
        "F": F,
        "dice": fam.dice(raw).copy(),
        "ok": [set(x) for x in df["ok"].to_list()],
        "gold": [set(x) for x in df["gold"].to_list()],
        "half": np.array(df["half"].to_list()),
        "shipped": ship_idx,
    }
    d = sets[name]
    d["y"] = np.array([[soc[j] in d["ok"][q] for j in d["top"][q]] for q in range(len(raw))])


def hits(idx: np.ndarray, d: dict, key: str) -> np.ndarray:
    return np.array([any(soc[j] in d[key][q] for j in idx[q]) for q in range(len(idx))])


def evaluate(strategy, label: str) -> None:
    pooled = {h: [0, 0, 0] for h in "AB"}
    f5 = {}
    for name in FRESH:
        d = sets[name]
        idx = strategy(d)
        lh, sh = hits(idx, d, "ok"), hits(idx, d, "gold")
        for h in "AB":
            mk = d["half"] == h
            pooled[h][0] += lh[mk].sum()
            pooled[h][1] += sh[mk].sum()
            pooled[h][2] += mk.sum()
            if name == FRESH[-1]:
                f5[h] = 100 * lh[mk].mean()
    old = " ".join(f"{100 * hits(strategy(sets[n]), sets[n], 'gold').mean():.1f}" for n in OLD)
    ab = " | ".join(
        f"{h} {100 * p[0] / p[2]:.2f} (strict {100 * p[1] / p[2]:.2f})" for h, p in pooled.items()
    )
    print(f"{label:34s} {ab} | fifth A {f5['A']:.1f} B {f5['B']:.1f} | old strict {old}")


def base(d):
    return top_candidates(d["S"], 5, d["dice"], fam.member)


def top_k(k):
    return lambda d: _best(d["S"], k)


def mmr(lam, digits):
    grp = np.array([s[:digits] for s in soc])

    def f(d):
        S, cand = d["S"], d["top"]
        out = np.empty((len(S), 5), dtype=np.int64)
        for q in range(len(S)):
            chosen = [cand[q, 0]]
            while len(chosen) < 5:
                v = [
                    -9.0 if j in chosen else S[q, j] - lam * max(grp[i] == grp[j] for i in chosen)
                    for j in cand[q]
                ]
                chosen.append(cand[q, int(np.argmax(v))])
            out[q] = chosen
        return out

    return f


def group_pool(a, digits):
    _, inv = np.unique([s[:digits] for s in soc], return_inverse=True)

    def f(d):
        lin = TEMPERATURE * d["lin"]
        p = np.exp(lin - lin.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        P = np.zeros((len(p), inv.max() + 1))
        np.add.at(P.T, inv, p.T)
        sc = np.log(p + 1e-300) + a * np.log(P[:, inv] + 1e-300)
        sc[np.arange(len(p)), d["S"].argmax(1)] = np.inf
        return top_candidates(sc, 5, d["dice"], fam.member)

    return f


def reserve(feature_names):
    cols = [FEATURES.index(k) for k in feature_names]

    def f(d):
        b = base(d).copy()
        for q in range(len(b)):
            key = d["F"][q][:, cols].sum(1)
            for r in np.argsort(-key, kind="stable"):
                if d["top"][q, r] not in b[q]:
                    break
            if key[r] > 0:
                b[q] = np.concatenate([b[q, :4], [d["top"][q, r]]])
        return b

    return f


def reranker(lam):
    """Conditional logit over ranks 2-30 (the fifteen features), fitted on halves A where
    an acceptable code is among them and not first, shrunk to the matcher's weights."""
    w0 = TEMPERATURE * np.array([WEIGHTS[k] for k in FEATURES])
    X = np.concatenate([sets[n]["F"][sets[n]["half"] == "A"][:, 1:] for n in FRESH])
    Y = np.concatenate([sets[n]["y"][sets[n]["half"] == "A"][:, 1:] for n in FRESH])
    use = Y.any(1) & ~np.concatenate([sets[n]["y"][sets[n]["half"] == "A"][:, 0] for n in FRESH])
    X, Y = X[use], Y[use]

    def nll(t):
        s = X @ t
        s = s - s.max(1, keepdims=True)
        lo = np.log(np.where(Y, np.exp(s), 0).sum(1))
        return -(lo - np.log(np.exp(s).sum(1))).mean() + lam * ((t - w0) ** 2).sum()

    theta = minimize(nll, w0, method="L-BFGS-B").x

    def f(d):
        s = d["F"] @ theta
        s[:, 0] = np.inf
        return np.take_along_axis(d["top"], np.argsort(-s, 1, kind="stable")[:, :5], 1)

    return f


evaluate(lambda d: d["shipped"], "shipped (field + second reading)")
evaluate(base, "field slots only (fifth round)")
for k in (5, 10, 20, 30):
    evaluate(top_k(k), f"linear top {k}")
for digits, name in ((7, "detailed"), (6, "broad"), (5, "minor")):
    for lam in (0.005, 0.05, 1.0):
        evaluate(mmr(lam, digits), f"MMR {name} lambda {lam}")
for digits in (7, 5):
    for a in (-0.3, 0.2, 1.0):
        evaluate(group_pool(a, digits), f"group pooling SOC[:{digits}] a {a}")
for feats in (["alt_title"], ["esco_title"], ["alt_title", "esco_title"], ["zone"]):
    evaluate(reserve(feats), f"reserved slot {'+'.join(feats)}")
for slots in (1, 3):
    evaluate(
        lambda d, s=slots: top_candidates(d["S"], 5, d["dice"], fam.member, s),
        f"field slots {slots}",
    )
for lam in (0.0, 0.1):
    evaluate(reranker(lam), f"re-ranker fitted on A, shrink {lam}")
