/* accelbench — helpers shared by the built-in power sources: options, sysfs reads,
 * subprocesses with a timeout, and strict parsers for meter and ipmitool output. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sampler.h"
#include "sources.h"

extern char **environ;

void ab_pfmt(char *out, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, len, fmt, ap);
  va_end(ap);
}

const char *ab_popt(const ab_option *o, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (o[i].key && strcmp(o[i].key, key) == 0)
      return o[i].value;
  return NULL;
}

ab_status ab_popt_double(const ab_option *o, size_t n, const char *key, double def, double *out,
                         char *msg) {
  const char *v = ab_popt(o, n, key);
  *out = def;
  if (!v)
    return AB_OK;
  char *end = NULL;
  errno = 0;
  double d = strtod(v, &end);
  if (errno || end == v || *end != '\0' || !(d > 0) || !isfinite(d)) {
    ab_pfmt(msg, AB_MSG_LEN, "power option %s: expected a positive number, got \"%s\"", key, v);
    return AB_E_INVALID;
  }
  *out = d;
  return AB_OK;
}

ab_status ab_popt_scope(const ab_option *o, size_t n, const char *key, ab_power_scope def,
                        ab_power_scope *out, char *msg) {
  const char *v = ab_popt(o, n, key);
  *out = def;
  if (!v)
    return AB_OK;
  if (strcmp(v, "chip") == 0)
    *out = AB_POWER_SCOPE_CHIP;
  else if (strcmp(v, "board") == 0)
    *out = AB_POWER_SCOPE_BOARD;
  else if (strcmp(v, "node") == 0)
    *out = AB_POWER_SCOPE_NODE;
  else {
    ab_pfmt(msg, AB_MSG_LEN, "power option %s: expected chip, board or node, got \"%s\"", key, v);
    return AB_E_INVALID;
  }
  return AB_OK;
}

void ab_power_join(char *out, size_t len, const char *root, const char *path) {
  size_t rl = root ? strlen(root) : 0;
  while (rl > 0 && root[rl - 1] == '/')
    rl--;
  ab_pfmt(out, len, "%.*s%s", (int)rl, root ? root : "", path);
}

ab_status ab_power_read_text(const char *path, char *buf, size_t len, char *msg) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: %s", path, strerror(errno));
    return errno == ENOENT ? AB_E_NOT_FOUND : AB_E_IO;
  }
  ssize_t got = read(fd, buf, len - 1);
  int err = errno;
  close(fd);
  if (got < 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: %s", path, strerror(err));
    return AB_E_IO;
  }
  buf[got] = '\0';
  while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
    buf[--got] = '\0';
  return AB_OK;
}

static ab_status parse_u64(const char *buf, const char *path, uint64_t *value, char *msg) {
  const char *p = buf;
  while (*p == ' ')
    p++;
  if (!isdigit((unsigned char)*p)) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: expected an unsigned integer, got \"%.40s\"", path, buf);
    return AB_E_INVALID;
  }
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(p, &end, 10); /* base 10: leading zeros are not octal */
  while (*end == ' ' || *end == '\n')
    end++;
  if (errno || *end != '\0') {
    ab_pfmt(msg, AB_MSG_LEN, "%s: expected an unsigned integer, got \"%.40s\"", path, buf);
    return AB_E_INVALID;
  }
  *value = v;
  return AB_OK;
}

void ab_sysfs_channels_close(ab_sysfs_channel *ch, uint32_t *n) {
  for (uint32_t i = 0; i < *n; i++)
    if (ch[i].fd >= 0)
      close(ch[i].fd);
  *n = 0;
}

ab_status ab_sysfs_channel_info(const char *source, const ab_sysfs_channel *ch, uint32_t n,
                                uint32_t i, ab_power_channel_info *info, char *msg) {
  if (i >= n) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: channel %u out of range (%u channels)", source, i, n);
    return AB_E_INVALID;
  }
  uint32_t size = info->struct_size; /* the caller's size, not ours */
  *info = ch[i].info;
  info->struct_size = size;
  return AB_OK;
}

ab_status ab_sysfs_channel_read(const ab_sysfs_channel *c, double *value, char *msg) {
  uint64_t raw = 0;
  ab_status st = ab_power_pread_u64(c->fd, c->info.path, &raw, msg);
  if (st == AB_OK)
    *value = (double)raw * c->scale;
  return st;
}

