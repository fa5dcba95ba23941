#!/usr/bin/python3
"""Reference vectors for github.com/trendlab/trendlab/analysis/stats.

Run with the Debian interpreter (not a pyenv shim), from this directory:

    /usr/bin/python3 reference.py > reference.json

Libraries: Debian python3-scipy, python3-statsmodels, python3-numpy. Their
versions are recorded in the output under "versions". Every vector names
the library call that produced it; where no library implements the
estimator (stratified proportion, Wilson with finite population
correction, lift/PMI/NPMI, sample size) the formula is written out here,
independently of the Go code.
"""
import json
import math
import sys

import numpy as np
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (confint_proportions_2indep,
                                          test_proportions_2indep,
                                          tost_proportions_2indep,
                                          proportion_confint,
                                          proportion_effectsize,
                                          proportions_ztest)
from statsmodels.stats.rates import test_poisson_2indep

ALTS = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}
CONFS = [0.90, 0.95, 0.99]
G = 10**9

out = {
    "generator": "testdata/reference.py",
    "versions": {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
    },
}


def f(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return v


# One proportion: statsmodels proportion_confint(count, nobs, alpha, method).
ONE = [(0, 1), (1, 1), (0, 10), (10, 10), (1, 10), (5, 10), (3, 7),
       (50, 100), (37, 1200), (1, 10**6), (0, G), (1, G), (123456789, G),
       (G - 1, G), (G, G)]
for name, method in [("wilson", "wilson"), ("clopper_pearson", "beta"),
                     ("agresti_coull", "agresti_coull")]:
    rows = []
    for x, n in ONE:
        for conf in CONFS:
            lo, hi = proportion_confint(x, n, alpha=1 - conf, method=method)
            rows.append({"x": x, "n": n, "conf": conf, "lo": f(lo), "hi": f(hi)})
    out[name] = {"source": "statsmodels proportion_confint(method=%r)" % method,
                 "cases": rows}


# Wilson with finite population correction, written out: the roots in p of
#   (p̂ - p)² = z²·f·p(1-p)/n,  f = (N-n)/(N-1)
# i.e. (1 + c)p² - (2p̂ + c)p + p̂² = 0 with c = z²f/n, via numpy.roots.
rows = []
for x, n, N in [(0, 10, 100), (3, 10, 100), (10, 10, 100), (37, 1200, 5000),
                (37, 1200, 1201), (5, 50, 10**6), (0, 1, 2), (1, 1, 2),
                (400, 1000, 2000)]:
    for conf in CONFS:
        z = stats.norm.ppf(1 - (1 - conf) / 2)
        ph = x / n
        c = z * z * (N - n) / (N - 1) / n
        r = np.sort(np.roots([1 + c, -(2 * ph + c), ph * ph]).real)
        rows.append({"x": x, "n": n, "N": N, "conf": conf,
                     "lo": f(max(0.0, r[0])), "hi": f(min(1.0, r[1]))})
out["wilson_fpc"] = {"source": "hand formula: roots of (1+c)p^2-(2p+c)p+p^2 with c=z^2(N-n)/((N-1)n), numpy.roots, z=scipy norm.ppf",
                     "cases": rows}

# Two groups x1/n1 against x2/n2 (none degenerate: library results exist).
TWO = [(37, 1200, 410, 100000), (5, 20, 1, 25), (1, 10, 3, 12),
       (12, 12, 5, 9), (150, 1000, 120, 1000), (2, 3, 1, 4),
       (40, 50, 45, 50), (123456, G, 120000, G), (500, G, 700, 2 * G),
       (7, 10**6, 3, 10**6)]

rows = []
for x1, n1, x2, n2 in TWO:
    for alt, sm in ALTS.items():
        z, p = proportions_ztest([x1, x2], [n1, n2], alternative=sm)
        rows.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "alt": alt,
                     "statistic": f(z), "p": f(p)})
out["ztest"] = {"source": "statsmodels proportions_ztest(count, nobs, alternative), pooled", "cases": rows}

TABLES = [[x1, n1 - x1, x2, n2 - x2] for x1, n1, x2, n2 in TWO] + [
    [0, 10, 3, 9], [1, 0, 0, 1], [3, 1, 1, 3], [10, 2, 1, 15], [0, 5, 5, 0],
    [2, 1000, 0, 3000], [20, 30, 25, 25], [1, 1, 1, 1],
    [1000000, G - 1000000, 1001000, G - 1001000]]
