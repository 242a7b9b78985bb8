/* Tests of the device catalogue (reports/catalog.c) and the cost-of-ownership inputs
 * (reports/cost.c): every shipped file loads, the matching rule, lab overrides, the
 * bad-file corpus (tests/catalog/bad/NAME.yaml with NAME.expect; cost_* files are cost
 * files, the rest catalogues) and the cost arithmetic on hand-computed numbers. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "model/names.h"

#define SRC(p)     AB_TEST_SOURCE_DIR "/" p
#define SHIPPED    SRC("configs/devices")
#define MATCH_SHIP SRC("tests/catalog/match/shipped.yaml")
#define MATCH_LAB  SRC("tests/catalog/match/lab.yaml")

/* ---- helpers ------------------------------------------------------------------------- */

static void load_ok(ab_catalog *cat, const char *path, bool user) {
  char msg[AB_MSG_LEN];
  ab_status st = ab_catalog_load(cat, path, user, msg);
  cr_assert_eq(st, AB_OK, "%s: %s", path, msg);
}

static ab_device_record device(const char *backend, const char *name, const char *vendor,
                               ab_device_type type) {
  ab_device_record d;
  memset(&d, 0, sizeof d);
  snprintf(d.backend, sizeof d.backend, "%s", backend);
  snprintf(d.info.name, sizeof d.info.name, "%s", name);
  snprintf(d.info.vendor, sizeof d.info.vendor, "%s", vendor);
  d.info.type = type;
  return d;
}

/* The id of the entry a device matches, or "(none)"; `why` receives the reason. */
static const char *match_id(const ab_catalog *cat, ab_device_record d, char *why, size_t len) {
  const ab_catalog_entry *e = ab_catalog_match(cat, &d, why, len);
  return e ? e->id : "(none)";
}

