/* accelbench verify / keygen / sign — run bundles (docs/verify.md): check a run directory
 * against its manifest and signature and recompute every derived figure; make a key pair;
 * sign a run directory's manifest. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"
#include "model/manifest.h"
#include "model/signing.h"
#include "report.h"
#include "verify.h"

/* ---- keys on the command line --------------------------------------------------------- */

int ab_cli_load_public_keys(const char *prog, const char *const *paths, size_t n,
                            ab_public_key **keys) {
  char msg[AB_MSG_LEN];
  *keys = calloc(n ? n : 1, sizeof **keys);
  if (!*keys) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return 0;
  }
  for (size_t i = 0; i < n; i++)
    if (ab_public_key_load(paths[i], &(*keys)[i], msg) != AB_OK) {
      fprintf(stderr, "%s: --public-key: %s\n", prog, msg);
      free(*keys);
      *keys = NULL;
      return 0;
    }
  return 1;
}

int ab_cli_add_path(const char *arg, const char ***list, size_t *n) {
  const char **grown = realloc(*list, (*n + 1) * sizeof *grown);
  if (!grown)
    return 0;
  *list = grown;
  (*list)[(*n)++] = arg;
  return 1;
}

void ab_cli_report_trust(ab_report *rep, const ab_public_key *keys, size_t n_keys) {
  for (size_t i = 0; i < rep->n_inputs; i++)
    ab_run_file_trust(rep->inputs[i].path, keys, n_keys, &rep->inputs[i].trust);
}

/* ---- verify --------------------------------------------------------------------------- */

static void verify_usage(FILE *out) {
  fprintf(out,
          "usage: accelbench verify DIR [--public-key FILE]... [-q]\n"
          "\n"
          "Check the run directory DIR (the output of 'accelbench run'): every file its\n"
          "manifest.json lists is rehashed (run.json, the journal, the invocation, summary\n"
          "and reports), and on the host that ran it also the inputs outside it (suite,\n"
          "catalogue, backend modules, the accelbench binary); manifest.sig is checked; and\n"
          "every derived figure of run.json is recomputed from the raw record: statistics\n"
          "from the raw samples, rates, CIs, statuses from the validation outcomes, energy\n"
          "and perf/W from the measured energy. Doubles agree within %g relative.\n"
          "\n"
          "options:\n"
          "  -k, --public-key FILE  a trusted public key (from 'accelbench keygen');\n"
          "                         repeatable. With one, the bundle must be signed by one\n"
          "                         of them. Without, a signature is checked but its key is\n"
          "                         only reported\n"
          "  -q, --quiet            print only the mismatches and the verdict\n"
          "  -h, --help             this text\n"
          "\n"
          "exit codes: 0 everything matches; 1 a mismatch (each one is printed, named by its\n"
          "file and field); 2 bad usage or an unreadable public key.\n",
          AB_VERIFY_REL_TOL);
}

typedef struct verify_args {
  const char *dir;
  const char **keys;
  size_t n_keys;
  bool quiet;
} verify_args;

