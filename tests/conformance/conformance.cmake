# ab_add_conformance(NAME <name> MODULE_DIR <dir> BACKEND <backend> [ENV <VAR=value>...]
#                    [SKIP_IF_DISABLED] [DEPENDS <target>...])
# Registers the ctest conformance_<name>: the backend module <dir>/accelbench-backend-
# <backend>.so through tests/conformance/conformance.sh (the direct ABI checks of
# ab_conformance, then the conformance suite through `accelbench run`, checked by the
# harness), with ENV set (e.g. the AB_<LIB>_LIBRARY overrides pointing at a fake runtime).
# SKIP_IF_DISABLED: a backend disabled here (no driver, no device) is skipped (exit 77)
# instead of failing; leave it off for fakes, which must always be usable.
# Usable from any tests/ folder: include(${CMAKE_SOURCE_DIR}/tests/conformance/conformance.cmake).
include_guard(GLOBAL)

function(ab_add_conformance)
  cmake_parse_arguments(ARG "SKIP_IF_DISABLED" "NAME;MODULE_DIR;BACKEND" "ENV;DEPENDS" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_MODULE_DIR OR NOT ARG_BACKEND)
    message(FATAL_ERROR "ab_add_conformance: NAME, MODULE_DIR and BACKEND are required")
  endif()
  set(_skip "")
  if(ARG_SKIP_IF_DISABLED)
    set(_skip --skip-if-disabled)
  endif()
  add_test(NAME conformance_${ARG_NAME}
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/conformance/conformance.sh ${CMAKE_BINARY_DIR}
                   ${CMAKE_SOURCE_DIR} $<TARGET_FILE:ab_conformance> ${ARG_MODULE_DIR}
                   ${ARG_BACKEND} ${_skip})
  set_tests_properties(conformance_${ARG_NAME} PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77
                       ENVIRONMENT "${ARG_ENV}")
  foreach(_t ${ARG_DEPENDS})
    add_dependencies(ab_conformance ${_t})
  endforeach()
endfunction()
