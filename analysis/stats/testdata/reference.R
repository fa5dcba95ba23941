#!/usr/bin/Rscript
# Reference vectors from R for github.com/trendlab/trendlab/analysis/stats,
# cross-checking the scipy/statsmodels vectors of reference.py and covering
# tables near 10^9 where scipy 1.10's fisher_exact loses digits.
#
# Run from this directory:  Rscript reference.R > reference_r.csv
#
# Columns: kind, four numeric arguments (k1..k4), alternative, value.
#   fisher:   k1..k4 = a, b, c, d of the table [[a b][c d]]; fisher.test p-value
#   binom:    k1 = x, k2 = n, k3 = p0;                       binom.test p-value
#   quantile: k1 = p, k2 = length of 1:k2 * 1.5 - (1:k2)^2/40; quantile type 7
# The first line records the R version.
g <- 1e9
tables <- list(c(37, 1163, 410, 99590), c(5, 15, 1, 24), c(1, 9, 3, 9),
               c(12, 0, 5, 4), c(150, 850, 120, 880), c(2, 1, 1, 3),
               c(0, 10, 3, 9), c(1, 0, 0, 1), c(3, 1, 1, 3), c(10, 2, 1, 15),
               c(0, 5, 5, 0), c(2, 1000, 0, 3000), c(20, 30, 25, 25),
               c(123456, g - 123456, 120000, g - 120000),
               c(1000000, g - 1000000, 1001000, g - 1001000),
               c(500, g - 500, 700, 2 * g - 700))
alts <- c("two.sided", "greater", "less")
name <- c(two.sided = "two-sided", greater = "greater", less = "less")
cat(sprintf("# %s\n", R.version.string))
cat("kind,k1,k2,k3,k4,alt,value\n")
row <- function(kind, k, alt, v) {
  k <- c(k, rep(0, 4 - length(k)))
  cat(sprintf("%s,%s,%s,%.17g\n", kind, paste(sprintf("%.17g", k), collapse = ","), alt, v))
}
for (t in tables) for (a in alts) {
  p <- fisher.test(matrix(t, 2, byrow = TRUE), alternative = a)$p.value
  row("fisher", t, name[[a]], p)
}
binoms <- list(c(0, 1, 0.5), c(1, 1, 0.5), c(0, 10, 0.1), c(10, 10, 0.9), c(3, 10, 0.1),
               c(7, 20, 0.5), c(2, 50, 0.01), c(682, 925, 0.75), c(0, 1000, 0.001),
               c(12, 100, 0.03), c(500001234, g, 0.5), c(1000, g, 1e-6), c(5, 8, 0.3))
for (b in binoms) for (a in alts) {
  p <- binom.test(b[1], b[2], b[3], alternative = a)$p.value
  row("binom", b, name[[a]], p)
}
for (m in c(1, 2, 7, 50)) for (p in c(0, 0.1, 0.25, 0.5, 0.9, 0.99, 1)) {
  x <- sort((1:m) * 1.5 - (1:m)^2 / 40)
  row("quantile", c(p, m), "", quantile(x, p, type = 7, names = FALSE))
}
