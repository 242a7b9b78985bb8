/* accelbench — power sources outside sysfs: IPMI DCMI through ipmitool, a user command
 * (lab power meters, PDUs) and a file a meter keeps writing. Each has one channel. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sampler.h"
#include "sources.h"

#define OUT_MAX 4096

typedef struct ext_state ext_state;

struct ext_state {
  ab_power_channel_info info;
  char exe[256]; /* ipmitool path, or the shell command */
  char unit[8];  /* configured unit for command/file ("" = printed by the meter) */
  double timeout_s;
  int energy; /* the values are joules (counter), not watts */
  /* command and file meters: how one reading is taken (set by meter_start) */
  ab_status (*call)(ext_state *s, double *value, int *energy, char *msg);
  char where[300]; /* what a parse error names, made once at open, not on every read */
  /* file meter: the descriptor kept between reads and the file it is open on */
  bool fd_open;
  int fd;
  dev_t dev;
  ino_t ino;
};

static ab_status ext_count(void *state, uint32_t *count, char *msg) {
  (void)state;
  (void)msg;
  *count = 1;
  return AB_OK;
}

static ab_status ext_info(void *state, uint32_t i, ab_power_channel_info *info, char *msg) {
  ext_state *s = state;
  if (i != 0) {
    ab_pfmt(msg, AB_MSG_LEN, "channel %u out of range (1 channel)", i);
    return AB_E_INVALID;
  }
  uint32_t size = info->struct_size;
  *info = s->info;
  info->struct_size = size;
  return AB_OK;
}

static void ext_close(void *state) {
  ext_state *s = state;
  if (s->fd_open)
    close(s->fd);
  s->fd_open = false;
}

/* ---- IPMI DCMI ---- */

static ab_status ipmi_find(const ab_option *o, size_t n, char *path, size_t len, char *msg) {
  const char *v = ab_popt(o, n, "ipmi");
  if (v && strcmp(v, "off") == 0) {
    ab_pfmt(msg, AB_MSG_LEN, "turned off by the option ipmi=off");
    return AB_E_UNSUPPORTED;
  }
  const char *tool = ab_popt(o, n, "ipmi.ipmitool");
  if (!ab_power_which(tool ? tool : "ipmitool", path, len)) {
    ab_pfmt(msg, AB_MSG_LEN, "%s not found%s (install ipmitool or set ipmi.ipmitool)",
            tool ? tool : "ipmitool", tool ? " or not executable" : " in PATH");
    return AB_E_NOT_FOUND;
  }
  return AB_OK;
}

static ab_status ipmi_call(const char *tool, double timeout_s, double *watts, double *period,
                           char *msg) {
  char out[OUT_MAX];
  char *argv[] = {(char *)tool, "dcmi", "power", "reading", NULL};
  ab_status st = ab_power_run(argv, timeout_s, out, sizeof out, msg);
  if (st != AB_OK)
    return st;
  return ab_power_parse_dcmi(out, watts, period, msg);
}

static ab_status ipmi_probe(const ab_option *o, size_t n, char *msg) {
  char path[256];
  double timeout = 5, w = 0, period = 0;
  ab_status st = ipmi_find(o, n, path, sizeof path, msg);
  if (st == AB_OK)
    st = ab_popt_double(o, n, "ipmi.timeout_s", 5, &timeout, msg);
  if (st == AB_OK)
    st = ipmi_call(path, timeout, &w, &period, msg);
  return st;
}

static ab_status ipmi_open(void *state, const ab_option *o, size_t n, char *msg) {
  ext_state *s = state;
  ab_status st = ipmi_find(o, n, s->exe, sizeof s->exe, msg);
  if (st == AB_OK)
    st = ab_popt_double(o, n, "ipmi.timeout_s", 5, &s->timeout_s, msg);
  double w = 0, period = 0;
  if (st == AB_OK)
    st = ipmi_call(s->exe, s->timeout_s, &w, &period, msg);
  if (st != AB_OK)
    return st;
  ab_power_channel_info *ci = &s->info;
  ab_pfmt(ci->name, sizeof ci->name, "dcmi");
  ab_pfmt(ci->label, sizeof ci->label, "BMC DCMI instantaneous power reading");
  ci->scope = AB_POWER_SCOPE_NODE;
  ci->kind = AB_POWER_KIND_INSTANT_POWER;
  ab_pfmt(ci->covers, sizeof ci->covers, "node");
  /* The BMC reports its own sampling period; without one, BMCs commonly refresh about
   * once a second (the period ipmitool prints on most servers). */
  ci->update_period_s = period > 0 ? period : 1.0;
  ab_pfmt(ci->path, sizeof ci->path, "%s dcmi power reading", s->exe);
  return AB_OK;
}

