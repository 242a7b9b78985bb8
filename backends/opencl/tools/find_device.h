/* The n-th OpenCL device over all platforms, in the order the ICD loader lists them (the
 * backend's device index, backends/opencl/ocl_backend.c), for the bare benchmark tools
 * that must not go through the backend module. NULL when there is no such device. */
#ifndef AB_OCL_TOOLS_FIND_DEVICE_H
#define AB_OCL_TOOLS_FIND_DEVICE_H

#include <CL/cl.h>

static inline cl_device_id tool_find_device(unsigned want) {
  cl_platform_id plats[16];
  cl_uint np = 0, seen = 0;
  if (clGetPlatformIDs(16, plats, &np) != CL_SUCCESS)
    return NULL;
  for (cl_uint p = 0; p < np && p < 16; p++) {
    cl_device_id devs[64];
    cl_uint nd = 0;
    if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 64, devs, &nd) != CL_SUCCESS)
      continue;
    for (cl_uint d = 0; d < nd && d < 64; d++, seen++)
      if (seen == want)
        return devs[d];
  }
  return NULL;
}

#endif
