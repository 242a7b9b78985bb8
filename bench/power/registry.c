/* accelbench — the power-source registry: checks tables, probes and opens sources, lists
 * channels with their disabled reasons (`accelbench list`, the run file). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "power_private.h"
#include "sources.h"

/* Keys ab_power_registry_create() accepts; anything else is a typo worth an error. */
static const char *const k_keys[] = {
    "rate_hz",
    "min_window_s",
    "rapl",
    "rapl.root",
    "hwmon",
    "hwmon.root",
    "ipmi",
    "ipmi.ipmitool",
    "ipmi.timeout_s",
    "command",
    "command.unit",
    "command.scope",
    "command.period_s",
    "command.covers",
    "command.timeout_s",
    "file",
    "file.unit",
    "file.scope",
    "file.period_s",
    "file.covers",
    "sources",
};

/* "<module>" or "<module>.<anything>": the module's own option. */
static bool is_module_key(const char *key, const ab_power_module *mods, size_t n_mods) {
  for (size_t m = 0; m < n_mods; m++) {
    size_t len = strlen(mods[m].name);
    if (len && strncmp(key, mods[m].name, len) == 0 && (key[len] == '\0' || key[len] == '.'))
      return true;
  }
  return false;
}

static ab_status check_keys(const ab_option *o, size_t n, const ab_power_module *mods,
                            size_t n_mods, char *msg) {
  for (size_t i = 0; i < n; i++) {
    int known = o[i].key && is_module_key(o[i].key, mods, n_mods);
    for (size_t k = 0; k < sizeof k_keys / sizeof k_keys[0] && !known; k++)
      known = o[i].key && strcmp(o[i].key, k_keys[k]) == 0;
    if (!known) {
      ab_pfmt(msg, AB_MSG_LEN,
              "power option \"%s\": unknown key (expected one of rate_hz, min_window_s, sources, "
              "rapl*, hwmon*, ipmi*, command*, file*, or a power module's name; see "
              "docs/power.md)",
              o[i].key ? o[i].key : "(null)");
      return AB_E_INVALID;
    }
  }
  return AB_OK;
}

/* Refuse a table the harness cannot use safely (hwloc/CLAP rule: check before calling). */
ab_status ab_power_check_table(const ab_power_source *t, char *msg) {
  const char *name = t->name ? t->name : "(unnamed)";
  size_t need = offsetof(ab_power_source, read) + sizeof t->read;
  if (t->abi_major != AB_POWER_ABI_MAJOR) {
    ab_pfmt(msg, AB_MSG_LEN,
            "power source %s: ABI version %u.%u, but this harness speaks %u.%u (rebuild the "
            "source against this accelbench's power.h)",
            name, t->abi_major, t->abi_minor, AB_POWER_ABI_MAJOR, AB_POWER_ABI_MINOR);
    return AB_E_ABI;
  }
  if (t->struct_size < need) {
    ab_pfmt(msg, AB_MSG_LEN, "power source %s: table of %u bytes, expected at least %zu", name,
            t->struct_size, need);
    return AB_E_ABI;
  }
  const char *missing = !t->name            ? "name"
                        : !t->probe         ? "probe"
                        : !t->open          ? "open"
                        : !t->close         ? "close"
                        : !t->channel_count ? "channel_count"
                        : !t->channel_info  ? "channel_info"
                        : !t->read          ? "read"
                                            : NULL;
  if (missing) {
    ab_pfmt(msg, AB_MSG_LEN, "power source %s: mandatory slot %s is NULL", name, missing);
    return AB_E_ABI;
  }
  return AB_OK;
}

static ab_status grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return AB_OK;
  size_t n = *cap ? *cap * 2 : 8;
  while (n < need)
    n *= 2;
  void *q = realloc(*p, n * elem);
  if (!q)
    return AB_E_NOMEM;
  memset((char *)q + *cap * elem, 0, (n - *cap) * elem);
  *p = q;
  *cap = n;
  return AB_OK;
}