static ab_status ipmi_read(void *state, uint32_t i, double *value, char *msg) {
  ext_state *s = state;
  double period = 0;
  (void)i;
  return ipmi_call(s->exe, s->timeout_s, value, &period, msg);
}

const ab_power_source ab_power_source_ipmi = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "ipmi",
    .description = "node power at the wall from the BMC (ipmitool dcmi power reading)",
    .state_size = sizeof(ext_state),
    .probe = ipmi_probe,
    .open = ipmi_open,
    .close = ext_close,
    .channel_count = ext_count,
    .channel_info = ext_info,
    .read = ipmi_read,
    .flags = AB_POWER_SOURCE_SLOW_READ, /* runs ipmitool for each read */
};

/* ---- command and file: shared option handling ---- */

static ab_status meter_open(ext_state *s, const ab_option *o, size_t n, const char *pfx,
                            char *msg) {
  char key[32];
  const char *v = ab_popt(o, n, pfx);
  ab_pfmt(s->exe, sizeof s->exe, "%s", v);
  ab_pfmt(key, sizeof key, "%s.unit", pfx);
  const char *unit = ab_popt(o, n, key);
  ab_pfmt(s->unit, sizeof s->unit, "%s", unit ? unit : "");
  ab_power_channel_info *ci = &s->info;
  ab_pfmt(key, sizeof key, "%s.scope", pfx);
  ab_status st = ab_popt_scope(o, n, key, AB_POWER_SCOPE_NODE, &ci->scope, msg);
  ab_pfmt(key, sizeof key, "%s.period_s", pfx);
  if (st == AB_OK)
    st = ab_popt_double(o, n, key, 1.0, &ci->update_period_s, msg);
  ab_pfmt(key, sizeof key, "%s.timeout_s", pfx);
  if (st == AB_OK)
    st = ab_popt_double(o, n, key, 5.0, &s->timeout_s, msg);
  ab_pfmt(key, sizeof key, "%s.covers", pfx);
  const char *covers = ab_popt(o, n, key);
  ab_pfmt(ci->covers, sizeof ci->covers, "%s", covers ? covers : ab_power_scope_name(ci->scope));
  ab_pfmt(ci->name, sizeof ci->name, "%s", pfx);
  ab_pfmt(ci->path, sizeof ci->path, "%s", s->exe);
  if (strcmp(pfx, "file") == 0)
    ab_pfmt(s->where, sizeof s->where, "%.250s, last line", s->exe);
  else
    ab_pfmt(s->where, sizeof s->where, "command \"%.200s\" output", s->exe);
  return st;
}

/* After the first good read: the unit decides the kind. */
static void meter_kind(ext_state *s, int energy, const char *what) {
  s->energy = energy;
  s->info.kind = energy ? AB_POWER_KIND_ENERGY_COUNTER : AB_POWER_KIND_INSTANT_POWER;
  ab_pfmt(s->info.label, sizeof s->info.label, "%s printing %s", what,
          energy ? "cumulative energy" : "power");
}

static ab_status meter_check(ext_state *s, int energy, char *msg) {
  if (energy != s->energy) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: printed %s, but earlier reads were %s", s->exe,
            energy ? "energy" : "power", s->energy ? "energy" : "power");
    return AB_E_INVALID;
  }
  return AB_OK;
}

/* ---- external command ---- */

/* Command and file meters differ only in how one reading is taken and in their option
 * key; probing, opening (one reading decides watts or joules) and reading are shared. */
static ab_status meter_probe(const ab_option *o, size_t n, const char *key, const char *what,
                             char *msg) {
  if (!ab_popt(o, n, key)) {
    ab_pfmt(msg, AB_MSG_LEN, "no meter %s configured (option %s)", what, key);
    return AB_E_NOT_FOUND;
  }
  return AB_OK;
}

static ab_status meter_start(ext_state *s, const ab_option *o, size_t n, const char *key,
                             ab_status (*call)(ext_state *, double *, int *, char *), char *msg) {
  double v = 0;
  int energy = 0;
  s->call = call;
  ab_status st = meter_open(s, o, n, key, msg);
  if (st == AB_OK)
    st = call(s, &v, &energy, msg);
  if (st == AB_OK)
    meter_kind(s, energy, key);
  else
    ext_close(s); /* a failed open() releases what it took: close() is not called */
  return st;
}

static ab_status meter_read(void *state, uint32_t i, double *value, char *msg) {
  ext_state *s = state;
  int energy = 0;
  (void)i;
  ab_status st = s->call(s, value, &energy, msg);
  return st == AB_OK ? meter_check(s, energy, msg) : st;
}

static ab_status cmd_call(ext_state *s, double *value, int *energy, char *msg) {
  char out[OUT_MAX];
  char *argv[] = {"/bin/sh", "-c", s->exe, NULL};
  ab_status st = ab_power_run(argv, s->timeout_s, out, sizeof out, msg);
  if (st != AB_OK)
    return st;
  return ab_power_parse_value(out, s->unit, s->where, value, energy, msg);
}

