/* accelbench — which power channels measure a case's device, and which processes on a
 * device are not this harness (sampler.h, "joining channels to devices"). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model/util.h"
#include "power_private.h"
#include "sources.h"

/* Two uids name the same device: equal as PCI bus ids in one form when both are bus ids
 * (CUDA's "0000:17:00.0" and NVML's "00000000:17:00.0"), otherwise equal as text. */
static bool same_uid(const char *a, const char *b) {
  char na[32], nb[32], msg[AB_MSG_LEN];
  if (ab_pci_bus_id_normalize(a, na, sizeof na, msg) == AB_OK &&
      ab_pci_bus_id_normalize(b, nb, sizeof nb, msg) == AB_OK)
    return strcmp(na, nb) == 0;
  return strcmp(a, b) == 0;
}

bool ab_power_channel_covers_case(const ab_power_registry *reg, size_t channel, const char *backend,
                                  const char *uid) {
  if (!reg || channel >= reg->n_channels)
    return false;
  const ab_power_channel_info *i = &reg->channels[channel].info;
  if (i->scope == AB_POWER_SCOPE_NODE || !i->covers_backend[0] || !backend ||
      strcmp(i->covers_backend, backend) != 0)
    return true;
  if (!i->covers_uid[0] || !uid || !uid[0])
    return true;
  return same_uid(i->covers_uid, uid);
}

void ab_power_windows_for_case(const ab_power_registry *reg, ab_energy_window *w, size_t *n,
                               const char *backend, const char *uid) {
  size_t kept = 0;
  for (size_t i = 0; i < *n; i++) {
    if (!ab_power_channel_covers_case(reg, w[i].channel, backend, uid))
      continue;
    if (kept != i)
      memcpy(&w[kept], &w[i], sizeof *w);
    kept++;
  }
  *n = kept;
}

/* Parent pid of `pid` from <root>/proc/<pid>/stat, or 0. */
static pid_t parent_of(const char *root, pid_t pid) {
  char path[1200], buf[1024];
  snprintf(path, sizeof path, "%s/proc/%d/stat", strcmp(root, "/") == 0 ? "" : root, (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
  int ppid = 0;
  return p && sscanf(p + 1, " %*c %d", &ppid) == 1 ? (pid_t)ppid : 0;
}

/* This process or one of its ancestors (bounded: a loop in a fake tree must end). */
static bool is_own(pid_t pid, const char *root) {
  pid_t p = getpid();
  for (int depth = 0; p > 0 && depth < 64; depth++, p = parent_of(root, p))
    if (p == pid)
      return true;
  return false;
}

static void name_from_proc(ab_device_process *d, const char *root) {
  char path[1200];
  snprintf(path, sizeof path, "%s/proc/%u/comm", strcmp(root, "/") == 0 ? "" : root, d->pid);
  char msg[AB_MSG_LEN];
  if (ab_power_read_text(path, d->name, sizeof d->name, msg) != AB_OK)
    d->name[0] = '\0';
}

uint32_t ab_device_processes_foreign(ab_device_process *p, uint32_t n, const char *proc_root) {
  uint32_t kept = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (is_own((pid_t)p[i].pid, proc_root))
      continue;
    p[kept] = p[i];
    p[kept].name[sizeof p[kept].name - 1] = '\0';
    if (!p[kept].name[0])
      name_from_proc(&p[kept], proc_root);
    kept++;
  }
  return kept;
}

void ab_device_processes_merge(ab_device_process *into, uint32_t *n_into,
                               const ab_device_process *add, uint32_t n_add) {
  for (uint32_t i = 0; i < n_add && *n_into < AB_MAX_DEVICE_PROCESSES; i++) {
    bool seen = false;
    for (uint32_t k = 0; k < *n_into && !seen; k++)
      seen = into[k].pid == add[i].pid;
    if (!seen)
      into[(*n_into)++] = add[i];
  }
}