static const ab_catalog_entry *by_id(const ab_catalog *cat, const char *id) {
  for (size_t i = 0; i < cat->n_entries; i++)
    if (strcmp(cat->entries[i].id, id) == 0)
      return &cat->entries[i];
  return NULL;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot open %s", path);
  static char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* ---- shipped catalogue --------------------------------------------------------------- */

Test(catalog, shipped_directory_loads) {
  ab_catalog cat = {0};
  load_ok(&cat, SHIPPED, false);
  const char *ids[] = {"nvidia-h100-sxm5-80gb",  "nvidia-h100-pcie-80gb",
                       "nvidia-h200-sxm-141gb",  "nvidia-h20",
                       "huawei-ascend-910b",     "cambricon-mlu370-x8",
                       "hygon-dcu-z100",         "hygon-dcu-k100",
                       "amd-epyc-generic",       "pocl-cpu-amd-epyc",
                       "huawei-ascend-910c",     "huawei-atlas-300i-duo",
                       "cambricon-mlu590",       "hygon-dcu-bw",
                       "moorethreads-mtt-s4000", "metax-c500",
                       "iluvatar-bi-v150"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    cr_expect_not_null(by_id(&cat, ids[i]), "no shipped entry %s", ids[i]);
  for (size_t i = 0; i < cat.n_entries; i++) {
    const ab_catalog_entry *e = &cat.entries[i];
    /* The list status is the lab's to declare; a shipped price would be a guess. */
    cr_expect_str_eq(e->procurement_list, "unknown", "%s", e->id);
    cr_expect(isnan(e->unit_price), "%s ships a price", e->id);
    cr_expect(e->country[0], "%s has no country", e->id);
    cr_expect(!e->user, "%s", e->id);
    cr_expect_gt(e->n_match_names, 0, "%s", e->id);
    bool figures = !isnan(e->tdp_w) || !isnan(e->memory_gib) || !isnan(e->memory_bw_gbs);
    for (int t = 0; t < AB_DTYPE_COUNT; t++)
      figures = figures || !isnan(e->peak_tflops[t]);
    cr_expect(!figures || e->sources[0], "%s has figures without sources", e->id);
    cr_expect(figures || e->notes[0], "%s has no figures and does not say why", e->id);
  }
  ab_catalog_free(&cat);
}

Test(catalog, every_shipped_file_loads_alone) {
  DIR *dp = opendir(SHIPPED);
  cr_assert_not_null(dp);
  size_t n = 0;
  for (struct dirent *de; (de = readdir(dp));) {
    size_t l = strlen(de->d_name);
    if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
      continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", SHIPPED, de->d_name);
    ab_catalog cat = {0};
    load_ok(&cat, path, false);
    cr_expect_gt(cat.n_entries, 0, "%s is empty", path);
    ab_catalog_free(&cat);
    n++;
  }
  closedir(dp);
  cr_assert_geq(n, 5);
}

Test(catalog, shipped_figures) {
  ab_catalog cat = {0};
  load_ok(&cat, SHIPPED, false);
  const ab_catalog_entry *h = by_id(&cat, "nvidia-h100-sxm5-80gb");
  cr_assert_not_null(h);
  cr_expect_float_eq(h->tdp_w, 700, 1e-9);
  cr_expect_float_eq(h->peak_tflops[AB_DTYPE_BF16], 989.5, 1e-9);
  cr_expect_float_eq(h->peak_tflops[AB_DTYPE_I8], 1979, 1e-9);
  cr_expect_float_eq(h->memory_bw_gbs, 3350, 1e-9);
  cr_expect(strstr(h->sources, "nvidia.com") != NULL, "%s", h->sources);
  const ab_catalog_entry *a = by_id(&cat, "huawei-ascend-910b");
  cr_assert_not_null(a);
  cr_expect(isnan(a->tdp_w) && isnan(a->peak_tflops[AB_DTYPE_F16]) && isnan(a->memory_gib));
  cr_expect_str_eq(a->country, "China");
  ab_catalog_free(&cat);
}

/* Every number in `text` (thousands separators "1,979" read as 1979) into nums; returns how
 * many. */
static size_t numbers_in(const char *text, double *nums, size_t max) {
  size_t n = 0;
  for (const char *p = text; *p && n < max;) {
    if (!(*p >= '0' && *p <= '9') ||
        (p > text && (p[-1] == '.' || (p[-1] >= '0' && p[-1] <= '9')))) {
      p++;
      continue;
    }
    char digits[64];
    size_t d = 0;
    for (; *p && d < sizeof digits - 1; p++) {
      bool sep = *p == ',' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
                 p[3] >= '0' && p[3] <= '9' && !(p[4] >= '0' && p[4] <= '9');
      if (sep)
        continue;
      if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
        break;
      digits[d++] = *p;
    }
    digits[d] = '\0';
    nums[n++] = strtod(digits, NULL);
  }
  return n;
}

static bool quoted(double figure, const double *nums, size_t n, bool may_be_half,
                   double unit_factor) {
  for (size_t i = 0; i < n; i++) {
    double cands[3] = {nums[i], may_be_half ? nums[i] / 2 : NAN, nums[i] * unit_factor};
    for (int c = 0; c < 3; c++)
      if (fabs(cands[c] - figure) <= 1e-9 * fabs(figure))
        return true;
  }
  return false;
}

/* Each figure a shipped entry gives must be a number its sources state: the figure
 * itself, or for a peak the half of a with-sparsity figure (the dense rule of
 * docs/catalog.md), or for bandwidth a TB/s figure. A figure typed in without its
 * document fails here even though the entry has some sources. */
Test(catalog, every_shipped_figure_is_in_its_sources) {
  ab_catalog cat = {0};
  load_ok(&cat, SHIPPED, false);
  size_t checked = 0;
  for (size_t i = 0; i < cat.n_entries; i++) {
    const ab_catalog_entry *e = &cat.entries[i];
    double nums[256];
    size_t n = numbers_in(e->sources, nums, 256);
    for (int t = 0; t < AB_DTYPE_COUNT; t++) {
      if (isnan(e->peak_tflops[t]))
        continue;
      cr_expect(quoted(e->peak_tflops[t], nums, n, true, 1), "%s: peak %s %g not in its sources",
                e->id, ab_dtype_name((ab_dtype)t), e->peak_tflops[t]);
      checked++;
    }
    const struct {
      const char *what;
      double v, unit_factor;
    } figs[] = {{"tdp_w", e->tdp_w, 1},
                {"memory_gib", e->memory_gib, 1},
                {"memory_bw_gbs", e->memory_bw_gbs, 1000}};
    for (size_t f = 0; f < sizeof figs / sizeof figs[0]; f++) {
      if (isnan(figs[f].v))
        continue;
      cr_expect(quoted(figs[f].v, nums, n, false, figs[f].unit_factor),
                "%s: %s %g not in its sources", e->id, figs[f].what, figs[f].v);
      checked++;
    }
  }
  cr_expect_gt(checked, 20);
  ab_catalog_free(&cat);
}

Test(catalog, numbers_in_sources_text) {
  double nums[8];
  size_t n = numbers_in("INT8 3,958 TOPS, 3.35 TB/s, 614.4 GB/s; PB-11133-001_v02", nums, 8);
  cr_assert_eq(n, 7);
  cr_expect_float_eq(nums[0], 8, 0);
  cr_expect_float_eq(nums[1], 3958, 0);
  cr_expect_float_eq(nums[2], 3.35, 1e-12);
  cr_expect_float_eq(nums[3], 614.4, 1e-12);
  cr_expect_float_eq(nums[4], 11133, 0);
}

Test(catalog, shipped_matches) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, SHIPPED, false);
  struct {
    ab_device_record d;
    const char *id;
  } cases[] = {
      {device("cuda", "NVIDIA H100 PCIe", "NVIDIA", AB_DEVICE_GPU), "nvidia-h100-pcie-80gb"},
      {device("cuda", "NVIDIA H100 80GB HBM3", "NVIDIA", AB_DEVICE_GPU), "nvidia-h100-sxm5-80gb"},
      {device("opencl", "NVIDIA H100 PCIe", "NVIDIA Corporation", AB_DEVICE_GPU),
       "nvidia-h100-pcie-80gb"},
      /* "H20" is in "H200": the longer pattern wins. */
      {device("cuda", "NVIDIA H200", "NVIDIA", AB_DEVICE_GPU), "nvidia-h200-sxm-141gb"},
      {device("cuda", "NVIDIA H200 NVL", "NVIDIA", AB_DEVICE_GPU), "nvidia-h200-nvl"},
      {device("cuda", "NVIDIA H20", "NVIDIA", AB_DEVICE_GPU), "nvidia-h20"},
      {device("ascend", "Ascend910B3", "Huawei", AB_DEVICE_NPU), "huawei-ascend-910b"},
      {device("cnrt", "MLU370-X8", "Cambricon", AB_DEVICE_NPU), "cambricon-mlu370-x8"},
      /* The domestic entries, under the names their adapters are expected to report. */
      {device("ascend", "Ascend910_9382", "Huawei", AB_DEVICE_NPU), "huawei-ascend-910c"},
      {device("ascend", "Ascend310P3", "Huawei", AB_DEVICE_NPU), "(none)"},
      {device("cnrt", "MLU590", "Cambricon", AB_DEVICE_NPU), "cambricon-mlu590"},
      {device("rocm", "K100_AI", "Hygon", AB_DEVICE_GPU), "hygon-dcu-k100"},
      {device("rocm", "BW1000", "Hygon", AB_DEVICE_GPU), "hygon-dcu-bw"},
      {device("musa", "MTT S4000", "Moore Threads", AB_DEVICE_GPU), "moorethreads-mtt-s4000"},
      {device("maca", "MetaX C500", "MetaX", AB_DEVICE_GPU), "metax-c500"},
      {device("corex", "Iluvatar BI-V150", "Iluvatar", AB_DEVICE_GPU), "iluvatar-bi-v150"},
      /* This VM, through both backends. */
      {device("cpu", "AMD EPYC", "AMD", AB_DEVICE_CPU), "amd-epyc-generic"},
      {device("opencl", "pthread-skylake-avx512-AMD EPYC", "AuthenticAMD", AB_DEVICE_CPU),
       "pocl-cpu-amd-epyc"},
      {device("cpu", "Intel(R) Xeon(R) Gold 6348", "Intel", AB_DEVICE_CPU), "(none)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    cr_expect_str_eq(match_id(&cat, cases[i].d, why, sizeof why), cases[i].id, "%s: %s",
                     cases[i].d.info.name, why);
  ab_catalog_free(&cat);
}

Test(catalog, default_dir) {
  char path[4096];
  unsetenv("ACCELBENCH_CONFIG_DIR");
  cr_assert(ab_catalog_default_dir(path, sizeof path));
  cr_expect_str_eq(path, SHIPPED);
  /* $ACCELBENCH_CONFIG_DIR comes first when it has a devices/ folder ... */
  setenv("ACCELBENCH_CONFIG_DIR", SRC("tests/catalog/envdir"), 1);
  cr_assert(ab_catalog_default_dir(path, sizeof path));
  cr_expect_str_eq(path, SRC("tests/catalog/envdir/devices"));
  /* ... and is skipped when it has none. */
  setenv("ACCELBENCH_CONFIG_DIR", SRC("tests/catalog"), 1);
  cr_assert(ab_catalog_default_dir(path, sizeof path));
  cr_expect_str_eq(path, SHIPPED);
  unsetenv("ACCELBENCH_CONFIG_DIR");
}

/* ---- the matching rule --------------------------------------------------------------- */

Test(catalog, longest_pattern_wins) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, MATCH_SHIP, false);
  ab_device_record d = device("cuda", "NVIDIA H100 PCIe", "NVIDIA", AB_DEVICE_GPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "gpu-h100-pcie");
  cr_expect(strstr(why, "pattern 'h100 pcie' of gpu-h100-pcie") != NULL, "%s", why);
  /* Names compare case-insensitively; a shorter pattern still matches other H100s. */
  d = device("cuda", "nvidia h100 sxm", "NVIDIA", AB_DEVICE_GPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "gpu-h100");
  ab_catalog_free(&cat);
}

