/* accelbench — key/value options, shared by the backend and power-source ABIs. */
#ifndef ACCELBENCH_OPTION_H
#define ACCELBENCH_OPTION_H

#ifdef __cplusplus
extern "C" {
#endif

/* A key/value option from the suite config or the command line, passed to open()
 * ("threads" = "2", "pin" = "cores"). A backend ignores keys it does not know. */
typedef struct ab_option {
  const char *key;
  const char *value;
} ab_option;

#ifdef __cplusplus
}
#endif
#endif
