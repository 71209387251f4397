# Regenerates funnelplotr_overdispersion_*.csv: FunnelPlotR's over-dispersion (Spiegelhalter
# 2005) on PHEindicatormethods' funnel test inputs, as an independent oracle for
# rescomm.stats.funnel_overdispersion.
#
#   Rscript funnelplotr_overdispersion.R <FunnelPlotR checkout> <phe_methods folder> <out folder>
#
# Uses only base R and FunnelPlotR's internal functions (R/od_adjustment.R, R/calculate_limits.R,
# sourced from the checkout; nothing is copied here). Run with R 4.2.2 and FunnelPlotR
# 9020d4972873d863e10b8a16555975f0e322adfc (0.6.0, 2025-07-21).
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "R", "od_adjustment.R"))
source(file.path(args[1], "R", "calculate_limits.R"))
phe <- args[2]
out <- args[3]

run <- function(numerator, denominator, data_type, sr_method, trim, name, limits = TRUE) {
  agg <- data.frame(numerator = numerator, denominator = denominator)
  target <- if (data_type == "SR") 1 else sum(agg$numerator) / sum(agg$denominator)
  agg <- transformed_zscore(agg, data_type = data_type, sr_method = sr_method)
  if (trim == "truncate") {
    agg <- truncation(agg, trim_by = 0.1)
  } else {
    agg <- winsorisation(agg, trim_by = 0.1)
  }
  n <- as.numeric(sum(!is.na(agg$Wuzscore)))
  phi <- phi_func(n = n, zscores = na.omit(agg$Wuzscore))
  tau2 <- tau_func(n = n, phi = phi, S = agg[!is.na(agg$Wuzscore), ]$s)
  res <- data.frame(numerator = numerator, denominator = denominator, z = agg$Uzscore,
                    z_trimmed = agg$Wuzscore, phi = phi, tau2 = tau2, target = target)
  if (limits) {
    # sorted, as funnel_plot's build_limits_lookup passes them (its monotonicity fix for the
    # arcsine limits compares neighbouring rows)
    seq_n <- sort(unique(denominator))
    lim <- calculate_limits(data.frame(number_seq = seq_n), data_type, sr_method,
                            multiplier = 1, tau2 = tau2, target = target, draw_adjusted = TRUE)
    at <- match(denominator, seq_n)
    res$od95lcl <- lim$odll95[at]
    res$od95ucl <- lim$odul95[at]
    res$od998lcl <- lim$odll998[at]
    res$od998ucl <- lim$odul998[at]
  }
  write.csv(res, file.path(out, paste0("funnelplotr_overdispersion_", name, ".csv")),
            row.names = FALSE)
}

prop <- read.csv(file.path(phe, "testdata_funnel_prop_inputs.csv"), fileEncoding = "UTF-8-BOM")
ratio <- read.csv(file.path(phe, "testdata_funnel_ratio_inputs.csv"), fileEncoding = "UTF-8-BOM")
options(digits = 17)
run(prop$numerator, prop$denominator, "PR", "SHMI", "winsorise", "proportion_arcsine")
run(ratio$obs, ratio$expected, "SR", "SHMI", "truncate", "ratio_log_truncated")
# FunnelPlotR's "CQC" limits stay on the square-root scale, so only its z, phi and tau2 are used
run(ratio$obs, ratio$expected, "SR", "CQC", "winsorise", "ratio_sqrt", limits = FALSE)