rows = []
for a, b, c, d in TABLES:
    for corr in (False, True):
        chi, p, _, _ = stats.chi2_contingency([[a, b], [c, d]], correction=corr)
        rows.append({"a": a, "b": b, "c": c, "d": d, "yates": corr,
                     "statistic": f(chi), "p": f(p)})
out["chi2"] = {"source": "scipy.stats.chi2_contingency(table, correction)", "cases": rows}

# Tables with an empty row or column: one table is possible given the
# margins, so scipy (and R) give p = 1.
FISHER_EMPTY = [[0, 0, 3, 4], [3, 4, 0, 0], [0, 5, 0, 7], [2, 0, 9, 0], [0, 0, 0, 0]]
rows = []
for a, b, c, d in TABLES + FISHER_EMPTY:
    if a + b + c + d > 10**8:
        # scipy 1.10 fisher_exact loses digits near 10^9 (hypergeom tails
        # differ from R's phyper/fisher.test in the 7th digit); R's values
        # for these tables are in reference_r.csv.
        continue
    for alt in ALTS:
        _, p = stats.fisher_exact([[a, b], [c, d]], alternative=alt)
        rows.append({"a": a, "b": b, "c": c, "d": d, "alt": alt, "p": f(p)})
out["fisher"] = {"source": "scipy.stats.fisher_exact(table, alternative)", "cases": rows}

rows = {"risk_difference": [], "risk_ratio": [], "odds_ratio": []}
for x1, n1, x2, n2 in TWO + [(0, 10, 3, 12), (0, 20, 0, 30), (10, 10, 10, 10), (1, 1, 0, 1)]:
    for conf in CONFS:
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb",
                                            compare="diff", alpha=1 - conf)
        rows["risk_difference"].append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "conf": conf,
                                        "est": f(x1 / n1 - x2 / n2), "lo": f(lo), "hi": f(hi)})
for x1, n1, x2, n2 in TWO:
    for conf in CONFS:
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="log",
                                            compare="ratio", alpha=1 - conf)
        rows["risk_ratio"].append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "conf": conf,
                                   "est": f((x1 / n1) / (x2 / n2)), "lo": f(lo), "hi": f(hi)})
        if x1 < n1 and x2 < n2:
            lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="logit",
                                                compare="odds-ratio", alpha=1 - conf)
            a, b, c, d = x1, n1 - x1, x2, n2 - x2
            rows["odds_ratio"].append({"a": a, "b": b, "c": c, "d": d, "conf": conf,
                                       "est": f(a * d / (b * c)), "lo": f(lo), "hi": f(hi)})
# Zero counts: the Go code keeps the uncorrected estimate (0 or +Inf) and
# takes the finite bound from statsmodels' adjusted methods.
rows["zero_ratio"] = []
for x1, n1, x2, n2 in [(0, 10, 3, 12), (3, 12, 0, 10), (0, 1000, 25, 1000), (0, 1, 1, 1)]:
    for conf in CONFS:
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="log-adjusted",
                                            compare="ratio", alpha=1 - conf)
        est = 0.0 if x1 == 0 else float("inf")
        rows["zero_ratio"].append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "conf": conf,
                                   "est": f(est), "lo": f(0.0 if x1 == 0 else lo),
                                   "hi": f(hi if x1 == 0 else float("inf"))})
rows["zero_odds"] = []
for x1, n1, x2, n2 in [(0, 10, 6, 9), (10, 10, 3, 9), (2, 50, 0, 40), (5, 5, 0, 3)]:
    for conf in CONFS:
        lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="logit-adjusted",
                                            compare="odds-ratio", alpha=1 - conf)
        a, b, c, d = x1, n1 - x1, x2, n2 - x2
        zero_num = a * d == 0
        rows["zero_odds"].append({"a": a, "b": b, "c": c, "d": d, "conf": conf,
                                  "est": f(0.0 if zero_num else float("inf")),
                                  "lo": f(0.0 if zero_num else lo),
                                  "hi": f(hi if zero_num else float("inf"))})
out["risk_ratio_zero"] = {"source": "statsmodels confint_proportions_2indep(method='log-adjusted', compare='ratio') for the finite bound",
                          "cases": rows["zero_ratio"]}
