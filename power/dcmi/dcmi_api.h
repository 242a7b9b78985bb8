/* Private declarations of the DCMI functions (libdcmi.so) the dcmi power module calls,
 * resolved at run time through the shared loader (backends/common/ab_vendor.h).
 *
 * source: ../shared/reference/vendor-api-facts.md 2.4 (VERIFIED): Ascend/pytorch:
 * third_party/dcmi/inc/dcmi_interface_api.h (dcmi_init, dcmi_get_card_num_list,
 * dcmi_get_device_id_in_card), hicann/runtime:src/dfx/msprof/.../prof_timer.h
 * (dcmi_get_card_list, dcmi_get_device_num_in_card, "libdcmi.so"), and
 * verylucky01/driver:docs/zh/Ascend_910B_DCMI_API/.../dcmi_get_device_power_info.md (power
 * in units of 0.1 W; success is 0). */
#ifndef AB_POWER_DCMI_API_H
#define AB_POWER_DCMI_API_H

#define AB_DCMI_MAX_CARDS 64 /* dcmi_get_card_list: at most 64 cards (facts 2.4) */

typedef struct abdcmi_api {
  int (*dcmi_init)(void);
  /* two names of one call (facts 7.6); at least one must be present */
  int (*dcmi_get_card_list)(int *card_num, int *card_list, int list_len);
  int (*dcmi_get_card_num_list)(int *card_num, int *card_list, int list_len);
  int (*dcmi_get_device_num_in_card)(int card_id, int *device_num);
  int (*dcmi_get_device_power_info)(int card_id, int device_id, int *power);
} abdcmi_api;

#endif
