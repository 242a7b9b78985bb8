/* Host emulation of the portable CUDA kernels (cuk_emu.cpp): run one planned launch on the
 * CPU, with the launch's "device pointers" being host addresses. */
#ifndef AB_TEST_CUK_EMU_H
#define AB_TEST_CUK_EMU_H

#include <stddef.h>

#include "cuk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 0 when the launch ran; -1 with msg when its kernel or geometry is not one it can run. */
int cuk_emu_launch(ab_kernel_kind kind, const cuk_launch *l, char *msg, size_t len);

#ifdef __cplusplus
}
#endif
#endif