/* Channels of an opened source into the registry's flat list. */
static ab_status add_channels(ab_power_registry *reg, reg_source *rs, size_t si, char *msg) {
  uint32_t count = 0;
  ab_status st = rs->table.channel_count(rs->state, &count, msg);
  if (st != AB_OK)
    return st;
  size_t cap = reg->n_channels;
  if (grow((void **)&reg->channels, &cap, reg->n_channels + count, sizeof(reg_channel)) != AB_OK)
    return AB_E_NOMEM;
  rs->first_channel = reg->n_channels;
  for (uint32_t i = 0; i < count; i++) {
    reg_channel *c = &reg->channels[reg->n_channels];
    memset(c, 0, sizeof *c);
    c->source = si;
    c->index = i;
    c->info.struct_size = sizeof c->info;
    st = rs->table.channel_info(rs->state, i, &c->info, msg);
    if (st != AB_OK)
      ab_pfmt(c->info.disabled_reason, sizeof c->info.disabled_reason, "%.250s", msg);
    c->info.name[sizeof c->info.name - 1] = '\0';
    ab_pfmt(c->id, sizeof c->id, "%.30s:%.64s", rs->table.name, c->info.name);
    c->enabled = c->info.disabled_reason[0] == '\0';
    rs->enabled |= c->enabled;
    reg->n_channels++;
    rs->n_channels++;
  }
  if (!rs->enabled)
    ab_pfmt(rs->reason, sizeof rs->reason, "no usable channel (%u found, all disabled)", count);
  return AB_OK;
}

ab_status ab_power_registry_add(ab_power_registry *reg, const ab_power_source *src,
                                const ab_option *options, size_t n_options, char *msg) {
  ab_status st = ab_power_check_table(src, msg);
  if (st != AB_OK)
    return st;
  reg_source *grown = realloc(reg->sources, (reg->n_sources + 1) * sizeof *grown);
  if (!grown) {
    ab_pfmt(msg, AB_MSG_LEN, "power source %s: out of memory", src->name);
    return AB_E_NOMEM;
  }
  reg->sources = grown;
  size_t si = reg->n_sources++;
  reg_source *rs = &reg->sources[si];
  memset(rs, 0, sizeof *rs);
  /* Slots past an older table's struct_size read as NULL. */
  memcpy(&rs->table, src,
         src->struct_size < sizeof rs->table ? src->struct_size : sizeof rs->table);
  rs->table.struct_size = sizeof rs->table;
  /* A table from before `flags` cannot say its reads are fast: give it its own thread. */
  bool has_flags = src->struct_size >= offsetof(ab_power_source, flags) + sizeof src->flags;
  rs->slow = !has_flags || (rs->table.flags & AB_POWER_SOURCE_SLOW_READ);
  char why[AB_MSG_LEN] = "";
  if (rs->table.probe(options, n_options, why) != AB_OK) {
    ab_pfmt(rs->reason, sizeof rs->reason, "%s", why[0] ? why : "probe failed (no reason)");
    return AB_OK;
  }
  rs->state = calloc(1, rs->table.state_size ? rs->table.state_size : 1);
  if (!rs->state) {
    ab_pfmt(rs->reason, sizeof rs->reason, "out of memory for its state");
    return AB_OK;
  }
  if (rs->table.open(rs->state, options, n_options, why) != AB_OK) {
    /* A failed open() has released its own partial work; close() is owed only after
     * success. */
    ab_pfmt(rs->reason, sizeof rs->reason, "%s", why[0] ? why : "open failed (no reason)");
    return AB_OK;
  }
  rs->open = true;
  if (add_channels(reg, rs, si, why) != AB_OK)
    ab_pfmt(rs->reason, sizeof rs->reason, "%s", why);
  return AB_OK;
}

static void compose_none_reason(ab_power_registry *reg) {
  reg->none_reason[0] = '\0';
  if (ab_power_registry_enabled(reg) > 0)
    return;
  ab_pfmt(reg->none_reason, sizeof reg->none_reason, "no usable power source");
  for (size_t i = 0; i < reg->n_sources; i++) {
    size_t used = strlen(reg->none_reason);
    ab_pfmt(reg->none_reason + used, sizeof reg->none_reason - used, "%s %s: %s",
            i == 0 ? ":" : ";", reg->sources[i].table.name, reg->sources[i].reason);
  }
}

/* A source listed but never adopted or probed: a refused module, or one not selected. */
static ab_status add_listed(ab_power_registry *reg, const char *name, const char *description,
                            const char *reason) {
  reg_source *grown = realloc(reg->sources, (reg->n_sources + 1) * sizeof *grown);
  if (!grown)
    return AB_E_NOMEM;
  reg->sources = grown;
  reg_source *rs = &reg->sources[reg->n_sources];
  memset(rs, 0, sizeof *rs);
  rs->owned_name = strdup(name);
  if (!rs->owned_name)
    return AB_E_NOMEM;
  reg->n_sources++;
  rs->table.name = rs->owned_name;
  rs->table.description = description;
  ab_pfmt(rs->reason, sizeof rs->reason, "%s", reason);
  return AB_OK;
}

