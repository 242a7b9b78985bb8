/* accelbench — the conv2d kind's check, exposed so tests can force either of its paths. */
#ifndef AB_MODEL_KINDS_CONV2D_H
#define AB_MODEL_KINDS_CONV2D_H

#include <stdint.h>

#include "model/kind.h"

/* Multiply-adds up to which the check computes the full float64 convolution; above it, a
 * projection over the output channels covers every element (docs/measurement.md). The same
 * budget as GEMM's sampled check. */
#define AB_CONV2D_FULL_WORK (UINT64_C(1) << 27)

/* The conv2d check with its work limit as a parameter: the full reference when the
 * convolution has at most `full_work` multiply-adds, else the projection plus an exact
 * sample of at most io->max_elements elements. Fills v; an error only when reading back
 * failed or memory ran out. */
ab_status ab_conv2d_check(const ab_check_io *io, uint64_t full_work, ab_validation *v, char *msg);

#endif
