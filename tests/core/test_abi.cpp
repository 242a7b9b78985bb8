// The public headers compiled as C++ with the same layout assertions as the C11 build.
#include "abi_layout.h"

extern "C" int ab_abi_cpp_checked(void) {
  return (int)sizeof(ab_backend);
}