/* Is `name` in the comma-separated `list`? */
static bool in_list(const char *list, const char *name) {
  size_t len = strlen(name);
  for (const char *p = list; p && *p;) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == len && strncmp(p, name, len) == 0)
      return true;
    p = end ? end + 1 : NULL;
  }
  return false;
}

/* Why a source is left out, or NULL: not in "sources=", or "<module>=off". */
static const char *left_out(const ab_option *o, size_t n, const char *name, bool module, char *buf,
                            size_t len) {
  const char *only = ab_popt(o, n, "sources");
  if (only && !in_list(only, name)) {
    ab_pfmt(buf, len, "not selected (sources=%s)", only);
    return buf;
  }
  const char *v = module ? ab_popt(o, n, name) : NULL;
  if (v && strcmp(v, "off") == 0) {
    ab_pfmt(buf, len, "off (%s=off)", name);
    return buf;
  }
  return NULL;
}

static void set_provenance(reg_source *rs, const ab_power_module *m) {
  rs->module = true;
  ab_pfmt(rs->module_path, sizeof rs->module_path, "%s", m->path);
  ab_pfmt(rs->module_sha256, sizeof rs->module_sha256, "%s", m->sha256);
  rs->module_size = m->size;
  rs->module_abi_major = m->abi_major;
  rs->module_abi_minor = m->abi_minor;
}

/* One module: refused, left out, or adopted through the same path as a built-in source. */
static ab_status add_module(ab_power_registry *reg, const ab_power_module *m, const ab_option *o,
                            size_t n, char *msg) {
  char why[AB_MSG_LEN];
  /* A refused module stays refused, selected or not: the reason is what a reader needs. */
  const char *out = m->table ? left_out(o, n, m->name, true, why, sizeof why) : NULL;
  ab_status st = AB_OK;
  if (!m->table || out) {
    st = add_listed(reg, m->name, m->table ? m->table->description : NULL, out ? out : m->refused);
  } else if ((st = ab_power_registry_add(reg, m->table, o, n, why)) == AB_E_ABI ||
             st == AB_E_INVALID) {
    st = add_listed(reg, m->name, NULL, why); /* refused by the table checks */
  }
  if (st != AB_OK) {
    ab_pfmt(msg, AB_MSG_LEN, "power module %s: out of memory", m->name);
    return st;
  }
  reg_source *rs = &reg->sources[reg->n_sources - 1];
  set_provenance(rs, m);
  rs->refused = !out && rs->owned_name != NULL; /* listed, not adopted: refused */
  return AB_OK;
}

ab_status ab_power_registry_create(const ab_option *o, size_t n, ab_power_registry **out,
                                   char *msg) {
  return ab_power_registry_create_with(o, n, NULL, 0, out, msg);
}

ab_status ab_power_registry_create_with(const ab_option *o, size_t n, const ab_power_module *mods,
                                        size_t n_mods, ab_power_registry **out, char *msg) {
  *out = NULL;
  ab_status st = check_keys(o, n, mods, n_mods, msg);
  if (st != AB_OK)
    return st;
  ab_power_registry *reg = calloc(1, sizeof *reg);
  if (!reg) {
    ab_pfmt(msg, AB_MSG_LEN, "power registry: out of memory");
    return AB_E_NOMEM;
  }
  /* 10 Hz by default: enough for averaged sources that update every 100 ms or slower, and
   * cheap (the sampler costs well under 1% of a core at this rate; docs/power.md). */
  st = ab_popt_double(o, n, "rate_hz", 10.0, &reg->rate_hz, msg);
  /* 2 s: the ML.ENERGY/Zeus finding that windows under about 2 s are noisy for counters
   * that update every 100 ms (../shared/reference/measurement-anchors.md). */
  if (st == AB_OK)
    st = ab_popt_double(o, n, "min_window_s", 2.0, &reg->min_window_s, msg);
  const ab_power_source *builtin[] = {&ab_power_source_rapl, &ab_power_source_hwmon,
                                      &ab_power_source_ipmi, &ab_power_source_command,
                                      &ab_power_source_file};
  for (size_t i = 0; st == AB_OK && i < sizeof builtin / sizeof builtin[0]; i++) {
    char why[AB_MSG_LEN];
    const char *skip = left_out(o, n, builtin[i]->name, false, why, sizeof why);
    st = skip ? add_listed(reg, builtin[i]->name, builtin[i]->description, skip)
              : ab_power_registry_add(reg, builtin[i], o, n, msg);
    if (st == AB_E_NOMEM)
      ab_pfmt(msg, AB_MSG_LEN, "power registry: out of memory");
  }
  for (size_t i = 0; st == AB_OK && i < n_mods; i++)
    st = add_module(reg, &mods[i], o, n, msg);
  if (st != AB_OK) {
    ab_power_registry_free(reg);
    return st;
  }
  compose_none_reason(reg);
  *out = reg;
  return AB_OK;
}

