/* Private declarations of the Cambricon management library (libcndev) functions the CNDev
 * power module calls; resolved at run time through the shared loader
 * (backends/common/ab_vendor.h). Nothing else of CNDev is declared.
 *
 * source: ../shared/reference/vendor-api-facts.md 3.3, VERIFIED against
 * Cambricon/mlu-exporter:pkg/cndev/include/cndev.h@934abae176b1 (library libcndev.so per
 * pkg/cndev/cndev_dl.go): return codes, cndevInit(0), cndevCardInfo_t { int version;
 * unsigned number; } with version CNDEV_VERSION_6, the handle calls, cndevGetDevicePowerInfo
 * (W, no version field; the deprecated cndevGetPowerInfo is not used), and the field API
 * (cndevFieldTotalEnergyConsumption = 71, mJ since the driver loaded; cndevFieldValue_t's
 * field order differs from NVML's).
 * Read in public copies of the same cndev.h (Cambricon/mlu-exporter, stored version
 * 137fbd67eb4a, and the copy facts 3.3 cites), for what the sheet lists without a layout:
 *   cndevRet_t cndevGetPCIeInfo(cndevPCIeInfo_t *deviceInfo, cndevDevice_t device);
 *   cndevPCIeInfo_t { int version; unsigned subsystemId, deviceId; uint16 vendor,
 *                     subsystemVendor; unsigned domain, bus, device, function;
 *                     const char *physicalSlot; int slotID; }  (slotID appended later)
 *   cndevValue_t: an 8-byte union (double, unsigned int/long/long long, int, long, long long)
 *   cndevFieldValuesTypeNum_t: DOUBLE 0, UNSIGNED_INT 1, UNSIGNED_LONG 2,
 *                              UNSIGNED_LONG_LONG 3, INT 4, LONG 5, LONG_LONG 6
 * Enum-typed fields are declared as int. */
#ifndef AB_CNDEV_API_H
#define AB_CNDEV_API_H

#include <stdint.h>

typedef int abcndev_ret; /* cndevRet_t; CNDEV_SUCCESS = 0 */
typedef int abcndev_dev; /* cndevDevice_t (__int32_t) */

enum {
  ABCNDEV_SUCCESS = 0,
  ABCNDEV_VERSION_6 = 6, /* CNDEV_VERSION_6: what mlu-exporter sets */
  ABCNDEV_FIELD_TOTAL_ENERGY = 71,
  ABCNDEV_VALUE_DOUBLE = 0,
  ABCNDEV_VALUE_UINT = 1,
  ABCNDEV_VALUE_ULONG = 2,
  ABCNDEV_VALUE_ULONGLONG = 3,
  ABCNDEV_VALUE_INT = 4,
  ABCNDEV_VALUE_LONG = 5,
  ABCNDEV_VALUE_LONGLONG = 6,
};

typedef struct abcndev_card_info {
  int version;         /* IN */
  unsigned int number; /* OUT: devices */
} abcndev_card_info;

typedef struct abcndev_power_info {
  int usage; /* W */
  int cap;
  int machine;
  int tdp;
  int max_power;
  int reserved[16];
} abcndev_power_info;

typedef struct abcndev_pcie_info {
  int version; /* IN */
  unsigned int subsystem_id, device_id;
  uint16_t vendor, subsystem_vendor;
  unsigned int domain, bus, device, function;
  const char *physical_slot;
  int slot_id;
} abcndev_pcie_info;

typedef union abcndev_value {
  double d;
  unsigned int ui;
  unsigned long ul;
  unsigned long long ull;
  int si;
  long sl;
  long long sll;
} abcndev_value;

typedef struct abcndev_field_value {
  int field_id; /* IN */
  abcndev_ret ret;
  abcndev_value value;
  int value_type;
  long long latency_usec;
  long long timestamp;
  unsigned int scope_id; /* IN */
} abcndev_field_value;

typedef struct abcndev_api {
  abcndev_ret (*cndevInit)(int reserved);
  abcndev_ret (*cndevRelease)(void);
  const char *(*cndevGetErrorString)(abcndev_ret error);
  abcndev_ret (*cndevGetDeviceCount)(abcndev_card_info *cards);
  abcndev_ret (*cndevGetDeviceHandleByIndex)(int index, abcndev_dev *handle);
  abcndev_ret (*cndevGetDevicePowerInfo)(abcndev_power_info *info, abcndev_dev device);
  /* optional: a missing one disables what needs it, with the symbol named */
  abcndev_ret (*cndevGetPCIeInfo)(abcndev_pcie_info *info, abcndev_dev device);
  abcndev_ret (*cndevDeviceGetFieldValues)(abcndev_dev device, int count,
                                           abcndev_field_value *values);
} abcndev_api;

#endif
