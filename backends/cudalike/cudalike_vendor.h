/* accelbench cudalike backends — one table row per CUDA-shaped runtime (docs/cudalike.md).
 *
 * A row names the vendor's libraries, where they live, the variables that override them,
 * the symbol prefixes the adapter glues its suffixes to, and the enum values it passes,
 * each value with where it comes from. A value no public source confirms has no entry
 * (`from` NULL): the adapter then refuses what needs it, with `why` as the reason. */
#ifndef AB_CUDALIKE_VENDOR_H
#define AB_CUDALIKE_VENDOR_H

/* One enum value and its provenance: "VERIFIED: ..." or "INFERRED: ..."; NULL = unknown. */
typedef struct cl_value {
  int v;
  const char *from;
} cl_value;

#define CL_MAX_SONAMES 4

typedef struct cl_lib_row {
  const char *what;                    /* "MUSA runtime": how messages name it */
  const char *env;                     /* override variable: the path a user names */
  const char *sonames[CL_MAX_SONAMES]; /* file names, tried in each folder below */
  const char *home_env;                /* SDK root variable ($MUSA_HOME); NULL: none */
  const char *home_default;            /* its default ("/usr/local/musa") */
  int bare_names;                      /* also try the file names on the loader path */
  const char *prefix;                  /* symbol prefix ("musa", "mublas") */
  const char *hint;                    /* appended to "not found" */
} cl_lib_row;

typedef struct cl_vendor {
  const char *backend;     /* module and backend name: "musa" */
  const char *vendor;      /* "Moore Threads" */
  const char *description; /* one line for `accelbench list` */
  cl_lib_row rt;
  /* runtime values */
  cl_value success; /* the runtime's success code */
  cl_value memcpy_h2d, memcpy_d2h, memcpy_d2d;
  cl_value err_memory_allocation; /* an allocation failure (reported as AB_E_NOMEM) */
  const char *memcpy_why;         /* the reason when the copy kinds are unknown */
  /* RuntimeGetVersion: the least version the adapter accepts, and how to print it;
   * min 0 = no check (the encoding is not known for this runtime). */
  int min_runtime_version;
  const char *version_why;      /* why that minimum */
  int version_is_cuda_encoding; /* 13000 -> "13.0" */
  /* DeviceGetAttribute numbers (0 = not used): the PCI address and compute units. */
  cl_value attr_pci_bus, attr_pci_device, attr_pci_domain, attr_sm_count, attr_clock_khz;
  /* BLAS: its library and the GemmEx values; blas.what NULL = no BLAS row. */
  cl_lib_row blas;
  const char *blas_handle_suffix; /* "_v2": cuBLAS exports cublasCreate_v2 */
  cl_value op_n, op_t, gemm_default;
  cl_value r_32f, r_64f, r_16f, r_16bf, compute_32f, compute_64f;
  const char *gemm_why;   /* the reason when GemmEx values are unknown */
  const char *management; /* the management library (device facts, docs) */
} cl_vendor;

/* The row this module was built for (CUDALIKE_VENDOR selects it). */
const cl_vendor *cl_this_vendor(void);

#endif
