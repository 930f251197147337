# Reading minesim's HDF5 files from R: a run's time series and a batch's index table as data
# frames (docs/output-format.md, "Reading from R"). Needs the hdf5r package (Debian: r-cran-hdf5r).
#
#   source("analysis/R/read_run.R")
#   ts <- read_timeseries("run.h5")               # step, then one column per metric
#   attr(ts, "units")[["S_mean"]]                 # "1"
#   plot(ts$step, ts$S_mean, type = "l")
#   runs <- read_batch_index("results/influence") # the folder or its index.h5
#   aggregate(final_S_mean ~ arm, data = runs, FUN = mean)
#   read_run_attributes("run.h5")$command_line    # provenance (root attributes)
#
# Every reader opens the file read-only and closes it before returning, also on error.

suppressPackageStartupMessages(library(hdf5r))

# An HDF5 file opened read-only; stops with the path when it is missing.
.minesim_open <- function(path) {
  if (!file.exists(path)) stop(path, ": no such file", call. = FALSE)
  H5File$new(path, mode = "r")
}

# Whether `dataset` is an HDF5 dimension scale (such as /timeseries/step, the steps that
# number every series): the axis of a group's datasets, not one of them.
.is_dimension_scale <- function(dataset) {
  "CLASS" %in% h5attr_names(dataset) && identical(h5attr(dataset, "CLASS"), "DIMENSION_SCALE")
}

# A string attribute of `object`, or `default` when it has none.
.text_attribute <- function(object, name, default = "") {
  if (name %in% h5attr_names(object)) as.character(h5attr(object, name)) else default
}

# Every attribute of `object` as a named list (strings as character, numbers as numeric or
# integer), in the order HDF5 lists them.
.attributes <- function(object) {
  names <- h5attr_names(object)
  values <- lapply(names, function(name) h5attr(object, name))
  names(values) <- names
  values
}

#' The root attributes of a run file as a named list: seed, steps, git_commit, status, and the
#' provenance attributes command_line, scenario_path (and batch, arm, replicate for a run of a
#' batch).
read_run_attributes <- function(path) {
  file <- .minesim_open(path)
  on.exit(file$close_all())
  .attributes(file)
}

#' The time series of a run file as a data frame: a column `step` (0, the initial state, to
#' the run's steps) and one numeric column per series of /timeseries, in HDF5's (name) order.
#' The data frame's attributes `units` and `descriptions` are named character vectors
#' (series -> units / description); each column carries its own `units` attribute too.
#' Stops for a file without status "complete" (an interrupted run) unless allow_incomplete.
read_timeseries <- function(path, allow_incomplete = FALSE) {
  file <- .minesim_open(path)
  on.exit(file$close_all())
  status <- .text_attribute(file, "status", default = NA_character_)
  if (!allow_incomplete && !identical(status, "complete")) {
    stop(path, ": not a complete minesim run file (no status = \"complete\"): the run was ",
         "interrupted or is still being written", call. = FALSE)
  }
  if (!file$exists("timeseries")) stop(path, ": no /timeseries group", call. = FALSE)
  group <- file[["timeseries"]]
  step <- NULL
  columns <- list()
  units <- character()
  descriptions <- character()
  for (name in names(group)) {
    dataset <- group[[name]]
    if (!inherits(dataset, "H5D")) next
    if (.is_dimension_scale(dataset)) {
      if (name == "step") step <- as.integer(dataset$read())
      next
    }
    values <- as.numeric(dataset$read())
    attr(values, "units") <- .text_attribute(dataset, "units")
    columns[[name]] <- values
    units[[name]] <- .text_attribute(dataset, "units")
    descriptions[[name]] <- .text_attribute(dataset, "description")
  }
  # Files written before the step scale existed number the values from 0.
  n <- if (length(columns) > 0) length(columns[[1]]) else h5attr(file, "steps") + 1
  if (is.null(step)) step <- seq.int(0L, length.out = n)
  frame <- data.frame(step = step, check.names = FALSE)
  for (name in names(columns)) frame[[name]] <- columns[[name]]
  attr(frame, "units") <- units
  attr(frame, "descriptions") <- descriptions
  frame
}

#' A batch's index table (DIR/index.h5, /runs; docs/batch.md) as a data frame, one row per
#' planned run in plan order and the columns in table order: run_id, arm, replicate, seed,
#' status, wall_seconds, message, the varied parameters and final_<metric>. Strings become
#' character, int64 integer (double when a value needs more than 32 bits, such as a seed;
#' exact below 2^53), float64 numeric. Attributes: `units` and `descriptions` (column ->
#' text) and `batch`, the /batch attributes as a named list (git_commit, minesim_version,
#' batch_file, ...). `path` is the batch folder or its index.h5.
read_batch_index <- function(path) {
  if (dir.exists(path)) path <- file.path(path, "index.h5")
  file <- .minesim_open(path)
  on.exit(file$close_all())
  if (!file$exists("runs")) stop(path, ": no /runs table; is it a batch's index.h5?", call. = FALSE)
  runs <- file[["runs"]]
  order <- if ("columns" %in% h5attr_names(runs)) h5attr(runs, "columns") else names(runs)
  frame <- NULL
  units <- character()
  descriptions <- character()
  for (name in order) {
    dataset <- runs[[name]]
    values <- dataset$read()
    if (is.null(frame)) {
      frame <- data.frame(row.names = seq_along(values))
    }
    frame[[name]] <- values
    units[[name]] <- .text_attribute(dataset, "units")
    descriptions[[name]] <- .text_attribute(dataset, "description")
  }
  if (is.null(frame)) frame <- data.frame()
  rownames(frame) <- NULL
  attr(frame, "units") <- units
  attr(frame, "descriptions") <- descriptions
  attr(frame, "batch") <- if (file$exists("batch")) .attributes(file[["batch"]]) else list()
  frame
}