out["odds_ratio_zero"] = {"source": "statsmodels confint_proportions_2indep(method='logit-adjusted', compare='odds-ratio') for the finite bound",
                          "cases": rows["zero_odds"]}
out["risk_difference"] = {"source": "statsmodels confint_proportions_2indep(method='newcomb', compare='diff')",
                          "cases": rows["risk_difference"]}
out["risk_ratio"] = {"source": "statsmodels confint_proportions_2indep(method='log', compare='ratio')",
                     "cases": rows["risk_ratio"]}
out["odds_ratio"] = {"source": "statsmodels confint_proportions_2indep(method='logit', compare='odds-ratio')",
                     "cases": rows["odds_ratio"]}

rows = []
for x, n, p0 in [(0, 1, 0.5), (1, 1, 0.5), (0, 10, 0.1), (10, 10, 0.9),
                 (3, 10, 0.1), (7, 20, 0.5), (2, 50, 0.01), (682, 925, 0.75),
                 (0, 1000, 0.001), (12, 100, 0.03), (500001234, G, 0.5),
                 (1000, G, 1e-6), (5, 8, 0.3)]:
    for alt in ALTS:
        p = stats.binomtest(x, n, p0, alternative=alt).pvalue
        rows.append({"x": x, "n": n, "p0": p0, "alt": alt, "p": f(p)})
out["binomtest"] = {"source": "scipy.stats.binomtest(k, n, p, alternative).pvalue", "cases": rows}

rows = []
for x1, t1, x2, t2 in [(10, 100.0, 20, 100.0), (3, 1.5, 0, 2.0), (30, 1000.0, 12, 800.0),
                       (1, 10.0, 1, 10.0), (0, 5.0, 7, 4.0), (250, 7000.0, 180, 6500.0),
                       (120000, 3.5e7, 118000, 3.5e7), (5, 0.25, 40, 1.0)]:
    for method in ("exact-cond", "score"):
        for alt, sm in ALTS.items():
            r = test_poisson_2indep(x1, np.float64(t1), x2, np.float64(t2), method=method, alternative=sm)
            stat = r.statistic if r.statistic is not None else float("nan")
            rows.append({"x1": x1, "t1": t1, "x2": x2, "t2": t2, "method": method,
                         "alt": alt, "statistic": f(stat), "p": f(r.pvalue)})
out["poisson"] = {"source": "statsmodels test_poisson_2indep(method, alternative)", "cases": rows}

rows = []
for ps in [[0.01], [0.01, 0.04, 0.03, 0.005], [0.2, 0.5, 0.01, 0.01, 0.9, 0.04],
           [1e-10, 0.049, 0.051, 1.0], [0.3, 0.3, 0.3], [0.001, 0.012, 0.014, 0.5, 0.021, 0.6, 0.03]]:
    for name, method in [("bonferroni", "bonferroni"), ("holm", "holm"), ("bh", "fdr_bh")]:
        adj = multipletests(ps, method=method)[1]
        rows.append({"method": name, "p": ps, "adjusted": [f(v) for v in adj]})
out["multipletests"] = {"source": "statsmodels multipletests(p, method) for bonferroni, holm, fdr_bh", "cases": rows}

# Sample size, written out (Cochran 1977 eq. 4.2, 4.3):
#   n0 = z² p(1-p)/e²,  n = n0/(1 + (n0-1)/N), rounded up; z = norm.ppf.
rows = []
for p, e, conf, N in [(0.5, 0.05, 0.95, 0), (0.5, 0.05, 0.95, 1000), (0.1, 0.02, 0.95, 0),
                      (0.5, 0.03, 0.99, 10**7), (0.2, 0.05, 0.90, 200), (0.5, 0.01, 0.95, 0),
                      (0.05, 0.01, 0.95, 5000), (0.5, 0.1, 0.95, 50)]:
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    n0 = z * z * p * (1 - p) / (e * e)
    n = n0 / (1 + (n0 - 1) / N) if N > 0 else n0
    rows.append({"p": p, "margin": e, "conf": conf, "N": N, "n": int(math.ceil(n - 1e-9))})
out["sample_size"] = {"source": "hand formula, z = scipy.stats.norm.ppf", "cases": rows}