ab_status ab_power_pread_u64(int fd, const char *path, uint64_t *value, char *msg) {
  char buf[64];
  /* sysfs regenerates an attribute's text on every read at offset 0, so one pread on a
   * descriptor kept open is the cheapest way to poll it. */
  ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
  if (got < 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: %s", path, strerror(errno));
    return AB_E_IO;
  }
  if (got == 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: empty", path);
    return AB_E_IO;
  }
  buf[got] = '\0';
  return parse_u64(buf, path, value, msg);
}

ab_status ab_power_read_u64(const char *path, uint64_t *value, char *msg) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: %s", path, strerror(errno));
    return errno == ENOENT ? AB_E_NOT_FOUND : AB_E_IO;
  }
  ab_status st = ab_power_pread_u64(fd, path, value, msg);
  close(fd);
  return st;
}

int ab_power_which(const char *name, char *path, size_t len) {
  if (strchr(name, '/')) {
    ab_pfmt(path, len, "%s", name);
    return access(name, X_OK) == 0;
  }
  const char *env = getenv("PATH");
  if (!env)
    env = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
  const char *p = env;
  while (*p) {
    const char *colon = strchr(p, ':');
    size_t dl = colon ? (size_t)(colon - p) : strlen(p);
    ab_pfmt(path, len, "%.*s/%s", (int)dl, p, name);
    struct stat st;
    if (dl > 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
      return 1;
    p += dl + (colon ? 1 : 0);
  }
  return 0;
}

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Drain both pipes until EOF on both or the deadline; returns 0 on EOF, -1 on timeout. */
static int drain(int ofd, int efd, char *out, size_t olen, char *err, size_t elen,
                 double deadline) {
  size_t on = 0, en = 0;
  char sink[512];
  while (ofd >= 0 || efd >= 0) {
    double left = deadline - mono_s();
    if (left <= 0)
      return -1;
    struct pollfd p[2] = {{.fd = ofd, .events = POLLIN}, {.fd = efd, .events = POLLIN}};
    int r = poll(p, 2, (int)(left * 1000) + 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return -1;
    for (int i = 0; i < 2; i++) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      char *dst = i == 0 ? out + on : err + en;
      size_t room = i == 0 ? olen - 1 - on : elen - 1 - en;
      ssize_t got = room > 0 ? read(p[i].fd, dst, room) : read(p[i].fd, sink, sizeof sink);
      if (got <= 0) {
        if (i == 0)
          ofd = -1;
        else
          efd = -1;
        continue;
      }
      if (room > 0) {
        if (i == 0)
          on += (size_t)got;
        else
          en += (size_t)got;
      }
    }
  }
  out[on] = '\0';
  err[en] = '\0';
  return 0;
}

static void first_line(char *s) {
  char *nl = strchr(s, '\n');
  if (nl)
    *nl = '\0';
}

ab_status ab_power_run(char *const argv[], double timeout_s, char *out, size_t len, char *msg) {
  int op[2] = {-1, -1}, ep[2] = {-1, -1};
  posix_spawn_file_actions_t fa;
  pid_t pid = -1;
  ab_status st = AB_E_IO;
  char err[512];
  if (pipe(op) != 0 || pipe(ep) != 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: pipe: %s", argv[0], strerror(errno));
    goto done;
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, op[1], 1);
  posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
  posix_spawn_file_actions_addclose(&fa, op[0]);
  posix_spawn_file_actions_addclose(&fa, ep[0]);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(op[1]);
  close(ep[1]);
  op[1] = ep[1] = -1;
  if (rc != 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: cannot run: %s", argv[0], strerror(rc));
    pid = -1;
    st = AB_E_NOT_FOUND;
    goto done;
  }
  if (drain(op[0], ep[0], out, len, err, sizeof err, mono_s() + timeout_s) != 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ab_pfmt(msg, AB_MSG_LEN, "%s: no answer within %.1f s (killed)", argv[0], timeout_s);
    st = AB_E_TIMEOUT;
    goto done;
  }
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
  }
  first_line(err);
  if (WIFSIGNALED(ws)) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: killed by signal %d", argv[0], WTERMSIG(ws));
  } else if (WEXITSTATUS(ws) != 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: exit status %d%s%.300s", argv[0], WEXITSTATUS(ws),
            err[0] ? ": " : "", err);
  } else {
    st = AB_OK;
  }
done:
  for (int i = 0; i < 2; i++) {
    if (op[i] >= 0)
      close(op[i]);
    if (ep[i] >= 0)
      close(ep[i]);
  }
  return st;
}

