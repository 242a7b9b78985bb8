/* accelbench-power-dcmi.so — Huawei Ascend NPU power through DCMI (docs/ascend.md, "DCMI").
 *
 * One channel per DCMI device (an NPU chip of a card, as DCMI numbers them): "cardC/devD",
 * dcmi_get_device_power_info in units of 0.1 W (facts 2.4). DCMI has no energy counter (a
 * search of the public headers found none, facts 2.4), so the power is sampled and the
 * harness integrates it; how long DCMI averages a reading is not documented, so it is
 * recorded as a reading at the moment of the call with an unknown update period.
 * Scope: chip, as DCMI defines its "device" (the chip within a card; whether the figure
 * includes the card's regulators is not documented). Each channel covers backend "ascend"
 * and the ACL device id the ascend backend's uid names ("acl:N"), mapped as CANN's own
 * profiler maps it: N = card index * devices per card + device (hicann/runtime prof_timer.cpp),
 * renumbered through ASCEND_RT_VISIBLE_DEVICES when that is set (docs/ascend.md).
 *
 * The library: $AB_DCMI_LIBRARY or the option dcmi.library, else libdcmi.so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ab_vendor.h"
#include "accelbench/power.h"
#include "dcmi_api.h"

#define MAX_CHANNELS 256
#define N_OF(a)      (sizeof(a) / sizeof((a)[0]))

typedef struct chan {
  int card, device;
  int acl_id; /* -1: not visible to ACL */
  char off[200];
} chan;

typedef struct dcmi_state {
  abdcmi_api api;
  ab_vlib lib;
  uint32_t n;
  chan ch[MAX_CHANNELS];
} dcmi_state;

static const char *const names[] = {"libdcmi.so", NULL};
#define SYM(f)     AB_VSYM(abdcmi_api, f, #f)
#define SYM_OPT(f) AB_VSYM_OPT(abdcmi_api, f, #f)
static const ab_vsym syms[] = {
    SYM(dcmi_init),
    SYM_OPT(dcmi_get_card_list),
    SYM_OPT(dcmi_get_card_num_list),
    SYM(dcmi_get_device_num_in_card),
    SYM(dcmi_get_device_power_info),
};

static const char *opt(const ab_option *o, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (o[i].key && strcmp(o[i].key, key) == 0)
      return o[i].value;
  return NULL;
}

/* The option dcmi.library wins over $AB_DCMI_LIBRARY (as nvml.library over AB_NVML_LIBRARY). */
static ab_status load(dcmi_state *s, const ab_option *o, size_t n, char *msg) {
  const char *forced = opt(o, n, "dcmi.library");
  const char *const one[] = {forced, NULL};
  ab_vlib_spec spec = {"DCMI library", "AB_DCMI_LIBRARY", names,
                       syms,           N_OF(syms),        "part of the Ascend NPU driver"};
  if (forced && *forced) {
    spec.env = NULL;
    spec.sonames = one;
  }
  ab_status st = ab_vlib_open(&spec, &s->lib, &s->api, msg);
  if (st != AB_OK)
    return st;
  if (!s->api.dcmi_get_card_list && !s->api.dcmi_get_card_num_list) {
    snprintf(msg, AB_MSG_LEN,
             "%s: neither dcmi_get_card_list nor dcmi_get_card_num_list is exported", s->lib.path);
    ab_vlib_close(&s->lib);
    return AB_E_NOT_FOUND;
  }
  int r = s->api.dcmi_init();
  if (r != 0) {
    snprintf(msg, AB_MSG_LEN, "%s: dcmi_init failed: DCMI error %d", s->lib.path, r);
    ab_vlib_close(&s->lib);
    return AB_E_DEVICE;
  }
  return AB_OK;
}

/* ACL's id of physical device `phys` under ASCEND_RT_VISIBLE_DEVICES (a comma list of
 * physical ids, ACL numbering them from 0 in that order; INFERRED, docs/ascend.md). */
static int acl_id_of(int phys) {
  const char *v = getenv("ASCEND_RT_VISIBLE_DEVICES");
  if (!v || !*v)
    return phys;
  int pos = 0;
  for (const char *p = v; *p; pos++) {
    char *end;
    long id = strtol(p, &end, 10);
    if (end == p)
      return -1;
    if (id == phys)
      return pos;
    p = *end == ',' ? end + 1 : end;
  }
  return -1;
}

static void judge(dcmi_state *s, chan *c) {
  int dw = 0, r = s->api.dcmi_get_device_power_info(c->card, c->device, &dw);
  if (r != 0)
    snprintf(c->off, sizeof c->off, "dcmi_get_device_power_info: DCMI error %d", r);
  else if (c->acl_id < 0)
    snprintf(c->off, sizeof c->off, "not visible to ACL (ASCEND_RT_VISIBLE_DEVICES=%.100s)",
             getenv("ASCEND_RT_VISIBLE_DEVICES"));
}