rows = []
pw = NormalIndPower()
for p1, p2, n1, n2, alpha in [(0.06, 0.05, 1000, 1000, 0.05), (0.3, 0.2, 100, 150, 0.05),
                              (0.02, 0.01, 5000, 20000, 0.01), (0.5, 0.5, 100, 100, 0.05),
                              (0.1, 0.15, 400, 400, 0.05), (0.001, 0.0005, 10**6, 10**7, 0.05)]:
    h = proportion_effectsize(p1, p2)
    for alt, sm in ALTS.items():
        power = pw.power(effect_size=h, nobs1=n1, alpha=alpha, ratio=n2 / n1, alternative=sm)
        rows.append({"p1": p1, "p2": p2, "n1": n1, "n2": n2, "alpha": alpha, "alt": alt,
                     "h": f(h), "power": f(power)})
out["power"] = {"source": "statsmodels NormalIndPower().power(effect_size=proportion_effectsize(p1, p2), nobs1, alpha, ratio=n2/n1, alternative)",
                "cases": rows}

rows = []
for p0, n1, n2, alpha, power in [(0.05, 1000, 1000, 0.05, 0.8), (0.01, 500, 100000, 0.05, 0.8),
                                 (0.2, 100, 100, 0.05, 0.9), (0.001, 10**6, 10**6, 0.01, 0.8),
                                 (0.5, 50, 60, 0.05, 0.8)]:
    # solve_power's default tolerance leaves errors up to 1.5e-4 relative
    # in h (checked by plugging its h back into power()), so the root of
    # the same statsmodels power function is found with brentq at 1e-15.
    h = optimize.brentq(lambda h: pw.power(effect_size=h, nobs1=n1, alpha=alpha,
                                           ratio=n2 / n1, alternative="two-sided") - power,
                        1e-12, 10, xtol=1e-16, rtol=1e-15)
    p1 = math.sin(math.asin(math.sqrt(p0)) + h / 2) ** 2
    rows.append({"p0": p0, "n1": n1, "n2": n2, "alpha": alpha, "power": power,
                 "h": f(h), "p1": f(p1)})
out["mde"] = {"source": "scipy brentq root of statsmodels NormalIndPower().power(h, nobs1, alpha, ratio, 'two-sided') = power; p1 = sin^2(asin(sqrt(p0)) + h/2)",
              "cases": rows}

# Stratified proportion, written out (Cochran 1977 §5.3):
#   P = Σ W_h p_h, SE² = Σ W_h² (1-f_h) p_h(1-p_h)/(n_h-1) (0.25/1 for n_h = 1 < N_h),
#   CI = Wilson (statsmodels) at n_eff = P(1-P)/SE², count P·n_eff.
rows = []
for strata in [[(1000, 100, 10), (5000, 100, 3)],
               [(200, 20, 4), (300, 30, 6), (500, 50, 10)],
               [(10**6, 400, 37), (2 * 10**6, 400, 12), (50000, 200, 40)],
               [(100, 100, 30), (900, 50, 5)],
               [(40, 1, 1), (60, 10, 2)],
               [(1000, 50, 0), (1000, 50, 1)]]:
    Ntot = sum(s[0] for s in strata)
    P = sum(s[0] / Ntot * s[2] / s[1] for s in strata)
    V = 0.0
    for N, n, x in strata:
        W, ph = N / Ntot, x / n
        if n == N:
            continue
        V += W * W * (1 - n / N) * (0.25 if n == 1 else ph * (1 - ph) / (n - 1))
    for conf in (0.95,):
        neff = P * (1 - P) / V
        lo, hi = proportion_confint(P * neff, neff, alpha=1 - conf, method="wilson")
        rows.append({"strata": [list(s) for s in strata], "conf": conf,
                     "p": f(P), "se": f(math.sqrt(V)), "lo": f(lo), "hi": f(hi)})
out["stratified"] = {"source": "hand formula (Cochran 1977 §5.3) with statsmodels Wilson at the effective sample size",
                     "cases": rows}

rows = []
rng = np.random.default_rng(20261125)
for data in [[1.0], [3.0, 1.0], [5.0, 1.0, 4.0, 2.0, 3.0], list(rng.exponential(3600, 101)),
             list(rng.integers(0, 5, 20).astype(float)), [0.5, 0.5, 0.5, 10.0]]:
    data = sorted(float(v) for v in data)
    ps = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1]
    qs = np.quantile(data, ps, method="linear")
    rows.append({"sorted": data, "p": ps, "q": [f(q) for q in qs]})
