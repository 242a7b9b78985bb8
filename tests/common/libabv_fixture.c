/* A tiny vendor library for the loader tests: built twice, with and without
 * ABV_WITH_SECOND (a "missing mandatory symbol" variant). */
int abv_first(int x);
int abv_first(int x) {
  return x + 1;
}

#ifdef ABV_WITH_SECOND
int abv_second(int x);
int abv_second(int x) {
  return x * 2;
}
#endif
