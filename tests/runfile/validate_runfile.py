#!/usr/bin/env python3
"""Validate an accelbench run file against its JSON Schema.

usage: validate_runfile.py RUNFILE [SCHEMA]

SCHEMA defaults to reports/schema/run-file.schema.json in the source tree this script
lives in. Prints one line per error, each with the JSON path of the offending value
($.cases[3].timing.time_s.median), and exits 1 if the file is invalid, 2 if the file or
schema cannot be read. Needs python3-jsonschema (Debian 12: 4.10; draft 2020-12).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
# In the source tree (tests/runfile/), or installed as bin/accelbench-validate-run beside
# share/accelbench/schema/ (also inside a bundle).
SCHEMA_CANDIDATES = [
    os.path.join(HERE, "..", "..", "reports", "schema", "run-file.schema.json"),
    os.path.join(HERE, "..", "share", "accelbench", "schema", "run-file.schema.json"),
]
DEFAULT_SCHEMA = next((p for p in SCHEMA_CANDIDATES if os.path.exists(p)), SCHEMA_CANDIDATES[0])


def json_path(path):
    out = "$"
    for part in path:
        out += "[%d]" % part if isinstance(part, int) else "." + str(part)
    return out


def describe(err):
    """The error message, without a dump of a whole case when the instance is large."""
    if err.validator == "not":
        return "must not match %s" % json.dumps(err.validator_value)
    msg = err.message
    return msg if len(msg) <= 300 else msg[:297] + "..."


def load(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print("%s: cannot read %s: %s" % (path, what, e), file=sys.stderr)
        sys.exit(2)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate_runfile.py: python3-jsonschema is not installed", file=sys.stderr)
        return 2
    run_path = argv[1]
    schema = load(argv[2] if len(argv) == 3 else DEFAULT_SCHEMA, "the schema")
    run = load(run_path, "the run file")
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(run), key=lambda e: list(map(str, e.absolute_path)))
    for e in errors:
        print("%s: %s: %s" % (run_path, json_path(e.absolute_path), describe(e)))
        # For allOf/oneOf failures the useful detail is in the sub-errors.
        for sub in sorted(e.context or [], key=lambda s: list(map(str, s.absolute_path))):
            print("%s:   %s: %s" % (run_path, json_path(sub.absolute_path), describe(sub)))
    if errors:
        print("%s: %d schema error(s)" % (run_path, len(errors)), file=sys.stderr)
        return 1
    print("%s: valid (schema_version %s)" % (run_path, run.get("schema_version")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
