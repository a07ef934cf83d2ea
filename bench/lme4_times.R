# Wall-clock times of lme4's fits of the benchmark's hard models (lme4 1.1-31, R 4.2.2 from
# Debian), with lmer's default control (nloptwrap BOBYQA), one fit each after a warm-up fit of a
# small model. Run from the repository root:
#   Rscript bench/lme4_times.R [case ...] > bench/lme4_times.json
# Prints one JSON object: per case the formula, REML, seconds (elapsed), evaluations, criterion.
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
kb07 <- read.csv("test/fixtures/data/kb07.csv")
kb07$subj <- factor(kb07$subj)
kb07$item <- factor(kb07$item)
inst <- read.csv(gzfile("bench/data/insteval.csv.gz"), colClasses = c("character", "character", "character", "character", "numeric"))
for (v in c("s", "d", "dept", "service")) inst[[v]] <- factor(inst[[v]])
cases <- list(
  kb07_maximal = list(data = "kb07", REML = FALSE, formula = "RTtrunc ~ 1 + S*P*C + (1 + S*P*C | subj) + (1 + S*P*C | item)"),
  kb07_slopes = list(data = "kb07", REML = FALSE, formula = "RTtrunc ~ 1 + S*P*C + (1 + S + P + C | subj) + (1 + S + P + C | item)"),
  insteval_slopes = list(data = "insteval", REML = FALSE, formula = "y ~ 1 + service + (1 + service | s) + (1 + service | d) + (1 + service | dept)"),
  insteval_intercepts = list(data = "insteval", REML = TRUE, formula = "y ~ service + (1 | s) + (1 | d) + (1 | dept)")
)
if (length(args) > 0) cases <- cases[args]
load_start <- readLines("/proc/loadavg")
invisible(lmer(Reaction ~ Days + (Days | Subject), sleepstudy))  # warm-up
out <- list()
for (name in names(cases)) {
  cs <- cases[[name]]
  data <- if (cs$data == "kb07") kb07 else inst
  t <- system.time(fit <- lmer(as.formula(cs$formula), data, REML = cs$REML))[["elapsed"]]
  out[[name]] <- list(formula = cs$formula, REML = cs$REML, seconds = t,
                      evaluations = fit@optinfo$feval, criterion = unname(if (cs$REML) REMLcrit(fit) else deviance(fit)),
                      theta = unname(getME(fit, "theta")), warnings = unlist(fit@optinfo$conv$lme4$messages))
  message(name, ": ", t, " s, ", fit@optinfo$feval, " evaluations")
}
meta <- list(R = R.version.string, lme4 = as.character(packageVersion("lme4")), date = format(Sys.time(), tz = "UTC", usetz = TRUE),
             machine = paste(Sys.info()[["sysname"]], Sys.info()[["machine"]], parallel::detectCores(), "cores"),
             conditions = paste("load average (1, 5, 15 min) at start", load_start, "; at end", readLines("/proc/loadavg")))
cat(jsonlite::toJSON(c(list(meta = meta), out), auto_unbox = TRUE, digits = NA, pretty = TRUE), "\n")
