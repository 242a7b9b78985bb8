/* A fake libmtml for tests (never installed): the five MTML functions the mtml power module
 * calls, with the verified prototypes (facts 5). FAKE_MTML_DEVICES=N (default 1),
 * FAKE_MTML_MW=N the power in mW (default 150000), FAKE_MTML_INIT_FAIL=N init returns N. */
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))

typedef struct MtmlLibrary {
  int unused;
} MtmlLibrary;
typedef struct MtmlDevice {
  unsigned index;
} MtmlDevice;

static MtmlDevice devices[8];

static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 10) : dflt;
}

EXPORT int mtmlLibraryInit(MtmlLibrary **lib) {
  long fault = env_long("FAKE_MTML_INIT_FAIL", 0);
  if (fault)
    return (int)fault;
  *lib = calloc(1, sizeof **lib);
  return *lib ? 0 : 1;
}

EXPORT int mtmlLibraryShutDown(MtmlLibrary *lib) {
  free(lib);
  return 0;
}

EXPORT int mtmlLibraryCountDevice(const MtmlLibrary *lib, unsigned *count) {
  (void)lib;
  *count = (unsigned)env_long("FAKE_MTML_DEVICES", 1);
  return 0;
}

EXPORT int mtmlLibraryInitDeviceByIndex(const MtmlLibrary *lib, unsigned i, MtmlDevice **dev) {
  (void)lib;
  if (i >= 8)
    return 2;
  devices[i].index = i;
  *dev = &devices[i];
  return 0;
}

EXPORT int mtmlDeviceGetPowerUsage(const MtmlDevice *dev, unsigned *mw) {
  *mw = (unsigned)env_long("FAKE_MTML_MW", 150000) + dev->index;
  return 0;
}
