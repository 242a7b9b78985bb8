/* accelbench — status codes shared by the harness, backends and power sources.
 *
 * Fallible functions return an ab_status: 0 is success, negative values are error kinds
 * (curl/PAPI style). Details, including a vendor's own error code, go into a
 * caller-provided message buffer, never into a global.
 */
#ifndef ACCELBENCH_STATUS_H
#define ACCELBENCH_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ab_status {
  AB_OK = 0,
  AB_E_UNSUPPORTED = -1, /* the operation, dtype or shape is not offered here */
  AB_E_INVALID = -2,     /* a bad argument or input (names what in the message) */
  AB_E_NOMEM = -3,       /* host or device memory exhausted */
  AB_E_DEVICE = -4,      /* the vendor runtime or driver reported an error */
  AB_E_IO = -5,          /* a file or pipe could not be read or written */
  AB_E_NOT_FOUND = -6,   /* a library, symbol, device or file is absent */
  AB_E_ABI = -7,         /* a module speaks an ABI version the harness does not know */
  AB_E_TIMEOUT = -8,     /* a call exceeded its time limit */
  AB_E_INTERNAL = -9     /* a bug in accelbench itself */
} ab_status;

/* The status in words, for messages: "unsupported", "invalid argument", ... Never NULL;
 * "unknown status" for a value outside the enum. Inline so a module uses it without
 * linking anything of the harness. */
static inline const char *ab_status_text(ab_status s) {
  switch (s) {
  case AB_OK: return "ok";
  case AB_E_UNSUPPORTED: return "unsupported";
  case AB_E_INVALID: return "invalid argument";
  case AB_E_NOMEM: return "out of memory";
  case AB_E_DEVICE: return "device or runtime error";
  case AB_E_IO: return "input/output error";
  case AB_E_NOT_FOUND: return "not found";
  case AB_E_ABI: return "unknown ABI version";
  case AB_E_TIMEOUT: return "timed out";
  case AB_E_INTERNAL: return "internal error";
  }
  return "unknown status";
}

/* Size of every message buffer the harness passes to a backend or power source. */
#define AB_MSG_LEN 512

#ifdef __cplusplus
}
#endif
#endif