Test(catalog, filters) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, MATCH_SHIP, false);
  /* vendor: case-insensitive substring of the device's vendor */
  ab_device_record d = device("opencl", "NVIDIA H100 PCIe", "nVidia Corporation", AB_DEVICE_GPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "gpu-h100-pcie", "%s", why);
  d = device("cuda", "NVIDIA H100 PCIe", "Someone else", AB_DEVICE_GPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "(none)");
  cr_expect(strstr(why, "matches the name but wants vendor 'nvidia'") != NULL, "%s", why);
  /* type: exact */
  d = device("cuda", "NVIDIA H100 PCIe", "NVIDIA", AB_DEVICE_OTHER);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "(none)");
  cr_expect(strstr(why, "wants type gpu") != NULL, "%s", why);
  /* backend: exact */
  d = device("fake", "X-1000 rev 2", "Example", AB_DEVICE_NPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "npu-x");
  d = device("fake2", "X-1000 rev 2", "Example", AB_DEVICE_NPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "(none)");
  cr_expect(strstr(why, "wants backend 'fake'") != NULL, "%s", why);
  ab_catalog_free(&cat);
}

Test(catalog, no_match_says_why) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, MATCH_SHIP, false);
  ab_device_record d = device("cpu", "Mystery Chip", "Nobody", AB_DEVICE_CPU);
  cr_expect_null(ab_catalog_match(&cat, &d, why, sizeof why));
  cr_expect_str_eq(why, "no catalogue entry matches cpu device 'Mystery Chip' (vendor 'Nobody', "
                        "type cpu) among 5 entries");
  /* An empty catalogue and a NULL why are fine too. */
  ab_catalog empty = {0};
  cr_expect_null(ab_catalog_match(&empty, &d, NULL, 0));
  ab_catalog_free(&cat);
}

