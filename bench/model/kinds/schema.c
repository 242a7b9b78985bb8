/* The JSON Schema fragment of a kind's shape, from its field table (kind.h): what the run
 * file writes under kernel.shape for that kind. reports/schema/run-file.schema.json holds
 * these fragments; tests/runfile/test_kind_schema.c checks every kind's against the table,
 * so the schema cannot drift from the code that writes and reads run files. */
#include <jansson.h>

#include "model/kind.h"

static json_t *field_schema(const ab_param_field *f) {
  if (f->type == AB_PARAM_BOOL)
    return json_pack("{s:s}", "type", "boolean");
  if (f->type == AB_PARAM_ENUM) {
    json_t *names = json_array();
    for (size_t i = 0; names && i < f->n_names; i++)
      json_array_append_new(names, json_string(f->names[i]));
    return json_pack("{s:o}", "enum", names);
  }
  return json_pack("{s:s,s:I}", "type", "integer", "minimum", (json_int_t)f->min);
}

json_t *ab_kind_shape_schema(const ab_kind_def *k) {
  json_t *props = json_object(), *required = json_array();
  for (size_t i = 0; props && required && i < k->n_fields; i++) {
    json_object_set_new(props, k->fields[i].name, field_schema(&k->fields[i]));
    json_array_append_new(required, json_string(k->fields[i].name));
  }
  return json_pack("{s:s,s:o,s:o,s:b}", "type", "object", "properties", props, "required", required,
                   "additionalProperties", 0);
}