static int parse_verify(int argc, char **argv, verify_args *a) {
  static const struct option opts[] = {{"public-key", required_argument, NULL, 'k'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  optind = 1;
  for (int c; (c = getopt_long(argc, argv, "k:qh", opts, NULL)) != -1;) {
    switch (c) {
    case 'k':
      if (!ab_cli_add_path(optarg, &a->keys, &a->n_keys))
        return AB_EXIT_ENV;
      break;
    case 'q': a->quiet = true; break;
    case 'h': verify_usage(stdout); return -1;
    default: verify_usage(stderr); return AB_EXIT_USAGE;
    }
  }
  if (argc - optind != 1) {
    fprintf(stderr, "accelbench verify: expected one run directory, got %d (see --help)\n",
            argc - optind);
    return AB_EXIT_USAGE;
  }
  a->dir = argv[optind];
  return AB_EXIT_OK;
}

static void print_signature(const ab_bundle_check *c, size_t n_keys) {
  switch (c->signature) {
  case AB_SIGNATURE_NONE:
    printf("  signature: none (%s is absent: the bundle is unsigned)\n", AB_SIGNATURE_FILE);
    break;
  case AB_SIGNATURE_BAD: printf("  signature: BAD (below)\n"); break;
  case AB_SIGNATURE_VALID:
    if (c->signer_trusted)
      printf("  signature: valid, by %s, a given key\n", c->signer);
    else if (n_keys == 0)
      printf("  signature: valid, by %s; not checked against a trusted key (give "
             "--public-key)\n",
             c->signer);
    else
      printf("  signature: valid, by %s, which is NOT a given key\n", c->signer);
    break;
  }
}

static void print_summary(const ab_bundle_check *c, size_t n_keys) {
  const ab_manifest_counts *m = &c->files;
  const ab_figure_counts *g = &c->figures;
  if (c->have_manifest) {
    printf("  files: %zu of %zu match the manifest\n", m->files_ok, m->files);
    if (c->inputs_rehashed)
      printf("  inputs: %zu of %zu match (%zu absent here)\n", m->inputs_ok, m->inputs,
             m->inputs_absent);
    else
      printf("  inputs: %zu listed, not rehashed: the run was made on host \"%s\", not here\n",
             m->inputs, c->run_host);
    print_signature(c, n_keys);
  }
  printf("  figures: %zu cases, %zu timed, %zu recomputed from %zu raw samples; rates, "
         "statuses and %zu power sources' figures recomputed\n",
         g->cases, g->timed, g->recomputed, g->samples, g->power_sources);
}

static int verify_verdict(const ab_bundle_check *c, size_t n_keys) {
  bool wanted_signature = n_keys > 0 && c->signature == AB_SIGNATURE_NONE;
  if (wanted_signature)
    printf("mismatch: %s: absent: the bundle is unsigned, but --public-key asks for a "
           "signature\n",
           AB_SIGNATURE_FILE);
  if (c->findings.out_of_memory)
    printf("mismatch: out of memory while verifying: some findings were lost\n");
  size_t n = c->findings.n_mismatches + wanted_signature + c->findings.out_of_memory;
  if (n > 0) {
    printf("NOT VERIFIED: %zu mismatch%s\n", n, n == 1 ? "" : "es");
    return AB_EXIT_CASES_FAILED;
  }
  char text[320];
  ab_trust_text(&c->trust, text, sizeof text);
  if (c->trust.state == AB_TRUST_UNSIGNED)
    printf("unsigned: every hash and recomputed figure matches; no signature\n");
  else if (c->trust.state == AB_TRUST_NOT_VERIFIED)
    printf("hashes and figures match; the signer is not established (no --public-key)\n");
  else
    printf("%s\n", text);
  return AB_EXIT_OK;
}

int ab_cmd_verify(int argc, char **argv) {
  verify_args a = {0};
  ab_public_key *keys = NULL;
  int rc = parse_verify(argc, argv, &a);
  if (rc == AB_EXIT_OK && !ab_cli_load_public_keys("accelbench verify", a.keys, a.n_keys, &keys))
    rc = AB_EXIT_USAGE;
  if (rc == AB_EXIT_OK) {
    ab_bundle_check c;
    ab_bundle_verify(a.dir, keys, a.n_keys, &c);
    if (!a.quiet) {
      printf("accelbench verify %s\n", a.dir);
      print_summary(&c, a.n_keys);
      for (size_t i = 0; i < c.findings.n_notes; i++)
        printf("note: %s\n", c.findings.notes[i]);
    }
    for (size_t i = 0; i < c.findings.n_mismatches; i++)
      printf("mismatch: %s\n", c.findings.mismatches[i]);
    rc = verify_verdict(&c, a.n_keys);
    ab_bundle_check_free(&c);
  }
  free(keys);
  free(a.keys);
  return rc < 0 ? AB_EXIT_OK : rc;
}

/* ---- keygen --------------------------------------------------------------------------- */

static void keygen_usage(FILE *out) {
  fprintf(out, "usage: accelbench keygen --out PREFIX\n"
               "\n"
               "Make an Ed25519 key pair for signing run bundles: PREFIX.key, the secret key\n"
               "(mode 0600: keep it on the machines that run benchmarks, pass it to\n"
               "'accelbench run --sign-key'), and PREFIX.pub, the public key (give it to whoever\n"
               "checks results: 'accelbench verify --public-key', 'report/compare\n"
               "--public-key'). Existing files are never replaced.\n"
               "\n"
               "exit codes: 0 written; 2 bad usage or a file that exists; 3 cannot write.\n");
}

int ab_cmd_keygen(int argc, char **argv) {
  static const struct option opts[] = {
      {"out", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  const char *prefix = NULL;
  optind = 1;
  for (int c; (c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1;) {
    switch (c) {
    case 'o': prefix = optarg; break;
    case 'h': keygen_usage(stdout); return AB_EXIT_OK;
    default: keygen_usage(stderr); return AB_EXIT_USAGE;
    }
  }
  if (!prefix || !prefix[0] || optind < argc) {
    fprintf(stderr, "accelbench keygen: expected --out PREFIX and nothing else (see --help)\n");
    return AB_EXIT_USAGE;
  }
  char msg[AB_MSG_LEN], path[1100], fp[AB_KEY_FINGERPRINT_LEN];
  ab_status st = ab_keygen(prefix, msg);
  if (st != AB_OK) {
    fprintf(stderr, "accelbench keygen: %s\n", msg);
    return st == AB_E_INVALID ? AB_EXIT_USAGE : AB_EXIT_ENV;
  }
  ab_public_key pk;
  snprintf(path, sizeof path, "%s.pub", prefix);
  if (ab_public_key_load(path, &pk, msg) != AB_OK) {
    fprintf(stderr, "accelbench keygen: %s\n", msg);
    return AB_EXIT_ENV;
  }
  ab_key_fingerprint(&pk, fp);
  printf("accelbench keygen: wrote %s.key (secret, mode 0600) and %s.pub; key %s\n", prefix, prefix,
         fp);
  return AB_EXIT_OK;
}

/* ---- sign ----------------------------------------------------------------------------- */

static void sign_usage(FILE *out) {
  fprintf(out, "usage: accelbench sign DIR --sign-key FILE\n"
               "\n"
               "Sign the manifest.json of the run directory DIR as it is (for a run made\n"
               "without --sign-key, or signed again on a machine that holds the key). It does\n"
               "not rehash anything: run 'accelbench verify DIR' first.\n"
               "\n"
               "exit codes: 0 signed; 2 bad usage, a bad key or a bad manifest; 3 cannot\n"
               "write.\n");
}

int ab_cmd_sign(int argc, char **argv) {
  static const struct option opts[] = {{"sign-key", required_argument, NULL, 'k'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *key_path = NULL;
  optind = 1;
  for (int c; (c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1;) {
    switch (c) {
    case 'k': key_path = optarg; break;
    case 'h': sign_usage(stdout); return AB_EXIT_OK;
    default: sign_usage(stderr); return AB_EXIT_USAGE;
    }
  }
  if (!key_path || argc - optind != 1) {
    fprintf(stderr, "accelbench sign: expected DIR and --sign-key FILE (see --help)\n");
    return AB_EXIT_USAGE;
  }
  char msg[AB_MSG_LEN], fp[AB_KEY_FINGERPRINT_LEN];
  ab_secret_key sk;
  ab_public_key pk;
  ab_status st = ab_secret_key_load(key_path, &sk, msg);
  if (st == AB_OK) {
    st = ab_manifest_sign(argv[optind], &sk, msg);
    ab_secret_key_public(&sk, &pk);
    ab_secret_key_wipe(&sk);
  }
  if (st != AB_OK) {
    fprintf(stderr, "accelbench sign: %s\n", msg);
    return st == AB_E_IO || st == AB_E_NOMEM ? AB_EXIT_ENV : AB_EXIT_USAGE;
  }
  ab_key_fingerprint(&pk, fp);
  printf("accelbench sign: signed %s/%s with %s\n", argv[optind], AB_MANIFEST_FILE, fp);
  return AB_EXIT_OK;
}