static ab_status cmd_probe(const ab_option *o, size_t n, char *msg) {
  return meter_probe(o, n, "command", "command", msg);
}

static ab_status cmd_open(void *state, const ab_option *o, size_t n, char *msg) {
  return meter_start(state, o, n, "command", cmd_call, msg);
}

const ab_power_source ab_power_source_command = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "command",
    .description = "a user command printing watts or joules (lab power meter, PDU)",
    .state_size = sizeof(ext_state),
    .probe = cmd_probe,
    .open = cmd_open,
    .close = ext_close,
    .channel_count = ext_count,
    .channel_info = ext_info,
    .read = meter_read,
    .flags = AB_POWER_SOURCE_SLOW_READ, /* runs the user's command for each read */
};

/* ---- file ---- */

static ab_status file_error(const ext_state *s, const char *what, int err, char *msg) {
  ab_pfmt(msg, AB_MSG_LEN, "%s: %s%s", s->exe, what, strerror(err));
  return err == ENOENT ? AB_E_NOT_FOUND : AB_E_IO;
}

/* The descriptor to read and the file's size now. The descriptor is kept between reads and
 * reopened only when the path names another file (a meter that rewrites the file by rename
 * leaves a kept descriptor on the old one): one stat and one pread per poll instead of
 * open, fstat, pread and close, because on a fully loaded machine every system call the
 * sampler makes is time taken from the work being measured (docs/power.md, "Overhead"). */
static ab_status file_fd(ext_state *s, off_t *size, char *msg) {
  struct stat sb;
  if (stat(s->exe, &sb) != 0)
    return file_error(s, "", errno, msg);
  /* Opening a FIFO with no writer would block the shared sampler thread, and a device
   * file is no meter log. O_NONBLOCK as well, for a path swapped after the stat. */
  if (!S_ISREG(sb.st_mode)) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: not a regular file (a meter file is re-read from its end)",
            s->exe);
    return AB_E_INVALID;
  }
  if (!s->fd_open || sb.st_ino != s->ino || sb.st_dev != s->dev) {
    ext_close(s);
    int fd = open(s->exe, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
      return file_error(s, "", errno, msg);
    if (fstat(fd, &sb) != 0) { /* what was opened, if it was renamed since the stat */
      int err = errno;
      close(fd);
      return file_error(s, "fstat: ", err, msg);
    }
    if (!S_ISREG(sb.st_mode)) {
      close(fd);
      ab_pfmt(msg, AB_MSG_LEN, "%s: not a regular file (replaced while being opened)", s->exe);
      return AB_E_INVALID;
    }
    s->fd = fd;
    s->fd_open = true;
    s->dev = sb.st_dev;
    s->ino = sb.st_ino;
  }
  *size = sb.st_size;
  return AB_OK;
}

/* The last non-empty line of the file's last 4 KiB (meters append or rewrite). */
static ab_status file_call(ext_state *s, double *value, int *energy, char *msg) {
  char buf[OUT_MAX];
  off_t size = 0;
  ab_status st = file_fd(s, &size, msg);
  if (st != AB_OK)
    return st;
  off_t off = size > (off_t)(sizeof buf - 1) ? size - (off_t)(sizeof buf - 1) : 0;
  ssize_t got = pread(s->fd, buf, sizeof buf - 1, off);
  if (got < 0)
    return file_error(s, "", errno, msg);
  buf[got] = '\0';
  /* A meter appending lines may be caught mid-write ("21" of "215.5 W"): a last line
   * without its newline is read only when it is the only line. */
  char *nl = got > 0 && buf[got - 1] != '\n' ? strrchr(buf, '\n') : NULL;
  if (nl)
    got = nl - buf, buf[got] = '\0';
  while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r' || buf[got - 1] == ' '))
    buf[--got] = '\0';
  if (got == 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: empty (expected \"<number> [unit]\" on its last line)", s->exe);
    return AB_E_INVALID;
  }
  char *line = strrchr(buf, '\n');
  line = line ? line + 1 : buf;
  return ab_power_parse_value(line, s->unit, s->where, value, energy, msg);
}

static ab_status file_probe(const ab_option *o, size_t n, char *msg) {
  return meter_probe(o, n, "file", "file", msg);
}

static ab_status file_open(void *state, const ab_option *o, size_t n, char *msg) {
  return meter_start(state, o, n, "file", file_call, msg);
}

const ab_power_source ab_power_source_file = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "file",
    .description = "a file a meter keeps rewriting, re-read each poll (watts or joules)",
    .state_size = sizeof(ext_state),
    .probe = file_probe,
    .open = file_open,
    .close = ext_close,
    .channel_count = ext_count,
    .channel_info = ext_info,
    .read = meter_read,
};