/* The report's Markdown and HTML say it in their language, the device as given. */
Test(catalog, no_match_in_chinese) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, MATCH_SHIP, false);
  ab_device_record d = device("cpu", "Mystery Chip", "Nobody", AB_DEVICE_CPU);
  cr_expect_null(ab_catalog_match_in(&cat, &d, AB_LANG_ZH_CN, why, sizeof why));
  cr_expect_str_eq(why, "设备目录的条目均不匹配 cpu 设备“Mystery Chip”（厂商“Nobody”，类型 cpu；"
                        "共 5 个条目）");
  ab_catalog_free(&cat);
}

Test(catalog, tie_first_loaded_wins) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, MATCH_SHIP, false);
  ab_device_record d = device("x", "Tie 7 board", "Example", AB_DEVICE_OTHER);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "tie-a");
  cr_expect(strstr(why, "tie with tie-b") != NULL, "%s", why);
  cr_expect(strstr(why, "the first loaded is used") != NULL, "%s", why);
  ab_catalog_free(&cat);
}

Test(catalog, lab_beats_shipped_on_equal_length) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, MATCH_SHIP, false);
  load_ok(&cat, MATCH_LAB, true);
  ab_device_record d = device("cuda", "NVIDIA H100 SXM", "NVIDIA", AB_DEVICE_GPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "lab-h100");
  cr_expect(strstr(why, "lab lab-h100") != NULL, "%s", why);
  cr_expect(strstr(why, "preferred to shipped gpu-h100") != NULL, "%s", why);
  /* ... but a longer shipped pattern still wins: specificity first. */
  d = device("cuda", "NVIDIA H100 PCIe", "NVIDIA", AB_DEVICE_GPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "gpu-h100-pcie");
  ab_catalog_free(&cat);
}