void ab_power_registry_free(ab_power_registry *reg) {
  if (!reg)
    return;
  for (size_t i = 0; i < reg->n_sources; i++) {
    if (reg->sources[i].open)
      reg->sources[i].table.close(reg->sources[i].state);
    free(reg->sources[i].state);
    free(reg->sources[i].owned_name);
  }
  free(reg->sources);
  free(reg->channels);
  free(reg);
}

size_t ab_power_registry_enabled(const ab_power_registry *reg) {
  size_t n = 0;
  for (size_t i = 0; reg && i < reg->n_channels; i++)
    n += reg->channels[i].enabled;
  return n;
}

const char *ab_power_registry_none_reason(const ab_power_registry *reg) {
  /* Sources added after create() may have changed the answer. */
  compose_none_reason((ab_power_registry *)reg);
  return reg->none_reason;
}

double ab_power_min_window_s(const ab_power_registry *reg, char *why, size_t why_len) {
  double longest = 0;
  const char *who = NULL;
  for (size_t i = 0; i < reg->n_channels; i++) {
    const reg_channel *c = &reg->channels[i];
    if (c->enabled && c->info.update_period_s > longest) {
      longest = c->info.update_period_s;
      who = c->id;
    }
  }
  if (ab_power_registry_enabled(reg) == 0) {
    if (why && why_len)
      ab_pfmt(why, why_len, "power not measured: timed window not stretched");
    return 0;
  }
  double need = 10.0 * longest;
  double min_s = need > reg->min_window_s ? need : reg->min_window_s;
  if (why && why_len)
    ab_pfmt(why, why_len,
            "power measured: timed window stretched to at least %.3g s (max of the configured "
            "minimum %.3g s and 10 x the %.3g s update period of %s)",
            min_s, reg->min_window_s, longest, who ? who : "(none)");
  return min_s;
}

double ab_power_idle_watts(const ab_power_registry *reg, size_t channel) {
  if (!reg || channel >= reg->n_channels)
    return -1;
  const reg_channel *c = &reg->channels[channel];
  return c->idle_measured && c->idle_valid ? c->idle_w : -1;
}

ab_idle_power ab_power_idle(const ab_power_registry *reg, size_t channel) {
  double w = ab_power_idle_watts(reg, channel);
  return (ab_idle_power){.watts = w, .se_w = w >= 0 ? reg->channels[channel].idle_se_w : NAN};
}

ab_status ab_power_set_idle_watts(ab_power_registry *reg, size_t channel, double watts, double se_w,
                                  double seconds) {
  if (!reg || channel >= reg->n_channels || !(watts >= 0) || !(seconds > 0) || se_w < 0)
    return AB_E_INVALID;
  reg_channel *c = &reg->channels[channel];
  c->idle_measured = true;
  c->idle_valid = true;
  c->idle_w = watts;
  c->idle_se_w = se_w;
  c->idle_s = seconds;
  return AB_OK;
}

size_t ab_power_channel_count(const ab_power_registry *reg) {
  return reg ? reg->n_channels : 0;
}

/* ---- listing ---- */

static json_t *channel_json(const reg_channel *c) {
  const ab_power_channel_info *i = &c->info;
  json_t *j = json_object();
  json_object_set_new(j, "id", json_string(c->id));
  json_object_set_new(j, "label", json_string(i->label));
  json_object_set_new(j, "scope", json_string(ab_power_scope_name(i->scope)));
  json_object_set_new(j, "kind", json_string(ab_power_kind_name(i->kind)));
  json_object_set_new(j, "covers", json_string(i->covers));
  if (i->covers_backend[0])
    json_object_set_new(j, "covers_backend", json_string(i->covers_backend));
  if (i->covers_uid[0])
    json_object_set_new(j, "covers_uid", json_string(i->covers_uid));
  json_object_set_new(j, "update_period_s",
                      i->update_period_s > 0 ? json_real(i->update_period_s) : json_null());
  if (i->kind == AB_POWER_KIND_ENERGY_COUNTER)
    json_object_set_new(j, "wrap_j", i->wrap_joules > 0 ? json_real(i->wrap_joules) : json_null());
  if (i->max_watts > 0)
    json_object_set_new(j, "max_w", json_real(i->max_watts));
  json_object_set_new(j, "path", json_string(i->path));
  json_object_set_new(j, "enabled", json_boolean(c->enabled));
  if (!c->enabled)
    json_object_set_new(j, "disabled_reason", json_string(i->disabled_reason));
  if (c->idle_measured && c->idle_valid) {
    json_t *idle = json_pack("{s:f, s:f}", "avg_w", c->idle_w, "duration_s", c->idle_s);
    if (isfinite(c->idle_se_w))
      json_object_set_new(idle, "se_w", json_real(c->idle_se_w));
    json_object_set_new(j, "idle", idle);
  } else if (c->enabled) {
    json_object_set_new(j, "idle",
                        json_pack("{s:s}", "not_measured",
                                  c->idle_measured ? c->idle_reason : "no idle baseline taken"));
  }
  return j;
}

