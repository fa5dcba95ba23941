# Reference values for stats.StratifiedKornGraubard from R's survey package:
# svyciprop(method = "beta") on a stratified design with a finite population
# correction per stratum is the Korn-Graubard interval (Clopper-Pearson at
# the degrees-of-freedom-adjusted effective sample size), except that it
# does not truncate the effective sample size at n as Korn and Graubard do.
# lo and hi below are svyciprop's own code (survey:::svyciprop, method
# "beta") with that truncation, from svymean's estimate and variance;
# svyciprop's untruncated bounds are kept as svy_lo and svy_hi (equal to lo
# and hi whenever the effective sample size is below n).
#
#   apt-get install r-cran-survey
#   Rscript analysis/stats/testdata/korngraubard.R > analysis/stats/testdata/korngraubard.json
#
# Only designs with a positive variance estimate: R has no answer (NaN) when
# it is 0, where trendlab truncates the effective sample size at n.
suppressMessages(library(survey))
cases <- list(
  list(N = c(100, 300), n = c(10, 30), x = c(2, 3), conf = 0.95),
  list(N = c(100, 300), n = c(10, 30), x = c(2, 3), conf = 0.90),
  list(N = c(25, 40, 35), n = c(5, 8, 7), x = c(1, 0, 3), conf = 0.95),
  list(N = c(7, 18), n = c(3, 7), x = c(1, 0), conf = 0.95),
  list(N = c(1000, 2000, 500, 1500), n = c(40, 80, 20, 60), x = c(1, 0, 0, 2), conf = 0.95),
  list(N = c(1000, 2000, 500, 1500), n = c(40, 80, 20, 60), x = c(20, 41, 9, 30), conf = 0.99),
  list(N = c(50, 50), n = c(45, 10), x = c(44, 9), conf = 0.95),
  list(N = c(12, 30), n = c(12, 6), x = c(12, 2), conf = 0.95),
  list(N = c(1e6, 3e6), n = c(2, 3), x = c(1, 1), conf = 0.95)
)
num <- function(v) sprintf("%.17g", v)
out <- character(0)
for (cs in cases) {
  h <- seq_along(cs$N)
  d <- do.call(rbind, lapply(h, function(i) data.frame(s = i, fpc = cs$N[i],
    y = c(rep(1, cs$x[i]), rep(0, cs$n[i] - cs$x[i])))))
  des <- svydesign(ids = ~1, strata = ~s, fpc = ~fpc, data = d)
  ci <- svyciprop(~y, des, method = "beta", level = cs$conf)
  svy <- attr(ci, "ci")
  m <- svymean(~y, des)
  p <- coef(m)[[1]]
  n <- nrow(des)
  alpha <- 1 - cs$conf
  n.eff <- min(n, p * (1 - p) / vcov(m)[1, 1])
  n.eff <- n.eff * (qt(alpha / 2, n - 1) / qt(alpha / 2, degf(des)))^2
  lim <- c(qbeta(alpha / 2, n.eff * p, n.eff * (1 - p) + 1), qbeta(1 - alpha / 2, n.eff * p + 1, n.eff * (1 - p)))
  strata <- paste(sprintf('{"N": %s, "N_sampled": %d, "X": %d}', num(cs$N), as.integer(cs$n), as.integer(cs$x)), collapse = ", ")
  out <- c(out, sprintf('  {"strata": [%s], "conf": %s, "p": %s, "se": %s, "lo": %s, "hi": %s, "svy_lo": %s, "svy_hi": %s}',
    strata, num(cs$conf), num(as.numeric(ci)), num(sqrt(attr(ci, "var"))), num(lim[1]), num(lim[2]), num(svy[1]), num(svy[2])))
}
cat(sprintf('{"source": "R %s, survey %s: svyciprop(method = \\"beta\\") on svydesign(ids = ~1, strata = ~s, fpc = ~N); lo, hi with the effective sample size truncated at n",\n "cases": [\n%s\n]}\n',
  paste(R.version$major, R.version$minor, sep = "."), packageVersion("survey"), paste(out, collapse = ",\n")))