Test(catalog, lab_entry_replaces_shipped_id) {
  ab_catalog cat = {0};
  load_ok(&cat, MATCH_SHIP, false);
  size_t n = cat.n_entries;
  load_ok(&cat, MATCH_LAB, true);
  cr_expect_eq(cat.n_entries, n + 1, "npu-x replaced, lab-h100 added");
  const ab_catalog_entry *e = by_id(&cat, "npu-x");
  cr_assert_not_null(e);
  cr_expect(e->user);
  cr_expect_str_eq(e->procurement_list, "not_listed");
  cr_expect_str_eq(e->model, "X NPU (lab figures)");
  cr_expect_float_eq(e->tdp_w, 150, 1e-9);
  cr_expect(strstr(e->file, "lab.yaml") != NULL);
  /* In place: the replaced entry keeps its position (ties stay stable). */
  cr_expect_eq(e, &cat.entries[2]);
  ab_catalog_free(&cat);

  /* Loaded the other way round, the lab entry stays. */
  load_ok(&cat, MATCH_LAB, true);
  load_ok(&cat, MATCH_SHIP, false);
  e = by_id(&cat, "npu-x");
  cr_assert_not_null(e);
  cr_expect(e->user);
  cr_expect_str_eq(e->procurement_list, "not_listed");
  char why[512];
  ab_device_record d = device("cuda", "NVIDIA H100 SXM", "NVIDIA", AB_DEVICE_GPU);
  cr_expect_str_eq(match_id(&cat, d, why, sizeof why), "lab-h100");
  cr_expect(strstr(why, "preferred to shipped gpu-h100") != NULL, "%s", why);
  ab_catalog_free(&cat);
}

Test(catalog, same_kind_duplicate_refused_and_catalogue_unchanged) {
  ab_catalog cat = {0};
  char msg[AB_MSG_LEN];
  load_ok(&cat, MATCH_SHIP, false);
  size_t n = cat.n_entries;
  cr_expect_eq(ab_catalog_load(&cat, MATCH_SHIP, false, msg), AB_E_INVALID);
  cr_expect(strstr(msg, "devices[0].id: expected a unique id, got 'gpu-h100' again (first at ") !=
                NULL,
            "%s", msg);
  cr_expect_eq(cat.n_entries, n, "a refused load added entries");
  ab_catalog_free(&cat);
}

Test(catalog, missing_path) {
  ab_catalog cat = {0};
  char msg[AB_MSG_LEN];
  cr_expect_eq(ab_catalog_load(&cat, SRC("tests/catalog/no-such.yaml"), true, msg), AB_E_IO);
  cr_expect(strstr(msg, "no-such.yaml: expected a device catalogue file or directory, got ") !=
                NULL,
            "%s", msg);
  /* A directory loads every *.yaml in it. */
  cr_expect_eq(ab_catalog_load(&cat, SRC("tests/catalog/envdir/devices"), true, msg), AB_OK, "%s",
               msg);
  cr_expect_eq(cat.n_entries, 1);
  /* Two lab files giving the same id are refused, as two shipped ones would be. */
  cr_expect_eq(ab_catalog_load(&cat, SRC("tests/catalog/match"), true, msg), AB_E_INVALID);
  cr_expect(strstr(msg, "shipped.yaml:19:9: devices[2].id: expected a unique id, got 'npu-x' "
                        "again (first at ") != NULL,
            "%s", msg);
  cr_expect_eq(cat.n_entries, 1);
  ab_catalog_free(&cat);
}

/* ---- bad files ----------------------------------------------------------------------- */

static void check_bad(const char *dir, const char *file) {
  char path[1024], expect_path[1024], msg[AB_MSG_LEN];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  snprintf(expect_path, sizeof expect_path, "%.*s.expect", (int)(strlen(path) - 5), path);
  char *expect = slurp(expect_path);
  ab_status st;
  if (strncmp(file, "cost_", 5) == 0) {
    ab_cost_inputs c;
    st = ab_cost_load(path, &c, msg);
    cr_expect_eq(c.n_prices, 0, "%s: a failed load left prices behind", file);
  } else {
    ab_catalog cat = {0};
    st = ab_catalog_load(&cat, path, true, msg);
    cr_expect_eq(cat.n_entries, 0, "%s: a failed load left entries behind", file);
    ab_catalog_free(&cat);
  }
  cr_expect_eq(st, AB_E_INVALID, "%s: status %d, message: %s", file, st, msg);
  cr_expect_eq(strncmp(msg, dir, strlen(dir)), 0, "%s: message does not start with the path: %s",
               file, msg);
  for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n"))
    cr_expect(strstr(msg, line) != NULL, "%s:\n  message: %s\n  expected to contain: %s", file, msg,
              line);
}

