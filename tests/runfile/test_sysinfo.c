/* Tests of bench/sysinfo.c: the object has every documented key, facts carry a source,
 * and the clock and FMA microbenchmarks give physically possible figures. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "sysinfo.h"

static void assert_has(const json_t *o, const char *key) {
  cr_assert_not_null(json_object_get(o, key), "missing key \"%s\"", key);
}

Test(sysinfo, collect_has_required_keys) {
  ab_sysinfo_opts opts = {.measure_clock = false};
  json_t *s = ab_sysinfo_collect(&opts);
  cr_assert(json_is_object(s));
  const char *top[] = {"hostname", "cpu", "topology", "os", "memory_bytes", "libraries"};
  for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
    assert_has(s, top[i]);
  json_t *cpu = json_object_get(s, "cpu");
  const char *keys[] = {"model",
                        "model_source",
                        "sockets",
                        "cores",
                        "threads",
                        "simd",
                        "simd_source",
                        "flags",
                        "libcpuid",
                        "clock_reported_mhz",
                        "clock_reported_source",
                        "clock_measured_ghz",
                        "clock_measured_source",
                        "fma_peak_gflops_per_core_measured",
                        "fma_peak_gflops_measured",
                        "fma_units_per_core_assumed",
                        "fma_peak_gflops_computed"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    assert_has(cpu, keys[i]);
  /* not measured: null with a reason, never a number */
  cr_assert(json_is_null(json_object_get(cpu, "clock_measured_ghz")));
  cr_assert(strstr(json_string_value(json_object_get(cpu, "clock_measured_source")), "not"));
  cr_assert_gt(json_integer_value(json_object_get(cpu, "cores")), 0);
  cr_assert_geq(json_integer_value(json_object_get(cpu, "threads")),
                json_integer_value(json_object_get(cpu, "cores")));
  cr_assert_gt(json_integer_value(json_object_get(s, "memory_bytes")), 0);
  json_t *os = json_object_get(s, "os");
  cr_assert_str_eq(json_string_value(json_object_get(os, "sysname")), "Linux");
  json_t *libs = json_object_get(s, "libraries");
  const char *lib[] = {"jansson", "libyaml", "hwloc", "libcpuid"};
  for (size_t i = 0; i < 4; i++)
    cr_assert(json_is_string(json_object_get(libs, lib[i])), "library %s", lib[i]);
  json_t *topo = json_object_get(s, "topology");
  cr_assert_gt(json_integer_value(json_object_get(topo, "pus")), 0);
  json_decref(s);
}

/* The SIMD list follows the kernel's flags, whatever libcpuid says. */
Test(sysinfo, simd_follows_proc_flags) {
  ab_sysinfo_opts opts = {.measure_clock = false};
  json_t *s = ab_sysinfo_collect(&opts);
  json_t *cpu = json_object_get(s, "cpu");
  json_t *flags = json_object_get(cpu, "flags"), *simd = json_object_get(cpu, "simd");
  cr_assert(json_is_array(flags));
  size_t i;
  json_t *v;
  json_array_foreach(simd, i, v) {
    const char *name = json_string_value(v);
    const char *flag = strcmp(name, "sse3") == 0 ? "pni" : name;
    bool found = false;
    size_t k;
    json_t *f;
    json_array_foreach(flags, k, f) found |= strcmp(json_string_value(f), flag) == 0;
    cr_assert(found, "simd \"%s\" is not in /proc/cpuinfo flags", name);
  }
  json_decref(s);
}

Test(sysinfo, measured_clock_is_plausible) {
  double ghz = ab_measure_core_clock_ghz();
  cr_log_info("measured core clock: %.3f GHz", ghz);
  cr_assert(ghz > 0.5 && ghz < 10.0, "measured clock %.3f GHz", ghz);
}

Test(sysinfo, fma_peak_is_positive) {
  char isa32[32] = "", isa64[32] = "";
  double f32 = ab_measure_fma_peak_gflops(false, isa32, sizeof isa32);
  double f64 = ab_measure_fma_peak_gflops(true, isa64, sizeof isa64);
  cr_log_info("FMA peak per core: f32 %.1f, f64 %.1f GFLOP/s (%s)", f32, f64, isa32);
  cr_assert_gt(f32, 0.0, "isa %s", isa32);
  cr_assert_gt(f64, 0.0, "isa %s", isa64);
  cr_assert_str_eq(isa32, isa64);
  /* f64 lanes are half as many: its peak cannot exceed f32's by more than noise */
  cr_assert_lt(f64, f32 * 1.2);
}

Test(sysinfo, collect_with_measurement) {
  ab_sysinfo_opts opts = {.measure_clock = true};
  json_t *s = ab_sysinfo_collect(&opts);
  json_t *cpu = json_object_get(s, "cpu");
  double ghz = json_real_value(json_object_get(cpu, "clock_measured_ghz"));
  cr_assert(ghz > 0.5 && ghz < 10.0);
  json_t *m = json_object_get(cpu, "fma_peak_gflops_per_core_measured");
  cr_assert_gt(json_real_value(json_object_get(m, "f32")), 0.0);
  json_t *c = json_object_get(cpu, "fma_peak_gflops_computed");
  double cores = (double)json_integer_value(json_object_get(c, "cores"));
  double lanes = (double)json_integer_value(json_object_get(c, "lanes_f32"));
  double units = (double)json_integer_value(json_object_get(cpu, "fma_units_per_core_assumed"));
  double want = cores * ghz * lanes * 2.0 * units;
  cr_assert_float_eq(json_real_value(json_object_get(c, "f32")), want, want * 1e-12);
  json_decref(s);
}