static ab_status find_channels(dcmi_state *s, char *msg) {
  int cards[AB_DCMI_MAX_CARDS], n_cards = 0;
  int r = s->api.dcmi_get_card_list
              ? s->api.dcmi_get_card_list(&n_cards, cards, AB_DCMI_MAX_CARDS)
              : s->api.dcmi_get_card_num_list(&n_cards, cards, AB_DCMI_MAX_CARDS);
  if (r != 0 || n_cards <= 0) {
    snprintf(msg, AB_MSG_LEN, "%s: %s: %s %d", s->lib.path,
             s->api.dcmi_get_card_list ? "dcmi_get_card_list" : "dcmi_get_card_num_list",
             r ? "DCMI error" : "cards:", r ? r : n_cards);
    return AB_E_DEVICE;
  }
  n_cards = n_cards < AB_DCMI_MAX_CARDS ? n_cards : AB_DCMI_MAX_CARDS;
  for (int i = 0; i < n_cards; i++) {
    int per = 0;
    r = s->api.dcmi_get_device_num_in_card(cards[i], &per);
    if (r != 0) {
      snprintf(msg, AB_MSG_LEN, "%s: dcmi_get_device_num_in_card(card %d): DCMI error %d",
               s->lib.path, cards[i], r);
      return AB_E_DEVICE;
    }
    for (int d = 0; d < per && s->n < MAX_CHANNELS; d++) {
      chan *c = &s->ch[s->n++];
      c->card = cards[i], c->device = d;
      c->acl_id = acl_id_of(i * per + d);
      judge(s, c);
    }
  }
  return AB_OK;
}

static ab_status dcmi_open(void *state, const ab_option *o, size_t n, char *msg) {
  dcmi_state *s = state;
  ab_status st = load(s, o, n, msg);
  if (st == AB_OK && (st = find_channels(s, msg)) != AB_OK)
    ab_vlib_close(&s->lib);
  return st;
}

static void dcmi_close(void *state) {
  dcmi_state *s = state;
  ab_vlib_close(&s->lib);
}

static ab_status dcmi_probe(const ab_option *o, size_t n, char *msg) {
  dcmi_state *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(msg, AB_MSG_LEN, "out of memory");
    return AB_E_NOMEM;
  }
  ab_status st = dcmi_open(s, o, n, msg);
  if (st == AB_OK)
    dcmi_close(s);
  free(s);
  return st;
}

static ab_status dcmi_channel_count(void *state, uint32_t *count, char *msg) {
  (void)msg;
  *count = ((dcmi_state *)state)->n;
  return AB_OK;
}

static ab_status dcmi_channel_info(void *state, uint32_t index, ab_power_channel_info *info,
                                   char *msg) {
  dcmi_state *s = state;
  if (index >= s->n) {
    snprintf(msg, AB_MSG_LEN, "dcmi: no channel %u", index);
    return AB_E_INVALID;
  }
  const chan *c = &s->ch[index];
  snprintf(info->name, sizeof info->name, "card%d/dev%d", c->card, c->device);
  snprintf(info->label, sizeof info->label,
           "DCMI device power of card %d device %d (0.1 W units, sampled: no energy counter)",
           c->card, c->device);
  info->scope = AB_POWER_SCOPE_CHIP;
  info->kind = AB_POWER_KIND_INSTANT_POWER;
  info->update_period_s = 0; /* not documented */
  snprintf(info->covers, sizeof info->covers, "Ascend NPU card %d device %d (ACL device %d)",
           c->card, c->device, c->acl_id);
  snprintf(info->covers_backend, sizeof info->covers_backend, "ascend");
  if (c->acl_id >= 0)
    snprintf(info->covers_uid, sizeof info->covers_uid, "acl:%d", c->acl_id);
  snprintf(info->path, sizeof info->path, "%.200s dcmi_get_device_power_info", s->lib.path);
  snprintf(info->disabled_reason, sizeof info->disabled_reason, "%s", c->off);
  return AB_OK;
}

static ab_status dcmi_read(void *state, uint32_t index, double *value, char *msg) {
  dcmi_state *s = state;
  const chan *c = &s->ch[index];
  int dw = 0, r = s->api.dcmi_get_device_power_info(c->card, c->device, &dw);
  if (r != 0) {
    snprintf(msg, AB_MSG_LEN, "dcmi card %d device %d: dcmi_get_device_power_info: DCMI error %d",
             c->card, c->device, r);
    return AB_E_DEVICE;
  }
  *value = dw * 0.1; /* 0.1 W units (facts 2.4) */
  return AB_OK;
}

static const ab_power_source k_dcmi = {
    .abi_major = AB_POWER_ABI_MAJOR,
    .abi_minor = AB_POWER_ABI_MINOR,
    .struct_size = sizeof(ab_power_source),
    .name = "dcmi",
    .description = "Huawei Ascend NPU power through DCMI (libdcmi), sampled",
    .state_size = sizeof(dcmi_state),
    .probe = dcmi_probe,
    .open = dcmi_open,
    .close = dcmi_close,
    .channel_count = dcmi_channel_count,
    .channel_info = dcmi_channel_info,
    .read = dcmi_read,
    .flags = 0, /* driver calls that return at once: the shared sampler thread */
};

__attribute__((visibility("default"))) const ab_power_source *
accelbench_power_entry(uint32_t harness_abi_major) {
  return harness_abi_major == AB_POWER_ABI_MAJOR ? &k_dcmi : NULL;
}
