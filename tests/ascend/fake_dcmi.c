/* A fake libdcmi.so for tests (never installed): the DCMI calls the dcmi power module
 * resolves. Fault switches (environment):
 *   FAKE_DCMI_CARDS=N            cards (default 1), ids 0, 1, ...
 *   FAKE_DCMI_DEVS=N             devices per card (default 1)
 *   FAKE_DCMI_POWER_DW=N         every device's power in 0.1 W (default 1234: 123.4 W)
 *   FAKE_DCMI_INIT_ERROR=N       dcmi_init returns N
 *   FAKE_DCMI_POWER_ERROR=N      dcmi_get_device_power_info returns N
 * The FAKE_DCMI_OLD_NAME variant exports the older dcmi_get_card_num_list only. */
#include "fake_acl.h"

EXPORT int dcmi_init(void) {
  return (int)fake_env_long("FAKE_DCMI_INIT_ERROR", 0);
}

static int card_list(int *card_num, int *card_list, int list_len) {
  int n = (int)fake_env_long("FAKE_DCMI_CARDS", 1);
  for (int i = 0; i < n && i < list_len; i++)
    card_list[i] = i;
  *card_num = n;
  return 0;
}

#ifdef FAKE_DCMI_OLD_NAME
EXPORT int dcmi_get_card_num_list(int *card_num, int *list, int list_len) {
  return card_list(card_num, list, list_len);
}
#else
EXPORT int dcmi_get_card_list(int *card_num, int *list, int list_len) {
  return card_list(card_num, list, list_len);
}
#endif

EXPORT int dcmi_get_device_num_in_card(int card_id, int *device_num) {
  if (card_id < 0 || card_id >= fake_env_long("FAKE_DCMI_CARDS", 1))
    return -8005;
  *device_num = (int)fake_env_long("FAKE_DCMI_DEVS", 1);
  return 0;
}

EXPORT int dcmi_get_device_power_info(int card_id, int device_id, int *power) {
  (void)card_id, (void)device_id;
  long e = fake_env_long("FAKE_DCMI_POWER_ERROR", 0);
  if (e)
    return (int)e;
  *power = (int)fake_env_long("FAKE_DCMI_POWER_DW", 1234);
  return 0;
}
