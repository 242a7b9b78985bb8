/* accelbench — the registry's insides, shared by registry.c, sampler.c and figures.c. */
#ifndef AB_POWER_PRIVATE_H
#define AB_POWER_PRIVATE_H

#include <stdbool.h>

#include "sampler.h"

typedef struct reg_source {
  ab_power_source table; /* the caller's table, zero-extended past its struct_size */
  void *state;
  bool open;    /* open() succeeded: close() is owed */
  bool enabled; /* probe and open succeeded and at least one channel is usable */
  bool slow;    /* polled on a thread of its own (AB_POWER_SOURCE_SLOW_READ, or a 1.0 table) */
  char reason[AB_MSG_LEN];
  size_t first_channel, n_channels;
  char *owned_name; /* table.name of a source never adopted (refused, not selected) */
  /* A loadable module (ab_power_module): where it came from, for the run file. */
  bool module;
  bool refused; /* the module never passed the table checks or its isolated probe */
  char module_path[1024];
  uint64_t module_size;
  char module_sha256[65];
  uint16_t module_abi_major, module_abi_minor;
} reg_source;

typedef struct reg_channel {
  size_t source;  /* index into sources */
  uint32_t index; /* the source's own channel index */
  char id[96];    /* "<source>:<channel name>" */
  ab_power_channel_info info;
  bool enabled;
  bool idle_measured;
  bool idle_valid;
  double idle_w, idle_se_w, idle_s;
  char idle_reason[256];
} reg_channel;

struct ab_power_registry {
  reg_source *sources;
  size_t n_sources;
  reg_channel *channels;
  size_t n_channels;
  double rate_hz;
  double min_window_s;
  char none_reason[1024];
};

#endif
