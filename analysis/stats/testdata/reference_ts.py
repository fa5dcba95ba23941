#!/usr/bin/python3
"""Reference vectors for the time-series statistics of
github.com/trendlab/trendlab/analysis/stats (regression.go, ccf.go, its.go).

Run with the Debian interpreter, from this directory:

    /usr/bin/python3 reference_ts.py > reference_ts.json

Libraries: Debian python3-statsmodels, python3-scipy, python3-numpy
(versions recorded under "versions"). The input series are generated here
with a seeded numpy generator and stored in the output, so the Go test
fits exactly the same numbers.
"""
import datetime
import json
import sys

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.tsa.ar_model import AutoReg, ar_select_order
from statsmodels.tsa.stattools import ccf

rng = np.random.default_rng(20261205)
out = {
    "generator": "testdata/reference_ts.py",
    "versions": {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
    },
}


def ar1(n, phi, sd=1.0):
    e = rng.normal(0, sd, n + 50)
    x = np.zeros(n + 50)
    for t in range(1, n + 50):
        x[t] = phi * x[t - 1] + e[t]
    return x[50:]


def dow(first, n):
    """Six 0/1 columns (Tuesday..Sunday; Monday is the base), first is
    Python's weekday() of day 0 (Monday = 0)."""
    cols = []
    for d in range(1, 7):
        cols.append([1.0 if (first + i) % 7 == d else 0.0 for i in range(n)])
    return cols


def hac(y, cols, maxlags):
    X = np.column_stack(cols)
    r = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
    ci = r.conf_int(alpha=0.05)
    return {"coef": list(r.params), "se": list(r.bse),
            "lo": list(ci[:, 0]), "hi": list(ci[:, 1])}


# OLS with HAC errors: y = 2 + 0.3 x + day of week + AR(1) noise.
rows = []
for n, phi, first in [(60, 0.3, 0), (120, 0.6, 3), (365, 0.5, 6)]:
    x = ar1(n, 0.7) + 5
    y = 2 + 0.3 * x + ar1(n, phi)
    y = y + 0.5 * np.array(dow(first, n)[4])
    cols = [np.ones(n), x] + [np.array(c) for c in dow(first, n)]
    for L in [0, 1, 5, 12]:
        rows.append({"y": list(y), "x": list(x), "first_weekday_mon0": first,
                     "maxlags": L, **hac(y, cols, L)})
out["ols_hac"] = {"source": "statsmodels OLS(y, [1, x, dow]).fit(cov_type='HAC', cov_kwds={'maxlags': L}); conf_int(0.05)",
                  "cases": rows}

# Segmented regression (interrupted time series).
rows = []
for n, at, first in [(90, 45, 2), (200, 150, 0)]:
    t = np.arange(n, dtype=float)
    post = (t >= at).astype(float)
    since = np.where(t >= at, t - at, 0.0)
    y = 10 + 0.02 * t - 0.8 * post + 0.01 * since + ar1(n, 0.4, 0.3)
    cols = [np.ones(n), t, post, since] + [np.array(c) for c in dow(first, n)]
    L = int(np.floor(4 * (n / 100) ** (2 / 9)))
    rows.append({"y": list(y), "at": at, "first_weekday_mon0": first, "maxlags": L,
                 **hac(y, cols, L)})
out["its"] = {"source": "statsmodels OLS(y, [1, t, post, (t-at)·post, dow]).fit(cov_type='HAC', cov_kwds={'maxlags': floor(4(n/100)^(2/9))})",
              "cases": rows}

# AR fits, order selection, prewhitened cross-correlation.
rows = []
for n, phi in [(120, 0.6), (365, 0.8)]:
    x = ar1(n, phi) + 3
    y = 0.5 * np.roll(x, 3) + ar1(n, 0.5)
    y[:3] = 0.0
    fits = {}
    for p in [1, 3]:
        fits[str(p)] = list(AutoReg(x, lags=p, trend="c").fit().params)
    sel = ar_select_order(x, maxlag=7, ic="aic", trend="c")
    p = max(sel.ar_lags) if sel.ar_lags else 0
    params = AutoReg(x, lags=p, trend="c").fit().params if p else np.array([x.mean()])
    c, phis = params[0], params[1:]

    def whiten(s):
        return np.array([s[t] - c - sum(phis[i] * s[t - 1 - i] for i in range(p))
                         for t in range(p, len(s))])
    xw, yw = whiten(x), whiten(y)
    pos = ccf(yw, xw, adjusted=False)[:8]   # corr(x'_t, y'_{t+k}), k >= 0
    neg = ccf(xw, yw, adjusted=False)[:8]   # corr(x'_{t+k}, y'_t)
    r = [float(v) for v in neg[7:0:-1]] + [float(v) for v in pos]
    rows.append({"x": list(x), "y": list(y), "ar": fits, "selected_order": int(p),
                 "lags": list(range(-7, 8)), "r": r})
out["ccf"] = {"source": "statsmodels AutoReg(x, lags=p, trend='c').fit().params; ar_select_order(x, maxlag=7, ic='aic', trend='c'); ccf(adjusted=False) of the prewhitened series",
              "cases": rows}

# Minimum detectable coefficient: the two-sided z test's power equation.
rows = []
for se in [0.1, 1.0, 3.7]:
    for alpha, power in [(0.05, 0.8), (0.01, 0.9), (0.1, 0.5)]:
        z = stats.norm.ppf(1 - alpha / 2)

        def f(d):
            return stats.norm.cdf(d / se - z) + stats.norm.cdf(-d / se - z) - power
        d = optimize.brentq(f, 1e-12, 100 * se, xtol=1e-14, rtol=1e-14)
        rows.append({"se": se, "alpha": alpha, "power": power, "mde": d})
out["mde_coef"] = {"source": "scipy brentq on norm.cdf(d/se - z) + norm.cdf(-d/se - z) = power",
                   "cases": rows}

json.dump(out, sys.stdout, indent=1, default=float)
print()