out["quantile"] = {"source": "numpy.quantile(x, p, method='linear') (= R type 7)", "cases": rows}

# Lift, PMI, NPMI written out.
rows = []
for nab, na, nb, n in [(10, 100, 50, 1000), (0, 100, 50, 1000), (50, 50, 50, 1000),
                       (1, 1, 1, 10**9), (5000, 20000, 30000, 10**7), (2, 10, 10, 20),
                       (99, 100, 100, 101)]:
    lift = nab * n / (na * nb)
    pmi = math.log(lift) if nab > 0 else float("-inf")
    npmi = -1.0 if nab == 0 else (1.0 if nab == n else pmi / -math.log(nab / n))
    rows.append({"nab": nab, "na": na, "nb": nb, "n": n,
                 "lift": f(lift), "pmi": f(pmi), "npmi": f(npmi)})
out["cooccurrence"] = {"source": "hand formula: lift = nab·n/(na·nb), pmi = ln lift, npmi = pmi/-ln(nab/n)",
                       "cases": rows}

rows = []
for a, b in [("yyynnnyn", "yynnnnyy"),
             ("abcabcabca", "abcabcabcb"),
             ("violating ok ok violating ok unsure ok ok violating ok".split(),
              "violating ok violating violating ok ok ok unsure violating ok".split())]:
    a, b = list(a), list(b)
    cats = sorted(set(a) | set(b))
    tab = np.zeros((len(cats), len(cats)))
    for u, v in zip(a, b):
        tab[cats.index(u), cats.index(v)] += 1
    r = cohens_kappa(tab)
    rows.append({"a": a, "b": b, "kappa": f(r.kappa), "se": f(r.std_kappa)})
out["kappa"] = {"source": "statsmodels cohens_kappa(table).kappa, .std_kappa", "cases": rows}

# Equivalence of risk ratios: the one-sided Wald tests of the log risk
# ratio at a value, and TOST against a margin. The Go code adds 0.5 to the
# counts when one is zero, statsmodels' method="log-adjusted".
rows = {"test": [], "tost": []}
RR_CASES = TWO + [(0, 10, 3, 12), (3, 12, 0, 10), (965, 100000, 1000, 100000),
                  (9650000, 10**8, 10000000, 10**8), (30, 100, 10, 100)]
for x1, n1, x2, n2 in RR_CASES:
    method = "log" if x1 > 0 and x2 > 0 else "log-adjusted"
    for value in (0.8, 1.0, 1.25, 2.0):
        for alt, sm in ALTS.items():
            # numpy counts: statsmodels also computes an odds ratio, which
            # divides by zero for a proportion of 1.
            r = test_proportions_2indep(*map(np.int64, (x1, n1, x2, n2)), value=value, method=method,
                                        compare="ratio", alternative=sm)
            rows["test"].append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "value": value,
                                 "alt": alt, "statistic": f(r.statistic), "p": f(r.pvalue)})
    for lo, hi in ((0.8, 1.25), (0.5, 2.0), (0.9, 1.1)):
        r = tost_proportions_2indep(*map(np.int64, (x1, n1, x2, n2)), lo, hi, method=method, compare="ratio")
        # statsmodels 0.13.5 reports the smaller of the two one-sided
        # p-values as r.pvalue (its docstring and later releases: the
        # larger), so the TOST p-value is taken from its two results.
        p = max(r.results_larger.pvalue, r.results_smaller.pvalue)
        rows["tost"].append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "lo": lo, "hi": hi,
                             "p": f(p)})
out["risk_ratio_test"] = {"source": "statsmodels test_proportions_2indep(compare='ratio', method='log' or 'log-adjusted' with a zero count)",
                          "cases": rows["test"]}
out["risk_ratio_tost"] = {"source": "statsmodels tost_proportions_2indep(low, upp, compare='ratio', method='log' or 'log-adjusted' with a zero count)",
                          "cases": rows["tost"]}

json.dump(out, sys.stdout, indent=1, sort_keys=False, allow_nan=False)
sys.stdout.write("\n")