/* Where a loadable module came from: the same facts the run file keeps for backends. */
static json_t *module_json(const reg_source *rs) {
  json_t *m = json_object();
  json_object_set_new(m, "path", json_string(rs->module_path));
  json_object_set_new(
      m, "size", rs->module_sha256[0] ? json_integer((json_int_t)rs->module_size) : json_null());
  json_object_set_new(m, "sha256",
                      rs->module_sha256[0] ? json_string(rs->module_sha256) : json_null());
  json_object_set_new(
      m, "abi",
      rs->module_abi_major || rs->module_abi_minor
          ? json_pack("{s:i,s:i}", "major", rs->module_abi_major, "minor", rs->module_abi_minor)
          : json_null());
  json_object_set_new(m, "refused", json_boolean(rs->refused));
  return m;
}

json_t *ab_power_registry_to_json(const ab_power_registry *reg) {
  json_t *j = json_object();
  json_t *arr = json_array();
  json_object_set_new(j, "rate_hz", json_real(reg->rate_hz));
  json_object_set_new(j, "min_window_s", json_real(reg->min_window_s));
  for (size_t s = 0; s < reg->n_sources; s++) {
    const reg_source *rs = &reg->sources[s];
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(rs->table.name));
    json_object_set_new(o, "description",
                        json_string(rs->table.description ? rs->table.description : ""));
    json_object_set_new(o, "enabled", json_boolean(rs->enabled));
    if (!rs->enabled)
      json_object_set_new(o, "disabled_reason", json_string(rs->reason));
    if (rs->module)
      json_object_set_new(o, "module", module_json(rs));
    json_t *chs = json_array();
    for (size_t c = rs->first_channel; c < rs->first_channel + rs->n_channels; c++)
      json_array_append_new(chs, channel_json(&reg->channels[c]));
    json_object_set_new(o, "channels", chs);
    json_array_append_new(arr, o);
  }
  json_object_set_new(j, "sources", arr);
  size_t n = ab_power_registry_enabled(reg);
  json_object_set_new(j, "measured", json_boolean(n > 0));
  if (n == 0)
    json_object_set_new(j, "not_measured", json_string(ab_power_registry_none_reason(reg)));
  return j;
}

void ab_power_registry_print(const ab_power_registry *reg, FILE *out) {
  fprintf(out, "power sources (poll %.3g Hz, measured windows >= %.3g s):\n", reg->rate_hz,
          ab_power_min_window_s(reg, NULL, 0));
  for (size_t s = 0; s < reg->n_sources; s++) {
    const reg_source *rs = &reg->sources[s];
    if (rs->refused) {
      fprintf(out, "  %-8s refused: %s\n", rs->table.name, rs->reason);
    } else if (!rs->enabled) {
      fprintf(out, "  %-8s disabled: %s\n", rs->table.name, rs->reason);
    } else {
      fprintf(out, "  %-8s %s\n", rs->table.name, rs->table.description);
    }
    if (rs->module)
      fprintf(out, "    module %s (power ABI %u.%u)\n", rs->module_path, rs->module_abi_major,
              rs->module_abi_minor);
    for (size_t c = rs->first_channel; c < rs->first_channel + rs->n_channels; c++) {
      const reg_channel *ch = &reg->channels[c];
      if (!ch->enabled) {
        fprintf(out, "    %-32s disabled: %s\n", ch->id, ch->info.disabled_reason);
        continue;
      }
      char period[32] = "unknown";
      if (ch->info.update_period_s > 0)
        ab_pfmt(period, sizeof period, "%g s", ch->info.update_period_s);
      fprintf(out, "    %-32s scope %-7s %-14s update %-9s covers %s\n", ch->id,
              ab_power_scope_name(ch->info.scope), ab_power_kind_name(ch->info.kind), period,
              ch->info.covers);
    }
  }
  if (ab_power_registry_enabled(reg) == 0)
    fprintf(out, "  power: not measured (%s)\n", ab_power_registry_none_reason(reg));
}