Test(catalog, bad_corpus) {
  const char *dir = SRC("tests/catalog/bad");
  DIR *dp = opendir(dir);
  cr_assert_not_null(dp);
  size_t n = 0;
  for (struct dirent *de; (de = readdir(dp));) {
    size_t l = strlen(de->d_name);
    if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0) {
      check_bad(dir, de->d_name);
      n++;
    }
  }
  closedir(dp);
  cr_assert_geq(n, 30, "only %zu bad files in %s", n, dir);
}

/* ---- cost inputs --------------------------------------------------------------------- */

Test(cost, example_file_loads) {
  ab_cost_inputs c;
  char msg[AB_MSG_LEN];
  cr_assert_eq(ab_cost_load(SRC("configs/cost.yaml"), &c, msg), AB_OK, "%s", msg);
  cr_expect_str_eq(c.currency, "CNY");
  cr_expect_float_eq(c.pue, 1.4, 1e-12);
  cr_expect_float_eq(c.utilisation, 0.6, 1e-12);
  cr_expect_float_eq(c.years, 5, 1e-12);
  cr_expect_eq(c.n_prices, 2);
  cr_expect_str_eq(c.file, SRC("configs/cost.yaml"));
  ab_cost_free(&c);
}

static ab_cost_inputs example_inputs(void) {
  ab_cost_inputs c;
  memset(&c, 0, sizeof c);
  strcpy(c.currency, "CNY");
  c.electricity_per_kwh = 0.8;
  c.subsidy_fraction = 0.25;
  c.pue = 1.5;
  c.years = 4;
  c.utilisation = 0.5;
  return c;
}

Test(cost, compute_by_hand) {
  ab_cost_inputs c = example_inputs();
  ab_cost_result r;
  /* 400 W measured, price 100000, 100 TFLOP/s, reported per PFLOP:
   *   energy  = 400 W x 1.5 (PUE) x 0.5 (utilisation) x 8760 h / 1000 = 2628 kWh/year
   *   bill    = 2628 x 0.8 x (1 - 0.25)                              = 1576.8 / year
   *   total   = 100000 + 1576.8 x 4 years                            = 106307.2
   *   work    = 1e14 FLOP/s x 0.5 x 4 years x 8760 h x 3600 s        = 6.3072e21 FLOP
   *   per PFLOP = 106307.2 / 6.3072e21 x 1e15                        = 0.0168548959918... */
  ab_cost_compute(&c, 100000, 1e14, 400, 1e15, &r);
  cr_expect_float_eq(r.energy_kwh_per_year, 2628.0, 1e-9);
  cr_expect_float_eq(r.energy_cost_per_year, 1576.8, 1e-9);
  cr_expect_float_eq(r.capex, 100000, 1e-9);
  cr_expect_float_eq(r.total_cost, 106307.2, 1e-9);
  cr_expect_float_eq(r.work_per_life, 6.3072e21, 1e6);
  cr_expect_float_eq(r.cost_per_unit, 0.016854895991882293, 1e-15);
  cr_expect_str_eq(r.missing, "");
}

Test(cost, power_not_measured) {
  ab_cost_inputs c = example_inputs();
  ab_cost_result r;
  ab_cost_compute(&c, 100000, 1e14, NAN, 1e15, &r);
  cr_expect(isnan(r.energy_kwh_per_year) && isnan(r.energy_cost_per_year));
  cr_expect(isnan(r.total_cost) && isnan(r.cost_per_unit));
  cr_expect_float_eq(r.capex, 100000, 1e-9); /* the price is still known */
  cr_expect_str_eq(r.missing, "power not measured");
}