/* ---- value parsing ---- */

typedef struct unit_def {
  const char *name;
  double scale; /* to watts or joules */
  int energy;
} unit_def;

static const unit_def k_units[] = {
    {"W", 1.0, 0},   {"mW", 1e-3, 0}, {"kW", 1e3, 0},    {"J", 1.0, 1},
    {"mJ", 1e-3, 1}, {"kJ", 1e3, 1},  {"Wh", 3600.0, 1}, {"kWh", 3.6e6, 1},
};

static const unit_def *find_unit(const char *s) {
  for (size_t i = 0; i < sizeof k_units / sizeof k_units[0]; i++)
    if (strcmp(s, k_units[i].name) == 0)
      return &k_units[i];
  return NULL;
}

ab_status ab_power_parse_value(const char *text, const char *unit, const char *where, double *value,
                               int *is_energy, char *msg) {
  const unit_def *cfg = NULL;
  if (unit && *unit && !(cfg = find_unit(unit))) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: unit \"%s\" is not one of W, mW, kW, J, mJ, kJ, Wh, kWh", where,
            unit);
    return AB_E_INVALID;
  }
  const char *p = text;
  while (isspace((unsigned char)*p))
    p++;
  char *end = NULL;
  errno = 0;
  double v = strtod(p, &end);
  if (end == p || errno || !isfinite(v)) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: expected \"<number> [unit]\", got \"%.60s\"", where, text);
    return AB_E_INVALID;
  }
  while (*end == ' ' || *end == '\t')
    end++;
  char tok[16] = "";
  size_t tn = 0;
  while (*end && !isspace((unsigned char)*end) && tn < sizeof tok - 1)
    tok[tn++] = *end++;
  tok[tn] = '\0';
  while (isspace((unsigned char)*end))
    end++;
  if (*end != '\0') {
    ab_pfmt(msg, AB_MSG_LEN, "%s: trailing text after the value in \"%.60s\"", where, text);
    return AB_E_INVALID;
  }
  const unit_def *u = cfg;
  if (tn > 0) {
    const unit_def *seen = find_unit(tok);
    if (!seen) {
      ab_pfmt(msg, AB_MSG_LEN, "%s: unknown unit \"%s\" (expected W, mW, kW, J, mJ, kJ, Wh, kWh)",
              where, tok);
      return AB_E_INVALID;
    }
    if (cfg && seen != cfg) {
      ab_pfmt(msg, AB_MSG_LEN, "%s: printed unit \"%s\" disagrees with the configured \"%s\"",
              where, tok, cfg->name);
      return AB_E_INVALID;
    }
    u = seen;
  }
  if (!u) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: \"%.60s\" has no unit and none is configured (.unit)", where,
            text);
    return AB_E_INVALID;
  }
  if (v < 0) {
    ab_pfmt(msg, AB_MSG_LEN, "%s: negative value %g", where, v);
    return AB_E_INVALID;
  }
  *value = v * u->scale;
  *is_energy = u->energy;
  return AB_OK;
}

/* ---- ipmitool dcmi power reading ----
 * Format from ipmitool's lib/ipmi_dcmi.c (ipmi_dcmi_pwr_rd): lines "Instantaneous power
 * reading: %8d Watts", "Minimum during sampling period", "Maximum during sampling period",
 * "Average power reading over sample period", "IPMI timestamp: <text>", "Sampling period:
 * %08u Seconds.", "Power reading state is: activated|deactivated". Some builds print the
 * timestamp without a newline, so "Sampling period" can follow it on the same line. */

static const char *k_watt_keys[] = {
    "Instantaneous power reading:",
    "Minimum during sampling period:",
    "Maximum during sampling period:",
    "Average power reading over sample period:",
};

static int parse_watts_field(const char *s, double *w) {
  char *end = NULL;
  while (*s == ' ')
    s++;
  if (!isdigit((unsigned char)*s))
    return -1;
  long v = strtol(s, &end, 10);
  while (*end == ' ')
    end++;
  if (strncmp(end, "Watts", 5) != 0)
    return -1;
  end += 5;
  while (*end == ' ')
    end++;
  if (*end != '\0')
    return -1;
  *w = (double)v;
  return 0;
}

static int parse_period_field(const char *s, double *period) {
  char *end = NULL;
  while (*s == ' ')
    s++;
  if (!isdigit((unsigned char)*s))
    return -1;
  unsigned long v = strtoul(s, &end, 10);
  while (*end == ' ')
    end++;
  if (strncmp(end, "Seconds", 7) != 0)
    return -1;
  end += 7;
  if (*end == '.')
    end++;
  while (*end == ' ')
    end++;
  if (*end != '\0')
    return -1;
  *period = (double)v;
  return 0;
}

