/* accelbench — checking a module file before it is loaded. dlopen() of a file whose
 * segments run past its end (an interrupted copy) dies of SIGBUS instead of returning an
 * error, and a file that is not an ELF shared object for this machine gets a dlerror()
 * that does not say which. The check reads the ELF and program headers only. */
#ifndef AB_MODULE_FILE_H
#define AB_MODULE_FILE_H

#include <stddef.h>

#include "accelbench/status.h"

/* AB_OK when `path` looks loadable: an ELF shared object of this machine's class, byte
 * order and architecture whose program headers and loadable segments lie inside the file.
 * Otherwise AB_E_INVALID and "PATH: not a valid ELF module: why" in msg. A file that
 * cannot be opened passes: dlopen() then says why. */
ab_status ab_module_file_check(const char *path, char *msg);

/* Check the file (above), dlopen it locally and find `symbol`, the module's one entry point:
 * *handle and *entry on AB_OK; otherwise nothing stays loaded and msg says why ("PATH:
 * cannot load: dlerror", or no such symbol, "not an accelbench KIND module"). */
ab_status ab_module_open(const char *path, const char *symbol, const char *kind, void **handle,
                         void **entry, char *msg);

/* The module's name from its file: "<dir>/<prefix>NAME.so" -> "NAME". */
void ab_module_name(const char *path, const char *prefix, char *name, size_t len);

#endif
