/* The run-file schema's shape fragments agree with the kind tables (bench/model/kinds/):
 * every kind with a table has its kernel.shape described, with the same fields, types,
 * enum values, minimums and required set that ab_kind_shape_schema derives from the table.
 * Adding a field to a kind without the schema (or the other way round) fails here. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "model/kind.h"
#include "model/names.h"

static json_t *schema;

static void load(void) {
  json_error_t err;
  schema = json_load_file(AB_TEST_SOURCE_DIR "/reports/schema/run-file.schema.json", 0, &err);
  cr_assert_not_null(schema, "schema: %s:%d: %s", err.source, err.line, err.text);
}

static void unload(void) {
  json_decref(schema);
}

/* The $defs entry kernel.allOf points kind `name`'s shape at; NULL when none does. */
static const json_t *shape_def_of(const char *name) {
  const json_t *defs = json_object_get(schema, "$defs");
  const json_t *all = json_object_get(json_object_get(defs, "kernel"), "allOf");
  size_t i;
  const json_t *rule;
  json_array_foreach(all, i, rule) {
    const json_t *kind =
        json_object_get(json_object_get(json_object_get(rule, "if"), "properties"), "kind");
    const json_t *names = json_object_get(kind, "enum");
    bool match = json_is_string(json_object_get(kind, "const")) &&
                 strcmp(json_string_value(json_object_get(kind, "const")), name) == 0;
    size_t j;
    const json_t *n;
    json_array_foreach(names, j, n) match |= strcmp(json_string_value(n), name) == 0;
    if (!match)
      continue;
    const json_t *ref = json_object_get(
        json_object_get(json_object_get(json_object_get(rule, "then"), "properties"), "shape"),
        "$ref");
    const char *prefix = "#/$defs/";
    if (!json_is_string(ref) || strncmp(json_string_value(ref), prefix, strlen(prefix)) != 0)
      return NULL;
    return json_object_get(defs, json_string_value(ref) + strlen(prefix));
  }
  return NULL;
}

static void same_member(const char *kind, const char *field, const json_t *want, const json_t *got,
                        const char *key) {
  const json_t *w = json_object_get(want, key), *g = json_object_get(got, key);
  if (!w)
    return;
  cr_expect(g && json_equal(w, g), "%s.%s: the table says %s %s, the schema %s", kind, field, key,
            json_dumps(w, JSON_ENCODE_ANY), g ? json_dumps(g, JSON_ENCODE_ANY) : "nothing");
}

static bool same_set(const json_t *a, const json_t *b) {
  if (json_array_size(a) != json_array_size(b))
    return false;
  size_t i;
  const json_t *x;
  json_array_foreach(a, i, x) {
    bool found = false;
    size_t j;
    const json_t *y;
    json_array_foreach(b, j, y) found |= json_equal(x, y);
    if (!found)
      return false;
  }
  return true;
}

static void check_kind(ab_kernel_kind k) {
  const ab_kind_def *def = ab_kind_def_of(k);
  const char *name = ab_kernel_kind_str(k);
  const json_t *got = shape_def_of(name);
  if (!got && def->n_fields == 0)
    return; /* no parameters (launch): the generic {"type": "object"} of every kind */
  cr_assert_not_null(got, "kind %s has a table but the schema describes no shape for it", name);
  json_t *want = ab_kind_shape_schema(def);
  cr_assert_not_null(want);
  const json_t *wp = json_object_get(want, "properties"), *gp = json_object_get(got, "properties");
  cr_expect_eq(json_object_size(wp), json_object_size(gp),
               "%s: %zu fields in the table, %zu in "
               "the schema",
               name, json_object_size(wp), json_object_size(gp));
  const char *field;
  const json_t *w;
  json_object_foreach((json_t *)wp, field, w) {
    const json_t *g = json_object_get(gp, field);
    cr_expect_not_null(g, "%s: field %s is in the table, not in the schema", name, field);
    if (!g)
      continue;
    same_member(name, field, w, g, "type");
    same_member(name, field, w, g, "enum");
    same_member(name, field, w, g, "minimum");
  }
  cr_expect(same_set(json_object_get(want, "required"), json_object_get(got, "required")),
            "%s: required fields differ", name);
  cr_expect(json_is_false(json_object_get(got, "additionalProperties")),
            "%s: the schema must refuse fields the table does not have", name);
  json_decref(want);
}

Test(kind_schema, every_kind_table_matches_its_schema_fragment, .init = load, .fini = unload) {
  size_t checked = 0;
  for (int k = AB_KERNEL_INVALID + 1; k < AB_KERNEL_KIND_COUNT; k++)
    if (ab_kind_def_of((ab_kernel_kind)k)) {
      check_kind((ab_kernel_kind)k);
      checked++;
    }
  cr_assert_geq(checked, 14, "the kinds of the registry");
}

/* The checker itself: a table field the schema lacks is found. */
Test(kind_schema, a_field_missing_from_the_schema_is_found, .init = load, .fini = unload) {
  json_t *def = (json_t *)shape_def_of("gemm");
  cr_assert_not_null(def);
  json_object_del(json_object_get(def, "properties"), "trans_b");
  const json_t *gp = json_object_get(def, "properties");
  json_t *want = ab_kind_shape_schema(ab_kind_def_of(AB_KERNEL_GEMM));
  cr_assert_neq(json_object_size(json_object_get(want, "properties")), json_object_size(gp));
  json_decref(want);
}