/* One line; returns 0 or writes msg. Sets bit flags in *seen. */
static ab_status dcmi_line(char *line, int lineno, double *watts, double *period, int *seen,
                           char *msg) {
  char *s = line;
  while (*s == ' ' || *s == '\t')
    s++;
  for (size_t k = 0; k < 4; k++) {
    size_t kl = strlen(k_watt_keys[k]);
    if (strncmp(s, k_watt_keys[k], kl) == 0) {
      double w = 0;
      if (parse_watts_field(s + kl, &w) != 0) {
        ab_pfmt(msg, AB_MSG_LEN,
                "ipmitool dcmi power reading, line %d: expected \"%s <integer> Watts\", got "
                "\"%.80s\"",
                lineno, k_watt_keys[k], s);
        return AB_E_INVALID;
      }
      if (k == 0)
        *watts = w;
      *seen |= 1 << k;
      return AB_OK;
    }
  }
  const char *ts = "IPMI timestamp:", *sp = "Sampling period:", *state = "Power reading state is:";
  if (strncmp(s, ts, strlen(ts)) == 0) {
    char *inl = strstr(s, sp);
    *seen |= 1 << 4;
    if (!inl)
      return AB_OK;
    s = inl; /* timestamp printed without its newline */
  }
  if (strncmp(s, sp, strlen(sp)) == 0) {
    if (parse_period_field(s + strlen(sp), period) != 0) {
      ab_pfmt(msg, AB_MSG_LEN,
              "ipmitool dcmi power reading, line %d: expected \"%s <integer> Seconds.\", got "
              "\"%.80s\"",
              lineno, sp, s);
      return AB_E_INVALID;
    }
    return AB_OK;
  }
  if (strncmp(s, state, strlen(state)) == 0) {
    char *v = s + strlen(state);
    while (*v == ' ')
      v++;
    if (strcmp(v, "activated") == 0) {
      *seen |= 1 << 5;
      return AB_OK;
    }
    if (strcmp(v, "deactivated") == 0) {
      ab_pfmt(msg, AB_MSG_LEN,
              "ipmitool dcmi power reading, line %d: the BMC reports power reading "
              "\"deactivated\" (enable it with ipmitool dcmi power activate)",
              lineno);
      return AB_E_DEVICE;
    }
    ab_pfmt(msg, AB_MSG_LEN,
            "ipmitool dcmi power reading, line %d: expected \"activated\" or \"deactivated\", "
            "got \"%.40s\"",
            lineno, v);
    return AB_E_INVALID;
  }
  ab_pfmt(msg, AB_MSG_LEN, "ipmitool dcmi power reading, line %d: unexpected line \"%.80s\"",
          lineno, s);
  return AB_E_INVALID;
}

ab_status ab_power_parse_dcmi(const char *text, double *watts, double *period_s, char *msg) {
  char buf[4096];
  ab_pfmt(buf, sizeof buf, "%s", text);
  int seen = 0, lineno = 0;
  double w = -1, period = 0;
  char *save = NULL;
  /* strtok_r would merge empty lines and lose line numbers; walk by hand. */
  for (char *line = buf; line; line = save) {
    lineno++;
    char *nl = strchr(line, '\n');
    save = nl ? nl + 1 : NULL;
    if (nl)
      *nl = '\0';
    size_t l = strlen(line);
    while (l > 0 && (line[l - 1] == ' ' || line[l - 1] == '\r' || line[l - 1] == '\t'))
      line[--l] = '\0';
    if (l == 0)
      continue;
    ab_status st = dcmi_line(line, lineno, &w, &period, &seen, msg);
    if (st != AB_OK)
      return st;
  }
  if (!(seen & 1)) {
    ab_pfmt(msg, AB_MSG_LEN,
            "ipmitool dcmi power reading: no \"Instantaneous power reading:\" line in %d "
            "line(s) of output",
            lineno);
    return AB_E_INVALID;
  }
  if (!(seen & (1 << 5))) {
    ab_pfmt(msg, AB_MSG_LEN,
            "ipmitool dcmi power reading: no \"Power reading state is: activated\" line");
    return AB_E_INVALID;
  }
  *watts = w;
  *period_s = period;
  return AB_OK;
}
