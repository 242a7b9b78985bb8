/* Module file check (see module_file.h). */
#define _GNU_SOURCE /* ElfW */
#include "module_file.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/util.h"

static bool read_at(int fd, void *buf, size_t len, off_t at) {
  return pread(fd, buf, len, at) == (ssize_t)len;
}

/* This process's own ELF header: a module must match its class, byte order and machine. */
static bool own_header(ElfW(Ehdr) * out) {
  static ElfW(Ehdr) self;
  static bool known;
  if (!known) {
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    known = fd >= 0 && read_at(fd, &self, sizeof self, 0);
    if (fd >= 0)
      close(fd);
  }
  *out = self;
  return known;
}

static bool refuse(char *msg, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool refuse(char *msg, const char *path, const char *fmt, ...) {
  char why[AB_MSG_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  ab_msgf(msg, AB_MSG_LEN, "%s: not a valid ELF module: %s", path, why);
  return false;
}

static bool check_ident(const ElfW(Ehdr) * h, long long size, const char *path, char *msg) {
  ElfW(Ehdr) self;
  if (memcmp(h->e_ident, ELFMAG, SELFMAG) != 0)
    return refuse(msg, path, "it does not start with the ELF magic number (a %lld-byte file)",
                  size);
  if (!own_header(&self))
    return true; /* cannot compare: let dlopen() judge */
  if (h->e_ident[EI_CLASS] != self.e_ident[EI_CLASS])
    return refuse(msg, path, "ELF class %u, this accelbench is class %u (32- vs 64-bit)",
                  h->e_ident[EI_CLASS], self.e_ident[EI_CLASS]);
  if (h->e_ident[EI_DATA] != self.e_ident[EI_DATA])
    return refuse(msg, path, "byte order %u, this accelbench uses %u", h->e_ident[EI_DATA],
                  self.e_ident[EI_DATA]);
  if (h->e_machine != self.e_machine)
    return refuse(msg, path, "built for ELF machine %u, this accelbench runs on machine %u",
                  h->e_machine, self.e_machine);
  if (h->e_type != ET_DYN)
    return refuse(msg, path, "ELF type %u, not a shared object (%u)", h->e_type, ET_DYN);
  return true;
}

/* Every program header, and every segment mapped from the file, must lie inside it. */
static bool check_segments(int fd, const ElfW(Ehdr) * h, long long size, const char *path,
                           char *msg) {
  if (h->e_phentsize != sizeof(ElfW(Phdr)) || h->e_phnum == 0)
    return refuse(msg, path, "program header entries of %u bytes (%u of them), expected %zu",
                  h->e_phentsize, h->e_phnum, sizeof(ElfW(Phdr)));
  unsigned long long table_end =
      (unsigned long long)h->e_phoff + (unsigned long long)h->e_phnum * h->e_phentsize;
  if (table_end > (unsigned long long)size)
    return refuse(msg, path, "truncated: program headers end at byte %llu, the file has %lld",
                  table_end, size);
  for (unsigned i = 0; i < h->e_phnum; i++) {
    ElfW(Phdr) ph;
    if (!read_at(fd, &ph, sizeof ph, (off_t)(h->e_phoff + (unsigned long long)i * sizeof ph)))
      return refuse(msg, path, "cannot read program header %u", i);
    if (ph.p_type != PT_LOAD && ph.p_type != PT_DYNAMIC)
      continue;
    unsigned long long end = (unsigned long long)ph.p_offset + ph.p_filesz;
    if (end < ph.p_offset || end > (unsigned long long)size)
      return refuse(msg, path,
                    "truncated: segment %u ends at byte %llu, the file has %lld "
                    "(an incomplete copy?)",
                    i, end, size);
  }
  return true;
}

ab_status ab_module_file_check(const char *path, char *msg) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return AB_OK;
  struct stat st;
  ElfW(Ehdr) h;
  memset(&h, 0, sizeof h);
  bool ok = fstat(fd, &st) == 0;
  if (ok && !S_ISREG(st.st_mode))
    ok = refuse(msg, path, "not a regular file");
  long long size = ok ? (long long)st.st_size : 0;
  if (ok && (size < (long long)sizeof h || !read_at(fd, &h, sizeof h, 0)) &&
      memcmp(h.e_ident, ELFMAG, SELFMAG) == 0)
    ok = refuse(msg, path, "truncated: %lld bytes, shorter than an ELF header", size);
  ok = ok && check_ident(&h, size, path, msg) && check_segments(fd, &h, size, path, msg);
  close(fd);
  return ok ? AB_OK : AB_E_INVALID;
}

ab_status ab_module_open(const char *path, const char *symbol, const char *kind, void **handle,
                         void **entry, char *msg) {
  *handle = *entry = NULL;
  /* A truncated file would kill this process with SIGBUS inside dlopen(). */
  ab_status st = ab_module_file_check(path, msg);
  if (st != AB_OK)
    return st;
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    ab_msgf(msg, AB_MSG_LEN, "%s: cannot load: %s", path, dlerror());
    return AB_E_NOT_FOUND;
  }
  void *sym = dlsym(h, symbol);
  if (!sym) {
    ab_msgf(msg, AB_MSG_LEN, "%s: no symbol '%s' (not an accelbench %s module)", path, symbol,
            kind);
    dlclose(h);
    return AB_E_NOT_FOUND;
  }
  *handle = h;
  *entry = sym;
  return AB_OK;
}

void ab_module_name(const char *path, const char *prefix, char *name, size_t len) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (strncmp(base, prefix, strlen(prefix)) == 0)
    base += strlen(prefix);
  ab_strlcpy(name, base, len);
  char *dot = strstr(name, ".so");
  if (dot)
    *dot = '\0';
}