Test(cost, no_unit_price) {
  ab_cost_inputs c = example_inputs();
  ab_cost_result r;
  ab_cost_compute(&c, NAN, 1e14, 400, 1e15, &r);
  cr_expect(isnan(r.capex) && isnan(r.total_cost) && isnan(r.cost_per_unit));
  cr_expect_float_eq(r.energy_cost_per_year, 1576.8, 1e-9); /* energy is still known */
  cr_expect_str_eq(r.missing, "no unit price");
  ab_cost_compute(&c, NAN, 0, NAN, 1e15, &r);
  cr_expect_str_eq(r.missing, "no unit price; power not measured; no measured rate");
  cr_expect(isnan(r.work_per_life));
  ab_cost_compute(NULL, 1, 1, 1, 1, &r);
  cr_expect_str_eq(r.missing, "no cost inputs");
}

/* A lab's quote of 180000 for gpu-h100-pcie, from lab-cost.yaml, in the caller's storage. */
static void lab_quote(ab_cost_inputs *c, char (*ids)[64], double *prices) {
  strcpy(ids[0], "gpu-h100-pcie");
  prices[0] = 180000;
  c->price_ids = ids;
  c->prices = prices;
  c->n_prices = 1;
  strcpy(c->file, "lab-cost.yaml");
}

Test(cost, unit_price_sources) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, MATCH_SHIP, false);
  const ab_catalog_entry *pcie = by_id(&cat, "gpu-h100-pcie"), *h100 = by_id(&cat, "gpu-h100");
  ab_cost_inputs c = example_inputs();
  /* The catalogue's price, in the cost file's currency. */
  cr_expect_float_eq(ab_cost_unit_price(&c, pcie, why, sizeof why), 200000, 1e-9);
  cr_expect(strstr(why, "catalogue price of gpu-h100-pcie") != NULL, "%s", why);
  /* Another currency is not converted. */
  strcpy(c.currency, "USD");
  cr_expect(isnan(ab_cost_unit_price(&c, pcie, why, sizeof why)));
  cr_expect(strstr(why, "is in CNY, the cost file's currency is USD (no conversion") != NULL, "%s",
            why);
  /* A lab quote overrides. */
  char ids[1][64];
  double prices[1];
  lab_quote(&c, ids, prices);
  cr_expect_float_eq(ab_cost_unit_price(&c, pcie, why, sizeof why), 180000, 1e-9);
  cr_expect(strstr(why, "quote from lab-cost.yaml") != NULL, "%s", why);
  /* No price anywhere. */
  cr_expect(isnan(ab_cost_unit_price(&c, h100, why, sizeof why)));
  cr_expect(strstr(why, "no unit price") != NULL, "%s", why);
  cr_expect(isnan(ab_cost_unit_price(&c, NULL, why, sizeof why)));
  ab_catalog_free(&cat);
}

Test(cost, unit_price_sources_in_chinese) {
  ab_catalog cat = {0};
  char why[512];
  load_ok(&cat, MATCH_SHIP, false);
  const ab_catalog_entry *pcie = by_id(&cat, "gpu-h100-pcie"), *h100 = by_id(&cat, "gpu-h100");
  ab_cost_inputs c = example_inputs();
  cr_expect_float_eq(ab_cost_unit_price_in(&c, pcie, AB_LANG_ZH_CN, why, sizeof why), 200000, 1e-9);
  cr_expect(strstr(why, "设备目录价格：gpu-h100-pcie（") != NULL, "%s", why);
  strcpy(c.currency, "USD");
  cr_expect(isnan(ab_cost_unit_price_in(&c, pcie, AB_LANG_ZH_CN, why, sizeof why)));
  cr_expect(strstr(why, "无单价：gpu-h100-pcie 的目录价格以 CNY 计价，成本文件的币种为 USD") !=
                NULL,
            "%s", why);
  char ids[1][64];
  double prices[1];
  lab_quote(&c, ids, prices);
  cr_expect_float_eq(ab_cost_unit_price_in(&c, pcie, AB_LANG_ZH_CN, why, sizeof why), 180000, 1e-9);
  cr_expect_str_eq(why, "报价来自 lab-cost.yaml（cost.unit_prices.gpu-h100-pcie）");
  cr_expect(isnan(ab_cost_unit_price_in(&c, h100, AB_LANG_ZH_CN, why, sizeof why)));
  cr_expect(strstr(why, "无单价：设备目录条目 gpu-h100 ") != NULL, "%s", why);
  /* English through the same path is what report.json has always said */
  ab_cost_unit_price_in(&c, pcie, AB_LANG_EN, why, sizeof why);
  cr_expect_str_eq(why, "quote from lab-cost.yaml (cost.unit_prices.gpu-h100-pcie)");
  ab_catalog_free(&cat);
}
