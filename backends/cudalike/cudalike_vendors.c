/* accelbench cudalike backends — the vendor table. One row per CUDA-shaped runtime; the
 * module is built once per row (CMakeLists.txt passes CUDALIKE_VENDOR), so each vendor is
 * its own backend with its own name in the run file. Adding a vendor is one row here and
 * one line in CMakeLists.txt (docs/cudalike.md, "Adding a runtime").
 *
 * Provenance of every value: ../shared/reference/vendor-api-facts.md (facts N below).
 * Absent values (no `from`) are the ones no public source confirms; the adapter refuses
 * what needs them with the row's reason. */
#include "cudalike_vendor.h"

/* CoreX runs programs built from CUDA source against its own CUDA-named libraries
 * (facts 5: InfiniCore builds its infinirt::iluvatar namespace from
 * src/infinirt/cuda/infinirt_cuda.cuh and links cudart/cublas in xmake/iluvatar.lua), so
 * the numbers those programs were compiled with are CUDA's: INFERRED, no CoreX header. */
#define COREX_CUDA(section) "INFERRED: CUDA's value (facts " section "), CoreX runs CUDA-built code"

static const cl_vendor rows[] = {
    /* 0: Moore Threads MUSA (facts 5) */
    {
        .backend = "musa",
        .vendor = "Moore Threads",
        .description = "Moore Threads GPUs: MUSA runtime (libmusart, loaded at run time)",
        .rt = {"MUSA runtime",
               "AB_MUSART_LIBRARY",
               {"libmusart.so", "libmusart.so.5", "libmusart.so.4"},
               "MUSA_HOME",
               "/usr/local/musa",
               1,
               "musa",
               "install the MUSA toolkit or set MUSA_HOME"},
        .success = {0, "INFERRED: musaSuccess (facts 5) renames cudaSuccess = 0; confirmed at load "
                       "by musaGetErrorName(0)"},
        .memcpy_why = "musaMemcpyKind values not confirmed from a public header (facts 5: MUSA "
                      "enum values UNVERIFIED, CUDA numbering not assumed)",
        .blas = {"muBLAS",
                 "AB_MUBLAS_LIBRARY",
                 {"libmublas.so"},
                 "MUSA_HOME",
                 "/usr/local/musa",
                 1,
                 "mublas",
                 "install muBLAS"},
        .gemm_why = "mublas operation/datatype enum values not confirmed from a public header "
                    "(facts 5: a porting note gives MUBLAS_OP_N = 111, so CUDA's 0 is not assumed)",
        .management = "libmtml.so (MTML: accelbench-power-mtml)",
    },
    /* 1: MetaX MACA, MC API (facts 5) */
    {
        .backend = "maca",
        .vendor = "MetaX",
        .description = "MetaX GPUs: MACA runtime (libmcruntime, loaded at run time)",
        .rt = {"MACA runtime",
               "AB_MCRUNTIME_LIBRARY",
               {"libmcruntime.so"},
               "MACA_PATH",
               "/opt/maca",
               1,
               "mc",
               "install MXMACA or set MACA_PATH"},
        .success = {0, "INFERRED: mcSuccess (facts 5) renames cudaSuccess = 0; confirmed at load "
                       "by mcGetErrorName(0)"},
        .memcpy_why = "mcMemcpyKind values not confirmed from a public header (facts 5: MetaX mc* "
                      "enum values UNVERIFIED)",
        .blas = {"mcBLAS",
                 "AB_MCBLAS_LIBRARY",
                 {"libmcblas.so"},
                 "MACA_PATH",
                 "/opt/maca",
                 1,
                 "mcblas",
                 "install mcBLAS"},
        .gemm_why = "mcblas operation/datatype enum values not confirmed from a public header "
                    "(facts 5; nor whether mcblasCreate or mcblasCreate_v2 is exported)",
        .management = "libmxsml.so (function names not confirmed: no power module)",
    },
    /* 2: Iluvatar CoreX (facts 5) */
    {
        .backend = "corex",
        .vendor = "Iluvatar CoreX",
        .description = "Iluvatar CoreX GPUs: CUDA-named runtime and cuBLAS in /usr/local/corex/lib",
        .rt = {"CoreX CUDA runtime",
               "AB_COREX_CUDART_LIBRARY",
               {"libcudart.so"},
               0,
               "/usr/local/corex",
               0,
               "cuda",
               "install the CoreX SDK (/usr/local/corex)"},
        .success = {0, COREX_CUDA("1.2") "; confirmed at load by cudaGetErrorName(0)"},
        .memcpy_h2d = {1, COREX_CUDA("1.2")},
        .memcpy_d2h = {2, COREX_CUDA("1.2")},
        .memcpy_d2d = {3, COREX_CUDA("1.2")},
        .err_memory_allocation = {2, COREX_CUDA("1.2")},
        .min_runtime_version = 11000,
        .version_why = "cublasGemmEx takes cublasComputeType_t (68, 70) from CUDA 11 on",
        .version_is_cuda_encoding = 1,
        .attr_pci_bus = {33, COREX_CUDA("1.2")},
        .attr_pci_device = {34, COREX_CUDA("1.2")},
        .attr_pci_domain = {50, COREX_CUDA("1.2")},
        .attr_sm_count = {16, COREX_CUDA("1.2")},
        .attr_clock_khz = {13, COREX_CUDA("1.2")},
        .blas = {"CoreX cuBLAS",
                 "AB_COREX_CUBLAS_LIBRARY",
                 {"libcublas.so"},
                 0,
                 "/usr/local/corex",
                 0,
                 "cublas",
                 "install the CoreX SDK's libcublas"},
        .blas_handle_suffix = "_v2",
        .op_n = {0, COREX_CUDA("1.5")},
        .op_t = {1, COREX_CUDA("1.5")},
        .gemm_default = {-1, COREX_CUDA("1.5")},
        .r_32f = {0, COREX_CUDA("1.5")},
        .r_64f = {1, COREX_CUDA("1.5")},
        .r_16f = {2, COREX_CUDA("1.5")},
        .r_16bf = {14, COREX_CUDA("1.5")},
        .compute_32f = {68, COREX_CUDA("1.5")},
        .compute_64f = {70, COREX_CUDA("1.5")},
        .management = "libixml.so (IXML: accelbench-power-ixml)",
    },
};

const cl_vendor *cl_this_vendor(void) {
  return &rows[CUDALIKE_VENDOR];
}
